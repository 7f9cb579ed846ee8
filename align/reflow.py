"""Turn text as PDF extraction gives it back into paragraphs.

PDF text comes as lines hard-wrapped at the page width, with running headers and footers
(document symbol, title, job number such as ``20-16555``, page numbers like ``2/4``), the
masthead of the first page, footnotes at the bottom of each page, and — in Chinese — often no
blank line between paragraphs. `reflow` gives clean text in the form `align.segment` reads:
one paragraph per block, blocks separated by a blank line, each footnote a block of its own
starting with its superscript marker, placed after the paragraph that was running when the
footnote was met (so a page break inside a paragraph does not split it).

A paragraph ends where a blank line (or extra vertical space) says so, or — in text with no
such signal, and at every page break — before an indented first line, or where a line stops
short: where the next line's first
word would have fitted on it, the wrapping program would have put it there. Lines are joined
with no space between Chinese characters, and a line-end hyphen is kept unless the joined word
spelled that way elsewhere in the document, else when word frequencies (wordfreq) say so:
"disarma-/ment", "fulfil-/ment" and "under-/taken" are re-joined, "nuclear-/weapon-free",
"non-/governmental" and "well-/being" keep their hyphen.

Nothing is lost silently: what was dropped (page furniture, removed hyphens) is returned in
`Reflowed.removed`.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from .segment import SUPERSCRIPTS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Line:
    """One printed line and what the layout says about it.

    Widths are in any unit (display columns for text, points for PDF) as long as `width`,
    `first_word` and `full` agree: `width` is how far the line reaches from the left margin,
    `first_word` the room its first word (with the space before it) would take at the end of
    the previous line, `full` the width of a full line (the measure).
    """

    text: str
    page: int = 0
    width: float = 0.0
    first_word: float = 0.0
    full: float = 0.0
    gap_before: bool = False  # a blank line / extra vertical space before this line
    small: bool | None = None  # set in a smaller type than the body (None: unknown)
    indent: bool = False  # a first line set in from the margin (paragraph indentation)


@dataclass
class Reflowed:
    """Clean text plus everything that was taken out of it."""

    text: str
    removed: list[str] = field(default_factory=list)
    paragraphs: int = 0
    footnotes: int = 0


# --- character classes ------------------------------------------------------------------

_SUP_RE = re.compile(f"^[{SUPERSCRIPTS}]+")
_CLOSING = set("，。、；：？！）」』”’》〉】〕,.;:?!)]}%") | set(SUPERSCRIPTS)


# East Asian Wide and Fullwidth ranges that matter for CJK text (emoji and rare scripts aside):
# a regex is ~20x faster than unicodedata per character, which matters on multi-MB inputs.
_WIDE = re.compile("[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
                   "\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19"
                   "\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001f64f\U0001f900-\U0001f9ff"
                   "\U00020000-\U0003fffd]")


def is_wide(ch: str) -> bool:
    return bool(_WIDE.match(ch))


def display_width(s: str) -> int:
    return len(s) + len(_WIDE.findall(s))


def _is_cjk_boundary(ch: str) -> bool:
    """Characters next to which a line join takes no space (Han, kana, CJK punctuation)."""
    return is_wide(ch) or ch in SUPERSCRIPTS


def first_word(s: str) -> str:
    """The first unit a wrapping program would have moved: a CJK character with the
    punctuation that may not start a line, else a word (up to a space or a CJK character)."""
    s = s.lstrip()
    if not s:
        return ""
    if is_wide(s[0]):
        i = 1
        while i < len(s) and s[i] in _CLOSING:
            i += 1
        return s[:i]
    m = re.match(r"[^\s\u2e80-\U0002ffff]+", s)
    word = m.group(0) if m else s[0]
    if len(word) < len(s) and all(ch in _OPENING for ch in word):
        return word + first_word(s[len(word):])  # an opening bracket goes with what follows
    return word


_OPENING = set("([{“‘\"'（《「『【〔")


# --- from plain text ----------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x1c\x1d\x1e\x85\u2028\u2029]")


def lines_from_text(text: str) -> list[Line]:
    """Lines of plain text (pages split at form feeds), measured in display columns.

    `full` is left 0: `reflow_lines` measures it once page furniture is out.
    """
    raw: list[tuple[int, str, bool, int]] = []
    for page, chunk in enumerate(text.split("\f")):
        gap = False
        for ln in _LINE_BREAKS.split(chunk):
            s = ln.strip()
            if not s:
                gap = True
                continue
            lead = ln[: len(ln) - len(ln.lstrip())]
            raw.append((page, s, gap, display_width(lead.replace("\t", "    "))))
            gap = False
    indented = first_line_indents([lead for *_, lead in raw])
    out = []
    for k, (page, s, gap, lead) in enumerate(raw):
        fw = first_word(s)
        sep = 0 if fw and is_wide(fw[0]) else 1
        out.append(Line(s, page, lead + display_width(s), display_width(fw) + sep, 0.0, gap, None, k in indented))
    return out


def first_line_indents(leads: list[int]) -> set[int]:
    """Lines set in from the usual margin, when the text indents first lines (Chinese "　　",
    spaces): at least half the indented lines are followed by a line at the margin. With a
    hanging indent (continuation lines set in) indented lines come in runs and do not count."""
    if len(leads) < 3:
        return set()
    base = Counter(leads).most_common(1)[0][0]
    ins = [k for k, w in enumerate(leads) if w >= base + 2]
    if len(ins) < 2 or len(ins) > 0.6 * len(leads):
        return set()
    then_margin = sum(1 for k in ins if k + 1 < len(leads) and leads[k + 1] < base + 2)
    return set(ins) if then_margin >= 0.5 * len(ins) else set()


def measure(widths: list[float]) -> float:
    """The width of a full line: the widest line that at least 3% of lines (and two) reach,
    so that a few wider ones (an unwrapped heading, hanging punctuation) do not count."""
    if not widths:
        return 0.0
    k = max(2, -(-3 * len(widths) // 100))
    ws = sorted(widths, reverse=True)
    return float(ws[min(k, len(ws)) - 1])


# --- page furniture -----------------------------------------------------------------------

_SYMBOL = r"(?:[A-Z]{1,10}/)+(?:[A-Za-z0-9.()\-]+/)*[A-Za-z0-9.()\-]*[A-Za-z0-9)]"
_PAGE_NO = r"(?:page\s*)?\d{1,4}\s*(?:/|of)\s*\d{1,4}"
_JOB = r"\d{2}-\d{5}(?:\s*\([A-Z]\))?"
_FURNITURE = [re.compile(p, re.I) for p in (
    rf"{_PAGE_NO}",                                   # 2/4, Page 2 of 4
    r"[-–—]?\s*\d{1,4}\s*[-–—]?",                     # 3, - 3 -
    r"第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?",          # 第 2 页 / 共 4 页
    rf"{_JOB}(?:\s+{_PAGE_NO})?(?:\s+\d{{6}})*(?:\s+\*\d{{7,}}\*)?",  # 20-16555 (C) 2/4
    rf"{_PAGE_NO}\s+{_JOB}",                          # 2/4 20-16555
    r"\*\d{7,}\*",                                    # barcode text *2016555*
    r"please\s+recycle|请\s*回\s*收|請\s*回\s*收",
    _SYMBOL,                                          # A/RES/75/45 alone
)]
_MASTHEAD = [re.compile(p, re.I) for p in (
    rf"(?:united\s+nations|联\s*合\s*国|聯\s*合\s*國)(?:\s+{_SYMBOL})?",
    rf"(?:general\s+assembly|security\s+council|economic\s+and\s+social\s+council|大\s*会|大\s*會|"
    rf"安全理事会|经济及社会理事会)(?:\s+(?:distr\.?\s*:.*|{_SYMBOL}))?",
    r"distr\.?\s*:.*",
    r"original\s*:.*|原\s*文\s*[:：].*",
    r"\d{1,2}\s+[A-Z][a-z]+\s+\d{4}",                 # 14 December 2020
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日",         # 2020 年 12 月 14 日
)]


def _norm_key(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", s)).strip().lower()


def is_furniture_text(s: str) -> bool:
    return any(p.fullmatch(s.strip()) for p in _FURNITURE)


def furniture(lines: list[Line]) -> set[int]:
    """Indices of page furniture: masthead, running headers/footers, page and job numbers.

    A line is furniture when its whole text is a page number, job number, barcode or a bare
    document symbol; at the start of the document, when it is masthead; and when it repeats
    (digits aside) at the top or bottom of pages — on two pages or more when form feeds mark
    the pages, three times or more next to other furniture when nothing does.
    """
    drop = {i for i, ln in enumerate(lines) if is_furniture_text(ln.text)}
    masthead: set[int] = set()
    for i, ln in enumerate(lines):  # masthead: the leading run of masthead-like lines
        if ln.page != lines[0].page or not (i in drop or any(p.fullmatch(ln.text) for p in _MASTHEAD)):
            break
        masthead.add(i)
    drop |= masthead
    drop |= _running_titles(lines, drop)
    paged = len({ln.page for ln in lines}) > 1
    keys = [_norm_key(ln.text) for ln in lines]
    if paged:
        zone = _page_zones(lines)
        pages_of: dict[str, set[int]] = {}
        for i in zone - masthead:
            pages_of.setdefault(keys[i], set()).add(lines[i].page)
        drop |= {i for i in zone - masthead if len(pages_of[keys[i]]) >= 2 and len(lines[i].text) <= 200}
    else:
        counts = Counter(k for i, k in enumerate(keys) if i not in masthead)
        for _ in range(2):  # a header next to a removed footer, then its neighbour
            near = {j for i in drop for j in (i - 2, i - 1, i + 1, i + 2)}
            drop |= {i for i in near if 0 <= i < len(lines) and counts[keys[i]] >= 3
                     and len(lines[i].text) <= 200}
    return drop


def _running_titles(lines: list[Line], drop: set[int]) -> set[int]:
    """A running header's title: the line right after a bare document symbol (or right
    before one) whose text occurs again in the document (spaces aside)."""
    symbol = re.compile(_SYMBOL)
    near = {j for i in drop if symbol.fullmatch(lines[i].text.strip()) for j in (i - 1, i + 1)} - drop
    if not near:
        return set()
    joined = "".join(re.sub(r"\s+", "", ln.text) for ln in lines)
    out = set()
    counts: dict[str, int] = {}
    for i in near:
        if 0 <= i < len(lines):
            key = re.sub(r"\s+", "", lines[i].text)
            if 12 <= len(key) <= 200:
                if key not in counts:
                    counts[key] = joined.count(key)
                if counts[key] >= 2:
                    out.add(i)
    return out


def _page_zones(lines: list[Line], depth: int = 3) -> set[int]:
    """Indices of the first and last `depth` lines of every page."""
    by_page: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        by_page.setdefault(ln.page, []).append(i)
    out: set[int] = set()
    for idx in by_page.values():
        out.update(idx[:depth])
        out.update(idx[-depth:])
    return out


# --- re-flow ------------------------------------------------------------------------------

def is_footnote_start(ln: Line) -> bool:
    return bool(_SUP_RE.match(ln.text))


def ends_short(a: Line, b: Line) -> bool:
    """Whether `a` stopped before the margin although `b`'s first word would have fitted."""
    # "2013 年" wrapped as "2013" / "年": the space between went with the break
    space = 1 if a.text and b.text and not is_wide(a.text[-1]) and is_wide(b.text[0]) else 0
    return a.width + space + b.first_word <= a.full + 1e-6


_CLAUSE_END = re.compile(rf"[,.;:，；。：][”’\"')\]」』）]*[{SUPERSCRIPTS}]*$|[”’\"')\]][,.;:]$|[\]】]$")
_PARA_START = re.compile(
    r"(?:\d{1,3}\.|\([a-z]{1,4}\)|\d+/\d+\.)\s|[A-Z][a-z]+(?:ing|ed|ful)\b|\d+(?:st|nd|rd|th)\s"
    r"|(?:回顾|重申|欢迎|强调|深信|承认|注意到|意识到|确认|铭记|深为|关切|吁请|促请|敦促|决定|鼓励|赞赏|认识到|考虑到|忆及"
    r"|表示|同样|呼吁|希望|赞扬|感谢|申明|宣布|邀请"
    r"|回顧|歡迎|強調|承認|意識到|確認|銘記|關切|籲請|促請|決定|鼓勵|讚賞|認識到|考慮到|憶及|同樣|呼籲|讚揚|感謝|宣佈)")
_SENTENCE_END = re.compile(rf"[。.][”’\"')\]」』）]*[{SUPERSCRIPTS}]*$")


def clause_ends(a: Line, b: Line) -> bool:
    """A line that ends a clause followed by one that starts like a UN paragraph ("13.
    Requests", "(a)", "Recalling", "Convinced", "Mindful", "回顾", "重申"): with no blank
    lines, the only sign of a paragraph whose last line happens to be full."""
    if _SENTENCE_END.search(a.text) and b.text[:1].isdigit():  # "…的分项。" / "2020 年 12 月 7 日…"
        return True
    return bool(_CLAUSE_END.search(a.text)) and bool(_PARA_START.match(b.text))


@functools.lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass
class Vocabulary:
    """The words of a document, and the hyphenated pairs in it ("nuclear-weapon-free" gives
    "nuclear-weapon" and "weapon-free"): how the document itself spells a word decides first."""

    words: set[str] = field(default_factory=set)
    pairs: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, texts: list[str]) -> "Vocabulary":
        v = cls()
        for t in texts:
            for w in _WORD.findall(t.lower()):
                parts = w.split("-")
                v.words.update(parts if len(parts) > 1 else [w])
                v.pairs.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
        return v


def keep_hyphen(left: str, right: str, vocab: Vocabulary | None = None) -> bool:
    """Whether "left-" at a line end and "right" on the next line form a hyphenated word."""
    l, r = left.lower(), right.lower().split("-")[0]
    if vocab is not None:
        hyphenated, closed = f"{l}-{r}" in vocab.pairs, f"{l}{r}" in vocab.words
        if hyphenated != closed:
            return hyphenated
    joined = _zipf(l + right.lower())
    if joined >= 3.6 or joined > _zipf(f"{l}-{right.lower()}"):
        return False  # undertaken, cooperation, disarmament
    return not (joined >= 2.5 and min(_zipf(l), _zipf(r)) < 3.5)  # fulfil-ment, re-affirming


def join_pair(acc: str, nxt: str, removed: list[str], vocab: Vocabulary | None = None) -> str:
    """`acc` and the next line of the same paragraph, joined (see the module docstring)."""
    if not acc:
        return nxt
    if acc.endswith("-") and len(acc) >= 2 and acc[-2].isalpha() and nxt[:1].isalpha():
        left = re.search(r"([^\W\d_]+)-$", acc)
        right = re.match(r"[\w\-]+", nxt)
        if left and right and nxt[0].islower() and not keep_hyphen(left.group(1), right.group(0), vocab):
            removed.append("-")
            return acc[:-1] + nxt
        return acc + nxt
    if _is_cjk_boundary(acc[-1]) or _is_cjk_boundary(nxt[0]):
        return acc + nxt
    return acc + " " + nxt


def reflow_lines(lines: list[Line]) -> Reflowed:
    """Paragraphs and footnotes out of measured lines (pure; see the module docstring)."""
    drop = furniture(lines)
    removed = [lines[i].text for i in sorted(drop)]
    kept: list[tuple[Line, bool]] = []  # (line, a page break or furniture lies before it)
    prev = None
    for i, ln in enumerate(lines):
        if i in drop:
            prev = "break"
            continue
        brk = prev == "break" or (kept and kept[-1][0].page != ln.page)
        kept.append((ln, bool(brk)))
        prev = i
    if any(ln.full <= 0 for ln, _ in kept):
        # closing punctuation may hang past the margin: such lines do not set the measure
        full = measure([ln.width for ln, _ in kept if ln.text[-1] not in _CLOSING]
                       or [ln.width for ln, _ in kept])
        kept = [(ln if ln.full > 0 else replace(ln, full=full), brk) for ln, brk in kept]
    blank_mode = _uses_blank_lines(kept)
    vocab = Vocabulary.of([ln.text if not ln.text.endswith("-") else ln.text[:-1] for ln, _ in kept])
    know_size = any(ln.small is not None for ln, _ in kept)

    blocks: list[str] = []
    notes: list[str] = []          # footnotes waiting for the running paragraph to end
    para = ""
    last: Line | None = None       # last body line of the running paragraph
    note: str | None = None        # the running footnote
    note_last: Line | None = None
    nfoot = 0

    def end_note() -> None:
        nonlocal note, note_last
        if note is not None:
            notes.append(note)
        note, note_last = None, None

    def end_para() -> None:
        nonlocal para, last, nfoot
        end_note()
        if para:
            blocks.append(para)
        blocks.extend(notes)
        nfoot += len(notes)
        notes.clear()
        para, last = "", None

    for ln, brk in kept:
        if is_footnote_start(ln):
            end_note()
            note, note_last = ln.text, ln
            continue
        if note is not None and note_last is not None and not brk and not ln.gap_before and (
                (ln.small if know_size else not ends_short(note_last, ln))):
            note, note_last = join_pair(note, ln.text, removed, vocab), ln
            continue
        end_note()
        if last is None:
            para, last = ln.text, ln
            continue
        crossing = brk
        if crossing or not blank_mode:
            new = (ln.gap_before and not crossing) or ln.indent or ends_short(last, ln) or clause_ends(last, ln)
        else:
            new = ln.gap_before
        if new:
            end_para()
            para = ln.text
        else:
            para = join_pair(para, ln.text, removed, vocab)
        last = ln
    end_para()
    text = "\n\n".join(blocks) + ("\n" if blocks else "")
    return Reflowed(text, removed, len(blocks) - nfoot, nfoot)


def _uses_blank_lines(kept: list[tuple[Line, bool]]) -> bool:
    """Whether blank lines separate paragraphs here (then they alone decide, within a page)."""
    inner = [ln for ln, brk in kept[1:] if not brk]
    return bool(inner) and sum(ln.gap_before for ln in inner) >= 0.1 * len(inner)


def reflow(text: str) -> Reflowed:
    """Re-flow plain text as PDF extraction gives it (form feeds, if any, mark pages)."""
    return reflow_lines(lines_from_text(text))


def looks_like_layout_text(text: str) -> bool:
    """Whether plain text came from a page layout (PDF copy, pdftotext) rather than being
    one paragraph (or sentence) per line: form feeds, page furniture, or most lines wrapped
    at one width."""
    if "\f" in text:
        return True
    lines = lines_from_text("\n".join(text.split("\n", 3000)[:3000]))  # a sample is enough
    if len(lines) < 5:
        return False
    if sum(1 for ln in lines if any(p.fullmatch(ln.text) for p in _FURNITURE[:6])) >= 2:
        return True
    full = measure([ln.width for ln in lines])
    near = sum(1 for ln in lines if ln.width >= 0.85 * full)
    return full >= 20 and near >= 0.5 * len(lines) and len({ln.width for ln in lines}) > 1

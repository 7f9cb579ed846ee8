"""Cut a document's text into segments: lines, paragraphs or sentences.

Footnote lines (a leading marker such as ¹ or "1 " under a page break) become segments of
kind "footnote" carrying their marker, so the aligner can pair them by marker wherever each
language's layout put them.
"""

from __future__ import annotations

import re

from .model import Segment, is_cjk_lang

UNITS = ("line", "paragraph", "sentence")

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
_FOOTNOTE_LINE = re.compile(rf"^\s*([{SUPERSCRIPTS}]+)\s*\S")
_MARKDOWN = re.compile(r"(\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w))")


def strip_markup(text: str) -> str:
    """Drop the Markdown-like emphasis markers (`**`, `*`) the UN transcriptions carry."""
    return re.sub(r"\s{2,}", " ", _MARKDOWN.sub("", text)).strip()


def footnote_marker(line: str) -> str | None:
    """The marker of a footnote line ("³ A/CONF.229/2017/8。" -> "3"), else None."""
    m = _FOOTNOTE_LINE.match(line)
    return m.group(1).translate(_SUP_TO_DIGIT) if m else None


def make_segment(text: str, para: int | None = None) -> Segment:
    marker = footnote_marker(text)
    return Segment(text=text.strip(), kind="footnote" if marker else "text", marker=marker, para=para)


# a list item closed by a semicolon and the conjunction that links it to the next ("…; и", "…; and")
_SENTENCE_END = re.compile(r"(?:[.!?;:。！？；：…\"'”’)）\]]|;\s*\w{1,3})\s*$")


def continues_previous(prev: str, cur: str) -> bool:
    """True when `cur` is the rest of a sentence `prev` left open (a line broken mid-sentence).

    Only alphabetic scripts tell: the line starts in lower case after one with no final punctuation.
    """
    return starts_mid_sentence(cur) and not _SENTENCE_END.search(strip_markup(prev))


def continuation_flags(texts: list[str]) -> list[bool]:
    return [k > 0 and continues_previous(texts[k - 1], t) for k, t in enumerate(texts)]


def starts_mid_sentence(text: str) -> bool:
    """The segment starts in lower case: the rest of a sentence, wherever its beginning is."""
    t = strip_markup(text)
    return bool(t) and t[0].isalpha() and t[0].islower()


def fragment_flags(texts: list[str]) -> list[bool]:
    return [starts_mid_sentence(t) for t in texts]


# an opening quotation mark -> the marks that close it (German „…“ and »…«, French «…», CJK 「…」)
_QUOTE_CLOSERS = {"“": "”", "„": "“”", "«": "»", "»": "«", "‹": "›", "›": "‹", "‚": "‘’", "‘": "’",
                  "「": "」", "『": "』"}


_QUOTE_MARKS = re.compile(
    "[" + re.escape("".join(sorted(set(_QUOTE_CLOSERS).union(*_QUOTE_CLOSERS.values(), "'\"’")))) + "]")


def is_apostrophe(text: str, k: int) -> bool:
    """A quote mark between two letters is an apostrophe (don't, Trinket's, l'arête), not a quotation."""
    return 0 < k < len(text) - 1 and text[k] in "'\"’" and text[k - 1].isalpha() and text[k + 1].isalpha()


def quote_states(texts: list[str]) -> list[bool]:
    """After each segment, whether the text is inside a quotation.

    Translators keep speech in quotation marks, so a bead boundary inside a quotation on one
    side only is a boundary in the wrong place (a line of dialogue split from its reply).
    A quotation inside a quotation (‘…’ in “…”) is followed one level deep; a closing mark
    closes the outermost quotation it can end and all inside it, so one stray mark cannot
    mislead the rest of a document. A straight quote between two letters is an apostrophe
    (don't, Trinket's).
    """
    out = []
    open_: list[str] = []  # the closing marks awaited, innermost last
    for text in texts:
        n = len(text)
        for mark in _QUOTE_MARKS.finditer(text):  # any other character leaves the state as it is
            k, ch = mark.start(), mark.group()
            prev = text[k - 1] if k else " "
            nxt = text[k + 1] if k < n - 1 else " "
            if is_apostrophe(text, k):
                continue
            level = next((d for d in range(len(open_)) if ch in open_[d]), None)
            if level is not None and not (ch in "'\"" and prev.isspace()):
                del open_[level:]
            elif ch in _QUOTE_CLOSERS:
                open_ = open_[:1] + [_QUOTE_CLOSERS[ch]]
            elif ch in "'\"" and (prev.isspace() or prev in "([—-") and not nxt.isspace():
                open_ = open_[:1] + [ch]
        out.append(bool(open_))
    return out


_CLAUSE_CUT = re.compile(r"[，；：,;:،؛]\s*")  # ، ؛ : the Arabic comma and semicolon


def cjk_count(text: str) -> int:
    """Han characters in `text` (CJK Extension A and Unified Ideographs)."""
    return sum(1 for c in text if "\u3400" <= c <= "\u9fff")


def content_letters(text: str) -> int:
    """Letters in `text`, a Han character counting 3 (it carries about what a short word does)."""
    cjk = cjk_count(text)
    return 3 * cjk + sum(ch.isalpha() for ch in text) - cjk


def _clause_size(text: str) -> int:
    """CJK characters, or words when the text is mostly not CJK."""
    cjk = cjk_count(text)
    return cjk if cjk > len(text) / 3 else len(text.split())


def clauses(text: str, min_size: int = 4) -> list[str]:
    """A segment's clauses: cut after commas, semicolons and colons, pieces shorter than
    `min_size` (CJK characters or words) glued to a neighbour; `[text]` when there is one.

    Literary translators move clauses across sentence boundaries; a sentence vector cannot
    show where a clause went, a clause vector can (scoring.VectorScorer's clause coverage).
    """
    text = text.strip()
    cuts = [m.end() for m in _CLAUSE_CUT.finditer(text) if m.end() < len(text)]
    out: list[str] = []
    for piece in (text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])):
        if out and _clause_size(out[-1]) < min_size:
            out[-1] += piece
        else:
            out.append(piece)
    if len(out) > 1 and _clause_size(out[-1]) < min_size:
        last = out.pop()
        out[-1] += last
    return [c.strip() for c in out] if len(out) > 1 else [text]


def split_lines(text: str) -> list[Segment]:
    """Every non-empty line is one segment (ids match the gold files of ../shared/data)."""
    return [make_segment(line) for line in text.splitlines() if line.strip()]


def split_paragraphs(text: str, lang: str) -> list[Segment]:
    """Blank-line separated blocks; the lines of a block are joined (no space in Chinese).

    A footnote line inside a block starts a segment of its own.
    """
    out: list[Segment] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        buf: list[str] = []
        for ln in lines:
            if footnote_marker(ln) is not None:
                if buf:
                    out.append(make_segment(join_lines(buf, lang)))
                    buf = []
                out.append(make_segment(ln))
            else:
                buf.append(ln)
        if buf:
            out.append(make_segment(join_lines(buf, lang)))
    return out


def join_lines(lines: list[str], lang: str) -> str:
    if is_cjk_lang(lang):
        return "".join(lines)
    return " ".join(lines)


# --- sentences -------------------------------------------------------------------------

_ZH_END = re.compile(r"([。！？；!?;]+[”’」』）)]*)")
_EN_ABBREV = {
    "para", "paras", "no", "nos", "vol", "vols", "art", "arts", "p", "pp", "ch", "chap", "sect", "sec", "fig",
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "e.g", "i.e", "etc", "cf", "vs", "viz", "al", "approx",
    "inc", "ltd", "co", "corp", "dept", "gen", "rev", "add", "corr", "amend", "annex", "suppl", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "u.k", "op", "cit",
    "ibid", "ed", "eds", "trans", "sess", "res", "doc", "docs", "ser", "s", "a", "e",
}
_EN_CAND = re.compile(rf"[.!?;]+[\"'”’)\]{SUPERSCRIPTS}]*(?=\s+|$)")  # a footnote marker may follow


def split_sentences_zh(text: str) -> list[str]:
    parts = _ZH_END.split(text)
    out: list[str] = []
    for i in range(0, len(parts), 2):
        s = parts[i] + (parts[i + 1] if i + 1 < len(parts) else "")
        if s.strip():
            out.append(s.strip())
    return _glue_orphans(out)


def split_sentences_en(text: str) -> list[str]:
    return split_sentences_alpha(text, _EN_ABBREV, _EN_CAND)


# Russian: т.е., т.д. and other dotted runs are caught by the (\w\.)+\w? rule; these end in one dot
_RU_ABBREV = {
    "г", "гг", "др", "пр", "см", "ст", "стр", "п", "пп", "ч", "с", "им", "тыс", "млн", "млрд", "руб", "ок", "напр",
    "рис", "табл", "гл", "разд", "прим", "англ", "франц", "исп", "т", "н", "в", "вв", "о", "доп", "испр",
}
# UN document abbreviations written alike in French and Spanish
_UN_ABBREV = {"add", "corr", "rev", "suppl", "amend", "res", "doc", "docs", "sess", "ser", "vol", "vols", "art", "arts",
              "para", "paras", "p", "pp", "cf", "etc", "ibid", "op", "cit", "al", "e.g", "i.e"}
# French and Spanish: a space (often no-break) may stand before ! ? ; : and inside « »
_FR_ABBREV = _UN_ABBREV | {"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "par", "éd", "n", "no",
                           "nos", "chap", "fig", "av", "env"}
_ES_ABBREV = _UN_ABBREV | {"sr", "sra", "sres", "srta", "dr", "dra", "d", "dña", "ud", "uds", "núm", "nº", "pág",
                           "págs", "párr", "ej", "cap", "fig", "av", "aprox", "ee.uu", "adj"}
_ROMANCE_CAND = re.compile(rf"[.!?;…]+(?:[\s\u00a0\u202f]*[»›\"'”’)\]{SUPERSCRIPTS}])*(?=\s+|$)")
# Arabic: ؟ is the question mark and ؛ the semicolon (the comma ، only cuts clauses)
_AR_CAND = re.compile(rf"[.!?;؟؛…]+[»\"”’)\]{SUPERSCRIPTS}]*(?=\s+|$)")


def split_sentences_ru(text: str) -> list[str]:
    return _glue_short_tail(split_sentences_alpha(text, _EN_ABBREV | _RU_ABBREV, _ROMANCE_CAND))


def split_sentences_fr(text: str) -> list[str]:
    return _glue_short_tail(split_sentences_alpha(text, _FR_ABBREV, _ROMANCE_CAND))


def split_sentences_es(text: str) -> list[str]:
    return _glue_short_tail(split_sentences_alpha(text, _ES_ABBREV, _ROMANCE_CAND))


def split_sentences_ar(text: str) -> list[str]:
    return _glue_short_tail(split_sentences_alpha(text, _UN_ABBREV, _AR_CAND))


def split_sentences_alpha(text: str, abbrev: set[str], cand: re.Pattern) -> list[str]:
    """Sentences of an alphabetic-script text: cut after each `cand` match that does not end an
    abbreviation, a number followed by lower case or a digit, or a label such as "1."."""
    out: list[str] = []
    start = 0
    for m in cand.finditer(text):
        end = m.end()
        before = text[start:m.start()]
        word = re.search(r"([\w.]+)$", before)
        tok = word.group(1).lower() if word else ""
        if m.group(0).startswith(".") and (tok in abbrev or re.fullmatch(r"(\w\.)+\w?", tok)
                                           or re.search(r"\d$", tok) and _next_starts_lower_or_digit(text, end)):
            continue
        if re.fullmatch(r"\s*\S*\d\S*", before):  # a label ("1.", "75/45.") heads a sentence, ends none
            continue
        if m.group(0).startswith(".") and _next_starts_lower_or_digit(text, end):
            continue
        s = text[start:end].strip()
        if s:
            out.append(s)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return _glue_orphans(out)


def _glue_short_tail(sents: list[str]) -> list[str]:
    """A last piece of one short word with no final stop ("…мира; и", the next paragraph goes on)
    belongs to the sentence before it."""
    if len(sents) > 1 and re.fullmatch(r"\w{1,3}", sents[-1]):
        return sents[:-2] + [sents[-2] + " " + sents[-1]]
    return sents


def _next_starts_lower_or_digit(text: str, pos: int) -> bool:
    m = re.match(r"\s*(\S)", text[pos:])
    return bool(m) and (m.group(1).islower() or m.group(1).isdigit())


def _glue_orphans(sents: list[str]) -> list[str]:
    """A 'sentence' with no letters (a stray quote or number) belongs to the previous one."""
    out: list[str] = []
    for s in sents:
        if out and not re.search(r"\w", s):
            out[-1] = out[-1] + s
        else:
            out.append(s)
    return out


_SPLITTERS = {"ru": split_sentences_ru, "fr": split_sentences_fr, "es": split_sentences_es, "ar": split_sentences_ar}


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of `text`: Chinese by its stops, ru/fr/es/ar by their own rules, any other language as English."""
    if is_cjk_lang(lang):
        return split_sentences_zh(text)
    return _SPLITTERS.get(lang.split("-")[0].lower(), split_sentences_en)(text)


def segment(text: str, unit: str, lang: str) -> list[Segment]:
    """Segments of `text` for `unit` in ("line", "paragraph"); sentences are cut after paragraph alignment.

    A paragraph longer than MAX_SEGMENT_TOKENS (PDF text with no line breaks, a file of one
    line) is cut by `split_overlong`; lines are kept as they are (their ids must match the file).
    """
    if unit == "line":
        return split_lines(text)
    if unit in ("paragraph", "sentence"):
        return [piece for seg in split_paragraphs(text, lang) for piece in split_segment(seg, lang)]
    raise ValueError(f"unknown unit {unit!r}")


# --- overlong text -----------------------------------------------------------------------

# About two encoder windows (512 tokens each) of words; a Han character weighs two thirds of a
# word (the seed pair: 2,000 characters for 1,400 words), so a paragraph and its translation
# reach the limit together. No line of the seed pair, MAC-Dev, Text+Berg or the UDHR set comes
# near it (the longest has 130 words), nor does an ordinary paragraph of a UN document.
MAX_SEGMENT_TOKENS = 1000
HAN_WEIGHT = 2 / 3
_ROUGH_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\s\u3400-\u9fff]+")


def rough_tokens(text: str) -> float:
    """Words plus two thirds of the Han characters: a tokenizer-free measure of a text's length."""
    cjk = cjk_count(text)
    if not cjk:
        return float(len(text.split()))
    return len(_ROUGH_TOKEN.findall(text)) - cjk * (1 - HAN_WEIGHT)


def hard_cut(text: str, max_tokens: float = MAX_SEGMENT_TOKENS) -> list[str]:
    """`text` in consecutive pieces of at most `max_tokens` rough tokens, cut between tokens."""
    out: list[str] = []
    start, size = 0, 0.0
    for m in _ROUGH_TOKEN.finditer(text):
        w = HAN_WEIGHT if "\u3400" <= m.group()[0] <= "\u9fff" else 1.0
        if size + w > max_tokens + 1e-9:
            out.append(text[start:m.start()])
            start, size = m.start(), 0.0
        size += w
    out.append(text[start:])
    return [p.strip() for p in out if p.strip()]


def _packed_clauses(text: str, max_tokens: float) -> list[str]:
    """`text` cut after commas, semicolons and colons, consecutive clauses packed up to
    `max_tokens`; a clause longer than that is hard-cut. Linear in the text's length."""
    out: list[str] = []
    buf, size = "", 0.0
    cuts = [m.end() for m in _CLAUSE_CUT.finditer(text)]
    for piece in (text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])):
        n = rough_tokens(piece)
        if buf and size + n > max_tokens:
            out.append(buf)
            buf, size = "", 0.0
        if n > max_tokens:
            out += hard_cut(piece, max_tokens)
        else:
            buf, size = buf + piece, size + n
    if buf.strip():
        out.append(buf)
    return [p.strip() for p in out if p.strip()]


def split_overlong(text: str, lang: str | None = None, max_tokens: float = MAX_SEGMENT_TOKENS) -> list[str]:
    """`[text]`, or when it is longer than `max_tokens`, its sentences, an overlong sentence cut
    into packed clauses and an overlong clause cut hard: pieces of at most `max_tokens`.

    A line is not a segment: text copied out of a PDF can be megabytes without a line break.
    An encoder sees at most 512 tokens at once, and an aligner needs units a translator would
    pair; pieces of bounded size give both, at a cost linear in the text's length. `lang`
    picks the sentence rules (None: Chinese rules when a third of the text is Han characters).
    """
    if rough_tokens(text) <= max_tokens:
        return [text]
    if lang is None:
        lang = "zh" if cjk_count(text) > len(text) / 3 else "en"
    out: list[str] = []
    for sent in split_sentences(text, lang):
        out += [sent] if rough_tokens(sent) <= max_tokens else _packed_clauses(sent, max_tokens)
    return out


def split_segment(seg: Segment, lang: str, max_tokens: float = MAX_SEGMENT_TOKENS) -> list[Segment]:
    """`[seg]`, or an overlong segment's pieces (a footnote's marker stays on its first piece)."""
    pieces = split_overlong(seg.text, lang, max_tokens)
    return [seg] if len(pieces) == 1 else [make_segment(p, seg.para) for p in pieces]


def sentences_of(seg: Segment, lang: str, para: int) -> list[Segment]:
    """A paragraph segment cut into sentence segments (footnotes stay whole)."""
    if seg.kind == "footnote":
        return [Segment(seg.text, seg.kind, seg.marker, para)]
    return [Segment(s, "text", None, para) for s in split_sentences(seg.text, lang)]

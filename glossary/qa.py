"""Translation QA over aligned pairs: terminology, numbers, dates, symbols, paragraph numbers and
footnote markers that differ between a source and its translation (what Xbench and Verifika
check), as pure functions from aligned units and a term list to findings.

What is compared, per aligned pair (bead):
- terms: every source term found (longest match, see glossary.recognise) must show one of its
  approved renderings in the target (`term-missing`, naming a known other rendering seen
  instead), none of its forbidden ones (`term-forbidden`); a term shown in several approved
  renderings across the document is `term-inconsistent` where it departs from the usual one;
- UN document symbols (A/75/399, A/RES/74/54, A/CONF.229/2017/8) and resolution numbers
  (74/54), as sets;
- dates, Chinese 2013 年 9 月 26 日 / 2013年9月26日 / 二〇一三年九月二十六日 against 26 September
  2013 or September 26, 2013 (a date missing its year or day on one side matches a fuller one);
- the paragraph label that opens the pair ("1.", "(a)", Chinese 1. (a) （a） 一、);
- footnote markers (¹²³) as multisets;
- numbers, after the above are taken out. Numbers written in digits must be found on the other
  side, in digits or spelled out (twenty-fifth, 二十五, 第七十五届; 150 万 = 1.5 million). Spelled-out
  numbers alone are too loose to check (一项 is "a", 一切 "all", 千万 "by all means"), except
  ordinals and cardinals from 11 up (seventy-sixth / 第七十六届), which are compared both ways.
  Sets, not counts: a translation may repeat or merge a number.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from align.export import escape_cell

from .model import Unit
from .recognise import TermEntry, build_index, find_all, find_terms, has_han, key_of

KINDS = ("term-missing", "term-inconsistent", "term-forbidden", "number", "date", "symbol", "paragraph-number",
         "footnote")
REPORT_COLUMNS = ["source_ids", "target_ids", "kind", "source", "target", "detail"]

Span = tuple[int, int]


@dataclass(frozen=True)
class Finding:
    """One problem in one aligned pair; marks are character spans in `source` / `target`."""

    unit: int
    source_ids: tuple[int, ...]
    target_ids: tuple[int, ...]
    kind: str
    source: str
    target: str
    detail: str
    source_marks: tuple[Span, ...] = ()
    target_marks: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Item:
    """A value found in a text (a number, a date, a symbol …) and where."""

    value: object
    start: int
    end: int
    trigger: bool = True  # checked against the other side (else only a counterpart)


# --- numbers --------------------------------------------------------------------------------

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10_000, "亿": 100_000_000}
_ZH_NUMERAL = re.compile("[〇零一二两三四五六七八九十百千万亿]+")
_EN_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                         "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_EN_ORD = {w: i for i, w in enumerate("zeroth first second third fourth fifth sixth seventh eighth ninth tenth "
                                       "eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
                                       "eighteenth nineteenth".split())}
_EN_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_EN_TENS_ORD = {w: 10 * (i + 2) for i, w in enumerate("twentieth thirtieth fortieth fiftieth sixtieth seventieth "
                                                       "eightieth ninetieth".split())}
_EN_MULT = {"hundred": 100, "hundredth": 100, "thousand": 1000, "thousandth": 1000, "million": 10 ** 6,
            "billion": 10 ** 9, "trillion": 10 ** 12}
_EN_NUMBER_WORDS = {**_EN_UNITS, **_EN_ORD, **_EN_TENS, **_EN_TENS_ORD, **_EN_MULT}
_EN_WORD_ALT = "|".join(sorted(_EN_NUMBER_WORDS, key=len, reverse=True))
_EN_SPELLED = re.compile(rf"\b(?:{_EN_WORD_ALT})(?:(?:-|\s+|\s+and\s+)(?:{_EN_WORD_ALT}))*s?\b", re.I)
# 1,234.5 / 1 234 / 10485 / 2.5; a trailing ordinal suffix (75th) or multiplier (million, 万) follows
_DIGITS = re.compile(r"(?<![A-Za-z0-9.,/])(\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+)(\.\d+)?"
                     r"(?:(?:st|nd|rd|th)\b)?(?:\s*(million|billion|thousand|trillion)\b|\s*(万亿|万|亿|千))?")
_MULT = {"million": 10 ** 6, "billion": 10 ** 9, "thousand": 1000, "trillion": 10 ** 12, "万": 10 ** 4,
         "亿": 10 ** 8, "千": 1000, "万亿": 10 ** 12}


def zh_numeral(text: str) -> int | None:
    """The value of a Chinese numeral (七十五, 二〇一三, 一千二百, 两万, 十一); None if not one."""
    if not text or any(c not in _ZH_DIGITS and c not in _ZH_UNITS and c not in _ZH_BIG for c in text):
        return None
    if all(c in _ZH_DIGITS for c in text) and len(text) > 1:  # digit by digit: 二〇一三
        return int("".join(str(_ZH_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for c in text:
        if c in _ZH_DIGITS:
            digit = _ZH_DIGITS[c]
        elif c in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[c]
            digit = None
        else:
            total += (section + (digit or 0)) * _ZH_BIG[c] or _ZH_BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def _zh_values(run: str) -> list[int]:
    """The values a numeral run stands for: 十七八 (seventeen or eighteen) stands for both."""
    if len(run) > 2 and run[-1] in _ZH_DIGITS and run[-2] in _ZH_DIGITS and any(c in _ZH_UNITS for c in run):
        return [v for v in (zh_numeral(run[:-1]), zh_numeral(run[:-2] + run[-1])) if v is not None]
    v = zh_numeral(run)
    return [] if v is None else [v]


def en_number_words(text: str) -> int | None:
    """The value of spelled-out English (seventy-fifth, one hundred and twenty, twenty-five); None if not one."""
    total, current, seen = 0, 0, False
    for w in re.split(r"[-\s]+", text.lower()):
        if w == "and" or not w:
            continue
        if w not in _EN_NUMBER_WORDS and w.endswith("s") and w[:-1] in _EN_NUMBER_WORDS:
            w = w[:-1]  # hundreds, thousands
        if w not in _EN_NUMBER_WORDS:
            return None
        v = _EN_NUMBER_WORDS[w]
        seen = True
        if w in _EN_MULT:
            if v == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * v
                current = 0
        else:
            current += v
    return total + current if seen else None


def _value(num: str, frac: str | None, mult: str | None) -> float:
    v = float(re.sub(r"[,\s\u00a0\u202f]", "", num) + (frac or ""))
    return round(v * _MULT.get(mult or "", 1), 6)


def numbers(text: str, lang: str) -> list[Item]:
    """Numbers in digits (triggers) and spelled out (triggers from 11 up; in Chinese only as 第N)."""
    out = [Item(_value(m.group(1), m.group(2), m.group(3) or m.group(4)), m.start(), m.end())
           for m in _DIGITS.finditer(text)]
    spelled: list[Item] = []
    if lang == "zh":
        for m in _ZH_NUMERAL.finditer(text):
            run = m.group(0)
            if len(run) > 1 and run.endswith("两"):  # 二十两: twenty taels (两 the measure word)
                run = run[:-1]
            ordinal = m.start() > 0 and text[m.start() - 1] == "第"
            for v in _zh_values(run):
                spelled.append(Item(float(v), m.start(), m.start() + len(run), trigger=ordinal and v >= 11))
    else:
        for m in _EN_SPELLED.finditer(text):
            v = en_number_words(m.group(0))
            if v is not None:
                spelled.append(Item(float(v), m.start(), m.end(), trigger=v >= 11))
    # a multiplier after digits (1.5 million, 150 万) belongs to the digits
    return out + [i for i in spelled if not any(d.start < i.end and i.start < d.end for d in out)]


# --- dates ----------------------------------------------------------------------------------

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH_ALT = "|".join(m.capitalize() for m in MONTHS) + "|" + "|".join(
    m[:3].capitalize() + r"\." for m in MONTHS if len(m) > 4)
_ZH_NUM = r"(?:\d{1,4}|[〇零一二三四五六七八九十]{1,4})"
_ZH_DATE = re.compile(rf"(?:({_ZH_NUM})\s*年\s*)?({_ZH_NUM})\s*月(?:\s*({_ZH_NUM})\s*[日号])?")
_EN_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_ALT})(?:,?\s+(\d{{4}}))?(?!\w)"
    rf"|\b({_MONTH_ALT})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"
    rf"|\b({_MONTH_ALT})(?:\s+of)?\s+(\d{{4}})\b")

Date = tuple  # (year | None, month, day | None)


def _zh_int(s: str | None) -> int | None:
    if not s:
        return None
    return int(s) if s.isdigit() else zh_numeral(s)


def _month(name: str) -> int:
    return [m[:3] for m in MONTHS].index(name[:3].lower()) + 1


def dates(text: str, lang: str) -> list[Item]:
    """Dates as (year, month, day) with None for a part not written (a month needs a number next to it)."""
    out = []
    if lang == "zh":
        for m in _ZH_DATE.finditer(text):
            y, mo, d = _zh_int(m.group(1)), _zh_int(m.group(2)), _zh_int(m.group(3))
            if mo and 1 <= mo <= 12 and (d is None or 1 <= d <= 31):
                out.append(Item((y, mo, d), m.start(), m.end()))
        return out
    for m in _EN_DATE.finditer(text):
        g = m.groups()
        if g[1]:
            value = (int(g[2]) if g[2] else None, _month(g[1]), int(g[0]))
        elif g[3]:
            value = (int(g[5]) if g[5] else None, _month(g[3]), int(g[4]))
        else:
            value = (int(g[7]), _month(g[6]), None)
        if value[2] is None or 1 <= value[2] <= 31:
            out.append(Item(value, m.start(), m.end()))
    return out


def same_date(a: Date, b: Date) -> bool:
    """Equal where both sides wrote the part (26 September matches 2013 年 9 月 26 日)."""
    return all(x is None or y is None or x == y for x, y in zip(a, b)) and a[1] == b[1]


def show_date(d: Date) -> str:
    y, m, day = d
    return " ".join(str(p) for p in (day, MONTHS[m - 1].capitalize(), y) if p is not None)


# --- symbols, paragraph labels, footnote markers ---------------------------------------------

_SYMBOL = re.compile(r"(?<![\w/])(?:[A-Z]{1,4}(?:\.\d+)?(?:/[A-Za-z0-9][A-Za-z0-9.\-]*)+(?:\s?\(\d{4}\))?"
                     r"|\d{1,3}/\d{1,4})(?![\w/])")
_LABEL = re.compile(r"^[\s*_]*(?:(\d{1,3})[.．](?![\d/])|[(（]([a-z]{1,4}|\d{1,3})[)）]"
                    r"|([a-z])\)|([一二三四五六七八九十]{1,3})[、．]|[(（]([一二三四五六七八九十]{1,3})[)）])")
_FOOTNOTE = re.compile(f"[{_SUPERSCRIPTS}]+")


def symbols(text: str) -> list[Item]:
    out = []
    for m in _SYMBOL.finditer(text):
        sym = m.group(0).rstrip(".-")
        out.append(Item(re.sub(r"\s+", "", sym), m.start(), m.start() + len(sym)))
    return out


def paragraph_label(text: str) -> Item | None:
    """The label a numbered paragraph opens with, as "1" or "(a)" (Chinese 一、 is "1")."""
    m = _LABEL.match(text)
    if not m:
        return None
    num, paren, letter, zh, zh_paren = m.groups()
    if num:
        value = num
    elif paren or letter:
        value = f"({paren or letter})"
    else:
        value = str(zh_numeral(zh)) if zh else f"({zh_numeral(zh_paren)})"
    span = next(m.span(i) for i in range(1, 6) if m.group(i))
    return Item(value, *span)


def footnotes(text: str) -> list[Item]:
    return [Item(int(m.group(0).translate(str.maketrans(_SUPERSCRIPTS, "0123456789"))), m.start(), m.end())
            for m in _FOOTNOTE.finditer(text)]


def _mask(text: str, items: Iterable[Item]) -> str:
    chars = list(text)
    for it in items:
        chars[it.start:it.end] = " " * (it.end - it.start)
    return "".join(chars)


# --- the check ------------------------------------------------------------------------------


@dataclass
class _Side:
    text: str
    lang: str
    symbols: list[Item] = field(default_factory=list)
    dates: list[Item] = field(default_factory=list)
    label: Item | None = None
    footnotes: list[Item] = field(default_factory=list)
    numbers: list[Item] = field(default_factory=list)


def _analyse(text: str, lang: str) -> _Side:
    s = _Side(text, lang, symbols=symbols(text))
    rest = _mask(text, s.symbols)
    s.dates = dates(rest, lang)
    rest = _mask(rest, s.dates)
    s.label = paragraph_label(rest)
    rest = _mask(rest, [s.label] if s.label else [])
    s.footnotes = footnotes(rest)
    s.numbers = numbers(rest, lang)
    return s


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return (f"{v:,.6f}" if v >= 10_000 else f"{v:.6f}").rstrip("0").rstrip(".")
    return str(v)


def _difference(kind: str, lone_s: list[Item], lone_t: list[Item], show=_fmt, prefix: str = ""):
    """A finding's (kind, detail, source marks, target marks) from what each side has alone."""
    parts = [f"{prefix}{', '.join(dict.fromkeys(show(i.value) for i in items))} only in the {side}"
             for side, items in (("source", lone_s), ("target", lone_t)) if items]
    return kind, "; ".join(parts), tuple((i.start, i.end) for i in lone_s), tuple((i.start, i.end) for i in lone_t)


def _extra(items: list[Item], other: list[Item]) -> list[Item]:
    """The items beyond what the other side has of the same value (multisets: ¹ twice against once)."""
    left = Counter(i.value for i in other)
    out = []
    for i in items:
        if left[i.value]:
            left[i.value] -= 1
        else:
            out.append(i)
    return out


def _compare(src: _Side, tgt: _Side) -> list[tuple[str, str, tuple[Span, ...], tuple[Span, ...]]]:
    """(kind, detail, source marks, target marks) of the non-term checks for one pair."""
    checks = [
        ("symbol", [i for i in src.symbols if i.value not in {j.value for j in tgt.symbols}],
         [j for j in tgt.symbols if j.value not in {i.value for i in src.symbols}], _fmt, ""),
        ("date", [i for i in src.dates if not any(same_date(i.value, j.value) for j in tgt.dates)],
         [j for j in tgt.dates if not any(same_date(i.value, j.value) for i in src.dates)], show_date, ""),
        ("footnote", _extra(src.footnotes, tgt.footnotes), _extra(tgt.footnotes, src.footnotes), _fmt, "marker "),
        ("number", [i for i in src.numbers if i.trigger and i.value not in {j.value for j in tgt.numbers}],
         [j for j in tgt.numbers if j.trigger and j.value not in {i.value for i in src.numbers}], _fmt, ""),
    ]
    out = [_difference(kind, a, b, show, prefix) for kind, a, b, show, prefix in checks if a or b]
    sl, tl = src.label, tgt.label
    if (sl and sl.value) != (tl and tl.value):
        detail = f"paragraph {sl.value if sl else 'unnumbered'} in the source, {tl.value if tl else 'unnumbered'} in the target"
        out.insert(2, ("paragraph-number", detail, ((sl.start, sl.end),) if sl else (),
                       ((tl.start, tl.end),) if tl else ()))
    return out


def _lang_of(units: Sequence[Unit], side: str, given: str | None) -> str:
    if given:
        return "zh" if given.split("-")[0].lower() in ("zh", "ja") else "en"
    texts = [getattr(u, side) for u in units]
    return "zh" if sum(has_han(t) for t in texts) * 2 > len(texts) else "en"


def check(units: Sequence[Unit], entries: Sequence[TermEntry], src_lang: str | None = None,
          tgt_lang: str | None = None) -> list[Finding]:
    """Findings for every aligned pair, in document order (pairs with an empty side are skipped).

    `entries` have source terms in the source language (see glossary.recognise.flip for an
    English source)."""
    units = [u for u in units if u.src.strip() and u.tgt.strip()]
    sl, tl = _lang_of(units, "src", src_lang), _lang_of(units, "tgt", tgt_lang)
    findings: list[Finding] = []

    def add(u: Unit, kind: str, detail: str, sm: Iterable[Span] = (), tm: Iterable[Span] = ()) -> None:
        findings.append(Finding(u.id, tuple(u.src_ids), tuple(u.tgt_ids), kind, u.src, u.tgt, detail,
                                tuple(sorted(set(sm))), tuple(sorted(set(tm)))))

    for u in units:
        for kind, detail, sm, tm in _compare(_analyse(u.src, sl), _analyse(u.tgt, tl)):
            add(u, kind, detail, sm, tm)

    by_key: dict[str, list[TermEntry]] = {}
    for e in entries:
        by_key.setdefault(key_of(e.source, sl), []).append(e)
    src_index = build_index((e.source for e in entries), sl)
    tgt_index = build_index((r for e in entries for r in e.renderings), tl)
    used: dict[str, list[tuple[Unit, str, tuple[Span, ...], tuple[Span, ...]]]] = {}
    for u in units:
        shown: dict[str, list[Span]] = {}
        for m in find_all(tgt_index, u.tgt):
            shown.setdefault(m.key, []).append((m.start, m.end))
        spans: dict[str, list[Span]] = {}
        for m in find_terms(src_index, u.src):
            spans.setdefault(m.key, []).append((m.start, m.end))
        for key, sm in spans.items():
            for e in by_key[key]:
                keys = lambda rs: {key_of(r, tl): r for r in rs}  # noqa: E731
                approved, forbidden, others = keys(e.approved), keys(e.forbidden), keys(e.others)
                good = [k for k in approved if k in shown]
                inside = [s for k in good for s in shown[k]]
                # a forbidden or other rendering inside an approved one ("weapons" in "nuclear weapons") is not used
                free = lambda k: [s for s in shown.get(k, []) if not any(a <= s[0] and s[1] <= b for a, b in inside)]  # noqa: E731
                bad = [k for k in forbidden if free(k)]
                if bad:
                    add(u, "term-forbidden", f"{e.source}: forbidden rendering \"{forbidden[bad[0]]}\" used"
                        + (f"; approved: \"{e.approved[0]}\"" if e.approved else ""), sm,
                        [s for k in bad for s in free(k)])
                elif approved and not good:
                    instead = [k for k in others if k in shown]
                    add(u, "term-missing", f"{e.source}: approved \"{e.approved[0]}\" not found"
                        + (f"; \"{others[instead[0]]}\" there instead" if instead else ""), sm,
                        [s for k in instead[:1] for s in shown[k]])
                if good:
                    best = max(good, key=len)  # the fullest approved form seen
                    used.setdefault(e.source, []).append((u, approved[best], tuple(sm), tuple(shown[best])))

    for src, uses in used.items():
        counts = Counter(r for _, r, _, _ in uses)
        if len(counts) < 2:
            continue
        usual, n_usual = counts.most_common(1)[0]
        for u, r, sm, tm in uses:
            if r != usual:
                add(u, "term-inconsistent", f"{src}: rendered \"{r}\" here, \"{usual}\" in {n_usual} other "
                    f"pair{'s' if n_usual > 1 else ''}", sm, tm)
    order = {u.id: k for k, u in enumerate(units)}
    return sorted(findings, key=lambda f: (order[f.unit], KINDS.index(f.kind)))


def summary(findings: Sequence[Finding], n_units: int) -> str:
    """One line: how many findings of each kind in how many pairs."""
    if not findings:
        return f"no problems found in {n_units} aligned pairs"
    kinds = Counter(f.kind for f in findings)
    return (f"{len(findings)} finding{'s' if len(findings) > 1 else ''} in {len({f.unit for f in findings})} of "
            f"{n_units} aligned pairs: " + ", ".join(f"{k} {kinds[k]}" for k in KINDS if kinds[k]))


# --- reports --------------------------------------------------------------------------------


def _ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(map(str, ids)) + "]"


def report_csv(findings: Sequence[Finding]) -> bytes:
    """CSV (UTF-8 with BOM, for Excel): source_ids,target_ids,kind,source,target,detail."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(REPORT_COLUMNS)
    for f in findings:
        w.writerow([escape_cell(v) for v in (_ids(f.source_ids), _ids(f.target_ids), f.kind, f.source, f.target,
                                             f.detail)])  # no cell starts a spreadsheet formula
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _marked(text: str, marks: Sequence[tuple[int, int, str]]) -> str:
    """Escaped text with each marked (start, end, kind) span in <mark class=kind>; overlaps join the first."""
    out, pos = [], 0
    merged: list[list] = []
    for s, e, kind in sorted(marks):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e, kind])
    for s, e, kind in merged:
        out.append(html.escape(text[pos:s]))
        out.append(f'<mark class="{kind}">{html.escape(text[s:e])}</mark>')
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:75em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
td,th{border-top:1px solid #ddd;padding:.5em;vertical-align:top;text-align:left}
td.ids{white-space:nowrap;color:#666;font-size:.85em}td.seg{width:38%}
.kind{display:inline-block;padding:0 .4em;border-radius:3px;background:#eee;font-size:.85em;margin:.1em 0}
mark{background:#ffe08a;border-bottom:2px solid #e0a800}mark.term-forbidden{background:#ffb3b3;border-color:#c00}
mark.term-missing,mark.term-inconsistent{background:#ffd6a8}.summary{color:#555}
"""


def report_html(findings: Sequence[Finding], title: str = "termalign check", summary_line: str = "") -> bytes:
    """A self-contained page (inline CSS, no scripts, no external resources): one row per pair with
    findings, its segments with what each finding points at highlighted."""
    by_unit: dict[int, list[Finding]] = {}
    for f in findings:
        by_unit.setdefault(f.unit, []).append(f)
    rows = []
    for fs in by_unit.values():
        f0 = fs[0]
        src = _marked(f0.source, [(*m, f.kind) for f in fs for m in f.source_marks])
        tgt = _marked(f0.target, [(*m, f.kind) for f in fs for m in f.target_marks])
        details = "".join(f'<div><span class="kind">{html.escape(f.kind)}</span> {html.escape(f.detail)}</div>'
                          for f in fs)
        rows.append(f'<tr><td class="ids">{_ids(f0.source_ids)}<br>{_ids(f0.target_ids)}</td>'
                    f'<td class="seg">{src}</td><td class="seg">{tgt}</td><td>{details}</td></tr>')
    body = ("<table><tr><th>ids</th><th>source</th><th>target</th><th>findings</th></tr>" + "".join(rows)
            + "</table>") if rows else "<p>No problems found.</p>"
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>'
            f'<p class="summary">{html.escape(summary_line)}</p>{body}</body></html>\n')
    return page.encode("utf-8")

"""Property-based tests (hypothesis) of the readers, the re-flow and the segmenters.

Inputs: random Unicode (control characters, surrogate-free planes, very long lines, mixed
scripts) and document-like text built from UN-layout pieces (page furniture, footnote
markers, hyphenated words, form feeds). Properties: nothing but a UserError escapes, and every
character that is text (not whitespace, not a control code) ends up in exactly one output
segment — or, for the re-flow, in the list of what it removed (page furniture, hyphens).

10,000 generated cases in all (TERMALIGN_FUZZ_EXAMPLES sets the number per test,
default 1,000 × 10 tests; about 40 s of CPU).

The export pass (at the end; TERMALIGN_FUZZ_EXPORT_EXAMPLES cases a test, default 60): terms
and segments with formula prefixes, leading apostrophes, control characters, `]]>`, quotes,
tabs and line breaks through every glossary format (csv, xlsx, tmx, tbx, tbx3, omegat, jsonl)
and alignment format (tmx, csv, tsv, jsonl) and back. Re-read equals what went in, except what
a format documents it cannot hold: characters XML cannot hold are dropped from XLSX/TMX/TBX,
OmegaT fields hold no tabs or line breaks (runs of white space become one space), alignment
text loses Markdown emphasis. No CSV/TSV/OmegaT cell starts a formula; no XLSX cell is one. They are the same cases every run (derandomized,
so CI is stable); TERMALIGN_FUZZ_RANDOM=1 draws new ones for exploring.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.export import FORMULA_START, xml_safe
from align.langcheck import check_pair, detect_language, to_simplified_aligned
from align.readers import clean_text, decode_text, html_text
from align.reflow import reflow
from align.segment import segment, sentences_of, split_lines, split_paragraphs, split_sentences, strip_markup
from termalign.errors import UserError

PER_TEST = int(os.environ.get("TERMALIGN_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(max_examples=PER_TEST, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=not os.environ.get("TERMALIGN_FUZZ_RANDOM"),  # CI: the same cases every run
                database=None)
RUNS: Counter = Counter()


def text_chars(s: str) -> Counter:
    """The characters that are text: not whitespace, not control codes, not BOMs."""
    return Counter(ch for ch in s if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cs")
                   and ch != "\ufeff")


PIECES = [
    "第七十五届会议", "大会，", "回顾其 2012 年 12 月 3 日第 67/39 号决议，", "核裁军", "《联合国千年宣言》¹ 所载",
    "The General Assembly,", "Recalling its resolutions 67/39", "nuclear-", "weapon-free", "disarma-", "ment",
    "Secre-", "tary-General", "¹ Resolution 55/2.", "² A/75/96.", "20-16555 2/4", "2/4 20-16555", "20-16555 (C)",
    "*2016555*", "A/RES/75/45", "United Nations A/RES/75/45", "General Assembly Distr.: General",
    "14 December 2020", "- 3 -", "请回收", "1. Calls upon", "(a) the", "¹²³", "⁴", "“quoted”", "—", "-", "  ",
    "\t", "\f", "\r\n", "\r", "\u2028", "\x85", "\x0b", "\x00", "\x1b", "\ufeff", "Ａ/ＲＥＳ", "決議", "國際",
    "x" * 300, "核" * 200,
]
doc_line = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=8).map(" ".join)
doc_text = st.lists(st.one_of(doc_line, st.just("")), max_size=40).map("\n".join)
any_text = st.one_of(st.text(max_size=400), doc_text, st.text(alphabet=st.characters(codec="utf-8"), max_size=2000))


@FUZZ
@given(any_text)
def test_reflow_keeps_or_reports_every_character(text):
    RUNS["reflow"] += 1
    r = reflow(clean_text(text))
    assert text_chars(r.text) + text_chars("".join(r.removed)) == text_chars(clean_text(text))
    assert "\f" not in r.text


@FUZZ
@given(any_text)
def test_clean_text_drops_only_controls(text):
    RUNS["clean"] += 1
    out = clean_text(text)
    assert text_chars(out) == text_chars(text)
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\f" for ch in out)


@FUZZ
@given(st.one_of(st.binary(max_size=600), any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 st.builds(lambda t, enc: t.encode(enc, errors="ignore"), any_text,
                           st.sampled_from(["gb18030", "big5", "utf-16", "utf-16-le", "cp1252"]))))
def test_decode_any_bytes_gives_text_or_user_error(data):
    RUNS["decode"] += 1
    try:
        text, enc = decode_text(data, name="fuzz.txt")
    except UserError as e:
        assert str(e).startswith("fuzz.txt: ") and "\n" not in str(e)
        return
    assert isinstance(text, str) and enc


@FUZZ
@given(any_text)
def test_utf8_roundtrip_is_exact(text):
    RUNS["utf8"] += 1
    data = text.encode("utf-8")
    try:
        got, enc = decode_text(data, name="fuzz.txt")
    except UserError as e:  # control-code heavy text is refused as binary, with a one-line message
        assert "binary file" in str(e) or "fuzz.txt" in str(e)
        return
    if text.startswith("\ufeff"):  # a leading BOM is a byte-order mark, not text
        assert (got, enc) == (text[1:], "utf-8-sig")
    else:
        assert (got, enc) == (text, "utf-8")


@FUZZ
@given(any_text)
def test_html_of_plain_text_keeps_every_character(text):
    RUNS["html"] += 1
    text = clean_text(text).replace("<", " ").replace("&", " ").replace(">", " ")
    assert text_chars(html_text(text)) == text_chars(text.replace("\f", " ").replace("\ufffe", "").replace("\uffff", ""))


@FUZZ
@given(st.one_of(any_text, st.text(max_size=300).map(lambda t: f"<p>{t}</p><sup>{len(t)}</sup><div>{t}")))
def test_html_never_raises(markup):
    RUNS["html-markup"] += 1
    assert isinstance(html_text(clean_text(markup)), str)


@FUZZ
@given(any_text, st.sampled_from(["zh", "en"]))
def test_lines_and_paragraphs_keep_every_character(text, lang):
    RUNS["segment"] += 1
    text = clean_text(text)
    assert sum((text_chars(s.text) for s in split_lines(text)), Counter()) == text_chars(text)
    paras = split_paragraphs(text, lang)
    assert sum((text_chars(s.text) for s in paras), Counter()) == text_chars(text)
    assert segment(text, "paragraph", lang) == paras


@FUZZ
@given(any_text, st.sampled_from(["zh", "en"]))
def test_sentences_keep_every_character(text, lang):
    RUNS["sentence"] += 1
    text = clean_text(text)
    for k, para in enumerate(split_paragraphs(text, lang)):
        sents = sentences_of(para, lang, k)
        assert sum((text_chars(s.text) for s in sents), Counter()) == text_chars(para.text)
        assert all(s.para == k for s in sents)
    assert sum((text_chars(s) for s in split_sentences(text, lang)), Counter()) == text_chars(text)


@FUZZ
@given(any_text, any_text)
def test_language_check_never_crashes(a, b):
    RUNS["lang"] += 1
    assert detect_language(a) in ("zh", "en", None)
    try:
        r = check_pair(a, b, "zh", "en", "a", "b")
    except UserError as e:
        assert str(e).startswith(("a: ", "b: ")) and "\n" not in str(e)
        return
    assert {r.src_text, r.tgt_text} == {a, b}


@FUZZ
@given(any_text)
def test_simplified_has_the_same_length(text):
    RUNS["opencc"] += 1
    assert len(to_simplified_aligned(text)) == len(text)


# --- exports and back ----------------------------------------------------------------------

EXPORT_FUZZ = settings(FUZZ, max_examples=int(os.environ.get("TERMALIGN_FUZZ_EXPORT_EXAMPLES", "60")))
PREFIXES = ["", "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "\x00", "\x01", " ", "=HYPERLINK(\"http://x\")&"]
NASTY = ["]]>", "<![CDATA[", '"', "'", "\t", "\n", "\r\n", "\r", "\u2028", "\x85", "\x0b", "\x1f", "\ufffe", "&amp;",
         "<b>", ",", ";", " (0.5)", "核裁军", "nuclear disarmament", "*", "**", "_x0041_", "\ufeff"]
piece = st.one_of(st.sampled_from(NASTY), st.text(max_size=6))
nasty_text = st.builds(lambda pre, parts: pre + "".join(parts), st.sampled_from(PREFIXES), st.lists(piece, max_size=5))
# a term: never empty, no " | " (the separator of further equivalents in CSV/TMX), no leading "#" (OmegaT comment)
term = st.builds(lambda pre, core, tail: pre + core + tail.replace("|", "/"), st.sampled_from(PREFIXES),
                 st.sampled_from(["核裁军", "会员国", "nuclear", "-5", "+/-", "'s", "x"]), nasty_text)


def _entry(source: str, targets: list[str], src_ex: str, tgt_ex: str, kind: str):
    from glossary.model import Entry, Equivalent

    return Entry(source, [Equivalent(t, 0.5, 1) for t in targets], 0.5, source_frequency=1, type=kind,
                 source_example=src_ex, target_example=tgt_ex)


entries = st.lists(st.builds(_entry, term, st.lists(term, min_size=1, max_size=3), nasty_text, nasty_text,
                             st.sampled_from(["concept", "organ/body", "treaty/instrument"])),
                   min_size=1, max_size=4, unique_by=lambda e: " ".join(e.source_term.split()))


def _cells_safe(text: str, delimiter: str) -> bool:
    import csv
    import io

    return not any(c.startswith(FORMULA_START) for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row)


def _view(e, fmt: str) -> tuple:
    """What format `fmt` holds of an entry, as that format's reader gives it back."""
    one = " ".join
    terms = [q.term for q in e.equivalents]
    if fmt == "omegat":
        return one(e.source_term.split()), [one(t.split()) for t in terms]
    x = xml_safe if fmt in ("xlsx", "tmx", "tbx", "tbx3") else (lambda t: t)
    view = (x(e.source_term), [x(t) for t in terms], e.type)
    if fmt == "tmx":
        return view
    return (*view, x(e.source_example), x(e.target_example))


@EXPORT_FUZZ
@given(entries)
def test_every_glossary_format_round_trips(tmp_path_factory, items):
    import openpyxl

    from glossary.export import read_glossary, render
    from glossary.model import Glossary

    g = Glossary(items)
    d = tmp_path_factory.mktemp("g")
    for fmt, ext in (("jsonl", "jsonl"), ("csv", "csv"), ("xlsx", "xlsx"), ("tmx", "tmx"), ("tbx", "tbx"),
                     ("tbx3", "tbx"), ("omegat", "txt")):
        data = render(g, fmt)
        p = d / f"g-{fmt}.{ext}"
        p.write_bytes(data)
        back = read_glossary(p)
        if fmt == "jsonl":
            assert [e.to_dict() for e in back] == [e.to_dict() for e in items]
            continue
        assert [_view(e, fmt) for e in back] == [_view(e, fmt) for e in items], fmt
        if fmt in ("csv", "omegat"):
            assert _cells_safe(data.decode("utf-8-sig"), "," if fmt == "csv" else "\t"), fmt
        if fmt == "xlsx":
            assert all(c.data_type != "f" for row in openpyxl.load_workbook(p).active.iter_rows() for c in row)


@EXPORT_FUZZ
@given(st.lists(st.tuples(nasty_text, nasty_text), min_size=1, max_size=5))
def test_every_alignment_format_round_trips(tmp_path_factory, pairs):
    from translate.storage import tmx

    from align.export import read_alignment, render
    from align.model import Alignment, Bead, Segment

    al = Alignment([Segment(s) for s, _ in pairs], [Segment(t) for _, t in pairs],
                   [Bead((i,), (i,), 0.5) for i in range(len(pairs))], "zh", "en")
    d = tmp_path_factory.mktemp("a")
    texts = {}
    for fmt in ("jsonl", "csv", "tsv"):
        p = d / f"a.{fmt}"
        p.write_bytes(render(al, fmt))
        back = read_alignment(p)
        texts[fmt] = ([s.text for s in back.src], [s.text for s in back.tgt])
        assert [b.key() for b in back.beads] == [b.key() for b in al.beads]
        if fmt != "jsonl":
            assert _cells_safe(p.read_bytes().decode("utf-8-sig"), "," if fmt == "csv" else "\t"), fmt
    # JSONL keeps every segment: the text as exported (without Markdown emphasis); CSV/TSV the same
    assert texts["jsonl"] == ([strip_markup(s) for s, _ in pairs], [strip_markup(t) for _, t in pairs])
    assert texts["csv"] == texts["tsv"] == texts["jsonl"]
    units = tmx.tmxfile.parsestring(render(al, "tmx")).units
    assert ([u.source for u in units], [u.target for u in units]) == \
        tuple([xml_safe(t) for t in side] for side in texts["jsonl"])


def test_zz_fuzz_case_count():
    """All the fuzz tests above ran their cases (skip when run one by one)."""
    if len(RUNS) < 10:
        pytest.skip(f"only {len(RUNS)} of the 10 fuzz tests ran in this session")
    total = sum(RUNS.values())
    print(f"fuzz cases: {total} {dict(RUNS)}")
    assert total >= 10 * PER_TEST

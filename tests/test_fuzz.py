"""Property-based tests (hypothesis) of the readers, the re-flow and the segmenters.

Inputs: random Unicode (control characters, surrogate-free planes, very long lines, mixed
scripts) and document-like text built from UN-layout pieces (page furniture, footnote
markers, hyphenated words, form feeds). Properties: nothing but a UserError escapes, and every
character that is text (not whitespace, not a control code) ends up in exactly one output
segment — or, for the re-flow, in the list of what it removed (page furniture, hyphens).

10,000 generated cases in all (TERMALIGN_FUZZ_EXAMPLES sets the number per test,
default 1,000 × 10 tests; about 40 s of CPU). They are the same cases every run (derandomized,
so CI is stable); TERMALIGN_FUZZ_RANDOM=1 draws new ones for exploring.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.langcheck import check_pair, detect_language, to_simplified_aligned
from align.readers import clean_text, decode_text, html_text
from align.reflow import reflow
from align.segment import segment, sentences_of, split_lines, split_paragraphs, split_sentences
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


def test_zz_fuzz_case_count():
    """All the fuzz tests above ran their cases (skip when run one by one)."""
    if len(RUNS) < 10:
        pytest.skip(f"only {len(RUNS)} of the 10 fuzz tests ran in this session")
    total = sum(RUNS.values())
    print(f"fuzz cases: {total} {dict(RUNS)}")
    assert total >= 10 * PER_TEST

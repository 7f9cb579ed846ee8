"""Re-flow of text as PDF extraction gives it: the seed pair, wrapped and paginated here, comes
back as the paragraphs of the clean files."""

from __future__ import annotations

import pytest

from align.readers import read
from align.reflow import Line, Vocabulary, furniture, join_pair, lines_from_text, looks_like_layout_text, reflow
from align.segment import split_paragraphs

from conftest import SEED_EN, SEED_ZH
from layout_gen import raw_text
from test_readers import CLEAN, expected, paragraphs


@pytest.mark.parametrize("lang,width", [("zh", 50), ("zh", 70), ("zh", 90), ("en", 84), ("en", 100)])
@pytest.mark.parametrize("layout", ["plain", "form-feeds", "blank-lines"])
def test_wrapped_seed_reflows_to_clean_paragraphs(lang, width, layout):
    raw = raw_text(CLEAN[lang], lang, width, form_feeds=layout == "form-feeds", blank_lines=layout == "blank-lines")
    r = reflow(raw)
    assert paragraphs(r.text, lang) == expected(lang)
    assert r.footnotes == 4 and r.paragraphs == len(expected(lang)[0])
    assert any(x.startswith("20-16555") for x in r.removed) and "*2016555*" in r.removed


def _missed(lang: str, width: int, **kw) -> set[str]:
    """Clean paragraphs that do not come back whole from the wrapped variant."""
    return set(expected(lang)[0]) - set(paragraphs(reflow(raw_text(CLEAN[lang], lang, width, **kw)).text, lang)[0])


def test_indented_chinese_at_every_width():
    """Chinese first lines indented with two ideographic spaces (the usual typesetting), no blank
    lines: every paragraph comes back at every measure from 36 to 108 columns."""
    assert {w: m for w in range(36, 110, 2) if (m := _missed("zh", w, indent="\u3000\u3000"))} == {}


def test_width_sweep_without_any_paragraph_signal():
    """No blank lines, no indentation: a paragraph whose last line happens to be full can only be
    told by its punctuation and how the next one starts (UN openers such as 回顾/Recalling, "13.").
    Measured over 37 Chinese and 30 English measures: Chinese loses under 1% of paragraphs;
    English loses only front-matter headings (no final punctuation), never a body paragraph."""
    zh = [len(_missed("zh", w)) for w in range(36, 110, 2)]
    assert sum(zh) <= 0.01 * len(zh) * len(expected("zh")[0]), zh
    headings = set(expected("en")[0][:8])
    en = {w: _missed("en", w) for w in range(60, 120, 2)}
    assert all(m <= headings for m in en.values()), {w: m - headings for w, m in en.items() if m - headings}
    assert sum(map(len, en.values())) <= 0.03 * len(en) * len(expected("en")[0])


def test_raw_text_file_is_detected_and_reflowed(tmp_path):
    """A .txt copied out of a PDF (Chinese wrapped, no blank lines, in GB18030) reads as paragraphs."""
    p = tmp_path / "raw.zh.txt"
    p.write_bytes(raw_text(CLEAN["zh"], "zh").encode("gb18030"))
    doc = read(p)
    assert doc.reflowed and doc.encoding == "gb18030"
    assert paragraphs(doc.text, "zh") == expected("zh")


def test_layout_detection():
    assert looks_like_layout_text(raw_text(CLEAN["en"], "en"))
    assert looks_like_layout_text(raw_text(CLEAN["zh"], "zh", blank_lines=True))
    assert not looks_like_layout_text(CLEAN["zh"]) and not looks_like_layout_text(CLEAN["en"])


def test_one_sentence_per_line_corpora_are_not_layout(shared_data):
    """MAC-Dev chapters are one sentence a line: re-flowing them would break their line ids."""
    files = sorted((shared_data / "mac-dev" / "zh").iterdir()) + sorted((shared_data / "mac-dev" / "en").iterdir())
    assert files
    assert not [f.name for f in files if looks_like_layout_text(f.read_text(encoding="utf-8"))]


def test_footnote_inside_a_paragraph_goes_after_it():
    """A page break inside a paragraph, with the page's footnote below it: the paragraph stays whole."""
    text = ("Recalling the resolve of the heads of State and Government, as contained in the\n"
            "United Nations Millennium Declaration,¹ to strive for the elimination of weapons\n"
            "¹ Resolution 55/2.\n"
            "20-16555 2/4\n"
            "A/RES/75/45\n"
            "of mass destruction, in particular nuclear weapons,\n")
    segs = split_paragraphs(reflow(text).text, "en")
    assert [(s.kind, s.marker) for s in segs] == [("text", None), ("footnote", "1")]
    assert segs[0].text.endswith("elimination of weapons of mass destruction, in particular nuclear weapons,")


def test_chinese_lines_join_without_spaces_and_latin_with_one():
    removed: list[str] = []
    assert join_pair("彻底消除核武器的", "目标", removed) == "彻底消除核武器的目标"
    assert join_pair("第 72/251 号、2018 年", "12 月", removed) == "第 72/251 号、2018 年12 月"
    assert join_pair("the total", "elimination", removed) == "the total elimination"
    assert removed == []


@pytest.mark.parametrize("left,right,joined,dropped", [
    ("of the nuclear-", "weapon-free zone", "of the nuclear-weapon-free zone", []),
    ("including non-", "governmental organizations", "including non-governmental organizations", []),
    ("effective measures of nuclear disarma-", "ment have", "effective measures of nuclear disarmament have", ["-"]),
    ("the Secre-", "tary-General", "the Secretary-General", ["-"]),
    ("the follow-", "up to", "the follow-up to", []),
    ("the Non-", "Proliferation Treaty", "the Non-Proliferation Treaty", []),
    ("commitments under-", "taken on", "commitments undertaken on", ["-"]),
    ("and the fulfil-", "ment of", "and the fulfilment of", ["-"]),
    ("their well-", "being", "their well-being", []),
])
def test_line_end_hyphens(left, right, joined, dropped):
    removed: list[str] = []
    assert join_pair(left, right, removed) == joined
    assert removed == dropped


def test_the_document_spells_it_first():
    """wordfreq would keep "multi-lateral" (both halves are words); the document writes it closed."""
    removed: list[str] = []
    assert join_pair("the multi-", "lateral machinery", removed) == "the multi-lateral machinery"
    vocab = Vocabulary.of(["the multilateral disarmament machinery"])
    assert join_pair("the multi-", "lateral machinery", removed, vocab) == "the multilateral machinery"
    vocab = Vocabulary.of(["a nuclear-weapon-free zone"])
    assert join_pair("the nuclear-", "weapon states", removed, vocab) == "the nuclear-weapon states"
    assert removed == ["-"]


def test_furniture_patterns():
    lines = lines_from_text("\n".join([
        "United Nations A/RES/75/45", "General Assembly Distr.: General", "14 December 2020",
        "Seventy-fifth session", "The General Assembly,", "2/4 20-16555", "20-16555 3/4", "20-16555 (C)",
        "*2016555*", "Page 3 of 4", "- 7 -", "请回收", "A/75/L.12", "第 3 页", "1. Calls upon all States,"]))
    kept = [ln.text for i, ln in enumerate(lines) if i not in furniture(lines)]
    assert kept == ["Seventy-fifth session", "The General Assembly,", "1. Calls upon all States,"]


def test_running_title_repeated_on_pages_goes():
    page = ["A/RES/75/45", "Follow-up to the 2013 high-level meeting on nuclear disarmament"]
    body = [f"Paragraph {k} of the resolution text, long enough to be wrapped in the middle," for k in range(6)]
    text = "\f".join("\n".join(page + body[2 * k:2 * k + 2] + [f"20-16555 {k + 1}/3"]) for k in range(3))
    out = reflow(text)
    assert "Follow-up" not in out.text and out.removed.count(page[1]) == 3


def test_pdf_geometry_lines():
    """Lines with a layout (as the PDF reader gives): a vertical gap or a short line ends a
    paragraph, small type starting with a marker is a footnote and continues while small."""
    L = lambda t, w, gap=False, small=False, page=0: Line(t, page, w, 20, 400, gap, small)  # noqa: E731
    lines = [L("First paragraph runs to the", 398), L("margin and ends here.", 150),
             L("Second paragraph starts on the next line", 399), L("and goes on.", 80, gap=False),
             L("¹ A footnote set small that runs to", 399, small=True), L("a second line.", 60, small=True),
             L("Third paragraph after the notes.", 200)]
    segs = split_paragraphs(reflow_lines_text(lines), "en")
    assert [(s.kind, s.text) for s in segs] == [
        ("text", "First paragraph runs to the margin and ends here."),
        ("text", "Second paragraph starts on the next line and goes on."),
        ("footnote", "¹ A footnote set small that runs to a second line."),
        ("text", "Third paragraph after the notes.")]


def reflow_lines_text(lines: list[Line]) -> str:
    from align.reflow import reflow_lines

    return reflow_lines(lines).text


def test_seed_files_reflow_to_their_own_paragraphs():
    """Re-flowing an already clean file changes no paragraph (blank lines decide)."""
    for lang, path in (("zh", SEED_ZH), ("en", SEED_EN)):
        text = path.read_text(encoding="utf-8")
        assert paragraphs(reflow(text).text, lang) == paragraphs(text, lang)

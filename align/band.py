"""The band of a banded alignment search: which target positions each source position may reach.

Kept apart from the aligner so the scorer, which computes scores over a band, need not import
the search that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Band:
    """Per source position i (0..n), the allowed target positions [lo[i], hi[i])."""

    lo: np.ndarray
    hi: np.ndarray

    @property
    def width(self) -> int:
        return int((self.hi - self.lo).max())

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        counts = self.hi - self.lo
        i = np.repeat(np.arange(len(self.lo)), counts)
        starts = np.repeat(self.lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        j = np.arange(counts.sum()) + starts
        return i, j

    def widened(self, reach: int, n: int, m: int) -> "Band":
        """Rows 0..n-1 with `reach` more target positions on each side, inside 0..m: the pairs a
        bead ending in the band can hold, when beads are at most `reach` segments a side."""
        lo = np.clip(np.asarray(self.lo[:n]) - reach, 0, m)
        hi = np.clip(np.asarray(self.hi[:n]) + reach, lo, m)
        return Band(lo, hi)

"""The aligner's core: a banded dynamic-programming search for monotone beads. Pure: no model, no I/O.

Two searches, both inside a band so cost grows with length:
1. `first_pass`: a 1-1/skip path over single-segment similarities (on block averages first when
   the documents are long, Vecalign-style, so no full n x m matrix is ever made);
2. `search`: a band of `radius` segments around that path, searched with every bead type up to
   `max_merge` segments a side, each scored by the scorer.
What no monotone search can express (crossed lines, displaced captions, gaps) is left to the
repair passes in align/passes.py.
"""

from __future__ import annotations

from typing import Callable, Protocol, Sequence

import numpy as np

from .band import Band
from .config import AlignConfig
from .model import Bead

NEG = -1e9

ScoreFn = Callable[[int, int, np.ndarray, np.ndarray], np.ndarray]
"""(a, b, i_end, j_end) -> scores of the beads src[i_end-a:i_end] x tgt[j_end-b:j_end], vectorised."""

SetScoreFn = Callable[[tuple[int, ...], tuple[int, ...]], float]
"""(src ids, tgt ids) -> score of one bead of any segments, both sides non-empty, gaps allowed."""

SetScoresFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(I, J) -> scores of the beads src[I[k]] x tgt[J[k]]: SetScoreFn over rows of ids, the same number a side."""


class Scorer(Protocol):
    """What the aligner needs to know about two sequences.

    The last four attributes are capabilities a scorer may lack: None says so (see `PlainScorer`).
    """

    n_src: int
    n_tgt: int

    def pair_sims(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Similarity of single segments src[i[k]] and tgt[j[k]] (first pass)."""

    def coarse(self, factor: int) -> "Scorer":
        """A scorer over blocks of `factor` consecutive segments (for long documents)."""

    def fit(self, i: np.ndarray, j: np.ndarray, sims: np.ndarray, path: list[tuple[int, int]]) -> None:
        """Learn document-level statistics (neighbour margins, length ratio) from the first pass."""

    def prepare(self, band: Band) -> None:
        """Precompute what the beads over the pairs in `band` need (may do nothing)."""

    def bead_scores(self, a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        """Score of beads src[i_end-a:i_end] x tgt[j_end-b:j_end]; a or b may be 0 (a skip)."""

    skip_run_scores: ScoreFn | None
    """Skips (1-0 or 0-1) that continue a run of skips on the same side; None: scored as any skip."""

    outside_scores: ScoreFn | None
    """Skips before the first bead or after the last; None: scored as any skip."""

    set_score: SetScoreFn | None
    """A bead of any ids (the repair passes need it); None: the passes that need it do nothing."""

    set_scores: SetScoresFn | None
    """Many such beads in one call (the searches around beads set apart); None: set_score one at a time."""


class PlainScorer:
    """Base of a scorer with none of the optional capabilities: it implements pair_sims, coarse,
    fit and bead_scores only."""

    skip_run_scores: ScoreFn | None = None
    outside_scores: ScoreFn | None = None
    set_score: SetScoreFn | None = None
    set_scores: SetScoresFn | None = None

    def prepare(self, band: Band) -> None:
        return None


def bead_types(cfg: AlignConfig) -> list[tuple[int, int]]:
    """The (a, b) bead shapes the search tries: the skips, 1-1, and merges up to the config's limits."""
    types = [(1, 0), (0, 1)]
    for a in range(1, cfg.max_merge + 1):
        for b in range(1, cfg.max_merge + 1):
            if a + b <= cfg.max_total or (a, b) == (1, 1):
                types.append((a, b))
    return types


# --- bands -----------------------------------------------------------------------------

def full_band(n: int, m: int) -> Band:
    return Band(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64))


def band_around(path: list[tuple[int, int]], n: int, m: int, radius: int) -> Band:
    """Positions within `radius` of a monotone path of (i, j) grid points from (0,0) to (n,m)."""
    lo = np.full(n + 1, m + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i, j in path:
        for ii in range(max(0, i - radius), min(n, i + radius) + 1):
            lo[ii] = min(lo[ii], max(0, j - radius))
            hi[ii] = max(hi[ii], min(m, j + radius) + 1)
    # keep the band connected and monotone
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m + 1
    return Band(lo, hi)


# --- dynamic programming in a band -----------------------------------------------------

def band_dp(n: int, m: int, band: Band, types: list[tuple[int, int]], score_fn: ScoreFn,
            run_fn: ScoreFn | None = None, lead_fn: ScoreFn | None = None,
            tail_fn: ScoreFn | None = None) -> list[tuple[int, int, int, int, float]]:
    """Best monotone path of beads from (0,0) to (n,m) staying inside `band`.

    `score_fn(a, b, i_end, j_end)` gives the (vectorised) scores of beads of type (a, b).
    `run_fn(a, b, i_end, j_end)`, for the skips (1, 0) and (0, 1), scores a skip that follows a
    skip on the same side, as gaps open and extend in sequence alignment (Gotoh): untranslated
    text comes in blocks (an advertisement, a caption), and a block's inner lines are not bead
    boundaries. Without it a skip scores the same anywhere.
    `lead_fn` and `tail_fn` (same signature) score the skips of one side before the first bead and
    after the last, as end gaps in semi-global alignment: one document may carry a cover line, a
    translator's credit or a closing passage the other lacks. Without them those are ordinary skips.
    The functions must be pure (a score depends on the bead only, not on the search): they are
    asked for every bead whose start lies in the band, whether or not a path reaches it, a block
    of rows per call (`_ScoreBlocks`), so numpy's cost per call is paid per block, not per row.
    Returns beads as (i0, i1, j0, j1, score): a bead's score is the difference of the path
    scores at its two ends, so nothing is scored twice. Rows are processed one at a time with numpy over the
    row's band, so the work is O(n * band width * bead types).
    """
    lo, hi = band.lo, band.hi
    W = int((hi - lo).max())
    # H: best path to a cell; G: the same ending in a bead that is not a target skip (E ends in
    # one), F: ending in a source skip. Back-pointers: G's bead type (or FROM_F), E's and F's
    # "continues a run" flags, and whether H came from E.
    H, G, E, F = (np.full((n + 1, W), NEG) for _ in range(4))
    back_g = np.full((n + 1, W), -1, dtype=np.int16)
    h_from_e, e_run, f_run = (np.zeros((n + 1, W), dtype=bool) for _ in range(3))
    G[0, 0 - lo[0]] = H[0, 0 - lo[0]] = 0.0  # (0, 0)
    lead_s, lead_t = _edge_sums(lead_fn, n, m, before=True)
    tail_s, tail_t = _edge_sums(tail_fn, n, m, before=False)
    blocks = _ScoreBlocks(band, types, score_fn, run_fn)
    target_skip = types.index((0, 1)) if (0, 1) in types else None
    for i in range(n + 1):
        w = int(hi[i] - lo[i])
        if w == 0:
            continue
        opened_at, ran_at = blocks.row(i)
        best, arg = G[i, :w].copy(), back_g[i, :w].copy()
        if lead_fn is not None and (i == 0 or lo[i] == 0):  # the path may start here, one side's beginning left out
            js = np.arange(lo[i], hi[i])
            start = lead_t[js] if i == 0 else np.where(js == 0, lead_s[i], NEG)
            arg[start > best] = START
            best = np.maximum(best, start)
        for t, (a, b) in enumerate(types):
            if (a, b) == (0, 1) or i < a:
                continue
            r = i - a
            p0, p1 = _reach(lo, hi, i, r, b)
            if p1 <= p0:
                continue
            k0 = p0 + lo[i] - b - lo[r]  # the start cells (r, j - b) in row r's band
            prev = H[r, k0:k0 + p1 - p0]
            reached = prev > NEG / 2
            opened = prev + opened_at[t][p0:p1]
            if (a, b) == (1, 0):
                ran = F[r, k0:k0 + p1 - p0] + ran_at[t][p0:p1]
                f_run[i, p0:p1] = reached & (ran > opened)
                F[i, p0:p1] = np.where(reached, np.maximum(ran, opened), NEG)
                cand = F[i, p0:p1]
                t = FROM_F
            else:
                cand = np.where(reached, opened, NEG)
            better = cand > best[p0:p1]
            best[p0:p1][better] = cand[better]
            arg[p0:p1][better] = t
        G[i, :w], back_g[i, :w] = best, arg
        if target_skip is not None and w > 1:
            e, runs = _target_skips(best, opened_at[target_skip][:w], ran_at[target_skip][:w])
            E[i, :w], e_run[i, :w] = e, runs
            h_from_e[i, :w] = e > best + 1e-12
        H[i, :w] = np.where(h_from_e[i, :w], E[i, :w], best)
    if not (lo[n] <= m < hi[n]) or H[n, m - lo[n]] <= NEG / 2:
        raise RuntimeError("no path through the band")
    i, j = n, m
    beads = []
    if tail_fn is not None:  # the path may end on the last row or column, one side's end left out
        last_row = H[n, :hi[n] - lo[n]] + tail_t[lo[n]:hi[n]]
        rows = np.flatnonzero((lo <= m) & (m < hi))
        last_col = H[rows, m - lo[rows]] + tail_s[rows]
        if last_row.max() >= last_col.max():
            j = int(lo[n] + np.argmax(last_row))
        else:
            i = int(rows[np.argmax(last_col)])
        beads = _edge_beads(tail_fn, i, n, j, m)[::-1]
    # trace back through the states: ("H" | "G" | "E" | "F", i, j)
    state = "H"
    value = {"H": H, "G": G, "E": E, "F": F}
    while (i, j) != (0, 0):
        c = j - lo[i]
        if state == "H":
            state = "E" if h_from_e[i, c] else "G"
            continue
        end = value[state][i, c]
        if state == "G" and back_g[i, c] == START:
            beads += _edge_beads(lead_fn, 0, i, 0, j)[::-1]
            break
        if state == "G" and back_g[i, c] == FROM_F:
            state = "F"
            continue
        if state == "G":
            t = back_g[i, c]
            if t < 0:
                raise RuntimeError("broken back-pointer")
            a, b = types[t]
            nxt = ("H", i - a, j - b)
        elif state == "F":
            a, b = 1, 0
            nxt = ("F" if f_run[i, c] else "H", i - 1, j)
        else:
            a, b = 0, 1
            nxt = ("E" if e_run[i, c] else "G", i, j - 1)
        state, i, j = nxt
        beads.append((i, i + a, j, j + b, float(end - value[state][i, j - lo[i]])))
    beads.reverse()
    return beads


SCORE_BLOCK_CELLS = 1 << 14
"""Band cells (rows x the band's width) whose bead scores are asked for together: numpy's cost
per call is paid once per block, and the score tables stay a few MB whatever the document's length."""


def _reach(lo: np.ndarray, hi: np.ndarray, i, r, b: int):
    """Positions [p0, p1) of row i's band whose cell (i, j) has its bead's start (r, j - b) in row r's band.

    Works on ints and on arrays of rows alike (the band is contiguous in each row, so this is a range).
    """
    p0 = np.maximum(0, lo[r] + b - lo[i])
    p1 = np.minimum(hi[i] - lo[i], hi[r] + b - lo[i])
    return p0, p1


class _ScoreBlocks:
    """The scores band_dp reads, computed one block of rows at a time as the search reaches it.

    Per bead type, a table over the block's rows in band coordinates (row i, position j - lo[i]):
    the score of the bead ending at each cell whose start lies in the band; for the skips also
    the run function's score. Rows are asked for in ascending order.
    """

    def __init__(self, band: Band, types: list[tuple[int, int]], score_fn: ScoreFn, run_fn: ScoreFn | None,
                 cells: int = SCORE_BLOCK_CELLS) -> None:
        self.lo, self.hi = band.lo, band.hi
        self.width = int((self.hi - self.lo).max())
        self.rows = max(1, cells // max(self.width, 1))
        self.types, self.score_fn, self.run_fn = types, score_fn, run_fn
        self.first = self.end = 0
        self.opened: list[np.ndarray] = []
        self.ran: list[np.ndarray | None] = []

    def row(self, i: int) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
        """Row i's scores per bead type (opened, and ran: the run function's, for the skips)."""
        if i >= self.end:
            self._fill(i, min(i + self.rows, len(self.lo)))
        k = i - self.first
        return [t[k] for t in self.opened], [None if t is None else t[k] for t in self.ran]

    def _fill(self, first: int, end: int) -> None:
        lo = self.lo
        rows = np.arange(first, end)
        self.first, self.end, self.opened, self.ran = first, end, [], []
        for a, b in self.types:
            p0, p1 = _reach(lo, self.hi, rows, np.maximum(rows - a, 0), b)
            counts = np.where(rows >= a, np.maximum(p1 - p0, 0), 0)
            i_end = np.repeat(rows, counts)
            pos = np.repeat(p0 - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            j_end = lo[i_end] + pos
            opened = np.full((end - first, self.width), NEG)
            ran = None
            if len(i_end):
                opened[i_end - first, pos] = self.score_fn(a, b, i_end, j_end)
            if a + b == 1:
                ran = opened
                if self.run_fn is not None:
                    ran = np.full((end - first, self.width), NEG)
                    if len(i_end):
                        ran[i_end - first, pos] = self.run_fn(a, b, i_end, j_end)
            self.opened.append(opened)
            self.ran.append(ran)


FROM_F = -2  # back_g: the bead into this cell was a source skip (state F)
START = -3   # back_g: the path starts at this cell, the segments before it left out


def _edge_sums(fn, n: int, m: int, before: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per position, the total score of leaving out every segment before it (or from it on), per side."""
    if fn is None:
        return np.zeros(n + 1), np.zeros(m + 1)
    s = fn(1, 0, np.arange(1, n + 1), np.zeros(n, dtype=np.int64)) if n else np.zeros(0)
    t = fn(0, 1, np.zeros(m, dtype=np.int64), np.arange(1, m + 1)) if m else np.zeros(0)
    if before:
        return np.concatenate([[0.0], np.cumsum(s)]), np.concatenate([[0.0], np.cumsum(t)])
    return np.concatenate([np.cumsum(s[::-1])[::-1], [0.0]]), np.concatenate([np.cumsum(t[::-1])[::-1], [0.0]])


def _edge_beads(fn, i0: int, i1: int, j0: int, j1: int) -> list[tuple[int, int, int, int, float]]:
    """Skips of src[i0:i1], then of tgt[j0:j1], each scored by `fn` (the segments outside the path)."""
    out = [(i, i + 1, j0, j0, float(fn(1, 0, np.array([i + 1]), np.array([j0]))[0])) for i in range(i0, i1)]
    return out + [(i1, i1, j, j + 1, float(fn(0, 1, np.array([i1]), np.array([j + 1]))[0])) for j in range(j0, j1)]


def _target_skips(best: np.ndarray, opened: np.ndarray, ran: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Paths ending in a 0-1 bead along one row: e[p] = max(e[p-1] + ran[p], best[p-1] + opened[p]).

    Unrolled, e[p] = S[p] + max over q <= p of (best[q-1] + opened[q] - S[q]) with S the cumulative
    run scores, a running maximum. Returns e and whether each e[p] continues a run.
    """
    start = np.full(len(best), NEG)
    start[1:] = best[:-1] + opened[1:]
    run = np.concatenate([[0.0], ran[1:]])
    S = np.cumsum(run)
    e = np.maximum.accumulate(start - S) + S
    continues = np.zeros(len(best), dtype=bool)
    continues[1:] = e[1:] > start[1:] + 1e-12
    return e, continues


# --- first pass --------------------------------------------------------------------------

def first_pass(scorer: Scorer, cfg: AlignConfig) -> tuple[list[tuple[int, int]], Band]:
    """A monotone 1-1/skip path of grid points, and the band it was searched in."""
    n, m = scorer.n_src, scorer.n_tgt
    if (n + 1) * (m + 1) <= cfg.direct_cells or min(n, m) < cfg.min_coarse:
        band = full_band(n, m)
    else:
        factor = int(np.ceil(np.sqrt((n + 1) * (m + 1) / cfg.direct_cells))) * 2
        cs = scorer.coarse(factor)
        cpath, _ = first_pass(cs, cfg)
        path = [(min(n, ci * factor), min(m, cj * factor)) for ci, cj in cpath]
        band = band_around(_densify(path), n, m, cfg.coarse_radius * factor)
    def score_fn(a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0:
            return np.full(len(i_end), cfg.first_skip)
        # one call per band row: a scorer may compute a large call otherwise (VectorScorer: by BLAS,
        # different in the last bits), and the path should not depend on how band_dp blocks its rows
        rows = np.flatnonzero(np.diff(i_end)) + 1
        return np.concatenate([scorer.pair_sims(i - 1, j - 1)
                               for i, j in zip(np.split(i_end, rows), np.split(j_end, rows))])
    beads = band_dp(n, m, band, [(1, 0), (0, 1), (1, 1)], score_fn)
    path = [(0, 0)] + [(i1, j1) for _, i1, _, j1, _ in beads]
    return path, band


def _densify(path: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fill the gaps between coarse path points with straight lines."""
    out = [path[0]]
    for (i0, j0), (i1, j1) in zip(path, path[1:]):
        steps = max(abs(i1 - i0), abs(j1 - j0), 1)
        for s in range(1, steps + 1):
            out.append((i0 + (i1 - i0) * s // steps, j0 + (j1 - j0) * s // steps))
    return out


# --- the second pass ---------------------------------------------------------------------

def search(scorer: Scorer, cfg: AlignConfig, band: Band, n: int, m: int, apart: Sequence[Bead] = (),
           i0: int = 0, j0: int = 0) -> list[Bead]:
    """The monotone search of the second pass over src[i0:i0+n] x tgt[j0:j0+m] (`band` in those
    coordinates); segments of `apart` are passed over, in no bead."""
    score_fn = scorer.bead_scores
    run_fn = scorer.skip_run_scores if cfg.run_skips else None
    edge_fn = scorer.outside_scores if cfg.end_skips else None
    lead_fn = edge_fn if (i0, j0) == (0, 0) else None
    tail_fn = edge_fn if (i0 + n, j0 + m) == (scorer.n_src, scorer.n_tgt) else None
    if apart or i0 or j0:
        out_s = np.zeros(scorer.n_src + 1, dtype=np.int64)
        out_t = np.zeros(scorer.n_tgt + 1, dtype=np.int64)
        for b in apart:
            out_s[list(b.src)], out_t[list(b.tgt)] = 1, 1
        cum_s, cum_t = np.concatenate([[0], np.cumsum(out_s)]), np.concatenate([[0], np.cumsum(out_t)])

        def score_fn(a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
            i_end, j_end = i_end + i0, j_end + j0
            held = (cum_s[i_end] - cum_s[i_end - a]) + (cum_t[j_end] - cum_t[j_end - b])
            out = np.where(held > 0, 0.0 if a + b == 1 else NEG, scorer.bead_scores(a, b, i_end, j_end))
            if a + b > 1 and scorer.set_score is not None:
                # a bead may close up over a segment set apart (the text around a moved caption)
                at, sets = [], []
                for k in np.flatnonzero(held):
                    src = tuple(i for i in range(i_end[k] - a, i_end[k]) if not out_s[i])
                    tgt = tuple(j for j in range(j_end[k] - b, j_end[k]) if not out_t[j])
                    if src and tgt:
                        at.append(k)
                        sets.append((src, tgt))
                out[at] = _set_scores(scorer, sets)
            return out

        def in_box(skip_fn):
            """A skip score function in the box's coordinates; a segment set apart costs nothing."""
            if skip_fn is None:
                return None

            def boxed(a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
                i_end, j_end = i_end + i0, j_end + j0
                held = out_s[i_end - 1] if a else out_t[j_end - 1]
                return np.where(held > 0, 0.0, skip_fn(a, b, i_end, j_end))
            return boxed
        run_fn, lead_fn, tail_fn = in_box(run_fn), in_box(lead_fn), in_box(tail_fn)
    taken_s = {i for b in apart for i in b.src}
    taken_t = {j for b in apart for j in b.tgt}
    beads = [Bead(tuple(i for i in range(i0 + a0, i0 + a1) if i not in taken_s),
                  tuple(j for j in range(j0 + b0, j0 + b1) if j not in taken_t), score)
             for a0, a1, b0, b1, score in band_dp(n, m, band, bead_types(cfg), score_fn, run_fn, lead_fn, tail_fn)]
    return [b for b in beads if b.src or b.tgt]


def _set_scores(scorer: Scorer, sets: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> np.ndarray:
    """The scorer's set_score of each bead: one set_scores call per shape where the scorer has it."""
    if scorer.set_scores is None:
        return np.array([scorer.set_score(src, tgt) for src, tgt in sets], dtype=float)
    out = np.empty(len(sets))
    shapes: dict[tuple[int, int], list[int]] = {}
    for k, (src, tgt) in enumerate(sets):
        shapes.setdefault((len(src), len(tgt)), []).append(k)
    for ks in shapes.values():
        out[ks] = scorer.set_scores(np.array([sets[k][0] for k in ks], dtype=np.int64),
                                    np.array([sets[k][1] for k in ks], dtype=np.int64))
    return out

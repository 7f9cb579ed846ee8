"""The aligner: two sequences and a scorer in, beads out. Pure: no model, no I/O.

Two passes, both dynamic programming, both inside a band so cost grows with length:
1. a 1-1/skip path over single-segment similarities (on block averages first when the
   documents are long, Vecalign-style, so no full n x m matrix is ever made);
2. a band of `radius` segments around that path, searched with every bead type up to
   `max_merge` segments a side, each scored by the scorer.
Then adjacent 1-1 beads whose crossed pairing scores clearly better are swapped (the
date/meeting lines at the end of a UN resolution are in opposite orders in zh and en). With a
scorer that can score beads of any ids (`set_score`), two more repairs follow: segments that
translate each other but were glued into two different beads (a caption the layout put
elsewhere in each language) are paired out of order and the rest searched again, a run the
layout put inside a sentence is taken out of the sentence's bead (`punch_holes`), and the rest
of such a sentence, left unaligned, rejoins the bead it began in (`rejoin_fragments`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from .band import Band
from .model import Bead

log = logging.getLogger(__name__)

NEG = -1e9


class Scorer(Protocol):
    """What the aligner needs to know about two sequences."""

    n_src: int
    n_tgt: int

    def pair_sims(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Similarity of single segments src[i[k]] and tgt[j[k]] (first pass)."""

    def coarse(self, factor: int) -> "Scorer":
        """A scorer over blocks of `factor` consecutive segments (for long documents)."""

    def fit(self, i: np.ndarray, j: np.ndarray, sims: np.ndarray, path: list[tuple[int, int]]) -> None:
        """Learn document-level statistics (neighbour margins, length ratio) from the first pass."""

    def bead_scores(self, a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        """Score of beads src[i_end-a:i_end] x tgt[j_end-b:j_end]; a or b may be 0 (a skip)."""


@dataclass(frozen=True)
class AlignConfig:
    max_merge: int = 5          # segments a side in one bead (literary translators join up to 5-6 sentences)
    max_total: int = 6          # a + b at most (1-5, 2-4, 3-3 … but not 4-4 unless raised)
    radius: int = 16            # band half-width of the second pass, in segments
    direct_cells: int = 2_000_000  # first pass without coarsening up to this many cells
    coarse_radius: int = 3      # band half-width (in blocks) when refining a coarse path
    swap_margin: float = 0.05   # crossed pairing must beat the straight one by this much
    hole_margin: float = 0.0    # a bead without an inner run of segments must beat the whole bead by this much
                                # (and a bead with a line rejoined must beat it left out by this much)
    cross_margin: float | None = 0.4  # a displaced pair taken out of two beads must gain this much (None: never)
    cross_run: int = 2          # segments a side in such a pair


def bead_types(cfg: AlignConfig) -> list[tuple[int, int]]:
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

def band_dp(n: int, m: int, band: Band, types: list[tuple[int, int]],
            score_fn, run_fn=None, lead_fn=None, tail_fn=None) -> list[tuple[int, int, int, int, float]]:
    """Best monotone path of beads from (0,0) to (n,m) staying inside `band`.

    `score_fn(a, b, i_end, j_end)` gives the (vectorised) scores of beads of type (a, b).
    `run_fn(a, b, i_end, j_end)`, for the skips (1, 0) and (0, 1), scores a skip that follows a
    skip on the same side, as gaps open and extend in sequence alignment (Gotoh): untranslated
    text comes in blocks (an advertisement, a caption), and a block's inner lines are not bead
    boundaries. Without it a skip scores the same anywhere.
    `lead_fn` and `tail_fn` (same signature) score the skips of one side before the first bead and
    after the last, as end gaps in semi-global alignment: one document may carry a cover line, a
    translator's credit or a closing passage the other lacks. Without them those are ordinary skips.
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
    run_fn = run_fn or score_fn
    lead_s, lead_t = _edge_sums(lead_fn, n, m, before=True)
    tail_s, tail_t = _edge_sums(tail_fn, n, m, before=False)
    for i in range(n + 1):
        js = np.arange(lo[i], hi[i])
        w = len(js)
        if w == 0:
            continue
        best, arg = G[i, :w].copy(), back_g[i, :w].copy()
        if lead_fn is not None and (i == 0 or js[0] == 0):  # the path may start here, one side's beginning left out
            start = lead_t[js] if i == 0 else np.where(js == 0, lead_s[i], NEG)
            arg[start > best] = START
            best = np.maximum(best, start)
        for t, (a, b) in enumerate(types):
            r = i - a
            if (a, b) == (0, 1) or r < 0:
                continue
            pj = js - b
            k = pj - lo[r]
            ok = (pj >= 0) & (k >= 0) & (k < hi[r] - lo[r])
            ok[ok] &= H[r, k[ok]] > NEG / 2
            if not ok.any():
                continue
            opened = H[r, k[ok]] + score_fn(a, b, np.full(ok.sum(), i), js[ok])
            if (a, b) == (1, 0):
                ran = F[r, k[ok]] + run_fn(1, 0, np.full(ok.sum(), i), js[ok])
                f_run[i, :w][ok] = ran > opened
                F[i, :w][ok] = np.maximum(ran, opened)
                cand = np.full(w, NEG)
                cand[ok] = F[i, :w][ok]
                t = FROM_F
            else:
                cand = np.full(w, NEG)
                cand[ok] = opened
            better = cand > best
            best[better] = cand[better]
            arg[better] = t
        G[i, :w], back_g[i, :w] = best, arg
        if (0, 1) in types and w > 1:
            e, runs = _target_skips(best, score_fn(0, 1, np.full(w, i), js), run_fn(0, 1, np.full(w, i), js))
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

def first_pass(scorer: Scorer, cfg: AlignConfig, skip: float = -0.1) -> tuple[list[tuple[int, int]], Band]:
    """A monotone 1-1/skip path of grid points, and the band it was searched in."""
    n, m = scorer.n_src, scorer.n_tgt
    if (n + 1) * (m + 1) <= cfg.direct_cells or min(n, m) < 8:
        band = full_band(n, m)
    else:
        factor = int(np.ceil(np.sqrt((n + 1) * (m + 1) / cfg.direct_cells))) * 2
        cs = scorer.coarse(factor)
        cpath, _ = first_pass(cs, cfg, skip)
        path = [(min(n, ci * factor), min(m, cj * factor)) for ci, cj in cpath]
        band = band_around(_densify(path), n, m, cfg.coarse_radius * factor)
    def score_fn(a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0:
            return np.full(len(i_end), skip)
        return scorer.pair_sims(i_end - 1, j_end - 1)
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


# --- the aligner --------------------------------------------------------------------------

def align(scorer: Scorer, cfg: AlignConfig = AlignConfig(),
          fragments: tuple[Sequence[bool], Sequence[bool]] | None = None) -> list[Bead]:
    """Beads covering every segment of both sides once, in document order (up to swaps, displaced
    pairs and gaps).

    `fragments` (per side, per segment: it starts mid-sentence) lets `punch_holes` take an
    insertion out of a sentence's bead and `rejoin_fragments` put a sentence's unaligned rest back
    into the bead it began in; without it beads have no gaps.
    """
    n, m = scorer.n_src, scorer.n_tgt
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    path, band1 = first_pass(scorer, cfg)
    fi, fj = band1.cells()
    keep = (fi < n) & (fj < m)
    fi, fj = fi[keep], fj[keep]
    scorer.fit(fi, fj, scorer.pair_sims(fi, fj), path)
    band2 = band_around(path, n, m, cfg.radius)
    prepare = getattr(scorer, "prepare", None)  # optional: precompute what the band's beads need
    if prepare is not None:
        prepare(band2)
    beads = _search(scorer, cfg, band2, n, m)
    set_score = getattr(scorer, "set_score", None)  # optional: scores of beads with gaps
    if set_score is None:
        return beads
    if cfg.cross_margin is not None:
        displaced = displaced_pairs(beads, scorer, set_score, band2, cfg)
        if displaced:
            beads = insert_by_source(search_again_around(beads, scorer, cfg, displaced), displaced)
    if fragments is None:
        return beads
    beads = punch_holes(beads, scorer, set_score, fragments, cfg.hole_margin)
    return rejoin_fragments(beads, scorer, set_score, fragments, cfg.hole_margin)


def _search(scorer: Scorer, cfg: AlignConfig, band: Band, n: int, m: int, apart: Sequence[Bead] = (),
            i0: int = 0, j0: int = 0) -> list[Bead]:
    """The monotone search of the second pass over src[i0:i0+n] x tgt[j0:j0+m] (`band` in those
    coordinates); segments of `apart` are passed over, in no bead."""
    score_fn = scorer.bead_scores
    run_fn = getattr(scorer, "skip_run_scores", None)  # optional: skips continuing a run of skips
    edge_fn = getattr(scorer, "outside_scores", None)  # optional: skips before the first bead or after the last
    lead_fn = edge_fn if (i0, j0) == (0, 0) else None
    tail_fn = edge_fn if (i0 + n, j0 + m) == (scorer.n_src, scorer.n_tgt) else None
    if apart or i0 or j0:
        out_s = np.zeros(scorer.n_src + 1, dtype=np.int64)
        out_t = np.zeros(scorer.n_tgt + 1, dtype=np.int64)
        for b in apart:
            out_s[list(b.src)], out_t[list(b.tgt)] = 1, 1
        cum_s, cum_t = np.concatenate([[0], np.cumsum(out_s)]), np.concatenate([[0], np.cumsum(out_t)])

        set_score = getattr(scorer, "set_score", None)

        def score_fn(a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
            i_end, j_end = i_end + i0, j_end + j0
            held = (cum_s[i_end] - cum_s[i_end - a]) + (cum_t[j_end] - cum_t[j_end - b])
            out = np.where(held > 0, 0.0 if a + b == 1 else NEG, scorer.bead_scores(a, b, i_end, j_end))
            if a + b > 1 and set_score is not None:
                # a bead may close up over a segment set apart (the text around a moved caption)
                for k in np.flatnonzero(held):
                    src = tuple(i for i in range(i_end[k] - a, i_end[k]) if not out_s[i])
                    tgt = tuple(j for j in range(j_end[k] - b, j_end[k]) if not out_t[j])
                    if src and tgt:
                        out[k] = set_score(src, tgt)
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
    beads = [b for b in beads if b.src or b.tgt]
    return swap_crossed(beads, scorer, cfg.swap_margin)


def search_again_around(beads: list[Bead], scorer: Scorer, cfg: AlignConfig, apart: list[Bead],
                        context: int = 3) -> list[Bead]:
    """Beads with the segments of `apart` passed over: each stretch of beads that lost one is
    searched again with `context` beads on each side (its neighbours may now divide differently),
    the rest kept as it is, so the cost stays that of a few beads."""
    taken_s = {i for b in apart for i in b.src}
    taken_t = {j for b in apart for j in b.tgt}
    corner = [(0, 0)]  # the grid point before each bead, and after the last
    for b in beads:
        corner.append((corner[-1][0] + len(b.src), corner[-1][1] + len(b.tgt)))

    def clean_cut(k: int) -> bool:  # every bead before k lies before corner k (a swapped pair is not cut)
        return 0 == k or k == len(beads) or all(max(b.src, default=-1) < corner[k][0] and
                                               max(b.tgt, default=-1) < corner[k][1] for b in beads[max(0, k - 2):k])
    spans: list[list[int]] = []
    for k, b in enumerate(beads):
        if taken_s & set(b.src) or taken_t & set(b.tgt):
            lo, hi = max(0, k - context), min(len(beads), k + context + 1)
            while not clean_cut(lo):
                lo -= 1
            while not clean_cut(hi):
                hi += 1
            if spans and lo <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], hi)
            else:
                spans.append([lo, hi])
    out: list[Bead] = []
    done = 0
    for lo, hi in spans:
        (i0, j0), (i1, j1) = corner[lo], corner[hi]
        out += beads[done:lo] + _search(scorer, cfg, full_band(i1 - i0, j1 - j0), i1 - i0, j1 - j0, apart, i0, j0)
        done = hi
    return out + beads[done:]


def displaced_pairs(beads: list[Bead], scorer: Scorer, set_score, band: Band, cfg: AlignConfig) -> list[Bead]:
    """Segments that translate each other but sit in two different beads: a block moved by the layout.

    A scanned page or a PDF puts a caption or a box at another place in each language, so a
    monotone search glues its lines to whatever surrounds them. Candidates are mutual best
    matches inside the second pass's band; a pair (grown, while that helps, by a neighbour from
    the same bead on one side or on both, up to `cfg.cross_run` segments a side) is taken out
    when the beads it leaves and the moved segments (one bead, or pairs in order: a block of
    lines moved together) score `cfg.cross_margin` more than the two beads it was in.
    """
    bi, bj = band.cells()
    inside = (bi < scorer.n_src) & (bj < scorer.n_tgt)
    bi, bj = bi[inside], bj[inside]
    sims = scorer.pair_sims(bi, bj)
    best_t, top = _best_by(bi, bj, sims, scorer.n_src)
    best_s, _ = _best_by(bj, bi, sims, scorer.n_tgt)
    mutual = [i for i in range(scorer.n_src) if best_t[i] >= 0 and best_s[best_t[i]] == i]
    cur = [(set(b.src), set(b.tgt)) for b in beads]
    where = ({i: k for k, b in enumerate(beads) for i in b.src}, {j: k for k, b in enumerate(beads) for j in b.tgt})

    def value(src: set[int], tgt: set[int]) -> float:
        """A bead's score, or the skip costs of its segments when one side is empty."""
        if src and tgt:
            return set_score(tuple(sorted(src)), tuple(sorted(tgt)))
        return sum(_skip(scorer, 0, i) for i in src) + sum(_skip(scorer, 1, j) for j in tgt)

    def moved(xs: set[int], ys: set[int]) -> list[Bead]:
        """The moved segments as one bead, or as pairs in order when that scores better (a block of lines)."""
        one = [Bead(tuple(sorted(xs)), tuple(sorted(ys)), value(xs, ys))]
        if len(xs) != len(ys) or len(xs) < 2:
            return one
        pairs = [Bead((a,), (b,), value({a}, {b})) for a, b in zip(sorted(xs), sorted(ys))]
        return pairs if sum(b.score for b in pairs) > one[0].score else one

    def gain(k1: int, k2: int, xs: set[int], ys: set[int]) -> float:
        (s1, t1), (s2, t2) = cur[k1], cur[k2]
        return (value(s1 - xs, t1) + value(s2, t2 - ys) + sum(b.score for b in moved(xs, ys))
                - value(s1, t1) - value(s2, t2))

    out: list[Bead] = []
    for i in sorted(mutual, key=lambda i: -top[i]):
        j = int(best_t[i])
        k1, k2 = where[0][i], where[1][j]
        if k1 == k2 or i not in cur[k1][0] or j not in cur[k2][1]:
            continue
        xs, ys = {i}, {j}
        g = gain(k1, k2, xs, ys)
        grown = True
        while grown:
            grown = False
            for trial in _grown(xs, ys, cur[k1][0], cur[k2][1], cfg.cross_run, best_t, best_s):
                tg = gain(k1, k2, *trial)
                if tg > g:
                    (xs, ys), g, grown = trial, tg, True
                    break
        if g > cfg.cross_margin:
            cur[k1][0].difference_update(xs)
            cur[k2][1].difference_update(ys)
            out += moved(xs, ys)
    return out


def _grown(xs: set[int], ys: set[int], src: set[int], tgt: set[int], most: int,
           best_t: np.ndarray, best_s: np.ndarray) -> list[tuple[set[int], set[int]]]:
    """Runs xs, ys grown by a neighbour on one side, or on both when the two neighbours are each
    other's best match too (the next pair of a moved block); neighbours are taken from the beads'
    segments `src`, `tgt`, each run at most `most` long and each bead keeping one."""
    def steps(run: set[int], pool: set[int]) -> list[int]:
        return [nb for nb in (min(run) - 1, max(run) + 1)
                if len(run) < most and nb in pool and len(pool) > len(run) + 1]
    sx, sy = steps(xs, src), steps(ys, tgt)
    both = [(xs | {a}, ys | {b}) for a in sx for b in sy
            if (a > max(xs)) == (b > max(ys)) and best_t[a] == b and best_s[b] == a]
    return [(xs | {a}, ys) for a in sx] + [(xs, ys | {b}) for b in sy] + both


def _best_by(idx: np.ndarray, other: np.ndarray, vals: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each index value, the `other` of its largest `vals` (-1 where it has none) and that value."""
    best, top = np.full(n, -1, dtype=np.int64), np.full(n, -np.inf)
    order = np.lexsort((vals, idx))  # by index, then value ascending: the last of each index is its best
    last = np.flatnonzero(np.append(np.diff(idx[order]) != 0, True))
    best[idx[order][last]], top[idx[order][last]] = other[order][last], vals[order][last]
    return best, top


def insert_by_source(beads: list[Bead], extra: list[Bead]) -> list[Bead]:
    """Put each bead of `extra` after the last bead whose first source id precedes its own."""
    out = list(beads)
    for eb in sorted(extra, key=lambda b: b.src[0]):
        pos = 0
        for k, b in enumerate(out):
            if b.src and b.src[0] < eb.src[0]:
                pos = k + 1
        out.insert(pos, eb)
    return out


def punch_holes(beads: list[Bead], scorer: Scorer, set_score, fragments: tuple[Sequence[bool], Sequence[bool]],
                margin: float) -> list[Bead]:
    """Take an inner run of segments out of a bead, unaligned, where the bead scores clearly better without it.

    In text extracted from a PDF a caption, a running head or a stray mark lands inside a
    sentence: "... durch | Rechts der Dom. | äussere Faktoren ...". A monotone search can only
    glue it into the sentence's bead; the bead with a gap is what the translation says.
    A gap may only end before a segment that starts mid-sentence (`fragments`).
    """
    out: list[Bead] = []
    for b in beads:
        sides = (b.src, b.tgt)
        if not (b.src and b.tgt) or max(len(b.src), len(b.tgt)) < 3:
            out.append(b)
            continue
        best, choice = set_score(b.src, b.tgt) + margin, None
        for side, ids in enumerate(sides):
            other_start = sides[1 - side][0]
            for p in range(1, len(ids) - 1):
                for q in range(p + 1, len(ids)):
                    if not fragments[side][ids[q]]:
                        continue
                    kept = ids[:p] + ids[q:]
                    total = (set_score(kept, b.tgt) if side == 0 else set_score(b.src, kept)) + sum(
                        _skip(scorer, side, k, other_start) for k in ids[p:q])
                    if total > best:
                        best, choice = total, (side, p, q)
        if choice is None:
            out.append(b)
            continue
        side, p, q = choice
        ids = sides[side]
        kept = ids[:p] + ids[q:]
        src, tgt = (kept, b.tgt) if side == 0 else (b.src, kept)
        out.append(Bead(src, tgt, set_score(src, tgt)))
        out += [Bead((k,), (), _skip(scorer, 0, k, b.tgt[0])) if side == 0
                else Bead((), (k,), _skip(scorer, 1, k, b.src[0])) for k in ids[p:q]]
    return out


def rejoin_fragments(beads: list[Bead], scorer: Scorer, set_score, fragments: tuple[Sequence[bool], Sequence[bool]],
                     margin: float) -> list[Bead]:
    """Put an unaligned segment that starts mid-sentence back into the bead its sentence began in.

    The other case of a caption inside a sentence ("… durch | Rechts der Dom. | äussere
    Faktoren …"): when the search left the caption and the sentence's rest both unaligned, the
    rest joins the nearest bead before it across the unaligned lines between, where that bead
    then scores better by more than `margin` than the rest costs left out.
    """
    out = list(beads)
    both = [k for k, b in enumerate(out) if b.src and b.tgt]
    if not both:
        return out
    first, last = both[0], both[-1]
    for side in (0, 1):
        k, prev = 0, None  # prev: the last bead with both sides before k, only unaligned lines since
        while k < len(out):
            b = out[k]
            ids = (b.src, b.tgt)[side]
            if b.src and b.tgt:
                prev = k
            elif ids and prev is not None and fragments[side][ids[0]] and (out[prev].src, out[prev].tgt)[side][-1] < ids[0]:
                p = out[prev]
                src, tgt = (p.src + ids, p.tgt) if side == 0 else (p.src, p.tgt + ids)
                other = (p.tgt, p.src)[side][0]
                left_out = _skip(scorer, side, ids[0], other, outside=not first <= k <= last)
                joined = set_score(src, tgt)
                if joined > set_score(p.src, p.tgt) + left_out + margin:
                    out[prev] = Bead(src, tgt, joined)
                    del out[k]
                    last -= k < last
                    continue
            k += 1
    return out


def _skip(scorer: Scorer, side: int, k: int, other: int = 0, outside: bool = False) -> float:
    """The score of leaving segment k of `side` (0: source) unaligned, the other side standing at `other`;
    `outside`: before the first bead or after the last, where the scorer may charge less."""
    a, b, i, j = (1, 0, k + 1, other) if side == 0 else (0, 1, other, k + 1)
    edge = getattr(scorer, "outside_scores", None) if outside else None
    return float((edge or scorer.bead_scores)(a, b, np.array([i]), np.array([j]))[0])


def swap_crossed(beads: list[Bead], scorer: Scorer, margin: float) -> list[Bead]:
    """Replace a 2-2 stretch by the crossed 1-1 pairs when those score clearly better."""
    def one(i: int, j: int) -> float:
        return float(scorer.bead_scores(1, 1, np.array([i + 1]), np.array([j + 1]))[0])

    out: list[Bead] = []
    k = 0
    while k < len(beads):
        b = beads[k]
        group = None
        if len(b.src) == 2 and len(b.tgt) == 2:
            group = (b.src, b.tgt, 1)
        elif (k + 1 < len(beads) and len(b.src) == len(b.tgt) == 1
              and len(beads[k + 1].src) == len(beads[k + 1].tgt) == 1):
            group = ((b.src[0], beads[k + 1].src[0]), (b.tgt[0], beads[k + 1].tgt[0]), 2)
        if group:
            (s1, s2), (t1, t2), used = group
            if s2 == s1 + 1 and t2 == t1 + 1:
                straight = one(s1, t1) + one(s2, t2)
                crossed = (one(s1, t2), one(s2, t1))
                current = b.score * 2 if used == 1 else b.score + beads[k + 1].score
                if sum(crossed) > max(straight, current) + margin and min(crossed) > 0:
                    out += [Bead((s1,), (t2,), crossed[0]), Bead((s2,), (t1,), crossed[1])]
                    k += used
                    continue
        out.append(b)
        k += 1
    return out

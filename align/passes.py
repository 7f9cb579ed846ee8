"""Repair passes: what a monotone search cannot express, fixed on its beads.

Each pass is a function `(beads, problem, cfg) -> beads`; `AlignConfig.passes` names the ones
that run and their order, `PASSES` maps the names to the functions. A pass that needs the
scorer's `set_score` (a bead of any ids) or the fragment flags returns the beads as they are
when the scorer has no `set_score` or no flags were given.

- swap: adjacent 1-1 beads whose crossed pairing scores clearly better are swapped (the
  date/meeting lines at the end of a UN resolution are in opposite orders in zh and en);
- displaced: segments that translate each other but were glued into two different beads (a
  caption the layout put elsewhere in each language) are paired out of order, grown into a
  block of pairs where that helps, and the beads around them searched again;
- holes: a run the layout put inside a sentence is taken out of the sentence's bead;
- rejoin: the rest of such a sentence, left unaligned, rejoins the bead it began in.
A new pass lands only when it gains on more than one dev set and on each half of them
(docs/experiments.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .band import Band
from .config import AlignConfig
from .model import Bead
from .search import Scorer, full_band, search


@dataclass(frozen=True)
class Problem:
    """What the passes work on besides the beads: the scorer, the second pass's band (where the
    search looked) and, per side and segment, whether it starts mid-sentence (None: unknown)."""

    scorer: Scorer
    band: Band
    fragments: tuple[Sequence[bool], Sequence[bool]] | None = None


Pass = Callable[[list[Bead], Problem, AlignConfig], list[Bead]]


def displaced(beads: list[Bead], problem: Problem, cfg: AlignConfig) -> list[Bead]:
    """The displaced pass: `displaced_pairs` set apart, the beads around them searched again
    (and swapped when the swap pass is on), the pairs put back in source order."""
    if problem.scorer.set_score is None:
        return beads
    apart = displaced_pairs(beads, problem.scorer, problem.band, cfg)
    if not apart:
        return beads
    return insert_by_source(search_again_around(beads, problem.scorer, cfg, apart), apart)


def search_again_around(beads: list[Bead], scorer: Scorer, cfg: AlignConfig, apart: list[Bead]) -> list[Bead]:
    """Beads with the segments of `apart` passed over: each stretch of beads that lost one is
    searched again with `cfg.research_context` beads on each side (its neighbours may now divide
    differently), the rest kept as it is, so the cost stays that of a few beads."""
    context = cfg.research_context
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
        again = search(scorer, cfg, full_band(i1 - i0, j1 - j0), i1 - i0, j1 - j0, apart, i0, j0)
        out += beads[done:lo] + (swap_crossed(again, scorer, cfg) if "swap" in cfg.passes else again)
        done = hi
    return out + beads[done:]


def displaced_pairs(beads: list[Bead], scorer: Scorer, band: Band, cfg: AlignConfig) -> list[Bead]:
    """Segments that translate each other but sit in two different beads: a block moved by the layout.

    A scanned page or a PDF puts a caption or a box at another place in each language, so a
    monotone search glues its lines to whatever surrounds them. Candidates are mutual best
    matches inside the second pass's band; a pair (grown, while that helps, by a neighbour from
    the same bead on one side or on both, up to `cfg.cross_run` segments a side) is taken out
    when the beads it leaves and the moved segments (one bead, or pairs in order: a block of
    lines moved together) score `cfg.cross_margin` more than the two beads it was in.
    """
    set_score = scorer.set_score
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
        return sum(_skip(scorer, cfg, 0, i) for i in src) + sum(_skip(scorer, cfg, 1, j) for j in tgt)

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


def punch_holes(beads: list[Bead], problem: Problem, cfg: AlignConfig) -> list[Bead]:
    """The holes pass: take an inner run of segments out of a bead, unaligned, where the bead
    scores better by `cfg.hole_margin` without it.

    In text extracted from a PDF a caption, a running head or a stray mark lands inside a
    sentence: "... durch | Rechts der Dom. | äussere Faktoren ...". A monotone search can only
    glue it into the sentence's bead; the bead with a gap is what the translation says.
    A gap may only end before a segment that starts mid-sentence (`problem.fragments`).
    """
    scorer, set_score, fragments, margin = problem.scorer, problem.scorer.set_score, problem.fragments, cfg.hole_margin
    if set_score is None or fragments is None:
        return beads
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
                        _skip(scorer, cfg, side, k, other_start) for k in ids[p:q])
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
        out += [Bead((k,), (), _skip(scorer, cfg, 0, k, b.tgt[0])) if side == 0
                else Bead((), (k,), _skip(scorer, cfg, 1, k, b.src[0])) for k in ids[p:q]]
    return out


def rejoin_fragments(beads: list[Bead], problem: Problem, cfg: AlignConfig) -> list[Bead]:
    """The rejoin pass: put an unaligned segment that starts mid-sentence back into the bead its sentence began in.

    The other case of a caption inside a sentence ("… durch | Rechts der Dom. | äussere
    Faktoren …"): when the search left the caption and the sentence's rest both unaligned, the
    rest joins the nearest bead before it across the unaligned lines between, where that bead
    then scores better by more than `cfg.hole_margin` than the rest costs left out.
    """
    scorer, set_score, fragments, margin = problem.scorer, problem.scorer.set_score, problem.fragments, cfg.hole_margin
    if set_score is None or fragments is None:
        return beads
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
                left_out = _skip(scorer, cfg, side, ids[0], other, outside=not first <= k <= last)
                joined = set_score(src, tgt)
                if joined > set_score(p.src, p.tgt) + left_out + margin:
                    out[prev] = Bead(src, tgt, joined)
                    del out[k]
                    last -= k < last
                    continue
            k += 1
    return out


def _skip(scorer: Scorer, cfg: AlignConfig, side: int, k: int, other: int = 0, outside: bool = False) -> float:
    """The score of leaving segment k of `side` (0: source) unaligned, the other side standing at `other`;
    `outside`: before the first bead or after the last, where the scorer may charge less."""
    a, b, i, j = (1, 0, k + 1, other) if side == 0 else (0, 1, other, k + 1)
    edge = scorer.outside_scores if outside and cfg.end_skips else None
    return float((edge or scorer.bead_scores)(a, b, np.array([i]), np.array([j]))[0])


def swap(beads: list[Bead], problem: Problem, cfg: AlignConfig) -> list[Bead]:
    """The swap pass: `swap_crossed` over all beads."""
    return swap_crossed(beads, problem.scorer, cfg)


def swap_crossed(beads: list[Bead], scorer: Scorer, cfg: AlignConfig) -> list[Bead]:
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
                current = b.score if used == 1 else b.score + beads[k + 1].score  # as the search scored them
                if sum(crossed) > max(straight, current) + cfg.swap_margin and min(crossed) > cfg.swap_floor:
                    out += [Bead((s1,), (t2,), crossed[0]), Bead((s2,), (t1,), crossed[1])]
                    k += used
                    continue
        out.append(b)
        k += 1
    return out


PASSES: dict[str, Pass] = {"swap": swap, "displaced": displaced, "holes": punch_holes, "rejoin": rejoin_fragments}

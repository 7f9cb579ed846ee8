"""Bead scores from several kinds of evidence, combined into one number.

A bead's score is its embedding similarity, corrected by
- a margin: how much better this pair is than each side's usual nearest neighbours, so a
  sentence that resembles everything (a short reply, a heading) does not win by default;
- lexical overlap (numbers, symbols, names, dictionary translations: align/lexicon.py);
- a length-ratio penalty learnt from the document's own confident 1-1 pairs;
- a small cost for each extra segment merged, a check that every merged part relates to the
  other side, and a cost for leaving a segment unaligned, higher for a segment whose best
  match stands out from its neighbours (it has a counterpart) than for one alike to all
  (a caption, a scanning artefact, text left untranslated), and lower still for a segment of
  a letter or two (a page number, a stray mark: little text to lose);
- a cost for a bead boundary inside a sentence broken over two lines, and for one inside a
  quotation on one side only (where the document's quotations correspond at all: in scanned
  text one language's quotation marks may be lost);
- clause coverage: each segment's best match among the other side's clauses inside the bead,
  over its usual best. Summed over segments, it does not favour splitting or merging: it
  rewards the partition that keeps every segment with what it translates, down to a clause
  a translator moved into the next sentence;
- edge agreement: translators keep the order of what they translate, so a bead's first clause
  on one side should match the first segment on the other, and likewise the last ones. Where
  a bead boundary is put one sentence off, the clauses at its edges stop matching.
Scores are shifted, per document, so that its typical 1-1 pair scores at least 0: the
balance against the skip cost then holds whatever the encoder's similarity scale.
Merged beads are scored from length-weighted sums of the single vectors (prefix sums), so
no extra text is embedded to consider them; a bead with gaps (`set_score`, for the aligner's
repairs of captions the layout moved) is scored by the same formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .band import Band


@dataclass(frozen=True)
class ScoreWeights:
    margin: float = 1.0       # weight of the neighbour margin
    k: int = 4                # neighbours in the margin
    lexical: float = 0.4      # weight of lexical cosine
    length: float = 0.005     # per unit of squared z-score of the log length ratio
    merge: float = 0.06       # per extra segment in a bead
    skip: float = -0.15       # score of a 1-0 or 0-1 bead, for a segment of the document's median peak
    peak: float = 0.8         # skips cost this much more per unit of the segment's peak over the median
                              # (peak: best first-pass similarity minus the background)
    content: float = 3.0      # letters (a Han character counts 3) below which a skip costs proportionally less
    part: float = 0.25        # weight of the weakest merged part's own margin (when below zero)
    calibrate: float | None = 0.0  # first-pass 1-1 pairs' median score is raised to at least this (None: off)
    broken: float = 0.3       # cost of a bead boundary inside a sentence (a line that continues the previous one)
    clause: float = 0.6       # weight of clause coverage (when clause vectors are given)
    edge: float = 0.25        # weight of edge agreement (when clause vectors are given)
    quote: float = 0.05       # cost of a bead boundary inside a quotation on one side only
    outside: float = 0.4      # a skip before the first bead or after the last scores this fraction of a skip
    skip_min_cost: float = 0.5  # a skip costs at least this fraction of `skip`'s cost, however low its peak
    length_sigma: float = 0.5   # spread of the log length ratio until learnt (and with too few pairs to learn it)
    length_sigma_min: float = 0.15  # the learnt spread is at least this
    length_pairs: int = 10      # first-pass 1-1 pairs needed to learn the length ratio ...
    length_quantile: float = 0.5  # ... from those whose similarity is above this quantile
    quote_min_inside: int = 5   # pairs inside a quotation needed to judge whether the sides' quotations correspond
    quote_min_phi: float = 0.2  # they correspond when the phi coefficient of the two states is at least this


@dataclass(frozen=True)
class ClauseVectors:
    """Each segment's clause vectors, segment after segment: segment k owns rows
    `start[k]:start[k + 1]` of `vecs`. A segment of one clause has its own vector as its clause.
    """

    vecs: np.ndarray
    start: np.ndarray

    @classmethod
    def build(cls, single: np.ndarray, owners: list[int], clause_vecs: np.ndarray) -> "ClauseVectors":
        """`owners[r]` (ascending) is the segment of clause vector r; segments owning none keep `single`."""
        n = len(single)
        owners_a = np.asarray(owners, dtype=np.int64)
        counts = np.bincount(owners_a, minlength=n) if len(owners_a) else np.zeros(n, dtype=np.int64)
        own = counts > 0
        rows = np.where(own, counts, 1)
        start = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
        vecs = np.zeros((int(start[-1]), single.shape[1] if single.ndim == 2 else 0), dtype=np.float32)
        singles = np.flatnonzero(~own)
        vecs[start[singles]] = single[singles]
        if len(owners_a):
            order = np.argsort(owners_a, kind="stable")
            first = np.concatenate([[0], np.cumsum(counts)])[owners_a[order]]
            vecs[start[owners_a[order]] + np.arange(len(order)) - first] = clause_vecs[order]
        return cls(vecs, start)

    def rows_of(self, segs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The clause rows of segments `segs`, where each segment's run begins and ends (inclusive) in that list."""
        counts = self.start[segs + 1] - self.start[segs]
        ends = np.cumsum(counts).astype(np.int64)
        offsets = ends - counts
        rows = np.repeat(self.start[segs] - offsets, counts) + np.arange(int(counts.sum()))
        return rows, offsets, ends - 1


# Rows of the clause-similarity table (VectorScorer.clause_sims), for a pair (source segment i, target
# segment j): i against j's best clause, j against i's best clause, then the edge clauses' similarities.
BEST_S, BEST_T, FIRST_S, FIRST_T, LAST_S, LAST_T = range(6)
_BY_SOURCE = (BEST_S, FIRST_S, LAST_S)  # rows whose background is the source segment's (over its band row)


_SLICE_BYTES = 1 << 24
"""Bytes of one array of a vector per bead (a side's sum, gathered) that `bead_scores` computes at once."""


_MIN_RUN = 8
"""`_pair_dots` goes run by run when its runs are at least this long on average."""


def _prefix(x: np.ndarray) -> np.ndarray:
    """Prefix sums (row k = sum of rows < k): any span's sum in two lookups. float32 for vectors."""
    dt = np.float64 if x.ndim == 1 else np.float32
    return np.concatenate([np.zeros((1,) + x.shape[1:], dtype=dt), np.cumsum(x, axis=0, dtype=dt)])


def same_dot_products(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shorter rows with the same dot products as the rows of `a` and `b` (exact up to rounding).

    Bead scores only need dot products of span sums, and hashed lexical vectors are wide
    (lexicon.DIM) but mostly empty: unused columns go, and when there are fewer rows than
    columns the rows are replaced by R^T of a QR factorisation (A^T = QR, so A A^T = R^T R).
    The second pass is several times faster on short documents; long ones keep the used columns.
    """
    x = np.vstack([a, b]).astype(np.float64)
    x = x[:, np.flatnonzero(np.any(x != 0, axis=0))]
    if 0 < x.shape[0] < x.shape[1]:
        x = np.linalg.qr(x.T, mode="r").T
    x = np.ascontiguousarray(x, dtype=np.float32)
    return x[: len(a)], x[len(a):]


def _rownorm(x: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("kd,kd->k", x, x))


class VectorScorer:
    """Scores beads from sentence vectors, lexical vectors and lengths of both sides.

    `src_len`/`tgt_len` are lengths in tokens (or characters); they weight merged vectors. The
    rest is optional evidence, by keyword; each piece left out is not used.
    It has every optional capability of the aligner's `Scorer` (skip_run_scores, outside_scores,
    set_score, set_scores).
    """

    def __init__(self, src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray, *,
                 src_lex: np.ndarray | None = None, tgt_lex: np.ndarray | None = None,
                 weights: ScoreWeights = ScoreWeights(), src_cont: np.ndarray | None = None,
                 tgt_cont: np.ndarray | None = None, src_clauses: ClauseVectors | None = None,
                 tgt_clauses: ClauseVectors | None = None, src_quoted: np.ndarray | None = None,
                 tgt_quoted: np.ndarray | None = None, src_letters: np.ndarray | None = None,
                 tgt_letters: np.ndarray | None = None) -> None:
        self.n_src, self.n_tgt = len(src_vecs), len(tgt_vecs)
        # letters[k]: how much text segment k holds (segment.content_letters); None: enough in every segment
        self.s_letters = np.full(self.n_src, np.inf) if src_letters is None else np.asarray(src_letters, float)
        self.t_letters = np.full(self.n_tgt, np.inf) if tgt_letters is None else np.asarray(tgt_letters, float)
        # cont[k]: segment k continues segment k - 1 (a bead should not start there); one spare row
        self.s_cont = np.zeros(self.n_src + 1, bool) if src_cont is None else np.append(np.asarray(src_cont, bool), False)
        self.t_cont = np.zeros(self.n_tgt + 1, bool) if tgt_cont is None else np.append(np.asarray(tgt_cont, bool), False)
        # quoted[k]: segment k ends inside a quotation (segment.quote_states)
        self.s_quoted = np.zeros(self.n_src, bool) if src_quoted is None else np.asarray(src_quoted, bool)
        self.t_quoted = np.zeros(self.n_tgt, bool) if tgt_quoted is None else np.asarray(tgt_quoted, bool)
        self.quote_cost = 0.0
        self.sv, self.tv = src_vecs.astype(np.float32), tgt_vecs.astype(np.float32)
        self.sl = np.maximum(np.asarray(src_len, dtype=np.float64), 1.0)
        self.tl = np.maximum(np.asarray(tgt_len, dtype=np.float64), 1.0)
        self.w = weights
        if src_lex is not None and tgt_lex is not None:
            src_lex, tgt_lex = same_dot_products(src_lex, tgt_lex)
        self.s_lex, self.t_lex = src_lex, tgt_lex
        widest = max(self.sv.shape[1], 0 if src_lex is None else src_lex.shape[1], 1)
        self._slice = max(256, _SLICE_BYTES // (4 * widest))  # beads scored at once (see bead_scores)
        self._P_sv = _prefix(self.sv * self.sl[:, None])
        self._P_tv = _prefix(self.tv * self.tl[:, None])
        self._P_sl, self._P_tl = _prefix(self.sl), _prefix(self.tl)
        self._P_slex = _prefix(src_lex) if src_lex is not None else None
        self._P_tlex = _prefix(tgt_lex) if tgt_lex is not None else None
        self._set_background(np.zeros(self.n_src), np.zeros(self.n_tgt))
        self.skip_src, self.skip_tgt = np.full(self.n_src, weights.skip), np.full(self.n_tgt, weights.skip)
        use_clauses = src_clauses is not None and tgt_clauses is not None and weights.clause != 0
        self.s_cl, self.t_cl = (src_clauses, tgt_clauses) if use_clauses else (None, None)
        self._cl_bg = np.zeros((6, max(self.n_src, self.n_tgt)))
        self._cl_keys = np.zeros(0, dtype=np.int64)
        self._cl_sims = np.zeros((6, 0), dtype=np.float32)
        self.len_mu, self.len_sigma = float(np.log(self.tl.sum() / self.sl.sum())), weights.length_sigma
        self.offset = 0.0

    @staticmethod
    def _weakest_part(I: np.ndarray, o_t: tuple[np.ndarray, np.ndarray] | None, sv: np.ndarray, bg_s: np.ndarray,
                      J: np.ndarray, o_s: tuple[np.ndarray, np.ndarray] | None, tv: np.ndarray,
                      bg_t: np.ndarray) -> np.ndarray:
        """Margin of the least related segment of a merged side against the whole other side.

        `o_t` (needed when a source side is merged) is (the distinct target sides' vector sums
        normalised, which one each bead has); `o_s` likewise. A sentence with no counterpart glued
        to a real pair barely moves the merged vector; on its own it is plainly unrelated, and that
        is what keeps insertions out of beads.
        """
        worst = np.full(len(I), np.inf)
        for segs, other, vecs, bg in ((I, o_t, sv, bg_s), (J, o_s, tv, bg_t)):
            if segs.shape[1] < 2 or other is None:
                continue
            o, of = other
            for idx in segs.T:  # along a band row, one segment against consecutive other sides, or the reverse
                dots = _pair_dots(vecs, idx, o, of) if segs is I else _pair_dots(o, of, vecs, idx)
                worst = np.minimum(worst, dots - bg[idx])
        return worst

    def _set_background(self, bg_src: np.ndarray, bg_tgt: np.ndarray) -> None:
        self.bg_src, self.bg_tgt = bg_src, bg_tgt
        self._P_bgs, self._P_bgt = _prefix(bg_src * self.sl), _prefix(bg_tgt * self.tl)

    # -- first pass -------------------------------------------------------------------
    def pair_sims(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        i, j = np.asarray(i), np.asarray(j)
        if len(i) < 4 * max(self.n_src, 1):
            return np.einsum("kd,kd->k", self.sv[i], self.tv[j])
        # many cells (a band): one matrix-vector product per source row instead of gathering rows
        out = np.empty(len(i), dtype=np.float32)
        order = np.argsort(i, kind="stable")
        bounds = np.searchsorted(i[order], np.arange(self.n_src + 1))
        for r in range(self.n_src):
            sel = order[bounds[r]:bounds[r + 1]]
            if len(sel):
                out[sel] = self.tv[j[sel]] @ self.sv[r]
        return out

    def coarse(self, factor: int) -> "VectorScorer":
        def blocks(v: np.ndarray, ln: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            n = int(np.ceil(len(v) / factor))
            idx = np.arange(len(v)) // factor
            out = np.zeros((n, v.shape[1]))
            np.add.at(out, idx, v * ln[:, None])
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
            lens = np.bincount(idx, weights=ln, minlength=n)
            return out.astype(np.float32), lens
        sv, sl = blocks(self.sv, self.sl)
        tv, tl = blocks(self.tv, self.tl)
        return VectorScorer(sv, tv, sl, tl, weights=self.w)

    def fit(self, i: np.ndarray, j: np.ndarray, sims: np.ndarray, path: list[tuple[int, int]]) -> None:
        """Neighbour margins from the first-pass band; the length ratio from its confident 1-1 steps."""
        (bg_s, best_s), (bg_t, best_t) = _top_k(i, sims, self.n_src, self.w.k), _top_k(j, sims, self.n_tgt, self.w.k)
        self._set_background(bg_s, bg_t)
        self._fit_skips(best_s - bg_s, best_t - bg_t)
        if self.s_cl is not None:
            sims = self.clause_sims(i, j)
            for r in range(6):
                idx, n = (i, self.n_src) if r in _BY_SOURCE else (j, self.n_tgt)
                self._cl_bg[r, :n] = _topk_mean(idx, sims[r], n, self.w.k)
            self._set_clause_table(i, j, sims)
        # the segments the first pass paired 1-1 (its steps of one segment a side)
        ones = np.array([(a1 - 1, b1 - 1) for (a0, b0), (a1, b1) in zip(path, path[1:])
                         if a1 - a0 == 1 and b1 - b0 == 1], dtype=np.int64).reshape(-1, 2)
        si, ti = ones[:, 0], ones[:, 1]
        self._fit_length(si, ti)
        corresponding = quotations_correspond(self.s_quoted[si], self.t_quoted[ti], self.w.quote_min_inside,
                                              self.w.quote_min_phi)
        self.quote_cost = self.w.quote if corresponding else 0.0
        if self.w.calibrate is not None and len(ones):
            # Keep the document's typical pair on the same side of the skip cost whatever the
            # encoder's similarity scale: without this a stricter margin can make skipping win everywhere.
            typical = float(np.median(self.bead_scores(1, 1, si + 1, ti + 1)))
            gap = self.w.calibrate - typical
            self.offset = max(gap, 0.0)

    def _fit_skips(self, peak_src: np.ndarray, peak_tgt: np.ndarray) -> None:
        """Per-segment skip scores from each segment's peak, its best similarity over its background.

        A segment of a letter or two (a page number, a stray mark, scanning noise) has little text
        to lose: leaving it out costs in proportion to its letters, nothing for digits and marks alone.
        """
        med = float(np.median(np.concatenate([peak_src, peak_tgt])))
        most = self.w.skip_min_cost * self.w.skip
        self.skip_src = np.minimum(self.w.skip - self.w.peak * (peak_src - med), most)
        self.skip_tgt = np.minimum(self.w.skip - self.w.peak * (peak_tgt - med), most)
        if self.w.content > 0:
            self.skip_src = self.skip_src * np.minimum(self.s_letters / self.w.content, 1.0)
            self.skip_tgt = self.skip_tgt * np.minimum(self.t_letters / self.w.content, 1.0)

    def _fit_length(self, si: np.ndarray, ti: np.ndarray) -> None:
        """The length ratio of translations, from the more similar of the first pass's 1-1 pairs (si[k], ti[k])."""
        if len(si) >= self.w.length_pairs:
            s = self.pair_sims(si, ti)
            good = s >= np.quantile(s, self.w.length_quantile)
            r = np.log(self.tl[ti[good]] / self.sl[si[good]])
            self.len_mu = float(np.median(r))
            mad = float(np.median(np.abs(r - self.len_mu))) * 1.4826  # the MAD as a normal's sigma
            self.len_sigma = max(mad, self.w.length_sigma_min)

    # -- clauses ----------------------------------------------------------------------
    def clause_sims(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Clause similarities of pairs (i[k], j[k]): a (6, len(i)) array, rows BEST_S … LAST_T.

        One source row at a time, as matrix-vector products over the row's clause rows; the
        first and last clauses' similarities come out of the same products as the best ones.
        FIRST_S is source i's first clause against target segment j, FIRST_T target j's first
        clause against source segment i, and so on.
        """
        out = np.empty((6, len(i)), dtype=np.float32)
        if len(i) == 0:
            return out
        order = np.argsort(i, kind="stable")
        cuts = np.flatnonzero(np.diff(i[order])) + 1
        for sel in np.split(order, cuts):
            r, js = int(i[sel[0]]), j[sel]
            rows, first, last = self.t_cl.rows_of(js)
            t_clauses = self.t_cl.vecs[rows] @ self.sv[r]
            out[BEST_S, sel] = np.maximum.reduceat(t_clauses, first)
            out[FIRST_T, sel], out[LAST_T, sel] = t_clauses[first], t_clauses[last]
            s_clauses = self.tv[js] @ self.s_cl.vecs[self.s_cl.start[r]:self.s_cl.start[r + 1]].T
            out[BEST_T, sel] = s_clauses.max(axis=1)
            out[FIRST_S, sel], out[LAST_S, sel] = s_clauses[:, 0], s_clauses[:, -1]
        return out

    def prepare(self, band: Band) -> None:
        """Clause similarities of every pair in `band`, kept as a sorted table (pairs it lacks are
        computed when asked for).

        Pairs `fit` already scored (the first-pass band) are taken from its table, not recomputed.
        """
        if self.s_cl is None:
            return
        i, j = band.cells()
        inside = (i < self.n_src) & (j < self.n_tgt)
        i, j = i[inside], j[inside]
        self._set_clause_table(i, j, self._clause_lookup(i, j))

    def _set_clause_table(self, i: np.ndarray, j: np.ndarray, sims: np.ndarray) -> None:
        keys = i.astype(np.int64) * (self.n_tgt + 1) + j
        order = np.argsort(keys, kind="stable")
        self._cl_keys, self._cl_sims = keys[order], sims[:, order]

    def _clause_lookup(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """clause_sims from the table `prepare` made; pairs it lacks are computed now."""
        keys = i.astype(np.int64) * (self.n_tgt + 1) + j
        if len(self._cl_keys):
            pos = np.minimum(np.searchsorted(self._cl_keys, keys), len(self._cl_keys) - 1)
            found = self._cl_keys[pos] == keys
            sims = self._cl_sims[:, pos]
        else:
            found = np.zeros(len(keys), dtype=bool)
            sims = np.empty((6, len(keys)), np.float32)
        if not found.all():
            miss = ~found
            sims[:, miss] = self.clause_sims(i[miss], j[miss])
        return sims

    def _clause_terms(self, I: np.ndarray, J: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(clause coverage, edge agreement) of beads src[I[k]] x tgt[J[k]], over backgrounds.

        Coverage sums, over the bead's segments, the best clause match inside the bead; edges add
        the first clauses' matches at the bead's first pair and the last clauses' at its last pair.
        """
        bg = self._cl_bg
        a, b = I.shape[1], J.shape[1]
        best_s = [np.full(len(I), -np.inf) for _ in range(a)]
        best_t = [np.full(len(I), -np.inf) for _ in range(b)]
        edges = np.zeros(len(I))
        for p in range(a):
            for q in range(b):
                i, j = I[:, p], J[:, q]
                sims = self._clause_lookup(i, j)
                best_s[p] = np.maximum(best_s[p], sims[BEST_S])
                best_t[q] = np.maximum(best_t[q], sims[BEST_T])
                if p == q == 0:
                    edges += sims[FIRST_S] - bg[FIRST_S, i] + sims[FIRST_T] - bg[FIRST_T, j]
                if p == a - 1 and q == b - 1:
                    edges += sims[LAST_S] - bg[LAST_S, i] + sims[LAST_T] - bg[LAST_T, j]
        coverage = (sum(best_s[p] - bg[BEST_S, I[:, p]] for p in range(a))
                    + sum(best_t[q] - bg[BEST_T, J[:, q]] for q in range(b)))
        return coverage, edges

    # -- second pass ------------------------------------------------------------------
    def bead_scores(self, a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        """Scores of the contiguous beads src[i_end-a:i_end] x tgt[j_end-b:j_end] (the search's beads).

        Many beads are scored a slice at a time, so the vectors gathered per bead stay a few MB.
        """
        step = self._slice
        if len(i_end) > step:
            return np.concatenate([self.bead_scores(a, b, i_end[k:k + step], j_end[k:k + step])
                                   for k in range(0, len(i_end), step)])
        i0, j0 = i_end - a, j_end - b
        boundary = self._boundary(i0, j0, np.maximum(i_end - 1, 0), np.maximum(j_end - 1, 0), a > 0, b > 0,
                                  (i_end > 0) & (j_end > 0))
        if a == 0 or b == 0:
            skips = sum(self.skip_src[i0 + p] for p in range(a)) + sum(self.skip_tgt[j0 + q] for q in range(b))
            return skips - boundary
        return self._scores(i0[:, None] + np.arange(a), j0[:, None] + np.arange(b), contiguous=True) - boundary

    def skip_run_scores(self, a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        """Scores of the skips src[i_end-1] (a = 1) or tgt[j_end-1] (b = 1) that continue a run of skips.

        They pay no boundary cost: a run of unaligned lines that covers a sentence broken over two
        lines leaves it whole. They are not made cheaper than a first skip, as gaps extend in sequence
        alignment: a caption's run would then take the sentence line before it along.
        """
        return self._plain_skips(a, i_end, j_end)

    def _plain_skips(self, a: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        """Skip scores without boundary costs: src[i_end-1] when a = 1, else tgt[j_end-1]."""
        return self.skip_src[i_end - 1] if a else self.skip_tgt[j_end - 1]

    def outside_scores(self, a: int, b: int, i_end: np.ndarray, j_end: np.ndarray) -> np.ndarray:
        """Scores of leaving src[i_end-1] (a = 1) or tgt[j_end-1] (b = 1) before the first bead or after the last.

        A fraction of an ordinary skip: one document often carries a cover line, a translator's
        credit or a closing passage the other lacks, and there is no text beyond to misalign.
        """
        return self.w.outside * self._plain_skips(a, i_end, j_end)

    def set_score(self, src: tuple[int, ...], tgt: tuple[int, ...]) -> float:
        """Score of one bead of any segments, both sides non-empty (ascending ids, gaps allowed)."""
        return float(self.set_scores(np.array([src], dtype=np.int64), np.array([tgt], dtype=np.int64))[0])

    def set_scores(self, I: np.ndarray, J: np.ndarray) -> np.ndarray:
        """`set_score` of the beads src[I[k]] x tgt[J[k]] (rows of ascending ids), all in one call."""
        boundary = self._boundary(I[:, 0], J[:, 0], I[:, -1], J[:, -1], True, True, True)
        return self._scores(I, J, contiguous=False) - boundary

    def _boundary(self, first_s, first_t, last_s, last_t, has_s: bool, has_t: bool, has_end) -> np.ndarray:
        """Cost of a bead's boundaries: starting inside a broken sentence, ending inside a quotation on one side."""
        boundary = self.w.broken * (has_s * self.s_cont[first_s] + has_t * self.t_cont[first_t])
        if self.quote_cost:
            boundary = boundary + self.quote_cost * ((self.s_quoted[last_s] != self.t_quoted[last_t]) & has_end)
        return boundary

    def _scores(self, I: np.ndarray, J: np.ndarray, contiguous: bool) -> np.ndarray:
        """Scores, before boundary costs, of beads src[I[k]] x tgt[J[k]] (rows of ascending ids, both sides non-empty).

        Sums over a bead's segments come from prefix sums: two lookups when its segments are
        contiguous, one difference per segment otherwise. The search asks for many beads that
        share a side (a source span against each target span in its band row), so each side's
        sums and norms are computed once per distinct span and only the cross terms per bead.
        """
        a, b = I.shape[1], J.shape[1]
        I_u, s_of = _distinct_spans(I, contiguous)
        J_u, t_of = _distinct_spans(J, contiguous)

        def total(P: np.ndarray, idx: np.ndarray) -> np.ndarray:
            if contiguous:
                return P[idx[:, -1] + 1] - P[idx[:, 0]]
            return sum(P[idx[:, k] + 1] - P[idx[:, k]] for k in range(idx.shape[1]))

        vs_u, vt_u = total(self._P_sv, I_u), total(self._P_tv, J_u)
        ns_u, nt_u = _rownorm(vs_u), _rownorm(vt_u)
        cos = _pair_dots(vs_u, s_of, vt_u, t_of) / np.maximum(ns_u[s_of] * nt_u[t_of], 1e-9)
        ls, lt = total(self._P_sl, I_u)[s_of], total(self._P_tl, J_u)[t_of]
        bg = 0.5 * (total(self._P_bgs, I_u)[s_of] / ls + total(self._P_bgt, J_u)[t_of] / lt)
        score = cos - self.w.margin * bg + self.offset
        if self._P_slex is not None and self._P_tlex is not None and self.w.lexical:
            xs_u, xt_u = total(self._P_slex, I_u), total(self._P_tlex, J_u)
            den = _rownorm(xs_u)[s_of] * _rownorm(xt_u)[t_of]
            lex = np.where(den > 0, _pair_dots(xs_u, s_of, xt_u, t_of) / np.maximum(den, 1e-9), 0.0)
            score = score + self.w.lexical * lex
        if self.w.part and (a > 1 or b > 1):
            o_s = (vs_u / np.maximum(ns_u, 1e-9)[:, None], s_of) if b > 1 else None
            o_t = (vt_u / np.maximum(nt_u, 1e-9)[:, None], t_of) if a > 1 else None
            score = score + self.w.part * np.minimum(self._weakest_part(I, o_t, self.sv, self.bg_src, J, o_s,
                                                                        self.tv, self.bg_tgt), 0.0)
        if self.s_cl is not None:
            coverage, edges = self._clause_terms(I, J)
            score = score + self.w.clause * coverage + self.w.edge * edges
        z = (np.log(lt / ls) - self.len_mu) / self.len_sigma
        return score - self.w.length * z * z - self.w.merge * (a + b - 2)


def _pair_dots(x: np.ndarray, x_of: np.ndarray, y: np.ndarray, y_of: np.ndarray) -> np.ndarray:
    """Dot products of rows x[x_of[k]] and y[y_of[k]], each added up as numpy's einsum adds one up.

    A band row's beads pair one row of x with consecutive rows of y: such a run is one einsum of
    a slice of y against that row, without gathering both rows for every bead (several times
    faster); scattered pairs are gathered.
    """
    n = len(x_of)
    cuts = np.flatnonzero((np.diff(x_of) != 0) | (np.diff(y_of) != 1)) + 1
    if len(cuts) + 1 > n // _MIN_RUN:
        return np.einsum("kd,kd->k", x[x_of], y[y_of])
    out = np.empty(n, dtype=np.result_type(x, y))
    for lo, hi in zip(np.concatenate([[0], cuts]).tolist(), np.concatenate([cuts, [n]]).tolist()):
        out[lo:hi] = np.einsum("kd,d->k", y[y_of[lo]:y_of[lo] + hi - lo], x[x_of[lo]])
    return out


def _distinct_spans(idx: np.ndarray, contiguous: bool) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of one side's ids and, per bead, which of them is its own (`u[of] == idx`).

    Only contiguous sides are looked for (a row is then known by its first id); a set's sides stay as they are.
    """
    if not contiguous or len(idx) < 2:
        return idx, np.arange(len(idx))
    first, of = np.unique(idx[:, 0], return_inverse=True)
    return first[:, None] + np.arange(idx.shape[1]), of.reshape(-1)


def quotations_correspond(src: np.ndarray, tgt: np.ndarray, min_inside: int = ScoreWeights.quote_min_inside,
                          min_phi: float = ScoreWeights.quote_min_phi) -> bool:
    """Whether the two sides' "inside a quotation" states go together over pairs thought aligned.

    The phi coefficient of the two boolean series: near 0 when one side's marks are lost or
    used differently (Text+Berg's scanned German has `<` for «), clearly positive in dialogue
    whose quotations both sides print.
    """
    src, tgt = np.asarray(src, bool), np.asarray(tgt, bool)
    if (src | tgt).sum() < min_inside:
        return False
    n11, n00 = float((src & tgt).sum()), float((~src & ~tgt).sum())
    n10, n01 = float((src & ~tgt).sum()), float((~src & tgt).sum())
    den = np.sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00))
    return den > 0 and (n11 * n00 - n10 * n01) / den >= min_phi


def _topk_mean(idx: np.ndarray, sims: np.ndarray, n: int, k: int) -> np.ndarray:
    """Mean of the k largest sims per index value (the neighbour background)."""
    return _top_k(idx, sims, n, k)[0]


def _top_k(idx: np.ndarray, sims: np.ndarray, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean of the k largest sims, the largest) per index value: one sort for background and peak."""
    mean, best = np.zeros(n), np.zeros(n)
    if len(idx) == 0:
        return mean, best
    order = np.lexsort((-sims, idx))
    idx_s, sims_s = idx[order], sims[order]
    starts = np.searchsorted(idx_s, np.arange(n))
    counts = np.minimum(np.searchsorted(idx_s, np.arange(n), side="right") - starts, k)
    # each value's k largest in a row, zeros after them: for k up to 8 numpy adds a row in order, as mean() does
    rank = np.arange(k)
    top = np.where(rank < counts[:, None], sims_s[np.minimum(starts[:, None] + rank, len(sims_s) - 1)], 0)
    found = counts > 0
    mean[found] = top[found].sum(axis=1) / counts[found].astype(top.dtype)
    best[found] = top[found, 0]
    return mean, best

"""Glue: text -> segments -> vectors -> beads, for one document pair.

Footnotes are taken out before the monotone search and paired by their marker, because each
language's page breaks put them in different places; the rest is aligned in order.
With unit="sentence", paragraphs are aligned first and sentences inside each aligned pair.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from .aligner import AlignConfig, align, insert_by_source
from .embed import Embedder
from .langcheck import matching_text
from .lexicon import lexical_vectors
from .model import Alignment, Bead, Segment
from .scoring import ClauseVectors, ScoreWeights, VectorScorer
from .segment import (cjk_count, clauses, content_letters, continuation_flags, fragment_flags, quote_states,
                      segment, sentences_of)

log = logging.getLogger(__name__)


@dataclass
class Timing:
    embed_s: float = 0.0
    align_s: float = 0.0


def align_segments(src: list[Segment], tgt: list[Segment], embedder: Embedder, src_lang: str = "zh",
                   tgt_lang: str = "en", cfg: AlignConfig = AlignConfig(), weights: ScoreWeights = ScoreWeights(),
                   timing: Timing | None = None) -> list[Bead]:
    """Beads over two segment lists (ids index the lists)."""
    timing = timing if timing is not None else Timing()
    fn_beads, src_rest, tgt_rest = pair_footnotes(src, tgt)
    # Traditional Chinese is matched in simplified form (the segments keep the original characters)
    s_txt = [matching_text(src[i].text, src_lang) for i in src_rest]
    t_txt = [matching_text(tgt[j].text, tgt_lang) for j in tgt_rest]
    # segments of several clauses also have each clause embedded (about as many tokens again)
    s_own, s_cl = _clause_texts(s_txt) if weights.clause else ([], [])
    t_own, t_cl = _clause_texts(t_txt) if weights.clause else ([], [])
    texts = s_txt + t_txt + s_cl + t_cl
    t0 = time.perf_counter()
    vecs = embedder.embed(texts, desc="embedding") if texts else np.zeros((0, 1))
    timing.embed_s += time.perf_counter() - t0
    t0 = time.perf_counter()
    ns, nt, ncs = len(s_txt), len(t_txt), len(s_cl)
    sv, tv = vecs[:ns].reshape(ns, -1), vecs[ns:ns + nt].reshape(nt, -1)
    clause_vectors = None
    if weights.clause and ns and nt:
        cv = vecs[ns + nt:]
        clause_vectors = (ClauseVectors.build(sv, s_own, cv[:ncs]), ClauseVectors.build(tv, t_own, cv[ncs:]))
    s_lex, t_lex = lexical_vectors(s_txt, t_txt, src_lang, tgt_lang)
    s_clauses, t_clauses = clause_vectors or (None, None)
    scorer = VectorScorer(sv, tv, np.array([_length(t) for t in s_txt]), np.array([_length(t) for t in t_txt]),
                          src_lex=s_lex, tgt_lex=t_lex, weights=weights,
                          src_cont=continuation_flags(s_txt), tgt_cont=continuation_flags(t_txt),
                          src_clauses=s_clauses, tgt_clauses=t_clauses, src_quoted=quote_states(s_txt),
                          tgt_quoted=quote_states(t_txt), src_letters=np.array([content_letters(t) for t in s_txt]),
                          tgt_letters=np.array([content_letters(t) for t in t_txt]))
    core = align(scorer, cfg, (fragment_flags(s_txt), fragment_flags(t_txt)))
    # Reported scores leave out the per-document calibration, so they compare across documents
    # (the "not a translation" warning and low-confidence marks rely on that).
    beads = [Bead(tuple(src_rest[i] for i in b.src), tuple(tgt_rest[j] for j in b.tgt),
                  b.score - scorer.offset if b.src and b.tgt else b.score) for b in core]
    timing.align_s += time.perf_counter() - t0
    return merge_footnote_beads(beads, fn_beads)


def _clause_texts(texts: list[str]) -> tuple[list[int], list[str]]:
    """The clauses of segments that have several, and the segment each belongs to."""
    owners: list[int] = []
    out: list[str] = []
    for k, t in enumerate(texts):
        cs = clauses(t)
        if len(cs) > 1:
            owners += [k] * len(cs)
            out += cs
    return owners, out


def _length(text: str) -> float:
    """Length in rough tokens: CJK characters count one each, other words one each."""
    cjk = cjk_count(text)
    return float(cjk + len(text.split()) * (1 if cjk < len(text) / 2 else 0) + 1)


def pair_footnotes(src: list[Segment], tgt: list[Segment]) -> tuple[list[Bead], list[int], list[int]]:
    """Footnote segments with the same marker on both sides become beads of their own.

    Returns those beads and the ids of the segments left for the ordered search. A footnote
    whose marker is missing on the other side (or is ambiguous) stays in the search.
    """
    def by_marker(segs: list[Segment]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for k, s in enumerate(segs):
            if s.kind == "footnote" and s.marker:
                out.setdefault(s.marker, []).append(k)
        return out

    ms, mt = by_marker(src), by_marker(tgt)
    beads = [Bead((ms[k][0],), (mt[k][0],), 1.0) for k in ms if len(ms[k]) == 1 and len(mt.get(k, [])) == 1]
    taken_s = {b.src[0] for b in beads}
    taken_t = {b.tgt[0] for b in beads}
    return (beads, [i for i in range(len(src)) if i not in taken_s],
            [j for j in range(len(tgt)) if j not in taken_t])


def merge_footnote_beads(beads: list[Bead], footnotes: list[Bead]) -> list[Bead]:
    """Put each footnote bead after the last bead whose source ids precede it (source order)."""
    return insert_by_source(beads, footnotes)


def align_documents(src_text: str, tgt_text: str, embedder: Embedder, unit: str = "paragraph",
                    src_lang: str = "zh", tgt_lang: str = "en", cfg: AlignConfig = AlignConfig(),
                    weights: ScoreWeights = ScoreWeights()) -> Alignment:
    """Align two documents' texts; `unit` is line, paragraph or sentence."""
    timing = Timing()
    src = segment(src_text, unit, src_lang)
    tgt = segment(tgt_text, unit, tgt_lang)
    beads = align_segments(src, tgt, embedder, src_lang, tgt_lang, cfg, weights, timing)
    if unit == "sentence":
        src, tgt, beads = _sentence_level(src, tgt, beads, embedder, src_lang, tgt_lang, cfg, weights, timing)
    return Alignment(src, tgt, beads, src_lang, tgt_lang, embedder.name,
                     meta={"unit": unit, "embed_seconds": timing.embed_s, "align_seconds": timing.align_s})


def _sentence_level(src: list[Segment], tgt: list[Segment], para_beads: list[Bead], embedder: Embedder,
                    src_lang: str, tgt_lang: str, cfg: AlignConfig, weights: ScoreWeights,
                    timing: Timing) -> tuple[list[Segment], list[Segment], list[Bead]]:
    """Cut each aligned paragraph pair into sentences and align those inside the pair."""
    s_out: list[Segment] = []
    t_out: list[Segment] = []
    beads: list[Bead] = []
    for pb in para_beads:
        ss = [s for i in pb.src for s in sentences_of(src[i], src_lang, i)]
        ts = [t for j in pb.tgt for t in sentences_of(tgt[j], tgt_lang, j)]
        s_base, t_base = len(s_out), len(t_out)
        s_out += ss
        t_out += ts
        if len(ss) == 1 or len(ts) == 1 or not ss or not ts:
            inner = [Bead(tuple(range(len(ss))), tuple(range(len(ts))), pb.score)]
        else:
            inner = align_segments(ss, ts, embedder, src_lang, tgt_lang, cfg, weights, timing)
        beads += [Bead(tuple(s_base + i for i in b.src), tuple(t_base + j for j in b.tgt), b.score) for b in inner]
    return s_out, t_out, beads

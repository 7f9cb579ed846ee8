"""Pair Chinese and English candidates from several kinds of evidence, into one confidence.

- dictionary: CC-CEDICT glosses of the Chinese term's words (longest-match cut) against the
  English words, both as 5-letter stems (align.lexicon); the F1 of the two coverages, so a
  half-translated candidate on either side scores lower than a whole one;
- association: Dice of the aligned units each term occurs in (frequent terms pair by where
  they occur, whatever the dictionary says);
- length: the number of English content words against the number of Chinese words;
- identical tokens: Latin letters or numbers found verbatim on both sides;
- embedding (optional, see `add_embedding`): cosine of the two term strings in the encoder,
  used only where the other evidence leaves a near tie, since it costs encoder time.
All functions here are pure; the dictionary is passed in.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Protocol, Sequence

import numpy as np

from align.lexicon import stem

from .model import Candidate

log = logging.getLogger(__name__)

EN_STOP = frozenset("of the on for at in and a an to".split())
ZH_FUNCTION = frozenset("的 与 和 及 之".split())
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9./-]*")
_WORD = re.compile(r"[A-Za-z]+")


class Dictionary(Protocol):
    """glossary.cedict.Cedict, or anything alike (tests pass a small one)."""

    def __contains__(self, word: str) -> bool: ...

    def definitions(self, word: str) -> tuple[frozenset[str], ...]: ...

    def stems(self, word: str) -> frozenset[str]: ...


@dataclass(frozen=True)
class Weights:
    dictionary: float = 0.5
    association: float = 0.3
    length: float = 0.1
    identical: float = 0.1
    embedding: float = 0.25  # share of the final score when an embedding was computed


@dataclass
class Pair:
    zh: str
    en: str
    score: float
    evidence: dict[str, float] = field(default_factory=dict)


def cut_words(term: str, entries: Dictionary, max_len: int = 8, words: Sequence[str] = ()) -> list[str]:
    """Longest-match cut of `term` into dictionary words (unknown characters stand alone).

    With the term's jieba `words`, a dictionary word either lies inside one of them or starts
    and ends on their boundaries (国家元首和政府首脑 is never cut as ...和政...).
    """
    bounds: set[int] = set()
    if words and "".join(words) == term:
        pos = 0
        for w in words:
            bounds.add(pos)
            pos += len(w)
        bounds.add(pos)
    out: list[str] = []
    i = 0
    while i < len(term):
        for k in range(min(max_len, len(term) - i), 0, -1):
            crosses = bounds and any(b in bounds for b in range(i + 1, i + k)) \
                and not (i in bounds and i + k in bounds)
            if k == 1 or term[i:i + k] in entries and not crosses:
                out.append(term[i:i + k])
                i += k
                break
    return out


@dataclass(frozen=True)
class ZhGloss:
    """What the dictionary says about a Chinese term: its words with their readings, and all stems."""

    parts: tuple[tuple[str, tuple[frozenset[str], ...]], ...]
    stems: frozenset[str]
    sub: dict = field(default_factory=dict)  # multi-character part -> its own finer cut
    n_words: int = 1  # words in a cut of at most 4 characters a word: what the English length is held to
    own: frozenset[str] = frozenset()  # stems of the readings of the cut's words and of their parts


def zh_gloss(term: str, dictionary: Dictionary, words: Sequence[str] = ()) -> ZhGloss:
    parts = tuple((w, dictionary.definitions(w)) for w in cut_words(term, dictionary, words=words)
                  if w not in ZH_FUNCTION and not w.isspace())
    every: set[str] = set()
    for i in range(len(term)):  # every dictionary word inside the term, not only the cut
        for j in range(i + 1, min(len(term), i + 8) + 1):
            every.update(dictionary.stems(term[i:j]))
    every.update(stem(w) for w in _LATIN.findall(term))
    sub = {}
    for w, _ in parts:
        if len(w) > 1:
            fine = cut_words(w, dictionary, max_len=len(w) - 1)
            sub[w] = tuple((x, dictionary.definitions(x)) for x in fine)
    n_words = len([w for w in cut_words(term, dictionary, max_len=4, words=words)
                   if w not in ZH_FUNCTION and not w.isspace()])
    own = frozenset().union(*(d for _, defs in parts for d in defs),
                            *(d for inner in sub.values() for _, ds in inner for d in ds))
    return ZhGloss(parts, frozenset(every), sub, max(1, n_words), own)


def en_content_words(words: Sequence[str]) -> list[str]:
    """Lower-case content words, hyphen compounds split (nuclear-weapon-free -> nuclear, weapon, free)."""
    return [p for w in words if w not in EN_STOP for p in _WORD.findall(w.lower()) if p not in EN_STOP]


def _part_coverage(word: str, defs: tuple[frozenset[str], ...], en_stems: set[str],
                   sub: dict[str, tuple[tuple[str, tuple[frozenset[str], ...]], ...]]) -> float:
    """Share of one Chinese word's best reading found in the English stems; an unmatched
    compound is tried through its own parts (无核 -> 无 + 核)."""
    best = max((len(d & en_stems) / len(d) for d in defs), default=0.0)
    # two English words each matching some reading (缔约国: "signatory states" / "... party to a treaty")
    hits = en_stems & frozenset().union(*defs) if defs else frozenset()
    if len(hits) >= 2 and not any(hits <= d for d in defs):
        best = 1.0
    if best == 0 and word in sub:
        inner = sub[word]
        best = sum(len(w) * max((len(d & en_stems) / len(d) for d in ds), default=0.0) for w, ds in inner) / len(word)
    # a hit on part of a reading is worth at least what an unexplained leftover gets
    return max(best, 0.5) if best > 0 else 0.0


def _english_side(en_words: Sequence[str], surface: Sequence[str]) -> tuple[list[str], list[str], set[str]]:
    """Content words as lemmas and as written (the lemmas again when they do not line up), and their stems."""
    content = en_content_words(en_words)
    forms = en_content_words(surface) if surface else content
    if len(forms) != len(content):
        forms = content
    return content, forms, {stem(w) for w in content} | {stem(w) for w in forms}


def dictionary_score(g: ZhGloss, en_words: Sequence[str], surface: Sequence[str] = ()) -> tuple[float, float, float]:
    """(share of Chinese characters translated, share of English words explained, their F1).

    `en_words` are the lemmas ("arm race"); `surface`, the same words as written ("arms race"):
    a word is explained when either form meets the dictionary.
    """
    content, forms, en_stems = _english_side(en_words, surface)
    if not content or not g.parts:
        return 0.0, 0.0, 0.0
    total = sum(len(w) for w, _ in g.parts)
    part_cov = [_part_coverage(w, defs, en_stems, g.sub) for w, defs in g.parts]
    explained = [stem(w) in g.stems or stem(f) in g.stems for w, f in zip(content, forms)]
    # Words left over on both sides probably translate each other (大规模 / "mass"): half credit
    # for as many leftovers as the other side has.
    zh_left = sorted((len(w) for (w, _), c in zip(g.parts, part_cov) if c == 0), reverse=True)
    en_left = explained.count(False)
    n_left = min(len(zh_left), en_left) if any(part_cov) and any(explained) else 0
    zh_cov = (sum(len(w) * c for (w, _), c in zip(g.parts, part_cov)) + 0.5 * sum(zh_left[:n_left])) / total
    en_cov = (explained.count(True) + 0.5 * n_left) / len(content)
    f1 = 2 * zh_cov * en_cov / (zh_cov + en_cov) if zh_cov + en_cov else 0.0
    return zh_cov, en_cov, f1


def _reading_share(defs: tuple[frozenset[str], ...], en_stems: set[str]) -> float:
    return max((len(d & en_stems) / len(d) for d in defs), default=0.0)


def strict_coverage(g: ZhGloss, en_words: Sequence[str], surface: Sequence[str] = (),
                    leftovers: bool = True) -> tuple[float, float, float]:
    """(share of Chinese characters, share of English content words) that the dictionary pairs up,
    and 0 when the Chinese term's last word (its head) is left out of the English (else 1).

    Stricter than `dictionary_score`, which gives partial hits and leftovers credit to rank
    equivalents: here a Chinese word counts by the share of its best reading found in the
    English (or of its parts, 友好关系 -> 友好 + 关系), and an English word counts only when a
    reading of one of the term's words (or their parts) holds it. At most one word left over on
    each side is taken as a translation the dictionary lacks (大规模 / "mass"), at half credit,
    when the rest covers half the Chinese at least (not for a 的/和-linked span, which must
    translate whole).
    This is how clean a boundary is on both sides: 刑事罪者 / "penal offence on account" leaves
    者 and "account" unexplained.
    """
    content, forms, en_stems = _english_side(en_words, surface)
    if not content or not g.parts:
        return 0.0, 0.0, 0.0
    own = g.own
    credit = []
    for w, defs in g.parts:
        share = _reading_share(defs, en_stems)
        inner = g.sub.get(w, ())
        if inner:
            share = max(share, sum(len(x) * _reading_share(ds, en_stems) for x, ds in inner) / len(w))
        credit.append(share)
    total = sum(len(w) for w, _ in g.parts)
    explained = [stem(w) in own or stem(f) in own for w, f in zip(content, forms)]
    zh_left = [len(w) for (w, _), c in zip(g.parts, credit) if c == 0]  # one character (时, 者) is no word to translate
    if any(n < 2 for n in zh_left):
        zh_left = []
    covered = sum(len(w) * c for (w, _), c in zip(g.parts, credit))
    leftover = 0.5 if leftovers and len(zh_left) == 1 and explained.count(False) == 1 and any(explained) \
        and covered >= total / 2 and _heads_agree(g, credit, en_words, content, explained) else 0.0
    zc = (covered + leftover * sum(zh_left)) / total
    ec = (explained.count(True) + leftover) / len(content)
    # Is the last word (the head) left out while the other words account for all the English? The
    # head counts through its readings or parts of two characters or more (one character of a
    # known word means too many things); 0 then, else 1.
    w, defs = g.parts[-1]
    head = max([_reading_share(defs, en_stems)] + [_reading_share(ds, en_stems) for x, ds in g.sub.get(w, ())
                                                   if len(x) > 1 or not defs])
    rest = frozenset().union(*(d for _, ds in g.parts[:-1] for d in ds),
                             *(d for x, _ in g.parts[:-1] for _, ds in g.sub.get(x, ()) for d in ds))
    left_out = head == 0 and len(g.parts) > 1 and all(stem(c) in rest or stem(f) in rest for c, f in zip(content, forms))
    return zc, ec, 0.0 if left_out else 1.0


def _heads_agree(g: ZhGloss, credit: list[float], en_words: Sequence[str], content: list[str],
                 explained: list[bool]) -> bool:
    """Whether the words left over can translate each other by position: an English head (the
    last content word before a preposition) left over goes with the Chinese head (its last word),
    not with a word in front of it (人人平等 / "equal protection": 人人 is no "protection")."""
    pre = []
    for w in en_words:
        if w in ("of", "on", "for", "at", "in"):
            break
        pre.append(w)
    head = en_content_words(pre)[-1:] if pre else []
    if not head or head[0] not in content:
        return True
    head_left = not explained[len(en_content_words(pre)) - 1]
    return not head_left or credit[-1] == 0


def dice(a: set[int], b: set[int]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def length_score(n_zh_words: int, n_en_words: int) -> float:
    lo, hi = sorted((n_zh_words, n_en_words))
    return (lo + 1) / (hi + 1)


def identical_score(zh: str, en: str) -> float:
    """1 when every Latin token of the Chinese term is in the English one; 0.5 when there are none."""
    toks = _LATIN.findall(zh)
    if not toks:
        return 0.5
    low = en.lower()
    return sum(1 for t in toks if t.lower() in low) / len(toks)


def _names_head(g: ZhGloss, en_words: Sequence[str]) -> bool:
    """A term the dictionary knows whole (联合国宪章 "United Nations Charter") rendered by its head's
    translation alone ("the Charter"): the English shortens the name, as English does once the
    context says which one, and does not translate a piece of it."""
    if len(g.parts) != 1 or len(g.parts[0][0]) < 4 or not g.sub.get(g.parts[0][0]):
        return False
    head, defs = g.sub[g.parts[0][0]][-1]
    en_stems = {stem(w) for w in en_content_words(en_words)}
    return len(head) > 1 and any(d and d <= en_stems for d in defs)


def score_pair(z: Candidate, g: ZhGloss, e: Candidate, w: Weights = Weights()) -> Pair:
    words = e.key.split()  # lower case, nouns singular: "parties" meets CEDICT's "party"
    zc, ec, f1 = dictionary_score(g, words, e.words)
    sz, se, head = strict_coverage(g, words, e.words, leftovers=not z.linked) if f1 > 0 else (0.0, 0.0, 0.0)
    ev = {
        "dictionary": f1,
        "zh_coverage": zc,
        "en_coverage": ec,
        "zh_strict": sz,
        "en_strict": se,
        "zh_head": head,
        "association": 0.5 * dice(z.units, e.units) + 0.5 * min(z.freq, e.freq) / max(z.freq, e.freq, 1),
        "length": length_score(g.n_words, len([x for x in words if x not in EN_STOP])),
        "identical": identical_score(z.text, e.text),
    }
    if se == 1.0 and ev["association"] >= 0.9 and _names_head(g, words):  # and found where the term is
        ev["lexical"] = 1.0
    s = (w.dictionary * ev["dictionary"] + w.association * ev["association"] + w.length * ev["length"]
         + w.identical * ev["identical"])
    return Pair(z.key, e.key, s, ev)


def _rank(p: Pair) -> tuple:
    """Best score first; on a tie the fuller dictionary match, then the longer English form."""
    return -round(p.score, 4), -p.evidence.get("dictionary", 0.0), -len(p.en)


def pair_candidates(zh: dict[str, Candidate], en: dict[str, Candidate], dictionary: Dictionary,
                    keys: Sequence[str] | None = None, top_k: int = 4, weights: Weights = Weights()
                    ) -> dict[str, list[Pair]]:
    """For each Chinese candidate (all, or `keys`), its best `top_k` English candidates.

    Only English candidates sharing at least half of the Chinese term's units are weighed.
    """
    by_unit: dict[int, list[str]] = {}
    for k, e in en.items():
        for u in e.units:
            by_unit.setdefault(u, []).append(k)
    out: dict[str, list[Pair]] = {}
    for zk in keys if keys is not None else zh.keys():
        z = zh[zk]
        seen: dict[str, int] = {}
        for u in z.units:
            for ek in by_unit.get(u, ()):
                seen[ek] = seen.get(ek, 0) + 1
        need = max(1, (len(z.units) + 1) // 2)
        g = zh_gloss(z.text, dictionary, z.words)
        pairs = [score_pair(z, g, en[ek], weights) for ek, n in seen.items() if n >= need]
        pairs.sort(key=_rank)
        out[zk] = pairs[:top_k]
    return out


class Embeds(Protocol):
    def embed(self, texts: Sequence[str], desc: str = ...) -> np.ndarray: ...


def add_embedding(pairs: dict[str, list[Pair]], zh: dict[str, Candidate], en: dict[str, Candidate],
                  embedder: Embeds | None, keys: Sequence[str] | None = None, margin: float = 0.05,
                  weights: Weights = Weights(), top_n: int = 3, also: Sequence[str] = ()) -> int:
    """Settle near ties with the encoder: cosine of the Chinese term with each English candidate.

    Only terms in `keys` (default: all) whose best two candidates score within `margin`, and the
    terms in `also` (whose boundaries the dictionary leaves uncertain), are embedded, with those of their `top_n` candidates that are within `margin` of the best (the
    encoder is the slow part); a re-scored term's other candidates count as 0.1 below the best cosine. The cosine counts relative to the best candidate's
    (this encoder puts every pair in 0.75-0.95; a right pair is typically 0.03-0.05 above the
    rest): 1 for the best, 0 at 0.1 below it. Pairs not embedded keep their order and are
    scored as if the encoder agreed, so scores stay comparable with and without an encoder.
    Returns the number of Chinese terms embedded.
    """
    w = weights.embedding
    todo = [k for k in (keys if keys is not None else pairs)
            if len(pairs[k]) > 1 and pairs[k][0].score - pairs[k][1].score < margin] if embedder else []
    todo += [k for k in also if embedder and k not in todo and len(pairs.get(k, ())) > 1]
    cos: dict[tuple[str, str], float] = {}
    if todo:
        near = {k: [p for p in pairs[k][:top_n] if pairs[k][0].score - p.score < margin] for k in todo}
        texts = sorted({zh[k].text for k in todo} | {en[p.en].text for k in todo for p in near[k]})
        vecs = embedder.embed(texts, desc="embedding terms")
        row = {t: i for i, t in enumerate(texts)}
        for k in todo:
            for p in near[k]:
                cos[(k, p.en)] = float(vecs[row[en[p.en].text]] @ vecs[row[zh[k].text]])
    for k, ps in pairs.items():
        top = max((cos[(k, p.en)] for p in ps if (k, p.en) in cos), default=None)
        for p in ps:
            c = cos.get((k, p.en))
            if c is None and top is not None:
                rel = 0.0
            else:
                rel = 1.0 if c is None else min(1.0, max(0.0, 1 + (c - top) / 0.1))
            if c is not None:
                p.evidence["embedding"] = c
            p.score = (1 - w) * p.score + w * rel
        ps.sort(key=_rank)
    return len(todo)


def encoder_witness(pairs: dict[str, list[Pair]], zh: dict[str, Candidate], en: dict[str, Candidate],
                    embedder: Embeds | None, keys: Sequence[str], margin: float = 0.015, full: float = 0.8) -> int:
    """The encoder as a second witness where the dictionary covers only part of a pair (合格的国家法庭:
    CC-CEDICT has no "competent" nor "tribunal"): a pair whose heads the dictionary links is
    witnessed (evidence "witness", its cosine) when the encoder puts its English first among all
    the term's candidates by `margin`. Only a gap on both sides is the dictionary's ignorance: an
    English side covered in `full` against a Chinese one that is not means the Chinese holds more
    (必须遵守适用的国际法 / "applicable international law"). Returns the number of terms embedded."""
    def gap(p: Pair) -> bool:  # heads linked, words missing on both sides
        ev = p.evidence
        return ev.get("dictionary", 0) > 0 and ev.get("zh_head", 0) == 1 \
            and max(ev.get("zh_strict", 0), ev.get("en_strict", 0)) < full

    todo = [k for k in keys if embedder and len(pairs.get(k, ())) > 1 and any(gap(p) for p in pairs[k])]
    if not todo:
        return 0
    texts = sorted({zh[k].text for k in todo} | {en[p.en].text for k in todo for p in pairs[k]})
    vecs = embedder.embed(texts, desc="embedding terms")
    row = {t: i for i, t in enumerate(texts)}
    for k in todo:
        cos = sorted(((float(vecs[row[en[p.en].text]] @ vecs[row[zh[k].text]]), i) for i, p in enumerate(pairs[k])),
                     reverse=True)
        best = pairs[k][cos[0][1]]
        if cos[0][0] - cos[1][0] >= margin and gap(best):
            best.evidence["witness"] = cos[0][0]
    return len(todo)

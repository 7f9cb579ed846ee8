"""Boundaries checked against the rest of the aligned unit: a word left untranslated inside a pair
whose translation stands elsewhere in the unit means the pair's boundary is wrong.

法律约束力 / "legally binding instrument": "instrument" is no reading of 法律约束力, and the unit's
Chinese holds 文书 (instrument) outside the span, so the English swallowed another word's
translation. 联合国宪章 / "United Nations": 宪章 is left out, and "Charter" stands in the unit's
English outside the span. Counting matters: 联合国宪章 / "Charter" leaves 联合国 out, but the unit
says 联合国 twice (联合国国家, 联合国宪章) and "United Nations" once, so nothing proves the other
occurrence is not its translation. Pure functions; the unit's words are computed once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from align.lexicon import stem

from .candidates_en import clean_en
from .candidates_zh import clean_zh, tokenize
from .model import Candidate, Unit
from .pairing import Dictionary, ZhGloss, en_content_words

_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class UnitWords:
    """One unit's two texts as the check needs them: cleaned text and jieba words with offsets."""

    zh: str
    en: str
    zh_words: tuple[tuple[str, int], ...]


def unit_words(units: Iterable[Unit]) -> dict[int, UnitWords]:
    out = {}
    for u in units:
        zh = clean_zh(u.src)
        out[u.id] = UnitWords(zh, clean_en(u.tgt).lower(),
                              tuple((w, s) for w, _, s in tokenize(zh) if len(w) > 1))
    return out


# Inflected forms of "have" whose stems differ from the dictionary's "to have" (有权 "to have the right to").
_HAVE = {"has": "have", "had": "have", "havin": "have"}


def _outside_en(text: str, forms: Iterable[str]) -> Counter:
    """Stems of the English words of `text` with every occurrence of the span's forms cut out."""
    for f in sorted(forms, key=len, reverse=True):
        text = text.replace(f.lower(), " | ")
    return Counter(_HAVE.get(stem(w), stem(w)) for w in _WORD.findall(text))


def _spans(text: str, term: str) -> list[tuple[int, int]]:
    out, i = [], text.find(term)
    while i >= 0:
        out.append((i, i + len(term)))
        i = text.find(term, i + len(term))
    return out


def _reading_count(defs: Sequence[frozenset[str]], stems: Counter, claimed: Counter) -> int:
    """How many times a reading occurs unclaimed: its rarest stem's count, less the other Chinese
    words outside the span that read so too (民间 "non-governmental" beside 非政府)."""
    return max((min(stems[s] - claimed[s] for s in d) for d in defs if d), default=0)


def displaced(g: ZhGloss, z: Candidate, e: Candidate, uw: UnitWords, dictionary: Dictionary) -> bool:
    """Whether, in this unit, a word of the pair left untranslated by the other side has its
    translation outside the pair, as many times as the word occurs."""
    en_stems = {stem(w) for w in en_content_words(e.key.split())} | {stem(w) for w in en_content_words(e.words)}
    outside_en = _outside_en(uw.en, list(e.forms) + [e.key])
    zs = _spans(uw.zh, z.text)
    outside_zh = [x for x, s in uw.zh_words if not any(a < s + len(x) and s < b for a, b in zs)]
    # a Chinese word whose reading the English span lacks; in a compound the dictionary knows whole
    # (联合国宪章 "United Nations Charter"), each of its words, when the English the compound's reading
    # meets is all explained by its other words ("United Nations" by 联合国: 宪章 is left out; but
    # "plenary" of 全体会议 / "plenary meeting" is 全体's, though CC-CEDICT reads 全体 "all")
    words = []
    for w, defs in g.parts:
        words.append((w, defs))
        inner = [(x, ds) for x, ds in g.sub.get(w, ()) if len(x) > 1]
        met = en_stems & frozenset().union(*defs) if defs else frozenset()
        for x, ds in inner:
            others = frozenset().union(*(d for y, dd in g.sub[w] if y != x for d in dd))
            if met <= others:
                words.append((x, ds))
    for w, defs in words:
        if len(w) < 2 or any(d & en_stems for d in defs) or any(
                d & en_stems for _, ds in g.sub.get(w, ()) for d in ds):
            continue
        claimed = Counter(s for x in outside_zh if x != w for s in dictionary.stems(x))
        if 0 < uw.zh.count(w) <= _reading_count(defs, outside_en, claimed):
            return True
    for x in en_content_words(e.key.split()):  # an English word the Chinese span does not explain
        sx = stem(x)
        if sx in g.own or sx in g.stems:
            continue
        n = sum(1 for w in _WORD.findall(uw.en) if stem(w) == sx)
        if 0 < n <= sum(1 for x2 in outside_zh if sx in dictionary.stems(x2)):
            return True
    return False


def displaced_pair(g: ZhGloss, z: Candidate, e: Candidate, words: dict[int, UnitWords], dictionary: Dictionary) -> bool:
    """Displaced in every unit the two share (a boundary wrong everywhere it is seen)."""
    shared = z.units & e.units
    return bool(shared) and all(displaced(g, z, e, words[u], dictionary) for u in shared)

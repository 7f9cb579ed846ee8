"""Six-way (n-way) alignment through a pivot: pairwise beads against one language merged into units.

Why a pivot rather than a joint search over all languages: the UN translates every document
from one original (almost always English), so each language is closest to it, and a pivot
keeps every pivot–X pair's beads exactly those of aligning that pair alone (the one engine,
its tests and its numbers hold unchanged). A joint search would trade that for a six-sided
search space and scores no dev set could tune.

Everything here is pure: beads in, units out. Beads of language X are oriented as X's
pairwise alignment with the pivot is (`Bead.src` = X's ids, `Bead.tgt` = the pivot's), the
orientation of the `udhr.X-en.gold` files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Alignment, Bead, Segment, join_texts


@dataclass
class Unit:
    """The same text in every language: segment ids per language (empty where a language lacks it).

    `score` is the lowest score of the pairwise beads merged into the unit (its weakest link).
    """

    ids: dict[str, tuple[int, ...]]
    score: float = 0.0

    def langs(self) -> list[str]:
        """The languages holding text in this unit."""
        return [lang for lang, ids in self.ids.items() if ids]


def merge_pivot(beads_by_lang: dict[str, list[Bead]], pivot: str) -> list[Unit]:
    """Merge each language's beads with the pivot into units over the pivot's segments.

    A unit's pivot ids are the union of the pivot sides that connect (share a pivot id, in any
    language), and each language gets the ids of its beads on those pivot segments; so a 2-1 bead
    in one language and two 1-1 beads in another become one unit. Units are in pivot order.

    Beads with no pivot side (text one language has and the pivot lacks) sit in the gap after
    the unit of the bead before them in their language. Within one gap, when every language
    that has such text there has the same number of beads, they are joined by position (the
    note on the adopting resolution that the Chinese, Russian and Arabic UDHR carry and the
    English lacks is one unit); otherwise each stays a unit of its own language.
    """
    langs = [pivot, *(lang for lang in beads_by_lang if lang != pivot)]
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for beads in beads_by_lang.values():
        for b in beads:
            for j in b.tgt:
                parent[find(j)] = find(b.tgt[0])
    groups: dict[int, list[int]] = {}
    for j in parent:
        groups.setdefault(find(j), []).append(j)
    anchored = sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
    unit_of = {j: k for k, g in enumerate(anchored) for j in g}
    ids: list[dict[str, set[int]]] = [{lang: set() for lang in langs} for _ in anchored]
    scores: list[list[float]] = [[] for _ in anchored]
    for k, g in enumerate(anchored):
        ids[k][pivot].update(g)
    # gap -> language -> its beads without a pivot side there (gap k: after anchored unit k; -1: first)
    gaps: dict[int, dict[str, list[Bead]]] = {}
    for lang, beads in beads_by_lang.items():
        if lang == pivot:
            continue
        where = -1
        for b in beads:
            if b.tgt:
                where = unit_of[b.tgt[0]]
                ids[where][lang].update(b.src)
                scores[where].append(b.score)
            elif b.src:
                gaps.setdefault(where, {}).setdefault(lang, []).append(b)
    out: list[Unit] = []
    if -1 in gaps:
        out += _gap_units(gaps[-1], langs)
    for k in range(len(anchored)):
        out.append(Unit({lang: tuple(sorted(ids[k][lang])) for lang in langs}, min(scores[k], default=0.0)))
        if k in gaps:
            out += _gap_units(gaps[k], langs)
    return out


def _gap_units(by_lang: dict[str, list[Bead]], langs: list[str]) -> list[Unit]:
    """Units for the beads without a pivot side in one gap (see merge_pivot)."""
    counts = {len(beads) for beads in by_lang.values()}
    if len(counts) == 1:
        rows = [{lang: beads[n] for lang, beads in by_lang.items()} for n in range(counts.pop())]
    else:
        rows = [{lang: b} for lang, beads in by_lang.items() for b in beads]
    return [Unit({lang: row[lang].src if lang in row else () for lang in langs},
                 min(b.score for b in row.values())) for row in rows]


def derive_pair(beads_by_lang: dict[str, list[Bead]], pivot: str, a: str, b: str) -> list[Bead]:
    """The beads between languages `a` and `b` that the pivot alignment implies (src = a, tgt = b).

    A pair with the pivot gives back its own pairwise beads. Two other languages are merged
    through the pivot by themselves (`merge_pivot` of just the two), which is finer than the
    all-language units: a third language's 2-1 bead does not join their 1-1 beads.
    """
    if a == pivot:
        return [Bead(x.tgt, x.src, x.score) for x in beads_by_lang[b]]
    if b == pivot:
        return list(beads_by_lang[a])
    units = merge_pivot({a: beads_by_lang[a], b: beads_by_lang[b]}, pivot)
    return [Bead(u.ids[a], u.ids[b], u.score) for u in units if u.ids[a] or u.ids[b]]


@dataclass
class MultiAlignment:
    """Documents in 2–6 languages aligned into units through a pivot language.

    `langs`: the languages in input order; `pairs[X]`: X's alignment with the pivot exactly as
    `align_pair` made it (src = X, tgt = pivot); `segments[L]`: each language's segments, the
    ids of `units` index them.
    """

    langs: list[str]
    pivot: str
    segments: dict[str, list[Segment]]
    pairs: dict[str, Alignment]
    units: list[Unit]
    model: str = ""
    meta: dict = field(default_factory=dict)

    def beads(self, a: str, b: str) -> list[Bead]:
        """Pairwise beads between any two of the languages (see `derive_pair`)."""
        return derive_pair({lang: al.beads for lang, al in self.pairs.items()}, self.pivot, a, b)

    def text(self, unit: Unit, lang: str) -> str:
        """The unit's text in `lang` (its segments joined; empty when the language lacks it)."""
        return join_texts([self.segments[lang][i].text for i in unit.ids[lang]], lang)


def from_pairs(pairs: dict[str, Alignment], pivot: str, langs: list[str]) -> MultiAlignment:
    """A MultiAlignment of pairwise alignments with the pivot (each src = X, tgt = pivot).

    With sentence units each pair numbers the pivot's sentences in the order of its paragraph
    beads, which crossing footnote beads can change: those pairs are renumbered to paragraph
    order (same beads, same sentences), so every unit's pivot ids index one list.
    """
    pairs = {lang: _in_paragraph_order(al) for lang, al in pairs.items()}
    first = next(iter(pairs.values()))
    for lang, al in pairs.items():
        if [s.text for s in al.tgt] != [s.text for s in first.tgt]:
            raise ValueError(f"the pivot's segments differ in its alignment with {lang}")
    segments = {lang: (first.tgt if lang == pivot else pairs[lang].src) for lang in langs}
    units = merge_pivot({lang: al.beads for lang, al in pairs.items()}, pivot)
    return MultiAlignment(langs, pivot, segments, pairs, units, first.model, dict(first.meta))


def _in_paragraph_order(al: Alignment) -> Alignment:
    """`al` with its target (pivot) segments in paragraph order; itself when they already are."""
    order = sorted(range(len(al.tgt)), key=lambda j: (al.tgt[j].para if al.tgt[j].para is not None else j, j))
    if order == list(range(len(al.tgt))):
        return al
    new = {old: k for k, old in enumerate(order)}
    beads = [Bead(b.src, tuple(sorted(new[j] for j in b.tgt)), b.score) for b in al.beads]
    return Alignment(al.src, [al.tgt[j] for j in order], beads, al.src_lang, al.tgt_lang, al.model, al.meta)

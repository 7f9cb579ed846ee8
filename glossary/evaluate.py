"""A glossary against a terminologist's gold list: recall with a right English, precision of the top N.

The gold list is tab-separated `zh<TAB>en`, with `|` between accepted English variants
(`Member States|Member State`); a header line `zh<TAB>en` is skipped. A gold pair is found
when its Chinese term is an entry and one of that entry's English equivalents (or their
other surface forms) is one of the variants. English is compared case-folded, with every
hyphen (‐ ‑ –) as "-" and runs of spaces as one, so the UN's typographic hyphens in
"co‐operation" meet a plain one. This is what `eval` is for alignment: pure functions here,
the files at the edge (termalign/commands/eval_glossary.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from align.errors import UserError

from .model import Entry

_HYPHENS = re.compile(r"[\u2010\u2011\u2012\u2013\u2212\u00ad]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class GoldTerm:
    zh: str
    en: tuple[str, ...]  # accepted variants, the citation form first


@dataclass(frozen=True)
class Hit:
    zh: str
    rank: int  # 1-based rank of the entry in the glossary
    en: str  # the entry's first English equivalent


@dataclass(frozen=True)
class Miss:
    zh: str
    expected: tuple[str, ...]
    got: str | None  # the entry's English when the Chinese term is there with a wrong one, else None
    rank: int | None = None


@dataclass
class GlossaryScore:
    gold: int
    top: int
    found: list[Hit] = field(default_factory=list)
    missing: list[Miss] = field(default_factory=list)
    entries: int = 0
    top_hits: int = 0  # entries among the top N that are gold pairs with a right English

    @property
    def recall(self) -> float:
        return len(self.found) / self.gold if self.gold else 0.0

    @property
    def recall_at_top(self) -> float:
        return sum(1 for h in self.found if h.rank <= self.top) / self.gold if self.gold else 0.0

    @property
    def precision_at_top(self) -> float:
        """Share of the top N that are gold pairs: against a full list, precision; against a
        sample, a lower bound (entries outside the sample count as wrong)."""
        n = min(self.top, self.entries)
        return self.top_hits / n if n else 0.0

    def as_dict(self) -> dict:
        return {"gold_pairs": self.gold, "found": len(self.found), "recall": round(self.recall, 4),
                f"recall@{self.top}": round(self.recall_at_top, 4),
                f"precision@{self.top}": round(self.precision_at_top, 4), "entries": self.entries,
                "found_pairs": [h.__dict__ for h in self.found],
                "missing_pairs": [{**m.__dict__, "expected": list(m.expected)} for m in self.missing]}


def normalize_en(text: str) -> str:
    """Case-folded, hyphens unified, spaces collapsed: how English forms are compared."""
    return _SPACES.sub(" ", _HYPHENS.sub("-", text)).strip().casefold()


def parse_gold(text: str, name: str = "gold list") -> list[GoldTerm]:
    """Rows of `zh<TAB>en|variant|…` (header `zh<TAB>en` optional, blank lines and # comments skipped)."""
    out: list[GoldTerm] = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
            raise UserError(f"{name}, line {n}: want 'Chinese<TAB>English[|variant…]', got {line.strip()[:60]!r}")
        zh, en = cols[0].strip(), cols[1]
        if n == 1 and (zh, en.strip()) == ("zh", "en"):
            continue
        variants = tuple(v.strip() for v in en.split("|") if v.strip())
        out.append(GoldTerm(zh, variants))
    if not out:
        raise UserError(f"{name}: no term pairs")
    return out


def entry_forms(e: Entry) -> set[str]:
    """Every English form an entry offers: each equivalent and its surface variants, normalized."""
    return {normalize_en(f) for q in e.equivalents for f in [q.term, *q.variants]}


def matches(e: Entry, variants: tuple[str, ...] | list[str]) -> bool:
    return bool(entry_forms(e) & {normalize_en(v) for v in variants})


def score_glossary(entries: list[Entry], gold: list[GoldTerm], top: int = 60) -> GlossaryScore:
    """Recall of `gold` over all `entries` (in rank order), and how many of the top `top` are gold pairs."""
    if top < 1:
        raise UserError(f"--top {top}: give a positive number of entries")
    rank: dict[str, int] = {}
    for i, e in enumerate(entries):
        rank.setdefault(e.source_term.strip(), i)
    s = GlossaryScore(gold=len(gold), top=top, entries=len(entries))
    right: set[str] = set()
    for g in gold:
        i = rank.get(g.zh)
        if i is not None and matches(entries[i], g.en):
            s.found.append(Hit(g.zh, i + 1, entries[i].target_term))
            right.add(g.zh)
        else:
            s.missing.append(Miss(g.zh, g.en, entries[i].target_term if i is not None else None,
                                  i + 1 if i is not None else None))
    s.top_hits = sum(1 for i, e in enumerate(entries[:top]) if rank.get(e.source_term.strip()) == i
                     and e.source_term.strip() in right)
    return s


def report(s: GlossaryScore) -> str:
    """The scores and the misses as a terminologist reads them."""
    lines = [f"gold pairs   {s.gold}",
             f"found        {len(s.found)}  recall {s.recall:.3f}  (in the top {s.top}: {s.recall_at_top:.3f})",
             f"top {s.top:<8} {s.top_hits} gold pairs of {min(s.top, s.entries)}  precision@{s.top} "
             f"{s.precision_at_top:.3f}  ({s.entries} entries in all)"]
    for m in s.missing:
        got = f"entry #{m.rank} has {m.got!r}" if m.got is not None else "no entry"
        lines.append(f"missing  {m.zh} -> {' | '.join(m.expected)}  ({got})")
    return "\n".join(lines)


# --- term entries in several languages ------------------------------------------------------------


@dataclass
class MultiScore:
    """A multilingual glossary against gold entries (language -> accepted variants, citation form first)."""

    gold: int
    found: int = 0  # gold entries whose English is an entry
    right: dict[str, int] = field(default_factory=dict)  # per language: the listed term is an accepted variant
    cited: dict[str, int] = field(default_factory=dict)  # per language: it is the citation form itself
    rows: list[dict] = field(default_factory=list)  # per gold entry: what the glossary lists in each language


def read_multi_gold(text: str) -> list[dict[str, tuple[str, ...]]]:
    """Rows of a tab-separated gold list with a header of language codes; ` | ` between variants."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise UserError("the gold list is empty")
    langs = [c.strip() for c in lines[0].split("\t")]
    out = []
    for ln in lines[1:]:
        cells = ln.split("\t")
        out.append({lang: tuple(v.strip() for v in cell.split("|") if v.strip()) for lang, cell in zip(langs, cells)})
    return out


def _norm(term: str) -> str:
    return normalize_en(term.replace("’", "'"))


def score_multi(gold: list[dict[str, tuple[str, ...]]], entries: list) -> MultiScore:
    """How many gold entries are found (by their English) and how many renderings are right per language.

    `entries` are `MultiEntry`s; an entry matches a gold row when its English term or one of its
    English forms is one of the row's English variants. The first matching entry (best ranked) counts.
    """
    out = MultiScore(len(gold))
    for row in gold:
        en = {_norm(v) for v in row.get("en", ())}
        match = next(((k, e) for k, e in enumerate(entries, 1) if en & {_norm(f) for f in
                      [e.terms["en"].term, *e.terms["en"].variants]}), None)
        got = {"rank": match[0] if match else None}
        if match:
            out.found += 1
            e = match[1]
            for lang, variants in row.items():
                r = e.terms.get(lang)
                got[lang] = r.term if r else None
                if r and _norm(r.term) in {_norm(v) for v in variants}:
                    out.right[lang] = out.right.get(lang, 0) + 1
                if r and variants and _norm(r.term) == _norm(variants[0]):
                    out.cited[lang] = out.cited.get(lang, 0) + 1
        out.rows.append({"gold": {k: v[0] for k, v in row.items() if v}, "got": got})
    return out

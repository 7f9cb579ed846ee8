"""The plain data of a glossary: aligned units in, entries out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Unit:
    """One aligned pair (a bead): segment ids on each side and their joined texts."""

    id: int
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    src: str
    tgt: str
    score: float = 1.0


@dataclass
class Candidate:
    """A term candidate in one language: its display form, frequency and where it occurs.

    `key` is the form occurrences are merged on (English: lower case, nouns singular);
    `forms` counts the surface forms seen, so the one used most in the text is shown.
    """

    key: str
    text: str
    freq: int = 0
    units: set[int] = field(default_factory=set)
    forms: dict[str, int] = field(default_factory=dict)
    title: bool = False  # Chinese: seen between 《》 (a whole name)
    words: tuple[str, ...] = ()  # tokens (jieba words / English words)
    tags: tuple[str, ...] = ()  # their part-of-speech tags, where known
    modifier: int = 0  # occurrences directly followed by a noun (a modifier there, not a head)
    linked: bool = False  # Chinese parts joined by 的/和/、 (法律的平等保护): a term only if its English says so
    verbal: int = 0  # Chinese: occurrences between a conjunction or adverb and an object (并判定对…): a predicate
    conjunct: int = 0  # Chinese: occurrences right after "的、" or "的或" (…行政的或者国际的地位): the last of coordinated modifiers

    def add(self, form: str, unit: int) -> None:
        self.freq += 1
        self.units.add(unit)
        self.forms[form] = self.forms.get(form, 0) + 1


@dataclass
class Equivalent:
    """One target-language equivalent of a source term, with the evidence behind its score."""

    term: str
    score: float
    frequency: int = 0
    variants: list[str] = field(default_factory=list)
    evidence: dict[str, float] = field(default_factory=dict)
    status: str = ""  # a reviewer's status from the term base (candidate, approved, forbidden, …); "" unreviewed


@dataclass
class Entry:
    """A glossary entry: the source term, its ranked equivalents, and where to check them."""

    source_term: str
    equivalents: list[Equivalent]
    score: float
    termhood: float = 0.0
    source_frequency: int = 0
    type: str = "concept"
    source_ids: list[int] = field(default_factory=list)
    target_ids: list[int] = field(default_factory=list)
    source_example: str = ""
    target_example: str = ""

    @property
    def target_term(self) -> str:
        return self.equivalents[0].term if self.equivalents else ""

    @property
    def target_frequency(self) -> int:
        return self.equivalents[0].frequency if self.equivalents else 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["target_term"] = self.target_term
        d["target_frequency"] = self.target_frequency
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Entry":
        eqs = [Equivalent(**{k: v for k, v in e.items() if k in Equivalent.__dataclass_fields__})
               for e in d.get("equivalents") or []]
        if not eqs and d.get("target_term"):
            eqs = [Equivalent(d["target_term"], float(d.get("score") or 0.0), int(d.get("target_frequency") or 0))]
        kw = {k: v for k, v in d.items() if k in cls.__dataclass_fields__ and k != "equivalents"}
        return cls(equivalents=eqs, **kw)


@dataclass
class Glossary:
    entries: list[Entry]
    src_lang: str = "zh"
    tgt_lang: str = "en"
    meta: dict = field(default_factory=dict)


@dataclass
class Rendering:
    """A term entry in one language: its citation form, the forms found in the text, and where."""

    term: str
    score: float = 1.0
    frequency: int = 0
    variants: list[str] = field(default_factory=list)
    example: str = ""


@dataclass
class MultiEntry:
    """One concept in several languages (`terms`: language code -> rendering, in glossary order)."""

    terms: dict[str, Rendering]
    score: float
    frequency: int = 0  # occurrences of the English term
    type: str = "concept"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "MultiEntry":
        terms = {lang: Rendering(**{k: v for k, v in r.items() if k in Rendering.__dataclass_fields__})
                 for lang, r in (d.get("terms") or {}).items()}
        return cls(terms, float(d.get("score") or 0.0), int(d.get("frequency") or 0), d.get("type") or "concept")


@dataclass
class MultiGlossary:
    entries: list[MultiEntry]
    langs: list[str]
    meta: dict = field(default_factory=dict)

"""A term entry's rendering in another language, found in the units aligned with English.

Pure functions on plain data. For one language X: each unit is an aligned (English, X) pair;
an entry is the set of units its English occurs in. The candidates in X are the word n-grams
that start and end on a content word inside those units (never across punctuation), merged on
their keys (`citation.token_key`: case and inflection out). Each is scored against the entry
over *all* units of the document:

- association: Dice of the units the two occur in (present where the entry is, absent elsewhere);
- length: the candidate's length against the English term's times the document's length ratio;
- spelling: for a Latin-script language, shared letter trigrams with the English (social
  progress / progrès social), and identical numbers;
- embedding: the encoder's cosine of the candidate with the English term, relative to the best
  candidate's (filled in by the caller, who owns the encoder);
- parts: a term holding another entry (fundamental human rights: human rights) holds that
  entry's rendering (основные права человека: права человека), the terms being compositional.

The best candidate is the rendering; its citation form (`citation.citation_form`) is listed,
and the forms found in the text are kept as variants.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Collection, Iterable, Sequence

from .citation import ar_normal, citation_form, strip_accents, token_key, unstressed

# a word: letters (with Arabic vowel marks and combining accents, as a Russian stress mark: пра́во),
# hyphen compounds joined; a French/Spanish elided article (l’, d’, qu’) is a word of its own
_TOKEN = re.compile(r"[^\W\d_](?:[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670]|[-‐](?=[^\W\d_]))*['’]?|\d+(?:[.,]\d+)*")
_BREAK = re.compile(r"[.,;:!?()\[\]«»\"“”„،؛؟—–…]|\s-\s")
MAX_EXTRA = 3  # a candidate may have this many words more than the English term
MAX_WORDS = 8

# Function words: a candidate never starts or ends on one (they may sit inside: droits de l’homme).
STOP = {
    "fr": """le la les l' l’ de des du d' d’ un une et ou à au aux en dans par pour sur avec sans que qui qu' qu’ ne
          pas se s' s’ sa son ses leur leurs il elle ils elles est sont a ont ce cet cette ces tout toute tous toutes
          même nul nulle aucun aucune y lui eux soit être avoir doit peut dont où ni plus""",
    "es": """el la los las lo de del un una unos unas y e o u a al en por para con sin que se su sus es son ha han
          este esta estos estas todo toda todos todas ni nadie ningún ninguna cual cuales como más le les sí ser
          estar haber debe puede""",
    "ru": """и в во на с со к ко по о об обо от до из за для не ни что как его ее её их или а но же бы то это все
          всех всем всеми всякий каждый каждого который которые которых также при без через между под над этой
          этого этом был была были быть является должны может имеет ее свой своей своего своих себя так""",
    "ar": """و في من إلى الى على عن أن ان إن لا ما هذا هذه ذلك التي الذي الذين كل أو او ثم قد أي لكل له لها
          به بها فيه فيها عليه عليها منه منها هو هي هم مع بين دون كان يكون ولا أو""",
}
STOP_WORDS = {lang: frozenset(ws.split()) for lang, ws in STOP.items()}
LATIN_SCRIPT = frozenset({"fr", "es", "de", "it", "pt"})


@dataclass(frozen=True)
class Weights:
    """Shares of the evidence in a candidate's score (renormalised over the evidence available)."""

    association: float = 0.4
    length: float = 0.1
    spelling: float = 0.15
    embedding: float = 0.35
    parts: float = 0.3


@dataclass
class Gram:
    """A candidate in one language: its key, the units it occurs in and its surface forms."""

    key: tuple[str, ...]
    units: set[int] = field(default_factory=set)
    forms: Counter = field(default_factory=Counter)  # weighted: a sentence-initial capital counts 0.01
    freq: int = 0

    @property
    def text(self) -> str:
        return self.forms.most_common(1)[0][0]


@dataclass
class Scored:
    gram: Gram
    score: float
    evidence: dict[str, float]


def tokens(text: str) -> list[list[tuple[str, int, int]]]:
    """The words of `text` (word, start, end) in chunks between punctuation marks."""
    out: list[list[tuple[str, int, int]]] = []
    prev = None
    for m in _TOKEN.finditer(text):
        if prev is None or _BREAK.search(text[prev:m.start()]):
            out.append([])
        out[-1].append((m.group(0), m.start(), m.end()))
        prev = m.end()
    return out


def is_content(word: str, lang: str) -> bool:
    w = unstressed(word.casefold())
    stop = STOP_WORDS.get(lang, frozenset())
    if w in stop or w.replace("’", "'") in stop or w.isdigit():
        return False
    return len(ar_normal(w) if lang == "ar" else w) > 1


def index_grams(units: dict[int, str], lang: str, max_words: int = MAX_WORDS) -> dict[tuple[str, ...], Gram]:
    """Every candidate n-gram of the texts (unit id -> text in `lang`), merged on its key."""
    out: dict[tuple[str, ...], Gram] = {}
    for uid, text in units.items():
        for n, chunk in enumerate(tokens(text)):
            keys = [token_key(w, lang) for w, _, _ in chunk]
            content = [is_content(w, lang) for w, _, _ in chunk]
            for i in range(len(chunk)):
                if not content[i]:
                    continue
                for j in range(i + 1, min(len(chunk), i + max_words) + 1):
                    if content[j - 1]:
                        k = tuple(keys[i:j])
                        g = out.get(k)
                        if g is None:
                            g = out[k] = Gram(k)
                        g.units.add(uid)
                        g.freq += 1
                        # a capital at the start of a sentence says nothing: such a form is shown only if no other is
                        form = " ".join(text[chunk[i][1]:chunk[j - 1][2]].split())
                        g.forms[form] += 0.01 if n == 0 and i == 0 and _sentence_start(text, form) else 1
    return out


def _sentence_start(text: str, form: str) -> bool:
    head = text.lstrip("\"«“ (0123456789.")
    return head.startswith(form) and form[:1].isupper() and not form[1:2].isupper()


def dice(a: Collection[int], b: Collection[int]) -> float:
    return 2 * len(set(a) & set(b)) / (len(a) + len(b)) if a or b else 0.0


def length_fit(candidate: str, english: str, ratio: float) -> float:
    """1 when the candidate is as long as the English term times the document's length ratio,
    falling off with the log of the mismatch (half at twice or half the expected length)."""
    want, have = max(1.0, len(english) * ratio), max(1, len(candidate))
    return min(want, have) / max(want, have)


def spelling(candidate: str, english: str) -> float:
    """Shared letter trigrams (word order ignored, accents and case out): cognates and names."""
    def grams(s: str) -> Counter:
        out: Counter = Counter()
        for w in strip_accents(s).casefold().split():
            w = f" {w} "
            out.update(w[k:k + 3] for k in range(len(w) - 2))
        return out
    a, b = grams(candidate), grams(english)
    if not a or not b:
        return 0.0
    return 2 * sum((a & b).values()) / (sum(a.values()) + sum(b.values()))


def numbers_agree(candidate: str, english: str) -> bool:
    return set(re.findall(r"\d+", candidate)) == set(re.findall(r"\d+", english))


def score_candidates(entry_units: Collection[int], english: str, grams: dict[tuple[str, ...], Gram], ratio: float,
                     lang: str, weights: Weights = Weights(), cosines: dict[tuple[str, ...], float] | None = None,
                     top: int | None = None, parts: Sequence[tuple[str, ...]] = ()) -> list[Scored]:
    """The candidates of the entry's units, best first.

    `entry_units`: units the English term occurs in; `grams`: every candidate of the language
    over all units (`index_grams`); `ratio`: characters of this language per English character;
    `cosines`: encoder cosines of candidate keys with the English term (absent: not weighed);
    `parts`: the keys of the renderings of entries the English term holds (`sub_terms`).
    """
    entry_units = set(entry_units)
    n_words = len(english.split())
    seen = {k for k, g in grams.items() if g.units & entry_units and len(k) <= n_words + MAX_EXTRA}
    out = []
    latin = lang in LATIN_SCRIPT
    best_cos = max((cosines[k] for k in seen if cosines and k in cosines), default=None)
    for k in seen:
        g = grams[k]
        text = g.text
        ev = {"association": dice(entry_units, g.units), "length": length_fit(text, english, ratio)}
        if latin:
            ev["spelling"] = spelling(text, english)
        if cosines and k in cosines and best_cos is not None:
            # this encoder puts most pairs in 0.75-0.95: the cosine counts relative to the best candidate's
            ev["embedding"] = min(1.0, max(0.0, 1 + (cosines[k] - best_cos) / 0.1))
            ev["cosine"] = cosines[k]  # not weighed: breaks ties between entries (`assign`)
        if parts:
            ev["parts"] = sum(_holds(k, p) for p in parts) / len(parts)
        if not numbers_agree(text, english):
            ev["numbers"] = 0.0
        if lang == "ar" and " and " not in f" {english} " and any(
                len(ar_normal(w)) >= 4 and w.startswith("و") for w in text.split()[1:]):
            ev["coordination"] = 0.0  # و joined to a later word: two terms side by side, unless the English has "and"
        out.append(Scored(g, combine(ev, weights), ev))
    out.sort(key=lambda s: (-s.score, -len(s.gram.key), s.gram.text))
    return out[:top] if top else out


def _holds(key: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(key[i:i + n] == part for i in range(len(key) - n + 1))


def sub_terms(english: Sequence[str]) -> list[list[int]]:
    """For each English term, the other terms that are a run of its words (human rights in
    fundamental human rights)."""
    words = [tuple(t.casefold().split()) for t in english]
    return [[j for j, w in enumerate(words) if j != k and len(w) < len(ws) and _holds(ws, w)]
            for k, ws in enumerate(words)]


def combine(evidence: dict[str, float], weights: Weights = Weights()) -> float:
    """Weighted mean of the evidence present; a number the English lacks (or has alone) halves it,
    and so does an Arabic coordination the English does not have."""
    parts = [(getattr(weights, k), v) for k, v in evidence.items() if hasattr(weights, k)]
    total = sum(w for w, _ in parts) or 1.0
    s = sum(w * v for w, v in parts) / total
    for penalty in ("numbers", "coordination"):
        s *= 0.5 if evidence.get(penalty) == 0.0 else 1.0
    return round(s, 4)


def occurrences(english_forms: Iterable[str], units: dict[int, str]) -> set[int]:
    """Units whose English text holds one of the forms (whole words, any case)."""
    pats = [re.compile(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", re.I) for f in english_forms if f.strip()]
    return {u for u, text in units.items() if any(p.search(text) for p in pats)}


def length_ratio(pairs: Sequence[tuple[str, str]]) -> float:
    """Characters of the other language per English character over the aligned units."""
    en = sum(len(a) for a, _ in pairs)
    other = sum(len(b) for _, b in pairs)
    return other / en if en and other else 1.0


def cited(g: Gram, lang: str, attested: Collection[str] = (), english: str = "") -> tuple[str, list[str]]:
    """The candidate's citation form and its surface forms, commonest first. Of forms that differ in
    letter case only, a lower-case English term prefers the lower-case one (derechos humanos, not
    the title's Derechos Humanos)."""
    forms = [f for f, _ in g.forms.most_common()]
    counts: Counter = Counter()
    lower = english[:1].islower()
    plural = english_plural(english) if english else None
    for f, n in g.forms.items():
        counts[" ".join(citation_form(f.split(), lang, attested, plural))] += n + (1000 if lower and f[:1].islower() else 0)
    best = counts.most_common(1)[0][0]
    return best, forms


def english_plural(term: str) -> bool:
    """Whether an English term's head noun (the word before "of", else the last) is plural."""
    words = term.split()
    head = words[words.index("of") - 1] if "of" in words[1:] else words[-1]
    low = head.casefold()
    return low.endswith("s") and not low.endswith(("ss", "us", "is", "ics")) or low in ("people", "children", "women", "men")


def example(units: Collection[int], texts: dict[int, str]) -> str:
    """The shortest of the units' texts (a whole sentence that shows the term)."""
    return min((texts[u] for u in units if u in texts), key=lambda t: (len(t), t), default="")


def attested_words(texts: Iterable[str]) -> set[str]:
    """Arabic words of the texts, normalised, also without the article (السلامة attests سلامة): a
    prefix letter is a clitic when what follows it is a word of its own (`citation.ar_strip_clitics`)."""
    out = set()
    for t in texts:
        for m in _TOKEN.finditer(t):
            w = ar_normal(m.group(0))
            out.add(w)
            if w.startswith("ال") and len(w) > 4:
                out.add(w[2:])
    return out


def assign(ranked: Sequence[Sequence[Scored]], english: Sequence[str], min_score: float) -> list[Scored | None]:
    """One rendering per entry, greedily by score, a rendering going to one entry only (competitive
    linking): "esclavage" is the rendering of "slavery", so "slave trade" of the same sentence takes
    its next candidate; nor may a rendering lie inside another entry's ("trade" inside "slave trade")
    unless it also occurs outside it, though it may hold one (a term holds the terms it is made of). Entries whose English terms nest
    (Charter, Charter of the United Nations) may share one."""
    best: list[Scored | None] = [None] * len(ranked)
    owner: dict[tuple[str, ...], tuple[str, Gram]] = {}
    heads = sorted(((s.score, s.evidence.get("cosine", 0.0), k, s) for k, cands in enumerate(ranked)
                    for s in cands if s.score >= min_score), key=lambda x: (-x[0], -x[1], x[2]))
    for _, _, k, s in heads:
        if best[k] is not None:
            continue
        key = s.gram.key
        if any(not _nested(other, english[k]) and _holds(taken, key) and s.gram.units <= gram.units
               for taken, (other, gram) in owner.items()):
            continue
        best[k] = s
        owner.setdefault(s.gram.key, (english[k], s.gram))
    return best


def _nested(a: str, b: str) -> bool:
    """One term's words are all words of the other (fundamental rights, fundamental human rights)."""
    a, b = a.casefold(), b.casefold()
    wa, wb = set(a.split()), set(b.split())
    return a in b or b in a or wa <= wb or wb <= wa

"""Term recognition: the known terms of a document, found the way a translator reads them.

A term list is plain data: one `TermEntry` per source term, with its approved renderings, the
renderings that must not be used and any other known ones, built from glossary files
(`from_glossary`) or from the term base's rows (`from_termbase_rows`, where the reviewer's
statuses live). `recognise` finds the entries in a document's segments, either language
(`flip` turns a Chinese→English list round for an English document).

Matching:
- Chinese: longest match over all known terms (核武器 inside a known 无核武器区 is not a hit for
  核武器), and a hit may not cut a jieba word when what it leaves of that word is one character
  (国际法 inside 国际法院, 大会 inside 大会堂: a bound morpheme makes a different word). When the
  rest is two characters or more, jieba's dictionary merely holds a compound of words (大会决议,
  联合国大会) and the term stands.
- English: words are compared on a folded key: case folded, hyphens and slashes as spaces,
  possessive 's dropped and a plural suffix taken off by rule (-ies → -y, -ches/-shes/-sses/-xes
  → drop -es, else a final -s unless -ss/-us/-is). Term and text are folded by the same rule, so
  a mangled key (series → sery) is harmless: only equality matters. A lemmatizer (spaCy) would
  need context the term strings do not have (it tags "States" as a proper noun in one place and
  a plural in another) and costs ~100× the time; irregular plurals (criteria, women) are not
  folded.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

from .model import Entry

log = logging.getLogger(__name__)

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_EN_WORD = re.compile(r"[^\W_⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:['’][sS]\b)?")  # footnote markers are not letters


# --- the term list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """Where a term was used before: a document and its bilingual segment pair."""

    document: str
    source: str
    target: str


@dataclass(frozen=True)
class TermEntry:
    """A source term with its renderings: approved (to use), forbidden (never to use), others
    (known, neither: what a translator may have written instead). `frequencies` holds how often
    the glossary or term base saw each rendering."""

    source: str
    approved: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    frequencies: tuple[tuple[str, int], ...] = ()
    type: str = ""
    documents: tuple[str, ...] = ()
    contexts: tuple[Context, ...] = ()

    @property
    def renderings(self) -> tuple[str, ...]:
        return self.approved + self.others + self.forbidden

    def frequency_of(self, rendering: str) -> int:
        return dict(self.frequencies).get(rendering, 0)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for s in items if s and s.strip()))


def merge_entries(entries: Iterable[TermEntry]) -> list[TermEntry]:
    """One entry per source term (several glossary files may list it): renderings pooled, an
    approved or forbidden status winning over a mere known one."""
    by_src: dict[str, list[TermEntry]] = {}
    for e in entries:
        by_src.setdefault(e.source, []).append(e)
    out = []
    for src, es in by_src.items():
        forbidden = _unique(r for e in es for r in e.forbidden)
        approved = _unique(r for e in es for r in e.approved if r not in forbidden)
        others = _unique(r for e in es for r in e.others if r not in forbidden and r not in approved)
        freqs: dict[str, int] = {}
        for e in es:
            for r, n in e.frequencies:
                freqs[r] = max(freqs.get(r, 0), n)
        out.append(TermEntry(src, approved, forbidden, others, tuple(freqs.items()), es[0].type,
                             _unique(d for e in es for d in e.documents),
                             tuple(dict.fromkeys(c for e in es for c in e.contexts))))
    return out


def from_glossary(entries: Iterable[Entry], document: str = "") -> list[TermEntry]:
    """Glossary entries (any file `termalign glossary` writes) as a term list: the first
    equivalent (and its surface variants) approved, the further ones known; entries that carry
    review statuses (a term base's export) are read as `from_termbase_rows` reads the term base."""
    out = []
    for e in entries:
        if not e.source_term.strip():
            continue
        if any(q.status for q in e.equivalents):  # exported from a term base: the reviewer's statuses count
            out += from_termbase_rows({"source_term": e.source_term, "target_term": q.term, "status": q.status,
                                       "variants": " | ".join(q.variants), "cooccurrences": q.frequency,
                                       "type": e.type, "documents": document, "source_example": e.source_example,
                                       "target_example": e.target_example} for q in e.equivalents)
            continue
        first = e.equivalents[0] if e.equivalents else None
        approved = _unique([first.term, *first.variants]) if first else ()
        others = _unique(r for q in e.equivalents[1:] for r in [q.term, *q.variants])
        contexts = (Context(document, e.source_example, e.target_example),) \
            if e.source_example or e.target_example else ()
        out.append(TermEntry(e.source_term, approved, (), others, tuple((q.term, q.frequency) for q in e.equivalents),
                             e.type, (document,) if document else (), contexts))
    return merge_entries(out)


def from_termbase_rows(rows: Iterable[dict]) -> list[TermEntry]:
    """The term base's `glossary_rows(include_rejected=True)` as a term list.

    Status approved → approved; forbidden → forbidden; do-not-translate → the source term itself
    is the rendering; rejected → left out (an extraction error, not a rendering anyone used);
    candidate → known. A term nobody reviewed yet gets its best candidate (rows come best first)
    as the approved rendering, so an unreviewed term base still checks something; a term whose
    every rendering was rejected is no term. Variants merged into a rendering (row `variants`)
    share its status; variants of the term itself (`source_variants`) are found as the term.
    """
    grouped: dict[str, list[dict]] = {}
    for r in rows:
        grouped.setdefault(r["source_term"], []).append(r)
    out = []
    for src, rs in grouped.items():
        status = lambda r: (r.get("status") or "candidate").lower().replace("_", "-")  # noqa: E731
        if all(status(r) == "rejected" for r in rs):
            continue
        forms = lambda st: [f for r in rs if status(r) == st  # noqa: E731
                            for f in (r["target_term"], *split_variants(r.get("variants")))]
        approved = forms("approved")
        if any(status(r) == "do-not-translate" for r in rs):
            approved.insert(0, src)
        forbidden = forms("forbidden")
        others = forms("candidate")
        if not approved and others:
            approved, others = others[:1], others[1:]
        docs = _unique(d for r in rs for d in str(r.get("documents") or "").split())
        ex = next((r for r in rs if r.get("source_example")), None)
        contexts = (Context("", ex["source_example"], ex.get("target_example", "")),) if ex else ()
        freqs = tuple((r["target_term"], int(r.get("cooccurrences") or 0)) for r in rs if status(r) != "rejected")
        for name in (src, *split_variants(rs[0].get("source_variants"))):
            out.append(TermEntry(name, _unique(approved), _unique(forbidden), _unique(others), freqs,
                                 rs[0].get("type") or "", docs, contexts))
    return merge_entries(out)


def split_variants(cell: object) -> list[str]:
    """A " | "-joined variants cell (term base rows, CSV exports) as a list."""
    return [v.strip() for v in str(cell or "").split(" | ") if v.strip()]


def flip(entries: Sequence[TermEntry]) -> list[TermEntry]:
    """The list turned round (English term → Chinese terms), for a document in the target
    language: each approved rendering becomes a source term whose approved renderings are the
    source terms that use it."""
    out = [TermEntry(r, (e.source,), (), (), ((e.source, e.frequency_of(r)),), e.type, e.documents,
                     tuple(Context(c.document, c.target, c.source) for c in e.contexts))
           for e in entries for r in e.approved if r != e.source]
    return merge_entries(out)


# --- matching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    start: int  # character offsets in the text
    end: int
    key: str  # the matching key of the known form (see `key_of`)


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def fold_word(word: str) -> str:
    """An English word's matching key: case folded, possessive and plural suffix off."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def en_words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word: hyphens, slashes and punctuation separate words."""
    return [(fold_word(m.group(0)), m.start(), m.end()) for m in _EN_WORD.finditer(text)]


def key_of(term: str, lang: str) -> str:
    """The form a term is matched on: Chinese without spaces and title marks, English folded words."""
    if lang == "zh":
        return "".join(term.replace("《", "").replace("》", "").split())
    return " ".join(w for w, _, _ in en_words(term))


@dataclass(frozen=True)
class TermIndex:
    """Known forms of one language by matching key, ready to scan texts with."""

    lang: str
    keys: frozenset[str]
    lengths: tuple[int, ...]  # key lengths present (characters for Chinese, words for English), longest first


def build_index(forms: Iterable[str], lang: str) -> TermIndex:
    keys = {k for k in (key_of(f, lang) for f in forms) if k}
    size = len if lang == "zh" else (lambda k: k.count(" ") + 1)
    return TermIndex(lang, frozenset(keys), tuple(sorted({size(k) for k in keys}, reverse=True)))


def find_all(index: TermIndex, text: str) -> list[Match]:
    """Every occurrence of every known form, nested and overlapping ones included."""
    out: list[Match] = []
    if index.lang == "zh":
        n = len(text)
        for length in index.lengths:
            for i in range(n - length + 1):
                if text[i:i + length] in index.keys:
                    out.append(Match(i, i + length, text[i:i + length]))
        return out
    words = en_words(text)
    for length in index.lengths:
        for i in range(len(words) - length + 1):
            key = " ".join(w for w, _, _ in words[i:i + length])
            if key in index.keys:
                out.append(Match(words[i][1], words[i + length - 1][2], key))
    return out


def longest_matches(matches: Iterable[Match]) -> list[Match]:
    """Non-overlapping matches, longest first: a term inside a longer known term is no hit."""
    taken: list[tuple[int, int]] = []
    out = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if all(m.end <= s or m.start >= e for s, e in taken):
            taken.append((m.start, m.end))
            out.append(m)
    return sorted(out, key=lambda m: m.start)


@lru_cache(maxsize=4096)
def _jieba_words(text: str) -> tuple[tuple[int, int], ...]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple((s, e) for _, s, e in jieba.tokenize(text))


def cuts_a_word(text: str, m: Match, words: Sequence[tuple[int, int]] | None = None) -> bool:
    """Does the match cut a jieba word and leave one character of it outside (国际法|院)?"""
    for s, e in (words if words is not None else _jieba_words(text)):
        if s < m.start < e and m.start - s == 1 or s < m.end < e and e - m.end == 1:
            return True
    return False


def find_terms(index: TermIndex, text: str) -> list[Match]:
    """The known terms in `text`: longest matches, and in Chinese none that cuts a word apart."""
    ms = longest_matches(find_all(index, text))
    if index.lang == "zh" and ms:
        ms = [m for m in ms if not cuts_a_word(text, m)]
    return ms


# --- recognition ----------------------------------------------------------------------------


@dataclass
class TermHit:
    """A known term in a document: how often, in which segments, in which surface forms."""

    entry: TermEntry
    lang: str
    frequency: int = 0
    segments: list[int] = field(default_factory=list)
    forms: dict[str, int] = field(default_factory=dict)
    first: tuple[int, int] = (0, 0)  # (segment, offset) of the first occurrence


def recognise(segments: Sequence[str], entries: Sequence[TermEntry], lang: str | None = None) -> list[TermHit]:
    """The entries whose source term occurs in `segments` (ids are list positions), in order of
    first occurrence. `lang` ("zh"/"en") defaults to what the text is written in; the entries'
    source terms must be in that language (see `flip`)."""
    lang = lang or ("zh" if any(has_han(s) for s in segments) else "en")
    by_key: dict[str, list[TermEntry]] = {}
    for e in entries:
        by_key.setdefault(key_of(e.source, lang), []).append(e)
    index = build_index((e.source for e in entries), lang)
    hits: dict[str, TermHit] = {}
    for sid, text in enumerate(segments):
        for m in find_terms(index, text):
            for e in by_key[m.key]:
                h = hits.get(e.source)
                if h is None:
                    h = hits[e.source] = TermHit(e, lang, first=(sid, m.start))
                h.frequency += 1
                if not h.segments or h.segments[-1] != sid:
                    h.segments.append(sid)
                form = text[m.start:m.end]
                h.forms[form] = h.forms.get(form, 0) + 1
    return sorted(hits.values(), key=lambda h: h.first)


# --- presentation -------------------------------------------------------------------------

TERM_COLUMNS = ["term", "language", "equivalents", "renderings", "forbidden", "frequency", "segments", "forms",
                "documents", "context_document", "source_context", "target_context"]


def term_rows(hits: Sequence[TermHit]) -> list[dict]:
    """One flat record per recognised term (the CSV/XLSX pre-translation term list): its approved
    equivalents, every known rendering with how often the term list saw it, where it occurs."""
    out = []
    for h in hits:
        e = h.entry
        ctx = e.contexts[0] if e.contexts else Context("", "", "")
        out.append({
            "term": e.source,
            "language": h.lang,
            "equivalents": " | ".join({r.casefold(): r for r in reversed(e.approved)}[k]  # case variants once
                                      for k in dict.fromkeys(r.casefold() for r in e.approved)),
            "renderings": " | ".join(f"{r} ({n})" for r, n in e.frequencies if r not in e.forbidden),
            "forbidden": " | ".join(e.forbidden),
            "frequency": h.frequency,
            "segments": " ".join(map(str, h.segments)),
            "forms": " | ".join(f"{f} ({n})" for f, n in sorted(h.forms.items(), key=lambda x: -x[1])),
            "documents": " ".join(e.documents),
            "context_document": ctx.document,
            "source_context": ctx.source,
            "target_context": ctx.target,
        })
    return out

"""Find a term in one or more glossaries: Chinese or English query (any language in a multilingual
glossary), exact matches first.

Matching ignores case, surrounding spaces, repeated spaces and 《》 marks. An exact match is
the whole term (any listed form of an English equivalent); a partial match is the query
inside a term or a term inside the query (a pasted phrase that holds a known term).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import Entry, MultiEntry

_HAN = re.compile(r"[\u3400-\u9fff]")


def normalize(text: str) -> str:
    return " ".join(text.replace("《", "").replace("》", "").casefold().split())


@dataclass(frozen=True)
class Hit:
    entry: Entry
    exact: bool
    matched: str  # the term that matched (source term or an English form)
    source: str = ""  # the glossary file it came from


def _forms(e: Entry, chinese: bool) -> list[str]:
    if chinese:
        return [e.source_term]
    return [f for q in e.equivalents for f in [q.term, *q.variants]]


def search(entries: list[tuple[str, Entry]], query: str, limit: int | None = None) -> list[Hit]:
    """Hits for `query` among (file, entry) pairs: exact before partial, then by score."""
    q = normalize(query)
    if not q:
        return []
    chinese = bool(_HAN.search(query))
    hits: list[Hit] = []
    for src, e in entries:
        best: Hit | None = None
        for form in _forms(e, chinese):
            f = normalize(form)
            if not f:
                continue
            if f == q:
                best = Hit(e, True, form, src)
                break
            if best is None and (q in f or (len(f) >= 2 and f in q)):
                best = Hit(e, False, form, src)
        if best:
            hits.append(best)
    hits.sort(key=lambda h: (not h.exact, -h.entry.score, len(h.matched)))
    return hits[:limit] if limit else hits


def highlight(text: str, term: str, start: str = "**", end: str = "**") -> str:
    """`text` with each occurrence of `term` (case-insensitive) wrapped in start/end markers."""
    if not term or not text:
        return text
    return re.sub(re.escape(term), lambda m: f"{start}{m.group(0)}{end}", text, flags=re.I)


def format_hits(hits: list[Hit], contexts: bool = False, color: bool = False, show_source: bool = False) -> str:
    """Plain-text report: one block per hit; with `contexts`, the bilingual example, term marked."""
    start, end = ("\x1b[1;33m", "\x1b[0m") if color else ("**", "**")
    out: list[str] = []
    for h in hits:
        e = h.entry
        kind = "exact" if h.exact else "partial"
        where = f"  [{h.source}]" if show_source and h.source else ""
        out.append(f"{e.source_term}  ({e.type}, {kind}, score {e.score:.2f}, freq {e.source_frequency}){where}")
        for q in e.equivalents:
            out.append(f"    -> {q.term}  ({q.score:.2f})")
        if contexts and (e.source_example or e.target_example):
            if e.source_example:
                out.append(f"    zh: {highlight(e.source_example, e.source_term, start, end)}")
            if e.target_example:
                tgt = e.target_example
                for q in e.equivalents:
                    for form in [q.term, *q.variants]:
                        if form.lower() in tgt.lower():
                            tgt = highlight(tgt, form, start, end)
                            break
                    else:
                        continue
                    break
                out.append(f"    en: {tgt}")
    return "\n".join(out)


# --- multilingual glossaries: a query in any language ---------------------------------------------


#: left after NFC: Russian stress marks (е́ has no composed form), and the bidi and zero-width marks
#: a query copied out of Arabic or mixed-direction text carries
_INVISIBLE = re.compile("[\u0300\u0301\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def normalize_any(text: str) -> str:
    """`normalize` for any of the six languages: Arabic vowel marks and alef forms, curly apostrophes,
    stress and direction marks."""
    from .citation import ar_normal

    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return normalize(ar_normal(text).replace("’", "'"))


@dataclass(frozen=True)
class MultiHit:
    entry: MultiEntry
    exact: bool
    lang: str  # the language the query matched in
    matched: str
    source: str = ""


def search_multi(entries: list[tuple[str, MultiEntry]], query: str, limit: int | None = None) -> list[MultiHit]:
    """Hits for `query` in any language of the entries (term or a form found in the text): exact
    before partial, then by score."""
    q = normalize_any(query)
    if not q:
        return []
    hits: list[MultiHit] = []
    for src, e in entries:
        best: MultiHit | None = None
        for lang, r in e.terms.items():
            for form in dict.fromkeys([r.term, *r.variants]):
                f = normalize_any(form)
                if not f:
                    continue
                if f == q:
                    best = MultiHit(e, True, lang, form, src)
                    break
                if best is None and (q in f or (len(f) >= 2 and f in q)):
                    best = MultiHit(e, False, lang, form, src)
            if best is not None and best.exact:
                break
        if best:
            hits.append(best)
    hits.sort(key=lambda h: (not h.exact, -h.entry.score, len(h.matched)))
    return hits[:limit] if limit else hits


def format_multi_hits(hits: list[MultiHit], contexts: bool = False, show_source: bool = False) -> str:
    """One block per hit: the entry in every language, with the example sentences on request."""
    out: list[str] = []
    for h in hits:
        where = f"  [{h.source}]" if show_source and h.source else ""
        out.append(f"{h.matched}  ({h.lang}, {'exact' if h.exact else 'partial'}, score {h.entry.score:.2f}){where}")
        for lang, r in h.entry.terms.items():
            out.append(f"    {lang}: {r.term}  (freq {r.frequency})")
            if contexts and r.example:
                out.append(f"        {highlight(r.example, r.term)}")
    return "\n".join(out)

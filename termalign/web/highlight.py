"""Where terms occur in a text, as (start, end, payload) spans the page turns into DOM nodes.

The server never builds HTML from user text: it sends the text and the spans, the page puts
each piece in a text node. That is what keeps a paragraph holding `<script>` inert.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    term: str
    gloss: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "term": self.term, "gloss": self.gloss}


@functools.lru_cache(maxsize=4096)
def _pattern(term: str) -> re.Pattern:
    """Latin terms match on word boundaries, case-insensitively; Chinese ones anywhere."""
    esc = re.escape(term)
    if re.search(r"[A-Za-z0-9]", term):
        return re.compile(rf"(?<![\w-]){esc}(?![\w-])", re.IGNORECASE)
    return re.compile(esc)


def find_spans(text: str, terms: Iterable[tuple[str, str]]) -> list[Span]:
    """Non-overlapping occurrences of `terms` ((term, gloss) pairs) in `text`, longest term first."""
    taken: list[Span] = []
    for term, gloss in sorted({t for t in terms if t[0].strip()}, key=lambda t: (-len(t[0]), t[0])):
        for m in _pattern(term).finditer(text):
            if all(m.end() <= s.start or m.start() >= s.end for s in taken):
                taken.append(Span(m.start(), m.end(), term, gloss))
    return sorted(taken, key=lambda s: s.start)


def term_spans(text: str, term: str, gloss: str = "") -> list[dict]:
    """Spans of one term in a context (keyword in context), `gloss` shown on hover."""
    return [s.as_dict() for s in find_spans(text, [(term, gloss)])]


def contains(text: str, term: str) -> bool:
    return bool(term.strip()) and _pattern(term).search(text) is not None

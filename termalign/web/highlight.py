"""Where terms occur in a text, as (start, end, payload) spans the page turns into DOM nodes.

The server never builds HTML from user text: it sends the text and the spans, the page puts
each piece in a text node. That is what keeps a paragraph holding `<script>` inert.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable


@functools.lru_cache(maxsize=4096)
def _pattern(term: str) -> re.Pattern:
    """Latin terms match on word boundaries, case-insensitively; Chinese ones anywhere."""
    esc = re.escape(term)
    if re.search(r"[A-Za-z0-9]", term):
        return re.compile(rf"(?<![\w-]){esc}(?![\w-])", re.IGNORECASE)
    return re.compile(esc)


class Marker:
    """Finds a fixed set of terms in many texts: patterns compiled and ordered once per request."""

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        uniq = sorted({t for t in terms if t[0].strip()}, key=lambda t: (-len(t[0]), t[0]))
        self._pats = [(_pattern(term), term, gloss) for term, gloss in uniq]

    def spans(self, text: str) -> list[dict]:
        """Non-overlapping occurrences, longest term first, as JSON-ready dicts in text order."""
        taken: list[tuple[int, int, str, str]] = []
        for pat, term, gloss in self._pats:
            for m in pat.finditer(text):
                a, b = m.span()
                if all(b <= s or a >= e for s, e, _, _ in taken):
                    taken.append((a, b, term, gloss))
        taken.sort()
        return [{"start": a, "end": b, "term": t, "gloss": g} for a, b, t, g in taken]


def find_spans(text: str, terms: Iterable[tuple[str, str]]) -> list[dict]:
    """Spans of `terms` ((term, gloss) pairs) in one text; see Marker for many texts."""
    return Marker(terms).spans(text)


def term_spans(text: str, term: str, gloss: str = "") -> list[dict]:
    """Spans of one term in a context (keyword in context), `gloss` shown on hover."""
    return find_spans(text, [(term, gloss)])

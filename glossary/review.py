"""A reviewer's standing decisions applied to extraction: a stop list and variant merging.

Stop list (as memoQ has it): a word blocks a candidate term when it stands at the candidate's
start, anywhere in it, or at its end ("the" at the start, "said" anywhere, "thereof" at the
end). English compares whole words, case-folded, so a stop word "in" never blocks "initiative";
Chinese compares characters (the candidate starts with, contains or ends with the word), since
a Chinese candidate has no spaces to cut at.

Variants: two English renderings are one term when they differ only in case, hyphens and spaces
(nuclear-weapon States / nuclear weapon States, co-operation / cooperation) or in a regular
plural suffix (assurance / assurances). `variant_key` is that comparison; `merge_variants` folds
an entry's equivalents into one per key, the best scored keeping its text and the others kept as
its variants. Irregular forms (criteria/criterion) and spelling pairs beyond hyphens
(programme/program) are left apart: a false merge loses a rendering, a missed one only shows a
duplicate the reviewer can merge by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from align.errors import UserError, check_chars

from .model import Equivalent
from .recognise import fold_word, has_han

WHERE = ("start", "any", "end")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class StopList:
    """Stop words as (where, word) pairs, sorted (hashable, and part of a glossary's signature)."""

    words: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words)

    def blocks(self, text: str) -> bool:
        """Does a stop word block this candidate (Chinese or English)?"""
        return any(_blocks(text, where, word) for where, word in self.words)


def stop_list(pairs: Iterable[tuple[str, str]]) -> StopList:
    """A StopList from (where, word) pairs; `where` is start, any or end."""
    out = set()
    for where, word in pairs:
        if where not in WHERE:
            raise UserError(f"stop word position must be one of {', '.join(WHERE)}, not {where!r}")
        word = " ".join(check_chars(word, f"stop word {word!r}").split())
        if word:
            out.add((where, word if has_han(word) else word.casefold()))
    return StopList(tuple(sorted(out)))


def parse_stop_list(text: str) -> list[tuple[str, str]]:
    """A stop list file: one word a line, `start<TAB>word`, `end<TAB>word` or `any<TAB>word`
    (a bare word blocks anywhere); `#` starts a comment line."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where, sep, word = line.partition("\t")
        if not sep:
            where, word = "any", line
        out.append((where.strip().lower(), word.strip()))
    return out


def format_stop_list(stop: StopList) -> str:
    """The file form `parse_stop_list` reads back."""
    return "".join(f"{where}\t{word}\n" for where, word in stop.words)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _blocks(text: str, where: str, word: str) -> bool:
    if has_han(word):
        t = "".join(text.split())
        w = "".join(word.split())
        return t.startswith(w) if where == "start" else t.endswith(w) if where == "end" else w in t
    ws, stop = _words(text), _words(word)
    n = len(stop)
    if not n or n > len(ws):
        return False
    if where == "start":
        return ws[:n] == stop
    if where == "end":
        return ws[-n:] == stop
    return any(ws[i:i + n] == stop for i in range(len(ws) - n + 1))


def variant_key(text: str) -> str:
    """What two spellings of one English term share: words case-folded with a regular plural off
    (recognise.fold_word), hyphens, slashes and spaces removed."""
    return "".join(fold_word(w) for w in _WORD.findall(text.replace("-", " ").replace("‐", " ")))


def merge_variants(equivalents: Sequence[Equivalent]) -> list[Equivalent]:
    """One equivalent per `variant_key`, in the given (best first) order: the first of a key
    keeps its text and score, takes the others' frequency, and lists their texts as variants."""
    out: dict[str, Equivalent] = {}
    for q in equivalents:
        key = variant_key(q.term) or q.term
        head = out.get(key)
        if head is None:
            out[key] = replace(q, variants=list(q.variants))
            continue
        head.frequency += q.frequency
        for v in (q.term, *q.variants):
            if v != head.term and v not in head.variants:
                head.variants.append(v)
    return list(out.values())

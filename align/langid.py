"""Which of the six UN languages (and German) a text is in.

Script decides first: Han → zh, Arabic → ar, Cyrillic → ru. Latin-script text is told apart
by lingua (offline n-gram models, restricted to the few Latin languages termalign handles,
which is both faster and more accurate than choosing among 75). German stays in the set
because the Text+Berg dev set is German–French.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: the languages `identify_language` can return
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh", "de")
LATIN_LANGUAGES = ("en", "fr", "es", "de")
LANGUAGE_NAMES = {"ar": "Arabic", "en": "English", "es": "Spanish", "fr": "French", "ru": "Russian",
                  "zh": "Chinese", "de": "German"}
#: a script owns a text when at least this share of its letters are in it (UN texts quote
#: Latin symbols and names such as A/RES/75/45 inside Chinese, Arabic or Russian text)
SCRIPT_SHARE = 0.3
#: fewer letters than this and nothing can be said
MIN_LETTERS = 3
#: lingua's confidence of the best Latin language must beat the second by this much
#: ("Article 1" is English and French alike: no answer is better than a guess)
MIN_MARGIN = 0.2
#: lingua reads at most this many characters of a document (the language does not change)
SAMPLE_CHARS = 20000
#: texts shorter than this get lingua's high-accuracy mode (all n-gram models: right on short
#: lines, but ~3 s to load); longer ones its trigram mode, which loads in milliseconds
SHORT_TEXT = 120


def script_of(ch: str) -> str | None:
    """'han', 'arabic', 'cyrillic', 'latin', 'other' for a letter; None for anything else."""
    if not ch.isalpha():
        return None
    o = ord(ch)
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F:
        return "han"
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF or 0xFB50 <= o <= 0xFEFF:
        return "arabic"
    if 0x0400 <= o <= 0x052F:
        return "cyrillic"
    if ch.isascii() or 0x00C0 <= o <= 0x024F:
        return "latin"
    return "other"


@dataclass(frozen=True)
class Scripts:
    """Letters of `text` counted by script."""

    han: int = 0
    arabic: int = 0
    cyrillic: int = 0
    latin: int = 0
    other: int = 0

    @property
    def letters(self) -> int:
        return self.han + self.arabic + self.cyrillic + self.latin + self.other

    def share(self, script: str) -> float:
        return getattr(self, script) / self.letters if self.letters else 0.0


def count_letters(text: str) -> Scripts:
    counts = {"han": 0, "arabic": 0, "cyrillic": 0, "latin": 0, "other": 0}
    for ch in text:
        s = script_of(ch)
        if s:
            counts[s] += 1
    return Scripts(**counts)


#: the script each language is written in
SCRIPT_OF_LANGUAGE = {"zh": "han", "ja": "han", "ar": "arabic", "fa": "arabic", "ru": "cyrillic", "uk": "cyrillic",
                      **{lang: "latin" for lang in ("en", "fr", "es", "de", "it", "pt", "nl")}}
_LANG_OF_SCRIPT = {"han": "zh", "arabic": "ar", "cyrillic": "ru"}


def language_script(lang: str) -> str | None:
    """The script of a language code ('zh-Hant' → han); None for a language not listed."""
    return SCRIPT_OF_LANGUAGE.get(base_language(lang))


def base_language(lang: str) -> str:
    return lang.split("-")[0].split("_")[0].lower()


def given_language(lang: str, name: str, known: tuple[str, ...] = LANGUAGES) -> str:
    """A language the user named for file `name`, base code lower-cased ('ZH' -> 'zh', 'zh-Hant'
    stays): a code termalign has no rules for would be aligned as text in no language at all."""
    from .errors import UserError

    lang = lang.strip()
    base = base_language(lang)
    if base not in known:
        raise UserError(f"{name}: unknown language {lang!r} (give one of {', '.join(known)})")
    return base + lang[len(base):]


def identify_language(text: str, latin: tuple[str, ...] = LATIN_LANGUAGES, min_margin: float = MIN_MARGIN) -> str | None:
    """The language of `text` (one of LANGUAGES), or None when the text does not tell.

    The script with the largest share decides; Latin script (and only it) needs lingua,
    which chooses among `latin`. None for no letters, an unknown script, or a Latin text
    lingua finds ambiguous (a heading such as "Article 1").
    """
    c = count_letters(text)
    if c.letters < MIN_LETTERS:
        return None
    for script, lang in _LANG_OF_SCRIPT.items():
        if c.share(script) >= SCRIPT_SHARE:
            return lang
    if c.share("latin") < 0.5:
        return None
    return latin_language(text, latin, min_margin)


def latin_language(text: str, candidates: tuple[str, ...] = LATIN_LANGUAGES,
                   min_margin: float = MIN_MARGIN) -> str | None:
    """The Latin-script language of `text` among `candidates`, or None when lingua is unsure."""
    if len(candidates) == 1:
        return candidates[0]
    sample = text[:SAMPLE_CHARS]
    detector = _detector(tuple(sorted(candidates)), len(sample.strip()) >= SHORT_TEXT)
    conf = detector.compute_language_confidence_values(sample)
    if not conf:
        return None
    best = conf[0].value - (conf[1].value if len(conf) > 1 else 0.0)
    if best < min_margin:
        return None
    return conf[0].language.iso_code_639_1.name.lower()


@functools.lru_cache(maxsize=8)
def _detector(codes: tuple[str, ...], low_accuracy: bool):
    """A lingua detector for `codes` (its models load on first use)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    builder = LanguageDetectorBuilder.from_languages(*langs)
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

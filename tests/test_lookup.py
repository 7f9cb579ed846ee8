"""Term lookup: Chinese or English query, exact before partial, highlighted contexts."""

from __future__ import annotations

from glossary.lookup import format_hits, highlight, search
from glossary.model import Entry, Equivalent

ENTRIES = [("g.jsonl", e) for e in [
    Entry("核武器", [Equivalent("nuclear weapons", 0.92, 33)], 0.92, source_frequency=33,
          source_example="彻底消除核武器", target_example="the total elimination of Nuclear Weapons"),
    Entry("核武器国家", [Equivalent("nuclear-weapon States", 0.95, 2, ["nuclear-weapon State"])], 0.58,
          source_frequency=2),
    Entry("不扩散核武器条约", [Equivalent("Treaty on the Non-Proliferation of Nuclear Weapons", 0.92)], 0.66),
    Entry("会员国", [Equivalent("Member States", 0.81, 6)], 0.61),
]]


def test_chinese_query_exact_first_then_partial_by_score():
    hits = search(ENTRIES, "核武器")
    assert [h.entry.source_term for h in hits] == ["核武器", "不扩散核武器条约", "核武器国家"]
    assert [h.exact for h in hits] == [True, False, False]


def test_title_marks_and_case_and_spaces_ignored():
    assert search(ENTRIES, "《不扩散核武器条约》")[0].exact
    hit = search(ENTRIES, "  NUCLEAR-WEAPON   state ")[0]
    assert hit.exact and hit.entry.source_term == "核武器国家" and hit.matched == "nuclear-weapon State"


def test_english_partial_and_phrase_holding_a_term():
    assert [h.entry.source_term for h in search(ENTRIES, "member")] == ["会员国"]
    hits = search(ENTRIES, "views of Member States on")
    assert hits and hits[0].entry.source_term == "会员国" and not hits[0].exact
    assert search(ENTRIES, "裁军") == [] and search(ENTRIES, "   ") == []


def test_contexts_highlight_both_languages():
    text = format_hits(search(ENTRIES, "核武器", limit=1), contexts=True)
    assert "核武器  (concept, exact, score 0.92, freq 33)" in text
    assert "-> nuclear weapons  (0.92)" in text
    assert "zh: 彻底消除**核武器**" in text and "en: the total elimination of **Nuclear Weapons**" in text
    assert highlight("A b a", "a", "[", "]") == "[A] b [a]"

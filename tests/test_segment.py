"""Segmentation: lines, paragraphs, footnote lines, sentence rules for Chinese and English."""

from __future__ import annotations

import pytest

from align.segment import (clauses, content_letters, footnote_marker, fragment_flags, quote_states, segment,
                           sentences_of, split_lines, split_paragraphs, split_sentences, strip_markup)

from conftest import SEED_EN, SEED_ZH


@pytest.mark.parametrize("text, expected", [
    ("大会通过了决议。各国同意！是吗？是的；好。", ["大会通过了决议。", "各国同意！", "是吗？", "是的；", "好。"]),
    ("他说：“停下。”然后离开了。", ["他说：“停下。”", "然后离开了。"]),
    ("（见 A/75/96。）下一句。", ["（见 A/75/96。）", "下一句。"]),
    ("见第 5 段，即 A/CONF.229/2017/8 号文件。下一句", ["见第 5 段，即 A/CONF.229/2017/8 号文件。", "下一句"]),
    ("结束。 ”下一句。", ["结束。", "”下一句。"]),
    ("结束。 ”", ["结束。”"]),  # a stray closing quote is glued back
    ("2. **请**秘书长提交报告。", ["2. **请**秘书长提交报告。"]),
])
def test_chinese_sentences(text, expected):
    assert split_sentences(text, "zh") == expected


@pytest.mark.parametrize("text, expected", [
    ("See para. 5 of the report. The Assembly agreed.", ["See para. 5 of the report.", "The Assembly agreed."]),
    ("Resolution No. 3 was adopted. It passed.", ["Resolution No. 3 was adopted.", "It passed."]),
    ("See vol. 2, p. 15. Next.", ["See vol. 2, p. 15.", "Next."]),
    ("The U.N. General Assembly met. It decided.", ["The U.N. General Assembly met.", "It decided."]),
    ("Mr. Smith arrived. Dr. Jones left.", ["Mr. Smith arrived.", "Dr. Jones left."]),
    ("He said \"Stop.\" Then he left.", ["He said \"Stop.\"", "Then he left."]),
    ("Is it? Yes! Really.", ["Is it?", "Yes!", "Really."]),
    ("e.g. this, i.e. that. End.", ["e.g. this, i.e. that.", "End."]),
    ("as in A/CONF.229/2017/8 and A/RES/75/45 of 2020. Next.", ["as in A/CONF.229/2017/8 and A/RES/75/45 of 2020.",
                                                                "Next."]),
    ("adopted in resolution 74/54. in the", ["adopted in resolution 74/54. in the"]),
    ("in 2013. The meeting", ["in 2013.", "The meeting"]),
])
def test_english_sentences(text, expected):
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize("text, expected", [
    # A resolution number or an operative paragraph number heads its sentence; it ends none.
    ("75/45. Follow-up to the 2013 high-level meeting", ["75/45. Follow-up to the 2013 high-level meeting"]),
    ("A/RES/75/45. Follow-up to the meeting", ["A/RES/75/45. Follow-up to the meeting"]),
    ("1. *Underlines* the strong support. It also notes.", ["1. *Underlines* the strong support.", "It also notes."]),
    # A footnote marker after the full stop still lets the sentence end.
    ("adopted on 7 July 2017.³ It entered into force.", ["adopted on 7 July 2017.³", "It entered into force."]),
])
def test_english_labels_and_footnote_markers(text, expected):
    assert split_sentences(text, "en") == expected


def test_footnote_markers():
    assert footnote_marker("³ A/CONF.229/2017/8。") == "3"
    assert footnote_marker("¹² See A/75/96.") == "12"
    assert footnote_marker("text with a marker³ inside") is None
    assert footnote_marker("1. Underlines") is None


def test_strip_markup():
    assert strip_markup("*Recalling* its resolutions") == "Recalling its resolutions"
    assert strip_markup("1. **强调**高级别会议") == "1. 强调高级别会议"
    assert strip_markup("2 * 3 = 6") == "2 * 3 = 6"


def test_lines_match_the_gold_ids():
    zh = split_lines(SEED_ZH.read_text(encoding="utf-8"))
    en = split_lines(SEED_EN.read_text(encoding="utf-8"))
    assert (len(zh), len(en)) == (45, 45)
    assert zh[0].text == "第七十五届会议" and en[0].text == "Seventy-fifth session"
    # Footnotes sit where each language's page break put them: zh line 29 is en line 16.
    assert (zh[29].kind, zh[29].marker, en[16].kind, en[16].marker) == ("footnote", "1", "footnote", "1")
    assert [s.marker for s in zh if s.kind == "footnote"] == ["1", "2", "3", "4"]
    assert sorted(s.marker for s in en if s.kind == "footnote") == ["1", "2", "3", "4"]
    assert segment(SEED_ZH.read_text(encoding="utf-8"), "line", "zh") == zh


def test_paragraphs_join_lines_and_split_off_footnotes():
    assert [s.text for s in split_paragraphs("a\nb\n\n¹ note\nc\n\n\nd", "en")] == ["a b", "¹ note", "c", "d"]
    assert [s.text for s in split_paragraphs("甲\r\n乙\r\n\r\n丙", "zh")] == ["甲乙", "丙"]
    zh = split_paragraphs(SEED_ZH.read_text(encoding="utf-8"), "zh")
    en = split_paragraphs(SEED_EN.read_text(encoding="utf-8"), "en")
    # The two-line title becomes one paragraph in Chinese; the English title has a blank line inside.
    assert "全面彻底裁军：2013 年核裁军问题大会高级别会议的后续行动" in [s.text for s in zh]
    assert zh[-1].text == "2020 年 12 月 7 日第 37 次全体会议"  # two lines, no blank line between
    assert (len(zh), len(en)) == (43, 45)
    with pytest.raises(ValueError):
        segment("x", "word", "en")


def test_seed_paragraphs_split_into_matching_sentence_counts():
    """Every seed paragraph is one sentence in both languages once labels and markers are handled."""
    zh = split_paragraphs(SEED_ZH.read_text(encoding="utf-8"), "zh")
    en = split_paragraphs(SEED_EN.read_text(encoding="utf-8"), "en")
    for i, seg in enumerate(zh + en):
        lang = "zh" if i < len(zh) else "en"
        sents = sentences_of(seg, lang, i)
        assert len(sents) == 1, (lang, [s.text[:40] for s in sents])
        assert sents[0].para == i and sents[0].kind == seg.kind


def test_clauses_cut_after_commas_and_glue_short_pieces():
    assert clauses("十五队的水是苦的，也没有菜吃，待久了也觉得没有啥。") == ["十五队的水是苦的，", "也没有菜吃，", "待久了也觉得没有啥。"]
    assert clauses("The water was bitter, and there wasn't much to eat either.") == [
        "The water was bitter,", "and there wasn't much to eat either."]
    assert clauses("Yes, sir, I, he, she went home.") == ["Yes, sir, I, he, she went home."]  # pieces too short
    assert clauses("Ja , und sogar sehr fest , aber es wäre reiner Undank") == [
        "Ja , und sogar sehr fest ,", "aber es wäre reiner Undank"]
    assert clauses("No comma here.") == ["No comma here."]


def test_quote_states_follow_speech_across_lines():
    """Whether each line ends inside a quotation, in each language's marks (lines from MAC-Dev's
    chapter 2 and in German and French conventions); apostrophes are not quotation marks."""
    zh = ["小玄子摇手笑道：“今天不打了，明天再来。", "不过你不是我对手，再打也没用。”", "韦小宝不服气。"]
    assert quote_states(zh) == [True, False, False]
    en = ["'I can see you've never done any wrestling,' laughed Misty.", "'But you're a quick mover all the same!",
          "You managed to get away that time.", "A few more goes and I'd have had you, though—'", "Trinket's reply:"]
    assert quote_states(en) == [False, True, True, False, False]
    assert quote_states(["Er sagte: „Wir gehen.", "Morgen.“", "Dann » kam « er."]) == [True, False, False]
    assert quote_states(["« C' est le moment de sortir ton appareil !", "Vite . »", "Nous « surfons » ici ."]) == [
        True, False, False]
    assert quote_states(["the boys' bags", "l' arête"]) == [False, False]
    # a quotation inside a quotation (MAC-Dev chapter 3), and a stray opening mark that must
    # not keep the rest of the text "inside"
    assert quote_states(["刘老老道“这倒也不然。", "‘谋事在人，成事在天’，咱们谋到了。", "也未可知。”", "他走了。"]) == [
        True, True, False, False]
    assert quote_states(["“韦小宝道：“ 是！”", "走近了几步。"]) == [False, False]
    assert quote_states(["'You know what they say: \"A prince's door is deep.\"", "So go.'", "He went."]) == [
        True, False, False]


def test_content_letters_count_han_characters_as_short_words():
    """Lines of Text+Berg's scans (a page number, stray marks) against real text in both scripts."""
    assert [content_letters(t) for t in ["141 ", ".-^ ! ", "A ", "Vv ", "■ iv V V . "]] == [0, 0, 1, 2, 4]
    assert content_letters("不！") == 3 and content_letters("“是。”") == 3
    assert content_letters("'No!'") == 2 and content_letters("Rechts der Dom .") == 12


def test_fragments_are_lines_starting_in_lower_case():
    lines = ["äussere Faktoren zustande gekommenen Leistungen", "Im Hintergrund Rimpfischhorn", "« nous conduit",
             "nous conduit au repentir :", "l' arête", "*Decides* to remain seized", "1. Calls upon", "他走了。"]
    assert fragment_flags(lines) == [True, False, False, True, True, False, False, False]

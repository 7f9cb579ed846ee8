"""Each glossary export, re-read with the library a CAT tool or spreadsheet user would rely on."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from lxml import etree
from translate.storage import tmx

from glossary.export import COLUMNS, TBX_NS, guess_format, read_glossary, render, write_glossary
from glossary.model import Entry, Equivalent, Glossary
from termalign.errors import UserError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def small() -> Glossary:
    return Glossary([
        Entry("裁军谈判会议", [Equivalent("Conference on Disarmament", 0.94, 4, evidence={"dictionary": 1.0}),
                         Equivalent("negotiations in the Conference on Disarmament", 0.87, 2)],
              0.72, 2.3, 4, "organ/body", [27, 45], [28, 47],
              "表示深为关切裁军谈判会议缔结一项全面的核武器公约的谈判工作尚未开始，",
              'Expressing deep concern that negotiations in the "Conference on Disarmament", have\tnot yet commenced,'),
        Entry("不扩散核武器条约", [Equivalent("Treaty on the Non-Proliferation of Nuclear Weapons", 0.92, 1)],
              0.66, 2.0, 1, "treaty/instrument", [25], [26], "《不扩散核武器条约》", "Treaty & <NPT>"),
        Entry("会员国", [Equivalent("Member States", 0.81, 6, ["Member State"])], 0.61, 2.2, 6, "actor",
              [20, 33], [21, 33], "会员国", "Member States"),
    ])


def test_csv_has_bom_required_columns_and_round_trips(small, tmp_path):
    data = render(small, "csv")
    assert data.startswith("\ufeff".encode("utf-8"))
    p = tmp_path / "g.csv"
    p.write_bytes(data)
    df = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df.columns) == COLUMNS
    assert {"source_term", "target_term", "score", "frequency", "source_example", "target_example"} <= set(df.columns)
    assert df.loc[0, "target_example"] == small.entries[0].target_example  # quotes, comma, tab survive
    back = read_glossary(p)
    assert [e.source_term for e in back] == [e.source_term for e in small.entries]
    assert [q.term for q in back[0].equivalents] == [q.term for q in small.entries[0].equivalents]
    assert back[0].equivalents[0].score == pytest.approx(0.94) and back[0].score == pytest.approx(0.72)


def test_xlsx_round_trip(small, tmp_path):
    p = tmp_path / "g.xlsx"
    write_glossary(small, p, "xlsx")
    df = pd.read_excel(p, dtype=str, keep_default_na=False)
    assert df["source_term"].tolist() == ["裁军谈判会议", "不扩散核武器条约", "会员国"]
    assert df.loc[1, "target_term"] == "Treaty on the Non-Proliferation of Nuclear Weapons"
    assert [e.target_term for e in read_glossary(p)] == [e.target_term for e in small.entries]


def test_tmx_one_tu_per_entry_read_by_translate_toolkit(small, tmp_path):
    p = tmp_path / "g.tmx"
    write_glossary(small, p, "tmx")
    store = tmx.tmxfile.parsefile(str(p))
    assert [(u.source, u.target) for u in store.units] == [(e.source_term, e.target_term) for e in small.entries]
    root = etree.parse(str(p)).getroot()
    assert root.get("version") == "1.4" and root.find("header").get("segtype") == "phrase"
    assert len(root.findall("body/tu")) == 3
    back = read_glossary(p)
    assert back[0].type == "organ/body" and back[0].equivalents[1].term == "negotiations in the Conference on Disarmament"


@pytest.mark.parametrize("fmt, entry, lang_sec, term_sec, ns", [
    ("tbx", "termEntry", "langSet", "tig", ""),
    ("tbx3", "conceptEntry", "langSec", "termSec", f"{{{TBX_NS}}}"),
])
def test_tbx_basic_structure_and_round_trip(small, tmp_path, fmt, entry, lang_sec, term_sec, ns):
    p = tmp_path / "g.tbx"
    write_glossary(small, p, fmt)
    root = etree.parse(str(p)).getroot()
    assert root.get("type") == "TBX-Basic"
    entries = root.findall(f".//{ns}{entry}")
    assert len(entries) == 3
    first = entries[0]
    langs = first.findall(f"{ns}{lang_sec}")
    assert [x.get(XML_LANG) for x in langs] == ["zh", "en"]
    en_terms = [t.findtext(f"{ns}term") for t in langs[1].findall(f"{ns}{term_sec}")]
    assert en_terms == ["Conference on Disarmament", "negotiations in the Conference on Disarmament"]
    assert langs[1].find(f"{ns}{term_sec}/{ns}descrip[@type='context']").text.startswith("Expressing")
    back = read_glossary(p)
    assert [(e.source_term, e.target_term, e.type) for e in back] == \
        [(e.source_term, e.target_term, e.type) for e in small.entries]
    assert back[1].target_example == "Treaty & <NPT>"


def test_omegat_tab_separated_source_target_comment(small, tmp_path):
    p = tmp_path / "g.txt"
    write_glossary(small, p, guess_format(p))
    lines = p.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4  # one line per equivalent
    assert all(len(ln.split("\t")) == 3 for ln in lines)
    assert lines[0].split("\t")[:2] == ["裁军谈判会议", "Conference on Disarmament"]
    back = read_glossary(p)
    assert [len(e.equivalents) for e in back] == [2, 1, 1]


def test_jsonl_keeps_everything(small, tmp_path):
    p = tmp_path / "g.jsonl"
    write_glossary(small, p, "jsonl")
    rec = json.loads(p.read_text(encoding="utf-8").splitlines()[0])
    assert rec["target_term"] == "Conference on Disarmament" and rec["equivalents"][0]["evidence"] == {"dictionary": 1.0}
    back = read_glossary(p)
    assert back == small.entries


def test_format_from_extension_and_bad_requests(small, tmp_path, capsys):
    assert [guess_format(f"x{ext}") for ext in (".csv", ".xlsx", ".tmx", ".tbx", ".txt", ".jsonl")] == \
        ["csv", "xlsx", "tmx", "tbx", "omegat", "jsonl"]
    assert guess_format(None) == "csv" and guess_format("x.csv", "tmx") == "tmx"
    with pytest.raises(UserError, match="binary"):
        write_glossary(small, None, "xlsx")
    with pytest.raises(UserError, match="unknown glossary format"):
        render(small, "docx")
    with pytest.raises(UserError, match="no such"):
        read_glossary(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError, match="missing column"):
        read_glossary(bad)

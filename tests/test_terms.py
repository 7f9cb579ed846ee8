"""Term recognition (glossary.recognise) and `termalign terms`: real seed text, the seed's own glossary."""

from __future__ import annotations

import re

import pytest

from conftest import SEED_EN, SEED_GOLD, SEED_ZH
from glossary.export import read_glossary, write_glossary
from glossary.model import Glossary
from glossary.recognise import (TermEntry, build_index, find_terms, flip, fold_word, from_glossary, from_termbase_rows,
                                key_of, recognise)
from termalign.cli import main


def _paragraphs(path) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


@pytest.fixture(scope="module")
def top60(seed_glossary) -> list[TermEntry]:
    return from_glossary(seed_glossary.entries[:60], "A/RES/75/45")


# --- English folding -----------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("nuclear-weapon States", "nuclear weapon States"),
    ("nuclear-weapon States", "Nuclear-Weapon State"),
    ("nuclear-weapon-free zones", "nuclear weapon free zone"),
    ("activities", "activity"),
    ("the Secretary-General's report", "the Secretary General report"),
    ("boxes", "box"),
])
def test_english_forms_fold_together(a, b):
    assert key_of(a, "en") == key_of(b, "en")


def test_english_folding_keeps_words_that_are_not_plurals_apart():
    assert fold_word("process") == "process" and fold_word("status") == "status" and fold_word("basis") == "basis"
    assert key_of("nuclear weapons", "en") != key_of("nuclear weapon free", "en")


def test_english_match_spans_the_surface_form_and_skips_footnote_markers():
    idx = build_index(["nuclear-weapon State", "Treaty on the Non-Proliferation of Nuclear Weapons"], "en")
    text = "some nuclear weapon States, and the Treaty on the Non-Proliferation of Nuclear Weapons,⁴ particularly"
    found = [text[m.start:m.end] for m in find_terms(idx, text)]
    assert found == ["nuclear weapon States", "Treaty on the Non-Proliferation of Nuclear Weapons"]


# --- Chinese longest match and word boundaries ---------------------------------------------

def test_chinese_longest_match_no_hit_inside_a_longer_known_term():
    entries = [TermEntry("核武器", ("nuclear weapons",)), TermEntry("无核武器区", ("nuclear-weapon-free zone",))]
    hits = {h.entry.source: h for h in recognise(["建立无核武器区，并销毁核武器。", "中东无核武器区"], entries, "zh")}
    assert hits["无核武器区"].frequency == 2 and hits["无核武器区"].segments == [0, 1]
    assert hits["核武器"].frequency == 1 and hits["核武器"].segments == [0]


@pytest.mark.parametrize("text, term, hit", [
    ("国际法院的咨询意见", "国际法", False),     # 国际法|院: a different word (the Court)
    ("召开大会堂会议", "大会", False),          # 大会|堂
    ("实现无核武器世界", "核武器", False),       # 无|核武器: nuclear-weapon-free, not nuclear weapons
    ("2020 年 12 月 7 日大会决议", "大会", True),  # jieba's 大会决议 is a compound of two words
    ("联合国大会决议", "大会", True),           # 联合国大会: the General Assembly still
    ("遵守国际法，包括国际人道主义法", "国际法", True),
])
def test_chinese_term_does_not_cut_a_word_apart(text, term, hit):
    found = recognise([text], [TermEntry(term, ("x",))], "zh")
    assert bool(found) is hit


# --- the seed: the glossary's top 60 in the seed text ----------------------------------------

def _occurrences(text: str, form: str) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of a form, as whole words, with a plural s allowed."""
    pat = r"(?<![\w-])" + re.escape(form).replace(r"\ ", r"[\s-]") + r"s?(?![\w-])"
    return [m.span() for m in re.finditer(pat, text, re.I)]


def test_terms_in_the_seed_english_against_the_glossary_top_60(top60):
    segments = _paragraphs(SEED_EN)
    hits = recognise(segments, flip(top60), "en")
    found = {h.entry.source: h for h in hits}
    forms = sorted({r for e in top60 for r in e.approved}, key=len, reverse=True)
    spans = {}
    for sid, text in enumerate(segments):
        for m in find_terms(build_index(forms, "en"), text):
            spans.setdefault(sid, []).append((m.start, m.end))
    # every approved rendering that occurs in the text is found, unless each occurrence sits
    # inside a longer known rendering
    for r in forms:
        occ = [(sid, s, e) for sid, text in enumerate(segments) for s, e in _occurrences(text, r)]
        free = [o for o in occ if not any(a <= o[1] and o[2] <= b and (b - a) > (o[2] - o[1])
                                          for a, b in spans.get(o[0], []))]
        if free:
            assert key_of(r, "en") in {key_of(k, "en") for k in found}, r
            assert found[next(k for k in found if key_of(k, "en") == key_of(r, "en"))].frequency >= len(free), r
    # no hit inside another hit
    for sid, ss in spans.items():
        for a in ss:
            assert not any(b != a and b[0] <= a[0] and a[1] <= b[1] for b in ss)
    assert len(found) >= 45
    assert found["nuclear-weapon States"].frequency == 2
    assert set(found["nuclear-weapon States"].entry.approved) == {"核武器国家"}
    # "nuclear weapons" inside the treaty titles and the International Day is not counted
    nw = found["nuclear weapons"]
    total = sum(len(_occurrences(t, "nuclear weapon")) for t in segments)
    assert 0 < nw.frequency < total


def test_terms_in_the_seed_chinese_are_all_found(top60):
    segments = _paragraphs(SEED_ZH)
    hits = {h.entry.source: h for h in recognise(segments, top60, "zh")}
    # the glossary came from this text: all but the terms seen only inside longer known ones
    assert len(hits) >= len(top60) - 2
    whole = "".join(segments)
    longer = [e.source for e in top60 if "核武器" in e.source and e.source != "核武器"]
    nested = sum(whole.count(t) for t in longer if t not in [x for x in longer if x != t and t in x])
    assert hits["核武器"].frequency < whole.count("核武器")
    assert hits["核武器"].frequency <= whole.count("核武器") - nested + 2
    assert hits["核武器"].entry.approved[0] == "nuclear weapons"


# --- term lists from statuses ----------------------------------------------------------------

def test_term_base_statuses_feed_the_term_list():
    rows = [
        {"source_term": "核武器", "target_term": "nuclear weapons", "status": "approved", "cooccurrences": 30},
        {"source_term": "核武器", "target_term": "atomic weapons", "status": "forbidden", "cooccurrences": 1},
        {"source_term": "核武器", "target_term": "weapons", "status": "rejected", "cooccurrences": 33},
        {"source_term": "核武器", "target_term": "nuclear arms", "status": "candidate", "cooccurrences": 2},
        {"source_term": "裁军", "target_term": "disarmament", "status": "candidate", "cooccurrences": 8},
        {"source_term": "裁军", "target_term": "arms reduction", "status": "candidate", "cooccurrences": 1},
        {"source_term": "UNIDIR", "target_term": "UNIDIR", "status": "do-not-translate"},
    ]
    e = {x.source: x for x in from_termbase_rows(rows)}
    assert e["核武器"].approved == ("nuclear weapons",) and e["核武器"].forbidden == ("atomic weapons",)
    assert e["核武器"].others == ("nuclear arms",) and "weapons" not in e["核武器"].renderings
    assert e["核武器"].frequency_of("nuclear weapons") == 30
    assert e["裁军"].approved == ("disarmament",) and e["裁军"].others == ("arms reduction",)  # best candidate
    assert e["UNIDIR"].approved == ("UNIDIR",)


# --- the command -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def glossary_csv(seed_glossary, tmp_path_factory):
    path = tmp_path_factory.mktemp("terms") / "seed-glossary.csv"
    write_glossary(Glossary(seed_glossary.entries[:60]), path, "csv")
    return path


def test_terms_command_table_and_files(glossary_csv, top60, tmp_path, capsys):
    assert main(["terms", str(SEED_EN), "--glossary", str(glossary_csv)]) == 0
    out = capsys.readouterr()
    assert "nuclear-weapon States" in out.out and "核武器国家" in out.out and "known terms" in out.err
    for fmt in ("csv", "xlsx", "tbx"):
        path = tmp_path / f"terms.{fmt}"
        assert main(["terms", str(SEED_ZH), "--glossary", str(glossary_csv), "-o", str(path)]) == 0
        if fmt == "tbx":  # the glossary's own TBX writer: read back as a glossary
            back = {e.source_term: e for e in read_glossary(path)}
            assert back["核武器国家"].target_term == "nuclear-weapon States"
            assert len(back) >= len(top60) - 2
    import pandas as pd

    df = pd.read_csv(tmp_path / "terms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = df[df.term == "核武器"].iloc[0]
    assert row.equivalents == "nuclear weapons" and int(row.frequency) > 10 and row.segments.split()[0].isdigit()
    assert pd.read_excel(tmp_path / "terms.xlsx").shape[0] == df.shape[0]


def test_terms_command_on_a_term_base_shows_earlier_documents(seed_termbase, tmp_path, capsys):
    from termalign.termbase import open_termbase

    db = seed_termbase
    with open_termbase(db) as tb:
        tb.set_term_status("核武器", "nuclear weapons", "approved")
    out = tmp_path / "terms.csv"
    assert main(["terms", str(SEED_EN), "--db", str(db), "-o", str(out)]) == 0
    import pandas as pd

    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = df[df.term == "nuclear weapons"].iloc[0]
    assert row.equivalents == "核武器" and row.context_document == "A/RES/75/45"
    assert "nuclear weapons" in row.source_context and "核武器" in row.target_context
    assert main(["terms", str(SEED_EN), "--db", str(tmp_path / "missing.sqlite3")]) == 2
    assert main(["terms", str(SEED_EN), "--glossary", str(SEED_GOLD)]) == 2  # not a glossary file

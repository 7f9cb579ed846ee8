"""`termalign eval-glossary`: recall of a gold list with English variants, precision of the top N."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from align.errors import UserError
from glossary.evaluate import normalize_en, parse_gold, report, score_glossary
from glossary.export import write_glossary
from glossary.model import Entry, Equivalent, Glossary

GOLD = """zh\ten
核裁军\tnuclear disarmament
会员国\tMember States|Member State
国际合作\tinternational co-operation|international cooperation
酷刑\ttorture
议员\tparliamentarians
"""


def _entry(zh: str, *en: str, variants: tuple[str, ...] = ()) -> Entry:
    eqs = [Equivalent(t, 0.9, 1, list(variants) if i == 0 else []) for i, t in enumerate(en)]
    return Entry(zh, eqs, 0.9)


# ranked: a right pair, a variant, a hyphen form, a wrong English, a non-gold entry; 议员 missing
ENTRIES = [
    _entry("核裁军", "nuclear disarmament"),
    _entry("会员国", "Member States of the United Nations", variants=("member state",)),
    _entry("国际合作", "international co\u2010operation"),
    _entry("酷刑", "cruel treatment", "punishment"),
    _entry("大会", "General Assembly"),
]


def test_recall_precision_and_misses_by_hand():
    s = score_glossary(ENTRIES, parse_gold(GOLD), top=4)
    assert [h.zh for h in s.found] == ["核裁军", "会员国", "国际合作"]  # a variant and U+2010 count
    assert [(m.zh, m.got, m.rank) for m in s.missing] == [("酷刑", "cruel treatment", 4), ("议员", None, None)]
    assert s.recall == pytest.approx(3 / 5) and s.top_hits == 3 and s.precision_at_top == pytest.approx(3 / 4)
    s2 = score_glossary(ENTRIES, parse_gold(GOLD), top=2)
    assert s2.recall_at_top == pytest.approx(2 / 5) and s2.precision_at_top == 1.0
    text = report(s)
    assert "missing  酷刑 -> torture  (entry #4 has 'cruel treatment')" in text
    assert "missing  议员 -> parliamentarians  (no entry)" in text


def test_gold_parsing_and_bad_gold():
    g = parse_gold("# a comment\n\n核武器\tnuclear weapons | nuclear weapon\n")
    assert g[0].zh == "核武器" and g[0].en == ("nuclear weapons", "nuclear weapon")
    assert normalize_en(" Non\u2011Political  Crimes ") == "non-political crimes"
    with pytest.raises(UserError, match="line 2"):
        parse_gold("zh\ten\n核裁军 nuclear disarmament\n")
    with pytest.raises(UserError, match="no term pairs"):
        parse_gold("zh\ten\n")


def test_cli_on_a_hand_made_case(tmp_path, cli_env):
    gold = tmp_path / "gold.tsv"
    gold.write_text(GOLD, encoding="utf-8")
    gl = tmp_path / "g.jsonl"
    write_glossary(Glossary(ENTRIES), gl, "jsonl")
    run = lambda *a: subprocess.run([sys.executable, "-m", "termalign", "eval-glossary", *map(str, a)],  # noqa: E731
                                    capture_output=True, text=True, env=cli_env, timeout=120)
    r = run(gold, gl, "--top", "4")
    assert r.returncode == 0, r.stderr
    assert "found        3  recall 0.600" in r.stdout and "precision@4 0.750" in r.stdout
    assert "missing  议员 -> parliamentarians  (no entry)" in r.stdout
    d = json.loads(run(gold, gl, "--json").stdout)
    assert d["found"] == 3 and d["recall"] == 0.6 and d["missing_pairs"][1]["zh"] == "议员"
    r = run(tmp_path / "nope.tsv", gl)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no such gold list" in r.stderr
    r = run(gold, gl, "--top", "0")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--top: must be 1 or more, not 0" in r.stderr

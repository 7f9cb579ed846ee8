"""`termalign glossary` and `termalign lookup` end to end on the seed pair."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from align.export import render
from conftest import DATA, SEED_EN, SEED_GOLD, SEED_ZH

GOLD_TSV = DATA / "A_RES_75_45.glossary-dev.tsv"


def termalign(*args: str, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termalign", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout)


def _dev_pairs() -> list[tuple[str, set[str]]]:
    rows = [ln.split("\t") for ln in GOLD_TSV.read_text(encoding="utf-8").splitlines()[1:]]
    return [(zh, {v.casefold() for v in en.split("|")}) for zh, en in rows]


def _missing(records: list[dict]) -> list[str]:
    by_zh = {r["source_term"]: r for r in records}
    out = []
    for zh, variants in _dev_pairs():
        r = by_zh.get(zh)
        forms = {f.casefold() for q in (r or {}).get("equivalents", []) for f in [q["term"], *q["variants"]]}
        if not forms & variants:
            out.append(zh)
    return out


@pytest.fixture(scope="module")
def aligned_glossary(tmp_path_factory, cli_env):
    """The glossary of the seed pair with every default (the aligner runs first)."""
    out = tmp_path_factory.mktemp("gloss") / "seed.jsonl"
    r = termalign("-q", "glossary", SEED_ZH, SEED_EN, "-o", out, env=cli_env)
    assert r.returncode == 0, r.stderr
    return out


def test_defaults_find_all_dev_pairs(aligned_glossary):
    records = [json.loads(x) for x in aligned_glossary.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 50
    assert _missing(records) == []


def test_lookup_cli(aligned_glossary, cli_env):
    r = termalign("lookup", "裁军谈判会议", "--glossary", aligned_glossary, "--contexts", env=cli_env)
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[:2]
    assert first[0].startswith("裁军谈判会议  (organ/body, exact") and "-> Conference on Disarmament" in first[1]
    assert "**裁军谈判会议**" in r.stdout and "**Conference on Disarmament**" in r.stdout
    r = termalign("lookup", "Member States", "-g", aligned_glossary, "--json", env=cli_env)
    assert json.loads(r.stdout.splitlines()[0])["source_term"] == "会员国"
    r = termalign("lookup", "no such term", "-g", aligned_glossary, env=cli_env)
    assert r.returncode == 1 and "no entry" in r.stderr


def test_reviewed_bead_file_csv_on_stdout(cli_env):
    r = termalign("glossary", SEED_ZH, SEED_EN, "--alignment", SEED_GOLD, "--no-embed", "--top", "30", env=cli_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("\ufeffsource_term,target_term,score,frequency,source_example,target_example")
    assert len(r.stdout.strip().splitlines()) == 31


def test_aligner_jsonl_as_alignment_and_each_format(seed_alignment, tmp_path, cli_env):
    aligned = tmp_path / "seed.align.jsonl"
    aligned.write_bytes(render(seed_alignment, "jsonl"))
    for name in ("g.xlsx", "g.tbx"):  # each format's content: tests/test_glossary_export.py
        r = termalign("-q", "glossary", SEED_ZH, SEED_EN, "--alignment", aligned, "--no-embed", "-o", tmp_path / name,
                      env=cli_env)
        assert r.returncode == 0, r.stderr
    df = pd.read_excel(tmp_path / "g.xlsx", dtype=str)
    assert "核裁军" in set(df["source_term"]) and "nuclear disarmament" in set(df["target_term"])
    assert "<term>nuclear disarmament</term>" in (tmp_path / "g.tbx").read_text(encoding="utf-8")


def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, cli_env):
    out = tmp_path / "never.csv"
    r = termalign("glossary", tmp_path / "nope.txt", SEED_EN, "-o", out, env=cli_env)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no such file" in r.stderr
    beads = tmp_path / "bad.gold"
    beads.write_text("[0]:[0]\n[400]:[1]\n", encoding="utf-8")
    r = termalign("glossary", SEED_ZH, SEED_EN, "--alignment", beads, "--no-embed", "-o", out, env=cli_env)
    assert r.returncode == 2 and "past the end" in r.stderr and "Traceback" not in r.stderr
    r = termalign("glossary", SEED_ZH, SEED_EN, "--alignment", SEED_GOLD, "--format", "xlsx", env=cli_env)
    assert r.returncode == 2 and "-o FILE.xlsx" in r.stderr
    r = termalign("glossary", SEED_EN, SEED_ZH, "--src-lang", "en", "--tgt-lang", "zh", "-o", out, env=cli_env)
    assert r.returncode == 2 and "Chinese source and an English target" in r.stderr
    assert not out.exists()


def test_a_given_alignment_with_reversed_inputs_is_turned_round(seed_alignment, tmp_path, caplog):
    """`glossary EN ZH --alignment` (gold beads or an alignment file written the other way round)
    reads as the zh→en pair, with the warning `align` gives, not as English "Chinese"."""
    import argparse

    from align.export import write_alignment
    from termalign.commands.glossary import load_alignment

    def load(src, tgt, alignment):
        ns = argparse.Namespace(src=src, tgt=tgt, alignment=alignment, src_lang=None, tgt_lang=None, encoding=None)
        return load_alignment(ns)[0]

    straight = load(SEED_ZH, SEED_EN, SEED_GOLD)
    reversed_ = load(SEED_EN, SEED_ZH, SEED_GOLD)
    assert "swapping them" in caplog.text
    assert (reversed_.src_lang, reversed_.tgt_lang) == ("zh", "en")
    assert reversed_.src == straight.src and reversed_.beads == straight.beads

    backwards = tmp_path / "en-zh.jsonl"  # an alignment file made with English as the source
    write_alignment(replace_sides(seed_alignment), backwards, "jsonl")
    turned = load(SEED_EN, SEED_ZH, backwards)
    assert (turned.src_lang, turned.tgt_lang) == ("zh", "en")
    assert len(turned.src) == len(seed_alignment.src) and turned.src[0].text == "第七十五届会议"
    assert [b.key() for b in turned.beads] == [b.key() for b in seed_alignment.beads]


def replace_sides(al):
    from dataclasses import replace

    from align.model import Bead

    return replace(al, src=al.tgt, tgt=al.src, src_lang="en", tgt_lang="zh",
                   beads=[Bead(b.tgt, b.src, b.score) for b in al.beads])

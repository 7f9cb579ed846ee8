"""`termalign align` end to end on the seed pair: accuracy, every output format, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from translate.storage import tmx

from align.evaluate import parse_beads, read_beads, score
from termalign.cli import main

from conftest import SEED_EN, SEED_GOLD, SEED_ZH


def termalign(*args: str, env: dict, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termalign", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def seed_ids(cli_env) -> list:
    """The seed pair aligned line by line by the real console entry point, beads read from stdout."""
    r = termalign("align", str(SEED_ZH), str(SEED_EN), "--unit", "line", "--format", "ids", env=cli_env)
    assert r.returncode == 0, r.stderr
    return parse_beads(r.stdout)


def test_seed_pair_strict_f1(seed_ids):
    s = score([(read_beads(SEED_GOLD), seed_ids)])
    assert s.strict_f1 >= 0.95, s.as_dict()


def test_seed_pair_title_and_crossing_footnotes(seed_ids):
    beads = set(seed_ids)
    assert ((2, 3), (2, 3)) in beads  # the title, broken differently in each language
    # Footnotes ¹-⁴ sit under different page breaks in zh and en: their beads cross the others.
    assert {((29,), (16,)), ((30,), (28,)), ((31,), (29,)), ((32,), (30,))} <= beads
    assert {((43,), (44,)), ((44,), (43,))} <= beads  # date and meeting lines in opposite orders
    covered_src = sorted(i for s, _ in seed_ids for i in s)
    covered_tgt = sorted(j for _, t in seed_ids for j in t)
    assert covered_src == list(range(45)) and covered_tgt == list(range(45))  # each line exactly once


def _align_to(out, cache_dir, *extra: str) -> int:
    return main(["-q", "align", str(SEED_ZH), str(SEED_EN), "--unit", "line", "--cache", str(cache_dir),
                 "-o", str(out), *extra])


def test_every_format_to_a_file(tmp_path, cache_dir, seed_ids, capsys):
    """Each format written with -o (format from --format or the extension) and read back."""
    for fmt in ("tmx", "csv", "tsv", "jsonl", "ids"):
        assert _align_to(tmp_path / f"seed.{fmt}", cache_dir) == 0
    assert _align_to(tmp_path / "seed.out", cache_dir, "--format", "ids") == 0
    assert capsys.readouterr().out == ""  # with -o nothing goes to stdout

    assert read_beads(tmp_path / "seed.ids") == read_beads(tmp_path / "seed.out") == seed_ids
    units = tmx.tmxfile.parsefile(str(tmp_path / "seed.tmx")).units
    assert len(units) == len(seed_ids) and not any("*" in u.source + u.target for u in units)
    assert (tmp_path / "seed.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    df = pd.read_csv(tmp_path / "seed.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df.columns) == ["source_ids", "target_ids", "source", "target", "score", "signature"] and len(df) == len(seed_ids)
    tsv = pd.read_csv(tmp_path / "seed.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert tsv["source"].tolist() == df["source"].tolist()
    rows = [json.loads(x) for x in (tmp_path / "seed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(tuple(r["source_ids"]), tuple(r["target_ids"])) for r in rows] == seed_ids
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["seed.tmx", "seed.csv", "seed.tsv", "seed.jsonl", "seed.ids", "seed.out"])  # no temp files left


def test_default_format_is_tsv_on_stdout(cache_dir, capsys):
    assert main(["-q", "align", str(SEED_ZH), str(SEED_EN), "--unit", "line", "--cache", str(cache_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == ["source_ids", "target_ids", "source", "target", "score", "signature"]
    rows = [ln.split("\t") for ln in lines[1:]]
    assert all(len(r) == 6 and r[0].startswith("[") and r[1].startswith("[") for r in rows)
    assert "第七十五届会议" in {r[2] for r in rows} and "Seventy-fifth session" in {r[3] for r in rows}


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "blank", "no-output-dir", "output-is-dir"])
def test_bad_input_is_one_line_exit_2(tmp_path, cli_env, case):
    src, tgt, out = str(SEED_ZH), str(SEED_EN), tmp_path / "out" / "aligned.tmx"
    (tmp_path / "out").mkdir()
    if case == "missing":
        src = str(tmp_path / "nope.zh.txt")
    elif case == "directory":
        tgt = str(tmp_path)
    elif case == "empty":
        (tmp_path / "empty.txt").write_bytes(b"")
        src = str(tmp_path / "empty.txt")
    elif case == "blank":
        (tmp_path / "blank.txt").write_text("\n  \n\t\n")
        tgt = str(tmp_path / "blank.txt")
    elif case == "no-output-dir":
        out = tmp_path / "missing-dir" / "aligned.tmx"
    elif case == "output-is-dir":
        out = tmp_path / "out"
    r = termalign("align", src, tgt, "--unit", "line", "-o", str(out), env=cli_env)
    assert r.returncode == 2
    assert r.stderr.startswith("termalign: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert list((tmp_path / "out").iterdir()) == []  # no output, not even a temp file
    assert not (tmp_path / "missing-dir").exists()

"""A damaged term base and an unwritable stdout: one line on stderr, a non-zero exit, no traceback.

The term base is a real one (the seed pair by its gold beads, a glossary entry; no encoder),
checkpointed into one file and then damaged the ways disks and copies damage files.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from termalign import dbguard
from termalign.cli import main

from conftest import SEED_EN, SEED_GOLD, SEED_ZH, make_seed_termbase

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def good_db(tmp_path_factory, seed_alignment) -> Path:
    return make_seed_termbase(tmp_path_factory.mktemp("dmg") / "good.sqlite3", seed_alignment)


def root_page(db: Path, table: str) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]


def damage(good: Path, out: Path, how: str) -> Path:
    data = bytearray(good.read_bytes())
    page = 4096
    if how == "half":  # a copy cut off half way
        data = data[:len(data) // 2 // page * page]
    elif how == "header":  # garbage over the start
        data[:64] = b"\xa5" * 64
    else:  # one table's page overwritten ("beads": export reads it; "terms_fts_data": lookup does)
        k = root_page(good, how) - 1
        data[k * page:(k + 1) * page] = b"\xa5" * page
    out.write_bytes(bytes(data))
    return out


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "termalign", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def assert_one_line(r: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert r.returncode == code, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("termalign: error:"), r.stderr
    assert "Traceback" not in r.stderr and all(w in lines[0] for w in words), lines


def test_the_good_file_answers(good_db, tmp_path):
    r = run_cli("lookup", "核裁军", "--db", str(good_db))
    assert r.returncode == 0 and "nuclear disarmament" in r.stdout


@pytest.mark.parametrize("how", ["half", "header", "beads", "terms_fts_data", "segments"])
def test_lookup_and_export_say_damaged(good_db, tmp_path, how):
    db = damage(good_db, tmp_path / f"{how}.sqlite3", how)
    assert_one_line(run_cli("lookup", "核裁军", "--db", str(db)), 2, str(db), "damaged")
    out = tmp_path / "all.tmx"
    assert_one_line(run_cli("corpus", "export", str(out), "--db", str(db)), 2, "damaged")
    assert not out.exists()


@pytest.mark.parametrize("how,argv", [("beads", ["corpus", "export", "{out}"]),
                                      ("terms_fts_data", ["lookup", "核裁军"])])
def test_damage_found_while_reading(good_db, tmp_path, monkeypatch, capsys, how, argv):
    """Past the size where opening checks every page, the damage shows where a query meets it."""
    monkeypatch.setattr(dbguard, "QUICK_CHECK_MAX_BYTES", 0)
    db = damage(good_db, tmp_path / f"{how}.sqlite3", how)
    status = main([a.format(out=tmp_path / "x.tmx") for a in argv] + ["--db", str(db)])
    err = capsys.readouterr().err
    assert status == 2 and "damaged" in err and len(err.strip().splitlines()) == 1


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["eval", "{gold}", "{gold}"], ["lookup", "核裁军", "--db", "{db}", "--json"]])
def test_full_disk_on_stdout(good_db, argv):
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "termalign",
                            *[a.format(gold=SEED_GOLD, db=good_db) for a in argv]],
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 1 and "No space left on device" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_align_to_full_disk_and_closed_pipe(cli_env):
    """`termalign align ZH EN > /dev/full` and `| head -c0`: the real command (encoder, session cache)."""
    env = {**cli_env, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "termalign", "-q", "align", str(SEED_ZH), str(SEED_EN), "--unit", "line"]
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            r = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=900)
        assert r.returncode == 1 and r.stderr.strip() == "termalign: error: writing output: No space left on device"
    # a reader that has gone away: quiet, the status of a process killed by SIGPIPE
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=900) == 141 and "Traceback" not in err and "Exception ignored" not in err

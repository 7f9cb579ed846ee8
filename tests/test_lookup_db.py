"""`termalign lookup --db`: the same lookup over a term base instead of glossary files."""

from __future__ import annotations

import subprocess
import sys

from conftest import SEED_EN, SEED_ZH


def _termalign(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termalign", *args], capture_output=True, text=True, env=env,
                          timeout=900)


def test_lookup_reads_a_term_base(tmp_path, cli_env):
    db = tmp_path / "tb.sqlite3"
    added = _termalign("corpus", "add", str(SEED_ZH), str(SEED_EN), "--id", "A/RES/75/45", "--db", str(db),
                       env=cli_env)
    assert added.returncode == 0, added.stderr
    hit = _termalign("lookup", "消极安全保证", "--db", str(db), "--contexts", env=cli_env)
    assert hit.returncode == 0, hit.stderr
    first = hit.stdout.splitlines()[0]
    assert first.startswith("消极安全保证\tnegative security assurance")
    assert "[A/RES/75/45]" in hit.stdout  # a bilingual context from the stored pair
    english = _termalign("lookup", "nuclear disarmament", "--db", str(db), env=cli_env)
    assert english.stdout.splitlines()[0].startswith("核裁军\tnuclear disarmament")


def test_lookup_db_missing_is_one_line_exit_2(tmp_path, cli_env):
    r = _termalign("lookup", "核裁军", "--db", str(tmp_path / "none.sqlite3"), env=cli_env)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr

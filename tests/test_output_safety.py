"""`-o` never destroys what it should not, and two processes may create one term base at once.

Outputs: a device, a named pipe or a socket at the path is refused (it stays what it was), a
symlink stays a symlink (its target gets the output), a read-only file is refused and an
existing file keeps its mode, and an output that is one of the command's inputs (by another
spelling, a symlink or a hard link) is refused with exit status 2 and the input unchanged.
The tests run as root, where permission checks do not apply: they check modes and file kinds.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from align.errors import UserError
from align.fileio import atomic_write, check_output_path, same_file
from termalign.termbase import open_termbase

from conftest import SEED_EN, SEED_ZH


def termalign(*args, env: dict, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termalign", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


def _kind(path: Path) -> str:
    mode = os.lstat(path).st_mode
    return next(k for k, test in (("link", stat.S_ISLNK), ("file", stat.S_ISREG), ("fifo", stat.S_ISFIFO),
                                  ("chr", stat.S_ISCHR), ("sock", stat.S_ISSOCK), ("dir", stat.S_ISDIR)) if test(mode))


@pytest.fixture()
def termbase(tmp_path) -> Path:
    """A small term base (two hand-entered terms), enough for `corpus export`: no encoder."""
    db = tmp_path / "tb.sqlite3"
    with open_termbase(db) as tb:
        tb.add_term("核裁军", "nuclear disarmament")
        tb.add_term("会员国", "Member States")
    return db


def _export(termbase: Path, out, env, *extra):
    return termalign("corpus", "export", out, "--db", termbase, "--format", "csv", "--min-df", "0", *extra, env=env)


# --- what is at PATH -----------------------------------------------------------------------


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path, termbase, cli_env):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    r = _export(termbase, fifo, cli_env)
    assert r.returncode == 2 and "named pipe" in r.stderr and "Traceback" not in r.stderr
    assert _kind(fifo) == "fifo"


def test_a_device_is_refused_and_stays_a_device(tmp_path, termbase, cli_env):
    """A node for /dev/null's device made here (root may): as root `-o /dev/full` used to become a file."""
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here ({e})")
    r = _export(termbase, node, cli_env)
    assert r.returncode == 2 and "character device" in r.stderr
    assert _kind(node) == "chr" and os.stat(node).st_rdev == os.makedev(1, 3)
    link = tmp_path / "out.csv"  # the same through a symlink: the device is not replaced either
    link.symlink_to(node)
    assert _export(termbase, link, cli_env).returncode == 2
    assert _kind(link) == "link" and _kind(node) == "chr"


def test_a_socket_and_a_directory_are_refused(tmp_path):
    sock_path = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        with pytest.raises(UserError, match="socket"):
            check_output_path(sock_path)
        with pytest.raises(UserError, match="socket"), atomic_write(sock_path) as fh:
            fh.write("x")
    assert _kind(sock_path) == "sock"
    with pytest.raises(UserError, match="directory"):
        check_output_path(tmp_path)


def test_a_symlink_stays_a_symlink_and_its_target_is_written(tmp_path, termbase, cli_env):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "glossary.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    link = tmp_path / "out.csv"
    link.symlink_to(Path("real") / "glossary.csv")  # relative, as `ln -s` makes them
    r = _export(termbase, link, cli_env)
    assert r.returncode == 0, r.stderr
    assert _kind(link) == "link" and os.readlink(link) == str(Path("real") / "glossary.csv")
    assert "nuclear disarmament" in target.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600  # the target's mode is kept too
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["glossary.csv"]  # no temp file left


def test_a_dangling_symlink_gets_its_target_created(tmp_path):
    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / "new.txt")
    with atomic_write(link) as fh:
        fh.write("hello")
    assert _kind(link) == "link" and (tmp_path / "new.txt").read_text() == "hello"


def test_a_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UserError, match="loop"):
        check_output_path(tmp_path / "a")


# --- modes ---------------------------------------------------------------------------------


def test_a_read_only_file_is_refused_and_unchanged(tmp_path, termbase, cli_env):
    out = tmp_path / "protected.csv"
    out.write_text("keep me\n")
    out.chmod(0o444)
    r = _export(termbase, out, cli_env)
    assert r.returncode == 2 and "read-only" in r.stderr
    assert out.read_text() == "keep me\n" and stat.S_IMODE(os.stat(out).st_mode) == 0o444


def test_an_existing_file_keeps_its_mode(tmp_path, termbase, cli_env):
    out = tmp_path / "shared.csv"
    out.write_text("old\n")
    out.chmod(0o640)
    assert _export(termbase, out, cli_env).returncode == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640 and "Member States" in out.read_text(encoding="utf-8-sig")
    new = tmp_path / "new.csv"
    assert _export(termbase, new, cli_env).returncode == 0
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o644


# --- an output that is an input --------------------------------------------------------------


@pytest.fixture()
def inputs(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "in").mkdir()
    zh, en = tmp_path / "in" / "doc.zh.txt", tmp_path / "in" / "doc.en.txt"
    shutil.copy(SEED_ZH, zh)
    shutil.copy(SEED_EN, en)
    return zh, en


def test_align_refuses_to_overwrite_its_input_by_any_name(tmp_path, inputs, cli_env):
    zh, en = inputs
    before = zh.read_bytes()
    os.link(zh, tmp_path / "hard.txt")
    (tmp_path / "soft.txt").symlink_to(zh)
    for out in (zh, "in/../in/doc.zh.txt", "./in//doc.zh.txt", tmp_path / "hard.txt", tmp_path / "soft.txt"):
        r = termalign("align", "in/doc.zh.txt", en, "-o", out, "--format", "tsv", env=cli_env, cwd=tmp_path)
        assert r.returncode == 2, (out, r.stderr)
        assert "is the input file" in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert zh.read_bytes() == before and _kind(tmp_path / "soft.txt") == "link"


def test_glossary_refuses_its_alignment_file_as_output(tmp_path, inputs, cli_env):
    zh, en = inputs
    alignment = tmp_path / "pairs.jsonl"
    alignment.write_text('{"source_ids": [0], "target_ids": [0], "source": "核裁军", "target": "nuclear disarmament"}\n')
    before = alignment.read_bytes()
    r = termalign("glossary", zh, en, "--alignment", alignment, "-o", tmp_path / "." / "pairs.jsonl", env=cli_env)
    assert r.returncode == 2 and "is the input file" in r.stderr
    assert alignment.read_bytes() == before


def test_corpus_export_and_batch_report_refuse_the_term_base_and_manifest(tmp_path, termbase, cli_env):
    before = termbase.read_bytes()
    (tmp_path / "db-link.csv").symlink_to(termbase)
    for out in (termbase, tmp_path / "db-link.csv"):
        r = _export(termbase, out, cli_env)
        assert r.returncode == 2 and "is the input file" in r.stderr, r.stderr
    assert termbase.read_bytes() == before and open_termbase(termbase).stats()["terms"] == 2
    manifest = tmp_path / "pairs.tsv"
    manifest.write_text("a.zh.txt\ta.en.txt\n")
    r = termalign("batch", manifest, "--db", termbase, "--report", manifest, env=cli_env)
    assert r.returncode == 2 and "is the input file" in r.stderr
    assert manifest.read_text() == "a.zh.txt\ta.en.txt\n"


def test_run_checks_every_file_it_writes_into_the_folder(tmp_path, inputs, cli_env):
    zh, en = inputs
    out = tmp_path / "out"
    out.mkdir()
    os.link(zh, out / "alignment.csv")  # an earlier run's output name, hard-linked to the input
    before = zh.read_bytes()
    r = termalign("run", zh, en, "-o", out, env=cli_env)
    assert r.returncode == 2 and "alignment.csv: is the input file" in r.stderr
    assert zh.read_bytes() == before and sorted(p.name for p in out.iterdir()) == ["alignment.csv"]


def test_same_file_by_inode_and_by_path(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("x")
    os.link(a, tmp_path / "b.txt")
    assert same_file(a, tmp_path / "b.txt") and same_file(a, tmp_path / "." / "a.txt")
    assert not same_file(a, tmp_path / "c.txt")
    assert same_file(tmp_path / "new.txt", tmp_path / "x" / ".." / "new.txt")  # not there yet: by path


# --- two creators of one new term base ---------------------------------------------------------

_CREATOR = textwrap.dedent('''
    import pathlib, sys, time
    from align.model import Alignment, Bead
    from align.segment import make_segment
    from termalign.termbase import open_termbase

    db, name, go = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    pathlib.Path(f"{go}.{name}").touch()  # ready: imports done
    while not go.exists():
        time.sleep(0.001)
    zh, en = f"核裁军 {name}", f"nuclear disarmament {name}"
    with open_termbase(db) as tb:
        doc = tb.add_document_pair(name, zh, en, unit="line", model="race")
        tb.add_alignment(doc, Alignment([make_segment(zh)], [make_segment(en)], [Bead((0,), (0,), 1.0)], "zh", "en"))
        tb.add_glossary(doc, [{"source_term": "核裁军", "target_term": "nuclear disarmament", "score": 0.9}])
''')


def test_two_processes_creating_one_term_base_both_store_their_pair(tmp_path, cli_env):
    """Both open the fresh file at the same moment (they wait for a start signal), five times over."""
    for attempt in range(5):
        base = tmp_path / str(attempt)
        base.mkdir()
        db, go = base / "tb.sqlite3", base / "go"
        procs = [subprocess.Popen([sys.executable, "-c", _CREATOR, str(db), name, str(go)], env=cli_env,
                                  stderr=subprocess.PIPE, text=True) for name in ("A", "B")]
        deadline = time.monotonic() + 120
        while not all(Path(f"{go}.{n}").exists() for n in "AB") and time.monotonic() < deadline:
            time.sleep(0.005)
        go.touch()
        results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        assert all(code == 0 for code, _ in results), results
        with open_termbase(db, create=False) as tb:
            assert [d.doc_id for d in tb.documents()] == ["A", "B"]
            hit = tb.lookup("核裁军")[0]
            assert hit["target_term"] == "nuclear disarmament" and hit["document_frequency"] == 2


def test_corpus_export_refuses_the_term_base_sidecars_and_writes_dash_to_stdout(tmp_path, termbase, cli_env):
    for sidecar in ("-wal", "-journal"):
        r = _export(termbase, f"{termbase}{sidecar}", cli_env)
        assert r.returncode == 2 and "SQLite keeps beside the input" in r.stderr, r.stderr
        assert not Path(f"{termbase}{sidecar}").exists()
    r = termalign("corpus", "export", "-", "--db", termbase, "--format", "csv", "--min-df", "0", env=cli_env,
                  cwd=tmp_path)
    assert r.returncode == 0 and "核裁军,nuclear disarmament" in r.stdout
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("args", [("lookup", "核", "--glossary", "g.csv", "--limit", "-1"),
                                  ("corpus", "lookup", "核", "--limit", "0"),
                                  ("glossary", "a", "b", "--top", "x")])
def test_counts_below_their_minimum_are_refused(tmp_path, cli_env, args):
    r = termalign(*args, env=cli_env, cwd=tmp_path)
    assert r.returncode == 2 and ("or more" in r.stderr or "whole number" in r.stderr), r.stderr


def test_the_python_api_writer_refuses_the_alignments_input(tmp_path):
    from align.export import write_alignment
    from align.model import Alignment, Bead, Segment

    doc = tmp_path / "doc.zh.txt"
    doc.write_text("核裁军\n", encoding="utf-8")
    al = Alignment([Segment("核裁军")], [Segment("nuclear disarmament")], [Bead((0,), (0,), 1.0)],
                   meta={"src_name": str(doc), "tgt_name": str(tmp_path / "doc.en.txt")})
    with pytest.raises(UserError, match="is the input file"):
        write_alignment(al, doc, "tmx")
    assert doc.read_text(encoding="utf-8") == "核裁军\n"
    write_alignment(al, tmp_path / "out.tmx", "tmx")
    assert "nuclear disarmament" in (tmp_path / "out.tmx").read_text(encoding="utf-8")

"""`termalign batch --workers 2` killed with SIGKILL: its worker processes end too (they hold a
model each and nothing worth saving). A real batch in a subprocess, real workers, /proc to watch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEED_EN, SEED_ZH

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches processes through /proc")


def children(pid: int) -> dict[int, str]:
    """Live (not zombie) child processes of `pid`: their command lines."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            out[int(d.name)] = cmd
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent (now init) has yet to reap it


def test_workers_end_when_the_batch_is_killed(tmp_path, cli_env):
    zh, en = SEED_ZH.read_text(encoding="utf-8"), SEED_EN.read_text(encoding="utf-8")
    lines = []
    for k in range(6):  # distinct pairs (distinct hashes), long enough to keep two workers busy
        (tmp_path / f"{k}.zh.txt").write_text(f"第{k}号文件\n\n" + zh * 4, encoding="utf-8")
        (tmp_path / f"{k}.en.txt").write_text(f"Document {k}\n\n" + en * 4, encoding="utf-8")
        lines.append(f"{k}.zh.txt\t{k}.en.txt\tdoc-{k}")
    (tmp_path / "pairs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**cli_env, "PYTHONPATH": str(ROOT)}
    batch = subprocess.Popen([sys.executable, "-m", "termalign", "-q", "batch", str(tmp_path / "pairs.tsv"),
                              "--workers", "2", "--no-cache", "--no-glossary", "--db", str(tmp_path / "tb.sqlite3")],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: dict[int, str] = {}
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(workers) < 2:
            assert batch.poll() is None, batch.stderr.read().decode()
            workers = {p: c for p, c in children(batch.pid).items() if "spawn_main" in c}
            time.sleep(0.2)
        assert len(workers) == 2, children(batch.pid)
        time.sleep(3)  # the workers are importing and loading the model: busy, as a real batch is
        assert all(alive(p) for p in workers)
        batch.send_signal(signal.SIGKILL)
        batch.wait(timeout=10)
        deadline = time.time() + 10
        while time.time() < deadline and any(alive(p) for p in workers):
            time.sleep(0.1)
        left = [p for p in workers if alive(p)]
        assert not left, f"workers still running after the batch was killed: {left}"
    finally:
        for p in [*workers, *children(batch.pid), batch.pid]:  # ours only, even when the test failed
            if p != batch.pid and not alive(p):
                continue
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        batch.wait(timeout=10)


def test_the_watchdog_alone_ends_an_orphan(tmp_path):
    """Where PR_SET_PDEATHSIG does not exist, the polling thread ends the worker: a middle process
    starts a grandchild running only the watchdog, and is killed."""
    pidfile = tmp_path / "grandchild.pid"
    grandchild = ("import os, sys, time; from termalign.corpus import _watch_parent; import threading; "
                  "threading.Thread(target=_watch_parent, args=(os.getppid(), 0.1), daemon=True).start(); "
                  f"open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(60)")
    middle = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {grandchild!r}]); time.sleep(60)"
    mid = subprocess.Popen([sys.executable, "-c", middle], env={**os.environ, "PYTHONPATH": str(ROOT)})
    gpid = None
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not (pidfile.exists() and pidfile.read_text()):
            time.sleep(0.1)
        gpid = int(pidfile.read_text())
        assert alive(gpid)
        mid.send_signal(signal.SIGKILL)
        mid.wait(timeout=10)
        deadline = time.time() + 5
        while time.time() < deadline and alive(gpid):
            time.sleep(0.1)
        assert not alive(gpid)
    finally:
        if gpid and alive(gpid):
            os.kill(gpid, signal.SIGKILL)
        if mid.poll() is None:
            mid.kill()
            mid.wait()

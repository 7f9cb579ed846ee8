"""Corpus mode end to end: a batch of real pairs (seed, two MAC-Dev chapter openings, a Text+Berg
article) into one term base; re-run, kill and resume, Dask against the local executor, export.

The pairs are cut small (the first 30 gold beads of each chapter) and the session's embedding
cache is shared, so the encoder sees each text once per test session.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from align.evaluate import read_beads
from termalign.cli import main
from termalign.corpus import Planner, Settings, default_doc_id, parse_manifest
from termalign.termbase import open_termbase

from conftest import REPO, SEED_EN, SEED_ZH

N_PAIRS = 4  # good lines of the manifest below
GOLD: dict[str, set] = {}  # doc_id -> gold beads of the pairs in the manifest


def _head(shared: Path, corpus: str, src: str, tgt: str, name: str, beads: int, out: Path) -> tuple[Path, Path, set]:
    """The first `beads` gold beads of a chapter as a pair of files (cut where the gold says), and those beads."""
    gold = sorted(read_beads(shared / corpus / "gold" / name))[:beads]
    ns = max(i for s, _ in gold for i in s) + 1
    nt = max(i for _, t in gold for i in t) + 1
    paths = []
    for lang, n in ((src, ns), (tgt, nt)):
        lines = [ln for ln in (shared / corpus / lang / name).read_text(encoding="utf-8").splitlines() if ln.strip()]
        p = out / corpus / lang / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
        paths.append(p)
    return paths[0], paths[1], {(tuple(s), tuple(t)) for s, t in gold}


@pytest.fixture(scope="module")
def corpus_dir(shared_data, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    m1 = _head(shared_data, "mac-dev", "zh", "en", "001", 30, d)
    m6 = _head(shared_data, "mac-dev", "zh", "en", "006", 30, d)
    tb = (shared_data / "text+berg" / "de" / "005", shared_data / "text+berg" / "fr" / "005")
    lines = [f"{SEED_ZH}\t{SEED_EN}\tA/RES/75/45",
             f"{m1[0].relative_to(d)}\t{m1[1].relative_to(d)}",
             "# a comment, then a pair whose file is missing, then a malformed line",
             f"{m6[0].relative_to(d)}\t{m6[1].relative_to(d)}",
             "nowhere/zh.txt\tnowhere/en.txt",
             "only-one-column",
             f"{tb[0]}\t{tb[1]}\t\tde-fr"]
    (d / "manifest.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    GOLD.update({"mac-dev/001": m1[2], "mac-dev/006": m6[2],
                 "text+berg/005": set(read_beads(shared_data / "text+berg" / "gold" / "005"))})
    return d


@pytest.fixture(scope="module")
def env(cache_dir) -> dict[str, str]:
    """TERMALIGN_TEST_CACHE (a developer's warm cache) else the session's cache."""
    cache = os.environ.get("TERMALIGN_TEST_CACHE") or str(cache_dir)
    return {**os.environ, "TERMALIGN_CACHE": cache, "HF_HUB_OFFLINE": "1"}


def _batch(corpus_dir: Path, db: Path, cache: str, *extra: str) -> tuple[int, dict]:
    report = db.with_suffix(".report.json")
    rc = main(["-q", "batch", str(corpus_dir / "manifest.tsv"), "--db", str(db), "--unit", "line",
               "--cache", cache, "--report", str(report), *extra])
    return rc, json.loads(report.read_text(encoding="utf-8"))


def snapshot(db: Path) -> dict:
    """Everything a term base holds that does not depend on run order (row ids, times, workers)."""
    con = sqlite3.connect(db)
    q = lambda sql: [tuple(round(v, 4) if isinstance(v, float) else v for v in r) for r in con.execute(sql)]
    snap = {
        "documents": q("SELECT doc_id, content_hash, src_lang, tgt_lang, unit, model, glossary_note FROM documents"
                       " ORDER BY doc_id"),
        "segments": q("SELECT d.doc_id, s.side, s.idx, s.text, s.kind, s.marker FROM segments s JOIN documents d"
                      " ON d.id = s.document_id ORDER BY 1, 2, 3"),
        "beads": q("SELECT d.doc_id, b.idx, b.src_ids, b.tgt_ids, b.score FROM beads b JOIN documents d"
                   " ON d.id = b.document_id ORDER BY 1, 2"),
        "terms": q("SELECT t.text, t.df, t.freq, e.text, e.score, e.df FROM terms t LEFT JOIN equivalents e"
                   " ON e.term_id = t.id ORDER BY 1, 4"),
    }
    con.close()
    return snap


@pytest.fixture(scope="module")
def local_db(corpus_dir, env, tmp_path_factory) -> Path:
    """The reference term base: the manifest through the default local executor, one worker."""
    db = tmp_path_factory.mktemp("local") / "tb.sqlite3"
    rc, rep = _batch(corpus_dir, db, env["TERMALIGN_CACHE"])
    assert rc == 1, "a batch with failed lines exits 1"
    assert rep["done"] == N_PAIRS and rep["skipped"] == 0
    where = sorted(w for w, _ in rep["failed"])
    assert where == ["line 5", "line 6"] and "nowhere/zh.txt: no such file" in dict(rep["failed"])["line 5"]
    return db


@pytest.mark.slow  # the batch embeds a Text+Berg article, MAC-Dev openings and the seed
def test_batch_stores_every_good_pair(local_db, seed_alignment, env):
    from align.embed import DEFAULT_MODEL, make_embedder
    from align.pipeline import align_documents

    direct = align_documents(SEED_ZH.read_text(encoding="utf-8"), SEED_EN.read_text(encoding="utf-8"),
                             make_embedder(DEFAULT_MODEL, env["TERMALIGN_CACHE"], progress=False), "line")
    with open_termbase(local_db, create=False) as tb:
        docs = {d.doc_id: d for d in tb.documents()}
        assert set(docs) == {"A/RES/75/45", "mac-dev/001", "mac-dev/006", "text+berg/005"}
        assert (docs["text+berg/005"].src_lang, docs["text+berg/005"].tgt_lang) == ("de", "fr")
        seed = tb.get_alignment("A/RES/75/45")
        # the stored alignment is the aligner's, on the real seed lines: mostly the gold beads
        gold = {b.key() for b in seed_alignment.beads}
        assert seed.src == seed_alignment.src and seed.tgt == seed_alignment.tgt
        assert sum(b.key() in gold for b in seed.beads) >= 0.8 * len(gold)
        for doc, gold in GOLD.items():
            found = {b.key() for b in tb.get_alignment(doc).beads}
            assert len(found & gold) >= 0.5 * len(gold), doc
        # exactly what the aligner gives for the pair, scores included
        assert [(b.key(), round(b.score, 6)) for b in seed.beads] == \
            [(b.key(), round(b.score, 6)) for b in direct.beads]
        hits = tb.concordance("汪淼")
        assert hits and all(h["document"] == "mac-dev/006" for h in hits)


@pytest.mark.slow  # the batch embeds a Text+Berg article, MAC-Dev openings and the seed
def test_rerun_skips_everything(corpus_dir, local_db, env):
    before = snapshot(local_db)
    rc, rep = _batch(corpus_dir, local_db, env["TERMALIGN_CACHE"])
    assert rep["done"] == 0 and rep["skipped"] == N_PAIRS and rep["tokens_embedded"] == 0
    assert snapshot(local_db) == before


@pytest.mark.slow  # the batch embeds a Text+Berg article, MAC-Dev openings and the seed
def test_dask_localcluster_gives_the_same_term_base(corpus_dir, local_db, env, tmp_path):
    pytest.importorskip("dask.distributed")
    db = tmp_path / "dask.sqlite3"
    rc, rep = _batch(corpus_dir, db, env["TERMALIGN_CACHE"], "--executor", "dask", "--workers", "2")
    assert rep["done"] == N_PAIRS and len(rep["failed"]) == 2
    assert rep["worker_peak_rss_mb"] and all(os.getpid() != int(w.split(":")[1]) for w in rep["worker_peak_rss_mb"])
    assert snapshot(db) == snapshot(local_db)


@pytest.mark.slow  # the batch embeds a Text+Berg article, MAC-Dev openings and the seed
def test_local_pool_of_two_gives_the_same_term_base(corpus_dir, local_db, env, tmp_path):
    db = tmp_path / "pool.sqlite3"
    rc, rep = _batch(corpus_dir, db, env["TERMALIGN_CACHE"], "--workers", "2")
    assert rep["done"] == N_PAIRS
    assert rep["worker_peak_rss_mb"] and all(os.getpid() != int(w.split(":")[1]) for w in rep["worker_peak_rss_mb"])
    assert snapshot(db) == snapshot(local_db)


@pytest.mark.slow  # the batch embeds a Text+Berg article, MAC-Dev openings and the seed
def test_killed_batch_resumes_cleanly(corpus_dir, local_db, env, tmp_path):
    """SIGKILL within 50 ms of the first pair's commit (each further pair takes seconds: alignment and
    extraction); the file is intact, holds whole pairs only, and a re-run completes it."""
    db = tmp_path / "killed.sqlite3"
    cmd = [sys.executable, "-m", "termalign", "-q", "batch", str(corpus_dir / "manifest.tsv"), "--db", str(db),
           "--unit", "line", "--cache", env["TERMALIGN_CACHE"]]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    con = sqlite3.connect(db, timeout=1)
                    stored = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                    con.close()
                except sqlite3.OperationalError:  # not created yet
                    pass
            if stored:
                break
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert 1 <= stored < N_PAIRS, "the kill came mid-batch"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    empty = con.execute("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM beads b"
                        " WHERE b.document_id = d.id)").fetchone()[0]
    con.close()
    assert empty == 0, "no half-stored pair"
    rc, rep = _batch(corpus_dir, db, env["TERMALIGN_CACHE"])
    assert rep["skipped"] == kept and rep["done"] == N_PAIRS - kept
    assert snapshot(db) == snapshot(local_db)


@pytest.mark.slow  # the batch embeds a Text+Berg article, MAC-Dev openings and the seed
def test_export_tmx_and_language_pairs(local_db, tmp_path, capsys):
    from translate.storage import tmx

    out = tmp_path / "all.tmx"
    assert main(["corpus", "export", str(out), "--db", str(local_db)]) == 2
    assert "several language pairs" in capsys.readouterr().err and not out.exists()
    assert main(["corpus", "export", str(out), "--db", str(local_db), "--langs", "zh-en"]) == 0
    units = tmx.tmxfile(out.read_bytes()).units
    with open_termbase(local_db, create=False) as tb:
        n = sum(1 for d, s, t, *_ in tb.bitexts() if (s, t) == ("zh", "en"))
    assert len(units) == n > 60
    assert any("汪淼" in u.source for u in units) and not any("**" in u.source for u in units)


@pytest.mark.slow  # the batch embeds a Text+Berg article, MAC-Dev openings and the seed
def test_glossary_export_csv_and_tbx(local_db, tmp_path):
    import pandas as pd
    from lxml import etree

    db = tmp_path / "copy.sqlite3"
    src = sqlite3.connect(local_db)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    with open_termbase(db) as tb:  # a reviewer's additions on top of whatever was extracted
        tb.add_term("核裁军", "nuclear disarmament")
        tb.add_term("汪淼", "Wang Miao", status="candidate")
    csv_path, tbx_path = tmp_path / "g.csv", tmp_path / "g.tbx"
    assert main(["corpus", "export", str(csv_path), "--db", str(db), "--approved-only"]) == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert list(df["source_term"]) == ["核裁军"] and df["frequency"][0] >= 5
    assert "核裁军" in df["source_example"][0] and "nuclear disarmament" in df["target_example"][0].lower()
    assert main(["corpus", "export", str(tbx_path), "--db", str(db), "--langs", "zh-en"]) == 0
    root = etree.parse(str(tbx_path)).getroot()
    terms = [t.text for t in root.iter("term")]
    assert root.get("type") == "TBX-Basic" and {"核裁军", "nuclear disarmament", "汪淼", "Wang Miao"} <= set(terms)
    # the glossary package reads its own formats back
    from glossary.export import read_glossary

    back = {e.source_term: e for e in read_glossary(tbx_path)}
    assert back["核裁军"].equivalents[0].term == "nuclear disarmament"
    xlsx = tmp_path / "g.xlsx"
    assert main(["corpus", "export", str(xlsx), "--db", str(db), "--langs", "zh-en", "--min-df", "1"]) == 0
    assert "汪淼" in set(pd.read_excel(xlsx)["source_term"])


def test_conflicts_on_a_changed_equivalent(env, tmp_path, capsys):
    """The seed pair again, with one English rendering changed: `corpus conflicts` lists the term."""
    if _extractor_missing():
        pytest.skip("no glossary extractor in this checkout (glossary.pipeline)")
    db = tmp_path / "conf.sqlite3"
    changed = tmp_path / "changed.en.txt"
    changed.write_text(SEED_EN.read_text(encoding="utf-8").replace("nuclear disarmament", "atomic disarmament")
                       .replace("Nuclear disarmament", "Atomic disarmament"), encoding="utf-8")
    for src, tgt, doc in ((SEED_ZH, SEED_EN, "A/RES/75/45"), (SEED_ZH, changed, "X/CHANGED")):
        assert main(["-q", "corpus", "add", str(src), str(tgt), "--id", doc, "--db", str(db), "--unit", "line",
                     "--cache", env["TERMALIGN_CACHE"]]) == 0
    capsys.readouterr()
    assert main(["corpus", "conflicts", "--db", str(db), "--json"]) == 0
    conflicts = {c["source_term"]: c for c in json.loads(capsys.readouterr().out)}
    assert "核裁军" in conflicts
    rend = {r["target_term"].lower(): r["documents"] for r in conflicts["核裁军"]["renderings"]}
    assert rend.pop("nuclear disarmament") == ["A/RES/75/45"] and list(rend.values()) == [["X/CHANGED"]]
    # only what the change touched: every conflict is a rendering that says "nuclear disarmament" in
    # the original (核裁军 itself, the conference, the high-level meeting, ...)
    for term, c in conflicts.items():
        original = next(r["target_term"] for r in c["renderings"] if "A/RES/75/45" in r["documents"])
        assert "nuclear disarmament" in original.lower(), (term, c)
    # the changed pair shows none of the known renderings; the reviewer adds its rendering as
    # forbidden: the conflict stays, and names it, marked
    assert main(["review", "核裁军", "atomic disarmament", "--status", "forbidden", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["corpus", "conflicts", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    block = lines[lines.index("核裁军") + 1:lines.index("核裁军") + 3]
    assert any(ln.strip().startswith("atomic disarmament [forbidden]\t1 pair(s): X/CHANGED") for ln in block), block


def _extractor_missing() -> bool:
    try:
        from glossary.pipeline import extract_glossary  # noqa: F401
    except ImportError:
        return True
    return False


def test_manifest_parsing_and_ids(tmp_path):
    text = "a.zh.txt\ta.en.txt\n\n# note\nx\n/abs/b.zh\t/abs/b.en\tB/1\tde-fr\nc\td\te\tzz\n"
    good, bad = parse_manifest(text, tmp_path)
    assert [(g.src, g.doc_id, g.langs) for g in good] == [(str(tmp_path / "a.zh.txt"), None, None),
                                                          ("/abs/b.zh", "B/1", ("de", "fr"))]
    assert [w for w, _ in bad] == ["line 4", "line 6"]
    assert default_doc_id("data/A_RES_75_45.zh.txt") == "A_RES_75_45"
    assert default_doc_id("/x/mac-dev/zh/001") == "mac-dev/001"
    assert default_doc_id("/x/A.RES.75.45.pdf") == "A.RES.75.45"


def test_planner_ids_are_stable_and_distinct(tmp_path):
    """Same file name in two folders: two ids; the same file again later: its old id (a new version)."""
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "doc.zh.txt").write_text(f"核裁军{sub}\n", encoding="utf-8")
        (tmp_path / sub / "doc.en.txt").write_text(f"nuclear disarmament {sub}\n", encoding="utf-8")
    good, _ = parse_manifest("a/doc.zh.txt\ta/doc.en.txt\nb/doc.zh.txt\tb/doc.en.txt\na/doc.zh.txt\ta/doc.en.txt\n",
                             tmp_path)
    with open_termbase(tmp_path / "tb.sqlite3") as tb:
        jobs = list(Planner(tb, Settings(unit="line")).jobs(good))
        assert [j.doc_id for j in jobs] == ["doc", "doc~2"], "the repeated line is skipped as a duplicate"


def test_a_lost_worker_fails_its_pair_only():
    """A future that raises (a worker killed, a pool broken) is one failed pair; the others go on."""
    import concurrent.futures as cf
    from concurrent.futures.process import BrokenProcessPool

    from termalign.corpus import PairJob, PairResult, _windowed

    jobs = [PairJob(f"d{i}", "s", "t", "甲", "a", f"h{i}", Settings()) for i in range(5)]

    def submit(job):
        if job.doc_id == "d3":
            raise RuntimeError("pool is broken")
        fut = cf.Future()
        if job.doc_id == "d1":
            fut.set_exception(BrokenProcessPool("worker died"))
        else:
            fut.set_result(PairResult(job.doc_id, "s", "t", job.digest, job.settings))
        return fut

    out = list(_windowed(iter(jobs), submit, lambda fs: fs, window=2))
    assert sorted(r.doc_id for r in out) == ["d0", "d1", "d2", "d3", "d4"]
    assert {r.doc_id: bool(r.error) for r in out} == {"d0": False, "d1": True, "d2": False, "d3": True, "d4": False}
    assert "BrokenProcessPool" in next(r.error for r in out if r.doc_id == "d1")


def test_bad_requests_exit_2_and_create_nothing(tmp_path, capsys):
    db = tmp_path / "tb.sqlite3"
    manifest = tmp_path / "m.tsv"
    manifest.write_text(f"{SEED_ZH}\t{SEED_EN}\n", encoding="utf-8")
    cases = [["corpus", "add", str(tmp_path / "missing.zh.txt"), str(SEED_EN), "--db", str(db)],
             ["batch", str(manifest), "--workers", "0", "--db", str(db)],
             ["batch", str(manifest), "--scheduler", "tcp://127.0.0.1:1", "--db", str(db)],
             ["batch", str(tmp_path / "none.tsv"), "--db", str(db)],
             ["corpus", "list", "--db", str(db)],
             ["corpus", "export", str(tmp_path / "out.tbx"), "--db", str(db)]]
    for argv in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("termalign: error: "), (argv, err)
    assert not db.exists() and not (tmp_path / "out.tbx").exists()

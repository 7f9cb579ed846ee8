"""One pipeline behind every entry point: the seed pair given in the wrong order (English first)
through `termalign align`, `termalign corpus add`, a workbench upload and `align.align_files`
gives the same beads, swapped back with a warning in each; two English files are refused by
each (the CLI, corpus mode and the workbench in one line)."""

from __future__ import annotations

import io
import logging
import sqlite3

import pytest

from align.embed import DEFAULT_MODEL

from align.evaluate import read_beads, score
from align import UserError, align_files, align_texts
from align.pipeline import pipeline_signature
from align.segment import split_lines, strip_markup
from termalign.cli import main
from termalign.termbase import open_termbase

from conftest import SEED_EN, SEED_GOLD, SEED_ZH

pytest.importorskip("flask")

from termalign.web.app import create_app  # noqa: E402
from termalign.web.service import Settings as WebSettings  # noqa: E402

H = {"X-Termalign": "1"}
SWAP = "swapping them"


def _key(al) -> tuple:
    """What must agree: the segments of both sides and every bead with its score (as exported: no
    Markdown emphasis, 4 places)."""
    return ([strip_markup(s.text) for s in al.src], [strip_markup(s.text) for s in al.tgt],
            [(tuple(b.src), tuple(b.tgt), round(float(b.score), 4)) for b in al.beads])


@pytest.fixture(scope="module")
def web(tmp_path_factory, cache_dir):
    app = create_app(WebSettings(db=tmp_path_factory.mktemp("web") / "tb.sqlite3", cache_dir=cache_dir), seed=False)
    yield app
    app.extensions["workbench"].close()


def _upload(client, src: bytes, tgt: bytes, name: str):
    return client.post("/api/documents", data={"src": (io.BytesIO(src), "first.en.txt"),
                                               "tgt": (io.BytesIO(tgt), "second.zh.txt"), "name": name,
                                               "unit": "line"}, headers=H, content_type="multipart/form-data")


def test_a_reversed_pair_is_swapped_back_alike_by_cli_corpus_web_and_api(tmp_path, cache_dir, web, caplog):
    from align.export import read_alignment

    caplog.set_level(logging.WARNING)
    # 1. the CLI
    out = tmp_path / "cli.jsonl"
    assert main(["-q", "align", str(SEED_EN), str(SEED_ZH), "--unit", "line", "--cache", str(cache_dir),
                 "-o", str(out)]) == 0
    assert any(SWAP in r.getMessage() for r in caplog.records)
    cli = read_alignment(out)
    # 2. corpus mode
    caplog.clear()
    db = tmp_path / "tb.sqlite3"
    assert main(["-q", "corpus", "add", str(SEED_EN), str(SEED_ZH), "--unit", "line", "--cache", str(cache_dir),
                 "--no-glossary", "--db", str(db)]) == 0
    assert any(SWAP in r.getMessage() for r in caplog.records)
    with open_termbase(db) as tb:
        (doc,) = tb.documents()
        corpus = tb.get_alignment(doc.doc_id)
    assert (doc.src_path, doc.tgt_path) == (str(SEED_ZH), str(SEED_EN))  # stored the right way round
    assert any(SWAP in w for w in doc.meta["warnings"])
    # 3. a workbench upload
    caplog.clear()
    r = _upload(web.test_client(), SEED_EN.read_bytes(), SEED_ZH.read_bytes(), "reversed upload")
    assert r.status_code == 202, r.json
    job = web.extensions["workbench"].jobs.wait(r.json["id"], 600)
    assert job.state == "done", job.as_dict()
    assert job.result["swapped"] and any(SWAP in w for w in job.result["warnings"])
    assert any(SWAP in rec.getMessage() for rec in caplog.records)
    webal = web.extensions["workbench"].store.alignment(job.result["doc_id"])
    client = web.test_client()  # the workbench's downloads say what produced them
    signature = job.result["signature"]
    assert signature.startswith(pipeline_signature(DEFAULT_MODEL, "line") + "|g:")
    tmx = client.get(f"/api/documents/{job.result['doc_id']}/export?format=tmx").data.decode()
    assert f'<prop type="x-signature">{signature}</prop>' in tmx
    assert f"# {signature}" in client.get("/api/glossary/export?format=omegat&status=all").data.decode()

    # 4. the Python API
    caplog.clear()
    api = align_files(SEED_EN, SEED_ZH, unit="line", cache_dir=cache_dir)
    assert api.meta["swapped"] and any(SWAP in w for w in api.meta["warnings"])

    assert _key(cli) == _key(corpus) == _key(webal) == _key(api)
    assert cli.src[0].text == "第七十五届会议"  # Chinese on the source side again
    lines = split_lines(SEED_ZH.read_text(encoding="utf-8"))  # --unit line: the file's own non-empty lines
    assert _key(cli)[0] == [strip_markup(s.text) for s in lines]
    f1 = score([(read_beads(SEED_GOLD), [b[:2] for b in _key(cli)[2]])]).strict_f1
    assert f1 >= 0.95  # swapped back, not aligned the wrong way round


def test_two_english_files_are_refused_by_cli_corpus_and_web(tmp_path, cache_dir, web, capsys):
    reason = "no Chinese text in file"
    db = tmp_path / "tb.sqlite3"
    for argv in (["align", str(SEED_EN), str(SEED_EN), "--unit", "line"],
                 ["corpus", "add", str(SEED_EN), str(SEED_EN), "--db", str(db)]):
        capsys.readouterr()
        assert main(["-q", *argv, "--cache", str(cache_dir)]) == 2
        err = capsys.readouterr().err.strip()
        assert reason in err and len(err.splitlines()) == 1, err
    if db.exists():  # the refused pair left nothing behind
        assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    r = _upload(web.test_client(), SEED_EN.read_bytes(), SEED_EN.read_bytes(), "two English files")
    assert r.status_code == 400 and reason in r.json["error"] and "\n" not in r.json["error"], r.json
    assert "first.en.txt" in r.json["error"]  # the upload's own name, not the temp file
    assert all(j.title != "align two English files" for j in web.extensions["workbench"].jobs.all())
    english = SEED_EN.read_text(encoding="utf-8")
    for refused in (lambda: align_files(SEED_EN, SEED_EN, cache_dir=cache_dir),
                    lambda: align_texts(english, english, cache_dir=cache_dir)):
        with pytest.raises(UserError, match=reason):
            refused()


def test_batch_stores_a_reversed_manifest_line_the_right_way_round(tmp_path, cache_dir):
    """A manifest line EN<TAB>ZH and one ZH<TAB>EN of the same pair are one stored pair (same hash)."""
    from termalign.corpus import Planner, Settings, parse_manifest

    good, _ = parse_manifest(f"{SEED_EN}\t{SEED_ZH}\n{SEED_ZH}\t{SEED_EN}\n", tmp_path)
    with open_termbase(tmp_path / "tb.sqlite3") as tb:
        jobs = list(Planner(tb, Settings(unit="line", cache_dir=str(cache_dir))).jobs(good))
    assert len(jobs) == 1 and jobs[0].swapped and (jobs[0].src_path, jobs[0].tgt_path) == (str(SEED_ZH), str(SEED_EN))
    assert jobs[0].src_text.lstrip().startswith("第七十五届会议") and SWAP in jobs[0].warning

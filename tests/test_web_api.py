"""The workbench JSON API (Flask test client) over a real term base: the seed pair aligned by
the real pipeline at startup, glossary endpoints, edits that persist, and the safety cases
(escaping, path traversal, bad and oversized uploads, cross-site and foreign-host requests)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest

from tests.conftest import DATA

pytest.importorskip("flask")

from termalign.web.app import create_app  # noqa: E402
from termalign.web.service import Settings  # noqa: E402

H = {"X-Termalign": "1"}
XSS = "<script>alert('x')</script> 核裁军 <img src=x onerror=alert(1)>"


def dev_entries() -> list[dict]:
    """The dev term pairs of the seed resolution, as glossary entries (deterministic terms to test with)."""
    rows = list(csv.DictReader(io.StringIO((DATA / "A_RES_75_45.glossary-dev.tsv").read_text("utf-8")), delimiter="\t"))
    return [{"source_term": r["zh"], "equivalents": [(r["en"].split("|")[0], 0.9)]} for r in rows]


def make_app(db: Path, cache_dir: Path, seed: bool = True, **kw):
    return create_app(Settings(db=db, cache_dir=cache_dir, **kw), seed=seed)


def wait_all(app, timeout: float = 600) -> None:
    wb = app.extensions["workbench"]
    for j in wb.jobs.all():
        done = wb.jobs.wait(j.id, timeout)
        assert done.state == "done", done.as_dict()


@pytest.fixture(scope="module")
def app(tmp_path_factory, cache_dir):
    db = tmp_path_factory.mktemp("web") / "tb.sqlite3"
    a = make_app(db, cache_dir, max_upload_mb=0.05)
    wait_all(a)
    store = a.extensions["workbench"].store
    doc = store.documents()[0]["id"]
    store.tb.add_glossary(doc, dev_entries())  # the extractor's own output is judged elsewhere
    yield a
    a.extensions["workbench"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def seed_id(app) -> int:
    return app.extensions["workbench"].store.documents()[0]["id"]


def test_page_loads_with_security_headers(client):
    r = client.get("/")
    assert r.status_code == 200
    assert b'id="view-bitext"' in r.data and b"<script src=" in r.data
    assert "script-src" not in r.headers["Content-Security-Policy"]  # default-src 'self': no inline scripts
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/static/app.js").status_code == 200


def test_seed_pair_is_loaded_at_startup(client, seed_id):
    docs = client.get("/api/documents").json
    assert [d["name"] for d in docs] == ["A/RES/75/45"]
    d = docs[0]
    assert d["unit"] == "paragraph" and d["n_src"] > 30 and d["n_tgt"] > 30 and d["n_beads"] > 30
    assert d["n_terms"] >= 12  # the dev pairs (the term base also keeps every term it already knew)
    terms = {(r["source_term"], r["target_term"]) for r in client.get("/api/glossary").json}
    assert {(e["source_term"], e["equivalents"][0][0]) for e in dev_entries()} <= terms


def test_bitext_covers_every_segment_once_and_marks_terms(client, seed_id):
    b = client.get(f"/api/documents/{seed_id}/bitext").json
    assert b["unit"] == "paragraph"
    assert sorted(i for x in b["beads"] for i in x["src"]) == list(range(b["n_src"]))
    assert sorted(j for x in b["beads"] for j in x["tgt"]) == list(range(b["n_tgt"]))
    assert all(x["low"] == (not x["src"] or not x["tgt"] or x["score"] < b["low_threshold"]) for x in b["beads"])
    marked = [(x["source"][s["start"]:s["end"]], s["gloss"]) for x in b["beads"] for s in x["source_spans"]]
    assert ("核裁军", "nuclear disarmament") in marked
    tmarked = [x["target"][s["start"]:s["end"]].lower() for x in b["beads"] for s in x["target_spans"]]
    assert "nuclear disarmament" in tmarked
    assert not any("**" in x["source"] for x in b["beads"])  # emphasis markers are not shown


def test_heatmap_has_one_cell_per_segment_pair_and_the_beads(client, seed_id):
    h = client.get(f"/api/documents/{seed_id}/heatmap").json
    assert (h["rows"], h["cols"]) == (h["n_src"], h["n_tgt"])
    assert len(h["values"]) == h["rows"] * h["cols"] and 0 <= min(h["values"]) and max(h["values"]) == 255
    assert len(h["beads"]) == len(client.get(f"/api/documents/{seed_id}/bitext").json["beads"])
    # where the aligner put 1-1 beads the map is brighter than its median
    v = h["values"]
    on_path = [v[b["src"][0] * h["cols"] + b["tgt"][0]] for b in h["beads"] if len(b["src"]) == len(b["tgt"]) == 1]
    assert sorted(on_path)[len(on_path) // 2] > sorted(v)[len(v) // 2]


def test_check_of_the_stored_pair_names_each_finding_on_its_bead(client, seed_id):
    from glossary.qa import KINDS
    from termalign.web.store import clean

    c = client.get(f"/api/documents/{seed_id}/check").json
    beads = client.get(f"/api/documents/{seed_id}/bitext").json["beads"]
    assert c["pairs"] == sum(1 for b in beads if b["src"] and b["tgt"])
    assert sum(c["counts"].values()) == len(c["findings"]) and set(c["counts"]) <= set(KINDS)
    assert c["summary"].startswith(f"{len(c['findings'])} finding") if c["findings"] else c["summary"].startswith("no problems")
    for f in c["findings"]:  # `index` is the bead's row in the bitext view, its marks inside its texts
        assert beads[f["index"]]["source"] == clean(f["source"]) and beads[f["index"]]["target"] == clean(f["target"])
        assert all(f[side][m["start"]:m["end"]] for side in ("source", "target") for m in f[f"{side}_spans"])
    # the seed is a faithful translation: the term findings it has are few, and no number, date or symbol differs
    assert not {"number", "date", "symbol"} & set(c["counts"]) and len(c["findings"]) <= 6, c["summary"]
    assert client.get("/api/documents/99999/check").status_code == 404


def test_edits_merge_split_swap_unlink_persist_and_export(client, seed_id):
    url = f"/api/documents/{seed_id}/beads"
    before = client.get(f"/api/documents/{seed_id}/bitext").json["beads"]
    one = [len(x["src"]) == len(x["tgt"]) == 1 for x in before]
    i = next(k for k in range(len(before) - 1) if one[k] and one[k + 1])
    merged = client.post(url, json={"op": "merge", "index": i}, headers=H).json["beads"]
    assert len(merged) == len(before) - 1
    assert merged[i]["src"] == sorted(before[i]["src"] + before[i + 1]["src"]) and merged[i]["score"] == 1.0
    tmx = client.get(f"/api/documents/{seed_id}/export?format=tmx")
    assert tmx.status_code == 200 and "attachment" in tmx.headers["Content-Disposition"]
    from translate.storage import tmx as tmxmod

    assert b'segtype="paragraph"' in tmx.data
    units = tmxmod.tmxfile(tmx.data).units
    assert any(merged[i]["source"] in u.source for u in units)
    split = client.post(url, json={"op": "split", "index": i}, headers=H).json["beads"]
    assert [x["src"] for x in split[i:i + 2]] == [before[i]["src"], before[i + 1]["src"]]
    swapped = client.post(url, json={"op": "swap", "index": i, "other": i + 1}, headers=H).json["beads"]
    assert swapped[i]["tgt"] == before[i + 1]["tgt"] and swapped[i + 1]["tgt"] == before[i]["tgt"]
    back = client.post(url, json={"op": "swap", "index": i, "other": i + 1}, headers=H).json["beads"]
    unlinked = client.post(url, json={"op": "unlink", "index": i}, headers=H).json["beads"]
    assert unlinked[i]["tgt"] == [] and unlinked[i + 1]["src"] == [] and unlinked[i]["low"]
    restored = client.post(url, json={"op": "merge", "index": i}, headers=H).json["beads"]
    assert [(x["src"], x["tgt"]) for x in restored] == [(x["src"], x["tgt"]) for x in back]
    csv_r = client.get(f"/api/documents/{seed_id}/export?format=csv")
    import pandas as pd

    df = pd.read_csv(io.BytesIO(csv_r.data), encoding="utf-8-sig")
    assert list(df.columns[:4]) == ["source_ids", "target_ids", "source", "target"] and len(df) == len(restored)


@pytest.mark.parametrize("body,msg", [
    ({"op": "merge", "index": 10_000}, "out of range"),
    ({"op": "merge", "index": "3"}, "index must be an integer"),
    ({"op": "explode", "index": 1}, "unknown edit"),
    ({"op": "split", "index": 2, "src_at": "x"}, "src_at must be an integer"),
    ({"op": "split", "index": 2, "src_at": 5, "tgt_at": 0}, "split point"),
    ({"op": "swap", "index": 2, "other": 2}, "itself"),
    ([1, 2], "JSON object"),
])
def test_bad_edits_get_a_clear_400(client, seed_id, body, msg):
    r = client.post(f"/api/documents/{seed_id}/beads", json=body, headers=H)
    assert r.status_code == 400 and msg in r.json["error"]


def test_changes_need_the_page_header_and_a_local_host(client, seed_id):
    r = client.post(f"/api/documents/{seed_id}/beads", json={"op": "merge", "index": 1})
    assert r.status_code == 403 and "X-Termalign" in r.json["error"]
    r = client.get("/api/documents", headers={"Host": "evil.example:8765"})
    assert r.status_code == 403
    assert client.get("/api/documents", headers={"Host": "localhost:8765"}).status_code == 200


def test_glossary_review_persists_across_restart(app, client, tmp_path_factory, cache_dir):
    rows = client.get("/api/glossary?q=核裁军").json
    assert ("核裁军", "nuclear disarmament") in [(r["source_term"], r["target_term"]) for r in rows]
    r = client.patch("/api/glossary", json={"source_term": "核裁军", "target_term": "nuclear disarmament",
                                            "status": "approved"}, headers=H)
    assert r.status_code == 200
    r = client.patch("/api/glossary", json={"source_term": "民间社会", "target_term": "civil society",
                                            "status": "rejected"}, headers=H)
    r = client.patch("/api/glossary", json={"source_term": "秘书长", "target_term": "Secretary-General",
                                            "new_target": "UN Secretary-General"}, headers=H)
    assert r.status_code == 200
    assert client.post("/api/glossary", json={"source_term": "裁军事务厅", "target_term": "Office for Disarmament Affairs"},
                       headers=H).status_code == 201
    approved = client.get("/api/glossary?status=approved&sort=source").json
    assert {(r["source_term"], r["target_term"]) for r in approved} == {
        ("核裁军", "nuclear disarmament"), ("秘书长", "UN Secretary-General"), ("裁军事务厅", "Office for Disarmament Affairs")}
    assert [r["source_term"] for r in approved] == sorted(r["source_term"] for r in approved)
    assert [r["source_term"] for r in client.get("/api/glossary?status=rejected").json] == ["民间社会"]
    in_seed = client.get(f"/api/glossary?doc={client.get('/api/documents').json[0]['id']}").json
    assert ("核裁军", "nuclear disarmament") in {(r["source_term"], r["target_term"]) for r in in_seed}
    assert "裁军事务厅" not in {r["source_term"] for r in in_seed}  # added by hand, in no document
    by_score = [r["score"] for r in client.get("/api/glossary?sort=score").json]
    assert by_score == sorted(by_score, reverse=True)
    # a second server over the same file sees the review
    db = app.extensions["workbench"].settings.db
    again = make_app(db, cache_dir, seed=False).test_client()
    doc = client.get("/api/documents").json[0]["id"]
    assert again.get(f"/api/documents/{doc}/bitext").json == client.get(f"/api/documents/{doc}/bitext").json
    states = {(r["source_term"], r["target_term"]): r["status"] for r in again.get("/api/glossary").json}
    assert states[("核裁军", "nuclear disarmament")] == "approved"
    assert states[("民间社会", "civil society")] == "rejected"
    assert states[("秘书长", "UN Secretary-General")] == "approved"


@pytest.mark.parametrize("body,msg", [
    ({"source_term": "核裁军", "target_term": "nuclear disarmament", "status": "maybe"}, "unknown status"),
    ({"source_term": "核裁军", "target_term": "no such thing", "status": "approved"}, "no equivalent"),
    ({"source_term": "核裁军", "target_term": "nuclear disarmament", "new_target": "  "}, "cannot be empty"),
    ({"status": "approved"}, "say which entry"),
    (["核裁军"], "JSON object"),
])
def test_bad_glossary_changes_get_a_clear_400(client, body, msg):
    r = client.patch("/api/glossary", json=body, headers=H)
    assert r.status_code == 400 and msg in r.json["error"]


def test_lookup_both_languages_with_marked_contexts(client):
    hits = client.get("/api/lookup?q=核裁军").json
    top = hits[0]
    assert (top["source_term"], top["target_term"]) == ("核裁军", "nuclear disarmament")
    assert top["frequency"] >= 5 and top["contexts"]
    for c in top["contexts"]:
        assert "核裁军" in c["source"]
        assert [c["source"][s["start"]:s["end"]] for s in c["source_spans"]][0] == "核裁军"
    en = client.get("/api/lookup?q=Conference on Disarmament").json
    assert en[0]["source_term"] == "裁军谈判会议"
    assert client.get("/api/lookup?q=").status_code == 400
    assert client.get("/api/lookup?q=zzzzqqq").json == []


def test_search_gives_every_bilingual_context(client, seed_id):
    r = client.get("/api/search?q=核裁军").json
    assert r["equivalents"][0]["target_term"] == "nuclear disarmament"
    bitext = client.get(f"/api/documents/{seed_id}/bitext").json["beads"]
    assert len(r["contexts"]) == sum("核裁军" in x["source"] or "核裁军" in x["target"] for x in bitext)
    c = r["contexts"][0]
    assert c["doc_id"] == seed_id and c["doc"] == "A/RES/75/45"
    assert "nuclear disarmament" in [x["target"][s["start"]:s["end"]].lower() for x in r["contexts"]
                                     for s in x["target_spans"]]


@pytest.mark.parametrize("fmt", ["csv", "tbx", "tbx2019", "tmx", "xlsx", "omegat", "deepl", "memoq"])
def test_glossary_exports_hold_the_approved_terms(client, fmt):
    client.patch("/api/glossary", json={"source_term": "核裁军", "target_term": "nuclear disarmament",
                                        "status": "approved"}, headers=H)
    r = client.get(f"/api/glossary/export?format={fmt}")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    if fmt.startswith("tbx"):
        from lxml import etree

        root = etree.fromstring(r.data)
        terms = [t.text for t in root.iter() if isinstance(t.tag, str) and t.tag.endswith("term")]
        assert "核裁军" in terms and "nuclear disarmament" in terms and "民间社会" not in terms
    elif fmt == "xlsx":
        import pandas as pd

        df = pd.read_excel(io.BytesIO(r.data))
        assert "核裁军" in set(df["source_term"]) and "民间社会" not in set(df["source_term"])
    elif fmt == "tmx":
        from translate.storage import tmx as tmxmod

        assert ("核裁军", "nuclear disarmament") in {(u.source, u.target) for u in tmxmod.tmxfile(r.data).units}
    else:
        text = r.data.decode("utf-8-sig")
        assert "核裁军" in text and "nuclear disarmament" in text and "民间社会" not in text


def test_unknown_ids_and_formats(client, seed_id):
    assert client.get("/api/documents/999/bitext").status_code == 404
    assert client.get("/api/jobs/999").status_code == 404
    r = client.get(f"/api/documents/{seed_id}/export?format=../../etc/passwd")
    assert r.status_code == 400 and "unknown format" in r.json["error"]
    assert client.get("/api/glossary/export?format=exe").status_code == 400


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fservice.py",
                                  "/api/documents/..%2f..%2fetc/bitext", "/../../etc/passwd"])
def test_no_path_traversal_through_urls(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert b"import" not in r.data and b"root:" not in r.data


def test_no_path_traversal_through_picked_files(client):
    files = client.get("/api/files").json
    assert "seed/A_RES_75_45.zh.txt" in files and all(".." not in f for f in files)
    r = client.post("/api/documents", data={"src_file": "seed/A_RES_75_45.zh.txt", "tgt_file": "seed/A_RES_75_45.en.txt",
                                            "name": "A/RES/75/45"}, headers=H)
    assert r.status_code == 400 and "already loaded" in r.json["error"]  # never silently replaces a reviewed pair
    for bad in ["../../../../etc/passwd", "/etc/passwd", "seed/../../service.py", "docs/../../app.py"]:
        r = client.post("/api/documents", data={"src_file": bad, "tgt_file": "seed/A_RES_75_45.en.txt"}, headers=H)
        assert r.status_code == 400 and "no such file to pick" in r.json["error"]


@pytest.mark.parametrize("files,msg", [
    ({"src": (b"\x00\x01\xff\xfe\xfa" * 50, "a.txt"), "tgt": (b"Hello.", "b.txt")}, "a.txt: "),
    ({"src": (b"   \n", "a.txt"), "tgt": (b"Hello.", "b.txt")}, "a.txt: file is empty"),
    ({"src": (b"Hello.", "../../x/a.txt"), "tgt": (b"\xff\xfe\x00", "b.txt")}, "b.txt: "),
    ({"src": (b"MZ\x90\x00", "tool.exe"), "tgt": (b"Hello.", "b.txt")}, "unsupported file type"),
    ({"src": (b"x" * 60_000, "big.txt"), "tgt": (b"Hello.", "b.txt")}, "too large"),
    ({"src": (b"hello", "a.txt")}, "upload both"),
    ({"src": (b"hello", "a.txt"), "tgt": (b"Hello.", "b.txt"), "unit": "word"}, "unknown unit"),
])
def test_bad_uploads_get_a_clear_message(client, files, msg):
    data = {k: v if isinstance(v, str) else (io.BytesIO(v[0]), v[1]) for k, v in files.items()}
    temps = set(Path(tempfile.gettempdir()).glob("termalign-upload-*"))
    r = client.post("/api/documents", data=data, headers=H, content_type="multipart/form-data")
    assert r.status_code in (400, 413) and msg in r.json["error"], r.json
    assert "termalign-upload" not in r.json["error"]  # the user's file name, not our temp file
    assert set(Path(tempfile.gettempdir()).glob("termalign-upload-*")) <= temps  # temp copies removed


def test_uploaded_pair_with_markup_is_data_not_html(app, client):
    zh = f"第一段：{XSS}\n\n第二段讨论核裁军问题。\n".encode()
    en = "First paragraph: <script>alert('x')</script> <img src=x onerror=alert(1)>\n\nThe second paragraph is about nuclear disarmament.\n".encode()
    r = client.post("/api/documents", data={"src": (io.BytesIO(zh), "../../evil.zh.txt"), "tgt": (io.BytesIO(en), "e.en.txt"),
                                             "name": "<b>XSS test</b>", "unit": "paragraph"},
                    headers=H, content_type="multipart/form-data")
    assert r.status_code == 202
    job = app.extensions["workbench"].jobs.wait(r.json["id"], 300)
    assert job.state == "done", job.as_dict()
    doc = job.result["doc_id"]
    listed = client.get(f"/api/jobs/{job.id}").json
    assert listed["state"] == "done" and listed["result"]["doc_id"] == doc and listed["progress"] == 1.0
    assert listed in client.get("/api/jobs").json
    b = client.get(f"/api/documents/{doc}/bitext")
    assert b.headers["Content-Type"].startswith("application/json")
    assert any("<script>alert('x')</script>" in x["source"] for x in b.json["beads"])
    assert "<b>XSS test</b>" in [d["name"] for d in client.get("/api/documents").json]
    assert b"<script>alert" not in client.get("/").data
    assert not list(Path("/").glob("evil.zh.txt"))
    assert client.delete(f"/api/documents/{doc}", headers=H).json == {"ok": True}
    assert client.get(f"/api/documents/{doc}/bitext").status_code == 404


def test_docx_upload_and_picking_from_the_docs_folder(tmp_path, cache_dir):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for p in ("第一段讨论核裁军。", "第二段欢迎民间社会的作用。"):
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pair.en.txt").write_text("The first is on nuclear disarmament.\n\nThe second welcomes civil society.\n",
                                        encoding="utf-8")
    (folder / "notes.exe").write_bytes(b"MZ")
    app = make_app(tmp_path / "tb.sqlite3", cache_dir, seed=False, docs_dir=folder)
    c = app.test_client()
    assert [f for f in c.get("/api/files").json if f.startswith("docs/")] == ["docs/pair.en.txt"]
    up = c.post("/api/documents", data={"src": (io.BytesIO(buf.getvalue()), "pair.zh.docx"),
                                        "tgt": (io.BytesIO((folder / "pair.en.txt").read_bytes()), "pair.en.txt"),
                                        "name": "docx pair"}, headers=H, content_type="multipart/form-data")
    picked = c.post("/api/documents", data={"src_file": "seed/A_RES_75_45.zh.txt", "tgt_file": "docs/pair.en.txt",
                                            "name": "picked"}, headers=H)
    zh = "第一段讨论核裁军。大会欢迎民间社会的作用。\n\n第二段请秘书长提交报告。\n".encode()
    en = (b"The first is on nuclear disarmament. The Assembly welcomes the role of civil society.\n\n"
          b"The second requests the Secretary-General to report.\n")
    sent = c.post("/api/documents", data={"src": (io.BytesIO(zh), "s.zh.txt"), "tgt": (io.BytesIO(en), "s.en.txt"),
                                          "name": "sentences", "unit": "sentence"}, headers=H,
                  content_type="multipart/form-data")
    assert up.status_code == picked.status_code == sent.status_code == 202
    wait_all(app)
    docs = {d["name"]: d for d in c.get("/api/documents").json}
    bitext = c.get(f"/api/documents/{docs['docx pair']['id']}/bitext").json["beads"]
    assert [(x["source"], x["target"]) for x in bitext] == [
        ("第一段讨论核裁军。", "The first is on nuclear disarmament."),
        ("第二段欢迎民间社会的作用。", "The second welcomes civil society.")]
    assert docs["picked"]["n_tgt"] == 2
    sb = c.get(f"/api/documents/{docs['sentences']['id']}/bitext").json
    assert sb["unit"] == "sentence" and [(x["src"], x["tgt"]) for x in sb["beads"]] == [([0], [0]), ([1], [1]), ([2], [2])]
    heat = c.get(f"/api/documents/{docs['sentences']['id']}/heatmap").json
    assert (heat["rows"], heat["cols"]) == (3, 3)
    app.extensions["workbench"].close()


@pytest.mark.parametrize("args,msg", [(["--port", "0"], "--port 0"), (["--docs", "/nonexistent"], "must be a directory"),
                                      (["--max-upload-mb", "-1"], "must be positive")])
def test_serve_refuses_bad_options_in_one_line(args, msg, tmp_path, cli_env):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "termalign", "serve", "--db", str(tmp_path / "x.sqlite3"), *args],
                       env=cli_env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_seed_comes_once_per_term_base(app, client, cache_dir):
    store = app.extensions["workbench"].store
    assert store.flag("web_seeded")
    db = app.extensions["workbench"].settings.db
    fresh = make_app(db, cache_dir)  # documents present and seeded: nothing to do
    assert fresh.extensions["workbench"].jobs.all() == []
    fresh.extensions["workbench"].close()

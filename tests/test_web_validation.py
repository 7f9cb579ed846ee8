"""Odd requests to the workbench API get a 400 with a one-line reason, never a 500: NUL and lone
surrogates, wrong JSON types, NaN, bodies nested 100,000 deep, bad numbers; and the README's
raw-UTF-8 lookup URL works against the real server. The term base holds the seed pair by its
gold beads (no encoder)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import pytest

from conftest import make_seed_termbase

pytest.importorskip("flask")

from termalign.web.app import create_app  # noqa: E402
from termalign.web.service import Settings  # noqa: E402

H = {"X-Termalign": "1"}


@pytest.fixture(scope="module")
def app(tmp_path_factory, seed_alignment):
    db = make_seed_termbase(tmp_path_factory.mktemp("webval") / "tb.sqlite3", seed_alignment)
    a = create_app(Settings(db=db), seed=False)
    yield a
    a.extensions["workbench"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def one_line_400(r) -> str:
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:300])
    msg = r.get_json()["error"]
    assert msg and "\n" not in msg and len(msg) < 300
    return msg


def test_the_valid_requests_still_work(client):
    r = client.get("/api/lookup?q=核裁军")
    assert r.status_code == 200 and r.get_json()[0]["target_term"] == "nuclear disarmament"
    r = client.get("/api/search?q=核裁军&limit=3")
    assert r.status_code == 200 and len(r.get_json()["contexts"]) == 3 and r.get_json()["truncated"]
    assert client.get("/api/glossary?limit=5&doc=1").status_code == 200
    r = client.post("/api/glossary", json={"source_term": "消极安全保证", "target_term": "negative security assurances"},
                    headers=H)
    assert r.status_code == 201
    r = client.patch("/api/glossary", json={"source_term": "消极安全保证", "target_term": "negative security assurances",
                                            "status": None}, headers=H)
    assert r.status_code == 200


@pytest.mark.parametrize("url", ["/api/lookup?q=a%00b", "/api/search?q=a%00b", "/api/lookup?q=%01x",
                                 "/api/glossary?q=a%00b"])
def test_nul_and_controls_in_queries(client, url):
    assert "control character" in one_line_400(client.get(url))


@pytest.mark.parametrize("url,word", [("/api/search?q=核&limit=-1", "between"), ("/api/search?q=核&limit=abc", "whole"),
                                      ("/api/search?q=核&limit=99999999999999999999999", "whole"),
                                      ("/api/search?q=核&limit=1e3", "whole"), ("/api/search?q=核&limit=0", "between"),
                                      ("/api/lookup?q=核&contexts=-5", "between"), ("/api/glossary?limit=-1", "between"),
                                      ("/api/glossary?doc=x", "whole")])
def test_numbers_are_validated(client, url, word):
    assert word in one_line_400(client.get(url))


def raw_json(client, method: str, path: str, text: str):
    return client.open(path, method=method, data=text.encode("utf-8", "surrogatepass"),
                       content_type="application/json", headers=H)


BAD_BODIES = [
    ('{"source_term": {"a": 1}, "target_term": "x"}', "must be text"),
    ('{"source_term": true, "target_term": "x"}', "must be text"),
    ('{"source_term": NaN, "target_term": "x"}', "NaN"),
    ('{"source_term": ["a"], "target_term": "x"}', "must be text"),
    ('{"source_term": 5, "target_term": "x"}', "must be text"),
    ('{"source_term": "a\\u0000b", "target_term": "x"}', "control character"),
    ('{"source_term": "a\\ud800b", "target_term": "x"}', "surrogate"),
    ('{"source_term": "a", "target_term": "x", "extra": 1}', "unknown field"),
    ("true", "JSON object"),
    ("[1, 2]", "JSON object"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ("{not json", "not valid JSON"),
]


@pytest.mark.parametrize("body,word", BAD_BODIES)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_glossary_bodies(client, method, body, word):
    assert word in one_line_400(raw_json(client, method, "/api/glossary", body))


@pytest.mark.parametrize("body,word", [('{"op": "merge", "index": "3"}', "must be an integer"),
                                       ('{"op": "merge", "index": true}', "must be an integer"),
                                       ('{"op": "merge", "index": 1.5}', "must be an integer"),
                                       ('{"op": ["merge"], "index": 1}', "must be text"),
                                       ('{"op": "split", "index": 1, "src_at": NaN}', "NaN"),
                                       ('{"op": "merge", "index": 0, "x": 1}', "unknown field"),
                                       ("[" * 100_000, "nested too deeply")])
def test_bead_edit_bodies(client, body, word):
    assert word in one_line_400(raw_json(client, "POST", "/api/documents/1/beads", body))


def test_form_fields_are_checked_too(client):
    r = client.post("/api/documents", data={"src_file": "a\x00b", "tgt_file": "x", "name": "n"}, headers=H)
    assert "control character" in one_line_400(r)
    r = client.post("/api/documents", data={"src_file": "nope", "tgt_file": "x", "name": "n\x00"}, headers=H)
    assert "control character" in one_line_400(r)


def test_a_lone_surrogate_stores_nothing(client, app):
    raw_json(client, "POST", "/api/glossary", '{"source_term": "\\udfff核", "target_term": "x"}')
    rows = app.extensions["workbench"].store.tb.glossary_rows(min_df=0, include_rejected=True)
    assert not any("\udfff" in r["source_term"] or r["source_term"].startswith("{") for r in rows)


# --- the real server: raw UTF-8 in the request line, as the README's example URL is typed ------


@pytest.fixture(scope="module")
def server(app):
    from termalign.web.server import create_server

    srv = create_server(app, host="127.0.0.1", port=0, threads=2)
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    yield srv.effective_port
    srv.close()


def raw_get(port: int, target: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        deadline = time.time() + 10
        while time.time() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_raw_utf8_lookup_url_works(server):
    status, body = raw_get(server, "/api/lookup?q=核裁军".encode("utf-8"))
    assert status == 200, body[:200]
    assert json.loads(body)[0]["target_term"] == "nuclear disarmament"
    # the percent-encoded form answers the same
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    conn.request("GET", "/api/lookup?q=%E6%A0%B8%E8%A3%81%E5%86%9B")
    assert json.loads(conn.getresponse().read())[0]["target_term"] == "nuclear disarmament"


def test_a_raw_url_that_is_not_utf8_is_refused_not_echoed(server):
    status, body = raw_get(server, b"/api/lookup?q=\xff\xfe")
    assert status == 400
    assert "\ufffd".encode() not in body


@pytest.mark.parametrize("url,word", [("/api/glossary?sort=evil", "sort must be one of"),
                                      ("/api/glossary?status=approvd", "status must be one of")])
def test_choices_are_validated(client, url, word):
    assert word in one_line_400(client.get(url))


def test_an_error_names_the_term_base_not_where_the_server_keeps_it(client, app):
    msg = one_line_400(client.post("/api/glossary/merge", json={"keep": "x", "other": "y", "source_term": "无此术语"},
                                   headers=H))
    assert "the term base" in msg and str(app.extensions["workbench"].store.tb.path) not in msg

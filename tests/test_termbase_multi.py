"""Multilingual term entries in the term base (schema v5): stored from a six-language glossary,
found by a query in any of their languages (French, Arabic with or without vowel marks, Russian
in any case), through the API, the CLI and the workbench; a v4 file migrates to v5."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from glossary.export import write_multi_glossary
from glossary.model import MultiEntry, MultiGlossary, Rendering
from termalign.termbase import SCHEMA_VERSION, old_schema, open_termbase

SIX = ["en", "zh", "fr", "es", "ru", "ar"]


def udhr_glossary(shared: Path) -> MultiGlossary:
    """The udhr-dev gold entries as a glossary: a rendering per language, its accepted forms as variants."""
    lines = (shared / "udhr-dev" / "udhr.six-dev.tsv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    entries = []
    for i, line in enumerate(lines[1:]):
        cells = dict(zip(head, line.split("\t")))
        terms = {x: Rendering(forms[0], 1.0, 1, forms) for x in SIX
                 if (forms := [f.strip() for f in cells.get(x, "").split(" | ") if f.strip()])}
        entries.append(MultiEntry(terms, round(1.0 - i / 100, 2), 1))
    return MultiGlossary(entries, SIX)


@pytest.fixture()
def tb(tmp_path, shared_data):
    with open_termbase(tmp_path / "tb.sqlite3") as t:
        t.add_multi_entries(udhr_glossary(shared_data).entries, source="udhr.six-dev.tsv")
        yield t


def test_stored_entries_read_back_in_their_languages(tb, shared_data):
    g = udhr_glossary(shared_data)
    stored = list(tb.multi_entries().values())
    assert len(stored) == len(g.entries) == 12
    first = stored[0]
    assert list(first.terms) == SIX
    assert first.terms["fr"].term == "Déclaration universelle des droits de l’homme"
    assert "Déclaration universelle des droits de l'homme" in first.terms["fr"].variants
    # importing again updates the entries instead of doubling them
    assert tb.add_multi_entries(g.entries) == 12 and len(tb.multi_entries()) == 12


def test_lookup_from_french_returns_all_six(tb):
    hits = tb.lookup("Libertés fondamentales")
    assert hits[0]["exact"] and hits[0]["lang"] == "fr"
    t = hits[0]["terms"]
    assert list(t) == SIX
    assert (t["en"]["term"], t["zh"]["term"], t["es"]["term"], t["ru"]["term"], t["ar"]["term"]) == (
        "fundamental freedoms", "基本自由", "libertades fundamentales", "основные свободы", "الحريات الأساسية")
    assert hits[0]["source_term"] == "基本自由" and hits[0]["target_term"] == "fundamental freedoms"
    # either apostrophe, either form
    assert tb.lookup("droits de l'homme")[0]["terms"]["en"]["term"] == "human rights"


def test_lookup_from_arabic_ignores_vowel_marks_and_finds_forms(tb):
    bare = tb.lookup("حقوق الإنسان")
    assert bare[0]["exact"] and bare[0]["lang"] == "ar" and list(bare[0]["terms"]) == SIX
    assert bare[0]["terms"]["fr"]["term"] == "droits de l’homme"
    voweled = tb.lookup("حُقُوقُ الإِنْسَانِ")  # with harakat, as a vocalised text writes it
    assert voweled[0]["exact"] and voweled[0]["terms"]["en"]["term"] == "human rights"
    assert tb.lookup("لحقوق الإنسان")[0]["terms"]["en"]["term"] == "human rights"  # a form found in the text
    # partial: the query inside longer terms (the Declaration holds "human rights" in every language)
    partial = [h["terms"]["en"]["term"] for h in bare[1:]]
    assert "Universal Declaration of Human Rights" in partial and not any(h["exact"] for h in bare[1:])


def test_lookup_from_russian_any_case_and_inflected_form(tb):
    hit = tb.lookup("ОСНОВНЫХ СВОБОД")[0]
    assert hit["exact"] and hit["lang"] == "ru" and hit["terms"]["en"]["term"] == "fundamental freedoms"
    assert tb.lookup("zzzz-nothing") == []


def test_zh_en_lookup_gains_the_other_languages(tb):
    """A zh-en equivalent stored from a pair and the same concept imported in six languages: one hit."""
    tb.add_term("人权", "human rights")
    hits = tb.lookup("人权")
    ours = [h for h in hits if h["source_term"] == "人权"]
    assert len(ours) == 1 and ours[0]["status"] == "approved" and list(ours[0]["terms"]) == SIX
    assert tb.lookup("derechos humanos")[0]["status"] == "approved"  # the reviewed zh-en hit, found from Spanish


def test_migration_from_version_4_keeps_terms_and_stores_multilingual_entries(tmp_path, shared_data):
    path = tmp_path / "v4.sqlite3"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    old_schema(con, 4)
    con.execute("INSERT INTO terms (text, lang, df, freq, nbeads, pdocs) VALUES ('核裁军', 'zh', 1, 1, 1, 1)")
    con.execute("INSERT INTO equivalents (term_id, text, norm, score, status, origin)"
                " VALUES (1, 'nuclear disarmament', 'nuclear disarmament', 1.0, 'forbidden', 'manual')")
    assert not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'renderings'").fetchone()
    con.close()
    with open_termbase(path) as tb:
        assert tb.schema_version == SCHEMA_VERSION == 5
        assert [(h["target_term"], h["status"]) for h in tb.lookup("核裁军")] == [("nuclear disarmament", "forbidden")]
        assert tb.add_multi_entries(udhr_glossary(shared_data).entries) == 12
        assert tb.lookup("Всеобщую декларацию прав человека")[0]["terms"]["zh"]["term"] == "世界人权宣言"
    with open_termbase(path) as tb:  # opened again: nothing to migrate, the entries still there
        assert tb.schema_version == 5 and len(tb.multi_entries()) == 12


def _termalign(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termalign", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_cli_import_then_lookup_in_french_and_arabic(tmp_path, shared_data, cli_env):
    gl, db = tmp_path / "udhr.jsonl", tmp_path / "tb.sqlite3"
    write_multi_glossary(udhr_glossary(shared_data), gl, "jsonl")
    r = _termalign("corpus", "import", str(gl), "--db", str(db), env=cli_env)
    assert r.returncode == 0 and "stored 12 term entries (en, zh, fr, es, ru, ar)" in r.stderr, r.stderr
    fr = _termalign("lookup", "famille humaine", "--db", str(db), env=cli_env)
    assert fr.returncode == 0, fr.stderr
    assert fr.stdout.splitlines()[0].startswith("人类家庭\thuman family")
    assert "    ar: الأسرة البشرية" in fr.stdout and "    ru: человеческая семья" in fr.stdout
    ar = _termalign("lookup", "الأسرة البشرية", "--db", str(db), "--json", env=cli_env)
    hit = json.loads(ar.stdout)[0]
    assert hit["lang"] == "ar" and hit["terms"]["es"]["term"] == "familia humana" and len(hit["terms"]) == 6
    zh_en = tmp_path / "zh-en.jsonl"
    zh_en.write_text(json.dumps({"source_term": "人权", "target_term": "human rights"}) + "\n", encoding="utf-8")
    bad = _termalign("corpus", "import", str(zh_en), "--db", str(db), env=cli_env)
    assert bad.returncode == 2 and "corpus add" in bad.stderr and "Traceback" not in bad.stderr


def test_web_api_lookup_in_any_language(tmp_path, shared_data, cache_dir):
    pytest.importorskip("flask")
    from termalign.web.app import create_app
    from termalign.web.service import Settings

    app = create_app(Settings(db=tmp_path / "tb.sqlite3", cache_dir=cache_dir), seed=False)
    try:
        app.extensions["workbench"].store.tb.add_multi_entries(udhr_glossary(shared_data).entries)
        client = app.test_client()
        hits = client.get("/api/lookup?q=الحريات الأساسية").json
        assert hits[0]["exact"] and hits[0]["lang"] == "ar" and hits[0]["languages"] == SIX
        assert sorted(hits[0]["terms"]) == sorted(SIX)  # JSON objects come sorted: `languages` keeps the order
        assert hits[0]["terms"]["fr"]["term"] == "libertés fondamentales" and hits[0]["contexts"] == []
        fr = client.get("/api/lookup?q=DROITS").json  # partial: inside three French terms
        assert {h["target_term"] for h in fr} == {"Universal Declaration of Human Rights", "human rights",
                                                   "fundamental human rights"}
        assert all(len(h["terms"]) == 6 and not h["exact"] for h in fr)
        # the glossary view: a column per language, in the glossary's order, every entry or those matching
        view = client.get("/api/glossary/multi").json
        assert view["languages"] == SIX and len(view["entries"]) == 12
        assert view["entries"][0]["terms"]["ar"]["term"] == "الإعلان العالمي لحقوق الإنسان"
        found = client.get("/api/glossary/multi?q=Права человека").json["entries"]
        assert [e["terms"]["en"]["term"] for e in found] == ["human rights", "fundamental human rights"]
        page = client.get("/").data.decode()
        assert 'id="multi-glossary"' in page and "/api/glossary/multi" in client.get("/static/app.js").data.decode()
    finally:
        app.extensions["workbench"].close()

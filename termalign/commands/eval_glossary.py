"""`termalign eval-glossary GOLD GLOSSARY`: recall of a terminologist's list, precision of the top N."""

from __future__ import annotations

import argparse
import json

from termalign.commands import int_at_least


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval-glossary", help="score a glossary against a gold term list (recall, precision@N)",
                       description="GOLD is tab-separated 'Chinese<TAB>English' a line ('|' between accepted "
                                   "English variants, header 'zh<TAB>en' optional); GLOSSARY any file `termalign "
                                   "glossary` writes (csv, xlsx, tmx, tbx, omegat, jsonl), in rank order. A gold "
                                   "pair is found when its Chinese term is an entry with one of the English "
                                   "variants among its equivalents (case and hyphen forms ignored).")
    p.add_argument("gold")
    p.add_argument("glossary")
    p.add_argument("--top", type=int_at_least(1), default=60, metavar="N", help="precision of the top N entries (default 60)")
    p.add_argument("--json", action="store_true", help="print the scores and the misses as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from glossary.evaluate import parse_gold, report, score_glossary
    from glossary.export import read_glossary
    from termalign.errors import UserError

    path = Path(args.gold)
    if not path.is_file():
        raise UserError(f"{path}: no such gold list")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not UTF-8 text ({e.reason})") from e
    s = score_glossary(read_glossary(args.glossary), parse_gold(text, str(path)), args.top)
    print(json.dumps(s.as_dict(), ensure_ascii=False) if args.json else report(s))
    return 0

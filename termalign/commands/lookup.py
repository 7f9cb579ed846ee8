"""`termalign lookup QUERY --glossary FILE…`: a term's equivalents (and, with --contexts, its examples)."""

from __future__ import annotations

import argparse
import json
import sys

from termalign.commands import int_at_least


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lookup", help="look a term up in glossary files (Chinese or English; any language of a multilingual glossary)",
                       description="Exact matches first, then partial ones, each with its equivalents and scores.")
    p.add_argument("query", help="a Chinese or English term (or a phrase that holds one)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--glossary", "-g", nargs="+", metavar="FILE",
                     help="glossary files written by `termalign glossary` (.jsonl, .csv, .xlsx, .tmx, .tbx, .txt)")
    src.add_argument("--db", metavar="FILE", help="a term base (`termalign corpus`, `termalign serve`) instead")
    p.add_argument("--contexts", action="store_true", help="show the bilingual example with the term highlighted")
    p.add_argument("--limit", type=int_at_least(1), default=20, metavar="N", help="at most N entries (default 20)")
    p.add_argument("--json", action="store_true", help="print the matching entries as JSON lines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from glossary.export import read_glossary, read_multi_glossary
    from glossary.lookup import format_hits, search
    from termalign.errors import UserError, check_chars

    if not check_chars(args.query, "the query").strip():
        raise UserError("give a term to look up")
    if args.db:
        from termalign.commands.corpus import run_lookup

        # the term base answers with pooled equivalents across its documents
        return run_lookup(argparse.Namespace(**{**vars(args), "contexts": 3 if args.contexts else 0}))

    multi = {path: read_multi_glossary(path) for path in args.glossary}
    if any(v is not None for v in multi.values()):  # a multilingual glossary: the query in any language
        return _run_multi(args, multi)
    entries = [(path, e) for path in args.glossary for e in read_glossary(path)]
    hits = search(entries, args.query, args.limit)
    return _report(args, hits, len(entries), lambda h: {"exact": h.exact, "glossary": h.source},
                   lambda: format_hits(hits, args.contexts, color=sys.stdout.isatty(), show_source=len(args.glossary) > 1))


def _report(args: argparse.Namespace, hits: list, n_entries: int, fields, text) -> int:
    """Print the hits as JSON lines (the entry plus `fields(hit)`) or as `text()`; 1 when none."""
    if not hits:
        print(f"no entry for {args.query!r} in {n_entries} entries", file=sys.stderr)
        return 1
    if args.json:
        for h in hits:
            print(json.dumps({**h.entry.to_dict(), **fields(h)}, ensure_ascii=False))
    else:
        print(text())
    return 0


def _run_multi(args: argparse.Namespace, multi: dict) -> int:
    from glossary.export import read_glossary
    from glossary.lookup import format_multi_hits, search_multi
    from glossary.model import MultiEntry, Rendering

    entries = []
    for path, found in multi.items():
        if found is None:  # a Chinese-English glossary beside multilingual ones
            found = [MultiEntry({"zh": Rendering(e.source_term), "en": Rendering(e.target_term, variants=[
                q.term for q in e.equivalents])}, e.score, e.source_frequency, e.type) for e in read_glossary(path)]
        entries += [(path, e) for e in found]
    hits = search_multi(entries, args.query, args.limit)
    return _report(args, hits, len(entries), lambda h: {"exact": h.exact, "lang": h.lang, "glossary": h.source},
                   lambda: format_multi_hits(hits, args.contexts, show_source=len(args.glossary) > 1))

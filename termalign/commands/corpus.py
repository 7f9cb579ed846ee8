"""`termalign corpus add|list|conflicts|export|remove`: the term base over many document pairs."""

from __future__ import annotations

import argparse
import json
import sys

from termalign.commands import int_at_least
from termalign.commands.glossary import add_cat_args, cat_options


EXPORT_FORMATS = ("tmx", "csv", "tbx", "tbx2019", "tbx3", "xlsx", "omegat", "jsonl")
_EXTENSIONS = {".tmx": "tmx", ".csv": "csv", ".tbx": "tbx", ".xlsx": "xlsx", ".jsonl": "jsonl", ".txt": "omegat",
               ".utf8": "omegat"}


def add_db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="FILE", default=None,
                   help="term base file (default: $TERMALIGN_DB, else termbase.sqlite3 in the user data dir)")


def add_settings_args(p: argparse.ArgumentParser) -> None:
    """How each pair is processed: shared by `corpus add` and `batch`."""
    from termalign.commands.align import add_model_args

    p.add_argument("--src-lang", default="zh")
    p.add_argument("--tgt-lang", default="en")
    p.add_argument("--encoding", default=None, help="force the input encoding (default: detect)")
    p.add_argument("--unit", choices=("line", "paragraph", "sentence"), default="paragraph",
                   help="line: every non-empty line; paragraph (default); sentence: inside aligned paragraphs")
    p.add_argument("--no-glossary", action="store_true", help="store alignments only, extract no terms")
    add_stop_list_arg(p)
    add_model_args(p)


def add_stop_list_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stop-list", metavar="FILE", default=None,
                   help="stop words that block a candidate term (a line each: WORD, or start|any|end<TAB>WORD; "
                        "or a term base, whose stop list is used); adds to the term base's own stop list")


def stop_list_from(args: argparse.Namespace, tb=None):
    """The stop list of an extraction: the term base's (`termalign stoplist`) and --stop-list FILE."""
    from pathlib import Path

    from glossary.review import parse_stop_list, stop_list
    from termalign.errors import UserError
    from termalign.termbase import open_termbase

    pairs = list(tb.stop_list().words) if tb is not None else []
    path = getattr(args, "stop_list", None)
    if path:
        p = Path(path)
        if not p.is_file():
            raise UserError(f"{p}: no such stop list file")
        with p.open("rb") as fh:
            is_db = fh.read(16) == b"SQLite format 3\x00"
        if is_db:
            with open_termbase(p, create=False) as other:
                pairs += other.stop_list().words
        else:
            try:
                pairs += stop_list(parse_stop_list(p.read_text(encoding="utf-8-sig"))).words
            except UnicodeDecodeError as e:
                raise UserError(f"{p}: a stop list is UTF-8 text ({e.reason})") from e
            except UserError as e:  # say which file the bad line is in
                raise UserError(f"{p}: {e}") from e
    return stop_list(pairs)


def settings_from(args: argparse.Namespace, tb=None):
    from align.embed import DEFAULT_MODEL
    from termalign.corpus import Settings

    return Settings(unit=args.unit, src_lang=args.src_lang, tgt_lang=args.tgt_lang, model=args.model or DEFAULT_MODEL,
                    cache_dir=args.cache, no_cache=args.no_cache, encoding=args.encoding,
                    glossary=not args.no_glossary, stop=stop_list_from(args, tb))


def db_path(args: argparse.Namespace):
    """The term base file a command uses (an input that no output may overwrite)."""
    from termalign.termbase import default_termbase_path

    return args.db or default_termbase_path()


def open_db(args: argparse.Namespace, create: bool = True):
    from termalign.termbase import open_termbase

    return open_termbase(args.db, create=create)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("corpus", help="the term base: add a pair, import term entries, list, conflicts, export",
                       description="A term base (one SQLite file) of aligned pairs and their pooled terminology.")
    cs = p.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)

    a = cs.add_parser("add", help="align a pair, extract its terms, store both (skipped if already stored)")
    a.add_argument("src", help="source document (Chinese by default)")
    a.add_argument("tgt", help="target document (English by default)")
    a.add_argument("--id", dest="doc_id", metavar="SYMBOL", default=None,
                   help="document id, e.g. A/RES/75/45 (default: from the file name)")
    add_db_arg(a)
    add_settings_args(a)
    a.set_defaults(func=run_add)

    i = cs.add_parser("import", help="store the term entries of a multilingual glossary (any of its languages "
                                     "then finds them with lookup)")
    i.add_argument("glossary", help="a glossary written by `termalign glossary F1 F2 … Fn` (.jsonl, .csv, .xlsx, .tbx)")
    add_db_arg(i)
    i.set_defaults(func=run_import)

    ls = cs.add_parser("list", help="the stored pairs and the term base's size")
    add_db_arg(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    c = cs.add_parser("conflicts", help="Chinese terms rendered differently in different pairs")
    add_db_arg(c)
    c.add_argument("--min-docs", type=int_at_least(0), default=2, help="only terms found in at least N pairs (default 2)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=run_conflicts)

    e = cs.add_parser("export", help="TMX of all bitexts, or the glossary as CSV/TBX/XLSX/OmegaT/JSONL")
    e.add_argument("output", help="output file")
    e.add_argument("--format", choices=EXPORT_FORMATS, default=None,
                   help="tmx: the aligned pairs; the others: the glossary (default: from the extension)")
    e.add_argument("--min-df", type=int_at_least(0), default=1, help="glossary: terms found in at least N pairs")
    e.add_argument("--approved-only", action="store_true", help="glossary: only equivalents a reviewer approved")
    e.add_argument("--langs", default=None, metavar="SRC-TGT", help="language pair, when the base holds several")
    add_cat_args(e)
    add_db_arg(e)
    e.set_defaults(func=run_export)

    k = cs.add_parser("lookup", help="a term's pooled equivalents across the corpus, with contexts")
    k.add_argument("query", help="Chinese or English (any language of imported multilingual entries);"
                                 " exact matches first, then partial ones")
    k.add_argument("--contexts", type=int_at_least(0), default=0, metavar="N", help="show N bilingual contexts per equivalent")
    k.add_argument("--limit", type=int_at_least(1), default=20)
    k.add_argument("--json", action="store_true", help="one JSON list, the shape of the workbench's /api/lookup")
    add_db_arg(k)
    k.set_defaults(func=run_lookup)

    b = cs.add_parser("rebuild", help="extract the terms of stored pairs again (after a stop list change); "
                                      "reviewers' decisions stay")
    b.add_argument("doc_ids", nargs="*", metavar="SYMBOL", help="the pairs (default: all)")
    b.add_argument("--no-embed", action="store_true", help="pair terms without the encoder")
    add_db_arg(b)
    from termalign.commands.align import add_model_args

    add_model_args(b)
    b.set_defaults(func=run_rebuild)

    r = cs.add_parser("remove", help="remove a pair (its reviewed terms stay)")
    r.add_argument("doc_id", metavar="SYMBOL")
    add_db_arg(r)
    r.set_defaults(func=run_remove)


def run_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from termalign.corpus import add_pair
    from termalign.errors import UserError

    for f in (args.src, args.tgt):  # before the term base is created
        if not Path(f).is_file():
            raise UserError(f"{f}: no such file")
    with open_db(args) as tb:
        doc_id, new = add_pair(tb, args.src, args.tgt, settings_from(args, tb), args.doc_id)
        doc = tb.document(doc_id)
        note = f" ({doc.glossary_note})" if doc and doc.glossary_note else ""
        print(f"{doc_id}: {'stored' if new else 'already in the term base, skipped'}{note} — {tb.path}",
              file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from glossary.export import read_multi_glossary
    from termalign.errors import UserError

    if not Path(args.glossary).is_file():  # before the term base is created
        raise UserError(f"{args.glossary}: no such file")
    entries = read_multi_glossary(args.glossary)
    if entries is None:
        raise UserError(f"{args.glossary}: a Chinese-English glossary; store its pair with `termalign corpus add`")
    with open_db(args) as tb:
        n = tb.add_multi_entries(entries, source=Path(args.glossary).name)
        langs = list(dict.fromkeys(x for e in entries for x in e.terms))
        print(f"stored {n} term entries ({', '.join(langs)}) — {tb.path}", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as tb:
        docs, stats = tb.documents(), tb.stats()
        if args.json:
            print(json.dumps({"documents": [d.__dict__ for d in docs], "stats": stats}, ensure_ascii=False))
            return 0
        for d in docs:
            print(f"{d.doc_id}\t{d.src_lang}-{d.tgt_lang}\t{d.unit}\t{d.model}\t{d.src_path or ''}\t{d.glossary_note or ''}"
                  f"\t{d.meta.get('signature', '')}")
        print(", ".join(f"{k} {v}" for k, v in stats.items()), file=sys.stderr)
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as tb:
        conflicts = tb.conflicts(min_docs=args.min_docs)
    if args.json:
        print(json.dumps(conflicts, ensure_ascii=False))
        return 0
    for c in conflicts:
        print(c["source_term"])
        for r in c["renderings"]:
            status = f" [{r['status']}]" if r.get("status") not in (None, "candidate") else ""
            print(f"    {r['target_term']}{status}\t{len(r['documents'])} pair(s): {' '.join(r['documents'])}")
    print(f"{len(conflicts)} term(s) rendered differently across pairs", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from termalign.corpus import export_glossary, export_tmx
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    fmt = args.format or ("csv" if args.preset else _EXTENSIONS.get(Path(args.output).suffix.lower()))
    if not fmt:
        raise UserError(f"{args.output}: say which format with --format ({', '.join(EXPORT_FORMATS)})")
    options = cat_options(args, fmt)
    if args.output != "-":
        check_output_path(args.output, inputs=(db_path(args),))
    with open_db(args, create=False) as tb:
        if fmt == "tmx":
            n = export_tmx(tb, args.output, args.langs, options["lang_codes"])
            what = "aligned pairs"
        else:
            n = export_glossary(tb, args.output, fmt, min_df=args.min_df, approved_only=args.approved_only,
                                langs=args.langs, **options)
            what = "glossary rows"
    print(f"wrote {n} {what} to {args.output}", file=sys.stderr)
    return 0


def run_lookup(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as tb:
        hits = tb.lookup(args.query, limit=args.limit, contexts=args.contexts)
    if args.json:
        print(json.dumps(hits, ensure_ascii=False))
        return 0
    for h in hits:
        print(f"{h['source_term']}\t{h['target_term']}\tscore {h['score']:.3f}\tfreq {h['frequency']}"
              f"\tpairs {h['document_frequency']}\t{h['status']}")
        for lang, r in h.get("terms", {}).items():  # a multilingual entry: every language
            print(f"    {lang}: {r['term']}")
        for ctx in h["contexts"]:
            print(f"    [{ctx['document']}] {ctx['source']}\n    {' ' * (len(ctx['document']) + 2)} {ctx['target']}")
    if not hits:
        print(f"no entry for {args.query!r}", file=sys.stderr)
    return 0 if hits else 1


def run_remove(args: argparse.Namespace) -> int:
    from termalign.errors import UserError

    with open_db(args, create=False) as tb:
        if not tb.delete_document(args.doc_id):
            raise UserError(f"{args.doc_id}: no such document in {tb.path}")
    print(f"removed {args.doc_id}", file=sys.stderr)
    return 0


def run_rebuild(args: argparse.Namespace) -> int:
    from termalign.commands.align import make_embedder_from
    from termalign.corpus import rebuild_glossaries

    with open_db(args, create=False) as tb:
        done = rebuild_glossaries(tb, args.doc_ids, None if args.no_embed else make_embedder_from(args))
    print(f"extracted the terms of {len(done)} pair(s) again — {tb.path}", file=sys.stderr)
    return 0

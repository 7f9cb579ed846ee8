"""`termalign terms DOC (--db FILE | --glossary FILE…)`: the known terms of a new document, before translating it."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

FORMATS = ("csv", "xlsx", "tbx", "tbx2019")


def term_list_files(args: argparse.Namespace) -> tuple[str, ...]:
    """The term list's own files, which an output must never replace."""
    return (*(args.glossary or ()), *((args.db,) if args.db else ()))


def add_term_list_args(p: argparse.ArgumentParser) -> None:
    """Where the term list comes from: glossary files or the term base (shared with `check`)."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--glossary", "-g", nargs="+", metavar="FILE",
                     help="glossary files written by `termalign glossary` (.csv, .xlsx, .tbx, .tmx, .jsonl, .txt)")
    src.add_argument("--db", metavar="FILE", help="a term base (`termalign corpus`, `termalign serve`): reviewed "
                                                  "statuses count (approved, forbidden; rejected left out)")


def load_term_list(args: argparse.Namespace):
    """The term list (Chinese source terms) from --glossary files or the --db term base."""
    from glossary.export import read_glossary
    from glossary.recognise import from_glossary, merge_entries
    from termalign.errors import UserError
    from termalign.qa import termbase_entries
    from termalign.termbase import open_termbase

    if args.db:
        with open_termbase(args.db, create=False) as tb:
            entries = termbase_entries(tb)
    else:
        entries = merge_entries(e for path in args.glossary for e in from_glossary(read_glossary(path), Path(path).name))
    if not entries:
        raise UserError(f"{args.db or ', '.join(args.glossary)}: no terms to look for")
    return entries


def with_contexts(hits, db: str, n: int = 2):
    """Hits with the term base's earlier uses: the documents and bilingual segments each Chinese term was seen in."""
    from glossary.recognise import Context
    from termalign.termbase import open_termbase

    with open_termbase(db, create=False) as tb:
        for h in hits:
            zh_terms = [h.entry.source] if h.lang == "zh" else list(h.entry.approved)
            ctx = [Context(c["document"], c["source"], c["target"]) for zh in zh_terms
                   for hit in tb.lookup(zh, limit=3, contexts=n) if hit["exact"] and hit["source_term"] == zh
                   for c in hit["contexts"]]
            if h.lang == "en":  # the document's language first
                ctx = [Context(c.document, c.target, c.source) for c in ctx]
            if ctx:
                h.entry = replace(h.entry, contexts=tuple(dict.fromkeys(ctx))[:n])
    return hits


def register(sub: argparse._SubParsersAction) -> None:
    from termalign.commands.glossary import add_cat_args

    p = sub.add_parser("terms", help="the known terms of a new document (term recognition, before translating)",
                       description="Find the terms of a glossary or term base in DOC (Chinese or English): each "
                                   "with its approved equivalents, every known rendering and how often it was seen, "
                                   "where it occurs in DOC and an earlier context. No -o: a table on the terminal.")
    p.add_argument("doc", help="the document (.txt, .docx, .pdf, .html), Chinese or English")
    add_term_list_args(p)
    p.add_argument("-o", "--output", default=None, help="write the term list here (.csv, .xlsx, .tbx)")
    p.add_argument("--format", default=None, choices=FORMATS,
                   help="csv/xlsx: a pre-translation term list; tbx: a project termbase (TBX-Basic) for the CAT "
                        "tool; tbx2019: the same in ISO 30042:2019 TBX-Basic")
    add_cat_args(p)
    p.add_argument("--lang", default=None, help="the document's language, zh or en (default: detected)")
    p.add_argument("--unit", choices=("line", "paragraph"), default="paragraph",
                   help="what segment ids count: non-empty lines or paragraphs (default)")
    p.add_argument("--encoding", default=None, help="force the input encoding (default: detect)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from align.export import emit
    from align.langcheck import has_language
    from align.readers import read_document
    from align.segment import segment
    from glossary.export import check_stdout_format
    from glossary.recognise import flip, has_han, recognise
    from termalign.commands.align import guess_format
    from termalign.commands.glossary import cat_options
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    fmt = "csv" if args.preset and not args.format else \
        guess_format(args.output, args.format, FORMATS, "table" if not args.output else "csv")
    options = cat_options(args, fmt) if fmt != "table" else {}
    if args.output:
        check_output_path(args.output, inputs=(args.doc, *term_list_files(args)))
    check_stdout_format(fmt, args.output)
    text = read_document(args.doc, args.encoding, reflow=False if args.unit == "line" else None)
    lang = (args.lang or ("zh" if has_han(text) else "en")).split("-")[0].lower()
    if lang not in ("zh", "en"):
        raise UserError(f"--lang {args.lang}: terms are recognised in Chinese (zh) or English (en) documents")
    if args.lang is None and lang == "en" and not has_language(text, "en"):  # Arabic, Russian: no hit is no news
        raise UserError(f"{args.doc}: no Chinese or English text; terms are recognised in Chinese (zh) or "
                        f"English (en) documents")
    segments = [s.text for s in segment(text, args.unit, lang)]
    entries = load_term_list(args)
    hits = recognise(segments, entries if lang == "zh" else flip(entries), lang)
    if args.db:
        hits = with_contexts(hits, args.db)
    if fmt == "table":
        print(format_table(hits) if hits else "")
    else:
        emit(render(hits, fmt, lang, **options), args.output)
    print(f"{len(hits)} known terms, {sum(h.frequency for h in hits)} occurrences in {len(segments)} segments"
          + (f"; wrote {args.output}" if args.output else ""), file=sys.stderr)
    return 0


def render(hits, fmt: str, lang: str, preset: str | None = None, lang_codes: tuple[str, str] | None = None) -> bytes:
    """The term list as CSV/XLSX rows, or through the glossary's writers: a TBX project termbase,
    or a CAT tool's glossary CSV (`preset`)."""
    from glossary.export import delimited, xlsx_bytes
    from glossary.export import render as render_glossary
    from glossary.recognise import TERM_COLUMNS, term_rows

    if fmt.startswith("tbx") or preset:
        return render_glossary(as_glossary(hits, lang), fmt, preset, lang_codes)
    rows = term_rows(hits)
    if fmt == "xlsx":
        return xlsx_bytes(TERM_COLUMNS, rows, "terms")
    return delimited(TERM_COLUMNS, ([r.get(c, "") for c in TERM_COLUMNS] for r in rows))


def as_glossary(hits, lang: str):
    """Hits as glossary entries (Chinese term → English renderings: approved ones first, forbidden last)."""
    from glossary.model import Entry, Equivalent, Glossary

    entries = []
    for h in hits:
        e = h.entry
        ctx = e.contexts[0] if e.contexts else None
        pairs = [(e.source, [*e.approved, *e.others, *e.forbidden])] if lang == "zh" \
            else [(zh, [e.source]) for zh in e.approved]
        for zh, renderings in pairs:
            # the CAT tool learns the statuses too: forbidden renderings go in as deprecated terms
            eqs = [Equivalent(r, 1.0 if r in e.approved or lang == "en" else 0.5,
                              e.frequency_of(r) if lang == "zh" else h.frequency,
                              status="approved" if r in e.approved or lang == "en"
                              else "forbidden" if r in e.forbidden else "candidate") for r in renderings]
            src_ex, tgt_ex = (ctx.source, ctx.target) if ctx and lang == "zh" else (ctx.target, ctx.source) if ctx else ("", "")
            entries.append(Entry(zh, eqs, 1.0, source_frequency=h.frequency if lang == "zh" else 0,
                                 type=e.type or "concept", source_ids=list(h.segments),
                                 source_example=src_ex, target_example=tgt_ex))
    return Glossary(entries)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, n: int) -> str:
    return s + " " * max(0, n - _width(s))


def format_table(hits) -> str:
    """A readable table: term, occurrences, equivalents (other renderings with their frequency), segments, an earlier use."""
    def short(s: str, n: int) -> str:
        return s if len(s) <= n else s[: n - 1] + "…"

    col = min(30, max(_width(h.entry.source) for h in hits))
    lines = [f"{_pad('term', col)}  {'freq':>4}  equivalents"]
    for h in hits:
        e = h.entry
        extra = [f"{r} ({n})" for r, n in e.frequencies if r not in e.approved and r not in e.forbidden]
        eq = " | ".join(f"{r} ({e.frequency_of(r)})" if len(e.frequencies) > 1 else r for r in e.approved)
        lines.append(f"{_pad(e.source, col)}  {h.frequency:>4}  {eq}"
                     + (f"   also: {', '.join(extra)}" if extra else "")
                     + (f"   FORBIDDEN: {', '.join(e.forbidden)}" if e.forbidden else ""))
        segs = " ".join(map(str, h.segments[:12])) + (" …" if len(h.segments) > 12 else "")
        lines.append(f"{'':{col}}        in segments {segs}")
        if e.contexts:
            c = e.contexts[0]
            where = f"[{c.document}] " if c.document else ""
            lines.append(f"{'':{col}}        {where}{short(c.source, 70)}")
    return "\n".join(lines)

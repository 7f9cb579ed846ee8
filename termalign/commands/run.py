"""`termalign run SRC TGT -o DIR`: the whole job in one go — alignment and glossary, in the formats
translators import (TMX and CSV for the bitext; CSV, TBX and TMX for the glossary)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ALIGNMENT_FORMATS = ("tmx", "csv")
GLOSSARY_FORMATS = ("csv", "tbx", "tmx")


def register(sub: argparse._SubParsersAction) -> None:
    from termalign.commands.align import add_input_args, add_model_args

    p = sub.add_parser("run", help="align a document pair and extract its glossary into a folder",
                       description="Align SRC with TGT, extract the bilingual glossary, and write "
                                   "alignment.{tmx,csv} and glossary.{csv,tbx,tmx} into DIR (created if needed).")
    add_input_args(p)
    p.add_argument("-o", "--output", default="out", metavar="DIR", help="output folder (default: ./out)")
    add_model_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from align.export import write_alignment
    from glossary.export import write_glossary
    from glossary.pipeline import build_glossary, check_languages
    from termalign.commands.align import load_pair
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder")
    if not out.parent.is_dir():
        raise UserError(f"{out}: parent folder {out.parent} does not exist")
    check_languages(args.src_lang, args.tgt_lang)  # before any work
    names = [f"alignment.{f}" for f in ALIGNMENT_FORMATS] + [f"glossary.{f}" for f in GLOSSARY_FORMATS]
    if out.is_dir():  # each file it will replace: not an input, not a device, not read-only
        for name in names:
            check_output_path(out / name, inputs=(args.src, args.tgt))
    alignment, embedder = load_pair(args)
    glossary = build_glossary(alignment, embedder=embedder)
    try:
        out.mkdir(exist_ok=True)
    except OSError as e:
        raise UserError(f"{out}: cannot create the folder ({e.strerror})") from e
    written = []
    for fmt in ALIGNMENT_FORMATS:
        write_alignment(alignment, out / f"alignment.{fmt}", fmt)
        written.append(f"alignment.{fmt}")
    for fmt in GLOSSARY_FORMATS:
        write_glossary(glossary, out / f"glossary.{fmt}", fmt)
        written.append(f"glossary.{fmt}")
    print(f"{len(alignment.beads)} aligned pairs, {len(glossary.entries)} glossary entries -> "
          f"{out}/ ({', '.join(written)})", file=sys.stderr)
    return 0

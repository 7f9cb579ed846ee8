"""`termalign glossary SRC TGT`: align (or read a reviewed alignment), extract the bilingual glossary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    from termalign.commands.align import add_input_args, add_model_args
    from termalign.commands.corpus import add_stop_list_arg

    p = sub.add_parser("glossary", help="extract a Chinese-English glossary from a document pair",
                       description="Align SRC with TGT (or take --alignment) and list the domain terms with their "
                                   "English equivalents, confidence, frequencies, segment ids and an example.")
    add_input_args(p)
    p.add_argument("-o", "--output", default=None, help="output file (default: CSV on stdout)")
    p.add_argument("--format", default=None, choices=("csv", "xlsx", "tmx", "tbx", "tbx3", "omegat", "jsonl"),
                   help="output format (default: from the -o extension, else csv); tbx is TBX-Basic "
                        "(martif/termEntry), tbx3 the ISO 30042:2019 form (conceptEntry/langSec/termSec)")
    p.add_argument("--alignment", metavar="FILE", default=None,
                   help="use this alignment instead of aligning: .jsonl/.tsv/.csv as `termalign align` writes "
                        "them, or a bead file ([0,1]:[2] lines over the non-empty lines of SRC and TGT)")
    p.add_argument("--top", type=int, default=None, metavar="N", help="keep the best N entries")
    p.add_argument("--min-freq", type=int, default=1, metavar="N", help="occurrences a Chinese term needs (default 1)")
    p.add_argument("--min-confidence", type=float, default=None, metavar="X",
                   help="pairing confidence an equivalent needs (default 0.45)")
    p.add_argument("--min-score", type=float, default=None, metavar="X",
                   help="rank score an entry needs (default 0.2; 0 also lists general-language and weak pairs)")
    p.add_argument("--no-embed", action="store_true",
                   help="pair terms without the encoder (faster, a little less accurate on near ties)")
    add_stop_list_arg(p)
    add_model_args(p)
    p.set_defaults(func=run)


def load_alignment(args: argparse.Namespace):
    """The alignment to extract from (a file given with --alignment, else a fresh one) and the
    aligner's encoder, if it ran (the glossary reuses it: same model, same cache)."""
    from align.evaluate import read_beads
    from align.export import read_alignment
    from align.model import Alignment, Bead
    from align.readers import read_document
    from align.segment import split_lines
    from termalign.commands.align import load_pair
    from termalign.errors import UserError

    if not args.alignment:
        return load_pair(args)
    path = Path(args.alignment)
    if path.suffix.lower() in (".jsonl", ".tsv", ".csv"):
        return read_alignment(path, args.src_lang, args.tgt_lang), None
    src = split_lines(read_document(args.src, args.encoding))
    tgt = split_lines(read_document(args.tgt, args.encoding))
    beads = [Bead(s, t, 1.0) for s, t in read_beads(path)]
    bad = [b for b in beads if any(i >= len(src) for i in b.src) or any(j >= len(tgt) for j in b.tgt)]
    if bad:
        raise UserError(f"{path}: bead {list(bad[0].src)}:{list(bad[0].tgt)} points past the end of "
                        f"{args.src} ({len(src)} lines) or {args.tgt} ({len(tgt)} lines)")
    return Alignment(src, tgt, beads, args.src_lang, args.tgt_lang, meta={"unit": "line", "path": str(path)}), None


def run(args: argparse.Namespace) -> int:
    from glossary.export import guess_format, write_glossary
    from glossary.pipeline import Options, build_glossary, check_languages
    from termalign.commands.align import make_embedder_from
    from termalign.commands.corpus import stop_list_from
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    fmt = guess_format(args.output, args.format)
    if args.output:
        check_output_path(args.output, inputs=(args.src, args.tgt, args.alignment, args.stop_list))
    elif fmt == "xlsx":
        raise UserError("xlsx is a binary format: give an output file with -o FILE.xlsx")
    if args.top is not None and args.top < 1:
        raise UserError(f"--top {args.top}: give a positive number of entries")
    for name in ("min_confidence", "min_score"):
        value = getattr(args, name)
        if value is not None and not 0 <= value <= 1:
            raise UserError(f"--{name.replace('_', '-')} {value}: give a number from 0 to 1")
    check_languages(args.src_lang, args.tgt_lang)
    stop = stop_list_from(args)  # a bad stop list fails before aligning
    alignment, embedder = load_alignment(args)
    if embedder is None and not args.no_embed:
        embedder = make_embedder_from(args)
    g = build_glossary(alignment, embedder=embedder, embed=not args.no_embed, top=args.top, min_freq=args.min_freq,
                       min_confidence=args.min_confidence, min_score=args.min_score, options=Options(stop=stop))
    write_glossary(g, args.output, fmt)
    if args.output:
        print(f"wrote {len(g.entries)} glossary entries to {args.output} "
              f"(extraction {g.meta['seconds_total']:.1f}s)", file=sys.stderr)
    return 0

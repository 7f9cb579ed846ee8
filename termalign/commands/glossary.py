"""`termalign glossary SRC TGT`: align (or read a reviewed alignment), extract the bilingual glossary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from termalign.commands import int_at_least


#: glossary.export.PRESETS, named here so building the parser imports no exporter (a test checks they agree)
PRESETS = ("phrase", "memoq", "trados", "deepl")


def add_cat_args(p: argparse.ArgumentParser, presets: bool = True) -> None:
    """CAT-tool options of every glossary export: language codes, and the CSV presets."""
    p.add_argument("--lang-codes", metavar="SRC,TGT", default=None,
                   help="language codes written in TBX, TMX and preset headers, e.g. zh-CN,en-US or zh-Hans,en "
                        "(default: the documents' own, zh,en)")
    if presets:
        p.add_argument("--preset", choices=PRESETS, default=None,
                       help="a CSV/TSV shaped for a CAT tool's glossary import (see the README's table): phrase "
                            "(Strings term base), memoq, trados (MultiTerm Convert), deepl (glossary CSV)")


def cat_options(args: argparse.Namespace, fmt: str) -> dict:
    """`preset` and `lang_codes` for glossary.export.render, checked before any work."""
    from align.export import parse_lang_codes
    from termalign.errors import UserError

    preset = getattr(args, "preset", None)
    suffix = Path(args.output or "").suffix.lower()
    if preset and (fmt != "csv" or suffix in (".xlsx", ".tmx", ".tbx", ".jsonl")):
        raise UserError(f"--preset {preset} writes a delimited file: give -o FILE.csv, .txt or .tsv "
                        f"and no other --format")
    return {"preset": preset, "lang_codes": parse_lang_codes(args.lang_codes)}


def register(sub: argparse._SubParsersAction) -> None:
    from termalign.commands.align import add_input_args, add_model_args
    from termalign.commands.corpus import add_stop_list_arg

    p = sub.add_parser("glossary", help="extract a Chinese-English glossary from a document pair",
                       description="Align SRC with TGT (or take --alignment) and list the domain terms with their "
                                   "English equivalents, confidence, frequencies, segment ids and an example.")
    add_input_args(p)
    # 3-6 files, or two not Chinese-English: a term entry in every language (English is the pivot)
    p.add_argument("more", nargs="*", metavar="FILE", help="further documents (up to 6 in all, one per language "
                   "of ar, en, es, fr, ru, zh, English among them): each entry gets its rendering in every language")
    p.add_argument("--langs", default=None, metavar="L1,L2,…",
                   help="the languages of the documents, in order (default: detected)")
    p.set_defaults(src_lang=None, tgt_lang=None)
    p.add_argument("-o", "--output", default=None, help="output file (default: CSV on stdout)")
    p.add_argument("--format", default=None, choices=("csv", "xlsx", "tmx", "tbx", "tbx2019", "tbx3", "omegat", "jsonl"),
                   help="output format (default: from the -o extension, else csv); tbx is TBX-Basic (TBX v2 "
                        "martif/termEntry, what memoQ, MultiTerm and OmegaT read), tbx2019 (alias tbx3) the "
                        "TBX-Basic dialect of ISO 30042:2019 (conceptEntry/langSec/termSec)")
    add_cat_args(p)
    p.add_argument("--alignment", metavar="FILE", default=None,
                   help="use this alignment instead of aligning: .jsonl/.tsv/.csv as `termalign align` writes "
                        "them, or a bead file ([0,1]:[2] lines over the non-empty lines of SRC and TGT)")
    p.add_argument("--top", type=int_at_least(1), default=None, metavar="N", help="keep the best N entries")
    p.add_argument("--min-freq", type=int_at_least(0), default=1, metavar="N", help="occurrences a Chinese term needs (default 1)")
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
    aligner's encoder, if it ran (the glossary reuses it: same model, same cache).

    A given alignment goes through the same language check as a fresh one: inputs (or an
    alignment file) in the wrong order are turned round with a warning, not read as zh→en."""
    from dataclasses import replace

    from align.evaluate import read_beads
    from align.export import read_alignment
    from align.langcheck import check_pair
    from align.model import Alignment, Bead
    from align.pipeline import read_pair
    from align.segment import split_lines
    from termalign.commands.align import load_pair
    from termalign.errors import UserError

    if not args.alignment:
        return load_pair(args)
    path = Path(args.alignment)
    if path.suffix.lower() in (".jsonl", ".tsv", ".csv"):
        al = read_alignment(path, args.src_lang or "zh", args.tgt_lang or "en")
        pair = check_pair("\n".join(s.text for s in al.src), "\n".join(s.text for s in al.tgt),
                          args.src_lang, args.tgt_lang, f"{path} (source side)", f"{path} (target side)")
        if pair.swapped:
            al = replace(al, src=al.tgt, tgt=al.src, beads=[Bead(b.tgt, b.src, b.score) for b in al.beads])
        return replace(al, src_lang=pair.src_lang, tgt_lang=pair.tgt_lang), None
    pair = read_pair(args.src, args.tgt, unit="line", src_lang=args.src_lang, tgt_lang=args.tgt_lang,
                     encoding=args.encoding)
    src, tgt = split_lines(pair.src_text), split_lines(pair.tgt_text)
    beads = [Bead(s, t, 1.0) for s, t in read_beads(path)]
    bad = [b for b in beads if any(i >= len(src) for i in b.src) or any(j >= len(tgt) for j in b.tgt)]
    if bad:
        raise UserError(f"{path}: bead {list(bad[0].src)}:{list(bad[0].tgt)} points past the end of "
                        f"{pair.src_name} ({len(src)} lines) or {pair.tgt_name} ({len(tgt)} lines)")
    return Alignment(src, tgt, beads, pair.src_lang, pair.tgt_lang, meta={"unit": "line", "path": str(path)}), None


def _multilingual(args: argparse.Namespace) -> bool:
    """More than two documents, --langs, or two without Chinese (a Chinese file keeps the zh-en
    glossary, checked as before; the script decides, so a zh-en run never loads lingua)."""
    if args.more or args.langs:
        return True
    if args.alignment or args.src_lang or args.tgt_lang:
        return False
    from align.langid import SCRIPT_SHARE, count_letters, identify_language
    from align.readers import read_document

    texts = [read_document(f, args.encoding, reflow=False) for f in (args.src, args.tgt)]
    if any(count_letters(t).share("han") >= SCRIPT_SHARE for t in texts):
        return False
    found = {identify_language(t, min_margin=0.0) for t in texts}
    return None not in found and len(found) == 2  # without English: the pivot is asked for


def run_multi(args: argparse.Namespace) -> int:
    """`termalign glossary F1 … Fn`: term entries in every language (glossary.build_multi_glossary)."""
    from glossary.export import MULTI_FORMATS, check_stdout_format, guess_format, write_multi_glossary
    from glossary.pipeline import align_to_english, build_multi_glossary
    from termalign.commands.align import make_embedder_from
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    files = [args.src, args.tgt, *args.more]
    fmt = guess_format(args.output, args.format)
    if fmt not in MULTI_FORMATS:
        raise UserError(f"a multilingual glossary is written as {', '.join(MULTI_FORMATS)}, not {fmt}")
    if args.alignment:
        raise UserError("--alignment takes a Chinese-English alignment; give the documents instead")
    ignored = [flag for flag, given in (("--preset", args.preset), ("--lang-codes", args.lang_codes),
                                        ("--stop-list", args.stop_list), ("--min-freq", args.min_freq != 1),
                                        ("--min-confidence", args.min_confidence is not None),
                                        ("--min-score", args.min_score is not None)) if given]
    if ignored:  # refused rather than silently left out of the glossary
        raise UserError(f"{', '.join(ignored)}: only for a Chinese-English glossary, not a multilingual one")
    if args.output:
        check_output_path(args.output, inputs=files)
    check_stdout_format(fmt, args.output)
    langs = args.langs.split(",") if args.langs else [args.src_lang, args.tgt_lang] + [None] * len(args.more)
    if len(langs) != len(files):
        raise UserError(f"--langs names {len(langs)} languages for {len(files)} documents")
    embedder = make_embedder_from(args)
    alignments, order, embedder = align_to_english(files, unit=args.unit, langs=langs, encoding=args.encoding,
                                                   embedder=embedder)
    g = build_multi_glossary(alignments, order=order, embedder=embedder, embed=not args.no_embed, top=args.top)
    write_multi_glossary(g, args.output, fmt)
    if args.output:
        print(f"wrote {len(g.entries)} entries in {', '.join(order)} to {args.output} "
              f"(extraction {g.meta['seconds_total']:.1f}s)", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    if _multilingual(args):
        return run_multi(args)
    args.src_lang, args.tgt_lang = args.src_lang or "zh", args.tgt_lang or "en"
    from glossary.export import check_stdout_format, guess_format, write_glossary
    from glossary.pipeline import Options, build_glossary, check_languages
    from termalign.commands.align import make_embedder_from
    from termalign.commands.corpus import stop_list_from
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    fmt = "csv" if args.preset and not args.format else guess_format(args.output, args.format)
    options = cat_options(args, fmt)
    if args.output:
        check_output_path(args.output, inputs=(args.src, args.tgt, args.alignment, args.stop_list))
    check_stdout_format(fmt, args.output)
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
    write_glossary(g, args.output, fmt, **options)
    if args.output:
        print(f"wrote {len(g.entries)} glossary entries to {args.output} "
              f"(extraction {g.meta['seconds_total']:.1f}s)", file=sys.stderr)
    return 0

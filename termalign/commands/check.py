"""`termalign check SRC TGT (--db FILE | --glossary FILE…)`: QA of a translation against its source.

Exit status 0 when clean, 1 when problems were found, 2 on bad input: a workflow can gate on it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPORTS = {".csv": "csv", ".html": "html", ".htm": "html"}


def register(sub: argparse._SubParsersAction) -> None:
    from termalign.commands.align import add_input_args, add_model_args
    from termalign.commands.terms import add_term_list_args

    p = sub.add_parser("check", help="QA a translation: terms, numbers, dates, symbols, paragraph numbers, footnotes",
                       description="Align SRC with TGT (or take --alignment) and report, per aligned pair, terms whose "
                                   "approved rendering is missing, inconsistent or forbidden renderings, and numbers, "
                                   "dates, document symbols, paragraph numbers and footnote markers that differ. "
                                   "Exit status 0: clean, 1: problems found, 2: bad input.")
    add_input_args(p)
    add_term_list_args(p)
    p.add_argument("-o", "--output", default=None, metavar="REPORT",
                   help="REPORT.csv (source_ids,target_ids,kind,source,target,detail) or REPORT.html (a page with "
                        "the findings highlighted); default: a list on stdout")
    p.add_argument("--alignment", metavar="FILE", default=None,
                   help="use this alignment instead of aligning (as for `termalign glossary`)")
    add_model_args(p)
    p.set_defaults(func=run)


def aligned_units(args: argparse.Namespace):
    """The pair aligned by the project's pipeline, as units: the one place `check` calls the aligner."""
    from glossary.pipeline import units_from_alignment
    from termalign.commands.glossary import load_alignment

    alignment, _ = load_alignment(args)
    return units_from_alignment(alignment)


def run(args: argparse.Namespace) -> int:
    from align.export import emit
    from glossary.qa import report_csv, report_html, summary
    from termalign.commands.terms import load_term_list, term_list_files
    from termalign.qa import check_languages, check_pair
    from termalign.errors import UserError
    from termalign.fileio import check_output_path

    kind = None
    if args.output:
        kind = REPORTS.get(Path(args.output).suffix.lower())
        if kind is None:
            raise UserError(f"{args.output}: the report is .csv or .html")
        check_output_path(args.output, inputs=(args.src, args.tgt, *term_list_files(args),
                                               *((args.alignment,) if args.alignment else ())))
    check_languages(args.src_lang, args.tgt_lang)
    entries = load_term_list(args)  # before aligning: a bad term list fails fast
    units = aligned_units(args)
    if not units:
        raise UserError("the alignment has no aligned pairs with text on both sides")
    findings = check_pair(units, entries, args.src_lang, args.tgt_lang)
    line = summary(findings, len(units))
    if kind == "csv":
        emit(report_csv(findings), args.output)
    elif kind == "html":
        emit(report_html(findings, f"termalign check: {Path(args.src).name} / {Path(args.tgt).name}", line),
             args.output)
    else:
        for f in findings:
            print(f"[{','.join(map(str, f.source_ids))}]:[{','.join(map(str, f.target_ids))}] {f.kind}: {f.detail}")
    print(f"check: {line}" + (f"; report in {args.output}" if args.output else ""), file=sys.stderr)
    return 1 if findings else 0

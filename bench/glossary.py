"""Glossary benchmark: recall of gold term pairs, precision of the top N, and time.

    python bench/glossary.py data/A_RES_75_45.glossary-dev.tsv [--top 60] [--alignment FILE]
                             [--glossary FILE] [--src ZH --tgt EN] [--no-embed] [--json OUT]

Scored as `termalign eval-glossary` scores (glossary/evaluate.py): a gold pair counts as found
when its Chinese term is an entry and one of that entry's English equivalents (or their other
surface forms) equals one of the `|`-separated variants, ignoring case and hyphen forms. precision@N is the share of the top N entries that are gold pairs (meaningful against
a full list; against a 12-pair sample it mostly shows where the gold pairs rank).
Without --glossary the glossary is extracted here: aligned by the aligner (or --alignment),
with the extraction timed alone (wall and CPU seconds) after alignment.
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
    ap.add_argument("gold", type=Path)
    ap.add_argument("--src", type=Path, default=REPO / "data" / "A_RES_75_45.zh.txt")
    ap.add_argument("--tgt", type=Path, default=REPO / "data" / "A_RES_75_45.en.txt")
    ap.add_argument("--alignment", type=Path, default=None, help="bead file or aligner jsonl/tsv instead of aligning")
    ap.add_argument("--glossary", type=Path, default=None, help="score this glossary file instead of extracting")
    ap.add_argument("--top", type=int, default=60)
    ap.add_argument("--model", default=None)
    ap.add_argument("--no-embed", action="store_true")
    ap.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "glossary.json",
                    help="where to write the numbers (default bench/results/glossary.json)")
    args = ap.parse_args(argv)

    from glossary.evaluate import parse_gold, score_glossary
    from glossary.export import read_glossary

    out: dict = {"gold": str(args.gold), "top": args.top}
    if args.glossary:
        entries = read_glossary(args.glossary)
        out["glossary"] = str(args.glossary)
    else:
        from align.embed import make_embedder
        from glossary.pipeline import extract_glossary, units_from_alignment
        from termalign.commands.glossary import load_alignment

        ns = argparse.Namespace(src=str(args.src), tgt=str(args.tgt), alignment=str(args.alignment or "") or None,
                                src_lang="zh", tgt_lang="en", encoding=None, unit="paragraph", model=args.model,
                                cache=None, no_cache=False, quiet=True)
        t0 = time.perf_counter()
        alignment, _ = load_alignment(ns)
        out["seconds_alignment"] = round(time.perf_counter() - t0, 3)
        embedder = None if args.no_embed else make_embedder(args.model, progress=False)
        units = units_from_alignment(alignment)
        w0, c0 = time.perf_counter(), time.process_time()
        g = extract_glossary(units, embedder)
        out["seconds_extraction_wall"] = round(time.perf_counter() - w0, 3)
        out["seconds_extraction_cpu"] = round(time.process_time() - c0, 3)
        out["extraction_meta"] = g.meta
        out["alignment"] = str(args.alignment) if args.alignment else "aligner (paragraph)"
        entries = g.entries
    out.update(score_glossary(entries, parse_gold(args.gold.read_text(encoding="utf-8-sig")), args.top).as_dict())
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for k, v in out.items():
        if k not in ("found_pairs", "missing_pairs", "extraction_meta"):
            print(f"{k:28} {v}")
    for m in out["missing_pairs"]:
        print(f"missing: {m['zh']} -> {m['got']!r} (want {' | '.join(m['expected'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

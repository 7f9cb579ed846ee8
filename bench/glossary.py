"""Glossary benchmark: recall of gold term pairs, precision of the top N, and time.

    python bench/glossary.py data/A_RES_75_45.glossary-dev.tsv [--top 60] [--alignment FILE]
                             [--glossary FILE] [--src ZH --tgt EN] [--no-embed] [--json OUT]

A gold pair counts as found when its Chinese term is an entry and one of that entry's English
equivalents (or their other surface forms) equals one of the `|`-separated variants, ignoring
case. precision@N is the share of the top N entries that are gold pairs (meaningful against
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


def read_gold(path: Path) -> list[tuple[str, list[str]]]:
    lines = [ln.rstrip("\n").split("\t") for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    if lines and lines[0][:2] == ["zh", "en"]:
        lines = lines[1:]
    return [(zh.strip(), [v.strip() for v in en.split("|") if v.strip()]) for zh, en, *_ in lines]


def matches(entry, variants: list[str]) -> bool:
    want = {v.casefold() for v in variants}
    return any(f.casefold() in want for q in entry.equivalents for f in [q.term, *q.variants])


def score(entries, gold: list[tuple[str, list[str]]], top: int) -> dict:
    rank = {e.source_term: i for i, e in enumerate(entries)}
    found, missing = [], []
    for zh, variants in gold:
        i = rank.get(zh)
        if i is not None and matches(entries[i], variants):
            found.append({"zh": zh, "rank": i + 1, "en": entries[i].target_term})
        else:
            missing.append({"zh": zh, "expected": variants,
                            "got": entries[i].target_term if i is not None else None})
    gold_zh = {zh: v for zh, v in gold}
    in_top = sum(1 for e in entries[:top] if e.source_term in gold_zh and matches(e, gold_zh[e.source_term]))
    return {
        "gold_pairs": len(gold), "found": len(found), "recall": round(len(found) / max(len(gold), 1), 4),
        f"recall@{top}": round(sum(1 for f in found if f["rank"] <= top) / max(len(gold), 1), 4),
        f"precision@{top}": round(in_top / max(min(top, len(entries)), 1), 4),
        "entries": len(entries), "found_pairs": found, "missing_pairs": missing,
    }


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
    out.update(score(entries, read_gold(args.gold), args.top))
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

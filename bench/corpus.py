"""Corpus benchmark: batch throughput per executor, and how the term base grows with the corpus.

    python bench/corpus.py [--pairs N] [--unit line] [--model auto] [--configs local:1,local:2,dask:2]
                           [--scale 10,25,50,100,200] [--out bench/results/corpus.json]

1. Throughput. The same manifest (the seed pair, then the MAC-Dev chapters of ../shared/data
   when present; `--pairs` keeps the first N) through each executor configuration, each with a
   cold embedding cache and an empty term base, so every configuration embeds everything:
   pairs/minute, tokens/s (tokens the encoder saw), peak memory of each worker.
2. Growth. The pairs stored by the first configuration, replicated under new ids (the same
   alignments and terms, so no embedding) into a term base of 10 … 200 pairs: file size,
   time to store a pair, lookup and concordance latency (median / 95th percentile over Chinese
   exact, Chinese 2-character partial and English queries).

The machine is shared: load average is recorded with the numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))


def manifest_lines(n: int | None):
    from termalign.corpus import ManifestLine

    pairs = [(REPO / "data" / "A_RES_75_45.zh.txt", REPO / "data" / "A_RES_75_45.en.txt", "A/RES/75/45")]
    mac = SHARED / "mac-dev"
    if mac.is_dir():
        pairs += [(p, mac / "en" / p.name, None) for p in sorted((mac / "zh").iterdir())]
    pairs = pairs[:n] if n else pairs
    return [ManifestLine(i, str(s), str(t), d) for i, (s, t, d) in enumerate(pairs, 1)]


def run_config(lines, unit: str, executor: str, workers: int, work: Path, model: str) -> dict:
    from termalign.corpus import Settings, run_batch
    from termalign.termbase import open_termbase

    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    db = work / f"{executor}-{workers}.sqlite3"
    settings = Settings(unit=unit, cache_dir=str(cache), model=model)
    with open_termbase(db) as tb:
        t0 = time.perf_counter()
        rep = run_batch(tb, lines, settings, executor=executor, workers=workers, progress=False)
        wall = time.perf_counter() - t0
        stats = tb.stats()
    out = {"executor": executor, "workers": workers, "model": model, "pairs": len(rep.done), "failed": rep.failed,
           "seconds": round(wall, 2), "pairs_per_minute": round(len(rep.done) / wall * 60, 2),
           "tokens_embedded": rep.tokens, "tokens_per_second": round(rep.tokens / wall, 1),
           "segments": rep.segments, "worker_peak_rss_mb": rep.worker_peak_rss_mb, "per_pair": rep.pairs,
           "seconds_in_workers": {k: round(sum(x[k] for x in rep.pairs), 1)
                                  for k in ("seconds", "cpu_seconds", "embed_seconds", "align_seconds",
                                            "other_seconds")},
           "tokens_per_cpu_second": round(rep.tokens / max(sum(x["cpu_seconds"] for x in rep.pairs), 1e-9), 1),
           "termbase": stats, "db": str(db), "load_average": os.getloadavg()}
    print(f"{executor}:{workers}  {out['pairs']} pairs in {wall:.1f}s = {out['pairs_per_minute']:.2f} pairs/min, "
          f"{out['tokens_per_second']:.0f} tokens/s, peak RSS/worker "
          f"{max(rep.worker_peak_rss_mb.values(), default=0):.0f} MB, {out['tokens_per_cpu_second']:.0f} tokens per "
          f"CPU-second  (load {os.getloadavg()[0]:.1f})", flush=True)
    return out


def stored_pairs(db: Path) -> list[tuple]:
    """(doc, alignment, terms, settings) of every pair in a term base, ready to be stored again."""
    from termalign.termbase import GlossaryTerm, open_termbase

    out = []
    with open_termbase(db, create=False) as tb:
        for d in tb.documents():
            al = tb.get_alignment(d.doc_id)
            terms: dict[str, list] = {}
            for term, eq, score in tb.conn.execute(
                    "SELECT t.text, e.text, x.score FROM doc_equivalents x JOIN equivalents e ON e.id = x.equivalent_id"
                    " JOIN terms t ON t.id = e.term_id WHERE x.document_id = ? ORDER BY t.text, x.rank", (d.id,)):
                terms.setdefault(term, []).append((eq, score))
            out.append((d, al, [GlossaryTerm(t, tuple(e)) for t, e in terms.items()]))
    return out


def queries(db: Path) -> dict[str, list[str]]:
    from termalign.termbase import open_termbase

    with open_termbase(db, create=False) as tb:
        zh = [r[0] for r in tb.conn.execute("SELECT text FROM terms ORDER BY df DESC, freq DESC LIMIT 20")]
        en = [r[0] for r in tb.conn.execute("SELECT text FROM equivalents ORDER BY score DESC LIMIT 20")]
    return {"zh_exact": zh, "zh_partial_2char": sorted({t[:2] for t in zh})[:10], "en": en}


def timed(fn, qs: list[str], repeat: int = 3) -> dict:
    times = []
    for _ in range(repeat):
        for q in qs:
            t0 = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2)}


def growth(source_db: Path, sizes: list[int], work: Path) -> list[dict]:
    from termalign.termbase import open_termbase

    pairs = stored_pairs(source_db)
    qs = queries(source_db)
    db = work / "growth.sqlite3"
    rows = []
    with open_termbase(db) as tb:
        n = 0
        for size in sizes:
            t0 = time.perf_counter()
            added = 0
            while n < size:
                d, al, terms = pairs[n % len(pairs)]
                digest = hashlib.sha256(f"{d.content_hash}:{n}".encode()).hexdigest()
                with tb.transaction():
                    did = tb.add_document_pair(f"{d.doc_id}#{n}", "", "", src_lang=d.src_lang, tgt_lang=d.tgt_lang,
                                               unit=d.unit, model=d.model, digest=digest)
                    tb.add_alignment(did, al)
                    tb.add_glossary(did, terms)
                n += 1
                added += 1
            store_s = (time.perf_counter() - t0) / max(added, 1)
            tb.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = {"pairs": size, "bytes": db.stat().st_size, "store_ms_per_pair": round(store_s * 1000, 1),
                   **{f"{k}_rows": v for k, v in tb.stats().items() if k != "bytes"}}
            for name, qlist in qs.items():
                row[f"lookup_{name}"] = timed(lambda q: tb.lookup(q), qlist)
            row["concordance_zh"] = timed(lambda q: tb.concordance(q), qs["zh_exact"][:10])
            rows.append(row)
            print(f"{size:4d} pairs  {row['bytes'] / 1e6:7.1f} MB  store {row['store_ms_per_pair']:7.1f} ms/pair  "
                  f"lookup zh {row['lookup_zh_exact']['median_ms']:.1f} ms (p95 {row['lookup_zh_exact']['p95_ms']:.1f})"
                  f"  2-char {row['lookup_zh_partial_2char']['median_ms']:.1f} ms  en {row['lookup_en']['median_ms']:.1f}"
                  f" ms  concordance {row['concordance_zh']['median_ms']:.1f} ms", flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=None, help="only the first N pairs of the manifest")
    ap.add_argument("--unit", default="line", choices=("line", "paragraph", "sentence"))
    ap.add_argument("--model", default=None, help="encoder (default: the product's default, auto)")
    ap.add_argument("--configs", default="local:1,local:2,dask:2", help="executor:workers, comma-separated")
    ap.add_argument("--scale", default="10,25,50,100,200", help="term base sizes (pairs) for the growth part")
    ap.add_argument("--growth-from", type=Path, default=None, metavar="DB",
                    help="skip the throughput part: grow from the pairs of this term base (e.g. a previous run's)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "corpus.json")
    args = ap.parse_args()

    from align.embed import DEFAULT_MODEL

    model = args.model or DEFAULT_MODEL
    lines = manifest_lines(args.pairs)
    work = Path(tempfile.mkdtemp(prefix="termalign-bench-corpus-"))
    print(f"{len(lines)} pairs, unit {args.unit}, model {model}, {os.cpu_count()} CPUs, work dir {work}", flush=True)
    configs = []
    for spec in ([] if args.growth_from else args.configs.split(",")):
        executor, _, workers = spec.partition(":")
        configs.append(run_config(lines, args.unit, executor, int(workers or 1), work, model))
    source = args.growth_from or (Path(configs[0]["db"]) if configs and configs[0]["pairs"] else None)
    sizes = [int(x) for x in args.scale.split(",") if x]
    rows = growth(source, sizes, work) if sizes and source else []
    report = {"manifest": [ml.src for ml in lines], "unit": args.unit, "model": model, "cpus": os.cpu_count(),
              "configs": configs, "growth": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

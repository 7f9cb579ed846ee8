"""Review benchmark: the v3 → v4 term base migration, and re-extraction under a stop list.

    python bench/review.py [--terms 100000] [--json OUT]

Measures:
- the schema migration from version 3 (the equivalents table rebuilt for the new statuses) on a
  synthetic term base of --terms terms with two equivalents each, each proposed by one pair;
- re-extracting the seed pair from its gold alignment (`corpus rebuild --no-embed`, in this
  process, warm: jieba, spaCy and CC-CEDICT loaded once before) with no stop list and with one,
  and how many entries the stop list removed.
Prints a table and writes JSON (default bench/results/review.json).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from qa import EN, ZH, gold_alignment, timed  # noqa: E402
from termalign.fileio import write_json_report  # noqa: E402

DEFAULT_OUT = REPO / "bench" / "results" / "review.json"
STOP = [("start", "消极"), ("any", "核裁军"), ("end", "会议")]


def v3_termbase(path: Path, n_terms: int) -> None:
    """A version-3 file with n_terms terms, two equivalents each, one document proposing them all."""
    from termalign.termbase import old_schema

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    old_schema(con, 3)
    con.execute("INSERT INTO documents (doc_id, content_hash, src_lang, tgt_lang, unit, model)"
                " VALUES ('d', 'h', 'zh', 'en', 'line', 'gold')")
    con.executemany("INSERT INTO terms (id, text, lang) VALUES (?, ?, 'zh')", ((i, f"术语{i}") for i in range(1, n_terms + 1)))
    con.executemany("INSERT INTO equivalents (id, term_id, text, norm, status) VALUES (?, ?, ?, ?, ?)",
                    ((2 * i + k, i, f"term {i} {k}", f"term {i} {k}", "approved" if k == 0 else "candidate")
                     for i in range(1, n_terms + 1) for k in (0, 1)))
    con.executemany("INSERT INTO doc_equivalents VALUES (1, ?, 0.5, 0)", ((e,) for e in range(2, 2 * n_terms + 2)))
    con.execute("COMMIT")
    con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", type=int, default=100_000)
    ap.add_argument("--json", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    from glossary.pipeline import extract_glossary, units_from_alignment
    from termalign.corpus import rebuild_glossaries
    from termalign.termbase import open_termbase

    out: dict = {"terms": args.terms}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "v3.sqlite3"
        v3_termbase(db, args.terms)
        tb, out["migrate_v3_to_v4_s"] = timed(open_termbase, db)
        with tb:
            assert tb.schema_version == 4
            out["doc_equivalents_after"] = tb.conn.execute("SELECT COUNT(*) FROM doc_equivalents").fetchone()[0]

        alignment = gold_alignment()
        alignment.meta["unit"] = "line"
        extract_glossary(units_from_alignment(alignment))  # loads jieba, spaCy, CC-CEDICT once
        seed = Path(tmp) / "seed.sqlite3"
        with open_termbase(seed) as tb:
            doc = tb.add_document_pair("A/RES/75/45", ZH.read_text(encoding="utf-8"), EN.read_text(encoding="utf-8"),
                                       unit="line", model="gold")
            tb.add_alignment(doc, alignment)
            _, out["rebuild_no_stop_list_s"] = timed(rebuild_glossaries, tb)
            out["terms_no_stop_list"] = tb.stats()["terms"]
            for where, word in STOP:
                tb.add_stop_word(word, where)
            _, out["rebuild_with_stop_list_s"] = timed(rebuild_glossaries, tb)
            out["terms_with_stop_list"] = tb.stats()["terms"]
            out["stop_list"] = [f"{w}:{x}" for w, x in STOP]
    for k, v in out.items():
        print(f"{k:28} {v}")
    write_json_report(out, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

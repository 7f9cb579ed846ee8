"""The workbench's view of the term base (termalign.termbase): what the pages need, shaped as JSON.

All state lives in the term base file, so edits survive a restart and `termalign lookup`,
`corpus` and `serve` see the same data. Two things the term base does not hold are added
here, beside its tables: the similarity map of each pair (`web_maps`, one row per document,
dropped with it) and per-request locking (one connection, many server threads).
"""

from __future__ import annotations

import functools
import json
import threading
import zlib
from dataclasses import replace
from pathlib import Path

from align.model import Alignment, Bead
from align.segment import strip_markup
from termalign.errors import UserError
from termalign.termbase import TermBase, open_termbase

from .highlight import Marker, term_spans

LOW_SCORE = 0.0  # beads scoring below this (the aligner's margin over its alternatives), or one-sided, are marked
SORTS = {"score": lambda r: (-r["score"], r["source_term"]),
         "frequency": lambda r: (-r["frequency"], -r["score"], r["source_term"]),
         "source": lambda r: (r["source_term"], -r["score"]),
         "target": lambda r: (r["target_term"].casefold(), r["source_term"])}

_MAPS = """CREATE TABLE IF NOT EXISTS web_maps (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    grid BLOB NOT NULL)"""


@functools.lru_cache(maxsize=20_000)
def clean(text: str) -> str:
    """Text as shown (no Markdown emphasis markers, as in the exports).

    Cached: the same paragraphs come back in one search after another, and the markup regexes
    are most of a search's time; no markup, no regex.
    """
    if "*" not in text and "_" not in text and "  " not in text:
        return text.strip()
    return strip_markup(text)


def is_low(bead: Bead) -> bool:
    return not bead.src or not bead.tgt or bead.score < LOW_SCORE


class Store:
    """Thread-safe wrapper of one TermBase connection with the workbench's read models."""

    def __init__(self, path: str | Path) -> None:
        self.tb: TermBase = open_termbase(path)
        self._lock = threading.RLock()
        with self._lock:
            self.tb.conn.execute(_MAPS)

    def close(self) -> None:
        with self._lock:
            self.tb.close()

    def flag(self, key: str) -> bool:
        """A workbench flag kept in the term base's meta table (survives restarts)."""
        with self._lock:
            return self.tb.conn.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone() is not None

    def set_flag(self, key: str) -> None:
        with self._lock:
            self.tb.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (key,))

    # --- documents ---------------------------------------------------------------------

    def documents(self) -> list[dict]:
        with self._lock:
            c = self.tb.conn
            counts = {did: (ns, nt) for did, ns, nt in c.execute(
                "SELECT document_id, SUM(side = 'src'), SUM(side = 'tgt') FROM segments GROUP BY document_id")}
            beads = {did: (n, low) for did, n, low in c.execute(
                "SELECT document_id, COUNT(*), SUM(score < ? OR src_ids = '[]' OR tgt_ids = '[]') FROM beads"
                " GROUP BY document_id", (LOW_SCORE,))}
            terms = dict(c.execute("SELECT document_id, COUNT(DISTINCT term_id) FROM occurrences GROUP BY document_id"))
            out = []
            for d in self.tb.documents():
                ns, nt = counts.get(d.id, (0, 0))
                nb, nl = beads.get(d.id, (0, 0))
                out.append({"id": d.id, "name": d.doc_id, "unit": d.unit, "model": d.model, "src_lang": d.src_lang,
                            "tgt_lang": d.tgt_lang, "n_src": ns, "n_tgt": nt, "n_beads": nb, "n_low": nl,
                            "n_terms": terms.get(d.id, 0), "created": d.added_at, "note": d.glossary_note})
            return sorted(out, key=lambda d: d["id"])

    def document(self, doc_id: int) -> dict | None:
        return next((d for d in self.documents() if d["id"] == doc_id), None)

    def add_pair(self, name: str, src_text: str, tgt_text: str, al: Alignment, entries: list, grid: dict,
                 note: str | None = None, meta: dict | None = None) -> int:
        """Store a pair, its alignment, its glossary entries and its map, all or nothing; `meta`
        (its signature and settings) is kept with the document."""
        with self._lock, self.tb.transaction():
            did = self.tb.add_document_pair(name, src_text, tgt_text, src_lang=al.src_lang, tgt_lang=al.tgt_lang,
                                            unit=al.meta.get("unit", "paragraph"), model=al.model,
                                            glossary_note=note, meta=meta)
            self.tb.add_alignment(did, al)
            self.tb.add_glossary(did, entries)
            self.tb.conn.execute("INSERT OR REPLACE INTO web_maps VALUES (?, ?)",
                                 (did, zlib.compress(json.dumps(grid).encode())))
            return did

    def delete_document(self, doc_id: int) -> None:
        with self._lock:
            name = self.tb.conn.execute("SELECT doc_id FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if name:
                self.tb.delete_document(name[0])

    # --- alignment ---------------------------------------------------------------------

    def alignment(self, doc_id: int) -> Alignment:
        """The stored pair, its unit in `meta` (exports name it: TMX segtype)."""
        with self._lock:
            al = self.tb.get_alignment(doc_id)
            row = self.tb.conn.execute("SELECT unit FROM documents WHERE id = ?", (doc_id,)).fetchone()
        al.meta.setdefault("unit", row[0] if row else None)
        return al

    def save_beads(self, doc_id: int, beads: list[Bead]) -> None:
        """Store the reviewer's corrected beads (the term base re-indexes term occurrences)."""
        with self._lock:
            al = self.tb.get_alignment(doc_id)
            self.tb.add_alignment(doc_id, replace(al, beads=beads))

    def _glosses(self) -> list[tuple[str, str, str]]:
        """(source term, best target, status) of every term, approved first (never a rejected or forbidden one)."""
        rows = self.tb.conn.execute(
            "SELECT t.text, e.text, e.status FROM equivalents e JOIN terms t ON t.id = e.term_id"
            " WHERE e.status NOT IN ('rejected', 'forbidden') ORDER BY t.text, e.status != 'approved', e.score DESC").fetchall()
        best: dict[str, tuple[str, str, str]] = {}
        for src, tgt, status in rows:
            best.setdefault(src, (src, tgt, status))
        return list(best.values())

    def bitext(self, doc_id: int) -> dict:
        """Beads in order with their texts, scores, low-confidence flag and glossary spans on both sides."""
        al = self.alignment(doc_id)
        with self._lock:
            glosses = self._glosses()
        src_marks = Marker((s, t) for s, t, _ in glosses)
        tgt_marks = Marker((t, s) for s, t, _ in glosses)
        beads = []
        for i, b in enumerate(al.beads):
            src, tgt = clean(al.src_text(b)), clean(al.tgt_text(b))
            beads.append({"index": i, "src": list(b.src), "tgt": list(b.tgt), "score": round(float(b.score), 4),
                          "low": is_low(b), "source": src, "target": tgt,
                          "source_spans": src_marks.spans(src), "target_spans": tgt_marks.spans(tgt)})
        return {"id": doc_id, "unit": al.meta.get("unit"), "model": al.model, "n_src": len(al.src),
                "n_tgt": len(al.tgt), "low_threshold": LOW_SCORE, "beads": beads}

    def check(self, doc_id: int) -> dict:
        """`termalign check` of the stored (perhaps reviewed) pair against this term base: the
        findings by bead (`index` is the bead's place in `bitext`), counts by kind, the summary line."""
        from glossary.pipeline import units_from_alignment
        from glossary.qa import KINDS, summary
        from termalign.qa import check_pair, termbase_entries

        al = self.alignment(doc_id)
        with self._lock:
            entries = termbase_entries(self.tb)
        units = units_from_alignment(al)
        findings = check_pair(units, entries, al.src_lang, al.tgt_lang) if units else []
        mark = lambda marks, label: [{"start": a, "end": b, "term": label} for a, b in marks]  # noqa: E731
        return {"summary": summary(findings, len(units)), "pairs": len(units), "kinds": list(KINDS),
                "counts": {k: n for k in KINDS if (n := sum(f.kind == k for f in findings))},
                "findings": [{"index": f.unit, "kind": f.kind, "detail": f.detail, "source": f.source,
                              "target": f.target, "source_spans": mark(f.source_marks, f.detail),
                              "target_spans": mark(f.target_marks, f.detail)} for f in findings]}

    def heatmap(self, doc_id: int) -> dict:
        with self._lock:
            row = self.tb.conn.execute("SELECT grid FROM web_maps WHERE document_id = ?", (doc_id,)).fetchone()
            al = self.tb.get_alignment(doc_id)
        grid = json.loads(zlib.decompress(row[0])) if row else {"rows": 0, "cols": 0, "values": []}
        grid.update(n_src=len(al.src), n_tgt=len(al.tgt), beads=[
            {"index": i, "src": list(b.src), "tgt": list(b.tgt), "score": round(float(b.score), 4), "low": is_low(b)}
            for i, b in enumerate(al.beads)])
        return grid

    # --- glossary ----------------------------------------------------------------------

    def terms(self, status: str | None = None, q: str | None = None, sort: str = "score",
              doc_id: int | None = None, limit: int = 2000) -> list[dict]:
        """One row per (term, equivalent), filtered and sorted for the glossary view."""
        with self._lock:
            rows = self.tb.glossary_rows(min_df=0, include_rejected=True)
            names = {d.id: d.doc_id for d in self.tb.documents()}
        if status:
            rows = [r for r in rows if r["status"] == status]
        if q:
            qf = q.casefold()
            rows = [r for r in rows if qf in r["source_term"].casefold() or qf in r["target_term"].casefold()]
        if doc_id is not None:
            name = names.get(doc_id)
            rows = [r for r in rows if name and name in r["documents"].split(" ")]
        rows.sort(key=SORTS.get(sort, SORTS["score"]))
        for r in rows[:limit]:
            r["source_example"], r["target_example"] = clean(r["source_example"]), clean(r["target_example"])
            r["source_spans"] = term_spans(r["source_example"], r["source_term"], r["target_term"])
            r["target_spans"] = term_spans(r["target_example"], r["target_term"], r["source_term"])
        return rows[:limit]

    def multi_terms(self, q: str | None = None, limit: int = 2000) -> dict:
        """The multilingual entries for the glossary view: {languages (columns, in order), entries},
        those matching `q` in any language when given."""
        with self._lock:
            if q:
                entries = self.tb.lookup_multi(q, limit=limit)
            else:
                entries = [{"score": e.score, "frequency": e.frequency, "type": e.type, "languages": list(e.terms),
                            "terms": {x: {"term": r.term, "frequency": r.frequency, "example": r.example,
                                          "variants": r.variants} for x, r in e.terms.items()}}
                           for e in list(self.tb.multi_entries().values())[:limit]]
        return {"languages": list(dict.fromkeys(x for e in entries for x in e["languages"])), "entries": entries}

    def add_term(self, source_term: str, target_term: str) -> dict:
        with self._lock:
            self.tb.add_term(source_term, target_term)
        return {"source_term": source_term, "target_term": target_term, "status": "approved"}

    def update_term(self, source_term: str, target_term: str, status: str | None, new_target: str | None) -> dict:
        with self._lock:
            self.tb.set_term_status(source_term, target_term, status, new_target=new_target)
        return {"source_term": source_term, "target_term": new_target or target_term, "status": status}

    def merge(self, source_term: str | None, keep: str, other: str) -> dict:
        with self._lock:
            if source_term:
                self.tb.merge_equivalents(source_term, keep, other)
            else:
                self.tb.merge_terms(keep, other)
        return {"source_term": source_term, "keep": keep, "merged": other}

    def stop_words(self) -> list[dict]:
        with self._lock:
            return [{"where": w, "word": word} for w, word in self.tb.stop_list().words]

    def change_stop_word(self, word: str, where: str | None, add: bool) -> list[dict]:
        with self._lock:
            if add:
                self.tb.add_stop_word(word, where or "any")
            elif not self.tb.remove_stop_word(word, where):
                raise UserError(f"{word!r} is not in the stop list")
        return self.stop_words()

    def signatures(self) -> str:
        """What produced the stored pairs (their signatures), for the glossary downloads."""
        from termalign.corpus import signatures

        with self._lock:
            return signatures(self.tb)

    def approved_rows(self, approved_only: bool = True) -> list[dict]:
        with self._lock:
            return self.tb.glossary_rows(min_df=0, approved_only=approved_only, best_only=not approved_only)

    # --- lookup ------------------------------------------------------------------------

    def lookup(self, q: str, contexts: int = 5) -> list[dict]:
        """The CAT-tool lookup: the term base's own answer, contexts marked with the term spans."""
        with self._lock:
            hits = self.tb.lookup(q, contexts=contexts)
        for h in hits:
            for c in h["contexts"]:
                c["source"], c["target"] = clean(c["source"]), clean(c["target"])
                c["source_spans"] = term_spans(c["source"], h["source_term"], h["target_term"])
                c["target_spans"] = term_spans(c["target"], h["target_term"], h["source_term"])
        return hits

    def concordance(self, q: str, limit: int = 200) -> list[dict]:
        """Every bead of every pair holding `q`, with the query marked on its side and its equivalents on the other."""
        with self._lock:
            rows = self.tb.concordance(q, limit=limit)
            ids = {d.doc_id: d.id for d in self.tb.documents()}
            glosses = self._glosses()
        qf = q.casefold()
        src_marks = Marker([(q, "")] + [(s, t) for s, t, _ in glosses if t.casefold() == qf])
        tgt_marks = Marker([(q, "")] + [(t, s) for s, t, _ in glosses if s.casefold() == qf])
        for r in rows:
            r["doc_id"], r["doc"] = ids.get(r["document"]), r["document"]
            r["source"], r["target"] = clean(r["source"]), clean(r["target"])
            r["source_spans"], r["target_spans"] = src_marks.spans(r["source"]), tgt_marks.spans(r["target"])
        return rows

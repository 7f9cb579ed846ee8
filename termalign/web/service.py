"""The workbench's work: align and extract a pair in the background, store it, draw its map.

This is the edge between the web routes and the library. An upload goes through the pipeline
every entry point shares: `align.pipeline.read_pair` when it arrives (a bad file, or two files
in one language, is answered at once with a 400), then `align.pipeline.align_pair` and the
glossary (`termalign.corpus.extract_terms`, as corpus mode stores it) on the job thread; the
results go to the term base (via `termalign.web.store`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from align.langcheck import PairCheck
from align.model import Alignment
from termalign.errors import UserError

from .heatmap import similarity_grid
from .jobs import Job, JobRunner, Report
from .store import Store

log = logging.getLogger(__name__)

SEED_DIR = Path(__file__).with_name("seed")
SEED = ("A_RES_75_45.zh.txt", "A_RES_75_45.en.txt")
SEED_NAME = "A/RES/75/45"
# The readers' formats (issue 4); an upload with another suffix is refused before any work.
SUFFIXES = (".txt", ".md", ".text", ".docx", ".pdf", ".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class Settings:
    db: Path
    model: str | None = None
    cache_dir: Path | None = None
    docs_dir: Path | None = None
    max_upload_mb: float = 20.0


class _ProgressEmbedder:
    """Wraps the Embedder so each embedding batch the pipeline asks for moves the progress bar."""

    def __init__(self, inner, report: Report, total_chars: int, lo: float, hi: float) -> None:
        self._inner, self._report, self._lo, self._hi = inner, report, lo, hi
        self._total, self._done = max(total_chars, 1), 0

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def embed(self, texts, desc: str = "embedding"):
        out = self._inner.embed(texts, desc)
        self._done += sum(len(t) for t in texts)
        frac = min(1.0, self._done / self._total)
        self._report(f"aligning: {self._inner.texts_embedded} new segments embedded",
                     self._lo + (self._hi - self._lo) * frac)
        return out


class Workbench:
    """State of a running `termalign serve`: the store, the job runner, the (lazy) encoder."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.db)
        self.jobs = JobRunner()
        self._embedder = None  # created and used on the job thread only

    # --- documents ---------------------------------------------------------------------

    def embedder(self):
        if self._embedder is None:
            from align.embed import make_embedder

            self._embedder = make_embedder(self.settings.model, self.settings.cache_dir, progress=False)
        return self._embedder

    def pickable(self) -> dict[str, Path]:
        """Files the page may pick by name: the bundled seed pair and the --docs folder's files.

        The page sends a name from this listing, never a path, so no parameter can reach a
        file outside it.
        """
        found = {f"seed/{n}": SEED_DIR / n for n in SEED}
        d = self.settings.docs_dir
        if d and d.is_dir():
            for p in sorted(d.iterdir()):
                if p.is_file() and p.suffix.lower() in SUFFIXES:
                    found[f"docs/{p.name}"] = p
        return found

    def submit_files(self, name: str, src: Path, tgt: Path, unit: str = "paragraph",
                     shown: tuple[str, str] | None = None, cleanup: list[Path] | None = None,
                     then: Callable[[], None] | None = None) -> Job:
        """Read and check both files now (a bad file, or two in one language, is answered at once,
        not by a failed job), align later.

        `shown` are the names to use in messages (an upload's own name, not its temp file).
        """
        from align.pipeline import read_pair

        shown = shown or (src.name, tgt.name)
        try:
            pair = read_pair(src, tgt, unit=unit, names=shown)
        finally:
            for p in cleanup or []:
                p.unlink(missing_ok=True)
        name = " ".join(name.split())[:200] or f"{shown[0]} / {shown[1]}"
        if any(d["name"] == name for d in self.store.documents()):
            raise UserError(f"a document named {name!r} is already loaded: delete it first or choose another name")

        def work(report: Report) -> dict:
            out = self._process(report, name, pair, unit)
            if then:
                then()
            return out

        return self.jobs.submit(f"align {name}", work)

    def submit_uploads(self, name: str, uploads: list[tuple[str, bytes]], unit: str) -> Job:
        """Uploaded (filename, bytes) pairs: written to private temp files so every reader applies."""
        paths = self._save_uploads(uploads)
        shown = tuple(Path(f or "upload").name for f, _ in uploads)
        return self.submit_files(name, paths[0], paths[1], unit, shown=shown, cleanup=paths)

    def _save_uploads(self, uploads: list[tuple[str, bytes]]) -> list[Path]:
        """Uploaded (filename, bytes) written to private temp files, so every reader applies."""
        paths = []
        try:
            for filename, data in uploads:
                suffix = Path(filename or "").suffix.lower() or ".txt"
                if suffix not in SUFFIXES:
                    raise UserError(f"{filename}: unsupported file type {suffix!r} "
                                    f"(expected one of {', '.join(SUFFIXES)})")
                if not data.strip():
                    raise UserError(f"{filename}: file is empty")
                fd, tmp = tempfile.mkstemp(prefix="termalign-upload-", suffix=suffix)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                paths.append(Path(tmp))
        except BaseException:
            for p in paths:
                p.unlink(missing_ok=True)
            raise
        return paths

    def submit_many(self, uploads: list[tuple[str, bytes]], unit: str = "paragraph") -> Job:
        """2–6 uploaded files, one per language: checked now, aligned through the pivot on the job
        thread. The units come back in the job's result (side by side on the page), not stored."""
        from align.pipeline import align_checked, read_many

        paths = self._save_uploads(uploads)
        shown = [Path(f or "upload").name for f, _ in uploads]
        try:
            many = read_many(paths, unit=unit, names=shown)
        finally:
            for p in paths:
                p.unlink(missing_ok=True)

        def work(report: Report) -> dict:
            total = sum(len(c.src_text) + len(c.tgt_text) for c in many.pairs.values())
            report("aligning", 0.05)
            ma = align_checked(many, _ProgressEmbedder(self.embedder(), report, total, 0.05, 0.95), unit=unit)
            return units_view(ma)

        return self.jobs.submit(f"align {len(paths)} languages ({', '.join(many.langs)})", work)


    def ensure_seed(self) -> Job | None:
        """First start: align the bundled seed pair so the page shows something real.

        Only once per term base: a user who deleted the seed pair does not get it back.
        """
        if self.store.documents() or self.store.flag("web_seeded"):
            return None
        return self.submit_files(SEED_NAME, SEED_DIR / SEED[0], SEED_DIR / SEED[1],
                                 then=lambda: self.store.set_flag("web_seeded"))

    def _process(self, report: Report, name: str, pair: PairCheck, unit: str) -> dict:
        from align.pipeline import align_pair
        from termalign.corpus import extract_terms

        report("loading the encoder", 0.02)
        emb = _ProgressEmbedder(self.embedder(), report, len(pair.src_text) + len(pair.tgt_text), 0.05, 0.7)
        report("aligning", 0.05)
        al = align_pair(pair, emb, unit=unit)
        report("drawing the similarity map", 0.72)
        grid = self._grid(al)
        report("extracting the glossary", 0.78)
        terms, note, stamp = extract_terms(al, self.embedder())
        if terms is None:
            log.warning("%s: %s: storing the alignment only", name, note)
        report("storing", 0.95)
        doc_id = self.store.add_pair(name, pair.src_text, pair.tgt_text, al, terms or [], grid, note, meta=stamp)
        return {"doc_id": doc_id, "beads": len(al.beads), "terms": len(terms or []), "swapped": pair.swapped,
                "warnings": stamp["warnings"], "signature": stamp["signature"]}

    def _grid(self, al: Alignment) -> dict:
        emb = self.embedder()
        return similarity_grid(emb.embed([s.text for s in al.src], "map: source"),
                               emb.embed([s.text for s in al.tgt], "map: target"))

    def close(self) -> None:
        self.jobs.close()
        self.store.close()


#: languages written right to left (the page sets dir="rtl" on their cells)
RTL = {"ar", "fa", "he", "ur"}


def units_view(ma) -> dict:
    """A MultiAlignment as the page shows it: a row per unit, a text per language."""
    from align.export import side_texts  # the exports' text of a unit: the page shows what a download holds

    return {"langs": ma.langs, "pivot": ma.pivot, "rtl": [lang for lang in ma.langs if lang in RTL],
            "units": [{"score": round(float(u.score), 4),
                       "texts": {lang: side_texts(ma.segments[lang], u.ids[lang], lang)[1] for lang in ma.langs}}
                      for u in ma.units]}

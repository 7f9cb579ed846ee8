"""Corpus mode: many document pairs into one term base, resumable, on a process pool or Dask.

The shape of a batch: a planner walks the manifest in order (reads each pair, hashes it, skips
what the term base already holds, gives it an id), workers do the per-pair work (`process_pair`:
align, extract terms — all the CPU time), and only their results travel back to this process,
where one writer stores each pair in a single transaction. Killing the run at any moment leaves
whole pairs or nothing; the next run skips the stored ones by content hash.

Executors: "local" (a process pool; one worker runs in this process) and "dask"
(dask.distributed: a scheduler address, or a LocalCluster on this machine). At most
2 × workers pairs are in flight, so memory stays flat on a manifest of any length.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from align.aligner import AlignConfig
from align.embed import DEFAULT_MODEL
from align.model import Alignment
from align.scoring import ScoreWeights
from glossary.review import StopList
from termalign.errors import UserError
from termalign.termbase import GlossaryTerm, TermBase, as_glossary_terms, content_hash

log = logging.getLogger(__name__)

EXECUTORS = ("local", "dask")
_DOC_EXTS = {"txt", "text", "md", "docx", "doc", "pdf", "html", "htm", "xml"}
_LANG_DIRS = {"zh", "en", "fr", "de", "es", "ru", "ar", "ja", "zh-cn", "zh-tw", "src", "tgt"}


# --- plain data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """How every pair of a batch is processed (its signature is part of each pair's content hash)."""

    unit: str = "paragraph"
    src_lang: str = "zh"
    tgt_lang: str = "en"
    model: str = DEFAULT_MODEL
    cache_dir: str | None = None
    no_cache: bool = False
    encoding: str | None = None
    glossary: bool = True
    weights: ScoreWeights = ScoreWeights()
    cfg: AlignConfig = AlignConfig()
    stop: StopList = StopList()  # the term base's stop list, applied to each extraction

    def signature(self) -> str:
        """What the pipeline will stamp on a pair made with these settings: a pair stored under
        another signature (other weights, model, unit, glossary settings) is not "already stored"."""
        from align.pipeline import pipeline_signature

        sig = pipeline_signature(self.model, self.unit, self.weights, self.cfg)
        if self.glossary:
            from glossary.pipeline import Options, glossary_signature, wants_glossary

            if wants_glossary(self.src_lang, self.tgt_lang):
                sig = glossary_signature(sig, Options(stop=self.stop), encoder=self.model)
        return sig


@dataclass(frozen=True)
class ManifestLine:
    line_no: int
    src: str
    tgt: str
    doc_id: str | None = None
    langs: tuple[str, str] | None = None


@dataclass(frozen=True)
class PairJob:
    """One pair's work order: the texts travel with it, so workers need no shared file system."""

    doc_id: str
    src_path: str
    tgt_path: str
    src_text: str
    tgt_text: str
    digest: str
    settings: Settings
    threads: int | None = None
    swapped: bool = False  # the files were given in the wrong order (src_path/tgt_path are put right)
    warning: str | None = None


@dataclass
class PairResult:
    """What a worker sends back: the alignment and terms of one pair, or the error that stopped it."""

    doc_id: str
    src_path: str
    tgt_path: str
    digest: str
    settings: Settings
    alignment: Alignment | None = None
    terms: list[GlossaryTerm] | None = None
    glossary_note: str | None = None
    stamp: dict = field(default_factory=dict)  # what produced it: signature, settings, warnings
    error: str | None = None
    tokens: int = 0
    segments: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # all threads of the worker: the work itself, whatever else runs on the machine
    peak_rss_mb: float = 0.0
    worker: str = ""


@dataclass
class BatchReport:
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    tokens: int = 0
    segments: int = 0
    seconds: float = 0.0
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    pairs: list[dict] = field(default_factory=list)  # per stored pair: where its seconds went

    def as_dict(self) -> dict:
        return {"done": len(self.done), "skipped": len(self.skipped), "failed": [list(f) for f in self.failed],
                "tokens_embedded": self.tokens, "segments": self.segments, "seconds": round(self.seconds, 3),
                "worker_peak_rss_mb": self.worker_peak_rss_mb, "pairs": self.pairs}


# --- manifest and ids (pure) ------------------------------------------------------------------


def parse_manifest(text: str, base: Path) -> tuple[list[ManifestLine], list[tuple[str, str]]]:
    """TSV lines `SRC<TAB>TGT[<TAB>ID[<TAB>LANGS]]` (paths relative to the manifest; `#` comments and
    blank lines ok; LANGS such as `de-fr` overrides the batch's languages for that pair).

    Returns the good lines and (where, problem) for the bad ones: a bad line is reported, not fatal.
    """
    good: list[ManifestLine] = []
    bad: list[tuple[str, str]] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = [c.strip() for c in raw.rstrip("\r\n").split("\t")]
        if len(cols) < 2 or len(cols) > 4 or not cols[0] or not cols[1]:
            bad.append((f"line {n}", f"expected SRC<TAB>TGT[<TAB>ID[<TAB>LANGS]], got {len(cols)} column(s)"))
            continue
        langs = None
        if len(cols) == 4 and cols[3]:
            m = re.fullmatch(r"([A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?)[-_>]([A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?)", cols[3])
            if not m:
                bad.append((f"line {n}", f"LANGS {cols[3]!r}: expected SRC-TGT such as de-fr"))
                continue
            langs = (m.group(1).lower(), m.group(2).lower())
        src, tgt = (str(p if p.is_absolute() else base / p) for p in (Path(cols[0]), Path(cols[1])))
        good.append(ManifestLine(n, src, tgt, cols[2] if len(cols) >= 3 and cols[2] else None, langs))
    return good, bad


def read_manifest(path: str | os.PathLike) -> tuple[list[ManifestLine], list[tuple[str, str]]]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{p}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{p}: cannot read the manifest ({e})") from e
    lines, bad = parse_manifest(text, p.parent)
    if not lines and not bad:
        raise UserError(f"{p}: the manifest lists no pairs (one `SRC<TAB>TGT[<TAB>ID]` a line)")
    return lines, bad


def default_doc_id(src_path: str) -> str:
    """A readable id from the source file name: `A_RES_75_45.zh.txt` → A_RES_75_45;
    `mac-dev/zh/001` → mac-dev/001 (a language-named folder gives way to its parent)."""
    p = Path(src_path)
    stem = p.name
    base, dot, ext = stem.rpartition(".")
    if dot and base and ext.lower() in _DOC_EXTS:
        stem = base
    stem = re.sub(r"[._-](zh|en|fr|de|es|ru|ar|ja)$", "", stem, flags=re.I) or stem
    if p.parent.name.lower() in _LANG_DIRS and p.parent.parent.name:
        return f"{p.parent.parent.name}/{stem}"
    return stem


# --- per-pair work (runs on the workers) ------------------------------------------------------

_EMBEDDERS: dict[tuple, Any] = {}


def _worker_embedder(settings: Settings, threads: int | None):
    """One embedder per worker process, made on its first pair (the model loads once)."""
    key = (settings.model, settings.cache_dir, settings.no_cache)
    if key not in _EMBEDDERS:
        if threads:  # before the encoder's OpenMP runtime starts: N workers share the cores
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        from align.embed import make_embedder

        _EMBEDDERS[key] = make_embedder(settings.model, settings.cache_dir, settings.no_cache, progress=False)
    return _EMBEDDERS[key]


def stamp(meta: dict, warnings: list[str] | None = None) -> dict:
    """What a stored pair keeps of what produced it (from an alignment's or a glossary's meta)."""
    return {"signature": meta.get("signature", ""), "settings": meta.get("settings", {}),
            "warnings": warnings if warnings is not None else meta.get("warnings", [])}


def extract_terms(alignment: Alignment, embedder: Any, stop: StopList = StopList()
                  ) -> tuple[list[GlossaryTerm] | None, str | None, dict]:
    """The glossary of one aligned pair (`glossary.build_glossary`, as the CLI makes it) as term-base
    entries, or (None, why there are none); and the stamp of what was made (`stamp`)."""
    try:
        from glossary.pipeline import Options, build_glossary
    except ImportError as e:
        return None, f"no glossary: extraction unavailable ({e})", stamp(alignment.meta)
    try:
        g = build_glossary(alignment, embedder=embedder, embed=embedder is not None, options=Options(stop=stop))
    except UserError as e:  # not Chinese-English, nothing aligned: the alignment is still worth storing
        return None, f"no glossary: {e}", stamp(alignment.meta)
    return as_glossary_terms(g.entries), None, stamp(g.meta, alignment.meta.get("warnings", []))


def process_pair(job: PairJob) -> PairResult:
    """Align and extract one pair (the pipeline `termalign align` runs). Never raises: an error
    comes back in the result."""
    from align.langcheck import PairCheck
    from align.pipeline import align_pair

    t0, c0 = time.perf_counter(), time.process_time()
    s = job.settings
    res = PairResult(job.doc_id, job.src_path, job.tgt_path, job.digest, s, worker=f"{socket.gethostname()}:{os.getpid()}")
    try:
        emb = _worker_embedder(s, job.threads)
        before = emb.tokens_embedded
        pair = PairCheck(job.src_text, job.tgt_text, job.src_path, job.tgt_path, job.swapped,
                         s.src_lang, s.tgt_lang, warning=job.warning)
        res.alignment = align_pair(pair, emb, unit=s.unit, cfg=s.cfg,
                                   weights=s.weights)
        res.segments = len(res.alignment.src) + len(res.alignment.tgt)
        res.stamp = stamp(res.alignment.meta)
        if not s.glossary:
            res.glossary_note = "glossary extraction switched off"
        else:
            try:
                res.terms, res.glossary_note, res.stamp = extract_terms(res.alignment, emb, s.stop)
            except Exception as e:  # keep the alignment; say why the terms are missing
                log.debug("glossary of %s failed", job.doc_id, exc_info=True)
                res.glossary_note = f"glossary extraction failed ({type(e).__name__}: {e})"
        res.tokens = emb.tokens_embedded - before
    except UserError as e:
        res.error = str(e)
    except Exception as e:  # a bad pair must not stop the batch: report it
        log.debug("pair %s failed", job.doc_id, exc_info=True)
        res.error = f"{type(e).__name__}: {e}"
    res.seconds = time.perf_counter() - t0
    res.cpu_seconds = time.process_time() - c0
    res.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


def store_result(tb: TermBase, res: PairResult) -> None:
    """Write one pair — document, segments, beads, terms — in one transaction."""
    s = res.settings
    meta = {"seconds": round(res.seconds, 3), "tokens_embedded": res.tokens, "worker": res.worker,
            **res.stamp}
    with tb.transaction():
        did = tb.add_document_pair(res.doc_id, "", "", src_path=res.src_path, tgt_path=res.tgt_path,
                                   src_lang=s.src_lang, tgt_lang=s.tgt_lang, unit=s.unit, model=s.model,
                                   digest=res.digest, glossary_note=res.glossary_note, meta=meta)
        tb.add_alignment(did, res.alignment)
        if res.terms is not None:
            tb.add_glossary(did, res.terms)


# --- planning (in order, lazily) --------------------------------------------------------------


class Planner:
    """Turns manifest lines into jobs in order: reads and hashes each pair, skips the stored ones,
    gives each an id that is stable across runs and executors."""

    def __init__(self, tb: TermBase, settings: Settings, threads: int | None = None) -> None:
        self.tb = tb
        self.settings = settings
        self.threads = threads
        self.report = BatchReport()
        self._ids: dict[str, str] = {}  # doc_id -> src_path, given in this run
        self._hashes: set[str] = set()

    def jobs(self, lines: Iterable[ManifestLine], on_skip: Callable[[], None] = lambda: None) -> Iterator[PairJob]:
        from align.pipeline import read_pair

        signatures: dict[Settings, str] = {}
        for ml in lines:
            s = self.settings if ml.langs is None else replace(self.settings, src_lang=ml.langs[0],
                                                                      tgt_lang=ml.langs[1])
            where = f"line {ml.line_no}" + (f" ({ml.doc_id})" if ml.doc_id else "")
            try:  # read and checked as `termalign align` does: line ids are the file's lines, swapped back
                pair = read_pair(ml.src, ml.tgt, unit=s.unit, src_lang=s.src_lang, tgt_lang=s.tgt_lang,
                                 encoding=s.encoding)
            except UserError as e:
                self.fail(where, str(e))
                on_skip()
                continue
            if s not in signatures:
                signatures[s] = s.signature()
            digest = content_hash(pair.src_text, pair.tgt_text, unit=s.unit, model=s.model, src_lang=s.src_lang,
                                  tgt_lang=s.tgt_lang, signature=signatures[s])
            stored = self.tb.has_hash(digest)
            if stored is not None or digest in self._hashes:
                self.report.skipped.append(stored or where)
                on_skip()
                continue
            self._hashes.add(digest)
            if pair.swapped:
                ml = replace(ml, src=pair.src_name, tgt=pair.tgt_name)
            yield PairJob(self._assign_id(ml), ml.src, ml.tgt, pair.src_text, pair.tgt_text, digest, s, self.threads,
                          pair.swapped, pair.warning)

    def _assign_id(self, ml: ManifestLine) -> str:
        """The manifest's id as given; else the file-name id, suffixed ~2, ~3 … when another
        file already holds it (a new version of the same file keeps its id and replaces it)."""
        if ml.doc_id:
            self._ids[ml.doc_id] = ml.src
            return ml.doc_id
        base = default_doc_id(ml.src)
        for n in range(1, 10_000):
            cand = base if n == 1 else f"{base}~{n}"
            owner = self._ids.get(cand)
            if owner is None:
                doc = self.tb.document(cand)
                owner = doc.src_path if doc else None
            if owner is None or owner == ml.src:
                self._ids[cand] = ml.src
                return cand
        raise UserError(f"{ml.src}: too many documents named {base!r}")

    def fail(self, where: str, why: str) -> None:
        log.warning("%s: skipped (%s)", where, why)
        self.report.failed.append((where, why))


# --- executors --------------------------------------------------------------------------------


def _windowed(jobs: Iterator[PairJob], submit: Callable[[PairJob], Any], wait_first: Callable[[set], Iterable],
              window: int) -> Iterator[PairResult]:
    """Keep `window` jobs in flight; yield each result as it completes (any order). A job whose
    worker died (or that could not be sent) comes back as a failed result: the batch goes on."""
    pending: dict[Any, PairJob] = {}
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            job = next(jobs, None)
            if job is None:
                exhausted = True
                continue
            try:
                pending[submit(job)] = job
            except Exception as e:
                yield _lost(job, e)
        if not pending:
            return
        for fut in list(wait_first(set(pending))):
            job = pending.pop(fut)
            try:
                yield fut.result()
            except Exception as e:
                yield _lost(job, e)


def _lost(job: PairJob, e: BaseException) -> PairResult:
    return PairResult(job.doc_id, job.src_path, job.tgt_path, job.digest, job.settings,
                      error=f"worker lost ({type(e).__name__}: {e})")


def die_with_parent(parent: int, interval: float = 1.0) -> None:
    """A worker's initializer: end this process when `parent` (the batch) dies.

    A worker holds a model (~500 MB) and nothing worth saving (the parent stores every result),
    so when the batch is killed (`kill -9`, OOM killer) its workers must not run on. On Linux
    the kernel sends SIGKILL when the parent goes (PR_SET_PDEATHSIG); elsewhere, and in case
    prctl is unavailable, a daemon thread polls os.getppid(), which changes when the parent dies.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        except (OSError, AttributeError):  # no libc prctl: the watchdog below still works
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent, interval), name="parent-watchdog", daemon=True).start()


def _watch_parent(parent: int, interval: float) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)


class _Pool:
    """A spawned process pool that replaces itself when a worker dies (a broken pool refuses all work)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = self._new()

    def _new(self):
        import concurrent.futures as cf
        import multiprocessing as mp

        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"),
                                      initializer=die_with_parent, initargs=(os.getpid(),))

    def submit(self, job: PairJob):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(process_pair, job)
        except BrokenProcessPool:
            log.warning("a worker process died: starting a new pool")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new()
            return self.pool.submit(process_pair, job)


def run_local(jobs: Iterator[PairJob], workers: int) -> Iterator[PairResult]:
    """One worker: in this process. More: a process pool (spawned, one model per process)."""
    if workers <= 1:
        for job in jobs:
            yield process_pair(job)
        return
    import concurrent.futures as cf

    pool = _Pool(workers)
    try:
        yield from _windowed(jobs, pool.submit, lambda fs: cf.wait(fs, return_when=cf.FIRST_COMPLETED).done,
                             2 * workers)
    except BaseException:
        pool.pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.pool.shutdown(wait=True)


def run_dask(jobs: Iterator[PairJob], workers: int, scheduler: str | None = None) -> Iterator[PairResult]:
    """dask.distributed: the scheduler at `scheduler`, else a LocalCluster of `workers` processes."""
    try:
        from dask.distributed import Client, LocalCluster, wait
    except ImportError as e:
        raise UserError("--executor dask needs dask.distributed: pip install 'termalign[dask]'") from e
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except (OSError, TimeoutError) as e:
        raise UserError(f"cannot reach the Dask scheduler {scheduler}: {e}") from e
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _windowed(jobs, lambda j: client.submit(process_pair, j, pure=False),
                             lambda fs: wait(list(fs), return_when="FIRST_COMPLETED").done, 2 * n)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_batch(tb: TermBase, lines: list[ManifestLine], settings: Settings, *, executor: str = "local",
              workers: int = 1, scheduler: str | None = None, progress: bool = True,
              bad_lines: Iterable[tuple[str, str]] = ()) -> BatchReport:
    """Process every manifest line not yet in the term base; store results as they arrive."""
    from tqdm import tqdm

    if executor not in EXECUTORS:
        raise UserError(f"unknown executor {executor!r} (choose from {', '.join(EXECUTORS)})")
    if workers < 1:
        raise UserError("--workers must be at least 1")
    threads = max(1, (os.cpu_count() or 1) // workers) if (workers > 1 or executor == "dask") else None
    planner = Planner(tb, settings, threads)
    report = planner.report
    for where, why in bad_lines:
        planner.fail(where, why)
    t0 = time.perf_counter()
    with tqdm(total=len(lines), unit="pair", desc="batch", disable=not progress, dynamic_ncols=True) as bar:
        jobs = planner.jobs(lines, on_skip=bar.update)
        results = run_local(jobs, workers) if executor == "local" else run_dask(jobs, workers, scheduler)
        for res in results:
            _record(tb, res, report)
            bar.update()
            bar.set_postfix(done=len(report.done), skipped=len(report.skipped), failed=len(report.failed))
    report.seconds = time.perf_counter() - t0
    return report


def _record(tb: TermBase, res: PairResult, report: BatchReport) -> None:
    if res.error is None:
        try:
            store_result(tb, res)
        except UserError as e:
            res.error = str(e)
    if res.error is not None:
        log.warning("%s: failed, skipped (%s)", res.doc_id, res.error)
        report.failed.append((res.doc_id, res.error))
        return
    if res.glossary_note:
        log.info("%s: %s", res.doc_id, res.glossary_note)
    report.done.append(res.doc_id)
    meta = res.alignment.meta if res.alignment else {}
    embed_s, align_s = meta.get("embed_seconds", 0.0), meta.get("align_seconds", 0.0)
    report.pairs.append({"doc_id": res.doc_id, "worker": res.worker, "tokens_embedded": res.tokens,
                         "segments": res.segments, "seconds": round(res.seconds, 3),
                         "cpu_seconds": round(res.cpu_seconds, 3), "embed_seconds": round(embed_s, 3),
                         "align_seconds": round(align_s, 3),
                         "other_seconds": round(res.seconds - embed_s - align_s, 3)})
    report.tokens += res.tokens
    report.segments += res.segments
    report.worker_peak_rss_mb[res.worker] = max(report.worker_peak_rss_mb.get(res.worker, 0.0),
                                                round(res.peak_rss_mb, 1))


def add_pair(tb: TermBase, src: str, tgt: str, settings: Settings, doc_id: str | None = None) -> tuple[str, bool]:
    """`corpus add`: one pair through the same path as a batch; (doc_id, False) when already stored."""
    report = run_batch(tb, [ManifestLine(0, src, tgt, doc_id)], settings, progress=False)
    if report.failed:
        where, why = report.failed[0]
        raise UserError(why if where.startswith("line ") else f"{where}: {why}")
    if report.skipped:
        return report.skipped[0], False
    return report.done[0], True


def rebuild_glossaries(tb: TermBase, doc_ids: Iterable[str] = (), embedder: Any = None) -> list[str]:
    """Extract the terms of stored pairs again from their stored alignments (all pairs by default),
    with the term base's current stop list; reviewers' decisions stay. Returns the doc_ids done."""
    docs = list(doc_ids) or [d.doc_id for d in tb.documents()]
    stop = tb.stop_list()
    for doc_id in docs:
        alignment = tb.get_alignment(doc_id)
        alignment.meta["signature"] = str(alignment.meta.get("signature", "")).split("|g:")[0]
        terms, note, st = extract_terms(alignment, embedder, stop)
        with tb.transaction():
            tb.set_glossary_note(doc_id, note)
            if terms is not None:
                tb.add_glossary(doc_id, terms)
    return docs


# --- export -----------------------------------------------------------------------------------


def _one_language_pair(tb: TermBase, langs: str | None) -> tuple[str, str]:
    pairs = sorted({(d.src_lang, d.tgt_lang) for d in tb.documents()})
    if langs:
        try:
            s, t = langs.split("-", 1)
        except ValueError:
            raise UserError(f"--langs {langs!r}: expected SRC-TGT, e.g. zh-en") from None
        return s, t
    if not pairs:
        raise UserError(f"{tb.path}: the term base holds no documents")
    if len(pairs) > 1:
        raise UserError("the term base holds several language pairs (" + ", ".join(f"{a}-{b}" for a, b in pairs)
                        + "): choose one with --langs")
    return pairs[0]


def export_tmx(tb: TermBase, path: str | os.PathLike | None, langs: str | None = None,
               lang_codes: tuple[str, str] | None = None) -> int:
    """Every bead with text on both sides, of every pair in one language pair, as TMX 1.4b
    (`lang_codes` replace the pair's codes in the file, e.g. zh-CN, en-US)."""
    from align.export import codes_for, write_tmx
    from align.segment import strip_markup

    s, t = _one_language_pair(tb, langs)
    signed = {d.doc_id: {"x-signature": d.meta["signature"]} for d in tb.documents() if d.meta.get("signature")}
    pairs = [(strip_markup(src), strip_markup(tgt), {"x-document": doc, "x-score": f"{score:.4f}", **signed.get(doc, {})})
             for doc, sl, tl, src, tgt, score in tb.bitexts() if (sl, tl) == (s, t)]
    write_tmx(pairs, path, *codes_for((s, t), lang_codes), segtype="paragraph")
    return len(pairs)


GLOSSARY_COLUMNS = ("source_term", "target_term", "score", "frequency", "document_frequency", "status", "type",
                    "documents", "source_example", "target_example", "variants", "source_variants", "signature")
GLOSSARY_FORMATS = ("csv", "tbx", "tbx2019", "tbx3", "xlsx", "omegat", "jsonl")


def signatures(tb: TermBase) -> str:
    """The signatures of the stored pairs (what produced the pooled terms), " + "-joined."""
    return " + ".join(sorted({d.meta["signature"] for d in tb.documents() if d.meta.get("signature")}))


def corpus_glossary(rows: list[dict], src_lang: str, tgt_lang: str, signature: str = ""):
    """Term base rows (best equivalent first per term) as a glossary.model.Glossary, for its writers."""
    from glossary.model import Entry, Equivalent, Glossary
    from glossary.recognise import split_variants

    entries: dict[str, Entry] = {}
    for r in rows:
        e = entries.get(r["source_term"])
        if e is None:
            e = entries[r["source_term"]] = Entry(
                r["source_term"], [], r["score"], source_frequency=r["frequency"], type=r["type"] or "concept",
                source_example=r["source_example"], target_example=r["target_example"])
        e.equivalents.append(Equivalent(r["target_term"], r["score"], r["cooccurrences"],
                                        split_variants(r.get("variants")), status=r["status"]))
    return Glossary(list(entries.values()), src_lang, tgt_lang,
                    meta={"content": "termalign corpus term base", "signature": signature})


def export_glossary(tb: TermBase, path: str | os.PathLike, fmt: str, *, min_df: int = 1,
                    approved_only: bool = False, langs: str | None = None, preset: str | None = None,
                    lang_codes: tuple[str, str] | None = None) -> int:
    """The corpus glossary: CSV (UTF-8 with BOM, one row per equivalent, with document frequency and
    review status) or any glossary.export format or CAT-tool `preset`; returns the number of rows."""
    from align.export import emit
    from glossary.export import delimited, write_glossary

    rows = tb.glossary_rows(min_df=min_df, approved_only=approved_only)
    if fmt == "csv" and preset is None:
        sig = signatures(tb)
        emit(delimited(GLOSSARY_COLUMNS, ([r.get(c, sig) for c in GLOSSARY_COLUMNS] for r in rows)), path)
    elif fmt in GLOSSARY_FORMATS:
        s, t = _one_language_pair(tb, langs)
        write_glossary(corpus_glossary(rows, s, t, signatures(tb)), path, fmt, preset, lang_codes)
    else:
        raise UserError(f"unknown glossary format {fmt!r} (choose from {', '.join(GLOSSARY_FORMATS)})")
    return len(rows)

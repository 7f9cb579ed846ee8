"""Slow work (alignment, glossary extraction) off the request threads, with progress the page polls.

One worker thread runs the jobs in order: the machine has few cores and the encoder uses them
all, so two alignments at once would only both be slow. The worker owns everything that is not
thread-safe (the encoder, the embedding cache's SQLite connection).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from termalign.errors import UserError

log = logging.getLogger(__name__)


@dataclass
class Job:
    """What the page sees of one piece of work: `stage` names the step, `progress` runs 0..1."""

    id: int
    title: str
    state: str = "queued"  # queued | running | done | error
    stage: str = "waiting"
    progress: float = 0.0
    message: str = ""
    result: Any = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def as_dict(self) -> dict:
        end = self.finished or time.time()
        return {"id": self.id, "title": self.title, "state": self.state, "stage": self.stage,
                "progress": round(self.progress, 3), "message": self.message, "result": self.result,
                "elapsed": round(end - self.started, 1)}


Report = Callable[[str, float], None]


class JobRunner:
    """A queue and one daemon thread; `submit(title, fn)` where fn(report) returns the job's result."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._q: queue.Queue[tuple[Job, Callable[[Report], Any]] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="termalign-jobs", daemon=True)
        self._thread.start()

    def submit(self, title: str, fn: Callable[[Report], Any]) -> Job:
        with self._lock:
            job = Job(next(self._ids), title)
            self._jobs[job.id] = job
        self._q.put((job, fn))
        return job

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: j.id)

    def wait(self, job_id: int, timeout: float | None = None) -> Job:
        """Block until the job ends (tests, the CLI); raises TimeoutError when it does not."""
        deadline = None if timeout is None else time.time() + timeout
        while True:
            job = self._jobs[job_id]
            if job.state in ("done", "error"):
                return job
            if deadline is not None and time.time() > deadline:
                raise TimeoutError(f"job {job_id} still {job.state} after {timeout} s")
            time.sleep(0.05)

    def close(self) -> None:
        self._q.put(None)

    def _loop(self) -> None:
        while (item := self._q.get()) is not None:
            job, fn = item

            def report(stage: str, progress: float, job: Job = job) -> None:
                job.stage, job.progress = stage, max(job.progress, min(1.0, progress))

            job.state, job.started = "running", time.time()
            try:
                job.result = fn(report)
                job.state, job.stage, job.progress = "done", "done", 1.0
            except UserError as e:
                job.state, job.message = "error", str(e)
            except Exception as e:  # a job must never kill the worker; the page shows the error
                log.exception("job %s (%s) failed", job.id, job.title)
                job.state, job.message = "error", f"{type(e).__name__}: {e}"
            job.finished = time.time()

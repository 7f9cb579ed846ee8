"""Atomic output: a file is either written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import UserError


def check_output_path(path: str | os.PathLike) -> Path:
    """Fail early (before any work) when `path` cannot be written."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise UserError(f"{p}: is a directory, expected an output file path")
    if not parent.exists():
        raise UserError(f"{p}: output directory {parent} does not exist")
    if not parent.is_dir():
        raise UserError(f"{p}: {parent} is not a directory")
    if not os.access(parent, os.W_OK):
        raise UserError(f"{p}: output directory {parent} is not writable")
    return p


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Write to a temp file beside `path`, rename over it only when the block succeeds."""
    p = check_output_path(path)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
    try:
        with os.fdopen(fd, mode, **({} if binary else {"encoding": encoding, "newline": newline})) as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def default_cache_dir() -> Path:
    """Where embeddings and converted models are cached: `$TERMALIGN_CACHE` or the user cache dir."""
    import platformdirs

    return Path(os.environ.get("TERMALIGN_CACHE") or platformdirs.user_cache_dir("termalign"))


def write_json_report(report: object, path: str | os.PathLike) -> Path:
    """A benchmark's numbers as JSON, atomically, creating the results folder if needed."""
    import json

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(p) as fh:
        json.dump(report, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return p

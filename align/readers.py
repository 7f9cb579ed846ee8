"""Read a document file into text. (Plain UTF-8 text for now; other formats: see issue 4.)"""

from __future__ import annotations

import os
from pathlib import Path

from termalign.errors import UserError


def read_document(path: str | os.PathLike, encoding: str | None = None) -> str:
    """The text of `path`, or a UserError naming the file and the problem."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"{p}: no such file")
    if p.is_dir():
        raise UserError(f"{p}: is a directory, expected a document file")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UserError(f"{p}: cannot read ({e.strerror})") from e
    if not data.strip():
        raise UserError(f"{p}: file is empty")
    try:
        text = data.decode(encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as e:
        raise UserError(f"{p}: cannot decode as {encoding or 'UTF-8'} ({e})") from e
    if not text.strip():
        raise UserError(f"{p}: no text in file")
    return text

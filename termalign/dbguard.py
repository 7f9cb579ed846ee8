"""A damaged SQLite file (a torn page, a truncated end, garbage over the header) as one clear UserError.

SQLite only notices damage on the pages a query touches, so a damaged term base can answer
some queries and fail halfway through others. `GuardedConnection` turns SQLite's corruption
errors into a `UserError` naming the file wherever they surface — at `execute` or while rows
are fetched — and `check_intact` runs SQLite's own page check when it is cheap, so a
read-only command says "damaged" up front instead of answering from half a file.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from align.errors import UserError

# sqlite3 result codes that mean the file itself is damaged (not locked, not a bad query)
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
_DAMAGE_WORDS = ("malformed", "not a database", "vtable constructor failed", "corrupt")

# PRAGMA quick_check reads every page: worth it up to this size (about 100 MB/s on a slow disk)
QUICK_CHECK_MAX_BYTES = 256 * 2**20


def is_damage(e: sqlite3.Error) -> bool:
    """True for the errors a damaged file raises (as opposed to a locked file or a bad statement)."""
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    return isinstance(e, sqlite3.DatabaseError) and any(w in str(e) for w in _DAMAGE_WORDS)


def damaged(path: Any, detail: object) -> UserError:
    detail = " ".join(str(detail).replace("*** in database main ***", "").split())  # quick_check's are multi-line
    if "not a database" in detail:  # no SQLite header: a damaged start, or some other file
        return UserError(f"{path}: not a usable term base ({detail}): damaged, or not a term base at all")
    return UserError(f"{path}: the term base is damaged ({detail}); restore it from a backup")


class GuardedCursor(sqlite3.Cursor):
    """A cursor whose corruption errors become `damaged(...)`, at execute and at fetch."""

    def _path(self) -> Any:
        return getattr(self.connection, "path", "term base")

    def _guard(self, fn, *args):
        try:
            return fn(*args)
        except sqlite3.DatabaseError as e:
            if is_damage(e):
                raise damaged(self._path(), e) from e
            raise

    def execute(self, *args):  # type: ignore[override]
        return self._guard(super().execute, *args)

    def executemany(self, *args):  # type: ignore[override]
        return self._guard(super().executemany, *args)

    def fetchone(self):
        return self._guard(super().fetchone)

    def fetchmany(self, *args):
        return self._guard(super().fetchmany, *args)

    def fetchall(self):
        return self._guard(super().fetchall)

    def __next__(self):
        return self._guard(super().__next__)


class GuardedConnection(sqlite3.Connection):
    """`sqlite3.connect(..., factory=GuardedConnection)`; set `.path` for the message."""

    path: Any = "term base"

    def cursor(self, factory=GuardedCursor):  # type: ignore[override]
        return super().cursor(factory)

    def execute(self, *args):  # type: ignore[override]
        return self.cursor().execute(*args)

    def executemany(self, *args):  # type: ignore[override]
        return self.cursor().executemany(*args)


def check_intact(conn: sqlite3.Connection, path: str | os.PathLike) -> None:
    """Run `PRAGMA quick_check` (every page's structure, no index cross-check) on files small
    enough for it to take well under a second or two; raise `damaged(...)` unless it says ok."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return
    if size > QUICK_CHECK_MAX_BYTES:
        return
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as e:  # a plain connection; a GuardedConnection raises damaged() itself
        raise damaged(path, e) from e
    except UnicodeDecodeError as e:  # the report quotes damaged bytes that are not UTF-8: damage all the same
        raise damaged(path, "quick_check found damaged pages") from e
    if rows != [("ok",)]:
        raise damaged(path, rows[0][0] if rows else "quick_check failed")

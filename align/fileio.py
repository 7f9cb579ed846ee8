"""Safe output: a file is written whole or not at all, and `-o` never destroys what it should not.

What `-o PATH` does (the README's "Input files" section says the same):

- a new path or an existing regular file: the output goes to a temp file beside it, renamed
  over it when complete; an existing file keeps its permission bits (and owner, where allowed);
- a symbolic link: the file it points to is replaced that way; the link stays a link;
- a device, a named pipe, a socket or a directory: refused. Renaming over a device node would
  turn it into a plain file (as root, `-o /dev/full` destroyed the device), and a pipe cannot be
  written atomically: write to stdout and redirect instead;
- a read-only file (no owner write bit, or not writable by this user): refused, as `cp` does
  without -f, so a file someone protected is never replaced behind their back;
- one of the command's own inputs, by any spelling of its path, a symlink or a hard link: refused.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import IO, Iterable, Iterator

from .errors import UserError

_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


def output_target(path: str | os.PathLike) -> Path:
    """The file that writing to `path` replaces: `path`, or the end of its chain of symlinks."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Do `a` and `b` name one file (same device and inode: a symlink, a hard link, `./x` vs `x`)?"""
    with contextlib.suppress(OSError):
        if os.path.samefile(a, b):
            return True
    return os.path.realpath(a) == os.path.realpath(b)


def _existing(target: Path, shown: str) -> os.stat_result | None:
    try:
        return os.stat(target)
    except (FileNotFoundError, NotADirectoryError):  # not there (the parent checks say why)
        return None
    except OSError as e:
        raise UserError(f"{shown}: cannot be used as an output ({e.strerror})") from e


def check_output_path(path: str | os.PathLike, inputs: Iterable[str | os.PathLike | None] = ()) -> Path:
    """Fail early (before any work) when `path` cannot or must not be written; returns the file
    that will be replaced (the target of a symlink). `inputs`: the command's input files."""
    p = Path(path)
    with contextlib.suppress(OSError):  # what the path reaches, links followed (/dev/stdout → a pipe)
        reached = os.stat(p)
        if not (stat.S_ISREG(reached.st_mode) or stat.S_ISDIR(reached.st_mode)):
            kind = next((name for test, name in _KINDS if test(reached.st_mode)), "not a regular file")
            raise UserError(f"{p}: is {kind}, not replacing it (write to stdout and redirect instead)")
    target = output_target(p)
    shown = str(p) if target == p else f"{p} (a link to {target})"
    if target.is_symlink():
        raise UserError(f"{p}: a loop of symbolic links, expected an output file path")
    st = _existing(target, shown)
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise UserError(f"{shown}: is a directory, expected an output file path")
        kind = next((name for test, name in _KINDS if test(st.st_mode)), None)
        if kind or not stat.S_ISREG(st.st_mode):
            raise UserError(f"{shown}: is {kind or 'not a regular file'}, not replacing it "
                            f"(write to stdout and redirect instead)")
        if not st.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise UserError(f"{shown}: is read-only, not replacing it (make it writable or choose another name)")
    for inp in inputs:
        if inp is not None and same_file(target, inp):
            raise UserError(f"{p}: is the input file {inp}, not overwriting it (choose another output name)")
        if inp is not None and _is_sidecar(target, Path(inp)):
            raise UserError(f"{p}: is a file SQLite keeps beside the input {inp}, not overwriting it "
                            f"(choose another output name)")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise UserError(f"{shown}: output directory {parent} does not exist")
    if not parent.is_dir():
        raise UserError(f"{shown}: {parent} is not a directory")
    if not os.access(parent, os.W_OK):
        raise UserError(f"{shown}: output directory {parent} is not writable")
    return target


#: files SQLite keeps next to a database while it is open or after a crash: replacing one loses
#: committed changes that are not yet in the main file
_SIDECARS = ("-wal", "-shm", "-journal")


def _is_sidecar(target: Path, inp: Path) -> bool:
    with contextlib.suppress(OSError):
        base = output_target(inp).resolve()
        return target.resolve() in {base.with_name(base.name + s) for s in _SIDECARS}
    return False


def _keep_mode(tmp: str, old: os.stat_result | None) -> None:
    """The new file gets the old one's permission bits and owner (a new file keeps the mode
    `_new_temp` created it with)."""
    if old is None:
        return
    os.chmod(tmp, stat.S_IMODE(old.st_mode))
    if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):  # only root may give a file away; others keep theirs
            os.chown(tmp, old.st_uid, old.st_gid)


def _new_temp(target: Path) -> tuple[int, str]:
    """A new temp file beside `target`, created rw-rw-rw- less the umask by the kernel, as a shell
    redirection creates a file (mkstemp's 0600 would hide a new output from the group; reading
    the umask with os.umask would change it for every thread for a moment)."""
    directory = target.parent if str(target.parent) else Path(".")
    while True:
        tmp = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), str(tmp)
        except FileExistsError:
            continue


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Write to a temp file beside the target of `path`, rename over it only when the block succeeds."""
    target = check_output_path(path)
    old = _existing(target, str(path))
    binary = "b" in mode
    fd, tmp = _new_temp(target)
    try:
        with os.fdopen(fd, mode, **({} if binary else {"encoding": encoding, "newline": newline})) as fh:
            yield fh
        _keep_mode(tmp, old)
        os.replace(tmp, target)
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

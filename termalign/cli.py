"""The `termalign` console script: one parser, a subcommand per module in termalign/commands/.

Every module there defines `register(subparsers)`; each subcommand's handler returns an exit
status. A UserError anywhere becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import signal
import sys

from . import __version__, commands
from .errors import UserError

log = logging.getLogger("termalign")


class UsageError(Exception):
    """A command line argparse refuses: shown like every other bad input, in one line."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2 (not a usage block and
    SystemExit), as for every other bad input; subcommand parsers inherit it."""

    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="termalign", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"termalign {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors; no progress bars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return parser



def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as e:
        print(f"termalign: error: {e}", file=sys.stderr)
        return 2
    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a full disk under `> FILE` shows here, not at interpreter exit
        return status
    except UserError as e:
        print(f"termalign: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("termalign: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): quiet, with the status of a process killed by SIGPIPE
        _detach_stdout()
        return 128 + signal.SIGPIPE
    except OSError as e:
        if e.filename is None:  # stdout (or another unnamed stream) could not be written
            _detach_stdout()
        where = f"{e.filename}: " if e.filename is not None else "writing output: "
        print(f"termalign: error: {where}{e.strerror or e}", file=sys.stderr)
        return 1


def _detach_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already closed or not a file
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

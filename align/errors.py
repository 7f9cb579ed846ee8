"""The one exception type the CLI turns into a one-line message and exit status 2."""

import re


class UserError(Exception):
    """Bad input or a bad request: say what and where, in one line, without a traceback."""


# NUL and the C0/C1 controls other than tab and newlines have no place in a term or a query
# (SQLite and XML cannot hold some of them); lone surrogates cannot be encoded as UTF-8.
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_chars(value: str, name: str) -> str:
    """`value` unless it holds a character no term can hold (the web API's and the CLI's one rule)."""
    m = _BAD_CHAR.search(value)
    if m:
        raise UserError(f"{name} holds a control character or a lone surrogate (U+{ord(m.group()):04X})")
    return value

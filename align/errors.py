"""The one exception type the CLI turns into a one-line message and exit status 2."""


class UserError(Exception):
    """Bad input or a bad request: say what and where, in one line, without a traceback."""

"""The app's name for the one user-facing exception (defined in `align.errors`, the lowest layer)."""

from align.errors import UserError, check_chars

__all__ = ["UserError", "check_chars"]

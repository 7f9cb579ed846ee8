"""The app's name for the one user-facing exception (defined in `align.errors`, the lowest layer)."""

from align.errors import UserError

__all__ = ["UserError"]

"""The app's name for atomic output (defined in `align.fileio`, the lowest layer)."""

from align.fileio import atomic_write, check_output_path, write_json_report

__all__ = ["atomic_write", "check_output_path", "write_json_report"]

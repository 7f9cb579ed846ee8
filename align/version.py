"""The package version, kept in the lowest layer so every export can stamp it."""

__version__ = "0.1.0"

"""termalign: Chinese-English alignment and terminology for UN documents, offline."""

from align.version import __version__

__all__ = ["__version__"]

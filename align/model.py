"""The plain data the pipeline passes around."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Segment:
    """One unit to align (a line, a paragraph or a sentence).

    `kind` is "text", "heading" or "footnote"; `marker` is a footnote's marker ("1", "²" read
    as "2") so footnotes can be matched across languages wherever the page break put them.
    `para` is the index of the paragraph a sentence came from (sentence unit only).
    """

    text: str
    kind: str = "text"
    marker: str | None = None
    para: int | None = None


@dataclass(frozen=True)
class Bead:
    """Source segment ids aligned with target segment ids (either side may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return (self.src, self.tgt)


@dataclass
class Alignment:
    """Two segment lists and the beads between them, with what produced them."""

    src: list[Segment]
    tgt: list[Segment]
    beads: list[Bead]
    src_lang: str = "zh"
    tgt_lang: str = "en"
    model: str = ""
    meta: dict = field(default_factory=dict)

    def src_text(self, bead: Bead, sep: str | None = None) -> str:
        return join_texts([self.src[i].text for i in bead.src], self.src_lang if sep is None else sep)

    def tgt_text(self, bead: Bead, sep: str | None = None) -> str:
        return join_texts([self.tgt[i].text for i in bead.tgt], self.tgt_lang if sep is None else sep)


def is_cjk_lang(lang: str) -> bool:
    return lang.split("-")[0].lower() in {"zh", "ja"}


def join_texts(parts: list[str], lang_or_sep: str) -> str:
    """Segments of one side of a bead as one text: no space between Chinese segments."""
    if lang_or_sep in {"", " ", "\n"}:
        return lang_or_sep.join(parts)
    return ("" if is_cjk_lang(lang_or_sep) else " ").join(parts)

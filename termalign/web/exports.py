"""Glossary downloads from the term base: its rows regrouped as a glossary, written by glossary.export."""

from __future__ import annotations

from glossary.export import PRESETS, render
from glossary.model import Entry, Equivalent, Glossary
from glossary.recognise import split_variants


def glossary_of_rows(rows: list[dict], src_lang: str = "zh", tgt_lang: str = "en", signature: str = "") -> Glossary:
    """Term-base rows (one per term and equivalent, best first) as one entry per source term."""
    entries: dict[str, Entry] = {}
    for r in rows:
        eq = Equivalent(r["target_term"], float(r["score"]), 0, split_variants(r.get("variants")),
                        status=r.get("status") or "")
        e = entries.get(r["source_term"])
        if e is None:
            entries[r["source_term"]] = Entry(
                r["source_term"], [eq], float(r["score"]), source_frequency=int(r["frequency"]),
                type=r.get("type") or "concept", source_example=r.get("source_example", ""),
                target_example=r.get("target_example", ""))
        else:
            e.equivalents.append(eq)
    return Glossary(list(entries.values()), src_lang, tgt_lang, meta={"from": "termalign workbench",
                                                                      "signature": signature})


def render_terms(rows: list[dict], fmt: str, signature: str = "") -> bytes:
    """The bytes of a glossary download (csv, xlsx, tmx, tbx, omegat …, or a CAT-tool preset's
    CSV by its name: deepl, memoq …) of these term-base rows, signed with what produced the stored pairs."""
    g = glossary_of_rows(rows, signature=signature)
    return render(g, "csv", preset=fmt) if fmt in PRESETS else render(g, fmt)

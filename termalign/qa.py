"""`check` for every front end: `termalign check` and the workbench's check view call these, so a
pair checked in the browser gives the findings the command line gives (glossary.qa does the work)."""

from __future__ import annotations

from typing import Sequence

from termalign.errors import UserError


def check_languages(src_lang: str, tgt_lang: str) -> tuple[str, str]:
    """The pair's base languages ("zh-CN" -> "zh"); the check compares Chinese with English only."""
    sl, tl = (lang.split("-")[0].lower() for lang in (src_lang, tgt_lang))
    if {sl, tl} != {"zh", "en"}:
        raise UserError(f"check compares Chinese and English, not {src_lang} -> {tgt_lang}")
    return sl, tl


def termbase_entries(tb) -> list:
    """The term list of an open term base: reviewed statuses count (approved, forbidden; rejected
    renderings are known but never required)."""
    from glossary.recognise import from_termbase_rows

    return from_termbase_rows(tb.glossary_rows(include_rejected=True))


def check_pair(units: Sequence, entries: Sequence, src_lang: str, tgt_lang: str) -> list:
    """glossary.qa.check over aligned units, the term list turned to face an English source."""
    from glossary.qa import check
    from glossary.recognise import flip

    sl, tl = check_languages(src_lang, tgt_lang)
    return check(units, entries if sl == "zh" else flip(entries), sl, tl)

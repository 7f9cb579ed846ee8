"""Sentence and clause splitting for Russian, French, Spanish and Arabic on UDHR sentences.

The dev texts are the UDHR preamble and articles 1–15 (../shared/data/udhr-dev); where they
lack a mark (no «», ¿ or т.е. there), real sentences are joined with it.
"""

from __future__ import annotations

import pytest

from align.segment import clauses, split_sentences

SIX = ("ar", "en", "es", "fr", "ru", "zh")


@pytest.fixture(scope="module")
def udhr(shared_data) -> dict[str, list[str]]:
    return {lang: [ln.strip() for ln in (shared_data / "udhr-dev" / f"udhr.{lang}.txt").read_text(encoding="utf-8")
                   .splitlines() if ln.strip()] for lang in SIX}


def line_starting(lines: list[str], start: str) -> str:
    return next(ln for ln in lines if ln.startswith(start))


@pytest.mark.parametrize("lang,start,first", [
    ("ru", "Все люди рождаются", "Все люди рождаются свободными и равными в своем достоинстве и правах."),
    ("fr", "Tous les êtres humains", "Tous les êtres humains naissent libres et égaux en dignité et en droits."),
    ("es", "Todos los seres humanos", "Todos los seres humanos nacen libres e iguales en dignidad y derechos y,"),
    ("ar", "يولد جميع الناس", "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق."),
])
def test_article_1_splits_after_its_first_sentence(udhr, lang, start, first):
    sents = split_sentences(line_starting(udhr[lang], start), lang)
    n = 1 if lang == "es" else 2  # the Spanish article 1 is one sentence
    assert len(sents) == n and sents[0].startswith(first if n == 2 else start)


def test_russian_abbreviations_do_not_end_sentences(udhr):
    head = udhr["ru"][1]  # "Принята и провозглашена резолюцией 217 А (III) ... от 10 декабря 1948 года."
    text = (head.replace("1948 года.", "1948 г. в Париже, т.е. в гг. после войны.") + " "
            + line_starting(udhr["ru"], "Каждый человек имеет право на жизнь"))
    sents = split_sentences(text, "ru")
    assert len(sents) == 2 and sents[0].endswith("после войны.") and sents[1].startswith("Каждый человек")


def test_russian_preamble_keeps_its_trailing_and(udhr):
    """Each preamble paragraph ends "…; и": the lone "и" belongs to the paragraph, not a sentence of its own."""
    para = line_starting(udhr["ru"], "принимая во внимание, что необходимо содействовать")
    assert para.endswith("; и") and split_sentences(para, "ru") == [para]


def test_french_guillemets_and_spaces_before_marks(udhr):
    a = line_starting(udhr["fr"], "Tout individu a droit à la vie")
    b = line_starting(udhr["fr"], "Nul ne sera soumis à la torture")
    slavery = line_starting(udhr["fr"], "Nul ne sera tenu en esclavage")  # "… servitude ; l’esclavage …"
    text = f"{a[:-1]} ! « {b} » {slavery}"
    sents = split_sentences(text, "fr")
    assert sents[0].endswith("personne !") and sents[1] == f"« {b} »"
    assert sents[2].endswith("servitude ;") and sents[3].startswith("l’esclavage")


def test_spanish_inverted_marks(udhr):
    a = line_starting(udhr["es"], "Todo individuo tiene derecho a la vida")
    b = line_starting(udhr["es"], "Nadie estará sometido a esclavitud")
    text = f"¿{a[:-1]}? ¡{b[:-1]}! Véase el art. 3 del Sr. Pérez."
    assert split_sentences(text, "es") == [f"¿{a[:-1]}?", f"¡{b[:-1]}!", "Véase el art. 3 del Sr. Pérez."]


def test_arabic_question_mark_and_semicolon_end_sentences_the_comma_cuts_clauses(udhr):
    a = line_starting(udhr["ar"], "لكل فرد الحق في الحياة")
    slavery = line_starting(udhr["ar"], "لا يجوز إسترقاق")  # two sentences
    text = f"{a[:-1]}؟ {slavery.replace('. ', '؛ ')}"
    sents = split_sentences(text, "ar")
    assert sents == [f"{a[:-1]}؟", "لا يجوز إسترقاق أو إستعباد أي شخص؛", "ويحظر الإسترقاق وتجارة الرقيق بكافة أوضاعهما."]
    fair_trial = line_starting(udhr["ar"], "لكل إنسان الحق، على قدم المساواة")
    assert split_sentences(fair_trial, "ar") == [fair_trial]  # ، is a comma
    cl = clauses(fair_trial)
    assert len(cl) == 2 and cl[0].endswith("الآخرين،")


@pytest.mark.parametrize("lang", ["ar", "es", "fr", "ru"])
def test_no_text_lost_or_invented(udhr, lang):
    for ln in udhr[lang]:
        assert "".join(split_sentences(ln, lang)).replace(" ", "") == ln.replace(" ", "")


def test_russian_preamble_paragraphs_are_not_broken_sentences(udhr):
    """Paragraphs ending "…; и" are list items: the next, starting "принимая" in lower case, is
    no wrapped line of the one before (a bead boundary there costs nothing)."""
    from align.segment import continuation_flags

    start = udhr["ru"].index(line_starting(udhr["ru"], "Принимая во внимание"))
    preamble = udhr["ru"][start:start + 7]
    assert sum(p.endswith("; и") for p in preamble) == 6 and preamble[1].startswith("принимая")
    assert not any(continuation_flags(preamble))
    assert continuation_flags(["Принимая во внимание, что", "признание достоинства"]) == [False, True]

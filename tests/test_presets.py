"""CAT-tool presets and language codes: each file re-read as the tool's import would read it
(csv module, pandas, lxml, translate-toolkit), on the seed pair's own glossary."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pandas as pd
import pytest
from lxml import etree
from translate.storage import tbx, tmx

from align.export import parse_lang_codes
from align.export import render as render_alignment
from glossary.export import PRESETS, TBX_NS, read_glossary, render
from glossary.model import Entry, Equivalent, Glossary
from termalign.commands.glossary import PRESETS as CLI_PRESETS
from termalign.errors import UserError

from conftest import SEED_EN, SEED_ZH

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CODES = ("zh-Hans", "en-US")


@pytest.fixture(scope="module")
def seed(seed_glossary) -> Glossary:
    """The seed glossary with one planted entry: a target that looks like a formula and a term
    listed twice (DeepL refuses duplicate sources)."""
    extra = [Entry("会员国", [Equivalent("=Member States", 0.8, 3)], 0.1, source_frequency=3, type="actor"),
             Entry(seed_glossary.entries[0].source_term, [Equivalent("a worse rendering", 0.2)], 0.05)]
    return Glossary(seed_glossary.entries + extra, meta=seed_glossary.meta)


def with_target(g: Glossary) -> list[Entry]:
    return [e for e in g.entries if e.target_term]


def test_cli_lists_every_preset():
    assert tuple(PRESETS) == CLI_PRESETS


def test_phrase_header_of_locale_codes_one_row_per_term(seed):
    data = render(seed, "csv", "phrase", CODES)
    assert not data.startswith(b"\xef\xbb\xbf")  # the first header cell must read "term"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert list(rows[0]) == ["term", "description", "zh-Hans", "en-US"]
    entries = with_target(seed)
    assert len(rows) == len(entries)
    first = entries[0]
    assert (rows[0]["term"], rows[0]["zh-Hans"], rows[0]["en-US"]) == \
        (first.source_term, first.source_term, first.target_term)
    assert rows[0]["description"].startswith(first.type)
    assert rows[-2]["en-US"] == "'=Member States"  # escaped, as every spreadsheet-bound cell


def test_memoq_tab_separated_field_names_and_one_column_per_synonym(seed, tmp_path):
    p = tmp_path / "memoq.txt"
    p.write_bytes(render(seed, "csv", "memoq", CODES))
    df = pd.read_csv(p, sep="\t", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    most = max(len(e.equivalents) for e in with_target(seed))
    assert most > 1  # the seed has terms with several renderings
    # memoQ repeats a language's column for each further term; pandas numbers the repeats
    assert list(df.columns) == ["Entry_Subject", "Entry_Note", "zh-Hans", "en-US",
                                *(f"en-US.{k}" for k in range(1, most))]
    multi = next(e for e in with_target(seed) if len(e.equivalents) > 1)
    row = df[df["zh-Hans"] == multi.source_term].iloc[0]
    assert [row["en-US"], row["en-US.1"]] == [q.term for q in multi.equivalents[:2]]
    assert row["Entry_Subject"] == multi.type


def test_trados_utf16_tab_separated_with_descriptive_fields(seed, tmp_path):
    p = tmp_path / "multiterm.txt"
    p.write_bytes(render(seed, "csv", "trados"))
    assert p.read_bytes()[:2] == b"\xff\xfe"  # UTF-16 LE with BOM, as Excel's "Unicode Text"
    with p.open(encoding="utf-16", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    assert rows[0] == ["zh", "en", "Subject", "Note"]
    first = with_target(seed)[0]
    assert rows[1][:3] == [first.source_term, first.target_term, first.type]
    assert all(len(r) == 4 for r in rows)


def test_deepl_no_header_four_columns_each_source_once(seed):
    data = render(seed, "csv", "deepl", CODES)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    sources = [r[0] for r in rows]
    assert len(sources) == len(set(sources))  # the planted duplicate is gone …
    first = with_target(seed)[0]
    assert rows[0] == [first.source_term, first.target_term, "zh", "en"]  # … and the better entry kept
    assert all(len(r) == 4 and r[2:] == ["zh", "en"] for r in rows)  # DeepL: no region or script
    assert all(c == c.strip() and c and "\t" not in c for r in rows for c in r)


@pytest.mark.parametrize("output, fmt", [("g.xlsx", "csv"), ("g.csv", "tbx"), (None, "tmx")])
def test_cli_preset_refuses_another_format(output, fmt):
    from argparse import Namespace

    from termalign.commands.glossary import cat_options

    with pytest.raises(UserError, match="--preset deepl writes a delimited file"):
        cat_options(Namespace(preset="deepl", lang_codes=None, output=output), fmt)
    assert cat_options(Namespace(preset="deepl", lang_codes="zh-CN,en", output="g.txt"), "csv") == \
        {"preset": "deepl", "lang_codes": ("zh-CN", "en")}


def test_preset_only_for_delimited_output(seed):
    with pytest.raises(UserError, match="delimited"):
        render(seed, "tbx", "deepl")
    with pytest.raises(UserError, match="unknown preset"):
        render(seed, "csv", "wordfast")


@pytest.mark.parametrize("value, expected", [("zh-CN,en-US", ("zh-CN", "en-US")), ("zh-Hans, en", ("zh-Hans", "en")),
                                             ("zho-CN,eng", ("zho-CN", "eng")), (None, None)])
def test_lang_codes_parse(value, expected):
    assert parse_lang_codes(value) == expected


@pytest.mark.parametrize("value", ["zh_CN,en", "zh-CN", "zh,en,fr", "中文,en", ""])
def test_lang_codes_refused(value):
    with pytest.raises(UserError, match="--lang-codes"):
        parse_lang_codes(value)


def test_lang_codes_must_name_the_documents_languages(seed):
    """Given the wrong way round the Chinese would be labelled English in the CAT tool."""
    assert b'xml:lang="zho"' in render(seed, "tbx", lang_codes=("zho", "en-US"))  # ISO 639-2 is zh too
    for fmt in ("tbx", "tmx", "csv"):
        with pytest.raises(UserError, match="en-US is not zh"):
            render(seed, fmt, preset="phrase" if fmt == "csv" else None, lang_codes=("en-US", "zh-CN"))


def test_tbx2019_dialect_with_language_codes(seed, tmp_path):
    p = tmp_path / "g.tbx"
    p.write_bytes(render(seed, "tbx2019", lang_codes=CODES))
    tree = etree.parse(str(p))
    root = tree.getroot()
    models = [n.get("href") for n in root.itersiblings(preceding=True) if isinstance(n, etree._ProcessingInstruction)]
    assert sorted(h.rsplit("/", 1)[1] for h in models) == ["TBX-Basic_DCA.sch", "TBXcoreStructV03_TBX-Basic_integrated.rng"]
    ns = f"{{{TBX_NS}}}"
    assert root.tag == f"{ns}tbx" and (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    assert root.find(f"{ns}tbxHeader/{ns}fileDesc/{ns}sourceDesc/{ns}p") is not None
    concepts = root.findall(f"{ns}text/{ns}body/{ns}conceptEntry")
    assert len(concepts) == len(seed.entries)
    assert {ls.get(XML_LANG) for c in concepts for ls in c.findall(f"{ns}langSec")} == set(CODES)
    sec = concepts[0].find(f"{ns}langSec/{ns}termSec")
    assert sec.findtext(f"{ns}term") == seed.entries[0].source_term
    assert sec.find(f"{ns}termNote[@type='partOfSpeech']") is not None
    back = read_glossary(p)
    assert [e.source_term for e in back] == [e.source_term for e in seed.entries]
    assert render(seed, "tbx3") == render(seed, "tbx2019")  # the older name stays an alias


def test_tbx_basic_v2_with_codes_read_by_translate_toolkit(seed, tmp_path):
    p = tmp_path / "g.tbx"
    p.write_bytes(render(seed, "tbx", lang_codes=("zh-CN", "en-GB")))
    root = etree.parse(str(p)).getroot()
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    assert {ls.get(XML_LANG) for ls in root.iter("langSet")} == {"zh-CN", "en-GB"}
    store = tbx.tbxfile.parsefile(str(p))
    assert [(u.source, u.target) for u in store.units][:5] == \
        [(e.source_term, e.target_term) for e in seed.entries[:5]]


def test_tmx_language_codes_glossary_and_alignment(seed, seed_alignment, tmp_path):
    p = tmp_path / "g.tmx"
    p.write_bytes(render(seed, "tmx", lang_codes=("zh-CN", "en-US")))
    store = tmx.tmxfile.parsefile(str(p))
    assert store.units[0].source == seed.entries[0].source_term
    assert etree.parse(str(p)).getroot().find("header").get("srclang") == "zh-CN"
    a = tmp_path / "a.tmx"
    a.write_bytes(render_alignment(seed_alignment, "tmx", ("zh-Hans", "en")))
    tuvs = etree.parse(str(a)).getroot().findall("body/tu")[0].findall("tuv")
    assert [t.get(XML_LANG) for t in tuvs] == ["zh-Hans", "en"]
    assert len(tmx.tmxfile.parsefile(str(a)).units) == len(seed_alignment.beads)


def test_cli_terms_preset_and_bad_codes(seed_glossary, tmp_path, cli_env):
    """The CLI path (`terms`, the quick one; `glossary` takes the same options through the same helper)."""
    gl = tmp_path / "seed.csv"
    gl.write_bytes(render(seed_glossary, "csv"))
    out = tmp_path / "deepl.csv"
    base = [sys.executable, "-m", "termalign", "-q", "terms", str(SEED_EN), "--glossary", str(gl)]
    r = subprocess.run([*base, "--preset", "deepl", "--lang-codes", "zh-CN,en-US", "-o", str(out)],
                       env=cli_env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert len(rows) > 20 and all(r[2:] == ["zh", "en"] for r in rows)
    assert ["核裁军", "nuclear disarmament", "zh", "en"] in rows
    tbx_out = tmp_path / "project.tbx"
    r = subprocess.run([*base, "--format", "tbx2019", "--lang-codes", "zh-CN,en-US", "-o", str(tbx_out)],
                       env=cli_env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert etree.parse(str(tbx_out)).getroot().get("style") == "dca"
    glossary = [sys.executable, "-m", "termalign", "-q", "glossary", str(SEED_ZH), str(SEED_EN)]
    bad = subprocess.run([*glossary, "--lang-codes", "zh_CN,en"], env=cli_env, capture_output=True, text=True)
    assert bad.returncode == 2 and "--lang-codes" in bad.stderr and "Traceback" not in bad.stderr
    bad = subprocess.run([*glossary, "--preset", "memoq", "--format", "tbx"], env=cli_env, capture_output=True, text=True)
    assert bad.returncode == 2 and "--preset memoq" in bad.stderr


def test_corpus_export_takes_the_presets_tbx2019_and_codes(seed_termbase, tmp_path, cli_env):
    """The term base's glossary goes out in the same CAT-tool shapes as a document's."""
    def export(*args):
        r = subprocess.run([sys.executable, "-m", "termalign", "corpus", "export", *args, "--db", str(seed_termbase)],
                           capture_output=True, text=True, env=cli_env, timeout=300)
        assert r.returncode == 0, r.stderr
        return r.stdout

    rows = list(csv.reader(io.StringIO(export("--preset", "deepl", "-"))))
    assert rows[0][2:] == ["zh", "en"] and ["核裁军", "nuclear disarmament", "zh", "en"] in rows
    root = etree.fromstring(export("--format", "tbx2019", "--lang-codes", "zh-Hans,en-US", "-").encode())
    langs = {ls.get("{http://www.w3.org/XML/1998/namespace}lang") for ls in root.iter(f"{{{TBX_NS}}}langSec")}
    assert langs == {"zh-Hans", "en-US"}
    assert 'srclang="zh-CN"' in export("--format", "tmx", "--lang-codes", "zh-CN,en-US", "-")

"""Write a glossary for people and CAT tools, and read any of those files back.

CSV (UTF-8 with BOM, for Excel), XLSX, TMX 1.4b (one <tu> per entry: CAT tools import it as
a glossary memory; written by align.export's translate-toolkit writer), TBX-Basic (TBX v2, the
martif/termEntry/langSet/tig form memoQ, MultiTerm and OmegaT import; `tbx2019` (alias `tbx3`)
gives the TBX-Basic dialect of ISO 30042:2019, tbx/conceptEntry/langSec/termSec), OmegaT
glossary (tab-separated source, target, comment) and JSONL (every field, for `termalign lookup`
and scripts). The CSV writer also takes a CAT-tool preset (PRESETS: the columns, header,
delimiter and encoding Phrase, memoQ, MultiTerm Convert and DeepL's glossary import expect), and
every format that names languages (TBX, TMX, preset headers) takes other language codes.
Rendering is pure (glossary -> bytes); only `write_glossary` touches a file or stdout.
Spreadsheet-bound text is neutralised (align.export): a cell that would start a formula gets a
leading apostrophe in CSV and OmegaT (the readers here take it off), XLSX cells are text cells,
never formulas; characters XML cannot hold are dropped from XLSX, TMX and TBX.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from align.version import __version__
from align.errors import UserError
from align.export import FORMULA_START, codes_for, escape_cell, unescape_cell, xml_safe

from .model import Entry, Equivalent, Glossary, MultiEntry, MultiGlossary, Rendering
from .recognise import split_variants

FORMATS = ("csv", "xlsx", "tmx", "tbx", "tbx2019", "tbx3", "omegat", "jsonl")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".tmx": "tmx", ".tbx": "tbx", ".jsonl": "jsonl", ".txt": "omegat",
              ".utf8": "omegat", ".tab": "omegat", ".tsv": "omegat"}
COLUMNS = ["source_term", "target_term", "score", "frequency", "source_example", "target_example",
           "confidence", "target_frequency", "other_targets", "type", "source_ids", "target_ids", "status", "variants",
           "signature"]
TBX_NS = "urn:iso:std:iso:30042:ed-2"
_TBX_BASIC = "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
# the TBX-Basic 2019 dialect's RELAX NG grammar and Schematron rules, as its files declare them
TBX_BASIC_2019_SCHEMAS = ((_TBX_BASIC + "TBXcoreStructV03_TBX-Basic_integrated.rng", "http://relaxng.org/ns/structure/1.0"),
                          (_TBX_BASIC + "TBX-Basic_DCA.sch", "http://purl.oclc.org/dsdl/schematron"))
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Review statuses as TBX-Basic's administrativeStatus picklist (what memoQ and MultiTerm map to
# preferred / allowed / forbidden); do-not-translate is a preferred term that is the source form.
TBX_STATUS = {"approved": "preferredTerm-admn-sts", "do-not-translate": "preferredTerm-admn-sts",
              "candidate": "admittedTerm-admn-sts", "forbidden": "deprecatedTerm-admn-sts"}


def rows(g: Glossary) -> list[dict]:
    """One flat record per entry (the CSV/XLSX columns); further equivalents joined with " | "."""
    return [{
        "source_term": e.source_term,
        "target_term": e.target_term,
        "score": e.score,
        "frequency": e.source_frequency,
        "source_example": e.source_example,
        "target_example": e.target_example,
        "confidence": e.equivalents[0].score if e.equivalents else 0.0,
        "target_frequency": e.target_frequency,
        "other_targets": " | ".join(f"{q.term} ({q.score:.2f})" for q in e.equivalents[1:]),
        "type": e.type,
        "source_ids": " ".join(map(str, e.source_ids)),
        "target_ids": " ".join(map(str, e.target_ids)),
        "status": e.equivalents[0].status if e.equivalents else "",
        "variants": " | ".join(e.equivalents[0].variants) if e.equivalents else "",
        "signature": g.meta.get("signature", ""),
    } for e in g.entries]


def delimited(header: Sequence[str] | None, records: Iterable[Sequence], delimiter: str = ",",
              encoding: str = "utf-8-sig") -> bytes:
    """A CSV/TSV file: an optional header, then the records, every text cell through
    `escape_cell`, CRLF line ends. The one writer of every delimited glossary and term list."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        w.writerow(header)
    w.writerows([escape_cell(v) for v in r] for r in records)
    return buf.getvalue().encode(encoding)  # "utf-8-sig" and "utf-16" write their BOM


def _csv(g: Glossary, preset: str | None = None, codes: tuple[str, str] = ("zh", "en")) -> bytes:
    if preset is not None:
        return _preset_table(g, preset, codes)
    return delimited(COLUMNS, ([r[c] for c in COLUMNS] for r in rows(g)))


# --- CAT-tool presets of the CSV writer ----------------------------------------------------------
#
# What each tool's glossary import reads (the README's table says the same):
# - Phrase (Strings term base CSV upload): a header of its column names `term`, `description` and
#   one column per locale code, UTF-8, comma; a row per term.
# - memoQ (term base CSV/tab import, "first row contains field names"): its own field names
#   (`Entry_Subject`, `Entry_Note`) and a column per language, repeated for each further term of
#   that language, as memoQ's own export lays out synonyms; tab-delimited UTF-8 with BOM.
# - Trados (MultiTerm Convert, "spreadsheet/database exchange format"): a header row whose
#   columns the wizard maps to language fields (the two language columns) or descriptive fields
#   (`Subject`, `Note`); tab-delimited UTF-16 with BOM, as Excel saves "Unicode Text", which
#   MultiTerm Convert reads without mangling Chinese.
# - DeepL (glossary CSV import, web and API): no header; `source,target,source_lang,target_lang`;
#   UTF-8 without BOM; each source term once, no empty or padded terms.


@dataclass(frozen=True)
class TablePreset:
    """How one CAT tool's glossary import wants a delimited file."""
    tool: str
    delimiter: str
    encoding: str
    header: Callable[[str, str, int], list[str] | None]  # (source code, target code, max equivalents)
    records: Callable[["Entry", str, str], list[list]]  # one entry -> its rows
    one_per_source: bool = False  # the tool refuses a source term listed twice


def _clean(text: str) -> str:
    """One line, no padding, no control characters: tools read a tab or newline inside a term as a
    field or row break, and DeepL refuses a glossary whose entries hold C0/C1 controls."""
    return " ".join(xml_safe(str(text)).split())


def _usable(e: Entry) -> list[Equivalent]:
    """The renderings a CAT tool may offer: a forbidden one listed as a synonym would be suggested."""
    return [q for q in e.equivalents if q.status not in ("forbidden", "rejected")]


def _target(e: Entry) -> str:
    usable = _usable(e)
    return usable[0].term if usable else ""


def _others(e: Entry) -> str:
    return " | ".join(q.term for q in _usable(e)[1:])


def _note(e: Entry) -> str:
    forbidden = " | ".join(q.term for q in e.equivalents if q.status == "forbidden")
    return _clean("; ".join(filter(None, [f"score {e.score:.2f}", f"freq {e.source_frequency}",
                                          _others(e) and f"also: {_others(e)}",
                                          forbidden and f"forbidden: {forbidden}"])))


PRESETS: dict[str, TablePreset] = {
    "phrase": TablePreset(
        "Phrase (Strings term base CSV)", ",", "utf-8",
        lambda s, t, n: ["term", "description", s, t],
        lambda e, s, t: [[_clean(e.source_term), _clean(f"{e.type}; {_note(e)}"), _clean(e.source_term),
                          _clean(_target(e))]]),
    "memoq": TablePreset(
        "memoQ (term base CSV import)", "\t", "utf-8-sig",
        lambda s, t, n: ["Entry_Subject", "Entry_Note", s, *[t] * max(n, 1)],
        lambda e, s, t: [[e.type, _note(e), _clean(e.source_term), *(_clean(q.term) for q in _usable(e))]]),
    "trados": TablePreset(
        "Trados (MultiTerm Convert, spreadsheet/database exchange)", "\t", "utf-16",
        lambda s, t, n: [s, t, "Subject", "Note"],
        lambda e, s, t: [[_clean(e.source_term), _clean(_target(e)), e.type, _note(e)]]),
    "deepl": TablePreset(
        "DeepL (glossary CSV import)", ",", "utf-8",
        lambda s, t, n: None,
        lambda e, s, t: [[_clean(e.source_term), _clean(_target(e)), _base(s), _base(t)]],
        one_per_source=True),
}


def _base(code: str) -> str:
    """DeepL names glossary languages without region or script (zh, en)."""
    return code.split("-")[0].lower()


def _preset_table(g: Glossary, name: str, codes: tuple[str, str]) -> bytes:
    preset = PRESETS.get(name)
    if preset is None:
        raise UserError(f"unknown preset {name!r} (choose from {', '.join(PRESETS)})")
    entries = [e for e in g.entries if _clean(e.source_term) and _clean(_target(e))]
    if preset.one_per_source:  # the first (best-ranked) entry of a source term wins
        first: dict[str, Entry] = {}
        for e in entries:
            first.setdefault(_clean(e.source_term), e)
        entries = list(first.values())
    src, tgt = codes
    header = preset.header(src, tgt, max((len(_usable(e)) for e in entries), default=1))
    width = len(header) if header else 0
    records = [r + [""] * (width - len(r)) for e in entries for r in preset.records(e, src, tgt)]
    return delimited(header, records, preset.delimiter, preset.encoding)


def _xlsx(g: Glossary, codes: tuple[str, str]) -> bytes:
    return xlsx_bytes(COLUMNS, rows(g), "glossary", (24, 40, 8, 10, 60, 60))


def xlsx_bytes(columns: Sequence[str], records: Iterable[dict], sheet_name: str,
               widths: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook, header row first: every text cell a text cell (never a formula),
    without characters XML cannot hold. Every spreadsheet termalign writes goes through here."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    for i, record in enumerate([dict(zip(columns, columns)), *records], 1):
        for j, col in enumerate(columns, 1):
            _xlsx_cell(sheet.cell(i, j), record.get(col, ""))
    for j, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(j)].width = width
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xlsx_cell(cell, value: object) -> None:
    """Numbers as numbers; text as a text cell (openpyxl would make "=..." a live formula),
    marked quote-prefixed when it looks like one, so editing it in Excel keeps it text."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = xml_safe(value)
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_START):
        cell.quotePrefix = True


def _tmx(g: Glossary, codes: tuple[str, str]) -> bytes:
    from align.export import signature_props, tmx_bytes

    pairs = []
    for e in g.entries:
        if not e.target_term:
            continue
        props = {"x-score": f"{e.score:.4f}", "x-confidence": f"{e.equivalents[0].score:.4f}", "x-type": e.type,
                 "x-frequency": str(e.source_frequency)}
        if len(e.equivalents) > 1:
            props["x-alternatives"] = " | ".join(q.term for q in e.equivalents[1:])
        pairs.append((e.source_term, e.target_term, props))
    return tmx_bytes(pairs, *codes, segtype="phrase",
                     header_props={"x-content": "glossary", **signature_props(g.meta)})


def _tbx(g: Glossary, codes: tuple[str, str], v3: bool = False) -> bytes:
    """TBX-Basic: one concept entry per source term, one term section per equivalent; `v3`: the
    TBX-Basic dialect of ISO 30042:2019 (namespaced <tbx type="TBX-Basic" style="dca">)."""
    concepts = [(f"type: {e.type}; score: {e.score:.4f}",
                 [(codes[0], [(e.source_term, e.source_frequency, e.source_example, None, "", "")]),
                  (codes[1], [(t, q.frequency, e.target_example if k == 0 and t == q.term else "", q.score,
                               q.status, "" if t == q.term else "variant")
                              for k, q in enumerate(e.equivalents) for t in (q.term, *q.variants)])])
                for e in g.entries]
    return _tbx_doc(g.meta, concepts, v3)


def _tbx_doc(meta: dict, concepts: Iterable[tuple[str, list[tuple[str, list[tuple]]]]], v3: bool = False) -> bytes:
    """A TBX-Basic document: per concept (note, [(language, [(term, frequency, example, score, status,
    term type)])])
    a termEntry (conceptEntry in TBX 3) with a langSet (langSec) per language."""
    from lxml import etree

    from align.export import signature_props

    ns = f"{{{TBX_NS}}}" if v3 else ""
    el = lambda parent, tag, text=None, **attrs: _sub(parent, ns + tag, text, attrs)  # noqa: E731
    if v3:
        root = etree.Element(ns + "tbx", nsmap={None: TBX_NS}, type="TBX-Basic", style="dca")
    else:
        root = etree.Element("martif", type="TBX-Basic")
    root.set(_XML_LANG, "en")
    header = el(root, "tbxHeader" if v3 else "martifHeader")
    file_desc = el(header, "fileDesc")
    el(el(file_desc, "sourceDesc"), "p", f"termalign {__version__} glossary, "
       f"{datetime.now(timezone.utc).strftime('%Y-%m-%d')}")
    for kind, value in signature_props(meta).items():  # what produced it: x-signature, x-settings
        el(el(file_desc, "sourceDesc"), "p", value, type=kind)
    if not v3:
        el(el(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = el(el(root, "text"), "body")
    for n, (note, lang_sets) in enumerate(concepts, 1):
        entry = el(body, "conceptEntry" if v3 else "termEntry", id=f"c{n}")
        el(entry, "note", note)
        for lang, terms in lang_sets:
            lang_sec = el(entry, "langSec" if v3 else "langSet")
            lang_sec.set(_XML_LANG, lang)
            for term, freq, example, score, status, term_type in terms:
                sec = el(lang_sec, "termSec" if v3 else "tig")
                el(sec, "term", term)
                el(sec, "termNote", "noun", type="partOfSpeech")
                if term_type:  # a spelling variant of the equivalent before it
                    el(sec, "termNote", term_type, type="termType")
                if status in TBX_STATUS:
                    el(sec, "termNote", TBX_STATUS[status], type="administrativeStatus")
                if example:
                    el(sec, "descrip", example, type="context")
                el(sec, "note", f"frequency: {freq}" + ("" if score is None else f"; score: {score:.4f}")
                   + (f"; status: {status}" if status else ""))
    if v3:  # where validators (and the TBX-Basic dialect's own files) find its schemas
        for href, schema in TBX_BASIC_2019_SCHEMAS:
            root.addprevious(etree.ProcessingInstruction(
                "xml-model", f'href="{href}" type="application/xml" schematypens="{schema}"'))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag: str, text: str | None, attrs: dict):
    from lxml import etree

    node = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        node.text = xml_safe(text)
    return node


def _omegat(g: Glossary, codes: tuple[str, str]) -> bytes:
    """OmegaT glossary: source TAB target TAB comment, one line per equivalent; the signature in a
    first `#` line (OmegaT skips comment lines)."""
    clean = lambda s: escape_cell(" ".join(str(s).split()))  # noqa: E731 - no tabs or newlines inside a field
    lines = [f"# {' '.join(g.meta['signature'].split())}"] if g.meta.get("signature") else []
    lines += [f"{clean(e.source_term)}\t{clean(q.term)}\t{clean(f'{e.type}; score {q.score:.2f}; freq {e.source_frequency}/{q.frequency}')}"
             for e in g.entries for q in e.equivalents]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonl(g: Glossary | MultiGlossary, codes: tuple[str, str] | None = None) -> bytes:
    sig = {"signature": g.meta["signature"]} if g.meta.get("signature") else {}
    return "".join(json.dumps({**e.to_dict(), **sig}, ensure_ascii=False) + "\n" for e in g.entries).encode("utf-8")


def render(g: Glossary, fmt: str, preset: str | None = None, lang_codes: tuple[str, str] | None = None) -> bytes:
    """The bytes of `g` in `fmt` (one of FORMATS). `preset` (a PRESETS name) shapes the CSV for a
    CAT tool's import; `lang_codes` (source, target) replace the glossary's language codes
    wherever the format names languages (TBX, TMX, preset headers)."""
    codes = codes_for((g.src_lang, g.tgt_lang), lang_codes)
    writers = {"csv": lambda x, c: _csv(x, preset, c), "xlsx": _xlsx, "tmx": _tmx, "tbx": _tbx,
               "tbx2019": lambda x, c: _tbx(x, c, v3=True), "tbx3": lambda x, c: _tbx(x, c, v3=True),
               "omegat": _omegat, "jsonl": _jsonl}
    if fmt not in writers:
        raise UserError(f"unknown glossary format {fmt!r} (choose from {', '.join(FORMATS)})")
    if preset is not None and fmt != "csv":
        raise UserError(f"--preset {preset} writes a delimited file, not {fmt}")
    return writers[fmt](g, codes)


def guess_format(path: str | os.PathLike | None, fmt: str | None = None) -> str:
    """`fmt` if given, else from the file extension, else csv."""
    if fmt:
        return fmt
    if path and str(path) != "-":
        return EXTENSIONS.get(Path(path).suffix.lower(), "csv")
    return "csv"


def check_stdout_format(fmt: str, out: str | os.PathLike | None) -> None:
    """XLSX is binary: it goes to a file, never to stdout (`out` None or "-"). Commands call
    this before any work; the writers call it too."""
    if fmt == "xlsx" and (out is None or str(out) == "-"):
        raise UserError("xlsx is a binary format: give an output file with -o FILE.xlsx")


def write_glossary(g: Glossary, out: str | os.PathLike | None, fmt: str, preset: str | None = None,
                   lang_codes: tuple[str, str] | None = None) -> None:
    """Write `g` as `fmt` to `out` atomically, or to stdout when `out` is None or "-"."""
    from align.export import emit  # the one stdout-or-atomic-file writer

    check_stdout_format(fmt, out)
    emit(render(g, fmt, preset, lang_codes), out)


# --- reading back --------------------------------------------------------------------------------


def _glossary_file(path: str | os.PathLike) -> tuple[Path, str | None]:
    """The path of an existing glossary file and its format by extension (None: not one of ours)."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: no such glossary file")
    return p, EXTENSIONS.get(p.suffix.lower())


def read_glossary(path: str | os.PathLike) -> list[Entry]:
    """Entries from any file `write_glossary` writes (JSONL keeps everything; the others what they hold)."""
    p, fmt = _glossary_file(path)
    try:
        if fmt == "jsonl":
            # split at "\n" only: JSON text may hold U+2028 or U+0085, which splitlines() breaks at
            return [Entry.from_dict(json.loads(line)) for line in p.read_bytes().decode("utf-8-sig").split("\n")
                    if line.strip()]
        if fmt in ("csv", "xlsx"):
            return _read_table(p, fmt)
        if fmt == "tmx":
            return _read_tmx(p)
        if p.suffix.lower() == ".tbx":
            return _read_tbx(p)
        if fmt == "omegat":
            return _read_omegat(p)
    except UserError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, OSError, SyntaxError, zipfile.BadZipFile) as e:
        # a damaged or foreign file (a truncated XLSX, broken XML, JSON of another shape): one line
        raise UserError(f"{p}: cannot read as a {fmt or 'glossary'} file ({type(e).__name__}: {e})") from e
    raise UserError(f"{p}: unknown glossary file type (use {', '.join(sorted(EXTENSIONS))})")


def _table_records(p: Path, fmt: str) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV or XLSX glossary's column names and its rows as text, as written: XLSX holds text
    cells as they are; CSV escaped those that look like formulas, un-escaped here."""
    import pandas as pd

    df = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False) if fmt == "csv" \
        else pd.read_excel(p, dtype=str, keep_default_na=False)
    rows = df.to_dict("records")
    if fmt == "csv":
        rows = [{k: unescape_cell(v) for k, v in r.items()} for r in rows]
    return list(df.columns), rows


def _read_table(p: Path, fmt: str) -> list[Entry]:
    columns, rows = _table_records(p, fmt)
    missing = {"source_term", "target_term"} - set(columns)
    if missing:
        raise UserError(f"{p}: missing column(s) {', '.join(sorted(missing))}")
    out = []
    for r in rows:
        score = float(r.get("score") or 0.0)
        conf = float(r.get("confidence") or score)
        eqs = [Equivalent(r["target_term"], conf, int(r.get("target_frequency") or 0),
                          split_variants(r.get("variants")), status=r.get("status") or "")] \
            if r["target_term"] else []
        for alt in filter(None, (r.get("other_targets") or "").split(" | ")):
            term, _, s = alt.rpartition(" (")
            eqs.append(Equivalent(term, float(s.rstrip(")"))) if term else Equivalent(alt, 0.0))
        out.append(Entry(r["source_term"], eqs, score, source_frequency=int(r.get("frequency") or 0),
                         type=r.get("type") or "concept", source_example=r.get("source_example") or "",
                         target_example=r.get("target_example") or "",
                         source_ids=[int(x) for x in (r.get("source_ids") or "").split()],
                         target_ids=[int(x) for x in (r.get("target_ids") or "").split()]))
    return out


def _read_tmx(p: Path) -> list[Entry]:
    from translate.storage import tmx

    store = tmx.tmxfile.parsefile(str(p))
    out = []
    for u in store.units:
        props = {}
        for prop in u.xmlelement.iterfind(u.namespaced("prop")):
            props[prop.get("type")] = prop.text or ""
        score = float(props.get("x-score") or 0.0)
        eqs = [Equivalent(u.target, float(props.get("x-confidence") or score))] + [Equivalent(t, 0.0) for t in (props.get("x-alternatives") or "").split(" | ") if t]
        out.append(Entry(u.source, eqs, score, source_frequency=int(props.get("x-frequency") or 0),
                         type=props.get("x-type") or "concept"))
    return out


def _tbx_concepts(p: Path) -> Iterator[tuple[dict, list[tuple[str, list[tuple[str, float, str, int]]]]]]:
    """Each concept entry of a TBX file (Basic or 3): its note's fields and, per language set,
    (language, [(term, score, context, frequency, status, is a variant)])."""
    from lxml import etree

    root = etree.parse(str(p)).getroot()
    local = lambda node: etree.QName(node).localname  # noqa: E731
    for entry in root.iter():
        if not isinstance(entry.tag, str) or local(entry) not in ("termEntry", "conceptEntry"):
            continue
        note = next((c.text or "" for c in entry if local(c) == "note"), "")
        meta = dict(kv.split(": ", 1) for kv in note.split("; ") if ": " in kv)
        yield meta, [(ls.get(_XML_LANG), [_tbx_term(ts, local) for ts in ls if local(ts) in ("tig", "termSec", "ntig")])
                     for ls in entry if local(ls) in ("langSet", "langSec")]


def _read_tbx(p: Path) -> list[Entry]:
    src_lang = None
    out = []
    for meta, langs in _tbx_concepts(p):
        if not langs:
            continue
        src_lang = src_lang or langs[0][0]
        src = next((ts for lang, ts in langs if lang == src_lang), [])
        tgt = [t for lang, ts in langs if lang != src_lang for t in ts]
        if not src:
            continue
        term, _, example, freq, _, _ = src[0]
        eqs: list[Equivalent] = []
        for t, s, _, f, status, variant in tgt:
            if variant and eqs:
                eqs[-1].variants.append(t)
            else:
                eqs.append(Equivalent(t, s, f, status=status))
        out.append(Entry(term, eqs, float(meta.get("score") or 0.0),
                         source_frequency=freq, type=meta.get("type") or "concept", source_example=example,
                         target_example=tgt[0][2] if tgt else ""))
    return out


def _tbx_term(sec, local) -> tuple[str, float, str, int, str, bool]:
    term = next((c.text or "" for c in sec.iter() if isinstance(c.tag, str) and local(c) == "term"), "")
    context = next((c.text or "" for c in sec.iter() if isinstance(c.tag, str) and local(c) == "descrip"
                    and c.get("type") == "context"), "")
    note = next((c.text or "" for c in sec if local(c) == "note"), "")
    meta = dict(kv.split(": ", 1) for kv in note.split("; ") if ": " in kv)
    notes = {c.get("type"): c.text or "" for c in sec.iter() if isinstance(c.tag, str) and local(c) == "termNote"}
    tbx_status = notes.get("administrativeStatus") or notes.get("normativeAuthorization") or ""
    status = meta.get("status") or _STATUS_OF_TBX.get(tbx_status.removesuffix("-admn-sts"), "")
    return (term, float(meta.get("score") or 0.0), context, int(meta.get("frequency") or 0), status,
            notes.get("termType") == "variant")


# what other tools write, TBX-Basic's administrativeStatus or (TBX 2019) normativeAuthorization
_STATUS_OF_TBX = {"preferredTerm": "approved", "admittedTerm": "candidate", "deprecatedTerm": "forbidden",
                  "supersededTerm": "forbidden"}


def _read_omegat(p: Path) -> list[Entry]:
    by_src: dict[str, Entry] = {}
    for n, line in enumerate(p.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [unescape_cell(part) for part in line.split("\t")]
        if len(parts) < 2:
            raise UserError(f"{p}:{n}: expected source<TAB>target[<TAB>comment]")
        comment = parts[2] if len(parts) > 2 else ""
        score = next((float(x.split()[1]) for x in comment.split("; ") if x.startswith("score ")), 0.0)
        e = by_src.get(parts[0])
        if e is None:
            e = by_src[parts[0]] = Entry(parts[0], [], score, type=comment.split(";")[0] if ";" in comment else "concept")
        e.equivalents.append(Equivalent(parts[1], score))
    return list(by_src.values())


# --- term entries in several languages -----------------------------------------------------------

MULTI_FORMATS = ("csv", "xlsx", "tbx", "tbx2019", "tbx3", "jsonl")


def multi_columns(langs: list[str]) -> list[str]:
    """One column per language code (input order), score and frequency, then each language's
    frequency and example, the type and the signature."""
    return [*langs, "score", "frequency", *(f"{x}_frequency" for x in langs), *(f"{x}_example" for x in langs),
            "type", "signature"]


def multi_rows(g: MultiGlossary) -> list[dict]:
    out = []
    for e in g.entries:
        r = {"score": e.score, "frequency": e.frequency, "type": e.type, "signature": g.meta.get("signature", "")}
        for x in g.langs:
            t = e.terms.get(x)
            r[x], r[f"{x}_frequency"], r[f"{x}_example"] = (t.term, t.frequency, t.example) if t else ("", "", "")
        out.append(r)
    return out


def render_multi(g: MultiGlossary, fmt: str) -> bytes:
    """The bytes of a multilingual glossary in `fmt` (one of MULTI_FORMATS)."""
    if fmt == "csv":
        columns = multi_columns(g.langs)
        return delimited(columns, ([r[c] for c in columns] for r in multi_rows(g)))
    if fmt == "xlsx":
        return xlsx_bytes(multi_columns(g.langs), multi_rows(g), "glossary", [30] * len(g.langs) + [8, 10])
    if fmt in ("tbx", "tbx2019", "tbx3"):
        concepts = [(f"type: {e.type}; score: {e.score:.4f}",
                     [(x, [(t.term, t.frequency, t.example, t.score, "", "")]) for x, t in e.terms.items()])
                    for e in g.entries]
        return _tbx_doc(g.meta, concepts, v3=fmt != "tbx")
    if fmt == "jsonl":
        return _jsonl(g)
    raise UserError(f"a multilingual glossary is written as {', '.join(MULTI_FORMATS)}, not {fmt!r}")


def write_multi_glossary(g: MultiGlossary, out: str | os.PathLike | None, fmt: str) -> None:
    """Write `g` as `fmt` to `out` atomically, or to stdout when `out` is None or "-"."""
    from align.export import emit

    check_stdout_format(fmt, out)
    emit(render_multi(g, fmt), out)


def read_multi_glossary(path: str | os.PathLike) -> list[MultiEntry] | None:
    """Entries of a multilingual glossary file (JSONL, CSV, XLSX, TBX as `write_multi_glossary` writes
    them), or None when the file is a Chinese-English glossary (`read_glossary` reads those)."""
    p, fmt = _glossary_file(path)
    try:
        if fmt == "jsonl":
            lines = [ln for ln in p.read_bytes().decode("utf-8-sig").split("\n") if ln.strip()]
            if not lines or "terms" not in json.loads(lines[0]):  # a zh-en glossary: not parsed here
                return None
            return [MultiEntry.from_dict(json.loads(ln)) for ln in lines]
        if fmt in ("csv", "xlsx"):
            columns, rows = _table_records(p, fmt)
            if "source_term" in columns or "score" not in columns:
                return None
            langs = columns[:columns.index("score")]
            out = []
            for r in rows:
                terms = {x: Rendering(r[x], 1.0, int(r.get(f"{x}_frequency") or 0), [r[x]], r.get(f"{x}_example") or "")
                         for x in langs if r[x]}
                out.append(MultiEntry(terms, float(r.get("score") or 0.0), int(r.get("frequency") or 0),
                                      r.get("type") or "concept"))
            return out
        if fmt == "tbx":
            return _read_multi_tbx(p)
    except (ValueError, KeyError, TypeError, AttributeError, OSError, SyntaxError, zipfile.BadZipFile) as e:
        raise UserError(f"{p}: cannot read as a {fmt or 'glossary'} file ({type(e).__name__}: {e})") from e
    return None


def _read_multi_tbx(p: Path) -> list[MultiEntry] | None:
    """Concept entries with a language set per language; None for a zh-en glossary."""
    out = []
    for meta, langs in _tbx_concepts(p):
        terms = {}
        for lang, found in langs:
            if found:
                term, score, example, freq, _, _ = found[0]
                terms[lang] = Rendering(term, score, freq, [t for t, *_ in found], example)
        out.append(MultiEntry(terms, float(meta.get("score") or 0.0), 0, meta.get("type") or "concept"))
    langs = {x for e in out for x in e.terms}
    if not out or langs <= {"zh", "en"} and "zh" in langs:
        return None
    return out

"""Write a glossary for people and CAT tools, and read any of those files back.

CSV (UTF-8 with BOM, for Excel), XLSX, TMX 1.4b (one <tu> per entry: CAT tools import it as
a glossary memory; written by align.export's translate-toolkit writer), TBX-Basic (ISO 30042,
the martif/termEntry/langSet/tig form memoQ and MultiTerm import; `tbx3` gives the 2019
conceptEntry/langSec/termSec form), OmegaT glossary (tab-separated source, target, comment)
and JSONL (every field, for `termalign lookup` and scripts).
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
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from align.version import __version__
from align.errors import UserError
from align.export import FORMULA_START, escape_cell, escape_row, unescape_cell, xml_safe

from .model import Entry, Equivalent, Glossary
from .recognise import split_variants

FORMATS = ("csv", "xlsx", "tmx", "tbx", "tbx3", "omegat", "jsonl")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".tmx": "tmx", ".tbx": "tbx", ".jsonl": "jsonl", ".txt": "omegat",
              ".utf8": "omegat", ".tab": "omegat", ".tsv": "omegat"}
COLUMNS = ["source_term", "target_term", "score", "frequency", "source_example", "target_example",
           "confidence", "target_frequency", "other_targets", "type", "source_ids", "target_ids", "status", "variants",
           "signature"]
_BOM = "\ufeff"
TBX_NS = "urn:iso:std:iso:30042:ed-2"
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


def _csv(g: Glossary) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(escape_row(r) for r in rows(g))
    return (_BOM + buf.getvalue()).encode("utf-8")


def _xlsx(g: Glossary) -> bytes:
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


def _tmx(g: Glossary) -> bytes:
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
    return tmx_bytes(pairs, g.src_lang, g.tgt_lang, segtype="phrase",
                     header_props={"x-content": "glossary", **signature_props(g.meta)})


def _tbx(g: Glossary, v3: bool = False) -> bytes:
    """TBX-Basic: one concept entry per source term, one term section per equivalent."""
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
    for kind, value in signature_props(g.meta).items():  # what produced it: x-signature, x-settings
        el(el(file_desc, "sourceDesc"), "p", value, type=kind)
    if not v3:
        el(el(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = el(el(root, "text"), "body")
    for n, e in enumerate(g.entries, 1):
        entry = el(body, "conceptEntry" if v3 else "termEntry", id=f"c{n}")
        el(entry, "note", f"type: {e.type}; score: {e.score:.4f}")
        for lang, terms in ((g.src_lang, [(e.source_term, e.source_frequency, e.source_example, None, "", "")]),
                            (g.tgt_lang, [(t, q.frequency, e.target_example if k == 0 and t == q.term else "", q.score,
                                           q.status, "" if t == q.term else "variant")
                                          for k, q in enumerate(e.equivalents) for t in (q.term, *q.variants)])):
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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag: str, text: str | None, attrs: dict):
    from lxml import etree

    node = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        node.text = xml_safe(text)
    return node


def _omegat(g: Glossary) -> bytes:
    """OmegaT glossary: source TAB target TAB comment, one line per equivalent; the signature in a
    first `#` line (OmegaT skips comment lines)."""
    clean = lambda s: escape_cell(" ".join(str(s).split()))  # noqa: E731 - no tabs or newlines inside a field
    lines = [f"# {' '.join(g.meta['signature'].split())}"] if g.meta.get("signature") else []
    lines += [f"{clean(e.source_term)}\t{clean(q.term)}\t{clean(f'{e.type}; score {q.score:.2f}; freq {e.source_frequency}/{q.frequency}')}"
             for e in g.entries for q in e.equivalents]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonl(g: Glossary) -> bytes:
    sig = {"signature": g.meta["signature"]} if g.meta.get("signature") else {}
    return "".join(json.dumps({**e.to_dict(), **sig}, ensure_ascii=False) + "\n" for e in g.entries).encode("utf-8")


def render(g: Glossary, fmt: str) -> bytes:
    """The bytes of `g` in `fmt` (one of FORMATS)."""
    writers = {"csv": _csv, "xlsx": _xlsx, "tmx": _tmx, "tbx": _tbx, "tbx3": lambda x: _tbx(x, v3=True),
               "omegat": _omegat, "jsonl": _jsonl}
    if fmt not in writers:
        raise UserError(f"unknown glossary format {fmt!r} (choose from {', '.join(FORMATS)})")
    return writers[fmt](g)


def guess_format(path: str | os.PathLike | None, fmt: str | None = None) -> str:
    """`fmt` if given, else from the file extension, else csv."""
    if fmt:
        return fmt
    if path and str(path) != "-":
        return EXTENSIONS.get(Path(path).suffix.lower(), "csv")
    return "csv"


def write_glossary(g: Glossary, out: str | os.PathLike | None, fmt: str) -> None:
    """Write `g` as `fmt` to `out` atomically, or to stdout when `out` is None or "-"."""
    from align.export import emit  # the one stdout-or-atomic-file writer

    if fmt == "xlsx" and (out is None or str(out) == "-"):
        raise UserError("xlsx is a binary format: give an output file with -o FILE.xlsx")
    emit(render(g, fmt), out)


# --- reading back --------------------------------------------------------------------------------


def read_glossary(path: str | os.PathLike) -> list[Entry]:
    """Entries from any file `write_glossary` writes (JSONL keeps everything; the others what they hold)."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: no such glossary file")
    fmt = EXTENSIONS.get(p.suffix.lower())
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


def _read_table(p: Path, fmt: str) -> list[Entry]:
    import pandas as pd

    df = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False) if fmt == "csv" \
        else pd.read_excel(p, dtype=str, keep_default_na=False)
    missing = {"source_term", "target_term"} - set(df.columns)
    if missing:
        raise UserError(f"{p}: missing column(s) {', '.join(sorted(missing))}")
    out = []
    for r in df.to_dict("records"):
        if fmt == "csv":  # XLSX holds text cells as they are; CSV escaped those that look like formulas
            r = {k: unescape_cell(v) for k, v in r.items()}
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


def _read_tbx(p: Path) -> list[Entry]:
    from lxml import etree

    root = etree.parse(str(p)).getroot()
    local = lambda node: etree.QName(node).localname  # noqa: E731
    src_lang = None
    out = []
    for entry in root.iter():
        if not isinstance(entry.tag, str) or local(entry) not in ("termEntry", "conceptEntry"):
            continue
        note = next((c.text or "" for c in entry if local(c) == "note"), "")
        meta = dict(kv.split(": ", 1) for kv in note.split("; ") if ": " in kv)
        langs = [(ls.get(_XML_LANG), [_tbx_term(ts, local) for ts in ls if local(ts) in ("tig", "termSec", "ntig")])
                 for ls in entry if local(ls) in ("langSet", "langSec")]
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

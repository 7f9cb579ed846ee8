"""Write an alignment for people and tools (TMX, CSV, TSV, JSONL, bead ids) and read a reviewed one back.

Rendering is pure (alignment -> bytes); only `write_alignment`/`write_tmx` touch a file or
stdout, through `atomic_write` so an interrupted run never leaves half a file. Segment text is
exported without the Markdown emphasis markers (`**`, `*`) the UN transcriptions carry: CAT
tools and spreadsheets would show them as literal asterisks.

Two kinds of text a file format cannot carry as is are neutralised here, for every writer:
spreadsheet formulas (`escape_cell`, undone by `unescape_cell` in every reader of our CSV/TSV
files) and characters XML cannot hold (`xml_safe`, dropped from TMX, TBX and XLSX).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from align.version import __version__
from align.errors import UserError
from align.fileio import atomic_write, check_output_path

from .evaluate import format_bead
from .model import Alignment, Bead, Segment, join_texts
from .multi import MultiAlignment
from .segment import make_segment, strip_markup

FORMATS = ("tmx", "csv", "tsv", "jsonl", "ids")
COLUMNS = ["source_ids", "target_ids", "source", "target", "score"]
_BOM = "\ufeff"

# A text cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"; NUL per OWASP ASVS 1.2.10). Such a cell gets a leading apostrophe,
# which spreadsheets take as "this is text" and do not show. A cell that really starts with an
# apostrophe gets one too, so the escape is reversible: `unescape_cell(escape_cell(s)) == s`.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00",
                 "\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝＋－＠: East Asian Excel reads these as = + - @
_QUOTE = "'"
# "#" too: it starts a comment line in OmegaT glossaries (and in many TSV readers), losing the entry
_ESCAPED = FORMULA_START + (_QUOTE, "#")

# What XML 1.0 cannot hold: C0 controls but tab/newline/CR, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# A BCP 47 language tag as CAT tools write them: zh, zh-CN, zh-Hans, zh-Hans-CN, en-US, zho-CN
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")

# TMX `segtype` for each segmentation unit (lines in the dev sets are sentences).
_SEGTYPE = {"paragraph": "paragraph", "sentence": "sentence", "line": "sentence"}


# --- rendering (pure) ---------------------------------------------------------------------

def escape_cell(value: object) -> object:
    """A spreadsheet-safe CSV/TSV cell: text that would start a formula gets a leading apostrophe."""
    return _QUOTE + value if isinstance(value, str) and value.startswith(_ESCAPED) else value


def escape_row(row: dict) -> dict:
    """`escape_cell` on every value of a CSV record (numbers stay numbers)."""
    return {k: escape_cell(v) for k, v in row.items()}


def unescape_cell(text: str) -> str:
    """The text `escape_cell` was given (readers of our CSV/TSV call it on every text cell)."""
    return text[1:] if text.startswith(_QUOTE) and text[1:].startswith(_ESCAPED) else text


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot hold (controls such as \\x01), which would stop
    the writer; the TMX, TBX and XLSX writers drop them."""
    return _NOT_XML.sub("", text)


def parse_lang_codes(value: str | None) -> tuple[str, str] | None:
    """`--lang-codes zh-CN,en-US`: the codes written for the source and the target language in
    TMX, TBX and CSV headers (tools disagree: memoQ and MultiTerm map zh-CN, Phrase tells zh-CN
    from zh-Hans, DeepL wants zh). None (keep the document's own codes) when not given."""
    if value is None:
        return None
    codes = tuple(c.strip() for c in value.split(","))
    if len(codes) != 2 or not all(_LANG_TAG.fullmatch(c) for c in codes):
        raise UserError(f"--lang-codes {value!r}: give two language tags, source then target (e.g. zh-CN,en-US)")
    return codes  # type: ignore[return-value]


#: ISO 639-2 codes some tools write for the six UN languages (and German, a dev set's)
_ALPHA3 = {"zho": "zh", "chi": "zh", "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "rus": "ru", "ara": "ar",
           "deu": "de", "ger": "de"}


def codes_for(langs: tuple[str, str], lang_codes: tuple[str, str] | None) -> tuple[str, str]:
    """The codes to write for a pair in `langs`: `lang_codes` when given and naming the same
    languages (zh-Hans for zh), else a UserError. Given the wrong way round, the Chinese would
    be labelled English in the CAT tool."""
    if lang_codes is None:
        return langs
    for code, lang in zip(lang_codes, langs):
        primary = code.split("-")[0].lower()
        if _ALPHA3.get(primary, primary) != lang.split("-")[0].lower():
            raise UserError(f"--lang-codes {','.join(lang_codes)}: {code} is not {lang}, the language of that "
                            f"side (give the source's code first: {langs[0]} then {langs[1]})")
    return lang_codes


def _rows(al: Alignment) -> Iterable[dict]:
    """One record per bead: ids, markup-free joined text, score, and the per-segment texts."""
    for b in al.beads:
        src, source = side_texts(al.src, b.src, al.src_lang)
        tgt, target = side_texts(al.tgt, b.tgt, al.tgt_lang)
        yield {
            "source_ids": list(b.src),
            "target_ids": list(b.tgt),
            "source": source,
            "target": target,
            "score": round(float(b.score), 4),
            "source_segments": src,
            "target_segments": tgt,
            "signature": al.meta.get("signature", ""),
        }


def side_texts(segments: list[Segment], ids: tuple[int, ...], lang: str) -> tuple[list[str], str]:
    """The markup-free texts of `ids`, and them joined in the way of `lang`."""
    parts = [strip_markup(segments[i].text) for i in ids]
    # markers belong to their line: stripped per segment, then joined ("0" + "*0" is "00")
    return parts, strip_markup(join_texts(parts, lang))


def _ids_cell(ids: list[int]) -> str:
    return "[" + ",".join(map(str, ids)) + "]"


def _delimited(al: Alignment, delimiter: str, bom: bool) -> bytes:
    # what produced the file (align.signature) in a last column: readers take columns by name,
    # so files with or without it read back, and a spreadsheet shows it beside the score
    rows = ([_ids_cell(r["source_ids"]), _ids_cell(r["target_ids"]), escape_cell(r["source"]),
             escape_cell(r["target"]), r["score"], r["signature"]] for r in _rows(al))
    return _table([*COLUMNS, "signature"], rows, delimiter, bom)


def _table(header: list[str], rows: Iterable[list], delimiter: str, bom: bool) -> bytes:
    """CSV (Excel's way: BOM, CRLF) or TSV bytes of already escaped rows."""
    buf = io.StringIO(newline="")
    end = "\r\n" if bom else "\n"
    w = csv.writer(buf, delimiter=delimiter, lineterminator=end)
    # csv quotes a field with a CR only when CR is in the line end: a TSV row holding one is quoted whole
    quoted = csv.writer(buf, delimiter=delimiter, lineterminator=end, quoting=csv.QUOTE_ALL)
    w.writerow(header)
    for row in rows:
        (quoted if any(isinstance(c, str) and "\r" in c for c in row) else w).writerow(row)
    return ((_BOM if bom else "") + buf.getvalue()).encode("utf-8")


def _jsonl(al: Alignment) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows(al)).encode("utf-8")


def _ids(al: Alignment) -> bytes:
    return "".join(format_bead(b.src, b.tgt) + "\n" for b in al.beads).encode("utf-8")


def tmx_bytes(pairs: list[tuple[str, str, dict[str, str]]], srclang: str, tgtlang: str,
              segtype: str = "sentence", header_props: dict[str, str] | None = None) -> bytes:
    """TMX 1.4b: one <tu> per (source, target, props) pair; props become <prop type="x-...">.

    Built with translate-toolkit (so its reader agrees with us); the header is ours.
    """
    rows = [([(srclang, src), (tgtlang, tgt)], props) for src, tgt, props in pairs]
    return tmx_multi_bytes(rows, srclang, tgtlang, segtype, header_props)


def tmx_multi_bytes(rows: list[tuple[list[tuple[str, str]], dict[str, str]]], srclang: str, tgtlang: str | None = None,
                    segtype: str = "sentence", header_props: dict[str, str] | None = None) -> bytes:
    """TMX 1.4b: one <tu> per ([(language, text), ...], props) row, a <tuv> per (language, text)."""
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage=srclang, targetlanguage=tgtlang)
    for tuvs, props in rows:
        (lang, text), *rest = tuvs
        unit = store.addsourceunit(xml_safe(text), lang)
        for lang, text in rest:
            unit.settarget(xml_safe(text), lang, append=True)
        for i, (k, v) in enumerate(props.items()):
            unit.xmlelement.insert(i, _prop(k, v))  # the DTD wants <prop> before <tuv>
    store.addheader()
    header = store.document.getroot().find(store.namespaced("header"))
    header.attrib.update({
        "creationtool": "termalign", "creationtoolversion": __version__, "segtype": segtype,
        "o-tmf": "termalign", "adminlang": "en", "srclang": srclang, "datatype": "plaintext",
        "creationdate": datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
    })
    header.extend(_prop(k, v) for k, v in (header_props or {}).items())
    return bytes(store)


def _prop(kind: str, value: object):
    """A TMX <prop>; user-defined types must start with "x-"."""
    from lxml import etree

    prop = etree.Element("prop", type=kind if kind.startswith("x-") else f"x-{kind}")
    prop.text = xml_safe(str(value))
    return prop


def _tmx(al: Alignment, lang_codes: tuple[str, str] | None = None) -> bytes:
    pairs = [(r["source"], r["target"], {"x-score": f"{r['score']:.4f}",
                                         "x-source-ids": _ids_cell(r["source_ids"]),
                                         "x-target-ids": _ids_cell(r["target_ids"])})
             for r in _rows(al)]
    header = {"x-model": al.model} if al.model else {}
    header.update(signature_props(al.meta))
    src, tgt = codes_for((al.src_lang, al.tgt_lang), lang_codes)
    return tmx_bytes(pairs, src, tgt, _SEGTYPE.get(al.meta.get("unit", ""), "sentence"), header)


def signature_props(meta: dict) -> dict[str, str]:
    """TMX header props for what produced an output: the signature and the full settings (JSON)."""
    props = {"x-signature": meta["signature"]} if meta.get("signature") else {}
    if meta.get("settings"):
        props["x-settings"] = json.dumps(meta["settings"], sort_keys=True, ensure_ascii=False, default=repr)
    return props


# --- several languages: one record per unit, a column per language --------------------------

def _unit_rows(ma: MultiAlignment) -> Iterable[dict]:
    """One record per unit: each language's ids, its markup-free text, score, per-segment texts."""
    sig = ma.meta.get("signature", "")
    for u in ma.units:
        sides = {lang: side_texts(ma.segments[lang], u.ids[lang], lang) for lang in ma.langs}
        yield {**{f"{lang}_ids": list(u.ids[lang]) for lang in ma.langs},
               **{lang: sides[lang][1] for lang in ma.langs},
               "score": round(float(u.score), 4),
               **{f"{lang}_segments": sides[lang][0] for lang in ma.langs},
               "signature": sig}


def _multi_delimited(ma: MultiAlignment, delimiter: str, bom: bool) -> bytes:
    ids = [f"{lang}_ids" for lang in ma.langs]
    rows = ([*(_ids_cell(r[c]) for c in ids), *(escape_cell(r[lang]) for lang in ma.langs), r["score"],
             r["signature"]] for r in _unit_rows(ma))
    return _table([*ids, *ma.langs, "score", "signature"], rows, delimiter, bom)


def _multi_tmx(ma: MultiAlignment) -> bytes:
    """A <tu> per unit with a <tuv> per language that has text in it, the pivot's first."""
    order = [ma.pivot, *(lang for lang in ma.langs if lang != ma.pivot)]
    rows = []
    for r in _unit_rows(ma):
        props = {"x-score": f"{r['score']:.4f}", **{f"x-{lang}-ids": _ids_cell(r[f"{lang}_ids"]) for lang in order}}
        rows.append(([(lang, r[lang]) for lang in order if r[f"{lang}_ids"]], props))
    header = {"x-model": ma.model} if ma.model else {}
    header.update(signature_props(ma.meta))
    header.update({"x-pivot": ma.pivot, "x-languages": ",".join(ma.langs)})
    return tmx_multi_bytes(rows, ma.pivot, None, _SEGTYPE.get(ma.meta.get("unit", ""), "sentence"), header)


def _render_multi(ma: MultiAlignment, fmt: str) -> bytes:
    if fmt == "tmx":
        return _multi_tmx(ma)
    if fmt in ("csv", "tsv"):
        return _multi_delimited(ma, "," if fmt == "csv" else "\t", bom=fmt == "csv")
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _unit_rows(ma)).encode("utf-8")
    if fmt == "ids":  # each language's ids in input order: [0]:[0]:[0,1]
        return "".join(":".join(_ids_cell(list(u.ids[lang])) for lang in ma.langs) + "\n"
                       for u in ma.units).encode("utf-8")
    raise _unknown_format(fmt)


def _unknown_format(fmt: str) -> UserError:
    return UserError(f"unknown output format {fmt!r} (choose from {', '.join(FORMATS)})")


def render(al: Alignment | MultiAlignment, fmt: str, lang_codes: tuple[str, str] | None = None) -> bytes:
    """The bytes of `al` in format `fmt` (one of FORMATS); a MultiAlignment gets a record per unit.
    `lang_codes` (source, target) replace a pair's language codes where the format names
    languages (TMX)."""
    if isinstance(al, MultiAlignment):
        return _render_multi(al, fmt)
    if fmt == "tmx":
        return _tmx(al, lang_codes)
    if fmt == "csv":
        return _delimited(al, ",", bom=True)
    if fmt == "tsv":
        return _delimited(al, "\t", bom=False)
    if fmt == "jsonl":
        return _jsonl(al)
    if fmt == "ids":
        return _ids(al)
    raise _unknown_format(fmt)


# --- writing (the edge) -------------------------------------------------------------------

def emit(data: bytes, out: str | os.PathLike | None) -> None:
    if out is None or str(out) == "-":
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:  # a text-only stdout (e.g. captured in tests)
            sys.stdout.write(data.decode("utf-8"))
        else:
            sys.stdout.flush()
            stream.write(data)
            stream.flush()
        return
    with atomic_write(out, "wb") as fh:
        fh.write(data)


def write_alignment(alignment: Alignment | MultiAlignment, out: str | os.PathLike | None, fmt: str,
                    lang_codes: tuple[str, str] | None = None) -> None:
    """Write `alignment` as `fmt` to the file `out` (atomically), or to stdout when `out` is None.

    A MultiAlignment (`align_many`) gets one record per unit and a column (a TMX <tuv>) per language.
    A file path is checked as the CLI checks `-o`, against the files the alignment was read
    from: an API caller who passes an input's name gets a UserError, not a lost document."""
    if out is not None and str(out) != "-":
        check_output_path(out, inputs=[alignment.meta.get(k) for k in ("src_name", "tgt_name", "path")])
    emit(render(alignment, fmt, lang_codes), out)


def write_tmx(pairs: list[tuple[str, str, dict[str, str]]], path: str | os.PathLike | None, srclang: str,
              tgtlang: str, segtype: str = "sentence") -> None:
    """Any list of (source, target, props) pairs as a TMX 1.4b file (the glossary uses segtype="phrase")."""
    emit(tmx_bytes(pairs, srclang, tgtlang, segtype), path)


# --- reading a reviewed alignment back -----------------------------------------------------

#: no document has this many segments; a larger id in a file read back is damage, not a bead
#: (the reader would otherwise build a list that long)
MAX_SEGMENT_ID = 10_000_000


def _ids_of(value, where: str) -> tuple[int, ...]:
    try:
        ids = json.loads(value) if isinstance(value, str) else value
        if not isinstance(ids, list) or not all(type(i) is int and 0 <= i < MAX_SEGMENT_ID for i in ids):
            raise ValueError
        return tuple(ids)
    except (ValueError, TypeError) as e:
        raise UserError(f"{where}: bad segment ids {str(value)[:40]!r} (expected e.g. [0,1])") from e


def _place(segs: dict[int, str], ids: tuple[int, ...], parts: list[str] | None, joined: str, where: str) -> None:
    """Record the texts of `ids`: per segment when known, else the bead text on its first id."""
    if parts is not None and len(parts) != len(ids):
        raise UserError(f"{where}: {len(ids)} ids but {len(parts)} segment texts")
    for n, i in enumerate(ids):
        if i in segs:
            raise UserError(f"{where}: segment {i} is in two beads")
        segs[i] = parts[n] if parts is not None else (joined if n == 0 else "")


def _records(path: Path, text: str) -> Iterable[tuple[str, dict]]:
    if path.suffix.lower() == ".jsonl":
        for n, line in enumerate(text.split("\n"), 1):  # not splitlines(): JSON text may hold U+2028
            if line.strip():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    raise UserError(f"{path}:{n}: not a JSON line ({e.msg})") from e
                if not isinstance(rec, dict):
                    raise UserError(f"{path}:{n}: expected a JSON object")
                yield f"{path}:{n}", rec
        return
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(missing)}")
    for n, rec in enumerate(reader, 2):
        yield f"{path}:{n}", {k: unescape_cell(v) if k in ("source", "target") and isinstance(v, str) else v
                              for k, v in rec.items()}


def read_alignment(path: str | os.PathLike, src_lang: str = "zh", tgt_lang: str = "en") -> Alignment:
    """An alignment written as .jsonl, .tsv or .csv (and perhaps corrected by a reviewer).

    JSONL keeps each segment's text, so the segments come back exactly. TSV/CSV hold only
    the joined text of a bead: a many-segment side puts it on its first id and leaves the
    others empty. Ids never mentioned (a reviewer deleted the row) become empty segments.
    """
    p = Path(path)
    if p.suffix.lower() not in (".jsonl", ".tsv", ".csv"):
        raise UserError(f"{p}: cannot read alignments from {p.suffix or 'this'} files (use .jsonl, .tsv or .csv)")
    if not p.is_file():
        raise UserError(f"{p}: no such file")
    try:
        text = p.read_bytes().decode("utf-8-sig")  # no newline translation: a CR inside a CSV field stays
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{p}: cannot read ({e})") from e
    src: dict[int, str] = {}
    tgt: dict[int, str] = {}
    beads: list[Bead] = []
    for where, rec in _records(p, text):
        try:
            s_ids = _ids_of(rec["source_ids"], where)
            t_ids = _ids_of(rec["target_ids"], where)
            score = float(rec.get("score") or 0.0)
            if not math.isfinite(score):
                raise ValueError
            for side in ("source", "target"):
                text_ok = isinstance(rec.get(side) or "", str)
                parts = rec.get(f"{side}_segments")
                if not text_ok or not (parts is None or (isinstance(parts, list) and all(isinstance(x, str) for x in parts))):
                    raise UserError(f"{where}: {side} text must be a string (and {side}_segments a list of strings)")
        except KeyError as e:
            raise UserError(f"{where}: missing field {e}") from e
        except ValueError as e:
            raise UserError(f"{where}: bad score {rec.get('score')!r}") from e
        _place(src, s_ids, rec.get("source_segments"), rec.get("source") or "", where)
        _place(tgt, t_ids, rec.get("target_segments"), rec.get("target") or "", where)
        beads.append(Bead(s_ids, t_ids, score))
    as_list = lambda d: [make_segment(d.get(i, "")) for i in range(max(d, default=-1) + 1)]  # noqa: E731
    return Alignment(as_list(src), as_list(tgt), beads, src_lang, tgt_lang, meta={"path": str(p)})

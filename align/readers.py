"""Read a document file into text that `align.segment` can cut: .txt, .docx, .pdf, .html.

The format is told by the file's first bytes, not its name (a PDF saved as .txt still reads).
Plain text may be UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5: byte-order marks
decide first, then strict UTF-8, then whichever Chinese encoding decodes the bytes into the
most common characters (a frequency table from wordfreq; charset-normalizer guessed wrong on
short GB/Big5 samples), or `encoding` when given.

PDF text comes from pdfminer.six: pure Python (nothing to build), maintained, MIT, with the
CJK CMaps PDFs without embedded fonts need, and — unlike pypdf — every character's position
and size, so superscript footnote markers and footnotes (smaller type) are recognised and
paragraph ends found from the geometry. DOCX goes through python-docx (footnotes from the
footnotes part with lxml), HTML through lxml.html. PDF, and text that looks like a page
layout, is re-flowed into paragraphs by `align.reflow`.

Every problem is a `UserError` naming the file: missing, a directory, empty, binary, too big,
undecodable, no text.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from align.errors import UserError

from .reflow import Line, first_line_indents, first_word, is_furniture_text, measure, looks_like_layout_text, reflow_lines
from .reflow import reflow as reflow_text
from .segment import SUPERSCRIPTS

log = logging.getLogger(__name__)

#: inputs above this size are refused (a UN report is well under 5 MB of text); the
#: TERMALIGN_MAX_INPUT_MB environment variable changes it
MAX_INPUT_MB = 20.0

#: text above this size (UTF-8, after extraction) is refused: aligning costs about 8 CPU-minutes
#: per MB of text (both sides) with the default encoder (bench/longline.py), so two files at the
#: limit take minutes on two cores; a UN report is 50-500 KB of text. TERMALIGN_MAX_TEXT_MB changes it
MAX_TEXT_MB = 1.0

FORMATS = ("text", "docx", "pdf", "html")
_TO_SUP = str.maketrans("0123456789", SUPERSCRIPTS)


@dataclass
class Document:
    """A read document: the text for segmenting and how it was obtained."""

    text: str
    format: str
    encoding: str | None = None
    reflowed: bool = False
    removed: list[str] = field(default_factory=list)  # page furniture and hyphens taken out


def _limit_bytes(variable: str, default_mb: float) -> int:
    try:
        mb = float(os.environ.get(variable, default_mb))
    except ValueError:
        mb = default_mb
    return int(mb * 1024 * 1024)


def max_input_bytes() -> int:
    return _limit_bytes("TERMALIGN_MAX_INPUT_MB", MAX_INPUT_MB)


def max_text_bytes() -> int:
    return _limit_bytes("TERMALIGN_MAX_TEXT_MB", MAX_TEXT_MB)


def read_document(path: str | os.PathLike, encoding: str | None = None, reflow: bool | None = None) -> str:
    """The text of `path`, or a UserError naming the file and the problem (see `read`)."""
    return read(path, encoding, reflow).text


def read(path: str | os.PathLike, encoding: str | None = None, reflow: bool | None = None,
         max_bytes: int | None = None) -> Document:
    """Read any supported document.

    `reflow`: True re-flows the text into paragraphs (drop page furniture, join wrapped lines),
    False keeps the lines as they are (for `--unit line`), None (default) re-flows PDF and
    plain text that looks like a page layout.
    """
    p = Path(path)
    data = _read_bytes(p, max_bytes if max_bytes is not None else max_input_bytes())
    fmt = sniff_format(p, data)
    if fmt == "pdf":
        lines = pdf_lines(p)
        if not lines:
            raise UserError(f"{p}: no text in this PDF (a scanned image? run OCR first)")
        if reflow is False:
            return _checked(p, Document(_lines_text(lines), fmt))
        r = reflow_lines(lines)
        return _checked(p, Document(r.text, fmt, reflowed=True, removed=r.removed))
    if fmt == "docx":
        return _checked(p, Document(docx_text(p), fmt))
    text, used = decode_text(data, encoding, str(p), allow_markup=(fmt == "html"))
    text = clean_text(text)
    if fmt == "html":
        text = html_text(text)
    if reflow or (reflow is None and fmt == "text" and looks_like_layout_text(text)):
        r = reflow_text(text)
        return _checked(p, Document(r.text, fmt, used, reflowed=True, removed=r.removed))
    return _checked(p, Document(text.replace("\f", "\n\n"), fmt, used))


def _checked(p: Path, doc: Document) -> Document:
    if not any(_is_text_char(ch) for ch in doc.text):
        raise UserError(f"{p}: no text in file")
    limit = max_text_bytes()
    size = len(doc.text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise UserError(f"{p}: {size / 2**20:.1f} MB of text, over the {limit / 2**20:g} MB text limit that keeps a "
                        f"run to minutes (split it, or set TERMALIGN_MAX_TEXT_MB)")
    return doc


def _read_bytes(p: Path, limit: int) -> bytes:
    try:
        st = p.stat()
    except FileNotFoundError:
        raise UserError(f"{p}: no such file") from None
    except OSError as e:
        raise UserError(f"{p}: cannot read ({e.strerror})") from None
    if p.is_dir():
        raise UserError(f"{p}: is a directory, expected a document file")
    if not p.is_file():
        raise UserError(f"{p}: not a regular file")
    if st.st_size > limit:
        raise UserError(f"{p}: file is {st.st_size / 2**20:.1f} MB, over the {limit / 2**20:.0f} MB input limit "
                        f"(split it, or set TERMALIGN_MAX_INPUT_MB)")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UserError(f"{p}: cannot read ({e.strerror})") from None
    if not data.strip():
        raise UserError(f"{p}: file is empty")
    return data


# --- format -----------------------------------------------------------------------------

_BINARY_MAGIC = {
    b"\xd0\xcf\x11\xe0": "a legacy Office file (.doc/.xls): save it as .docx",
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"\x1f\x8b": "gzip-compressed", b"\x7fELF": "a program (ELF)", b"{\\rtf": "RTF: save it as .docx",
}


def sniff_format(p: Path, data: bytes) -> str:
    """'pdf', 'docx', 'html' or 'text' from the content (the extension only breaks ties)."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(p) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError) as e:
            raise UserError(f"{p}: damaged ZIP/DOCX file ({_one_line(e)})") from None
        if "word/document.xml" in names:
            return "docx"
        raise UserError(f"{p}: a ZIP archive, not a .docx document")
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise UserError(f"{p}: {what}, not a text document")
    probe = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").lower().replace(b"\x00", b"")
    if probe.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower().replace(b"\x00", b"") \
            or p.suffix.lower() in (".html", ".htm", ".xhtml") and probe.startswith(b"<"):
        return "html"
    return "text"


def refuse_same_files(paths, names=None) -> None:
    """One document per language: the same file given twice (under two --langs) would be aligned
    with itself and exported as a translation."""
    import hashlib

    names = names or [str(p) for p in paths]
    seen: dict[str, str] = {}
    for path, name in zip(paths, names):
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue  # the reader says what is wrong with it
        if digest in seen:
            raise UserError(f"{seen[digest]} and {name} are the same document: give one document per language")
        seen[digest] = name


# --- plain text -------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
CANDIDATES = ("gb18030", "big5", "utf-16-le", "utf-16-be", "cp1252")
_MIN_PLAUSIBLE = 0.9


def decode_text(data: bytes, encoding: str | None = None, name: str = "input",
                allow_markup: bool = False) -> tuple[str, str]:
    """Text and the encoding used; UserError when the bytes are binary or undecodable."""
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise UserError(f"{name}: unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as e:
            raise UserError(f"{name}: cannot decode as {encoding} (byte {e.start}: {e.reason})") from None
        _refuse_binary(text, name)
        return text, encoding
    if allow_markup and (m := re.search(rb"""charset\s*=\s*["']?([\w.:-]+)""", data[:4096], re.I)):
        try:
            return data.decode(m.group(1).decode("ascii")), m.group(1).decode("ascii").lower()
        except (LookupError, UnicodeDecodeError):
            pass
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise UserError(f"{name}: damaged {enc} text (byte {e.start}: {e.reason})") from None
            _refuse_binary(text, name)
            return text, enc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _refuse_binary(text, name)
        return text, "utf-8"
    best: tuple[float, str, str] | None = None
    for enc in CANDIDATES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = plausibility(text[:20000])
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is None or best[0] < _MIN_PLAUSIBLE:
        if b"\x00" in data[:8192] or (best and _control_share(best[2]) > 0.02):
            raise UserError(f"{name}: binary file, not text")
        raise UserError(f"{name}: cannot tell the text encoding (not UTF-8, UTF-16, GB18030 or Big5); "
                        f"pass --encoding")
    if best[1] == "cp1252" and _accented_share(best[2]) > _MAX_ACCENTED:
        raise UserError(f"{name}: cannot tell the text encoding (as cp1252 it is mostly accented letters: Russian "
                        f"or Arabic in a legacy code page?); pass --encoding, e.g. cp1251, koi8-r or cp1256")
    _refuse_binary(best[2], name)
    log.info("%s: read as %s", name, best[1])
    return best[2], best[1]


#: French, Spanish and German text has a few accented letters in a hundred; Cyrillic or Arabic
#: bytes (cp1251, KOI8-R, cp1256) read as cp1252 are nearly all "accented" Latin-1 letters
_MAX_ACCENTED = 0.3


def _accented_share(text: str) -> float:
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    return sum(not ch.isascii() for ch in letters) / len(letters) if letters else 0.0


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return bad / len(sample)


def _refuse_binary(text: str, name: str) -> None:
    if "\x00" in text[:20000] or _control_share(text) > 0.02:
        raise UserError(f"{name}: binary file, not text")


@functools.lru_cache(maxsize=1)
def _han_freq() -> dict[str, float]:
    """Frequencies of single Chinese characters (wordfreq's table; traditional looked up via OpenCC)."""
    from wordfreq import get_frequency_dict

    return {w: f for w, f in get_frequency_dict("zh").items() if len(w) == 1}


def plausibility(text: str) -> float:
    """Share of characters a real zh/en document is made of: ASCII, common Han characters,
    CJK and Latin-1 punctuation. Text decoded with the wrong codec scores low (rare or
    private-use characters, control codes)."""
    if not text:
        return 0.0
    from .langcheck import is_han, to_simplified

    freq = _han_freq()
    han = {ch for ch in text if is_han(ch)}
    simp = dict(zip(han, to_simplified("".join(han)))) if han else {}
    total = 0.0
    for ch in text:
        o = ord(ch)
        if ch.isascii():
            total += 1.0 if (ch.isprintable() or ch in "\t\n\r\f") else -1.0
        elif ch in simp:
            total += 1.0 if freq.get(simp[ch], freq.get(ch, 0.0)) >= 1e-7 else 0.0
        elif 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0x2070 <= o <= 0x209F:
            total += 1.0
        elif 0x00A0 <= o <= 0x017F:
            total += 0.9  # Latin-1 text in cp1252; GB bytes read as cp1252 also land here
        elif unicodedata.category(ch) == "Cc":
            total -= 1.0
    return total / len(text)


_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufeff\ud800-\udfff]")
_NEWLINES = re.compile("\r\n|[\r\x0b\x1c\x1d\x1e\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """Newlines made "\\n", control characters (and BOMs) dropped; form feeds kept as page marks."""
    return _CONTROL.sub("", _NEWLINES.sub("\n", text))


def _is_text_char(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cs")


def _lines_text(lines: list[Line]) -> str:
    out, page = [], None
    for ln in lines:
        if page is not None and ln.page != page:
            out.append("\f")
        elif ln.gap_before and out:
            out.append("")
        out.append(ln.text)
        page = ln.page
    return "\n".join(out).replace("\n\f\n", "\n\n") + "\n"


# --- HTML -------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote",
               "section", "article", "header", "footer", "aside", "main", "dd", "dt", "dl", "pre", "hr",
               "figure", "figcaption", "caption", "nav", "address", "td", "th", "body"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "meta", "link"}


def html_text(markup: str) -> str:
    """Blocks of an HTML page as paragraphs; <sup>1</sup> becomes ¹ (a footnote marker)."""
    import lxml.etree
    import lxml.html

    markup = _NOT_XML.sub("", re.sub(r"^\s*<\?xml[^>]*>", "", markup.replace("\f", "\n")))
    if not markup.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return ""
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS or not isinstance(el.tag, str):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if tag == "br":
            parts.append("\n")
        if tag == "sup" and (el.text_content() or "").strip().isdigit():
            parts.append(el.text_content().strip().translate(_TO_SUP))
        else:
            if el.text:
                parts.append(el.text)
            for child in el:
                walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    blocks = []
    for block in re.split(r"\n\s*\n", "".join(parts)):
        lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in block.split("\n")]
        text = "\n".join(ln for ln in lines if ln)
        if text:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n"


# --- DOCX -------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(p: Path) -> str:
    """Body paragraphs (and table cells) in order, blank-line separated; each footnote a
    paragraph "¹ text" after the paragraph that refers to it."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(str(p))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise UserError(f"{p}: damaged .docx file ({_one_line(e)})") from None
    except Exception as e:  # lxml XMLSyntaxError and the like: a broken package
        raise UserError(f"{p}: damaged .docx file ({type(e).__name__})") from None
    notes: dict[str, str] = {}
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.FOOTNOTES, RT.ENDNOTES) and not rel.is_external:
            notes.update(_docx_notes(rel.target_part.blob))
    numbers: dict[str, int] = {}
    blocks: list[str] = []
    for el in doc.element.body.iterchildren():
        paras = [el] if el.tag == f"{_W}p" else el.iter(f"{_W}p") if el.tag == f"{_W}tbl" else []
        for para in paras:
            refs: list[str] = []
            text = _docx_para_text(para, numbers, refs)
            if text.strip():
                blocks.append(text.strip())
            for fid in refs:
                body = notes.get(fid, "").strip()
                if body:
                    blocks.append(f"{str(numbers[fid]).translate(_TO_SUP)} {body}")
    return clean_text("\n\n".join(blocks) + "\n")


def _docx_para_text(para, numbers: dict[str, int], refs: list[str]) -> str:
    out: list[str] = []
    for node in para.iter():
        tag = node.tag
        if tag == f"{_W}t":
            text = node.text or ""
            run = node.getparent()
            va = run.find(f"{_W}rPr/{_W}vertAlign") if run is not None else None
            if va is not None and va.get(f"{_W}val") == "superscript" and text.strip().isdigit():
                text = text.strip().translate(_TO_SUP)
            out.append(text)
        elif tag == f"{_W}tab":
            out.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        elif tag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
            fid = ("e" if "endnote" in tag else "") + (node.get(f"{_W}id") or "")
            numbers.setdefault(fid, len(numbers) + 1)
            refs.append(fid)
            out.append(str(numbers[fid]).translate(_TO_SUP))
    return "".join(out)


def _docx_notes(blob: bytes) -> dict[str, str]:
    """Footnote (or endnote) id → its text, without separators and the number it prints."""
    import lxml.etree

    root = lxml.etree.fromstring(blob)
    endnotes = root.tag == f"{_W}endnotes"
    out: dict[str, str] = {}
    for note in root:
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        paras = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in note.iter(f"{_W}p")]
        out[("e" if endnotes else "") + (note.get(f"{_W}id") or "")] = " ".join(s.strip() for s in paras if s.strip())
    return out


# --- PDF --------------------------------------------------------------------------------

@dataclass
class _PdfLine:
    chars: list  # pdfminer LTChar / LTAnno, left to right
    x0: float
    x1: float
    y0: float
    y1: float
    page: int


def pdf_lines(p: Path) -> list[Line]:
    """Measured lines of every page of a PDF, superscript digits turned into ¹²³."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextLine
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException
    from tqdm import tqdm

    raw: list[_PdfLine] = []
    quiet = logging.getLogger("pdfminer")  # its warnings on odd files are noise on the CLI
    level = quiet.level
    quiet.setLevel(max(level, logging.ERROR))
    try:
        pages = extract_pages(str(p), laparams=LAParams())
        bar = tqdm(pages, desc=f"reading {p.name}", unit="page", leave=False,
                   disable=None if log.isEnabledFor(logging.WARNING) else True)  # None: on a terminal only
        for pno, page in enumerate(bar):
            found: list[_PdfLine] = []
            stack = list(page)
            while stack:
                el = stack.pop()
                if isinstance(el, LTTextLine):
                    chars = list(el)
                    if any(isinstance(c, LTChar) for c in chars):
                        found.append(_PdfLine(chars, el.x0, el.x1, el.y0, el.y1, pno))
                elif hasattr(el, "__iter__"):
                    stack.extend(el)
            raw.extend(_merge_rows(found))
    except (PDFSyntaxError, PSException) as e:
        raise UserError(f"{p}: damaged PDF ({type(e).__name__}: {_one_line(e)})") from None
    except Exception as e:  # pdfminer raises many kinds on broken files (encryption included)
        raise UserError(f"{p}: cannot read this PDF ({type(e).__name__}: {_one_line(e)})") from None
    finally:
        quiet.setLevel(level)
    return _measure_pdf(raw)


def _one_line(e: BaseException, limit: int = 120) -> str:
    return " ".join(str(e).split())[:limit]


def _merge_rows(lines: list[_PdfLine]) -> list[_PdfLine]:
    """Text lines sharing a baseline (columns of a masthead, a superscript box) made one,
    top to bottom."""
    lines.sort(key=lambda ln: (-round(ln.y1, 0), ln.x0))
    rows: list[_PdfLine] = []
    for ln in lines:
        for row in rows[-3:]:
            overlap = min(row.y1, ln.y1) - max(row.y0, ln.y0)
            if overlap > 0.5 * min(row.y1 - row.y0, ln.y1 - ln.y0):
                gap = ln.x0 - row.x1 if ln.x0 >= row.x1 else row.x0 - ln.x1
                first, second = (row.chars, ln.chars) if ln.x0 >= row.x0 else (ln.chars, row.chars)
                row.chars = first + ([" "] if gap > 1 else []) + second
                row.x0, row.x1 = min(row.x0, ln.x0), max(row.x1, ln.x1)
                row.y0, row.y1 = min(row.y0, ln.y0), max(row.y1, ln.y1)
                break
        else:
            rows.append(ln)
    rows.sort(key=lambda ln: -ln.y1)
    return rows


def _line_text(chars: list, size: float) -> str:
    """A line's text with small raised digits (footnote references) as superscript digits."""
    from pdfminer.layout import LTChar

    base = min((c.y0 for c in chars if isinstance(c, LTChar) and c.size >= 0.9 * size), default=None)
    out = []
    for c in chars:
        t = c if isinstance(c, str) else c.get_text()
        if t == "\n":
            continue
        if (isinstance(c, LTChar) and base is not None and t.isdigit() and c.size < 0.8 * size
                and c.y0 > base + 0.15 * size):
            t = t.translate(_TO_SUP)
        out.append(t)
    return "".join(out).strip()


def _measure_pdf(rows: list[_PdfLine]) -> list[Line]:
    from collections import Counter

    from pdfminer.layout import LTChar

    def size_of(row: _PdfLine) -> float:
        sizes = [round(c.size, 1) for c in row.chars if isinstance(c, LTChar)]
        return Counter(sizes).most_common(1)[0][0] if sizes else 0.0

    sizes = [size_of(r) for r in rows]
    weight: Counter = Counter()
    for r, s in zip(rows, sizes):
        weight[s] += len(r.chars)
    body = weight.most_common(1)[0][0] if weight else 0.0
    left = min((r.x0 for r, s in zip(rows, sizes) if s >= 0.9 * body), default=0.0)
    full = measure([r.x1 - left for r, s in zip(rows, sizes) if s >= 0.9 * body])
    pitch = _typical_pitch(rows, sizes, body)
    floor = {}  # per page: the bottom of the body text; footnotes sit below it
    for r, s in zip(rows, sizes):
        if s >= 0.9 * body:
            floor[r.page] = min(floor.get(r.page, r.y0), r.y0)
    # first-line indents, in half-ems from the left margin (body lines only)
    leads = [round((r.x0 - left) / (0.5 * body)) if body and s >= 0.9 * body else 0 for r, s in zip(rows, sizes)]
    indented = first_line_indents(leads)
    out: list[Line] = []
    prev: _PdfLine | None = None
    for k, (r, s) in enumerate(zip(rows, sizes)):
        text = _line_text(r.chars, s)
        if not text:
            continue
        small = s < 0.9 * body
        num = re.match(r"(\d{1,3})\s+(?=[^\W\d])", text)
        if small and num and r.y1 < floor.get(r.page, 0) and not is_furniture_text(text):
            text = num.group(1).translate(_TO_SUP) + " " + text[num.end():]  # a footnote numbered in plain digits
        gap = (prev is not None and prev.page == r.page and pitch > 0
               and (prev.y0 - r.y0) > 1.4 * pitch)
        out.append(Line(text, r.page, r.x1 - left, _first_word_width(r.chars, text, s), full, gap, small,
                        k in indented))
        prev = r
    return out


def _typical_pitch(rows: list[_PdfLine], sizes: list[float], body: float) -> float:
    """The usual baseline-to-baseline distance of body lines."""
    d = sorted(a.y0 - b.y0 for (a, sa), (b, sb) in zip(zip(rows, sizes), zip(rows[1:], sizes[1:]))
               if a.page == b.page and sa == body and sb == body and a.y0 > b.y0)
    return d[len(d) // 4] if d else 0.0


def _first_word_width(chars: list, text: str, size: float) -> float:
    """Room the first word takes (with a space before it unless it is CJK)."""
    from pdfminer.layout import LTChar

    word = first_word(text)
    glyphs = [c for c in chars if isinstance(c, LTChar) and c.get_text().strip()][: len(word)]
    if not glyphs:
        return 0.0
    width = glyphs[-1].x1 - glyphs[0].x0
    return width + (0.0 if word and unicodedata.east_asian_width(word[0]) in ("W", "F") else 0.25 * size)

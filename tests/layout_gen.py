"""Make the seed pair look like real files: PDF-extraction text, DOCX and PDF.

The layout imitates an ODS resolution: a masthead on page 1 (``United Nations A/RES/75/45``,
``General Assembly Distr.: General``, a date), a job-number footer with a barcode line on
page 1, and on later pages a running header (symbol + short title) and a footer
(``20-16555 2/4``). Lines are wrapped greedily at a fixed measure — Chinese at any character,
keeping closing punctuation and footnote markers on the line before; English at spaces and
after hyphens, and a long word that does not fit is hyphenated. Footnotes go to the bottom of
the page where their paragraph is, in the order of the clean text.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from align.reflow import _CLOSING, display_width
from align.segment import SUPERSCRIPTS, split_paragraphs, strip_markup

SYMBOL = "A/RES/75/45"
JOB = "20-16555"
TITLE = {"zh": "2013 年核裁军问题大会高级别会议的后续行动",
         "en": "Follow-up to the 2013 high-level meeting of the General Assembly on nuclear disarmament"}
MASTHEAD = {"zh": ["联合国 A/RES/75/45", "大 会 Distr.: General", "2020 年 12 月 14 日"],
            "en": ["United Nations A/RES/75/45", "General Assembly Distr.: General", "14 December 2020"]}


def clean_blocks(text: str, lang: str, markup: bool = False) -> list[tuple[str, str]]:
    """(kind, text) of each paragraph of a clean seed text, as align.segment sees it."""
    return [(s.kind, s.text if markup else strip_markup(s.text)) for s in split_paragraphs(text, lang)]


# --- wrapping ---------------------------------------------------------------------------

def wrap_cjk(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy CJK wrap: break anywhere but inside ASCII words; closing punctuation and
    superscripts hang on the previous line."""
    tokens = re.findall(rf"[!-~]+|[{re.escape(''.join(_CLOSING))}]+|\s+|.", text)
    lines, cur = [], ""
    for tok in tokens:
        if cur.strip() and measure(cur + tok) > width and not (tok[0] in _CLOSING) and not tok.isspace():
            lines.append(cur.rstrip())
            cur = tok.lstrip()
        else:
            cur += tok
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def wrap_en(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy English wrap at spaces and after hyphens; a long word that does not fit is
    split with a hyphen when at least 4 letters go on each line."""
    words = re.findall(r"\S+?-(?=\w)|\S+", text)
    lines, cur = [], ""
    for w in words:
        sep = "" if not cur or cur.endswith("-") else " "
        if not cur or measure(cur + sep + w) <= width:
            cur += sep + w
            continue
        m = re.fullmatch(r"([a-z]{4,})([a-z]{4,}[^\w]*)", w)
        if m and len(m.group(1)) >= 6:
            for k in range(len(m.group(1)), 3, -1):
                head = w[:k] + "-"
                if measure(cur + sep + head) <= width and len(w) - k >= 4:
                    lines.append(cur + sep + head)
                    cur = w[k:]
                    break
            else:
                lines.append(cur)
                cur = w
            continue
        lines.append(cur)
        cur = w
    if cur:
        lines.append(cur)
    return lines


# --- pages ------------------------------------------------------------------------------

@dataclass
class Page:
    header: list[str] = field(default_factory=list)
    body: list[tuple[str, bool]] = field(default_factory=list)  # (line, first line of a paragraph)
    notes: list[str] = field(default_factory=list)  # footnote lines
    footer: list[str] = field(default_factory=list)


def paginate(blocks: list[tuple[str, str]], lang: str, width: float, lines_per_page: int,
             measure: Callable[[str], float], note_width: float | None = None, indent: str = "") -> list[Page]:
    """Lay the paragraphs out on pages with masthead, headers, footers and footnotes
    (`indent`: what first lines of Chinese paragraphs start with, e.g. two ideographic spaces)."""
    wrap = wrap_cjk if lang == "zh" else wrap_en
    pages = [Page(header=list(MASTHEAD[lang]))]
    for kind, text in blocks:
        if kind == "footnote":
            pages[-1].notes.extend(wrap(text, note_width or width, measure))
            continue
        for k, line in enumerate(wrap(indent + text if lang == "zh" else text, width, measure)):
            page = pages[-1]
            if len(page.body) + len(page.notes) >= lines_per_page:
                pages.append(Page(header=[SYMBOL, TITLE[lang]]))
                page = pages[-1]
            page.body.append((line, k == 0))
    n = len(pages)
    for i, page in enumerate(pages, 1):
        page.footer = [f"{JOB} (C)" if lang == "zh" else f"{JOB} (E)", "*2016555*"] if i == 1 else \
            [f"{JOB} {i}/{n}" if i % 2 else f"{i}/{n} {JOB}"]
    return pages


def pages_text(pages: list[Page], form_feeds: bool = False, blank_lines: bool = False) -> str:
    """The pages as a text extractor would give them (page by page, top to bottom)."""
    out = []
    for page in pages:
        lines = list(page.header)
        for line, first in page.body:
            if blank_lines and first and lines:
                lines.append("")
            lines.append(line)
        lines += page.notes + page.footer
        out.append("\n".join(lines))
    return ("\n\f" if form_feeds else "\n").join(out) + "\n"


def raw_text(clean: str, lang: str, width: int = 0, lines_per_page: int = 38, indent: str = "", **kw) -> str:
    """A clean seed text as PDF extraction gives it, wrapped at `width` display columns."""
    width = width or (70 if lang == "zh" else 84)
    return pages_text(paginate(clean_blocks(clean, lang), lang, width, lines_per_page, display_width,
                               indent=indent), **kw)


# --- DOCX -------------------------------------------------------------------------------

_FOOTNOTES_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                  '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                  '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  '</w:r></w:p></w:footnote>{notes}</w:footnotes>')
_NOTE = ('<w:footnote w:id="{id}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
         '<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>')


def write_docx(clean: str, lang: str, path: Path) -> Path:
    """A DOCX of the clean text: paragraphs, real footnotes (footnote references in the text,
    bodies in word/footnotes.xml), a page header with the symbol (not part of the body)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from xml.sax.saxutils import escape

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = SYMBOL
    notes: dict[str, str] = {}
    sup_re = re.compile(f"([{SUPERSCRIPTS}]+)")
    for kind, text in clean_blocks(clean, lang):
        if kind == "footnote":
            m = re.match(rf"([{SUPERSCRIPTS}]+)\s*(.*)", text)
            notes[m.group(1).translate(str.maketrans(SUPERSCRIPTS, "0123456789"))] = m.group(2)
            continue
        para = d.add_paragraph()
        for part in sup_re.split(text):
            if not part:
                continue
            if sup_re.fullmatch(part):
                run = para.add_run()
                rpr = OxmlElement("w:rPr")
                va = OxmlElement("w:vertAlign")
                va.set(qn("w:val"), "superscript")
                rpr.append(va)
                run._r.append(rpr)
                ref = OxmlElement("w:footnoteReference")
                ref.set(qn("w:id"), part.translate(str.maketrans(SUPERSCRIPTS, "0123456789")))
                run._r.append(ref)
            else:
                para.add_run(part)
    d.save(str(path))
    xml = _FOOTNOTES_XML.format(notes="".join(_NOTE.format(id=k, text=escape(v)) for k, v in notes.items()))
    _add_part(path, "word/footnotes.xml", xml,
              "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
              "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes")
    return path


def _add_part(path: Path, name: str, xml: str, content_type: str, reltype: str) -> None:
    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i.filename) for i in z.infolist()}
    items[name] = xml.encode("utf-8")
    ct = items["[Content_Types].xml"].decode()
    items["[Content_Types].xml"] = ct.replace(
        "</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>').encode()
    rels = items["word/_rels/document.xml.rels"].decode()
    items["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdFn1" Type="{reltype}" Target="{name.split("/", 1)[1]}"/></Relationships>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in items.items():
            z.writestr(k, v)


# --- PDF --------------------------------------------------------------------------------

BODY, NOTE = 11.0, 8.5


def write_pdf(clean: str, lang: str, path: Path, paragraph_space: bool = False, indent: bool = False) -> Path:
    """A PDF of the clean text laid out like an ODS document (see the module docstring).

    Chinese uses the PDF standard CID font STSong-Light (no font file needed: text extractors
    map it through the Adobe-GB1 CMap), English Times-Roman. Footnote markers are small raised
    digits, as in real documents; footnotes are set smaller at the page bottom.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if lang == "zh":
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        font = "STSong-Light"
    else:
        font = "Times-Roman"
    sup_re = re.compile(f"([{SUPERSCRIPTS}]+)")
    to_digit = str.maketrans(SUPERSCRIPTS, "0123456789")

    def runs(text: str, size: float):
        for part in sup_re.split(text):
            if part:
                yield (part.translate(to_digit), size * 0.6, size * 0.35) if sup_re.fullmatch(part) else (part, size, 0.0)

    def measure_at(size: float) -> Callable[[str], float]:
        return lambda s: sum(pdfmetrics.stringWidth(t, font, sz) for t, sz, _ in runs(s, size))

    left, width = 72.0, 440.0
    blocks = clean_blocks(clean, lang)
    pages = paginate(blocks, lang, width, 33 if paragraph_space else 40, measure_at(BODY), note_width=width,
                     indent="\u3000\u3000" if indent else "")
    # footnotes are wrapped at the body size above; re-wrap them at their own size
    c = canvas.Canvas(str(path), pagesize=A4)
    top = A4[1] - 72

    def draw(x: float, y: float, text: str, size: float) -> None:
        for t, sz, rise in runs(text, size):
            c.setFont(font, sz)
            c.drawString(x, y + rise, t)
            x += pdfmetrics.stringWidth(t, font, sz)

    for page in pages:
        y = top
        for line in page.header:
            draw(left, y, line, 9.0)
            y -= 14
        y -= 10
        for line, first in page.body:
            if paragraph_space and first:
                y -= 8
            lead = line[: len(line) - len(line.lstrip("\u3000"))]  # first-line indent: set in, not drawn
            draw(left + measure_at(BODY)(lead), y, line[len(lead):], BODY)
            y -= 14
        y = 72 + 14 + 11 * len(page.notes)
        for line in page.notes:
            draw(left, y, line, NOTE)
            y -= 11
        y = 50
        for line in page.footer:
            draw(left, y, line, 8.0)
            y -= 10
        c.showPage()
    c.save()
    return path

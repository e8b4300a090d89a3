"""One table, three files: XLSX (openpyxl), CSV (UTF-8 with BOM so Excel reads Thai) and PDF
(reportlab with the Sarabun font from the ``fontpkg-sarabun`` package, shaped by HarfBuzz so Thai
vowels and tone marks sit where they belong, lines broken between Thai words)."""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

FORMATS = ("xlsx", "csv", "pdf")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


@dataclass
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    subtitle: str = ""
    widths: tuple[float, ...] = ()  # relative column widths for the PDF
    landscape: bool = True
    footer: list[str] = field(default_factory=list)


def render(table: Table, fmt: str) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "pdf":
        return to_pdf(table)
    raise ValueError(fmt)


def to_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31].strip() or "Sheet"  # Excel forbids these
    bold = Font(name="TH Sarabun New", bold=True, size=14)
    plain = Font(name="TH Sarabun New", size=14)
    ws.append([table.title])
    ws["A1"].font = Font(name="TH Sarabun New", bold=True, size=16)
    if table.subtitle:
        ws.append([table.subtitle])
    ws.append(list(table.headers))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            cell.font = plain
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for line in table.footer:
        ws.append([line])
    widths = table.widths or tuple(1 for _ in table.headers)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(60, 9 * w))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- PDF

def font_dir() -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.__file__).resolve().parent / "files"


@functools.cache
def _register_fonts() -> str:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    d = font_dir()
    pdfmetrics.registerFont(TTFont("Sarabun", str(d / "Sarabun-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("Sarabun-Bold", str(d / "Sarabun-Bold.ttf")))
    addMapping("Sarabun", 0, 0, "Sarabun")
    addMapping("Sarabun", 1, 0, "Sarabun-Bold")
    return "Sarabun"


def _shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:  # without HarfBuzz marks are drawn unshaped, still legible
        return False
    return True


_THAI = re.compile(r"[\u0e00-\u0e7f]")


def thai_words(text: str) -> list[str]:
    """Pieces between which a line may break: Thai words (PyThaiNLP newmm) and spaces."""
    if not _THAI.search(text):
        return re.split(r"(\s+)", text)
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, engine="newmm", keep_whitespace=True)


def _clusters(word: str) -> list[str]:
    """Thai character clusters (TCC): the places a too-long word may still be broken."""
    if not _THAI.search(word):
        return list(word)
    from pythainlp.tokenize import subword_tokenize

    return subword_tokenize(word, engine="tcc")


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy line breaking at word boundaries; a word wider than the line is broken between
    Thai character clusters, so a vowel or tone mark never leaves its consonant."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for para in (text or "").split("\n"):
        line = ""
        for word in thai_words(para):
            pieces = [word] if stringWidth(word, font, size) <= width else _clusters(word)
            for piece in pieces:
                if stringWidth(line + piece, font, size) <= width or not line.strip():
                    line += piece
                else:
                    lines.append(line.rstrip())
                    line = piece.lstrip()
        lines.append(line.rstrip())
    return lines


def to_pdf(table: Table) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

    font = _register_fonts()
    shaping = 1 if _shaping_available() else 0
    page = landscape(A4) if table.landscape else A4
    margin = 12 * mm
    size = 10.5
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.45, shaping=shaping)
    head = ParagraphStyle("head", parent=body, fontName="Sarabun-Bold", alignment=1)
    title = ParagraphStyle("title", parent=body, fontName="Sarabun-Bold", fontSize=16, leading=24, alignment=1)
    sub = ParagraphStyle("sub", parent=body, fontSize=12, leading=18, alignment=1)
    usable = page[0] - 2 * margin
    rel = table.widths or tuple(1 for _ in table.headers)
    col_w = [usable * w / sum(rel) for w in rel]

    def cell(text: str, style: ParagraphStyle, w: float) -> Paragraph:
        lines = wrap(str(text), w - 6, style.fontName, style.fontSize)
        return Paragraph("<br/>".join(escape(line) for line in lines), style)

    data = [[cell(h, head, col_w[i]) for i, h in enumerate(table.headers)]]
    for row in table.rows:
        data.append([cell(v, body, col_w[i]) for i, v in enumerate(row)])
    # splitInRow: a cell taller than a page (a 255-character name with no spaces in a narrow
    # column) continues on the next page instead of failing the whole export with a LayoutError.
    grid = LongTable(data, colWidths=col_w, repeatRows=1, splitInRow=1)
    grid.setStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])
    story = [Paragraph(escape(table.title), title)]
    if table.subtitle:
        story.append(Paragraph(escape(table.subtitle), sub))
    story += [Spacer(1, 4 * mm), grid]
    for line in table.footer:
        story.append(Paragraph(escape(line), body))

    def number_pages(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawRightString(page[0] - margin, 7 * mm, f"หน้า {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=table.title, author="saraban")
    doc.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return out.getvalue()

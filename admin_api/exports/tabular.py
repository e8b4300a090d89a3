"""One table, three files: XLSX (openpyxl), CSV (UTF-8 with BOM so Excel reads Thai) and PDF
(reportlab with the Sarabun font from the ``fontpkg-sarabun`` package, shaped by HarfBuzz so Thai
vowels and tone marks sit where they belong, lines broken between Thai words)."""

from __future__ import annotations

import csv
import datetime as dt
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


Cell = str | int | float | dt.date | dt.datetime | None


@dataclass
class Table:
    """Rows of typed cells: a date stays a date and a number a number (XLSX stores them as such, so
    they sort and sum; CSV and PDF show them in Thai, dates in พ.ศ.)."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    subtitle: str = ""
    widths: tuple[float, ...] = ()  # relative column widths for the PDF
    landscape: bool = True
    footer: list[str] = field(default_factory=list)
    filename: str = ""  # readable file name without extension (Thai allowed), e.g. "ทะเบียนหนังสือรับ มท 0201 ปี 2569"


def render(table: Table, fmt: str) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "pdf":
        return to_pdf(table)
    raise ValueError(fmt)


def content_disposition(name: str, fmt: str) -> str:
    """``attachment`` with the readable (UTF-8, RFC 5987) name and an ASCII fallback for old clients."""
    from urllib.parse import quote

    fallback = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "export"
    return f"attachment; filename=\"{fallback}.{fmt}\"; filename*=UTF-8''{quote(name)}.{fmt}"


# OWASP CSV injection: a cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralise(value: str) -> str:
    """OWASP: prefix a single quote so the text is shown, never evaluated."""
    return "'" + value if is_formula_like(value) else value


def text_of(value: Cell) -> str:
    """A cell as text for CSV and PDF: dates in Thai with the พ.ศ. year."""
    from registry.timeutil import thai_date, thai_datetime

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return thai_datetime(value)
    if isinstance(value, dt.date):
        return thai_date(value, short=True)
    return str(value)


def to_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    writer.writerows([neutralise(text_of(v)) for v in row] for row in table.rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# Excel's date format with the Thai Buddhist calendar (calendar 07, locale 041E): 27 ก.พ. 2569.
BE_DATE_FORMAT = "[$-107041E]d mmm yyyy"
BE_DATETIME_FORMAT = "[$-107041E]d mmm yyyy hh:mm"


def _display_width(value: Cell) -> float:
    """About how many Latin characters wide a cell's longest line is (Thai marks take no width)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return 13
    text = text_of(value)
    longest = max((len(_THAI_MARKS.sub("", line)) for line in text.split("\n")), default=0)
    return longest


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
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
    fill = PatternFill("solid", fgColor="E8EEF7")
    for cell in ws[header_row]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    widths = [float(len(h)) for h in table.headers]
    row_no = header_row
    for row in table.rows:
        ws.append([v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in row])
        row_no += 1
        # ws.cell by position: ws[ws.max_row] recomputes max_row over every cell (quadratic)
        for i, value in enumerate(row):
            cell = ws.cell(row=row_no, column=i + 1)
            cell.font = plain
            cell.alignment = top
            if isinstance(value, dt.datetime):
                cell.number_format = BE_DATETIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = BE_DATE_FORMAT
            elif is_formula_like(value):
                # text, never a formula: stored as a string and marked with Excel's own quote prefix
                cell.value = value
                cell.data_type = "s"
                cell.quotePrefix = True
            if i < len(widths):
                widths[i] = max(widths[i], _display_width(value))
    last_row = row_no
    for line in table.footer:
        ws.append([neutralise(line)])
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8.0, min(50.0, w * 1.1 + 2))
    last_col = get_column_letter(len(table.headers))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(last_row, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"  # the header row on every printed page
    ws.page_setup.orientation = "landscape" if table.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = "หน้า &P / &N"
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
_THAI_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # above/below marks: no width of their own


def thai_words(text: str) -> list[str]:
    """Pieces between which a line may break: Thai words (PyThaiNLP newmm) and spaces."""
    if not _THAI.search(text):
        return re.split(r"(\s+)", text)
    return list(_tokens(text))


@functools.lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[str, ...]:
    # newmm (nlpO3, the Rust implementation nlp.tokens shares with search) over PyThaiNLP's word
    # list and the organisation's names; a register repeats its senders, addressees and actions,
    # so each is cut once per process
    from nlp.tokens import segment

    return tuple(segment(text))


def _clusters(word: str) -> list[str]:
    """Where a word too wide for its line may still be broken: between the dictionary words it is
    made of (``สำนักงานปลัดกระทรวง`` → สำนักงาน|ปลัด|กระทรวง), else between Thai character clusters
    (TCC), so a vowel or tone mark never leaves its consonant."""
    if not _THAI.search(word):
        return list(word)
    return list(_pieces(word))


@functools.lru_cache(maxsize=5_000)
def _pieces(word: str) -> tuple[str, ...]:
    from pythainlp.corpus import thai_words as dictionary

    clusters = _tcc(word)
    words = _dictionary(dictionary)
    # fewest dictionary words covering the word, cut only between clusters (the word itself excluded)
    n = len(clusters)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (pieces, previous cut)
    best[0] = (0, -1)
    for end in range(1, n + 1):
        for start in range(end):
            if best[start] is None or (start == 0 and end == n):
                continue
            if "".join(clusters[start:end]) in words:
                cand = (best[start][0] + 1, start)
                if best[end] is None or cand[0] < best[end][0]:
                    best[end] = cand
    if best[n] is None:
        return tuple(clusters)
    cuts, end = [], n
    while end > 0:
        start = best[end][1]
        cuts.append("".join(clusters[start:end]))
        end = start
    return tuple(reversed(cuts))


def _tcc(word: str) -> list[str]:
    if not _THAI.search(word):
        return list(word)
    from pythainlp.tokenize import subword_tokenize

    return subword_tokenize(word, engine="tcc")


@functools.cache
def _dictionary(load) -> frozenset[str]:
    return frozenset(load())


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    return list(_wrap(text, round(width, 1), font, size))


@functools.lru_cache(maxsize=200_000)
def _width(piece: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(piece, font, size)


@functools.lru_cache(maxsize=50_000)
def _wrap(text: str, width: float, font: str, size: float) -> tuple[str, ...]:
    """Greedy line breaking at word boundaries; a word wider than the line is broken between
    Thai character clusters, so a vowel or tone mark never leaves its consonant.

    A TrueType string's width is the sum of its glyphs' widths, so a line's width is kept as a
    running sum of its (cached) pieces instead of measuring the growing line again and again."""
    lines: list[str] = []
    for para in (text or "").split("\n"):
        if _width(para, font, size) <= width:  # fits: no need to find the words at all
            lines.append(para.rstrip())
            continue
        line, used = "", 0.0
        for word in thai_words(para):
            w = _width(word, font, size)
            pieces = [word] if w <= width else [
                c for part in _clusters(word)
                for c in ([part] if _width(part, font, size) <= width else _tcc(part))]
            for piece in pieces:
                pw = w if piece is word else _width(piece, font, size)
                if used + pw <= width or not line.strip():
                    line += piece
                    used += pw
                else:
                    lines.append(line.rstrip())
                    line = piece.lstrip()
                    used = _width(line, font, size)
        lines.append(line.rstrip())
    return tuple(lines)


def to_pdf(table: Table, sections: tuple[Table, ...] = ()) -> bytes:
    """The table as a PDF; *sections* (an evidence pack) follow it, each under its own heading,
    laid out with the first table's page orientation."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = _register_fonts()
    shaping = 1 if _shaping_available() else 0
    page = landscape(A4) if table.landscape else A4
    margin = 12 * mm
    size = 10.5
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.45, shaping=shaping)
    title = ParagraphStyle("title", parent=body, fontName="Sarabun-Bold", fontSize=16, leading=24, alignment=1)
    sub = ParagraphStyle("sub", parent=body, fontSize=12, leading=18, alignment=1)
    usable = page[0] - 2 * margin

    # A row taller than a page cannot be laid out: a cell keeps at most what fits on a page, and
    # says where the rest is.
    max_lines = int((page[1] - 2 * margin - 40 * mm) / body.leading)

    def lines_of(value, font_name: str, w: float) -> list[str]:
        # 4 points of slack: HarfBuzz-shaped Thai can be a little wider than its measured width
        lines = wrap(text_of(value), w - 2 * _PAD - 4, font_name, size)
        if len(lines) > max_lines:
            rest = len(lines) - max_lines + 1
            lines = lines[:max_lines - 1] + [f"… (อีก {rest:,} บรรทัด ดูฉบับ XLSX หรือ CSV)"]
        return lines

    section_title = ParagraphStyle("section", parent=body, fontName="Sarabun-Bold", fontSize=13, leading=20)

    def grid_of(t: Table):
        rel = t.widths or tuple(1 for _ in t.headers)
        widths = [usable * w / sum(rel) for w in rel]
        header = [lines_of(h, "Sarabun-Bold", widths[i]) for i, h in enumerate(t.headers)]
        rows = [[lines_of(v, font, widths[i]) for i, v in enumerate(row)] for row in t.rows]
        return _Grid(widths, header, rows, font=font, bold="Sarabun-Bold", size=size, leading=body.leading,
                     shaping=bool(shaping))

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph("<br/>".join(escape(line) for line in wrap(text, usable - 10, style.fontName, style.fontSize)),
                         style)

    story = [Paragraph(escape(table.title), title)]
    if table.subtitle:
        story.append(Paragraph(escape(table.subtitle), sub))
    story += [Spacer(1, 4 * mm), grid_of(table)]
    for line in table.footer:
        story.append(para(line, body))
    for t in sections:
        story += [Spacer(1, 6 * mm), para(t.title, section_title)]
        if t.subtitle:
            story.append(para(t.subtitle, body))
        if t.headers:
            story += [Spacer(1, 2 * mm), grid_of(t)]
        for line in t.footer:
            story.append(para(line, body))

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


_PAD = 3.0  # points of padding inside each cell


@functools.cache
def _grid_class():
    """The table flowable, built on first use (ReportLab is imported lazily)."""
    from reportlab.lib import colors
    from reportlab.platypus import Flowable

    grey, fill = colors.grey, colors.HexColor("#e8eef7")

    class Grid(Flowable):
        """A table whose cells are lines already broken at Thai word boundaries (``wrap``): each
        row's height is known from its line count, so pages are cut by adding heights, and every
        line is drawn once with HarfBuzz shaping. (ReportLab's LongTable of Paragraphs measured,
        re-broke and shaped every cell several times: 92 s for a 10,000-row register.) The header
        row repeats on every page; a row never splits (a cell is capped to a page beforehand)."""

        def __init__(self, widths, header, rows, *, font, bold, size, leading, shaping, heights=None):
            super().__init__()
            self.widths, self.header, self.rows = widths, header, rows
            self.font, self.bold, self.size, self.leading, self.shaping = font, bold, size, leading, shaping
            self.header_h = self._height(header)
            self.heights = heights if heights is not None else [self._height(r) for r in rows]

        def _height(self, cells) -> float:
            return max((len(c) for c in cells), default=1) * self.leading + 2 * _PAD

        def wrap(self, avail_width, avail_height):
            self.width = sum(self.widths)
            self.height = self.header_h + sum(self.heights)
            return self.width, self.height

        def split(self, avail_width, avail_height):
            used, k = self.header_h, 0
            while k < len(self.rows) and used + self.heights[k] <= avail_height:
                used += self.heights[k]
                k += 1
            if k == 0 or k == len(self.rows):
                return [] if k == 0 else [self]
            kw = dict(font=self.font, bold=self.bold, size=self.size, leading=self.leading, shaping=self.shaping)
            return [Grid(self.widths, self.header, self.rows[:k], heights=self.heights[:k], **kw),
                    Grid(self.widths, self.header, self.rows[k:], heights=self.heights[k:], **kw)]

        def draw(self):
            c = self.canv
            total = self.header_h + sum(self.heights)
            c.saveState()
            c.setFillColor(fill)
            c.rect(0, total - self.header_h, self.width, self.header_h, stroke=0, fill=1)
            c.setFillColor(colors.black)
            c.setStrokeColor(grey)
            c.setLineWidth(0.4)
            top = total
            xs = [0.0]
            for w in self.widths:
                xs.append(xs[-1] + w)
            # the first baseline sits one font size below the cell's top padding, as a Paragraph's does
            first = _PAD + self.size
            self._row(c, self.header, top - first, xs, self.bold, centred=True)
            top -= self.header_h
            c.line(0, top, self.width, top)
            for cells, h in zip(self.rows, self.heights):
                self._row(c, cells, top - first, xs, self.font, centred=False)
                top -= h
                c.line(0, top, self.width, top)
            c.line(0, total, self.width, total)
            for x in xs:
                c.line(x, 0, x, total)
            c.restoreState()

        def _row(self, c, cells, baseline, xs, font, *, centred):
            c.setFont(font, self.size)
            for i, lines in enumerate(cells):
                y = baseline
                for line in lines:
                    if line:
                        # only Thai marks above or below need HarfBuzz; other lines are drawn as they are
                        shape = self.shaping and _THAI_MARKS.search(line) is not None
                        if centred:
                            c.drawCentredString((xs[i] + xs[i + 1]) / 2, y, line, shaping=shape)
                        else:
                            c.drawString(xs[i] + _PAD, y, line, shaping=shape)
                    y -= self.leading

    return Grid


def _Grid(*args, **kwargs):
    return _grid_class()(*args, **kwargs)

"""The receipt stamp (ตรารับ) drawn on a COPY of a letter: unit name, เลขรับ, date and time in พ.ศ.,
in a box in the top right corner of page 1, as the clerk's rubber stamp would be.

The original bytes are never touched here: a signed PDF must keep a valid signature, so the stamp
goes on a copy (pypdf merges a one-page reportlab overlay onto page 1 of a clone; images get the
box drawn by Pillow on a copy). The caller formats the Thai date and time (registry.timeutil):
this room knows nothing of the register.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

# A rubber stamp's blue, and its size relative to an A4 page (about 62 × 26 mm).
INK = (0.09, 0.22, 0.62)
INK_RGB = tuple(round(c * 255) for c in INK)
STAMP_MM = (62.0, 27.0)
MARGIN_MM = 8.0
QR_MM = 23.0  # the QR code to /verify/<code>, inside the stamp's box at its left (STAMP_MM is the text part)
QR_GAP_MM = 1.0
PDF_TYPES = ("application/pdf",)
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


class StampError(Exception):
    """The file cannot be stamped (damaged, encrypted, a type we do not draw on); Thai message."""


@dataclass(frozen=True)
class ReceiptStamp:
    unit: str  # the receiving unit's name (shortened to fit)
    number: str  # เลขรับ as shown, e.g. "15/2569"
    date: str  # e.g. "6 ธ.ค. 2569"
    time: str  # e.g. "14:05 น."
    code: str | None = None  # the receipt's verification code (registry.verification)
    verify_url: str | None = None  # <public url>/verify/<code>: drawn as a QR code at the stamp's left

    def width_mm(self) -> float:
        return STAMP_MM[0] + (QR_MM + QR_GAP_MM if self.verify_url else 0.0)

    def lines(self) -> tuple[str, str, str, str]:
        return (self.unit, f"เลขรับที่ {self.number}", f"วันที่ {self.date}", f"เวลา {self.time}")


def can_stamp(content_type: str) -> bool:
    return content_type in PDF_TYPES or content_type in IMAGE_TYPES


def stamp_file(data: bytes, content_type: str, stamp: ReceiptStamp) -> bytes:
    """A stamped copy of *data* (PDF or image), same type; *data* itself is left as it was."""
    if content_type in PDF_TYPES:
        return stamp_pdf(data, stamp)
    if content_type in IMAGE_TYPES:
        return stamp_image(data, stamp, content_type)
    raise StampError("ไฟล์ชนิดนี้ประทับตรารับไม่ได้")


# --- fonts ------------------------------------------------------------------------------------------

def _font_dir() -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.__file__).resolve().parent / "files"


@functools.cache
def _pdf_fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    d = _font_dir()
    pdfmetrics.registerFont(TTFont("SarabunStamp", str(d / "Sarabun-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("SarabunStamp-Bold", str(d / "Sarabun-Bold.ttf")))
    return "SarabunStamp", "SarabunStamp-Bold"


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Cut a long unit name to the stamp's width (with an ellipsis) rather than overflow the box."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- PDF -------------------------------------------------------------------------------------------

def stamp_pdf(data: bytes, stamp: ReceiptStamp) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise StampError("ไฟล์ PDF มีรหัสผ่าน จึงประทับตรารับบนสำเนาไม่ได้ (เก็บต้นฉบับไว้แล้ว)")
        if not reader.pages:
            raise StampError("ไฟล์ PDF ไม่มีหน้า")
        writer = PdfWriter(clone_from=reader)
    except StampError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise StampError("อ่านไฟล์ PDF ไม่ได้ จึงประทับตรารับบนสำเนาไม่ได้ (เก็บต้นฉบับไว้แล้ว)") from exc
    page = writer.pages[0]
    box = page.cropbox
    rotation = (page.rotation or 0) % 360
    overlay = _overlay(float(box.width), float(box.height), rotation, stamp)
    stamp_page = PdfReader(io.BytesIO(overlay)).pages[0]
    # the overlay is drawn in the crop box's own coordinates: shift it to the box's origin
    from pypdf import Transformation

    page.merge_transformed_page(stamp_page, Transformation().translate(float(box.left), float(box.bottom)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _overlay(width: float, height: float, rotation: int, stamp: ReceiptStamp) -> bytes:
    """One transparent page of *width* × *height* points with the stamp in the corner that is the
    top right one as the page is displayed (a /Rotate'd page shows another corner on top)."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    regular, bold = _pdf_fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(width, height))
    shown_w, shown_h = (height, width) if rotation in (90, 270) else (width, height)
    scale = min(1.0, shown_w / (210 * mm))  # small pages (A5) get a smaller stamp
    w, h, margin = stamp.width_mm() * mm * scale, STAMP_MM[1] * mm * scale, MARGIN_MM * mm * scale
    # map the displayed page's coordinates onto the unrotated page
    # (/Rotate turns the page clockwise as shown: shown (X, Y) is (width - Y, X) on the page at 90)
    if rotation == 90:
        c.translate(width, 0)
        c.rotate(90)
    elif rotation == 180:
        c.translate(width, height)
        c.rotate(180)
    elif rotation == 270:
        c.translate(0, height)
        c.rotate(-90)
    x, y = shown_w - margin - w, shown_h - margin - h
    c.setStrokeColorRGB(*INK)
    c.setLineWidth(1.4 * scale)
    # a light white ground keeps the stamp legible over the letterhead, which still shows through
    c.setFillColorRGB(1, 1, 1)
    c.setFillAlpha(0.85)
    c.roundRect(x, y, w, h, 2 * mm * scale, stroke=1, fill=1)
    c.setFillAlpha(1)
    c.setFillColorRGB(*INK)
    c.setLineWidth(0.5 * scale)
    c.roundRect(x + 1.2 * mm * scale, y + 1.2 * mm * scale, w - 2.4 * mm * scale, h - 2.4 * mm * scale,
                1.5 * mm * scale, stroke=1, fill=0)
    size = 9.5 * scale
    text_x, text_w = x, w
    if stamp.verify_url:
        q = QR_MM * mm * scale
        _draw_qr_pdf(c, stamp.verify_url, x + (h - q) / 2 + 0.4 * mm * scale, y + (h - q) / 2, q)
        text_x, text_w = x + (QR_MM + QR_GAP_MM) * mm * scale, w - (QR_MM + QR_GAP_MM) * mm * scale
        c.setFillColorRGB(*INK)
    inner = text_w - 5 * mm * scale
    step = (h - 3 * mm * scale) / 4
    for i, line in enumerate(stamp.lines()):
        font = bold if i in (0, 1) else regular
        text = _fit(line, font, size, inner)
        baseline = y + h - 1.5 * mm * scale - step * (i + 1) + step * 0.3
        _draw_shaped(c, text_x + text_w / 2, baseline, text, font, size)
    c.showPage()
    c.save()
    return out.getvalue()


def _draw_qr_pdf(c, text: str, x: float, y: float, size: float) -> None:
    """The QR code's dark modules as black squares in a *size* square (lower left x, y), on white
    with a one-module margin (the stamp's box around it completes the quiet zone)."""
    from scan.qr import modules

    rows = modules(text)
    n = len(rows)
    cell = size / (n + 2)
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(rows):
        top = y + size - cell * (r + 2)
        for col, dark in enumerate(row):
            if dark:  # a hair larger than the cell, so neighbouring squares leave no seam
                c.rect(x + cell * (col + 1), top, cell * 1.02, cell * 1.02, stroke=0, fill=1)


def _draw_shaped(c, cx: float, baseline: float, text: str, font: str, size: float) -> None:
    """Centred Thai text, shaped by HarfBuzz (through a reportlab Paragraph) so marks sit right."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    try:
        import uharfbuzz  # noqa: F401

        shaping = 1
    except ImportError:  # unshaped marks still read
        shaping = 0
    style = ParagraphStyle("stamp", fontName=font, fontSize=size, leading=size * 1.2, alignment=1,
                           textColor=INK, shaping=shaping)
    para = Paragraph(escape(text), style)
    width = 400.0
    _, h = para.wrap(width, size * 3)
    para.drawOn(c, cx - width / 2, baseline - size * 0.25)


# --- images ----------------------------------------------------------------------------------------

def stamp_image(data: bytes, stamp: ReceiptStamp, content_type: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)  # a phone photo is stamped as it is seen
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise StampError("อ่านรูปภาพไม่ได้ จึงประทับตรารับบนสำเนาไม่ได้ (เก็บต้นฉบับไว้แล้ว)") from exc
    image = image.convert("RGB")
    width, height = image.size
    # the stamp takes the same share of the page as on A4 paper
    px_per_mm = width / 210.0
    w, h = round(stamp.width_mm() * px_per_mm), round(STAMP_MM[1] * px_per_mm)
    margin = round(MARGIN_MM * px_per_mm)
    x0, y0 = max(0, width - margin - w), margin
    draw = ImageDraw.Draw(image)
    line = max(1, round(0.5 * px_per_mm))
    draw.rounded_rectangle((x0, y0, x0 + w, y0 + h), radius=round(2 * px_per_mm), outline=INK_RGB, width=line,
                           fill=(255, 255, 255))
    inset = round(1.2 * px_per_mm)
    draw.rounded_rectangle((x0 + inset, y0 + inset, x0 + w - inset, y0 + h - inset), radius=round(1.5 * px_per_mm),
                           outline=INK_RGB, width=max(1, line // 2))
    size = max(8, round(3.4 * px_per_mm))
    d = _font_dir()
    fonts = (ImageFont.truetype(str(d / "Sarabun-Bold.ttf"), size), ImageFont.truetype(str(d / "Sarabun-Regular.ttf"), size))
    step = (h - 2 * inset) / 4
    text_x, text_w = x0, w
    if stamp.verify_url:
        q = round(QR_MM * px_per_mm)
        _draw_qr_image(draw, stamp.verify_url, x0 + (h - q) // 2 + inset // 3, y0 + (h - q) // 2, q)
        text_x, text_w = x0 + round((QR_MM + QR_GAP_MM) * px_per_mm), w - round((QR_MM + QR_GAP_MM) * px_per_mm)
    for i, text in enumerate(stamp.lines()):
        font = fonts[0] if i in (0, 1) else fonts[1]
        while text and draw.textlength(text, font=font) > text_w - 4 * inset:
            text = text[:-2] + "…"
        draw.text((text_x + text_w / 2, y0 + inset + step * (i + 0.5)), text, font=font, fill=INK_RGB, anchor="mm")
    out = io.BytesIO()
    fmt = IMAGE_TYPES[content_type]
    if fmt == "GIF":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE)
    image.save(out, format=fmt, **({"quality": 92} if fmt == "JPEG" else {}))
    return out.getvalue()


def _draw_qr_image(draw, text: str, x: int, y: int, size: int) -> None:
    from scan.qr import modules

    rows = modules(text)
    n = len(rows)
    cell = size / (n + 2)
    draw.rectangle((x, y, x + size, y + size), fill=(255, 255, 255))
    for r, row in enumerate(rows):
        for col, dark in enumerate(row):
            if dark:
                left, top = x + cell * (col + 1), y + cell * (r + 1)
                draw.rectangle((round(left), round(top), round(left + cell) - 1, round(top + cell) - 1), fill=(0, 0, 0))


def draw_receipt(data: bytes, content_type: str, facts: dict) -> bytes:
    """The *draw* that registry.attachments.make_stamped_copy takes: facts are ReceiptStamp's fields."""
    return stamp_file(data, content_type, ReceiptStamp(**facts))

"""PDF pages through PDFium (pypdfium2): the text layer as words with boxes, or the page as an image
when it has no text layer (a scanner's PDF)."""

from __future__ import annotations

import unicodedata

from scan.boxes import Word

# Points to pixels at 200 dpi: the scale OCR'd pages are read at, so both paths share thresholds.
SCALE = 200 / 72
# A page with fewer characters than this in its header has no useful text layer (a scan with a
# stray OCR'd page number, or a blank layer some scanners add).
MIN_TEXT_CHARS = 20


class PdfError(ValueError):
    """The bytes are not a PDF PDFium can open (damaged, encrypted)."""


def open_pdf(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfError(str(exc)) from exc


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn"


def text_words(page) -> list[Word]:
    """The words of the page's text layer, boxes in 200-dpi pixels from the top left.

    Built from characters rather than PDFium's rectangles: Thai marks above and below make the
    rectangles of neighbouring lines overlap, and text read "bounded" by them takes pieces of the
    line above. A word ends at a space, a line break or a jump in position.
    """
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        if n <= 0:
            return []
        text = tp.get_text_range(0, n)
        height = page.get_size()[1]
        words: list[Word] = []
        cur: list[str] = []
        box: list[float] | None = None

        def flush() -> None:
            nonlocal cur, box
            if cur and box is not None:
                # the loose box spans the font's ascent and descent, the same for every character
                # of a line: its bottom is the line's key
                words.append(Word("".join(cur), box[0] * SCALE, (height - box[3]) * SCALE,
                                  box[2] * SCALE, (height - box[1]) * SCALE, 100.0, (round(box[1]),)))  # fmt: skip
            cur, box = [], None

        for i in range(min(n, len(text))):
            ch = text[i]
            if ch.isspace() or ch in "\r\n\x00\ufffe":
                flush()
                continue
            left, bottom, right, top = tp.get_charbox(i, loose=True)
            if box is not None and not _is_mark(ch):
                size = box[3] - box[1]
                if abs(bottom - box[1]) > 0.2 * size or left < box[0] or left - box[2] > 0.3 * size:
                    flush()  # another line, or a column drawn without a space between
            cur.append(ch)
            if box is None:
                box = [left, bottom, right, top]
            elif not _is_mark(ch):  # a mark's box would stretch the word; ำ may overhang to the left
                box = [box[0], box[1], max(box[2], right), box[3]]
        flush()
        return words
    finally:
        tp.close()


def render(page, dpi: int = 200):
    """The page as a PIL image (grayscale) at *dpi*."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    return bitmap.to_pil()

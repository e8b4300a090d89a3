"""``read(data, filename) -> ScanResult``: one file (image or PDF) to text, layout and letter fields.

The PDF's text layer is used when page 1 has one (exact, instant); otherwise page 1 is cleaned up
and read by Tesseract. Either way the words go through the same layout reader
(:mod:`scan.layout`), whose labelled header goes to ``nlp.parse`` as ``saraban parse`` would read a
pasted header. Fields the officer must confirm are listed in ``doubtful``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from nlp.parse import parse_message
from nlp.refno import find_strict
from nlp.result import ParseResult
from scan import filetype, layout
from scan.boxes import Segment, segments

# Fields a registration needs; one missing is asked for on the card, so it is "doubtful" too.
CORE_FIELDS = ("ref_no", "letter_date", "sender", "subject")
_THAI_DIGIT = re.compile(r"[๐-๙]")
# Tesseract word confidences (0-100) below which an OCR'd field is shown as doubtful. Numbers must
# be right to the character, so for ref_no and date the words holding digits are judged; the
# thresholds come from ``saraban bench scan`` pages (right reference numbers: 87-93, wrong: ≤ 76;
# right dates ≥ 81 bar one, wrong ≤ 63). A subject with one odd letter is still the right letter.
MIN_CONF_REF_DIGITS = 86.0
MIN_CONF_DATE_DIGITS = 80.0
MIN_CONF_TEXT = 55.0
_DIGIT = re.compile(r"[0-9๐-๙]")
# The letter codes that open a Thai government reference number: ministries and agencies of the
# standard (หนังสือกรมสารบรรณ / the 2526 code list) and the 77 provinces. OCR swaps look-alike
# letters (ช/ซ, ม/น, บ/ป) with full confidence: a prefix outside this list is shown as doubtful.
KNOWN_PREFIXES = frozenset("""
นร กห กค กต กก พม กษ คค ทส ดศ พน พณ มท ยธ รง วธ อว ศธ สธ อก ตช สว สม รล ปง สป วช ศป ปปช ปปง สตง อส พศ
กบ กท กจ กส กพ ขก จบ ฉช ชบ ชน ชย ชพ ชร ชม ตง ตร ตก นย นฐ นพ นม นศ นว นบ นธ นน บก บร ปท ปข ปจ ปน อย
พย พง พท พจ พล พบ พช พร ภก มค มห มส ยส ยล รอ รน รย รบ ลบ ลป ลพ ลย ศก สน สข สต สป สส สค สก สบ สห สท
สพ สฎ สร นค หน อท อด อต อน อบ อจ
""".split())
# Mean confidence below which a photo is poor (Telegram's 1280 px compression): suggest a file.
LOW_QUALITY = 0.70


class ScanError(ValueError):
    """A file that cannot be read at all; ``str(exc)`` is a Thai message for the person who sent it."""


@dataclass(frozen=True)
class ScanResult:
    source: str  # "pdf-text" | "ocr"
    text: str  # the page text in reading order (OCR: the header region that was read)
    blocks: tuple[Segment, ...]  # line segments with boxes (200-dpi pixels) and confidences
    confidence: float  # 0-1: mean OCR word confidence; 1.0 for a text layer
    letter: ParseResult  # the fields, as nlp.parse reads the labelled header
    doubtful: tuple[str, ...]  # field names the officer must confirm
    header_text: str  # the labelled header given to nlp.parse (the spans refer to it)
    mime: str
    pages: int = 1

    @property
    def low_quality(self) -> bool:
        """OCR was unsure of much of the page: a compressed or dark photo. Ask for a better one
        (in Telegram: send it "as a file", which is not compressed)."""
        return self.source == "ocr" and self.confidence < LOW_QUALITY

    def fields(self) -> dict:
        """Letter field values by name (None when not found)."""
        return {name: self.letter.value(name) for name in CORE_FIELDS + ("addressee", "priority", "secrecy", "enclosures")}

    def to_json(self, file: str | None = None) -> dict:
        """The ``saraban scan`` object: the ``saraban parse`` fields plus file, text, source, doubtful."""
        out = {"file": file} if file is not None else {}
        out.update(self.letter.to_json())
        out.update({
            "text": self.text, "source": self.source, "doubtful": list(self.doubtful),
            "ocr_confidence": round(self.confidence, 2), "low_quality": self.low_quality,
            "header_text": self.header_text, "mime": self.mime, "pages": self.pages,
            "blocks": [b.to_json() for b in self.blocks],
        })  # fmt: skip
        return out


def read(data: bytes, filename: str | None = None, *, declared: str | None = None, today: dt.date | None = None) -> ScanResult:
    """Read one file. Raises :class:`ScanError` (Thai message) when it is not a readable page.

    *declared* is the MIME type the sender gave, if any: bytes that are not what they claim to be
    are refused (see :func:`scan.filetype.check`). *filename* is only for messages.
    """
    verdict = filetype.check(data, declared)
    if not verdict.ok:
        raise ScanError(verdict.error)
    mime = verdict.mime
    assert mime is not None
    if mime == filetype.PDF:
        return _read_pdf(data, today)
    from scan import image

    try:
        gray = image.decode(data)
    except image.ImageError as exc:
        raise ScanError("เปิดรูปภาพนี้ไม่ได้ ไฟล์อาจเสียหายค่ะ") from exc
    return _read_image(gray, mime, today, pages=1)


def _read_pdf(data: bytes, today) -> ScanResult:
    from scan import pdf

    try:
        doc = pdf.open_pdf(data)
    except pdf.PdfError as exc:
        raise ScanError("เปิด PDF นี้ไม่ได้ ไฟล์อาจเสียหายหรือมีรหัสผ่านค่ะ") from exc
    try:
        pages = len(doc)
        if pages == 0:
            raise ScanError("PDF นี้ไม่มีหน้าให้อ่านค่ะ")
        page = doc[0]
        width = page.get_size()[0] * pdf.SCALE
        words = pdf.text_words(page)
        if sum(len(w.text) for w in words) >= pdf.MIN_TEXT_CHARS:
            segs = segments(words, width)
            return _result("pdf-text", segs, width, 1.0, filetype.PDF, today, pages)
        import numpy as np

        gray = np.asarray(pdf.render(page, 200).convert("L"))
    finally:
        doc.close()
    return _read_image(gray, filetype.PDF, today, pages=pages)


def _read_image(gray, mime: str, today, *, pages: int) -> ScanResult:
    from scan import image, ocr

    if min(gray.shape) < 200:
        raise ScanError("รูปเล็กเกินไป อ่านตัวอักษรไม่ได้ค่ะ กรุณาถ่ายให้เห็นหัวหนังสือชัด ๆ")
    prepared = image.prepare(gray)
    try:
        words = ocr.words(image.png(prepared.image))
    except ocr.OcrUnavailable as exc:
        raise ScanError("เครื่องนี้ยังไม่ได้ติดตั้งโปรแกรมอ่านภาษาไทย (tesseract-ocr-tha) ค่ะ") from exc
    width = float(prepared.image.shape[1])
    segs = segments(words, width)
    real = [w.conf for w in words if len(w.text) > 1 and w.conf >= 0]
    confidence = sum(real) / len(real) / 100 if real else 0.0
    return _result("ocr", segs, width, confidence, mime, today, pages)


def _result(source: str, segs: list[Segment], width: float, confidence: float, mime: str, today, pages: int) -> ScanResult:
    header = layout.read(segs, width)
    if source == "ocr":
        from scan.correct import correct
        from scan.spelling import restore_marks

        for name in ("sender", "subject", "addressee"):
            value = getattr(header, name)
            if value:
                setattr(header, name, restore_marks(value))
        if header.subject:  # whole letters misread in the subject: the word-level correction
            header.subject = correct(header.subject)
    text = layout.page_text(segs)
    if header.found_layout:
        header_text = header.as_text()
    else:  # not the official layout (a memo, a form): the parser reads the page as a pasted text
        header_text = text
    letter = parse_message(header_text, today=today)
    if letter.intent not in ("register_incoming", "register_outgoing"):
        # the fields of a letter, even when the parser would not call the text a registration
        letter = parse_message("ลงรับ\n" + header_text, today=today)
        letter = ParseResult(**{**{f: getattr(letter, f) for f in letter.__dataclass_fields__}, "intent": "register_incoming"})
    doubtful = doubtful_fields(source, header, letter, segs, today)
    return ScanResult(source, text, tuple(segs), confidence, letter, doubtful, header_text, mime, pages)


def doubtful_fields(source: str, header: layout.Header, letter: ParseResult, segs: list[Segment], today) -> tuple[str, ...]:
    """Fields to confirm: those missing, those the parser reported an error on, and from OCR those
    read with low confidence or printed in Thai digits (Debian's Thai model cannot read ๔ ๖ ๗ ๘ ๙,
    so a Thai-digit number or date from OCR is never trusted)."""
    out: list[str] = [f for f in CORE_FIELDS if letter.value(f) is None]
    out += [e.field for e in letter.errors if e.field in CORE_FIELDS]
    if source == "ocr":
        # a Thai digit anywhere in the numbers' lines, or in the agency's address (its postcode),
        # means the page is printed in Thai digits: its numbers cannot be trusted from this model
        numeric = [s for k in ("ref_no", "date", "sender") for s in header.segments.get(k, [])]
        thai_digits = any(_THAI_DIGIT.search(s.text) for s in numeric) or any(
            _THAI_DIGIT.search(str(letter.value(f) or "")) for f in ("ref_no", "letter_date")
        )
        for f, key, min_conf in (("ref_no", "ref_no", MIN_CONF_REF_DIGITS), ("letter_date", "date", MIN_CONF_DATE_DIGITS)):
            used = header.segments.get(key, [])
            digit_confs = [w.conf for s in used for w in s.words if _DIGIT.search(w.text)]
            if thai_digits or (digit_confs and min(digit_confs) < min_conf):
                out.append(f)
        for f in ("sender", "subject"):
            used = header.segments.get(f, [])
            if used and min(s.conf for s in used) < MIN_CONF_TEXT:
                out.append(f)
        # a number in Thai digits in the subject (พ.ศ. ๒๕๖๘, ครั้งที่ ๒/๒๕๖๗): the model cannot read
        # ๔ ๖ ๗ ๘ ๙, so the subject is shown for the officer to confirm, never silently wrong
        if _THAI_DIGIT.search(str(letter.value("subject") or "")) or any(
            _THAI_DIGIT.search(s.text) for s in header.segments.get("subject", [])
        ):
            out.append("subject")
        ref = letter.value("ref_no")
        if ref is not None:
            m = find_strict(str(ref))
            prefix = re.sub(r"[^ก-ฮ]", "", m.group("prefix")) if m else ""
            if m is None or prefix not in KNOWN_PREFIXES:
                out.append("ref_no")  # not the shape of a reference number, or a letter misread
    date = letter.value("letter_date")
    if date is not None:
        now = today or dt.date.today()
        d = dt.date.fromisoformat(str(date))
        if not (now - dt.timedelta(days=3660) <= d <= now + dt.timedelta(days=60)):
            out.append("letter_date")  # an implausible year: a digit misread
    return tuple(dict.fromkeys(f for f in out if f in CORE_FIELDS or f))


def read_path(path: str, *, today: dt.date | None = None) -> dict:
    """The ``saraban scan`` object for one file path: the fields, or ``file`` and a Thai ``error``."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return {"file": path, "error": f"เปิดไฟล์ไม่ได้ค่ะ ({exc.strerror or type(exc).__name__})"}
    try:
        return read(data, path, today=today).to_json(file=path)
    except ScanError as exc:
        return {"file": path, "error": str(exc)}
    except Exception as exc:  # a reader bug must cost one file, never the batch
        return {"file": path, "error": f"อ่านไฟล์นี้ไม่สำเร็จค่ะ ({type(exc).__name__})"}

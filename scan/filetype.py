"""What a file is, decided from its bytes (magic numbers), never from its name or declared type.

Every edge that takes a file (chat attachments, the web register form, the mailbox, ``saraban scan``)
asks :func:`check` before storing or reading it: an HTML page declared as ``image/jpeg`` is refused,
whatever the sender says it is. Hand-written rather than python-magic/libmagic: we need six
signatures, not a system library and its database.
"""

from __future__ import annotations

from dataclasses import dataclass

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
TIFF = "image/tiff"
GIF = "image/gif"
BMP = "image/bmp"
HEIC = "image/heic"

# Types a page can be read from (``scan.read``); the others are images we recognise but do not read.
READABLE = frozenset({PDF, PNG, JPEG, WEBP, TIFF, BMP})
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp", TIFF: "tif", GIF: "gif", BMP: "bmp", HEIC: "heic"}


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes are, or None when they are none of the document types we know."""
    head = bytes(data[:64])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    # PDF readers accept junk (e.g. a mail header) before "%PDF-" within the first kilobyte.
    if b"%PDF-" in bytes(data[:1024]):
        return PDF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:2] == b"BM" and len(data) > 26:
        return BMP
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
        return HEIC
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of :func:`check`: ``mime`` is what the bytes are (None if unknown); ``error`` is a
    Thai message for the person who sent the file when it must be refused, else None."""

    mime: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def _family(mime: str) -> str:
    return "pdf" if mime == PDF else mime.split("/", 1)[0]


def check(data: bytes, declared: str | None = None, *, readable_only: bool = True) -> Verdict:
    """Refuse bytes that are not a page we can read, or that are not what they were declared to be.

    *declared* is the sender's MIME type (a Content-Type header, a chat SDK's ``mime_type``) or None.
    An image declared as another image type (PNG sent as ``image/jpeg``) is accepted: phones and
    chat apps get that wrong and the bytes decide. An image declared as a PDF, a PDF declared as an
    image, and anything unrecognised (HTML, scripts, archives) are refused.
    """
    if not data:
        return Verdict(None, "ไฟล์ว่าง ไม่มีข้อมูลให้อ่านค่ะ")
    mime = sniff(data)
    if mime is None:
        if declared and declared.split(";")[0].strip().lower() in (PDF, PNG, JPEG, WEBP, TIFF, GIF, BMP, HEIC):
            return Verdict(None, "เนื้อไฟล์ไม่ตรงกับชนิดที่แจ้งมา (ไม่ใช่รูปภาพหรือ PDF จริง) จึงไม่รับไฟล์นี้ค่ะ")
        return Verdict(None, "ไม่รับไฟล์ชนิดนี้ค่ะ ส่งได้เฉพาะรูปภาพ (PNG, JPEG) หรือ PDF")
    if declared:
        d = declared.split(";")[0].strip().lower()
        if d not in ("", "application/octet-stream", "binary/octet-stream") and (
            not (d.startswith("image/") or d == PDF) or _family(d) != _family(mime)
        ):
            return Verdict(mime, "เนื้อไฟล์ไม่ตรงกับชนิดที่แจ้งมา จึงไม่รับไฟล์นี้ค่ะ")
    if readable_only and mime not in READABLE:
        return Verdict(mime, "ยังอ่านไฟล์ชนิดนี้ไม่ได้ค่ะ กรุณาส่งเป็น PNG, JPEG หรือ PDF")
    return Verdict(mime, None)

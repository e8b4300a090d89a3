"""Pages without a text layer: clean-up, Tesseract's Thai model, the layout, the doubtful marks.

A handful of pages only (each costs about a second of OCR); the accuracy over many pages and
conditions is measured by ``saraban bench scan``.
"""

from __future__ import annotations

import pytest
from rapidfuzz.fuzz import ratio

from nlp.refno import normalize_ref_no
from scan import ScanError, ocr, read, specimens
from tests.scan.letters import compact, letter

pytestmark = pytest.mark.skipif(
    not ocr.available(), reason="tesseract with the Thai model is not installed (Debian: tesseract-ocr tesseract-ocr-tha)"
)


def _never_silently_wrong(got: dict, exp: dict) -> None:
    """A reference number or date is either right or marked for the officer to confirm."""
    if got["ref_no"] is not None and normalize_ref_no(got["ref_no"]) != normalize_ref_no(exp["ref_no"]):
        assert "ref_no" in got["doubtful"], got["ref_no"]
    if got["letter_date"] is not None and got["letter_date"] != exp["letter_date"]:
        assert "letter_date" in got["doubtful"], got["letter_date"]


def test_clean_scan_read_by_layout_with_decoys():
    lt = letter(1)
    data, name = specimens.specimen(lt, "clean")
    r = read(data, name, declared="image/png")
    got, exp = r.to_json(file=name), lt.expected()
    assert r.source == "ocr" and got["mime"] == "image/png"
    assert normalize_ref_no(got["ref_no"]) == normalize_ref_no(exp["ref_no"])  # not the อ้างถึง's
    assert got["letter_date"] == exp["letter_date"]  # not the receipt stamp's, not the อ้างถึง's
    assert compact(got["sender"]) == compact(exp["sender"])  # no address, no stamp
    assert compact(got["subject"]) == compact(exp["subject"])  # continuation line included
    assert got["priority"] == "most_urgent"
    _never_silently_wrong(got, exp)


def test_thai_digits_from_ocr_are_always_doubtful():
    # Debian's Thai model has no ๔ ๖ ๗ ๘ ๙: whatever it reads for them must be confirmed.
    lt = letter(2, thai_digits=True)
    got = read(*specimens.specimen(lt, "clean")).to_json()
    assert {"ref_no", "letter_date"} <= set(got["doubtful"])
    assert compact(got["sender"]) == compact(lt.sender)
    assert compact(got["subject"]) == compact(lt.subject)


def test_phone_photo_flattened_and_read():
    lt = letter(5, font="Laksaman")
    data, name = specimens.specimen(lt, "photo")
    assert name.endswith(".jpg")
    got, exp = read(data, name).to_json(), lt.expected()
    assert compact(got["sender"]) == compact(exp["sender"])
    assert ratio(compact(got["subject"]), compact(exp["subject"])) >= 90
    _never_silently_wrong(got, exp)


def test_image_only_pdf_goes_to_ocr():
    lt = letter(4, font="Laksaman")
    r = read(*specimens.specimen(lt, "pdf-image"))
    got, exp = r.to_json(), lt.expected()
    assert r.source == "ocr" and r.mime == "application/pdf" and r.pages == 1
    assert compact(got["sender"]) == compact(exp["sender"])
    assert ratio(compact(got["subject"]), compact(exp["subject"])) >= 90
    _never_silently_wrong(got, exp)


def test_broken_and_tiny_images_refused_in_thai():
    with pytest.raises(ScanError, match="ค่ะ"):
        read(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "broken.png")
    from PIL import Image
    import io

    buf = io.BytesIO()
    Image.new("L", (120, 80), 255).save(buf, "PNG")
    with pytest.raises(ScanError, match="เล็กเกินไป"):
        read(buf.getvalue(), "tiny.png")

"""The type of a file is decided from its bytes (issue 14 point 5)."""

from __future__ import annotations

import io

import pytest

from scan import filetype


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (4, 4), 255).save(buf, "PNG")
    return buf.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, "JPEG")
    return buf.getvalue()


HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def test_sniff_known_types():
    assert filetype.sniff(_png()) == filetype.PNG
    assert filetype.sniff(_jpeg()) == filetype.JPEG
    assert filetype.sniff(b"%PDF-1.7\n...") == filetype.PDF
    assert filetype.sniff(b"junk before\r\n%PDF-1.4\n") == filetype.PDF  # readers allow a preamble
    assert filetype.sniff(HTML) is None
    assert filetype.sniff(b"") is None


def test_html_declared_as_an_image_is_refused():
    v = filetype.check(HTML, "image/jpeg")
    assert not v.ok and v.mime is None
    assert "ไม่ตรงกับชนิดที่แจ้ง" in v.error


@pytest.mark.parametrize("declared", [None, "text/html", "application/octet-stream"])
def test_html_is_refused_whatever_it_claims(declared):
    v = filetype.check(HTML, declared)
    assert not v.ok and "ค่ะ" in v.error


def test_a_pdf_declared_as_an_image_is_refused_an_image_mislabelled_as_another_is_not():
    assert not filetype.check(b"%PDF-1.7\n", "image/png").ok
    assert not filetype.check(_png(), "application/pdf").ok
    assert filetype.check(_png(), "image/jpeg").mime == filetype.PNG  # phones get this wrong
    assert filetype.check(_jpeg(), "image/jpeg; charset=binary").ok
    assert filetype.check(b"%PDF-1.7\n", None).ok


def test_empty_and_unreadable_images():
    assert not filetype.check(b"").ok
    gif = b"GIF89a" + b"\x00" * 20
    assert filetype.check(gif).mime == filetype.GIF and not filetype.check(gif).ok
    assert filetype.check(gif, readable_only=False).ok

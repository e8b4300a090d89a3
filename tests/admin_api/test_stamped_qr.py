"""The QR code on the stamped copy (issue 17 point 4): rendered by poppler and decoded by zxing-cpp,
it is the receipt's ``<public url>/verify/<code>``, and that page confirms the number."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from tests.admin_api.conftest import bearer, register
from tests.admin_api.test_stamped_copy import letter_pdf, letter_png

zxingcpp = pytest.importorskip("zxingcpp")
PUBLIC = "https://saraban.example.go.th"


def _decoded(png: bytes) -> list[str]:
    from PIL import Image

    return [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def _page1(pdf: bytes, tmp_path, dpi: int) -> bytes:
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(src), str(tmp_path / "page")],
                   check=True, capture_output=True)
    return next(tmp_path.glob("page*.png")).read_bytes()


def _code(client, letter_id, headers) -> str:
    return client.get(f"/api/v1/letters/{letter_id}", headers=headers).json()["registration"]["verification_code"]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_the_stamped_pdf_carries_a_qr_code_to_the_receipt_check(client, runtime, demo, token, tmp_path):
    runtime.public_url = PUBLIC
    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    clerk = bearer(token(demo.person("clerk")))
    att = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                      files={"file": ("หนังสือ.pdf", letter_pdf(), "application/pdf")}).json()
    stamped = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped", headers=clerk)
    assert stamped.status_code == 200, stamped.text
    code = _code(client, letter_id, clerk)
    assert _decoded(_page1(stamped.content, tmp_path, 150)) == [f"{PUBLIC}/verify/{code}"]
    (tmp_path / "o").mkdir()
    assert _decoded(_page1(letter_pdf(), tmp_path / "o", 150)) == []  # the original has none
    check = client.get(f"/verify/{code}")  # what the QR opens: no sign-in, the number and unit
    assert check.status_code == 200 and "1/2569" in check.text


def test_the_stamped_image_carries_the_qr_code_too(client, runtime, demo, token):
    runtime.public_url = PUBLIC + "/"
    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    clerk = bearer(token(demo.person("clerk")))
    att = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                      files={"file": ("photo.png", letter_png(), "image/png")}).json()
    stamped = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped", headers=clerk)
    assert _decoded(stamped.content) == [f"{PUBLIC}/verify/{_code(client, letter_id, clerk)}"]


def test_without_a_public_address_the_stamp_has_no_qr_code(client, runtime, demo, token):
    runtime.public_url = None  # a QR code of a relative address would lead nowhere from paper
    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    clerk = bearer(token(demo.person("clerk")))
    att = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                      files={"file": ("photo.png", letter_png(), "image/png")}).json()
    stamped = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped", headers=clerk)
    assert stamped.status_code == 200 and _decoded(stamped.content) == []

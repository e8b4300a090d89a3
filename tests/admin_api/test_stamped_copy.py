"""ตรารับ on a copy: the original bytes stay as received (sha256 unchanged, a signed PDF stays valid);
the stamped copy opens in poppler with the stamp in the top right corner of page 1."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess

import pytest

from tests.admin_api.conftest import bearer, register


def letter_pdf(pages: int = 2) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for n in range(pages):
        c.setFont("Helvetica", 14)
        c.drawString(72, 760, f"Official letter, page {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def letter_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(out, "PNG")
    return out.getvalue()


def ink_share(png: bytes, box: tuple[float, float, float, float]) -> float:
    """Share of the pixels in *box* (fractions of the page) that are the stamp's blue ink."""
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = im.size
    region = im.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    pixels = list(region.getdata())
    return sum(1 for r, g, b in pixels if b > 110 and r < 110 and b - r > 60) / len(pixels)


def render_page1(pdf: bytes, tmp_path) -> bytes:
    tmp_path.mkdir(parents=True, exist_ok=True)
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(src), str(tmp_path / "page")],
                   check=True, capture_output=True)
    return next(tmp_path.glob("page*.png")).read_bytes()


TOP_RIGHT = (0.6, 0.0, 1.0, 0.15)
ELSEWHERE = (0.0, 0.2, 0.6, 1.0)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_stamped_pdf_copy_renders_the_stamp_and_the_original_is_untouched(client, runtime, demo, token, tmp_path):
    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    clerk = bearer(token(demo.person("clerk")))
    original = letter_pdf()
    r = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                    files={"file": ("หนังสือ.pdf", original, "application/pdf")})
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["sha256"] == hashlib.sha256(original).hexdigest()

    stamped = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped", headers=clerk)
    assert stamped.status_code == 200, stamped.text
    assert stamped.headers["x-content-type-options"] == "nosniff"
    assert stamped.headers["content-disposition"].startswith("attachment")
    assert stamped.content.startswith(b"%PDF-") and stamped.content != original

    page = render_page1(stamped.content, tmp_path / "s")
    assert ink_share(page, TOP_RIGHT) > 0.01  # the stamp's box and lines
    assert ink_share(page, ELSEWHERE) == 0  # nowhere else
    plain = render_page1(original, tmp_path / "o")
    assert ink_share(plain, TOP_RIGHT) == 0

    # the original, as downloaded and as stored, is byte for byte what arrived
    again = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}", headers=clerk)
    assert again.content == original
    assert again.headers["x-content-type-options"] == "nosniff"
    assert again.headers["content-disposition"].startswith("attachment")
    stored = next(p for p in runtime.attachments_dir.rglob("*.pdf") if hashlib.sha256(p.read_bytes()).hexdigest() == att["sha256"])
    assert stored.read_bytes() == original

    # a second download serves the same copy (stamped once, one event)
    assert client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped", headers=clerk).content == stamped.content
    detail = client.get(f"/api/v1/letters/{letter_id}", headers=clerk).json()
    assert [e["kind"] for e in detail["events"]].count("attachment.stamped") == 1


def test_stamped_image_copy(client, runtime, demo, token):
    from PIL import Image

    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    clerk = bearer(token(demo.person("clerk")))
    original = letter_png()
    att = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                      files={"file": ("photo.png", original, "image/png")}).json()
    stamped = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped", headers=clerk)
    assert stamped.status_code == 200 and stamped.headers["content-type"] == "image/png"
    assert ink_share(stamped.content, TOP_RIGHT) > 0.01 and ink_share(stamped.content, ELSEWHERE) == 0
    assert Image.open(io.BytesIO(stamped.content)).size == (1240, 1754)
    assert client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}", headers=clerk).content == original


def test_stamp_shows_unit_number_and_buddhist_era_date(runtime, demo):
    from registry.attachments import receipt_facts

    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    with runtime.read() as s:
        facts = receipt_facts(s, letter_id)
    assert facts["number"].endswith("/2569") and facts["number"].startswith("1/")
    assert facts["date"].endswith("2569") and facts["time"].endswith("น.")
    assert facts["unit"]


def test_a_damaged_pdf_keeps_its_original_and_says_why_in_thai(client, runtime, demo, token):
    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    clerk = bearer(token(demo.person("clerk")))
    broken = b"%PDF-1.7\n" + b"\x00garbage" * 50
    att = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                      files={"file": ("broken.pdf", broken, "application/pdf")}).json()
    r = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped", headers=clerk)
    assert r.status_code == 422 and "ต้นฉบับ" in r.json()["detail"]
    assert client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}", headers=clerk).content == broken


def test_the_owners_notice_links_to_the_stamped_copy(client, runtime, demo, token, tmp_path):
    from sqlalchemy import select

    from handlers import notice_replies
    from registry.models import OutboxMessage
    from tests.admin_api.conftest import forward_to

    runtime.public_url = "https://saraban.example.go.th"
    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    clerk = bearer(token(demo.person("clerk")))
    original = letter_pdf(1)
    att = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                      files={"file": ("หนังสือ.pdf", original, "application/pdf")}).json()
    owner_id = demo.person("owner")
    # the owner reads notices in a linked chat
    from registry.accounts import link_directly
    from registry.events import Actor

    with runtime.transaction() as s:
        link_directly(s, "line", "U-owner-stamp", owner_id, actor=Actor(None, "test"), clock=runtime.clock)
    forward_to(runtime, letter_id, owner_id)
    with runtime.read() as s:
        notice = s.execute(select(OutboxMessage).where(OutboxMessage.chat_id == "U-owner-stamp",
                                                       OutboxMessage.kind == "assignment")).scalars().first()
    [reply] = notice_replies(runtime, notice)
    links = [f.value for f in reply.card.fields if f.value.startswith("https://saraban.example.go.th/")]
    assert links == [f"https://saraban.example.go.th/api/v1/letters/{letter_id}/attachments/{att['id']}/stamped"]
    r = client.get(links[0].removeprefix("https://saraban.example.go.th"), headers=bearer(token(owner_id)))
    assert r.status_code == 200 and r.content != original
    assert ink_share(render_page1(r.content, tmp_path / "n"), TOP_RIGHT) > 0.01


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_the_stamp_is_top_right_as_the_page_is_shown_whatever_its_rotation(rotate, tmp_path):
    from pypdf import PdfReader, PdfWriter

    from scan.stamp import ReceiptStamp, stamp_pdf

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(letter_pdf(1))))
    writer.pages[0].rotation = rotate
    out = io.BytesIO()
    writer.write(out)
    stamped = stamp_pdf(out.getvalue(), ReceiptStamp("กองกลาง", "7/2569", "6 ธ.ค. 2569", "09:15 น."))
    page = render_page1(stamped, tmp_path / str(rotate))
    assert ink_share(page, (0.55, 0.0, 1.0, 0.2)) > 0.005, rotate
    assert ink_share(page, (0.0, 0.25, 1.0, 1.0)) == 0 and ink_share(page, (0.0, 0.0, 0.45, 1.0)) == 0, rotate

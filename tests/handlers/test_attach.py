"""A photo or PDF sent in the same conversation is stored as an attachment of that letter."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from registry.models import Attachment, Event
from tests.handlers.conftest import button, dev_case, register

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 20
PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 50


def _attachments(runtime):
    with runtime.read() as s:
        return list(s.execute(select(Attachment).order_by(Attachment.id)).scalars())


def test_photo_after_the_receipt_is_attached_with_sha256(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    replies = clerk.send_file(JPEG, content_type="image/jpeg")
    assert replies[0].text.startswith("แนบไฟล์กับเลขรับ 1/2569 แล้วค่ะ")
    clerk.send_file(PDF, content_type="application/octet-stream", filename="หนังสือ.pdf", kind="file")
    photo, pdf = _attachments(runtime)
    assert (photo.sha256, photo.size, photo.content_type) == (hashlib.sha256(JPEG).hexdigest(), len(JPEG), "image/jpeg")
    assert (pdf.content_type, pdf.filename) == ("application/pdf", "หนังสือ.pdf")  # sniffed, not trusted
    stored = runtime.attachments_dir / photo.storage_path
    assert stored.read_bytes() == JPEG
    with runtime.read() as s:
        events = s.execute(select(Event).where(Event.kind == "attachment.added")).scalars().all()
        assert [e.data["sha256"] for e in events] == [photo.sha256, pdf.sha256]


def test_file_sent_during_the_draft_is_attached_on_confirm(runtime, link):
    clerk = link("clerk")
    draft = clerk.say(dev_case("dev-011-a")["text"])
    assert "จะแนบกับหนังสือเมื่อกด [ยืนยัน]" in clerk.send_file(JPEG, content_type="image/jpeg")[0].text
    assert _attachments(runtime) == []
    receipt = clerk.press(button(draft, "ยืนยัน"))
    assert "แนบไฟล์แล้ว 1 ไฟล์" in receipt[0].card.footer
    [a] = _attachments(runtime)
    assert a.sha256 == hashlib.sha256(JPEG).hexdigest()


def test_file_without_a_letter_in_the_conversation_is_explained(runtime, link):
    clerk = link("clerk")
    assert "ยังไม่ทราบว่าเป็นของหนังสือฉบับใด" in clerk.send_file(JPEG, content_type="image/jpeg")[0].text
    assert _attachments(runtime) == []


def test_unsupported_file_is_refused(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    replies = clerk.send_file(b"MZ\x90\x00 not a scan", content_type="application/x-msdownload", kind="file")
    assert "รองรับเฉพาะรูปภาพ" in replies[0].text
    assert _attachments(runtime) == []

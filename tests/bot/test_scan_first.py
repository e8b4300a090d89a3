"""A photo or PDF sent first (issue 14 point 2): the bot reads it (scan/), answers with the
confirmation card, doubtful fields marked and offered for correction, and keeps the original with
its sha256 on [ยืนยัน]. Real SDKs against the fake LINE and Telegram servers; real Tesseract."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from sqlalchemy import func, select

from registry.models import Attachment, Letter
from scan import ocr, specimens
from tests.bot.harness import TG_SECRET
from tests.bot.test_flows import register
from tests.scan.letters import compact, letter

pytestmark = pytest.mark.skipif(not ocr.available(), reason="tesseract with the Thai model is not installed")


def _send(stack, user, channel: str, data: bytes, name: str, *, photo: bool = True):
    """The file as the platform would send it: a LINE image/file message, a Telegram photo/document."""
    if channel == "line":
        mid = str(uuid.uuid4().int)[:15]
        stack.line_api.contents[mid] = (data, "image/png" if name.endswith(".png") else "application/pdf")
        body = user.image_body(mid) if photo else user.file_body(mid, name, len(data))
        res = user.post(body, wait=False)
        stack.line_idle(timeout=300)  # OCR takes seconds, more on a loaded machine: a bound, not a timing check
    else:
        fid = "AgAC" + uuid.uuid4().hex
        stack.tg_api.files[fid] = (data, f"photos/{fid[:8]}.jpg" if photo else f"documents/{name}")
        update = user.photo_update(fid, len(data)) if photo else \
            user.document_update(fid, name, len(data), "image/png" if name.endswith(".png") else "application/pdf")
        # the webhook answers once handled: OCR takes seconds, more on a loaded machine (a bound, not a check)
        res = stack.http.post("/webhooks/telegram", content=json.dumps(update, ensure_ascii=False).encode(),
                              headers={"content-type": "application/json", "x-telegram-bot-api-secret-token": TG_SECRET},
                              timeout=300)
    assert res.status_code == 200, res.text
    return user.new()


def _edit_fields(user, msgs) -> set[str]:
    return {payload.split(":")[2] for _label, payload in user.buttons_of(msgs) if payload.startswith("ef:")}


def test_a_scanned_letter_sent_first_becomes_a_registration_with_the_file(stack, user_factory, channel):
    user = user_factory(stack.demo.person("clerk"))
    lt = letter(1)
    data, name = specimens.specimen(lt, "clean")
    msgs = _send(stack, user, channel, data, name)
    text = user.text_of(msgs)
    assert "อ่านหนังสือจากไฟล์" in text and "ตรวจสอบก่อนลงรับ" in text, text
    assert compact(lt.subject) in compact(text)  # the card shows what was read
    assert compact(lt.sender) in compact(text)
    with stack.runtime.read() as s:  # nothing registered before [ยืนยัน]
        assert s.execute(select(func.count()).select_from(Letter)).scalar_one() == 0
    receipt = user.press(user.button(msgs, "cf:"))
    assert "เลขรับ" in user.text_of(receipt) and "แนบไฟล์แล้ว 1 ไฟล์" in user.text_of(receipt)
    with stack.runtime.read() as s:
        row = s.execute(select(Letter)).scalar_one()
        assert compact(row.subject) == compact(lt.subject) and compact(row.sender) == compact(lt.sender)
        from registry.verification import code_of

        code = code_of(s, row.registration.id)
    assert f"/verify/{code}" in user.text_of(receipt)  # the receipt card shows where the sender checks it
    with stack.runtime.read() as s:
        att = s.execute(select(Attachment)).scalar_one()
        assert att.letter_id == row.id and att.sha256 == hashlib.sha256(data).hexdigest() and att.size == len(data)
        assert att.content_type == "image/png"
    stored = (stack.runtime.attachments_dir / att.storage_path).read_bytes()
    assert stored == data  # the original, byte for byte


def test_thai_digit_references_are_marked_and_asked_on_the_card(stack, user_factory, channel):
    from nlp.normalize import to_arabic_digits

    user = user_factory(stack.demo.person("clerk"))
    lt = letter(2, thai_digits=True)
    data, name = specimens.specimen(lt, "pdf-image")
    msgs = _send(stack, user, channel, data, name, photo=False)
    assert "อ่านหนังสือจากไฟล์" in user.text_of(msgs)
    # Debian's Thai model cannot read ๔ ๖ ๗ ๘ ๙: the reference and the date are never taken
    # silently. One that could not be read at all is asked first; one read is marked on the card.
    right = {"ref_no": to_arabic_digits(lt.ref_no), "letter_date": to_arabic_digits(lt.date_text)}
    asked: set[str] = set()
    for _ in range(4):
        if any(p.startswith("cf:") for _l, p in user.buttons_of(msgs)):
            break
        text = user.text_of(msgs)
        field = "letter_date" if "ลงวันที่" in text else "ref_no" if "เลขที่" in text or "“ที่”" in text else None
        assert field is not None, text
        asked.add(field)
        msgs = user.say(right[field])
    text = user.text_of(msgs)
    assert "ตรวจสอบก่อนลงรับ" in text, text
    read = {"ref_no", "letter_date"} - asked
    assert read <= _edit_fields(user, msgs), (text, user.buttons_of(msgs))
    if read:
        assert "โปรดตรวจสอบ" in text and "อ่านจากภาพ" in text, text
    # the officer types the right reference at the card: it is taken and no longer marked
    card = user.say("แก้ที่เป็น มท 0808.2/ว 1095")
    assert "มท 0808.2/ว 1095" in user.text_of(card)
    assert "ref_no" not in _edit_fields(user, card)
    receipt = user.press(user.button(card, "cf:"))
    assert "แนบไฟล์แล้ว 1 ไฟล์" in user.text_of(receipt)
    with stack.runtime.read() as s:
        row = s.execute(select(Letter)).scalar_one()
        assert row.ref_no == "มท 0808.2/ว 1095" and row.letter_date == lt.date
        assert s.execute(select(Attachment.sha256)).scalar_one() == hashlib.sha256(data).hexdigest()


def test_telegram_photo_read_poorly_suggests_sending_as_a_file(stack):
    user = stack.tg_user()
    stack.link("telegram", str(user.user_id), stack.demo.person("clerk"))
    from PIL import Image, ImageFilter
    import io

    lt = letter(3)
    page = Image.open(io.BytesIO(specimens.specimen(lt, "clean")[0])).convert("L")
    small = page.resize((page.width // 4, page.height // 4)).filter(ImageFilter.GaussianBlur(1.2))
    buf = io.BytesIO()
    small.resize(page.size).save(buf, "JPEG", quality=20)
    msgs = _send(stack, user, "telegram", buf.getvalue(), "photo.jpg")
    text = user.text_of(msgs)
    assert "ส่งเป็นไฟล์" in text, text


def test_with_a_registration_open_a_photo_still_attaches_to_it(stack, user_factory, channel):
    user = user_factory(stack.demo.person("clerk"))
    letter_id = register(user)
    data, name = specimens.specimen(letter(4), "clean")
    text = user.text_of(_send(stack, user, channel, data, name))
    assert "แนบไฟล์กับเลขรับ" in text and "ตรวจสอบก่อนลงรับ" not in text, text
    with stack.runtime.read() as s:
        assert s.execute(select(func.count()).select_from(Letter)).scalar_one() == 1
        assert s.execute(select(Attachment.letter_id)).scalar_one() == letter_id


def test_a_file_that_is_not_a_page_is_told_and_offered_as_before(stack, user_factory, channel):
    user = user_factory(stack.demo.person("clerk"))
    register(user)
    stack.clock.advance(minutes=20)  # past the window in which a file joins the letter just registered
    data = b"%PDF-1.4\n" + b"not really a page " * 200  # a PDF that PDFium cannot open
    text = user.text_of(_send(stack, user, channel, data, "broken.pdf", photo=False))
    assert "อ่านหัวหนังสือจากไฟล์นี้ไม่ได้" in text and "แนบกับหนังสือฉบับใด" in text, text


def test_a_secret_letter_sent_as_a_file_shows_no_content_and_keeps_no_file(stack, user_factory, channel):
    user = user_factory(stack.demo.person("clerk"))
    lt = letter(9, priority="ลับ")  # the secrecy stamp at the top left, where a speed stamp would be
    data, name = specimens.specimen(lt, "pdf-text")
    msgs = _send(stack, user, channel, data, name, photo=False)
    text = user.text_of(msgs)
    assert "ชั้นความลับ" in text and "ไม่รับรูปหรือไฟล์ทางแชต" in text, text
    for secret in (lt.subject, lt.sender, lt.ref_no):
        assert compact(secret) not in compact(text)
    receipt = user.press(user.button(msgs, "cf:"))
    assert "เลขรับ" in user.text_of(receipt) and compact(lt.subject) not in compact(user.text_of(receipt))
    with stack.runtime.read() as s:
        assert s.execute(select(Letter.secrecy)).scalar_one() == "confidential"
        assert s.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
    assert not [p for p in stack.runtime.attachments_dir.rglob("*") if p.is_file()]  # not even stored aside


def test_the_web_chat_reads_an_uploaded_scan_too(runtime, demo, clock, database_url, tmp_path):
    from saraban.app import create_app
    from tests.bot.conftest import make_settings
    from tests.bot.harness import Stack
    from tests.bot.test_webchat import pick, send

    s = Stack(create_app(make_settings(database_url, tmp_path), runtime=runtime), runtime, clock, None, None)
    try:
        chat = s.http.post("/chat/api/session", json={"person_id": demo.person("clerk")}).json()["chat_id"]
        lt = letter(6)
        data, name = specimens.specimen(lt, "pdf-text")
        res = s.http.post("/chat/api/upload", data={"chat_id": chat}, files={"file": (name, data, "application/pdf")},
                          timeout=300)
        assert res.status_code == 200, res.text
        replies = res.json()["replies"]
        text = "\n".join(r["text"] for r in replies)
        assert "อ่านหนังสือจากไฟล์" in text and compact(lt.subject) in compact(text), text
        done = send(s.http, chat, payload=pick(replies, "cf:"))
        assert "แนบไฟล์แล้ว 1 ไฟล์" in "\n".join(r["text"] for r in done)
        with runtime.read() as session:
            assert session.execute(select(Attachment.sha256)).scalar_one() == hashlib.sha256(data).hexdigest()
    finally:
        s.close()

"""A Telegram document whose caption is a letter header registers that letter with the file."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Attachment, Letter
from tests.bot.test_flows import register

PDF = b"%PDF-1.4\n" + b"scan of the new letter " * 400
HEADER = "ที่ กค 0402.2/ว 123 ลงวันที่ 1 มี.ค. 2569 จาก กรมบัญชีกลาง เรื่อง ซักซ้อมแนวทางการเบิกจ่ายเงินงบประมาณ"


def test_telegram_caption_header_starts_its_registration_with_the_file(stack):
    clerk = stack.tg_user()
    stack.link("telegram", str(clerk.user_id), stack.demo.person("clerk"))
    first = register(clerk)  # a previous letter is open in the chat: the file must not go there
    stack.tg_api.files["BQACAgUAAxkBAAIC4_caption_header"] = (PDF, "documents/file_2.pdf")
    body = clerk.document_update("BQACAgUAAxkBAAIC4_caption_header", "หนังสือใหม่.pdf", len(PDF))
    body["message"]["caption"] = HEADER
    assert clerk.post(body).status_code == 200
    shown = clerk.text_of(clerk.new())
    assert "ตรวจสอบก่อนลงรับ" in shown and "กรมบัญชีกลาง" in shown
    with stack.runtime.read() as s:
        assert s.execute(select(Attachment)).first() is None  # held for the draft, not given to letter 1
    clerk.post(clerk.text_update("ยืนยันค่ะ"))
    with stack.runtime.read() as s:
        att = s.execute(select(Attachment)).scalar_one()
        letter = s.get(Letter, att.letter_id)
        assert att.letter_id != first and letter.sender == "กรมบัญชีกลาง"

"""Classified letters: no subject, sender or ref_no in any reply; ลับที่สุด keeps no content."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Assignment, Letter
from tests.handlers.conftest import dev_case, everything, notices_for, register


def test_secret_letter_never_shows_its_content_in_chat(runtime, link):
    case = dev_case("dev-000-a")  # ด่วนที่สุด ลับมาก
    expect = case["expect"]
    secret_words = [expect["subject"], expect["sender"], expect["ref_no"], expect["subject"][:25]]
    clerk, owner = link("clerk"), link("owner")
    seen = []
    seen += clerk.say(case["text"])
    assert "ลับมาก" in seen[-1].card.badges and "ไม่แสดงเรื่อง" in seen[-1].card.footer
    seen += clerk.tap("ยืนยัน")
    receipt = seen[-1].card
    assert receipt.title == "ลงรับแล้ว เลขรับ 1/2569"
    rows = {f.label: f.value for f in receipt.fields}
    assert rows["ชั้นความลับ"] == "ลับมาก" and rows["เอกสาร"] == "รับเอกสารตัวจริง"  # the class, then what to do
    assert "ส่งรูปหรือไฟล์ของหนังสือต่อจากนี้" not in receipt.footer  # no invitation to send scans of a secret letter
    seen += clerk.tap("ส่งต่อ")
    seen += clerk.tap("สมชาย")
    seen += clerk.tap("เพื่อดำเนินการ")
    seen += clerk.say("สถานะ 1")
    seen += clerk.say("งานของฉัน")
    seen += clerk.say("ค้นหา เกาะเสม็ด")
    assert "ไม่พบ" in seen[-1].text  # chat search leaves classified letters out
    seen += owner.say("งานของฉัน")
    seen += notices_for(runtime, owner)
    seen += owner.say("รับทราบ 1")
    seen += notices_for(runtime, clerk)
    assert any("หนังสือส่งถึงท่าน เลขรับ 1/2569" in r.text for r in seen)
    shown = everything(seen)
    for word in secret_words:
        assert word not in shown
    with runtime.read() as s:  # the register itself keeps the content (only the chat hides it)
        letter = s.execute(select(Letter)).unique().scalar_one()
        assert letter.subject == expect["subject"] and letter.secrecy == "secret"
        assert s.execute(select(Assignment.status)).scalar_one() == "acknowledged"


def test_top_secret_is_recorded_without_content(runtime, link):
    clerk = link("clerk")
    text = "ลงรับ ลับที่สุด ที่ กห 0201/55 ลงวันที่ 1 มี.ค. 2569 จาก กองทัพบก เรื่อง แผนการเคลื่อนกำลัง"
    card = clerk.say(text)[0].card
    assert "ลับที่สุด" in card.badges and "ไม่บันทึกเนื้อหา" in card.footer
    receipt = clerk.tap("ยืนยัน")
    shown = everything(receipt)
    for word in ("กห 0201/55", "กองทัพบก", "แผนการเคลื่อนกำลัง"):
        assert word not in shown
    assert "ไม่บันทึกเนื้อหา" in clerk.send_file(b"%PDF-1.4 secret", content_type="application/pdf")[0].text
    with runtime.read() as s:
        letter = s.execute(select(Letter)).unique().scalar_one()
        assert (letter.subject, letter.sender, letter.ref_no, letter.letter_date) == (None, None, None, None)
        assert letter.attachments == []
    assert not runtime.attachments_dir.exists() or not any(runtime.attachments_dir.rglob("*.pdf"))


def test_register_number_is_right_for_a_secret_letter_pasted_across_lines(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    assert register(clerk, dev_case("dev-000-b")["text"]) == "2/2569"

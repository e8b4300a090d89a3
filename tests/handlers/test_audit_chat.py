"""สุ่มตรวจ in chat draws a real audit for auditors and refuses others politely."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Audit, AuditItem
from tests.handlers.conftest import everything


def test_auditor_draws_a_sample_from_chat(runtime, demo, link):
    clerk = link("clerk")
    for i in range(5):
        clerk.say(f"ลงรับ ที่ กค 0402.2/ว {100 + i} ลงวันที่ 1 มี.ค. 2569 จาก กรมบัญชีกลาง เรื่อง ทดสอบสุ่มตรวจ {i}")
        clerk.tap("ยืนยัน")
    auditor = link("auditor", "มท 02")
    replies = auditor.say("สุ่มตรวจ กองกลาง 3")
    text = everything(replies)
    assert "ได้ตัวอย่าง 3 รายการ" in text and "seed" not in text
    with runtime.read() as s:
        audit_id = s.execute(select(Audit.id)).scalar_one()
    # a button to the audit page, not a bare path; a channel without link buttons gets the path
    page = next(b for b in replies[0].card.buttons if b.label == "เปิดหน้าสุ่มตรวจ")
    assert page.url == f"/admin/audits/{audit_id}" and page.payload == f"ln:audit:{audit_id}"
    assert f"/admin/audits/{audit_id}" in auditor.press(page.payload)[0].text
    assert "ส่งต่อเจ้าของเรื่องแล้ว: ไม่ผ่าน 3 รายการ" in text  # none of them was forwarded
    with runtime.read() as s:
        audit = s.execute(select(Audit)).scalar_one()
        assert len(s.execute(select(AuditItem).where(AuditItem.audit_id == audit.id)).scalars().all()) == 3


def test_owner_may_not_audit(runtime, demo, link):
    text = everything(link("owner").say("สุ่มตรวจ กองกลาง 3"))
    assert "สิทธิ์" in text
    with runtime.read() as s:
        assert s.execute(select(Audit)).first() is None

"""Recall as a transcript through the handlers (the same conversation every channel carries):
forward, [เรียกคืน <name>], the owner's notice says recalled, the old card's buttons and a typed
รับทราบ answer politely, and the clerk forwards again; a practice letter sends no notice."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Assignment, Event, Letter
from tests.handlers.conftest import button, buttons, dev_case, everything, notices_for, register


def test_forward_recall_and_the_owner_is_told(runtime, link, demo):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, dev_case("dev-005-a")["text"])
    done = clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    assert "ส่งต่อเลขรับ 1/2569 แล้วค่ะ" in done[0].text
    recall = button(done, "เรียกคืน")
    [card] = notices_for(runtime, owner, "assignment")
    ack, ret = (payload for _, payload in buttons([card]))

    said = clerk.press(recall)
    assert everything(said).startswith("เรียกคืนการส่งต่อเลขรับ 1/2569 จาก นายสมชาย รักงาน แล้วค่ะ"), everything(said)
    assert "ไปแล้ว" in clerk.press(recall)[0].text
    [notice] = notices_for(runtime, owner, "recall_notice")
    assert "เลขรับ 1/2569 ถูกเรียกคืนแล้วค่ะ" in notice.text and "นางสาวสมใจ" in notice.text
    [redrawn] = notices_for(runtime, owner, "assignment")  # the card, drawn again, has no buttons left
    assert buttons([redrawn]) == [] and "ถูกเรียกคืนแล้ว" in everything([redrawn])

    for old in (ack, ret):
        answer = owner.press(old)
        assert answer[0].text == "รายการเลขรับ 1/2569 ถูกผู้ส่งเรียกคืนแล้วค่ะ ท่านไม่ต้องรับทราบหรือส่งคืน"
    typed = owner.say("รับทราบ 1")  # typed, too: told it was recalled, nothing acknowledged
    assert typed[0].text == "รายการเลขรับ 1/2569 ถูกผู้ส่งเรียกคืนแล้วค่ะ ท่านไม่ต้องรับทราบหรือส่งคืน"
    with runtime.read() as s:
        a = s.execute(select(Assignment)).unique().scalar_one()
        assert a.status == "recalled" and a.acknowledged_at is None
        assert s.execute(select(Letter.status)).scalar_one() == "registered"
        assert s.execute(select(Event.kind).where(Event.kind.like("assignment.%")).order_by(Event.seq)
                         ).scalars().all() == ["assignment.sent", "assignment.recalled"]  # old buttons do not open

    again = clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")  # the letter can go out again
    assert "ส่งต่อเลขรับ 1/2569 แล้วค่ะ" in again[0].text
    fresh = [n for n in notices_for(runtime, owner, "assignment") if buttons([n])]
    assert len(fresh) == 1
    assert "รับทราบ" in owner.press(button(fresh, "รับทราบ"))[0].text

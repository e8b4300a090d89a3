"""ฝึกใช้งาน in chat: three guided steps in the sandbox book, recorded once completed."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Letter, OutboxMessage, TrainingProgress
from tests.handlers.conftest import Chat, button, dev_case, register


def test_training_walks_through_register_forward_acknowledge(runtime, link):
    owner = link("owner")  # anyone may practise; no clerk role needed
    intro = owner.say("ฝึกใช้งาน")
    assert "ขั้นที่ 1/3" in intro[1].text and "ที่ มท 0201.9/ว 99" in intro[1].text
    step2 = owner.tap("ลงรับหนังสือฝึก")
    assert "ขั้นที่ 2/3" in step2[0].text and step2[0].card.title.startswith("ลงรับ (ฝึก) แล้ว เลขรับ 1/")
    assert "ขั้นนี้ทำไปแล้ว" in owner.press("tr:reg")[0].text  # pressed twice: one practice letter
    step3 = owner.press(button(step2, "ส่งต่อถึงตัวเอง"))
    assert "ขั้นที่ 3/3" in step3[0].text
    done = owner.tap("รับทราบ")
    assert "บันทึกผลการฝึกไว้แล้ว" in done[0].text
    with runtime.read() as s:
        row = s.execute(select(TrainingProgress)).scalar_one()
        assert row.completed_at is not None
        assert [lt.sandbox for lt in s.execute(select(Letter)).unique().scalars()] == [True]
        # practice forwards notify no one (the registry's acknowledge notice to the trainee
        # themself is left aside here: reported to the lead)
        assert s.execute(select(OutboxMessage).where(OutboxMessage.kind == "assignment")).first() is None


def test_practice_does_not_take_a_real_number_nor_mix_with_real_work(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    owner.say("ฝึกใช้งาน")
    step2 = owner.tap("ลงรับหนังสือฝึก")
    owner.press(button(step2, "ส่งต่อถึงตัวเอง"))  # practice 1/2569 now waits for the trainee
    assert register(clerk, dev_case("dev-005-a")["text"]) == "1/2569"
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อทราบ")
    mine = owner.say("งานของฉัน")[0].text
    assert "รายการที่รอท่านรับทราบ 1 รายการ" in mine
    owner.say("รับทราบ 1")  # the real letter only
    with runtime.read() as s:
        statuses = {lt.sandbox: lt.assignments[0].status for lt in s.execute(select(Letter)).unique().scalars()}
    assert statuses == {False: "acknowledged", True: "sent"}


def test_training_is_private(runtime, link):
    owner = link("owner")
    group = Chat(runtime, owner.account, chat_id="C-g", is_group=True)
    assert "แชตส่วนตัว" in group.say("ฝึกใช้งาน")[0].text

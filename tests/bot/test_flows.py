"""Whole conversations over HTTP on both channels: link, register from a pasted header, forward
to two owners, acknowledge and return by button and by text."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.models import Assignment, ChatAccount, Event, Letter, Registration
from tests.bot.harness import dev_cases

HEADER = next(c["text"] for c in dev_cases() if c["id"] == "dev-001-b")  # ที่ รย52001/0459 … ขอเชิญประชุมฯ


def external(user, channel):
    return user.user_id if channel == "line" else str(user.user_id)


def register(user, text: str = HEADER) -> int:
    """Paste a header, press [ยืนยัน]; returns the new letter id (as the receipt's [ส่งต่อ] names it)."""
    card = user.say(text)
    assert "ตรวจสอบก่อนลงรับ" in user.text_of(card)
    receipt = user.press(user.button(card, "cf:"))
    assert "เลขรับ" in user.text_of(receipt), user.text_of(receipt)
    return int(user.button(receipt, "fw:").split(":")[1])


def test_unlinked_user_gets_only_the_explanation(stack, user_factory, channel):
    user = user_factory()
    msgs = user.say(HEADER)
    text = user.text_of(msgs)
    assert "ผูกบัญชี" in text
    assert "รย52001" not in text
    with stack.runtime.read() as s:
        assert s.execute(select(func.count()).select_from(Letter)).scalar_one() == 0


def test_link_account_with_a_code(stack, user_factory, channel):
    clerk = stack.demo.person("clerk")
    code = stack.link_code(clerk)
    user = user_factory()
    text = user.text_of(user.say(f"ผูกบัญชี {code}"))
    assert stack.demo.names[clerk] in text or "เรียบร้อย" in text or "สำเร็จ" in text, text
    with stack.runtime.read() as s:
        account = s.execute(select(ChatAccount).where(ChatAccount.channel == channel,
                                                      ChatAccount.external_id == external(user, channel))).scalar_one()
        assert account.person_id == clerk
        assert s.execute(select(func.count()).select_from(Event).where(Event.kind == "chat_account.linked")).scalar_one() == 1
    # the code is single use: a second account cannot take it
    other = user_factory()
    assert "ไม่ถูกต้อง" in other.text_of(other.say(f"ผูกบัญชี {code}"))


def test_register_forward_to_two_owners_and_acknowledge(stack, user_factory, channel):
    demo = stack.demo
    clerk = user_factory(demo.person("clerk"))
    owner_ids = [pid for pid, name in demo.names.items() if pid in (2, 3)]  # the two owners of กองกลาง
    owners = [user_factory(pid) for pid in owner_ids]

    letter_id = register(clerk)
    with stack.runtime.read() as s:
        reg = s.execute(select(Registration).where(Registration.letter_id == letter_id)).unique().scalar_one()
        assert reg.number == 1

    # forward: both owners chosen from the candidates, purpose "เพื่อดำเนินการ"
    msgs = clerk.press(f"fw:{letter_id}")
    for pid in owner_ids:
        msgs = clerk.press(clerk.button(msgs, f"fo:{letter_id}:{pid}"))
    done = clerk.press(clerk.button(msgs, f"fp:{letter_id}:"))
    assert "ส่งต่อ" in clerk.text_of(done)

    stack.deliver()
    for owner in owners:
        card = owner.new()
        assert card, "the owner got no notice"
        assert "รย52001/0459" in owner.text_of(card)
        assert owner.button(card, "ack:")
    with stack.runtime.read() as s:
        assignments = s.execute(select(Assignment).where(Assignment.letter_id == letter_id)).unique().scalars().all()
        assert len(assignments) == 2 and all(a.delivered_at is not None for a in assignments)

    # the principal acknowledges by button (pressed twice: acts once), the copy by typing
    first, second = owners
    ack = first.button(first.messages(), "ack:")
    assert "รับทราบ" in first.text_of(first.press(ack))
    again = first.text_of(first.press(ack))
    assert "แล้ว" in again, again
    typed = second.text_of(second.say("รับทราบ 1"))
    assert "รับทราบ" in typed, typed
    with stack.runtime.read() as s:
        acks = s.execute(select(func.count()).select_from(Event).where(Event.kind == "assignment.acknowledged")).scalar_one()
        assert acks == 2
    # the clerk is told about each acknowledgement
    stack.deliver_until_quiet(step=1)
    told = clerk.text_of(clerk.new())
    assert told.count("รับทราบ") >= 2, told


def test_return_by_button_and_by_text(stack, user_factory, channel):
    demo = stack.demo
    clerk = user_factory(demo.person("clerk"))
    owner = user_factory(demo.person("owner"))
    for how in ("button", "text"):
        letter_id = register(clerk)
        msgs = clerk.press(f"fw:{letter_id}")
        msgs = clerk.press(clerk.button(msgs, f"fo:{letter_id}:{demo.person('owner')}"))
        clerk.press(clerk.button(msgs, f"fp:{letter_id}:"))
        stack.deliver()
        card = owner.new()
        if how == "button":
            asked = owner.press(owner.button(card, "ret:"))
            msgs = owner.press(owner.button(asked, "rr:")) if owner.buttons_of(asked) and any(
                d.startswith("rr:") for _, d in owner.buttons_of(asked)) else owner.say("ไม่ใช่งานของฝ่ายนี้")
        else:
            with stack.runtime.read() as s:
                number = s.execute(select(Registration.number).where(Registration.letter_id == letter_id)).scalar_one()
            msgs = owner.say(f"ไม่ใช่งานของฉัน {number} เพราะเป็นงานของกองคลัง")
            if "เหตุผล" in owner.text_of(msgs):
                msgs = owner.say("เป็นงานของกองคลัง")
        assert "คืน" in owner.text_of(msgs), owner.text_of(msgs)
        with stack.runtime.read() as s:
            a = s.execute(select(Assignment).where(Assignment.letter_id == letter_id)).unique().scalar_one()
            assert a.status == "returned" and a.return_reason

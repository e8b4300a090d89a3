"""Forwarding to owners, and the owners' answers: acknowledge, return, close — by button and text."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.models import Assignment, Event, Letter
from tests.handlers.conftest import button, buttons, dev_case, notices_for, outbox, register


def _assignments(runtime):
    with runtime.read() as s:
        return list(s.execute(select(Assignment).order_by(Assignment.id)).unique().scalars())


def _events(runtime, kind):
    with runtime.read() as s:
        return s.scalar(select(func.count()).select_from(Event).where(Event.kind == kind))


def _forwarded_to_somchai(link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    return clerk, owner


def test_forward_to_two_owners_by_buttons(runtime, link, demo):
    clerk, somchai = link("clerk"), link("owner")
    register(clerk, dev_case("dev-005-a")["text"])
    choose = clerk.tap("ส่งต่อ")
    assert "เลือกผู้รับสำหรับเลขรับ 1/2569" in choose[0].text
    clerk.tap("สมชาย")
    chosen = clerk.say("วิภาวดี")  # found by typing a name
    assert "นายสมชาย รักงาน (เจ้าของเรื่อง), นางวิภาวดี ศรีสุข (สำเนา)" in chosen[0].text
    done = clerk.tap("เพื่อดำเนินการ")
    assert "ส่งต่อเลขรับ 1/2569 แล้วค่ะ เพื่อดำเนินการ" in done[0].text
    a1, a2 = _assignments(runtime)
    assert (a1.person_id, a1.role, a1.purpose) == (demo.person("owner"), "principal", "act")
    assert (a2.role, a2.purpose) == ("copy", "act") and a2.person_id != a1.person_id
    with runtime.read() as s:
        assert s.execute(select(Letter.status)).scalar_one() == "forwarded"
    # the linked owner gets a card with the two buttons (the other owner has no chat account yet)
    [card] = notices_for(runtime, somchai, "assignment")
    assert card.card.title == "หนังสือส่งถึงท่าน เลขรับ 1/2569"
    assert buttons([card]) == [("รับทราบ", f"ack:{a1.id}"), ("ไม่ใช่งานของฉัน", f"ret:{a1.id}")]
    # pressing the purpose again sends nothing more
    assert "ทำไปแล้ว" in clerk.press(f"fp:{a1.letter_id}:act")[0].text
    assert len(_assignments(runtime)) == 2 and _events(runtime, "assignment.sent") == 2


def test_second_owner_can_be_made_principal(runtime, link, demo):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.tap("ส่งต่อ")
    clerk.tap("สมชาย")
    clerk.tap("+ วิภาวดี")
    replies = clerk.tap("เจ้าของ: วิภาวดี")
    assert "นายสมชาย รักงาน (สำเนา), นางวิภาวดี ศรีสุข (เจ้าของเรื่อง)" in replies[0].text
    clerk.tap("เพื่อทราบ")
    roles = {a.person.name: a.role for a in _assignments(runtime)}
    assert roles == {"นายสมชาย รักงาน": "copy", "นางวิภาวดี ศรีสุข": "principal"}


def test_typed_forward_with_copy_and_to_a_unit(runtime, link, demo):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    replies = clerk.say("ส่งต่อ 1 ให้ วิภาวดี สำเนา สมชาย เพื่อพิจารณา")
    assert "เพื่อพิจารณา" in replies[0].text
    roles = {a.person.name: (a.role, a.purpose) for a in _assignments(runtime)}
    assert roles == {"นางวิภาวดี ศรีสุข": ("principal", "consider"), "นายสมชาย รักงาน": ("copy", "consider")}
    kc_clerk = link("clerk", "มท 0202")
    clerk.say("ส่งต่อ 1 ให้ กองคลัง เพื่อทราบ")
    unit_a = _assignments(runtime)[-1]
    assert unit_a.unit_id == demo.unit("มท 0202") and unit_a.unit_letter_id is not None
    # กองคลัง registers it in its own book, with its own number, and its clerk is told
    [notice] = notices_for(runtime, kc_clerk, "assignment")
    assert notice.card.title == "หนังสือเข้าหน่วยงาน ลงรับเลข 1/2569 แล้ว"
    assert buttons([notice]) == [("ส่งต่อ", f"fw:{unit_a.unit_letter_id}"), ("รับทราบ", f"ack:{unit_a.id}")]
    assert kc_clerk.say("สถานะ 1")[0].card.title == "สถานะเลขรับ 1/2569"
    assert "รับทราบเลขรับ 1/2569 แล้ว" in kc_clerk.press(f"ack:{unit_a.id}")[0].text


def test_typed_forward_without_purpose_offers_the_purposes(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    replies = clerk.say("ส่งต่อ 1 ให้ สมชาย")
    assert [label for label, _ in buttons(replies)][:4] == ["เพื่อทราบ", "เพื่อพิจารณา", "เพื่อดำเนินการ", "เพื่อลงนาม"]
    assert not _assignments(runtime)
    clerk.tap("เพื่อลงนาม")
    assert _assignments(runtime)[0].purpose == "sign"


def test_unknown_recipient_and_unknown_number(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    assert "ไม่พบผู้ใช้ชื่อ “มาลี”" in clerk.say("ส่งต่อ 1 ให้ มาลี เพื่อทราบ")[0].text
    assert "ไม่พบเลขรับ 99" in clerk.say("ส่งต่อ 99 ให้ สมชาย เพื่อทราบ")[0].text
    assert not _assignments(runtime)


def test_acknowledge_by_button_once_and_clerk_is_told(runtime, link):
    clerk, owner = _forwarded_to_somchai(link)
    [a] = _assignments(runtime)
    replies = owner.press(f"ack:{a.id}")
    assert replies[0].text.startswith("รับทราบเลขรับ 1/2569 แล้วค่ะ")
    again = owner.press(f"ack:{a.id}")
    assert again[0].text == "ท่านรับทราบเลขรับ 1/2569 ไปแล้วค่ะ"
    assert _events(runtime, "assignment.acknowledged") == 1
    [notice] = notices_for(runtime, clerk, "acknowledge_notice")
    assert notice.text.startswith("นายสมชาย รักงาน รับทราบเลขรับ 1/2569 แล้วค่ะ")


def test_acknowledge_by_text_with_and_without_year(runtime, link):
    clerk, owner = _forwarded_to_somchai(link)
    assert "รับทราบเลขรับ 1/2569 แล้ว" in owner.say("รับทราบ 1/2569")[0].text
    assert "ไปแล้ว" in owner.say("รับทราบ 1")[0].text
    assert "ไม่พบรายการเลขรับ 7" in owner.say("รับทราบ 7")[0].text
    assert _events(runtime, "assignment.acknowledged") == 1


def test_someone_else_cannot_acknowledge(runtime, link, demo):
    from registry.accounts import link_directly
    from registry.events import Actor
    from tests.handlers.conftest import Chat

    _forwarded_to_somchai(link)
    [a] = _assignments(runtime)
    wipa = next(pid for pid, name in demo.names.items() if name == "นางวิภาวดี ศรีสุข")  # also an owner of กองกลาง
    with runtime.transaction() as s:
        link_directly(s, "line", "U-wipa", wipa, actor=Actor(None, "test"), clock=runtime.clock)
    assert "ไม่มีสิทธิ์" in Chat(runtime, "U-wipa").press(f"ack:{a.id}")[0].text
    assert _assignments(runtime)[0].status == "sent"


def test_return_by_button_with_a_typed_reason(runtime, link):
    clerk, owner = _forwarded_to_somchai(link)
    [a] = _assignments(runtime)
    ask = owner.press(f"ret:{a.id}")
    assert "กรุณาพิมพ์เหตุผล" in ask[0].text
    assert "ส่งคืนเลขรับ 1/2569 แล้ว" in owner.say("เรื่องนี้เป็นงานของกองคลังครับ")[0].text
    a = _assignments(runtime)[0]
    assert (a.status, a.return_reason) == ("returned", "เรื่องนี้เป็นงานของกองคลังครับ")
    [notice] = notices_for(runtime, clerk, "return_notice")
    assert "เหตุผล: เรื่องนี้เป็นงานของกองคลังครับ" in notice.text
    assert buttons([notice]) == [("ส่งต่อใหม่", f"fw:{a.letter_id}")]
    assert "ไปแล้ว" in owner.press(f"rr:{a.id}:nm")[0].text  # a late second answer acts not
    # the clerk forwards it again from the notice, to someone else, as the new owner
    clerk.press(button([notice], "ส่งต่อใหม่"))
    clerk.tap("วิภาวดี")
    clerk.tap("เพื่อดำเนินการ")
    again = _assignments(runtime)[-1]
    assert (again.person.name, again.role, again.status) == ("นางวิภาวดี ศรีสุข", "principal", "sent")


def test_return_by_canned_reason_and_by_text(runtime, link):
    clerk, owner = _forwarded_to_somchai(link)
    [a] = _assignments(runtime)
    owner.press(f"ret:{a.id}")
    owner.tap("ส่งผิดคน")
    assert _assignments(runtime)[0].return_reason == "ส่งผิดคน"
    register(clerk, dev_case("dev-011-a")["text"])
    clerk.say("ส่งต่อ 2 ให้ สมชาย เพื่อทราบ")
    assert "ส่งคืนเลขรับ 2/2569" in owner.say("ไม่ใช่งานของฉัน 2 เพราะเป็นงานการเงิน")[0].text
    assert _assignments(runtime)[-1].return_reason == "เป็นงานการเงิน"


def test_old_button_after_the_letter_was_cancelled(runtime, link):
    clerk, owner = _forwarded_to_somchai(link)
    [a] = _assignments(runtime)
    assert "ยกเลิกเลขรับ 1/2569 แล้ว" in clerk.say("ยกเลิก 1 ลงรับผิดฉบับ")[0].text
    replies = owner.press(f"ack:{a.id}")
    assert replies[0].text == "ไม่สามารถรับทราบได้ เพราะหนังสือนี้อยู่ในสถานะ “ยกเลิกแล้ว”"
    assert _assignments(runtime)[0].status == "cancelled" and _events(runtime, "assignment.acknowledged") == 0
    # the notice, delivered late, no longer offers the buttons
    [notice] = notices_for(runtime, owner, "assignment")
    assert buttons([notice]) == [] and "ยกเลิก" in notice.card.footer


def test_close_after_acknowledging(runtime, link):
    _, owner = _forwarded_to_somchai(link)
    owner.say("รับทราบ 1")
    assert owner.tap("ปิดเรื่อง")[0].text == "ปิดเรื่องเลขรับ 1/2569 แล้วค่ะ"
    assert "ไปแล้ว" in owner.say("ปิดเรื่อง 1")[0].text
    with runtime.read() as s:
        assert s.execute(select(Letter.status)).scalar_one() == "closed"


def test_identity_bound_actions_are_refused_in_groups(runtime, link):
    clerk, owner = _forwarded_to_somchai(link)
    [a] = _assignments(runtime)
    from tests.handlers.conftest import Chat

    in_group = Chat(runtime, owner.account, chat_id="C-unit-group", is_group=True)
    for attempt in (lambda: in_group.press(f"ack:{a.id}"), lambda: in_group.say("รับทราบ 1"),
                    lambda: in_group.press(f"ret:{a.id}"), lambda: in_group.say("ปิดเรื่อง 1")):
        assert "แชตส่วนตัว" in attempt()[0].text
    assert _assignments(runtime)[0].status == "sent"
    assert len(outbox(runtime, "acknowledge_notice")) == 0


def test_return_reason_may_start_with_the_command_words_and_can_be_abandoned(runtime, link):
    clerk, owner = _forwarded_to_somchai(link)
    [a] = _assignments(runtime)
    owner.press(f"ret:{a.id}")
    assert "ยกเลิกรายการ" in owner.tap("ยกเลิก")[0].text
    assert "ไม่เข้าใจ" in owner.say("เป็นงานของกองคลัง")[0].text  # no longer taken as a reason
    assert _assignments(runtime)[0].status == "sent"
    owner.press(f"ret:{a.id}")
    owner.say("ไม่ใช่งานของผม เป็นของกองคลังครับ")
    assert _assignments(runtime)[0].return_reason == "ไม่ใช่งานของผม เป็นของกองคลังครับ"

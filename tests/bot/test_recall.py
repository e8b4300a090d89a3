"""Recall and bounce over the real channels (fake LINE and Telegram APIs), issue 17 point 2:

- the clerk forwards, then recalls from the forward's confirmation: the owner is told it was
  recalled (LINE cannot take a pushed message back; on Telegram the original card is also
  edited to say so, without its buttons), and the owner's old buttons answer politely and do
  nothing; the letter is back to ลงรับแล้ว and is forwarded again;
- an owner bounces a letter that is not theirs and the clerk forwards it again to the right one,
  who acknowledges;
- opened is kept apart from acknowledged: a copy whose reader pressed [สถานะ] is opened, not
  acknowledged; each is an event.
"""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Assignment, Event, Letter, OutboxMessage
from tests.bot.test_flows import register


def _forward(clerk, letter_id, person_id, *more):
    msgs = clerk.press(f"fw:{letter_id}")
    for pid in (person_id, *more):
        msgs = clerk.press(clerk.button(msgs, f"fo:{letter_id}:{pid}"))
    return clerk.press(clerk.button(msgs, f"fp:{letter_id}:"))


def _kinds(stack, letter_id):
    with stack.runtime.read() as s:
        return s.execute(select(Event.kind).where(Event.entity == "letter", Event.entity_id == letter_id)
                         .order_by(Event.seq)).scalars().all()


def test_recall_withdraws_the_owners_notice_and_old_buttons_answer_politely(stack, user_factory, channel):
    demo = stack.demo
    owner_id = demo.person("owner")
    clerk, owner = user_factory(demo.person("clerk")), user_factory(owner_id)
    letter_id = register(clerk)
    done = _forward(clerk, letter_id, owner_id)
    recall_button = clerk.button(done, "rc:")  # [เรียกคืน <name>] on the forward's confirmation
    stack.deliver()
    card = owner.new()
    ack, ret = owner.button(card, "ack:"), owner.button(card, "ret:")

    head = user_factory(demo.person("head"))  # not the sender: the register refuses, nothing changes
    refused = head.text_of(head.press(recall_button))
    assert "สิทธิ์" in refused, refused
    said = clerk.text_of(clerk.press(recall_button))
    assert "เรียกคืน" in said and "แล้ว" in said, said
    again = clerk.text_of(clerk.press(recall_button))
    assert "ไปแล้ว" in again, again  # a second press acts once
    with stack.runtime.read() as s:
        a = s.execute(select(Assignment).where(Assignment.letter_id == letter_id)).unique().scalar_one()
        assert a.status == "recalled" and a.recalled_at is not None
        assert s.get(Letter, letter_id).status == "registered"
    assert _kinds(stack, letter_id).count("assignment.recalled") == 1

    stack.deliver_until_quiet(step=1)
    told = owner.text_of(owner.new())
    assert "ถูกเรียกคืนแล้ว" in told, told
    if channel == "telegram":  # the card itself now says so, and has no buttons left
        edits = [c for c in stack.tg_api.calls("/editMessageText") if str(c.body.get("chat_id")) == str(owner.user_id)]
        assert edits, "the Telegram card was not edited"
        assert "ถูกเรียกคืน" in edits[-1].body["text"]
        assert not (edits[-1].body.get("reply_markup") or {}).get("inline_keyboard")

    for old in (ack, ret):  # the owner's old buttons: answered politely, nothing done
        answer = owner.text_of(owner.press(old))
        assert "ถูกผู้ส่งเรียกคืนแล้ว" in answer and "ค่ะ" in answer, answer
    with stack.runtime.read() as s:
        a = s.get(Assignment, a.id)
        assert a.status == "recalled" and a.acknowledged_at is None and a.returned_at is None
    assert "assignment.acknowledged" not in _kinds(stack, letter_id)

    other = demo.person("owner")  # forwarded again (the letter went back to ลงรับแล้ว)
    again = _forward(clerk, letter_id, other)
    assert "ส่งต่อ" in clerk.text_of(again)
    with stack.runtime.read() as s:
        assert s.get(Letter, letter_id).status == "forwarded"
        assert [x.status for x in s.get(Letter, letter_id).assignments] == ["recalled", "sent"]


def test_an_acknowledged_forward_cannot_be_recalled(stack, user_factory, channel):
    demo = stack.demo
    clerk, owner = user_factory(demo.person("clerk")), user_factory(demo.person("owner"))
    letter_id = register(clerk)
    recall_button = clerk.button(_forward(clerk, letter_id, demo.person("owner")), "rc:")
    stack.deliver()
    owner.press(owner.button(owner.new(), "ack:"))
    said = clerk.text_of(clerk.press(recall_button))
    assert "เรียกคืนไม่ได้" in said and "รับทราบ" in said, said
    with stack.runtime.read() as s:
        assert s.get(Letter, letter_id).status == "acknowledged"


def test_bounce_then_forward_again_to_the_right_owner(stack, user_factory, channel):
    demo = stack.demo
    wrong_id = demo.person("owner")
    with stack.runtime.read() as s:
        from registry.models import Membership

        right_id = next(m.person_id for m in s.execute(select(Membership).where(
            Membership.unit_id == demo.unit("มท 0201"), Membership.role == "owner")).scalars() if m.person_id != wrong_id)
    clerk, wrong, right = user_factory(demo.person("clerk")), user_factory(wrong_id), user_factory(right_id)
    letter_id = register(clerk)
    _forward(clerk, letter_id, wrong_id)
    stack.deliver()
    asked = wrong.press(wrong.button(wrong.new(), "ret:"))
    reason = next((d for _, d in wrong.buttons_of(asked) if d.startswith("rr:")), None)
    bounced = wrong.press(reason) if reason else wrong.say("ไม่ใช่งานของฝ่ายนี้ค่ะ")
    assert "คืน" in wrong.text_of(bounced)
    with stack.runtime.read() as s:
        assert s.get(Letter, letter_id).status == "returned"

    stack.deliver_until_quiet(step=1)
    notice = clerk.new()
    assert "ส่งคืน" in clerk.text_of(notice)
    again = clerk.press(clerk.button(notice, f"fw:{letter_id}"))  # [ส่งต่อใหม่] on the return notice
    again = clerk.press(clerk.button(again, f"fo:{letter_id}:{right_id}"))
    done = clerk.press(clerk.button(again, f"fp:{letter_id}:"))
    assert "ส่งต่อ" in clerk.text_of(done)
    stack.deliver()
    card = right.new()
    assert "ack:" in str(right.buttons_of(card))
    assert "รับทราบ" in right.text_of(right.press(right.button(card, "ack:")))
    with stack.runtime.read() as s:
        letter = s.get(Letter, letter_id)
        assert letter.status == "acknowledged"
        assert [(x.person_id, x.status) for x in letter.assignments] == [(wrong_id, "returned"), (right_id, "acknowledged")]
    kinds = _kinds(stack, letter_id)
    assert kinds.index("assignment.returned") < len(kinds) - 1 - kinds[::-1].index("assignment.sent")


def test_a_circular_tracks_opened_apart_from_acknowledged(stack, user_factory, channel):
    demo = stack.demo
    owners = [demo.person("owner"), demo.person("head")]
    clerk = user_factory(demo.person("clerk"))
    reader, acker = user_factory(owners[0]), user_factory(owners[1])
    letter_id = register(clerk)
    _forward(clerk, letter_id, *owners)
    stack.deliver()
    reader_card, acker_card = reader.new(), acker.new()
    status = next((d for _, d in reader.buttons_of(reader_card) if d.startswith("st:")), f"st:{letter_id}")
    reader.press(status)  # looked at it, never acknowledged
    acker.press(acker.button(acker_card, "ack:"))  # acknowledged straight from the card: opened too
    with stack.runtime.read() as s:
        by = {a.person_id: a for a in s.execute(select(Assignment).where(Assignment.letter_id == letter_id)).unique().scalars()}
        assert by[owners[0]].opened_at is not None and by[owners[0]].acknowledged_at is None
        assert by[owners[0]].status == "sent"
        assert by[owners[1]].opened_at is not None and by[owners[1]].acknowledged_at is not None
        assert by[owners[1]].opened_at <= by[owners[1]].acknowledged_at
        opened = s.execute(select(Event).where(Event.kind == "assignment.opened")).scalars().all()
        assert sorted(e.data["via"] for e in opened) == ["button", "status"]
    reader.press(status)  # once only
    assert _kinds(stack, letter_id).count("assignment.opened") == 2
    with stack.runtime.read() as s:  # the outbox keeps Telegram's message ids for later edits
        if channel == "telegram":
            rows = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "assignment")).scalars().all()
            assert all(r.payload.get("message_ids") for r in rows)

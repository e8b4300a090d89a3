"""Overdue forwards remind the owner through the deliverer (time moved by the test clock)."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import OutboxMessage
from tests.bot.robust_helpers import forward_to_owners
from tests.bot.test_flows import register


def test_overdue_assignment_reminds_the_owner_once(stack):
    stack.channels.deliverer.schedule_reminders = True
    clerk = stack.line_user()
    owner = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    stack.link("line", owner.user_id, stack.demo.person("owner"))
    letter_id = register(clerk)  # ปกติ: due in 3 working days
    forward_to_owners(stack, clerk, letter_id, [stack.demo.person("owner")])
    stack.deliver()
    owner.new()
    stack.deliver()
    with stack.runtime.read() as s:
        assert not s.execute(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).scalars().all()
    stack.clock.advance(days=6)
    stack.deliver()
    stack.deliver()
    reminded = owner.new()
    assert reminded and owner.button(reminded, "ack:")
    with stack.runtime.read() as s:
        rows = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "reminder",
                                                     OutboxMessage.chat_id == owner.user_id)).scalars().all()
        assert len(rows) == 1 and rows[0].status == "sent"


def test_one_digest_per_clerk_per_day(stack):
    stack.channels.deliverer.schedule_reminders = True
    clerk = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    stack.deliver()
    stack.clock.advance(minutes=5)
    stack.deliver()  # the same day: nothing new
    with stack.runtime.read() as s:
        rows = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "digest",
                                                     OutboxMessage.chat_id == clerk.user_id)).scalars().all()
    # the demo clerk keeps two units' books (กองกลาง and ฝ่ายสารบรรณ): one digest for each
    assert len(rows) == 2 and all(r.status == "sent" for r in rows)
    assert len(stack.line_api.pushes(to=clerk.user_id)) == 2

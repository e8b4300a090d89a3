"""Overdue forwards remind the owner, then the clerk and head; one digest a day per clerk."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry.assignments import acknowledge, forward
from registry.commands import Forward, Recipient, RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import ChatAccount, OutboxMessage
from registry.reminders import enqueue_digests, enqueue_reminders

SYSTEM = Actor(None, "test")


def _link(runtime, person_id: int, chat: str) -> None:
    with runtime.transaction() as s:
        s.add(ChatAccount(channel="line", external_id=chat, person_id=person_id, created_at=runtime.clock.now(),
                          linked_at=runtime.clock.now()))


def _forwarded(runtime, demo, priority: str) -> int:
    clerk, owner = demo.person("clerk"), demo.person("owner")
    with runtime.transaction() as s:
        reg = register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="ขอข้อมูลด่วน", priority=priority),
                                actor=Actor(clerk, "line"), clock=runtime.clock)
        return forward(s, Forward(reg.letter_id, (Recipient(person_id=owner),)), actor=Actor(clerk, "line"),
                       clock=runtime.clock).assignment_ids[0]


def _reminders(runtime):
    with runtime.read() as s:
        return [(m.chat_id, m.payload["level"]) for m in
                s.execute(select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.id)).scalars()]


def _tick(runtime):
    with runtime.transaction() as s:
        return enqueue_reminders(s, now=runtime.clock.now())


def test_overdue_reminds_owner_then_escalates_to_clerk_and_head(runtime, demo, clock):
    for role, chat in (("owner", "U-owner"), ("clerk", "U-clerk"), ("head", "U-head")):
        _link(runtime, demo.person(role), chat)
    _forwarded(runtime, demo, "most_urgent")  # due in 1 hour
    clock.advance(minutes=59)
    assert _tick(runtime) == 0 and _reminders(runtime) == []
    clock.advance(minutes=2)
    assert _tick(runtime) == 1 and _reminders(runtime) == [("U-owner", "owner")]
    assert _tick(runtime) == 0  # a second run in the same minute sends nothing more
    clock.advance(minutes=61)
    assert _tick(runtime) == 1
    assert _reminders(runtime) == [("U-owner", "owner"), ("U-clerk", "clerk"), ("U-head", "head")]
    clock.advance(hours=5)
    assert _tick(runtime) == 0  # two reminders, then the list and digest carry it


def test_acknowledged_forward_is_never_reminded(runtime, demo, clock):
    _link(runtime, demo.person("owner"), "U-owner")
    a = _forwarded(runtime, demo, "most_urgent")
    with runtime.transaction() as s:
        acknowledge(s, a, actor=Actor(demo.person("owner"), "line"), clock=clock)
    clock.advance(hours=3)
    assert _tick(runtime) == 0 and _reminders(runtime) == []


def test_one_digest_per_clerk_per_working_day(runtime, demo, clock):
    _link(runtime, demo.person("clerk"), "U-clerk")
    bkk = dt.timezone(dt.timedelta(hours=7))
    clock.set(dt.datetime(2026, 3, 2, 7, 30, tzinfo=bkk))  # Monday before 08:00
    with runtime.transaction() as s:
        assert enqueue_digests(s, now=clock.now()) == 0
    clock.set(dt.datetime(2026, 3, 2, 8, 5, tzinfo=bkk))
    for _ in range(3):
        with runtime.transaction() as s:
            enqueue_digests(s, now=clock.now())
    clock.set(dt.datetime(2026, 3, 3, 9, 0, tzinfo=bkk))  # Tuesday 3 March 2026 is Makha Bucha (a holiday)
    with runtime.transaction() as s:
        assert enqueue_digests(s, now=clock.now()) == 0
    with runtime.read() as s:
        digests = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "digest")).scalars().all()
    # the demo clerk of กองกลาง is clerk of two units (กองกลาง, ฝ่ายสารบรรณ): one digest each, once
    assert sorted(d.payload["date"] for d in digests) == ["2026-03-02", "2026-03-02"]

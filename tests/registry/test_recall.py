"""registry.recall: who may recall which forward, what it does to the letter, and opened."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry.assignments import forward
from registry.commands import Forward, Recipient, RegisterIncoming
from registry.errors import AlreadyDone, InvalidInput, PermissionDenied
from registry.events import Actor, verify_chain
from registry.intake import register_incoming
from registry.models import Delegation, Event, Letter
from registry.recall import mark_opened, recall


def _forwarded(runtime, demo, *recipients, by):
    with runtime.transaction() as s:
        reg = register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="เรื่องทดสอบเรียกคืน"),
                                actor=by, clock=runtime.clock)
        done = forward(s, Forward(reg.letter_id, recipients), actor=by, clock=runtime.clock)
    return reg.letter_id, done.assignment_ids


def test_a_copy_recalled_leaves_the_letter_where_it_was(runtime, demo):
    clerk = Actor(demo.person("clerk"), "test")
    owner, head = demo.person("owner"), demo.person("head")
    letter, (principal, copy) = _forwarded(runtime, demo, Recipient(person_id=owner),
                                           Recipient(person_id=head, role="copy"), by=clerk)
    with runtime.transaction() as s:
        recall(s, copy, actor=clerk, reason="ส่งสำเนาเกิน", clock=runtime.clock)
    with runtime.read() as s:
        assert s.get(Letter, letter).status == "forwarded"  # the principal's forward still stands
        event = s.execute(select(Event).where(Event.kind == "assignment.recalled")).scalar_one()
        assert event.data["reason"] == "ส่งสำเนาเกิน" and event.data["after"] == "forwarded"
        assert verify_chain(s).ok
    with runtime.transaction() as s, pytest.raises(AlreadyDone):
        recall(s, copy, actor=clerk, clock=runtime.clock)


def test_only_the_sender_or_their_stand_in_recalls(runtime, demo):
    clerk_id = demo.person("clerk")
    letter, (aid,) = _forwarded(runtime, demo, Recipient(person_id=demo.person("owner")), by=Actor(clerk_id, "test"))
    stand_in = demo.person("clerk", "มท 0202")
    with runtime.transaction() as s, pytest.raises(PermissionDenied):
        recall(s, aid, actor=Actor(stand_in, "test"), clock=runtime.clock)
    now = runtime.clock.now()
    with runtime.transaction() as s:  # รักษาการแทน the sender: may recall for them
        s.add(Delegation(principal_id=clerk_id, delegate_id=stand_in, starts_at=now - dt.timedelta(hours=1),
                         ends_at=now + dt.timedelta(days=1)))
    with runtime.transaction() as s:
        assert recall(s, aid, actor=Actor(stand_in, "test"), clock=runtime.clock).status == "recalled"
    with runtime.read() as s:
        assert s.get(Letter, letter).status == "registered"


def test_a_forward_to_a_unit_is_not_recalled(runtime, demo):
    clerk = Actor(demo.person("clerk"), "test")
    _letter, (aid,) = _forwarded(runtime, demo, Recipient(unit_id=demo.unit("มท 0202")), by=clerk)
    with runtime.transaction() as s, pytest.raises(InvalidInput, match="หน่วยงานปลายทางลงรับ"):
        recall(s, aid, actor=clerk, clock=runtime.clock)


def test_opened_once_and_only_by_the_recipient(runtime, demo):
    clerk = Actor(demo.person("clerk"), "test")
    owner = Actor(demo.person("owner"), "test")
    _letter, (aid,) = _forwarded(runtime, demo, Recipient(person_id=owner.person_id), by=clerk)
    with runtime.transaction() as s:
        assert mark_opened(s, aid, actor=clerk, via="page", clock=runtime.clock) is False  # the sender looking
        assert mark_opened(s, aid, actor=owner, via="page", clock=runtime.clock) is True
        assert mark_opened(s, aid, actor=owner, via="button", clock=runtime.clock) is False
    with runtime.read() as s:
        assert [e.data["via"] for e in s.execute(select(Event).where(Event.kind == "assignment.opened")).scalars()] == [
            "page"]

"""Every (state, action) pair is allowed by the table or refused with a typed error."""

from __future__ import annotations

import itertools

import pytest

from registry import lifecycle
from registry.assignments import acknowledge, cancel_letter, close_letter, forward, return_assignment
from registry.commands import Forward, Recipient, RegisterIncoming
from registry.errors import AlreadyDone, InvalidTransition, PermissionDenied
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Letter

SYSTEM = Actor(None, "test")


@pytest.mark.parametrize("state,action", list(itertools.product(lifecycle.STATES, lifecycle.ACTIONS)))
def test_table_allows_or_refuses_every_pair(state, action):
    allowed = {(t.source, t.action): t.target for t in lifecycle.TRANSITIONS}
    if (state, action) in allowed:
        assert lifecycle.transition(state, action).target == allowed[(state, action)]
    else:
        with pytest.raises(InvalidTransition) as err:
            lifecycle.transition(state, action)
        assert err.value.message_th  # a Thai message for the user


def _letter_in_state(runtime, demo, state: str) -> tuple[int, int | None]:
    kk, owner = demo.unit("มท 0201"), demo.person("owner")
    with runtime.transaction() as s:
        reg = register_incoming(s, RegisterIncoming(unit_id=kk, subject="เรื่องทดสอบสถานะ"), actor=SYSTEM, clock=runtime.clock)
        letter_id, assignment = reg.letter_id, None
        if state in ("forwarded", "acknowledged", "returned", "closed"):
            fw = forward(s, Forward(letter_id, (Recipient(person_id=owner),)), actor=SYSTEM, clock=runtime.clock)
            assignment = fw.assignment_ids[0]
        if state in ("acknowledged", "closed"):
            acknowledge(s, assignment, actor=Actor(owner, "test"), clock=runtime.clock)
        if state == "returned":
            return_assignment(s, assignment, "ไม่ใช่งานของกอง", actor=Actor(owner, "test"), clock=runtime.clock)
        if state == "closed":
            close_letter(s, letter_id, actor=SYSTEM, clock=runtime.clock)
        if state == "cancelled":
            cancel_letter(s, letter_id, "ทดสอบ", actor=SYSTEM, clock=runtime.clock)
        if state in ("destroyed", "archived"):  # closed, then through a disposal list two years on
            close_letter(s, letter_id, actor=SYSTEM, clock=runtime.clock)
            s.get(Letter, letter_id).retention = "1y"
    if state in ("destroyed", "archived"):
        from registry import disposal

        runtime.clock.advance(days=730)
        year = runtime.clock.now().year + 543
        with runtime.transaction() as s:
            dlist = disposal.draft_list(s, kk, year, actor=SYSTEM, clock=runtime.clock)
            disposal.record_verdict(s, dlist.items[0].id, "destroy" if state == "destroyed" else "archive",
                                    actor=SYSTEM, clock=runtime.clock)
            disposal.carry_out(s, dlist.id, actor=SYSTEM, clock=runtime.clock)
    return letter_id, assignment


def _act(runtime, demo, letter_id, action):
    owner2 = demo.person("owner")
    with runtime.transaction() as s:
        if action == "forward":
            forward(s, Forward(letter_id, (Recipient(person_id=owner2, role="copy"),)), actor=SYSTEM, clock=runtime.clock)
        elif action == "close":
            close_letter(s, letter_id, actor=SYSTEM, clock=runtime.clock)
        elif action == "cancel":
            cancel_letter(s, letter_id, "ทดสอบ", actor=SYSTEM, clock=runtime.clock)
        else:
            raise AssertionError(action)


@pytest.mark.parametrize("state", lifecycle.STATES)
@pytest.mark.parametrize("action", ["forward", "close", "cancel"])
def test_services_follow_the_table(runtime, demo, state, action):
    letter_id, _ = _letter_in_state(runtime, demo, state)
    allowed = {(t.source, t.action): t.target for t in lifecycle.TRANSITIONS}
    if (state, action) in allowed:
        _act(runtime, demo, letter_id, action)
        with runtime.read() as s:
            assert s.get(Letter, letter_id).status == allowed[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            _act(runtime, demo, letter_id, action)
        with runtime.read() as s:
            assert s.get(Letter, letter_id).status == state  # nothing half-written


def test_acknowledging_twice_acts_once(runtime, demo):
    letter_id, assignment = _letter_in_state(runtime, demo, "forwarded")
    owner = Actor(demo.person("owner"), "test")
    with runtime.transaction() as s:
        acknowledge(s, assignment, actor=owner, clock=runtime.clock)
    with pytest.raises(AlreadyDone) as err, runtime.transaction() as s:
        acknowledge(s, assignment, actor=owner, clock=runtime.clock)
    assert "รับทราบ" in err.value.message_th and "แล้ว" in err.value.message_th


def test_only_the_assignee_acknowledges(runtime, demo):
    _, assignment = _letter_in_state(runtime, demo, "forwarded")
    stranger = Actor(demo.person("clerk", "มท 0202"), "test")
    with pytest.raises(PermissionDenied), runtime.transaction() as s:
        acknowledge(s, assignment, actor=stranger, clock=runtime.clock)

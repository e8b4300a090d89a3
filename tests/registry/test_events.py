"""The hash chain: editing any stored event makes verification fail at that event."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select, text

from registry.assignments import acknowledge, forward
from registry.commands import Forward, Recipient, RegisterIncoming
from registry.events import Actor, verify_chain
from registry.intake import register_incoming
from registry.models import Event

SYSTEM = Actor(None, "test")


def _history(runtime, demo) -> None:
    kk, owner = demo.unit("มท 0201"), demo.person("owner")
    for i in range(3):
        with runtime.transaction() as s:
            reg = register_incoming(s, RegisterIncoming(unit_id=kk, subject=f"เรื่อง {i}", ref_no=f"มท 0808.2/ว {i}"),
                                    actor=SYSTEM, clock=runtime.clock)
            fw = forward(s, Forward(reg.letter_id, (Recipient(person_id=owner),)), actor=SYSTEM, clock=runtime.clock)
            acknowledge(s, fw.assignment_ids[0], actor=Actor(owner, "line"), clock=runtime.clock)


def test_every_change_leaves_a_linked_event(runtime, demo):
    _history(runtime, demo)
    with runtime.read() as s:
        kinds = [e.kind for e in s.execute(select(Event).order_by(Event.seq)).scalars()]
        report = verify_chain(s)
    assert kinds.count("letter.registered") == 3 and kinds.count("assignment.acknowledged") == 3
    assert report.ok and report.events == len(kinds)


def test_editing_any_event_breaks_the_chain_at_that_event(runtime, demo):
    _history(runtime, demo)
    with runtime.read() as s:
        events = [(e.id, e.data) for e in s.execute(select(Event).order_by(Event.seq)).scalars()]
    for event_id, _ in events:
        with runtime.engine.begin() as conn:
            original = conn.execute(text("SELECT channel FROM events WHERE id = :i"), {"i": event_id}).scalar_one()
            conn.execute(text("UPDATE events SET channel = 'forged' WHERE id = :i"), {"i": event_id})
        with runtime.read() as s:
            report = verify_chain(s)
        assert not report.ok and report.first_broken == event_id
        with runtime.engine.begin() as conn:
            conn.execute(text("UPDATE events SET channel = :c WHERE id = :i"), {"c": original, "i": event_id})
    with runtime.read() as s:
        assert verify_chain(s).ok


def test_deleting_an_event_is_detected(runtime, demo):
    _history(runtime, demo)
    with runtime.engine.begin() as conn:
        victim = conn.execute(text("SELECT id FROM events ORDER BY seq LIMIT 1 OFFSET 2")).scalar_one()
        after = conn.execute(text("SELECT id FROM events ORDER BY seq LIMIT 1 OFFSET 3")).scalar_one()
        conn.execute(text("DELETE FROM events WHERE id = :i"), {"i": victim})
    with runtime.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.first_broken == after


def test_saraban_verify_command_names_the_broken_event(runtime, demo, database_url):
    _history(runtime, demo)
    env = {"SARABAN_DATABASE_URL": database_url, "PATH": ""}
    ok = subprocess.run([sys.executable, "-m", "saraban.cli", "verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    with runtime.engine.begin() as conn:
        target = conn.execute(text("SELECT id FROM events ORDER BY seq LIMIT 1 OFFSET 4")).scalar_one()
        conn.execute(text("UPDATE events SET kind = 'letter.forged' WHERE id = :i"), {"i": target})
    bad = subprocess.run([sys.executable, "-m", "saraban.cli", "verify"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and f"id={target}" in bad.stderr

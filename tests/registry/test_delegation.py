"""รักษาราชการแทน: naming, ending and listing acting officers; notices for the absent person reach
the acting officer; answers record whom they were for. And link codes: hashed, throttled per chat."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from registry import delegation as acting
from registry.accounts import MAX_WRONG_CODES, issue_link_code, link_directly, try_link
from registry.assignments import acknowledge, forward
from registry.commands import Forward, RegisterIncoming, Recipient
from registry.errors import InvalidInput, PermissionDenied
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Delegation, Event, LinkCode, LinkFailure, OutboxMessage, Person
from registry.reminders import enqueue_reminders

SYS = Actor(None, "test")
DAY = dt.timedelta(days=1)


def _name(runtime, principal, delegate, *, start=dt.timedelta(0), length=3 * DAY, actor=SYS, unit=None, reason=None):
    now = runtime.clock.now()
    with runtime.transaction() as s:
        return acting.name_acting(s, principal_id=principal, delegate_id=delegate, starts_at=now + start,
                                  ends_at=now + start + length, unit_id=unit, reason=reason, actor=actor,
                                  clock=runtime.clock).id


def _chat(runtime, person_id, external_id):
    with runtime.transaction() as s:
        link_directly(s, "telegram", external_id, person_id, actor=SYS, clock=runtime.clock)


def _letter(runtime, demo, secrecy=None):
    with runtime.transaction() as s:
        return register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="ขอเชิญประชุมติดตามงบประมาณ",
                                                     secrecy=secrecy, ref_no="มท 0808.2/ว 1", sender="สถ.",
                                                     letter_date=dt.date(2026, 2, 27)),
                                 actor=SYS, clock=runtime.clock).letter_id


def _forward(runtime, letter_id, person_id, clerk):
    with runtime.transaction() as s:
        return forward(s, Forward(letter_id, (Recipient(person_id=person_id, role="principal"),)),
                       actor=Actor(clerk, "line"), clock=runtime.clock).assignment_ids[0]


def _outbox(runtime, chat_id):
    with runtime.read() as s:
        return list(s.execute(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
                              .order_by(OutboxMessage.id)).scalars())


def test_validation_is_thai_and_nothing_is_written(runtime, demo):
    owner, other, head = demo.person("owner"), demo.person("clerk"), demo.person("head")
    cases = [
        (dict(principal=owner, delegate=owner), "คนละคน"),
        (dict(principal=owner, delegate=other, length=-DAY), "วันสิ้นสุดต้องอยู่หลังวันเริ่ม"),
        (dict(principal=owner, delegate=other, start=-5 * DAY, length=2 * DAY), "ผ่านไปแล้ว"),
    ]
    for kw, message in cases:
        with pytest.raises(InvalidInput) as e:
            _name(runtime, **kw)
        assert message in e.value.message_th
    with runtime.transaction() as s:
        s.get(Person, head).active = False
    with pytest.raises(InvalidInput, match="ไม่ได้ใช้งานระบบแล้ว"):
        _name(runtime, owner, head)
    with runtime.read() as s:
        assert s.execute(select(Delegation)).first() is None
        assert s.execute(select(Event).where(Event.kind.like("delegation.%"))).first() is None


def test_overlap_for_the_same_absent_person_is_refused(runtime, demo):
    owner, clerk, head = demo.person("owner"), demo.person("clerk"), demo.person("head")
    _name(runtime, owner, clerk, start=DAY, length=3 * DAY)
    with pytest.raises(InvalidInput, match="ทับกัน"):
        _name(runtime, owner, head, start=3 * DAY, length=3 * DAY)
    _name(runtime, owner, head, start=4 * DAY, length=2 * DAY)  # right after: fine
    with pytest.raises(InvalidInput, match="ไม่อยู่ในช่วงเวลานี้เอง"):  # the stand-in is away then
        _name(runtime, head, owner, start=2 * DAY, length=DAY)


def test_who_may_name_heads_for_their_units_admins_for_all(runtime, demo):
    owner, clerk, head = demo.person("owner"), demo.person("clerk"), demo.person("head")
    finance = demo.person("owner", "มท 0202")
    kk = demo.unit("มท 0201")
    as_head = Actor(head, "web")
    with pytest.raises(PermissionDenied):  # a head names within one of their units
        _name(runtime, owner, clerk, actor=as_head)
    with pytest.raises(PermissionDenied):  # not someone of another unit
        _name(runtime, finance, clerk, actor=as_head, unit=demo.unit("มท 0202"))
    with pytest.raises(PermissionDenied):  # an owner names nobody
        _name(runtime, clerk, demo.person("owner"), actor=Actor(owner, "web"), unit=kk)
    _name(runtime, owner, clerk, actor=as_head, unit=kk, reason="ลาพักผ่อน")
    _name(runtime, finance, clerk, actor=Actor(demo.person("admin", "มท 02"), "web"))
    with runtime.read() as s:
        assert len(acting.list_acting(s, now=runtime.clock.now(), viewer_id=head)) == 1  # only their unit's
        assert len(acting.list_acting(s, now=runtime.clock.now(), viewer_id=demo.person("admin", "มท 02"))) == 2
        named = s.execute(select(Event).where(Event.kind == "delegation.named").order_by(Event.seq)).scalars().first()
        assert named.actor_id == head and named.data["delegate_id"] == clerk and named.data["reason"] == "ลาพักผ่อน"


def test_forward_and_reminder_reach_the_acting_officer_only_during_the_period(runtime, demo, clock):
    owner, stand_in, clerk = demo.person("owner"), demo.person("owner", "มท 0202"), demo.person("clerk")
    _chat(runtime, owner, "tg-owner")
    _chat(runtime, stand_in, "tg-standin")
    d = _name(runtime, owner, stand_in, reason="ไปราชการ")
    named = _outbox(runtime, "tg-standin")
    assert [m.kind for m in named] == ["acting_named"]
    letter = _letter(runtime, demo)
    a = _forward(runtime, letter, owner, clerk)
    to_standin = [m for m in _outbox(runtime, "tg-standin") if m.kind == "assignment"]
    assert len(to_standin) == 1 and to_standin[0].payload["acting_for"] == owner
    assert to_standin[0].person_id == stand_in and to_standin[0].assignment_id == a
    assert [m.kind for m in _outbox(runtime, "tg-owner")] == ["assignment"]  # the owner still gets theirs
    # overdue: the reminder goes to both
    clock.advance(days=10)
    with runtime.transaction() as s:
        s.get(Delegation, d).ends_at = clock.now() + DAY  # still in force 10 days on
    with runtime.transaction() as s:
        assert enqueue_reminders(s, now=clock.now()) == 1
    assert any(m.kind == "reminder" and m.payload.get("acting_for") == owner for m in _outbox(runtime, "tg-standin"))
    # ended early: the next forward reaches only the owner
    with runtime.transaction() as s:
        acting.end_acting(s, d, actor=SYS, clock=clock)
    before = len(_outbox(runtime, "tg-standin"))
    _forward(runtime, _letter(runtime, demo), owner, clerk)
    assert len(_outbox(runtime, "tg-standin")) == before
    with runtime.read() as s:
        kinds = [e.kind for e in s.execute(select(Event).where(Event.kind.like("delegation.%")).order_by(Event.seq)).scalars()]
        assert kinds == ["delegation.named", "delegation.ended"]
    with pytest.raises(InvalidInput, match="สิ้นสุดไปแล้ว"), runtime.transaction() as s:
        acting.end_acting(s, d, actor=SYS, clock=clock)


def test_acting_officer_is_told_when_the_period_starts_once(runtime, demo, clock):
    owner, stand_in = demo.person("owner"), demo.person("clerk")
    _chat(runtime, stand_in, "tg-standin")
    _name(runtime, owner, stand_in, start=2 * DAY, length=2 * DAY)
    with runtime.transaction() as s:
        assert acting.enqueue_acting_starts(s, now=clock.now()) == 0  # not yet
    clock.advance(days=2, minutes=1)
    for expected in (1, 0):  # a second worker run sends nothing more
        with runtime.transaction() as s:
            assert acting.enqueue_acting_starts(s, now=clock.now()) == expected
    assert [m.kind for m in _outbox(runtime, "tg-standin")] == ["acting_named", "acting_started"]


def test_acknowledging_for_the_absent_person_records_acting_for(runtime, demo):
    owner, stand_in, clerk = demo.person("owner"), demo.person("owner", "มท 0202"), demo.person("clerk")
    a = _forward(runtime, _letter(runtime, demo), owner, clerk)
    with pytest.raises(PermissionDenied), runtime.transaction() as s:  # not before being named
        acknowledge(s, a, actor=Actor(stand_in, "telegram"), clock=runtime.clock)
    _name(runtime, owner, stand_in)
    with runtime.transaction() as s:
        acknowledge(s, a, actor=Actor(stand_in, "telegram"), clock=runtime.clock)
    with runtime.read() as s:
        e = s.execute(select(Event).where(Event.kind == "assignment.acknowledged")).scalar_one()
        assert e.actor_id == stand_in and e.data["acting_for"] == owner


def test_link_codes_are_stored_hashed(runtime, demo):
    with runtime.transaction() as s:
        code = issue_link_code(s, demo.person("owner"), actor=SYS, clock=runtime.clock).code
    with runtime.read() as s:
        row = s.execute(select(LinkCode)).scalar_one()
        assert row.code_hash == hashlib.sha256(code.encode()).hexdigest()
        assert code not in repr([getattr(row, c.key) for c in LinkCode.__table__.columns])


def test_sixth_wrong_code_in_ten_minutes_is_refused_unchecked(runtime, demo, clock):
    with runtime.transaction() as s:
        good = issue_link_code(s, demo.person("owner"), actor=SYS, clock=clock, ttl=dt.timedelta(hours=1)).code
    for i in range(MAX_WRONG_CODES):
        with runtime.transaction() as s:
            attempt = try_link(s, "telegram", "tg-guess", f"WRONG{i:03d}", clock=clock)
        assert attempt.person is None and not attempt.throttled and "ไม่ถูกต้อง" in attempt.refusal
        clock.advance(minutes=1)
    with runtime.transaction() as s:  # the right code now: refused without being looked up
        attempt = try_link(s, "telegram", "tg-guess", good, clock=clock)
    assert attempt.person is None and attempt.throttled and "หลายครั้งเกินไป" in attempt.refusal
    with runtime.read() as s:
        assert s.execute(select(LinkCode.used_at)).scalar_one() is None
        assert len(s.execute(select(LinkFailure)).all()) == MAX_WRONG_CODES
    with runtime.transaction() as s:  # another chat is not affected
        assert try_link(s, "telegram", "tg-other", "WRONG999", clock=clock).throttled is False
    clock.advance(minutes=6)  # the first wrong code left the window
    with runtime.transaction() as s:
        attempt = try_link(s, "telegram", "tg-guess", good, clock=clock)
    assert attempt.person is not None and attempt.person.id == demo.person("owner")


def test_migration_hashes_the_plain_codes_already_issued(database_url, tmp_path):
    """A database of the previous release holds link codes in plain text: after ``saraban init``
    only their sha256 is left, and a live code still links (down again: codes are void)."""
    from alembic import command
    from sqlalchemy import text

    from registry.db import make_engine
    from registry.schema import alembic_config
    from tests.registry.test_migrations import _fresh_url

    from alembic.script import ScriptDirectory

    engine = make_engine(_fresh_url(database_url, tmp_path))
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    # the revision just before this one, whatever the chain's numbering became
    acting_rev = next(r for r in ScriptDirectory.from_config(cfg).walk_revisions() if r.revision.endswith("_acting"))
    before = acting_rev.down_revision
    now = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, before)
        conn.execute(text("INSERT INTO people (id, name, clearance, active, is_demo, created_at) "
                          "VALUES (1, 'นายทดสอบ ระบบ', 'none', true, false, :now)"), {"now": now})
        conn.execute(text("INSERT INTO link_codes (id, code, person_id, created_at, expires_at) "
                          "VALUES (1, 'K7M4Q2XP', 1, :now, :later)"), {"now": now, "later": now + dt.timedelta(hours=1)})
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, acting_rev.revision)
        stored = conn.execute(text("SELECT * FROM link_codes")).mappings().one()
        assert "code" not in stored and stored["code_hash"] == hashlib.sha256(b"K7M4Q2XP").hexdigest()
    from sqlalchemy.orm import Session

    from tests.fakes.clock import FakeClock

    with Session(engine) as s, s.begin():
        attempt = try_link(s, "line", "U-migrated", "k7m4-q2xp", clock=FakeClock(now + dt.timedelta(minutes=5)))
        assert attempt.person is not None and attempt.person.id == 1
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, before)
        assert conn.execute(text("SELECT count(*) FROM link_codes")).scalar_one() == 0
    engine.dispose()

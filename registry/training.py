"""F5 training (indicator level 5): a guided practice of ลงรับ → ส่งต่อ → รับทราบ in a sandbox book.

Practice letters go to the unit's sandbox books (``Book.sandbox``), which never mix with the
real registers: they have their own numbers, are left out of searches, reports, audits and
completeness checks, and send no notices. Completion is recorded per person and counted in the
indicator report.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.assignments import acknowledge, forward, get_letter
from registry.clock import Clock
from registry.commands import Forward, Recipient, RegisterIncoming, Registered
from registry.errors import InvalidInput
from registry.events import Actor, append_event
from registry.intake import register_incoming
from registry.models import Membership, TrainingProgress
from registry.timeutil import thai_date

STEPS = ("register", "forward", "acknowledge", "done")
PRACTICE_SENDER = "ศูนย์ฝึกอบรมระบบสารบรรณ (หนังสือฝึก)"


def practice_header(today: dt.date) -> str:
    """The letter header a trainee pastes, as it would arrive from a real agency."""
    return (f"ที่ มท 0201.9/ว 99\nลงวันที่ {thai_date(today)}\nจาก {PRACTICE_SENDER}\n"
            "เรื่อง ขอให้ทดลองลงรับ ส่งต่อ และรับทราบหนังสือในระบบสารบรรณ")


def progress(session: Session, person_id: int) -> TrainingProgress | None:
    return session.execute(select(TrainingProgress).where(TrainingProgress.person_id == person_id)).scalar_one_or_none()


def start(session: Session, person_id: int, *, actor: Actor, now: dt.datetime) -> TrainingProgress:
    """Begin (or begin again) the tutorial; a finished one keeps its completion date."""
    row = progress(session, person_id)
    if row is None:
        row = TrainingProgress(person_id=person_id, step="register", started_at=now)
        session.add(row)
    elif row.completed_at is None:
        row.step = "register"
    else:
        row.step = "register"  # practising again does not undo the recorded completion
    session.flush()
    append_event(session, kind="training.started", entity="person", entity_id=person_id, actor=actor, at=now,
                 data={"step": row.step})
    return row


def practice_unit(session: Session, person_id: int) -> int:
    unit_id = session.execute(select(Membership.unit_id).where(Membership.person_id == person_id)
                              .order_by(Membership.id).limit(1)).scalar_one_or_none()
    if unit_id is None:
        raise InvalidInput("unit", "ยังไม่ได้กำหนดหน่วยงานของท่าน กรุณาติดต่อผู้ดูแลระบบ")
    return unit_id


def register_practice(session: Session, person_id: int, *, actor: Actor, clock: Clock,
                      fields: dict | None = None) -> Registered:
    """ลงรับ the practice letter into the sandbox book of the trainee's unit."""
    row = _require(session, person_id)
    f = fields or {}
    reg = register_incoming(session, RegisterIncoming(
        unit_id=practice_unit(session, person_id), sandbox=True,
        ref_no=f.get("ref_no") or "มท 0201.9/ว 99", letter_date=f.get("letter_date") or clock.now().date(),
        sender=f.get("sender") or PRACTICE_SENDER, priority=f.get("priority") or "normal",
        subject=f.get("subject") or "ขอให้ทดลองลงรับ ส่งต่อ และรับทราบหนังสือในระบบสารบรรณ"), actor=actor, clock=clock)
    row.step = "forward"
    return reg


def forward_practice(session: Session, person_id: int, letter_id: int, *, actor: Actor, clock: Clock) -> int:
    """ส่งต่อ the practice letter to the trainee themself; returns the assignment id."""
    row = _require(session, person_id)
    letter = get_letter(session, letter_id)
    if not letter.sandbox:
        raise InvalidInput("letter", "ใช้ได้เฉพาะหนังสือฝึกเท่านั้น")
    fw = forward(session, Forward(letter_id, (Recipient(person_id=person_id),), "act", "ทดลองกดรับทราบ"),
                 actor=actor, clock=clock)
    row.step = "acknowledge"
    return fw.assignment_ids[0]


def acknowledge_practice(session: Session, person_id: int, assignment_id: int, *, actor: Actor,
                         clock: Clock) -> TrainingProgress:
    """รับทราบ the practice forward; the tutorial is then complete and recorded."""
    row = _require(session, person_id)
    acknowledge(session, assignment_id, actor=actor, clock=clock)
    now = clock.now()
    row.step = "done"
    first = row.completed_at is None
    if first:
        row.completed_at = now
    append_event(session, kind="training.completed", entity="person", entity_id=person_id, actor=actor, at=now,
                 data={"first_completion": first})
    return row


def _require(session: Session, person_id: int) -> TrainingProgress:
    row = progress(session, person_id)
    if row is None:
        raise InvalidInput("training", "ยังไม่ได้เริ่มการฝึก กรุณาพิมพ์ “ฝึกใช้งาน” เพื่อเริ่ม")
    return row


def completions(session: Session, *, since: dt.datetime | None = None) -> int:
    """How many people have completed the tutorial (for the indicator report, level 5)."""
    query = select(TrainingProgress).where(TrainingProgress.completed_at.is_not(None))
    if since is not None:
        query = query.where(TrainingProgress.completed_at >= since)
    return len(session.execute(query).scalars().all())

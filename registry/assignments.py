"""Forward, acknowledge, return, close and cancel: the lifecycle after ลงรับ.

Every function takes the caller's session and writes in its transaction: the state change
(checked against ``registry.lifecycle``), one event, and the notices for the outbox.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import PURPOSES, Forward, Forwarded, RegisterIncoming
from registry.errors import AssignmentNotFound, InvalidInput, LetterNotFound, PermissionDenied
from registry.events import Actor, append_event
from registry.intake import register_incoming
from registry.lifecycle import assignment_transition, transition
from registry.models import Assignment, Holiday, Letter, Membership, Registration
from registry.outbox import notify_person
from registry.access import CANCEL, MANAGE, may_answer, require
from registry.units import get_person, get_unit
from registry.validation import choice, clean_text
from registry.workdays import due_at


def get_letter(session: Session, letter_id: int, *, lock: bool = False) -> Letter:
    query = select(Letter).where(Letter.id == letter_id)
    if lock:
        query = query.with_for_update(of=Letter)
    letter = session.execute(query).unique().scalar_one_or_none()
    if letter is None:
        raise LetterNotFound(letter_id)
    return letter


def holidays(session: Session) -> list[dt.date]:
    return list(session.execute(select(Holiday.day)).scalars())


def forward(session: Session, cmd: Forward, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Forwarded:
    """ส่งต่อ: to one principal owner and any number of copies, persons or units.

    The due time follows the letter's priority on the working-day calendar. A unit recipient
    registers the letter in its own incoming book with its own number (its clerks are
    notified); a person recipient gets a notice with [รับทราบ] [ไม่ใช่งานของฉัน].
    """
    now = clock.now()
    letter = get_letter(session, cmd.letter_id, lock=True)
    if not letter.sandbox:  # a trainee forwards their own practice letter (F5)
        require(session, actor, letter.unit_id, MANAGE, "ส่งต่อหนังสือของหน่วยงานนี้", now)
    t = transition(letter.status, "forward")
    purpose = choice("purpose", cmd.purpose, PURPOSES, "วัตถุประสงค์")
    instruction = clean_text("instruction", cmd.instruction)
    if not cmd.recipients:
        raise InvalidInput("recipients", "กรุณาเลือกผู้รับอย่างน้อยหนึ่งราย")
    principals = [r for r in cmd.recipients if r.role == "principal"]
    active_principal = any(a.role == "principal" and a.status in ("sent", "acknowledged") for a in letter.assignments)
    if len(principals) > 1 or (principals and active_principal):
        raise InvalidInput("recipients", "เจ้าของเรื่องมีได้เพียงหนึ่งราย ผู้รับอื่นให้ส่งเป็นสำเนา")
    seen: set[tuple[int | None, int | None]] = set()
    due = due_at(letter.priority, now, holidays(session))
    if letter.deadline_at is not None:
        due = min(due, letter.deadline_at)

    created: list[Assignment] = []
    unit_letters: list[int] = []
    for r in cmd.recipients:
        if r.role not in ("principal", "copy"):
            raise InvalidInput("recipients", "บทบาทผู้รับต้องเป็น principal หรือ copy")
        if (r.person_id is None) == (r.unit_id is None):
            raise InvalidInput("recipients", "ผู้รับแต่ละรายต้องเป็นบุคคลหรือหน่วยงานอย่างใดอย่างหนึ่ง")
        key = (r.person_id, r.unit_id)
        if key in seen:
            continue
        seen.add(key)
        assignment = Assignment(letter_id=letter.id, role=r.role, purpose=purpose, instruction=instruction,
                                status="sent", due_at=due, sent_at=now, created_by=actor.person_id)
        if r.person_id is not None:
            person = get_person(session, r.person_id)
            if not person.active:
                raise InvalidInput("recipients", f"{person.name} ไม่ได้ใช้งานระบบแล้ว")
            assignment.person_id = person.id
        else:
            unit = get_unit(session, r.unit_id)  # type: ignore[arg-type]
            assignment.unit_id = unit.id
            # The receiving unit keeps its own register: it gets its own number now.
            copy = register_incoming(session, RegisterIncoming(
                unit_id=unit.id, subject=letter.subject, ref_no=letter.ref_no, letter_date=letter.letter_date,
                sender=letter.sender, addressee=letter.addressee, priority=letter.priority, secrecy=letter.secrecy,
                enclosures=letter.enclosures, kind=letter.kind, retention=letter.retention, received_at=now,
                deadline_at=letter.deadline_at, sandbox=letter.sandbox,
                remarks=f"ส่งต่อจาก {letter.unit.name}"), actor=Actor(None, actor.channel), clock=clock)
            unit_letter = session.get(Letter, copy.letter_id)
            assert unit_letter is not None
            unit_letter.source_letter_id = letter.id
            assignment.unit_letter_id = copy.letter_id
            unit_letters.append(copy.letter_id)
        session.add(assignment)
        created.append(assignment)
    session.flush()

    before = letter.status
    letter.status = t.target
    letter.updated_at = now
    for a in created:
        append_event(session, kind="assignment.sent", entity="letter", entity_id=letter.id, actor=actor, at=now,
                     data={"assignment_id": a.id, "person_id": a.person_id, "unit_id": a.unit_id, "role": a.role,
                           "purpose": purpose, "instruction": instruction, "due_at": due,
                           "before": before, "after": t.target})
        for person_id in ([] if letter.sandbox else _notice_targets(session, a)):  # practice sends no notices
            notify_person(session, person_id, kind="assignment", at=now, assignment_id=a.id,
                          dedupe_key=f"assignment:{a.id}:{person_id}",
                          payload={"assignment_id": a.id, "letter_id": a.unit_letter_id or letter.id})
    return Forwarded(letter.id, tuple(a.id for a in created), tuple(unit_letters))


def _notice_targets(session: Session, a: Assignment) -> list[int]:
    if a.person_id is not None:
        return [a.person_id]
    return list(session.execute(
        select(Membership.person_id).where(Membership.unit_id == a.unit_id, Membership.role == "clerk").distinct()
    ).scalars())


def _get_assignment(session: Session, assignment_id: int) -> Assignment:
    a = session.execute(select(Assignment).where(Assignment.id == assignment_id).with_for_update(of=Assignment)).unique().scalar_one_or_none()
    if a is None:
        raise AssignmentNotFound(assignment_id)
    return a


def acknowledge(session: Session, assignment_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Assignment:
    """รับทราบ: the owner confirms receipt. Repeats raise AlreadyDone (acts at most once)."""
    return _answer(session, assignment_id, "acknowledge", actor=actor, clock=clock)


def return_assignment(
    session: Session, assignment_id: int, reason: str, *, actor: Actor, clock: Clock = SYSTEM_CLOCK
) -> Assignment:
    """ไม่ใช่งานของฉัน: the owner returns the forward with a reason; the clerk is told."""
    reason_text = clean_text("reason", reason, required=True)
    return _answer(session, assignment_id, "return", actor=actor, clock=clock, reason=reason_text)


def _answer(session: Session, assignment_id: int, action: str, *, actor: Actor, clock: Clock,
            reason: str | None = None) -> Assignment:
    now = clock.now()
    a = _get_assignment(session, assignment_id)
    if not may_answer(session, actor, a, now):
        raise PermissionDenied("ตอบรับรายการที่ส่งถึงผู้อื่น")
    target = assignment_transition(a.status, action)
    letter = get_letter(session, a.letter_id, lock=True)
    before = letter.status
    a.status = target
    if action == "acknowledge":
        a.acknowledged_at = now
    else:
        a.returned_at = now
        a.return_reason = reason
    if a.role == "principal" and letter.status == "forwarded":
        letter.status = transition(letter.status, action).target
        letter.updated_at = now
    append_event(session, kind=f"assignment.{'acknowledged' if action == 'acknowledge' else 'returned'}",
                 entity="letter", entity_id=letter.id, actor=actor, at=now,
                 data={"assignment_id": a.id, "reason": reason, "before": before, "after": letter.status,
                       **_acting(a, actor)})
    if a.created_by is not None and not letter.sandbox:  # practice (F5) sends no notices
        notify_person(session, a.created_by, kind=f"{action}_notice", at=now,
                      dedupe_key=f"{action}:{a.id}:{a.created_by}",
                      payload={"assignment_id": a.id, "letter_id": letter.id, "by": actor.person_id})
    return a


def _acting(a: Assignment, actor: Actor) -> dict[str, int]:
    """``acting_for``: whom the actor answered for, when it was not their own forward (รักษาราชการแทน;
    ``may_answer`` has already checked a delegation is in force)."""
    if actor.person_id is not None and a.person_id is not None and actor.person_id != a.person_id:
        return {"acting_for": a.person_id}
    return {}


def close_letter(session: Session, letter_id: int, *, actor: Actor, note: str | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> Letter:
    """ปิดเรื่อง: done and filed; the retention clock starts now."""
    now = clock.now()
    letter = get_letter(session, letter_id, lock=True)
    t = transition(letter.status, "close")  # "already closed" before "not allowed": the truer answer
    if actor.person_id is not None:
        owners = {a.person_id for a in letter.assignments if a.role == "principal" and a.status == "acknowledged"}
        if actor.person_id not in owners:
            require(session, actor, letter.unit_id, MANAGE, "ปิดเรื่องนี้", now)
    before = letter.status
    letter.status = t.target
    letter.closed_at = now
    letter.updated_at = now
    for a in letter.assignments:
        if a.status == "acknowledged":
            a.status = assignment_transition(a.status, "close")
    append_event(session, kind="letter.closed", entity="letter", entity_id=letter.id, actor=actor, at=now,
                 data={"note": clean_text("remarks", note), "before": before, "after": t.target})
    return letter


def cancel_letter(session: Session, letter_id: int, reason: str, *, actor: Actor,
                  clock: Clock = SYSTEM_CLOCK) -> Letter:
    """ยกเลิก: the registration stays in the book with its number, marked cancelled (who, when, why)."""
    now = clock.now()
    reason_text = clean_text("reason", reason, required=True)
    letter = get_letter(session, letter_id, lock=True)
    require(session, actor, letter.unit_id, CANCEL, "ยกเลิกทะเบียนของหน่วยงานนี้", now)
    t = transition(letter.status, "cancel")
    before = letter.status
    letter.status = t.target
    letter.updated_at = now
    reg = session.execute(select(Registration).where(Registration.letter_id == letter.id)).unique().scalar_one()
    reg.cancelled_at = now
    reg.cancelled_by = actor.person_id
    reg.cancel_reason = reason_text
    for a in letter.assignments:
        if a.status == "sent":
            a.status = assignment_transition(a.status, "cancel")
    append_event(session, kind="letter.cancelled", entity="letter", entity_id=letter.id, actor=actor, at=now,
                 data={"reason": reason_text, "book_id": reg.book_id, "number": reg.number,
                       "before": before, "after": t.target})
    return letter

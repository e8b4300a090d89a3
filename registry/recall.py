"""Recall a forward, and note when its recipient first opened it.

- :func:`recall`: the sender of a forward to a person takes it back while it is not yet
  acknowledged or returned (a wrong owner, a wrong letter). The forward becomes ``recalled``; a
  principal's recall puts the letter back to ``registered`` (lifecycle table), so the clerk
  forwards it again. The recipient is told by a ``recall_notice`` (LINE cannot take a pushed
  message back; Telegram's notice is also edited to say it was recalled, bot/deliver.py), and
  the old buttons answer that it was recalled (handlers/acknowledge.py).
- :func:`mark_opened`: the first time the recipient opened it (pressed a button of its card,
  asked its status, viewed its page). A circular (หนังสือเวียน) is read by many who never answer:
  opened and acknowledged are kept apart, each an event.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.access import may_recall, viewer
from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import AssignmentNotFound, InvalidInput, PermissionDenied
from registry.events import Actor, append_event
from registry.lifecycle import assignment_transition, transition
from registry.models import Assignment
from registry.outbox import notify_person
from registry.permissions import acting_for
from registry.validation import clean_text


def _locked(session: Session, assignment_id: int) -> Assignment:
    a = session.execute(select(Assignment).where(Assignment.id == assignment_id)
                        .with_for_update(of=Assignment)).unique().scalar_one_or_none()
    if a is None:
        raise AssignmentNotFound(assignment_id)
    return a


def recall(session: Session, assignment_id: int, *, actor: Actor, reason: str | None = None,
           clock: Clock = SYSTEM_CLOCK) -> Assignment:
    """เรียกคืน: withdraw a forward not yet answered. Repeats raise AlreadyDone; an answered one
    InvalidTransition (the lifecycle's Thai message)."""
    from registry.assignments import get_letter

    now = clock.now()
    a = _locked(session, assignment_id)
    if a.person_id is None:
        raise InvalidInput("assignment", "การส่งต่อถึงหน่วยงานเรียกคืนไม่ได้ เพราะหน่วยงานปลายทางลงรับเป็นเลขของตนแล้ว "
                                         "กรุณาประสานหน่วยงานนั้นค่ะ")
    target = assignment_transition(a.status, "recall")  # AlreadyDone / InvalidTransition first: the truer answer
    if not may_recall(viewer(session, actor.person_id, now), a):
        raise PermissionDenied("เรียกคืนการส่งต่อที่ผู้อื่นเป็นผู้ส่ง")
    letter = get_letter(session, a.letter_id, lock=True)
    before = letter.status
    a.status, a.recalled_at = target, now
    if a.role == "principal" and letter.status == "forwarded":
        letter.status = transition(letter.status, "recall").target
        letter.updated_at = now
    append_event(session, kind="assignment.recalled", entity="letter", entity_id=letter.id, actor=actor, at=now,
                 data={"assignment_id": a.id, "person_id": a.person_id, "role": a.role,
                       "reason": clean_text("reason", reason), "before": before, "after": letter.status})
    if not letter.sandbox:
        notify_person(session, a.person_id, kind="recall_notice", at=now, assignment_id=a.id,
                      dedupe_key=f"recall:{a.id}:{a.person_id}",
                      payload={"assignment_id": a.id, "letter_id": letter.id, "by": actor.person_id})
    return a


def mark_opened(session: Session, assignment_id: int, *, actor: Actor, via: str,
                clock: Clock = SYSTEM_CLOCK) -> bool:
    """Note that the recipient (or whoever acts for them) opened the forward, the first time only
    (an event ``assignment.opened`` with how: ``button``, ``status``, ``page``, ``api``). Anyone
    else looking changes nothing. True when this was the first opening."""
    a = session.get(Assignment, assignment_id)
    if a is None or a.opened_at is not None or actor.person_id is None or a.person_id is None:
        return False
    now = clock.now()
    if a.person_id not in acting_for(session, actor.person_id, now):
        return False
    a = _locked(session, assignment_id)
    if a.opened_at is not None:  # opened meanwhile by another request
        return False
    a.opened_at = now
    append_event(session, kind="assignment.opened", entity="letter", entity_id=a.letter_id, actor=actor, at=now,
                 data={"assignment_id": a.id, "via": via, "status": a.status})
    return True


def mark_letter_opened(session: Session, letter_id: int, *, actor: Actor, via: str,
                       clock: Clock = SYSTEM_CLOCK) -> list[int]:
    """:func:`mark_opened` for every forward of *letter_id* (or forwarded as it) to the viewer."""
    if actor.person_id is None:
        return []
    people = acting_for(session, actor.person_id, clock.now())
    ids = session.execute(select(Assignment.id).where(
        (Assignment.letter_id == letter_id) | (Assignment.unit_letter_id == letter_id),
        Assignment.person_id.in_(sorted(people)), Assignment.opened_at.is_(None))).scalars().all()
    return [i for i in ids if mark_opened(session, i, actor=actor, via=via, clock=clock)]

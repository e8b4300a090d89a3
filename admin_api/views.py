"""Drawing registry rows as API models, withholding classified content from those without clearance."""

from __future__ import annotations

from admin_api.deps import Principal
from admin_api.schemas import AssignmentOut, LetterOut, RegistrationOut
from registry.models import Letter, Person, Registration
from registry.numbering import display_number
from registry.permissions import CLEARANCE_RANK


def may_read(principal: Principal, letter: Letter, person: Person | None) -> bool:
    """Secret content is for the assigned owner and roles with clearance (SARABAN.md, secrecy)."""
    if letter.secrecy is None:
        return True
    if principal.person_id is None:
        return principal.is_admin
    if any(a.person_id == principal.person_id for a in letter.assignments):
        return True
    return person is not None and CLEARANCE_RANK.get(person.clearance, 0) >= CLEARANCE_RANK.get(letter.secrecy, 3)


def registration_out(reg: Registration | None) -> RegistrationOut | None:
    if reg is None:
        return None
    return RegistrationOut(id=reg.id, book=reg.book_id, direction=reg.book.direction, year=reg.book.year,
                           number=reg.number, display=display_number(reg.book, reg.number),
                           received_at=reg.received_at, cancelled_at=reg.cancelled_at, cancel_reason=reg.cancel_reason)


def letter_out(letter: Letter, *, readable: bool, cls=LetterOut, **extra) -> LetterOut:
    hidden = not readable
    return cls(
        id=letter.id, unit_id=letter.unit_id, direction=letter.direction, kind=letter.kind, status=letter.status,
        ref_no=None if hidden else letter.ref_no, letter_date=letter.letter_date,
        sender=None if hidden else letter.sender, addressee=None if hidden else letter.addressee,
        subject=None if hidden else letter.subject, priority=letter.priority, secrecy=letter.secrecy,
        withheld=hidden, enclosures=None if hidden else letter.enclosures,
        remarks=None if hidden else letter.remarks, retention=letter.retention, created_at=letter.created_at,
        registration=registration_out(letter.registration), **extra,
    )


def assignment_out(a) -> AssignmentOut:
    return AssignmentOut(id=a.id, person_id=a.person_id, person_name=a.person.name if a.person else None,
                         unit_id=a.unit_id, role=a.role, purpose=a.purpose, instruction=a.instruction,
                         status=a.status, due_at=a.due_at, sent_at=a.sent_at, delivered_at=a.delivered_at,
                         acknowledged_at=a.acknowledged_at, returned_at=a.returned_at, return_reason=a.return_reason,
                         opened_at=a.opened_at, recalled_at=a.recalled_at)

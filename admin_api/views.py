"""Drawing registry rows as API models through the secrecy projection (registry/access.py)."""

from __future__ import annotations

from admin_api.schemas import AssignmentOut, LetterOut, RegistrationOut
from registry import access
from registry.models import Assignment, Letter, Registration
from registry.numbering import display_number


def registration_out(reg: Registration | None) -> RegistrationOut | None:
    if reg is None:
        return None
    return RegistrationOut(id=reg.id, book=reg.book_id, direction=reg.book.direction, year=reg.book.year,
                           number=reg.number, display=display_number(reg.book, reg.number),
                           received_at=reg.received_at, cancelled_at=reg.cancelled_at, cancel_reason=reg.cancel_reason)


_LETTER_OUT = ("id", "unit_id", "direction", "kind", "status", "ref_no", "letter_date", "sender", "addressee",
               "subject", "priority", "secrecy", "enclosures", "remarks", "retention", "created_at")


def letter_out(v: access.Viewer, letter: Letter, *, cls=LetterOut, **extra) -> LetterOut:
    """The letter as *v* may see it: content withheld (``withheld``) unless *v* may read it."""
    shown = access.project_letter(v, letter)
    return cls(**{k: shown[k] for k in _LETTER_OUT}, withheld=not access.may_read(v, letter),
               registration=registration_out(letter.registration), **extra)


def assignment_out(v: access.Viewer, letter: Letter, a: Assignment) -> AssignmentOut:
    """A forward as *v* may see it: instruction and return reason withheld with the letter's content."""
    shown = access.project_assignment(v, letter, a)
    return AssignmentOut(person_name=a.person.name if a.person else None,
                         **{k: shown[k] for k in access.ASSIGNMENT_FIELDS})

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from admin_api.deps import Principal, PrincipalDep, RuntimeDep, SessionDep, require_roles
from admin_api.schemas import EventOut, IncomingIn, LetterDetail, LetterPage, RegisteredOut, RegistrationOut
from admin_api.views import assignment_out, letter_out, may_read
from registry.assignments import get_letter
from registry.commands import RegisterIncoming
from registry.errors import LetterNotFound, PermissionDenied
from registry.intake import register_incoming
from registry.models import Event, Person
from registry.permissions import has_role
from registry.search import LetterQuery, search_letters
from registry.units import get_unit

router = APIRouter(prefix="/api/v1/letters", tags=["letters"])
Clerk = Annotated[Principal, Depends(require_roles("clerk", "head", "admin"))]


@router.post("/incoming", status_code=201, response_model=RegisteredOut)
def post_incoming(body: IncomingIn, session: SessionDep, runtime: RuntimeDep, principal: Clerk) -> RegisteredOut:
    """ลงรับหนังสือ: ออกเลขทะเบียนรับถัดไปของหน่วยงาน."""
    unit = get_unit(session, body.unit)
    reg = register_incoming(session, RegisterIncoming(
        unit_id=unit.id, ref_no=body.ref_no, letter_date=body.letter_date, sender=body.sender,
        addressee=body.addressee, subject=body.subject, priority=body.priority, secrecy=body.secrecy,
        enclosures=body.enclosures, remarks=body.remarks, received_at=body.received_at,
    ), actor=principal.actor, clock=runtime.clock)
    return RegisteredOut(id=reg.letter_id, duplicates=list(reg.duplicates), registration=RegistrationOut(
        id=reg.registration_id, book=reg.book_id, direction=reg.direction, year=reg.year, number=reg.number,
        display=reg.display_no, received_at=reg.received_at))


@router.get("", response_model=LetterPage)
def list_letters(
    session: SessionDep,
    principal: PrincipalDep,
    unit: int | None = None,
    year: Annotated[int | None, Query(description="ปี พ.ศ. ของทะเบียน", ge=2400, le=2700)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    status: str | None = None,
    priority: str | None = None,
    direction: str | None = None,
    owner: int | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> LetterPage:
    """ค้นหาหนังสือ (ใหม่สุดก่อน) ตามหน่วยงาน ปี คำค้นภาษาไทย สถานะ ฯลฯ."""
    unit_id = unit if principal.has("admin", "auditor") else _visible_unit(session, principal, unit)
    total, rows = search_letters(session, LetterQuery(
        q=q, unit_id=unit_id, year=year, status=status, priority=priority, direction=direction, owner_id=owner,
        received_from=received_from, received_to=received_to, limit=limit, offset=offset))
    viewer = session.get(Person, principal.person_id) if principal.person_id else None
    return LetterPage(total=total, limit=limit, offset=offset,
                      items=[letter_out(l, readable=may_read(principal, l, viewer)) for l in rows])


def _visible_unit(session, principal: Principal, unit: int | None) -> int | None:
    """Staff see their own unit's register; the first unit they belong to when none is named."""
    if unit is not None:
        if principal.person_id is None or has_role(session, principal.person_id, unit, ("clerk", "owner", "head")):
            return unit
        raise PermissionDenied("ดูทะเบียนของหน่วยงานอื่น")
    return principal.roles[0][0] if principal.roles else -1


@router.get("/{letter_id}", response_model=LetterDetail)
def get_letter_detail(letter_id: int, session: SessionDep, principal: PrincipalDep) -> LetterDetail:
    """รายละเอียดหนังสือ พร้อมเลขทะเบียน การส่งต่อ และประวัติเหตุการณ์."""
    letter = get_letter(session, letter_id)
    if not principal.has("admin", "auditor"):
        mine = any(a.person_id == principal.person_id for a in letter.assignments)
        if not mine and not has_role(session, principal.person_id, letter.unit_id, ("clerk", "owner", "head")):
            raise LetterNotFound(letter_id)
    viewer = session.get(Person, principal.person_id) if principal.person_id else None
    readable = may_read(principal, letter, viewer)
    events = session.execute(
        select(Event).where(Event.entity == "letter", Event.entity_id == letter.id).order_by(Event.seq)).scalars()
    return letter_out(letter, readable=readable, cls=LetterDetail,
                      assignments=[assignment_out(a) for a in letter.assignments],
                      events=[EventOut(id=e.id, seq=e.seq, occurred_at=e.occurred_at, actor_id=e.actor_id,
                                       channel=e.channel, kind=e.kind, data=e.data if readable else {})
                              for e in events])

"""Directory administration: units, people and roles, tokens, books (with completeness), link codes,
holidays. Thin: each route calls one service of ``registry.admin`` (which checks and events)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import select

from admin_api.deps import CurrentAdmin, PrincipalDep, RuntimeDep, SessionDep, ViewerDep, allowed
from admin_api.schemas import ID_MAX, Date
from admin_api.schemas import (
    BookOut,
    CancellationOut,
    HolidayIn,
    HolidayOut,
    LinkCodeIn,
    LinkCodeOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    RoleIn,
    RoleOut,
    TokenIn,
    TokenOut,
    UnitDetail,
    UnitIn,
    UnitPatch,
)
from registry import access
from registry import admin as svc
from registry.completeness import check_book
from registry.errors import PermissionDenied
from registry.models import Book, Person
from registry.timeutil import thai_date
from registry.units import get_person, get_unit

router = APIRouter(prefix="/api/v1", tags=["administration"])
Id = Annotated[int, Path(ge=1, le=ID_MAX)]


def unit_detail(u) -> UnitDetail:
    return UnitDetail(id=u.id, code=u.code, name=u.name, short_name=u.short_name, parent=u.parent_id,
                      aliases=list(u.aliases or []), valid_from=u.valid_from, valid_to=u.valid_to,
                      book_reset=u.book_reset)


@router.post("/units", status_code=201, response_model=UnitDetail, tags=["units"])
def create_unit(body: UnitIn, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> UnitDetail:
    """เพิ่มหน่วยงาน (ผู้ดูแลระบบ)."""
    u = svc.create_unit(session, svc.UnitFields(code=body.code, name=body.name, short_name=body.short_name,
                                                aliases=tuple(body.aliases), parent_id=body.parent,
                                                valid_from=body.valid_from, valid_to=body.valid_to,
                                                book_reset=body.book_reset), actor=admin.actor, clock=runtime.clock)
    return unit_detail(u)


@router.get("/units/{unit_id}", response_model=UnitDetail, tags=["units"])
def read_unit(unit_id: Id, session: SessionDep, _p: PrincipalDep) -> UnitDetail:
    """รายละเอียดหน่วยงาน."""
    return unit_detail(get_unit(session, unit_id))


@router.patch("/units/{unit_id}", response_model=UnitDetail, tags=["units"])
def patch_unit(unit_id: Id, body: UnitPatch, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> UnitDetail:
    """แก้ไขหน่วยงาน (ปิดการใช้งานด้วย valid_to เมื่อมีการปรับโครงสร้าง)."""
    u = svc.update_unit(session, unit_id, svc.UnitFields(
        code=body.code, name=body.name, short_name=body.short_name,
        aliases=tuple(body.aliases) if body.aliases is not None else None, parent_id=body.parent,
        valid_from=body.valid_from, valid_to=body.valid_to, book_reset=body.book_reset), actor=admin.actor,
        clock=runtime.clock)
    return unit_detail(u)


def person_out(p: Person) -> PersonOut:
    return PersonOut(id=p.id, name=p.name, position=p.position, clearance=p.clearance, active=p.active,
                     roles=[RoleOut(unit_id=m.unit_id, unit_code=m.unit.code, role=m.role) for m in p.roles])


@router.get("/people", response_model=list[PersonOut], tags=["people"],
            dependencies=[Depends(allowed(access.DIRECTORY))])
def list_people(session: SessionDep, unit: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None) -> list[PersonOut]:
    """ผู้ใช้ทั้งหมดพร้อมบทบาท (กรองตามหน่วยงานได้)."""
    people = session.execute(select(Person).order_by(Person.id)).scalars().all()
    if unit is not None:
        people = [p for p in people if any(m.unit_id == unit for m in p.roles)]
    return [person_out(p) for p in people]


@router.post("/people", status_code=201, response_model=PersonOut, tags=["people"])
def create_person(body: PersonIn, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> PersonOut:
    """เพิ่มผู้ใช้ พร้อมบทบาทในหน่วยงาน."""
    p = svc.create_person(session, svc.PersonFields(name=body.name, position=body.position, clearance=body.clearance),
                          roles=tuple((r.unit, r.role) for r in body.roles), actor=admin.actor, clock=runtime.clock)
    session.flush()
    session.refresh(p)
    return person_out(p)


@router.get("/people/{person_id}", response_model=PersonOut, tags=["people"])
def read_person(person_id: Id, session: SessionDep, principal: PrincipalDep) -> PersonOut:
    """ข้อมูลผู้ใช้ (ตนเอง หรือผู้ดูแลระบบ/ผู้ตรวจสอบ)."""
    if principal.person_id != person_id and not principal.may(access.DIRECTORY):
        raise PermissionDenied("ดูข้อมูลผู้ใช้อื่น")
    return person_out(get_person(session, person_id))


@router.patch("/people/{person_id}", response_model=PersonOut, tags=["people"])
def patch_person(person_id: Id, body: PersonPatch, session: SessionDep, runtime: RuntimeDep,
                 admin: CurrentAdmin) -> PersonOut:
    """แก้ไขผู้ใช้ (ชื่อ ตำแหน่ง ชั้นความลับที่เข้าถึงได้ การใช้งาน)."""
    p = svc.update_person(session, person_id, svc.PersonFields(name=body.name, position=body.position,
                                                               clearance=body.clearance, active=body.active),
                          actor=admin.actor, clock=runtime.clock)
    return person_out(p)


@router.post("/people/{person_id}/roles", status_code=201, response_model=PersonOut, tags=["people"])
def grant_role(person_id: Id, body: RoleIn, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> PersonOut:
    """ให้บทบาทในหน่วยงาน."""
    from registry.errors import InvalidInput, NotFound

    get_person(session, person_id)  # 404: the person in the path
    try:  # 422: the unit named in the body (a 404 would say the person is missing)
        get_unit(session, body.unit)
    except NotFound:
        raise InvalidInput("unit", f"ไม่พบหน่วยงาน {body.unit}") from None
    svc.grant_role(session, person_id, body.unit, body.role, actor=admin.actor, clock=runtime.clock)
    session.flush()
    p = get_person(session, person_id)
    session.refresh(p)
    return person_out(p)


@router.delete("/people/{person_id}/roles/{unit_id}/{role}", response_model=PersonOut, tags=["people"])
def revoke_role(person_id: Id, unit_id: Id, role: str, session: SessionDep, runtime: RuntimeDep,
                admin: CurrentAdmin) -> PersonOut:
    """ถอนบทบาทในหน่วยงาน."""
    svc.revoke_role(session, person_id, unit_id, role, actor=admin.actor, clock=runtime.clock)
    session.flush()
    p = get_person(session, person_id)
    session.refresh(p)
    return person_out(p)


@router.post("/people/{person_id}/tokens", status_code=201, response_model=TokenOut, tags=["people"])
def issue_token(person_id: Id, body: TokenIn, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> TokenOut:
    """ออกโทเคน API ให้ผู้ใช้ (แสดงครั้งเดียว)."""
    row, token = svc.issue_token(session, person_id, label=body.label, actor=admin.actor, clock=runtime.clock)
    return TokenOut(id=row.id, person_id=row.person_id, label=row.label, token=token)


@router.delete("/tokens/{token_id}", status_code=204, tags=["people"])
def revoke_token(token_id: Id, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> None:
    """ยกเลิกโทเคน."""
    svc.revoke_token(session, token_id, actor=admin.actor, clock=runtime.clock)


@router.get("/books", response_model=list[BookOut], tags=["books"])
def list_books(session: SessionDep, v: ViewerDep,
               unit: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
               year: Annotated[int | None, Query(ge=2400, le=2700)] = None) -> list[BookOut]:
    """ทะเบียนทั้งหมด พร้อมผลตรวจความครบถ้วนของเลข (เลขขาด เลขซ้ำ การยกเลิก)."""
    stmt = select(Book).where(Book.sandbox.is_(False)).order_by(Book.unit_id, Book.direction, Book.year)
    if unit is not None:
        stmt = stmt.where(Book.unit_id == unit)
    if year is not None:
        stmt = stmt.where(Book.year == year)
    out = []
    for b in session.execute(stmt).unique().scalars():
        if not access.sees_unit(v, b.unit_id):
            continue
        r = check_book(session, b)
        out.append(BookOut(id=b.id, unit_id=b.unit_id, unit_code=b.unit.code, direction=b.direction, year=b.year,
                           last_number=r.last_number, registered=r.registered, complete=r.ok, gaps=r.gaps,
                           duplicates=r.duplicates, duplicate_letters=r.duplicate_letters,
                           cancellations=[CancellationOut(**c.__dict__) for c in r.cancellations]))
    return out


@router.post("/link-codes", status_code=201, response_model=LinkCodeOut, tags=["link codes"])
def create_link_code(body: LinkCodeIn, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> LinkCodeOut:
    """ออกรหัสผูกบัญชีแชต (ใช้ได้ครั้งเดียว ภายใน 30 นาที)."""
    row, code = svc.create_link_code(session, body.person_id, actor=admin.actor, clock=runtime.clock)
    return LinkCodeOut(id=row.id, person_id=row.person_id, code=code, expires_at=row.expires_at)


@router.get("/link-codes", response_model=list[LinkCodeOut], tags=["link codes"])
def list_link_codes(session: SessionDep, _admin: CurrentAdmin,
                    person: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None) -> list[LinkCodeOut]:
    """รหัสผูกบัญชีที่ออกแล้ว (ไม่แสดงตัวรหัส)."""
    return [LinkCodeOut(id=r.id, person_id=r.person_id, expires_at=r.expires_at, used_at=r.used_at)
            for r in svc.list_link_codes(session, person_id=person)]


def holiday_out(h) -> HolidayOut:
    return HolidayOut(day=h.day, name=h.name, display=thai_date(h.day))


@router.get("/holidays", response_model=list[HolidayOut], tags=["holidays"])
def list_holidays(session: SessionDep, _p: PrincipalDep,
                  year: Annotated[int | None, Query(ge=2400, le=2700, description="ปี พ.ศ.")] = None) -> list[HolidayOut]:
    """วันหยุดราชการ (ใช้คำนวณกำหนดเวลา)."""
    return [holiday_out(h) for h in svc.list_holidays(session, year=year)]


@router.put("/holidays/{day}", response_model=HolidayOut, tags=["holidays"])
def put_holiday(day: Date, body: HolidayIn, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> HolidayOut:
    """เพิ่มหรือแก้ไขวันหยุด."""
    return holiday_out(svc.add_holiday(session, day, body.name, actor=admin.actor, clock=runtime.clock))


@router.delete("/holidays/{day}", status_code=204, tags=["holidays"])
def delete_holiday(day: Date, session: SessionDep, runtime: RuntimeDep, admin: CurrentAdmin) -> None:
    """ลบวันหยุด."""
    svc.remove_holiday(session, day, actor=admin.actor, clock=runtime.clock)



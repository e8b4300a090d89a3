"""จัดการองค์กร: the admin's pages for the unit tree, holidays and API tokens (people are in
``pages_people``). Every action calls a registry writer (``registry.admin``, ``registry.org``),
which checks the actor and appends the event; who sees these pages is ``registry.access.may_administer``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from admin_api.deps import Principal, RuntimeDep
from admin_api.pages_support import form_guard, parse_form_date
from admin_api.routes.pages import _today, page, who
from registry import admin as svc
from registry import org
from registry.access import may_administer, viewer
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RegistryError
from registry.models import ApiToken, Holiday, Person, Unit
from registry.units import get_person

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])

ORG_EVENT_TH = {
    "unit.created": "เพิ่มหน่วยงาน", "unit.updated": "แก้ไขหน่วยงาน", "unit.deactivated": "ปิดการใช้งานหน่วยงาน",
    "unit.reactivated": "เปิดใช้งานหน่วยงานอีกครั้ง", "person.created": "เพิ่มผู้ใช้", "person.updated": "แก้ไขข้อมูลผู้ใช้",
    "person.deactivated": "ปิดการใช้งานผู้ใช้", "person.reactivated": "เปิดใช้งานผู้ใช้อีกครั้ง",
    "person.moved": "ย้ายหน่วยงาน", "person.password_set": "ตั้งรหัสผ่าน", "role.granted": "ให้บทบาท",
    "role.revoked": "ถอนบทบาท", "token.created": "ออกโทเคน API", "token.revoked": "ยกเลิกโทเคน API",
    "chat_account.linked": "ผูกบัญชีแชต", "chat_account.unlinked": "ยกเลิกการผูกบัญชีแชต",
    "link_code.issued": "ออกรหัสผูกบัญชี", "web.signed_in": "เข้าสู่ระบบเว็บ", "web.signed_out": "ออกจากระบบเว็บ",
}


class NotManager(Exception):
    """A signed-in person who may not manage the organisation: answered 403 with a Thai page."""


def install(app) -> None:
    @app.exception_handler(NotManager)
    async def refuse(request: Request, _exc: NotManager) -> Response:
        resp = page(request, "message.html", _exc.args[0], request.app.state.runtime, title="ไม่มีสิทธิ์",
                    message="หน้านี้สำหรับผู้ดูแลระบบเท่านั้นค่ะ หากต้องการเปลี่ยนข้อมูลหน่วยงานหรือผู้ใช้ "
                            "กรุณาติดต่อผู้ดูแลระบบของหน่วยงาน")
        resp.status_code = 403
        return resp


def manager(request: Request, runtime) -> Principal:
    """The signed-in principal, when they may manage the organisation (else NotManager → 403)."""
    principal = who(request, runtime)
    with runtime.read() as s:
        if not may_administer(viewer(s, principal.person_id, runtime.clock.now())):
            raise NotManager(principal)
    return principal


def status_of(e: RegistryError) -> int:
    if isinstance(e, InvalidInput):
        return 422
    if isinstance(e, NotFound):
        return 404
    if isinstance(e, PermissionDenied):
        return 403
    return 409


def failed(resp: HTMLResponse, e: RegistryError) -> HTMLResponse:
    resp.status_code = status_of(e)
    return resp


def redirect_done(url: str, message: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}done={quote(message)}", status_code=303)


def form_int(form, name: str) -> int | None:
    value = str(form.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def form_text(form, name: str, limit: int = 2000) -> str:
    return str(form.get(name) or "")[:limit]


# ---------------------------------------------------------------- the hub

@router.get("/admin/org", response_class=HTMLResponse)
def hub(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    principal = manager(request, runtime)
    today = _today(runtime)
    with runtime.read() as s:
        tree = org.unit_tree(s, on=today)
        people = s.execute(select(func.count(Person.id)).where(Person.active.is_(True))).scalar_one()
        holidays = len(svc.list_holidays(s, year=today.year + 543))
        tokens = s.execute(select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None))).scalar_one()
    return page(request, "org.html", principal, runtime, units=sum(1 for r in tree if r.active), people=people,
                holidays=holidays, tokens=tokens, year_be=today.year + 543)


# ---------------------------------------------------------------- units

def _units_page(request, runtime, principal, *, error=None, values=None, done_msg=None) -> HTMLResponse:
    with runtime.read() as s:
        tree = org.unit_tree(s, on=_today(runtime))
        return page(request, "org_units.html", principal, runtime, tree=tree, error=error, values=values or {},
                    done=done_msg, code_hint=svc.UNIT_CODE_TH)


@router.get("/admin/org/units", response_class=HTMLResponse)
def units_page(request: Request, runtime: RuntimeDep, done: str | None = None) -> HTMLResponse:
    return _units_page(request, runtime, manager(request, runtime), done_msg=done)


@router.post("/admin/org/units")
async def create_unit(request: Request, runtime: RuntimeDep) -> Response:
    principal = manager(request, runtime)
    form = await request.form()
    values = {k: form_text(form, k, 300) for k in ("code", "name", "short_name", "parent_id")}
    try:
        with runtime.transaction() as s:
            unit = svc.create_unit(s, svc.UnitFields(code=values["code"], name=values["name"],
                                                     short_name=values["short_name"] or None,
                                                     parent_id=form_int(form, "parent_id")),
                                   actor=principal.actor, clock=runtime.clock)
            code = unit.code
    except RegistryError as e:
        return failed(_units_page(request, runtime, principal, error=e.message_th, values=values), e)
    return redirect_done("/admin/org/units", f"เพิ่มหน่วยงาน {code} แล้วค่ะ")


def _unit_page(request, runtime, principal, unit_id: int, *, error=None, done_msg=None,
               typed=None) -> HTMLResponse:
    with runtime.read() as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            resp = page(request, "message.html", principal, runtime, title="ไม่พบหน่วยงาน",
                        message=f"ไม่พบหน่วยงาน {unit_id} ค่ะ")
            resp.status_code = 404
            return resp
        today = _today(runtime)
        below = org.descendants(s, unit.id)
        tree = org.unit_tree(s, on=today)
        parents = [r for r in tree if r.unit.id not in below and r.active]
        members = org.list_people(s, unit_id=unit.id, active=True)
        return page(request, "org_unit.html", principal, runtime, unit=unit, active=org.unit_active(unit, today),
                    parents=parents, members=members, error=error, done=done_msg, code_hint=svc.UNIT_CODE_TH,
                    history=org.history(s, "unit", unit.id), ORG_EVENT_TH=ORG_EVENT_TH, typed=typed)


@router.get("/admin/org/units/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, runtime: RuntimeDep, unit_id: int, done: str | None = None) -> HTMLResponse:
    return _unit_page(request, runtime, manager(request, runtime), unit_id, done_msg=done)


@router.post("/admin/org/units/{unit_id}/{action}")
async def unit_action(request: Request, runtime: RuntimeDep, unit_id: int, action: str) -> Response:
    principal = manager(request, runtime)
    form = await request.form()
    try:
        with runtime.transaction() as s:
            if action == "rename":
                u = svc.update_unit(s, unit_id, svc.UnitFields(
                    code=form_text(form, "code", 300), name=form_text(form, "name", 300),
                    short_name=form_text(form, "short_name", 300) or None), actor=principal.actor, clock=runtime.clock)
                message = f"บันทึกชื่อและรหัสของ {u.code} แล้วค่ะ"
            elif action == "move":
                parent = form_int(form, "parent_id")
                if parent is None:
                    raise InvalidInput("parent_id", "กรุณาเลือกหน่วยงานแม่")
                u = svc.update_unit(s, unit_id, svc.UnitFields(parent_id=parent), actor=principal.actor,
                                    clock=runtime.clock)
                message = f"ย้าย {u.code} ไปอยู่ใต้ {s.get(Unit, parent).code} แล้วค่ะ"
            elif action == "deactivate":
                u = org.deactivate_unit(s, unit_id, actor=principal.actor, clock=runtime.clock)
                message = f"ปิดการใช้งานหน่วยงาน {u.code} แล้วค่ะ"
            elif action == "reactivate":
                u = org.reactivate_unit(s, unit_id, actor=principal.actor, clock=runtime.clock)
                message = f"เปิดใช้งานหน่วยงาน {u.code} อีกครั้งแล้วค่ะ"
            else:
                raise NotFound(f"คำสั่ง {action}", action)
    except RegistryError as e:
        typed = {k: form_text(form, k, 300) for k in ("code", "name", "short_name")} if action == "rename" else None
        return failed(_unit_page(request, runtime, principal, unit_id, error=e.message_th, typed=typed), e)
    return redirect_done(f"/admin/org/units/{unit_id}", message)


# ---------------------------------------------------------------- holidays

def _year(value: str | None, today: dt.date) -> int:
    if value and value.isdigit() and 2400 <= int(value) <= 2700:
        return int(value)
    return today.year + 543


def _holidays_page(request, runtime, principal, year_be: int, *, error=None, values=None, done_msg=None):
    with runtime.read() as s:
        days = svc.list_holidays(s, year=year_be)
        years = sorted({d.year + 543 for d in s.execute(select(Holiday.day)).scalars()} | {year_be})
    return page(request, "org_holidays.html", principal, runtime, days=days, year_be=year_be, years=years,
                error=error, values=values or {}, done=done_msg)


@router.get("/admin/org/holidays", response_class=HTMLResponse)
def holidays_page(request: Request, runtime: RuntimeDep, year: str | None = None,
                  done: str | None = None) -> HTMLResponse:
    principal = manager(request, runtime)
    return _holidays_page(request, runtime, principal, _year(year, _today(runtime)), done_msg=done)


@router.post("/admin/org/holidays")
async def add_holiday(request: Request, runtime: RuntimeDep) -> Response:
    principal = manager(request, runtime)
    form = await request.form()
    values = {"day": form_text(form, "day", 40), "name": form_text(form, "name", 300)}
    year_be = _year(form_text(form, "year", 8), _today(runtime))
    try:
        day = parse_form_date(values["day"], today=_today(runtime), field="day", label="วันที่")
        if day is None:
            raise InvalidInput("day", "กรุณาระบุวันที่ เช่น 13/4/2569")
        with runtime.transaction() as s:
            svc.add_holiday(s, day, values["name"], actor=principal.actor, clock=runtime.clock)
    except RegistryError as e:
        return failed(_holidays_page(request, runtime, principal, year_be, error=e.message_th, values=values), e)
    from registry.timeutil import thai_date

    return redirect_done(f"/admin/org/holidays?year={day.year + 543}", f"บันทึกวันหยุด {thai_date(day)} แล้วค่ะ")


@router.post("/admin/org/holidays/remove")
async def remove_holiday(request: Request, runtime: RuntimeDep) -> Response:
    principal = manager(request, runtime)
    form = await request.form()
    year_be = _year(form_text(form, "year", 8), _today(runtime))
    try:
        try:
            day = dt.date.fromisoformat(form_text(form, "day", 20))
        except ValueError as exc:
            raise InvalidInput("day", "วันที่ไม่ถูกต้อง") from exc
        with runtime.transaction() as s:
            svc.remove_holiday(s, day, actor=principal.actor, clock=runtime.clock)
    except RegistryError as e:
        return failed(_holidays_page(request, runtime, principal, year_be, error=e.message_th), e)
    from registry.timeutil import thai_date

    return redirect_done(f"/admin/org/holidays?year={year_be}", f"ลบวันหยุด {thai_date(day)} แล้วค่ะ")


# ---------------------------------------------------------------- API tokens

def _tokens_page(request, runtime, principal, *, error=None, done_msg=None, values=None):
    with runtime.read() as s:
        tokens = org.list_tokens(s)
        people = org.list_people(s, active=True, limit=1000)
    return page(request, "org_tokens.html", principal, runtime, tokens=tokens, people=people, error=error,
                done=done_msg, values=values or {})


@router.get("/admin/org/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, runtime: RuntimeDep, done: str | None = None) -> HTMLResponse:
    return _tokens_page(request, runtime, manager(request, runtime), done_msg=done)


@router.post("/admin/org/tokens")
async def issue_token(request: Request, runtime: RuntimeDep) -> Response:
    """The new token is shown on this one answer (never redirected: it must not sit in a URL) and
    never again; the register keeps only its sha256."""
    principal = manager(request, runtime)
    form = await request.form()
    values = {"person_id": form_text(form, "person_id", 20), "label": form_text(form, "label", 128)}
    try:
        person_id = form_int(form, "person_id")
        if person_id is None:
            raise InvalidInput("person_id", "กรุณาเลือกผู้ใช้ที่จะออกโทเคนให้")
        with runtime.transaction() as s:
            person = get_person(s, person_id)
            if not person.active:
                raise InvalidInput("person_id", f"{person.name} ไม่ได้ใช้งานระบบแล้ว ออกโทเคนให้ไม่ได้")
            row, value = svc.issue_token(s, person_id, actor=principal.actor, label=values["label"] or None,
                                         clock=runtime.clock)
            name, label = person.name, row.label
    except RegistryError as e:
        return failed(_tokens_page(request, runtime, principal, error=e.message_th, values=values), e)
    back = form_text(form, "back", 200)
    resp = page(request, "org_token_issued.html", principal, runtime, token=value, holder=name, label=label,
                back=back if back.startswith("/admin/org/") else "/admin/org/tokens")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@router.post("/admin/org/tokens/{token_id}/revoke")
async def revoke_token(request: Request, runtime: RuntimeDep, token_id: int) -> Response:
    principal = manager(request, runtime)
    form = await request.form()
    back = form_text(form, "back", 200)
    back = back if back.startswith("/admin/org/") else "/admin/org/tokens"
    try:
        with runtime.transaction() as s:
            row = s.get(ApiToken, token_id)
            if row is not None and row.revoked_at is not None:
                raise Conflict("โทเคนนี้ถูกยกเลิกไปแล้วค่ะ")
            svc.revoke_token(s, token_id, actor=principal.actor, clock=runtime.clock)
    except RegistryError as e:
        return failed(_tokens_page(request, runtime, principal, error=e.message_th), e)
    return redirect_done(back, f"ยกเลิกโทเคนหมายเลข {token_id} แล้วค่ะ")

"""ผู้รักษาราชการแทน and รหัสผูกบัญชีแชต: two back-office pages.

``/admin/acting`` — admins and heads of a unit name an acting officer for an absent person (from/to
dates in พ.ศ., optional reason), see who acts for whom, and end a period early
(``registry.delegation``). ``/admin/link-codes`` — an admin issues a one-time code for a person; it
is shown once, with a QR code of the Telegram deep link and the text to send in LINE
(``registry.accounts``). Who may use them is ``registry.access`` (no role checks here).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from admin_api.deps import RuntimeDep
from admin_api.pages_support import form_guard, parse_form_date
from admin_api.routes.pages import _today, page, who
from registry import access
from registry import delegation as acting
from registry.admin import create_link_code, list_link_codes
from registry.errors import InvalidInput, PermissionDenied, RegistryError
from registry.models import Person, Unit

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])


# ---------------------------------------------------------------- acting officers

def _acting_choices(s, person_id: int | None) -> dict:
    """What the form offers this viewer: the absent people and units they may name for, and everyone
    active as a possible acting officer."""
    units = access.acting_units(s, person_id)
    everyone = s.execute(select(Person).where(Person.active.is_(True)).order_by(Person.name)).scalars().all()
    all_units = s.execute(select(Unit).order_by(Unit.code)).scalars().all()
    if units is None:
        absent, unit_rows = everyone, all_units
    else:
        members = access.members_of(s, units)
        absent = [p for p in everyone if p.id in members]
        unit_rows = [u for u in all_units if u.id in units]
    return dict(absent_people=[(p.id, p.name) for p in absent], people=[(p.id, p.name) for p in everyone],
                units=[(u.id, f"{u.name} ({u.code})") for u in unit_rows], any_unit=units is None)


def _acting_page(request: Request, runtime, principal, *, error: str | None = None, done: str | None = None,
                 form: dict | None = None, status: int = 200) -> HTMLResponse:
    now = runtime.clock.now()
    with runtime.read() as s:
        if not access.may_manage_acting(s, principal.person_id):
            raise PermissionDenied("จัดการผู้รักษาราชการแทน (เฉพาะผู้ดูแลระบบและหัวหน้าหน่วยงาน)")
        rows = acting.list_acting(s, now=now, viewer_id=principal.person_id)
        choices = _acting_choices(s, principal.person_id)
    resp = page(request, "acting.html", principal, runtime, rows=rows, STATE_TH_ACTING=acting.STATE_TH,
                error=error, done=done, form=form or {}, **choices)
    resp.status_code = status
    return resp


@router.get("/admin/acting", response_class=HTMLResponse)
def acting_page(request: Request, runtime: RuntimeDep, done: str | None = None, person: str = "") -> Response:
    principal = who(request, runtime)
    try:  # ?person=<id> (from the person's page): that person is the one away
        return _acting_page(request, runtime, principal, done=done,
                            form={"principal_id": person} if person.isdigit() else None)
    except PermissionDenied as e:
        return _refused(request, runtime, principal, e)


def _refused(request: Request, runtime, principal, e: RegistryError) -> HTMLResponse:
    resp = page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์", message=e.message_th)
    resp.status_code = 403
    return resp


def _int(text: str, field: str, message: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(field, message)
    return int(text)


@router.post("/admin/acting")
def name_acting(request: Request, runtime: RuntimeDep,
                principal_id: Annotated[str, Form(max_length=20)] = "",
                delegate_id: Annotated[str, Form(max_length=20)] = "",
                unit_id: Annotated[str, Form(max_length=20)] = "",
                starts: Annotated[str, Form(max_length=40)] = "",
                ends: Annotated[str, Form(max_length=40)] = "",
                reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    principal = who(request, runtime)
    form = dict(principal_id=principal_id, delegate_id=delegate_id, unit_id=unit_id, starts=starts, ends=ends,
                reason=reason)
    today = _today(runtime)
    try:
        absent = _int(principal_id, "principal", "กรุณาเลือกผู้ที่ไม่อยู่")
        stand_in = _int(delegate_id, "delegate", "กรุณาเลือกผู้รักษาราชการแทน")
        first = parse_form_date(starts, today=today, field="starts", label="วันเริ่ม")
        last = parse_form_date(ends, today=today, field="ends", label="วันสิ้นสุด")
        if first is None or last is None:
            raise InvalidInput("starts", "กรุณาใส่วันเริ่มและวันสิ้นสุด (วัน/เดือน/ปี พ.ศ.)")
        if last < first:
            raise InvalidInput("ends", "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม")
        starts_at, ends_at = acting.day_period(first, last)
        with runtime.transaction() as s:
            acting.name_acting(s, principal_id=absent, delegate_id=stand_in, starts_at=starts_at, ends_at=ends_at,
                               unit_id=int(unit_id) if unit_id.strip().isdigit() else None, reason=reason,
                               actor=principal.actor, clock=runtime.clock)
    except PermissionDenied as e:
        return _refused(request, runtime, principal, e)
    except RegistryError as e:
        return _acting_page(request, runtime, principal, error=e.message_th, form=form,
                            status=422 if isinstance(e, InvalidInput) else 409)
    return RedirectResponse("/admin/acting?done=named", status_code=303)


@router.post("/admin/acting/{delegation_id}/end")
def end_acting(request: Request, runtime: RuntimeDep, delegation_id: int) -> Response:
    principal = who(request, runtime)
    try:
        with runtime.transaction() as s:
            acting.end_acting(s, delegation_id, actor=principal.actor, clock=runtime.clock)
    except PermissionDenied as e:
        return _refused(request, runtime, principal, e)
    except RegistryError as e:
        return _acting_page(request, runtime, principal, error=e.message_th, status=409)
    return RedirectResponse("/admin/acting?done=ended", status_code=303)


# ---------------------------------------------------------------- link codes

def qr_svg(text: str) -> str:
    """An inline SVG QR code of *text* (segno; no image file, nothing fetched)."""
    import segno

    return segno.make(text, error="m").svg_inline(scale=5, border=2, title="QR code")


def deep_links(settings, code: str, *, telegram_username: str | None = None) -> dict:
    """How the officer uses the code: Telegram's deep link (the bot's username from the settings,
    else from the running Telegram channel's getMe), the text to send in LINE and LINE's
    add-friend link (when the basic id is set)."""
    username = (getattr(settings, "telegram_bot_username", None) or telegram_username or "").lstrip("@").strip()
    basic_id = (getattr(settings, "line_basic_id", None) or "").strip()
    telegram = f"https://t.me/{quote(username)}?start={code}" if username else None
    line_add = f"https://line.me/R/ti/p/{quote(basic_id if basic_id.startswith('@') else '@' + basic_id)}" if basic_id else None
    return dict(telegram_link=telegram, line_text=f"ผูกบัญชี {code}", line_add=line_add)


def _codes_page(request: Request, runtime, principal, *, issued: dict | None = None, error: str | None = None,
                status: int = 200, selected: str = "") -> HTMLResponse:
    now = runtime.clock.now()
    with runtime.read() as s:
        if not access.may_issue_link_codes(s, principal.person_id):
            raise PermissionDenied("ออกรหัสผูกบัญชี (เฉพาะผู้ดูแลระบบ)")
        people = s.execute(select(Person).where(Person.active.is_(True)).order_by(Person.name)).scalars().all()
        names = {p.id: p.name for p in s.execute(select(Person)).scalars()}
        recent = [dict(id=r.id, person=names.get(r.person_id, "-"), created_at=r.created_at, expires_at=r.expires_at,
                       used_at=r.used_at, state="ใช้แล้ว" if r.used_at else ("หมดอายุ" if r.expires_at <= now else "ยังใช้ได้"))
                  for r in list_link_codes(s)[:50]]
    resp = page(request, "link_codes.html", principal, runtime, people=[(p.id, p.name) for p in people],
                recent=recent, issued=issued, error=error, selected=selected)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"  # the code is shown once: never kept by a cache
    return resp


@router.get("/admin/link-codes", response_class=HTMLResponse)
def link_codes_page(request: Request, runtime: RuntimeDep, person: str = "") -> Response:
    principal = who(request, runtime)
    try:  # ?person=<id> (from the person's page): chosen already
        return _codes_page(request, runtime, principal, selected=person if person.isdigit() else "")
    except PermissionDenied as e:
        return _refused(request, runtime, principal, e)


@router.post("/admin/link-codes")
def issue_code(request: Request, runtime: RuntimeDep, person_id: Annotated[str, Form(max_length=20)] = "") -> Response:
    principal = who(request, runtime)
    try:
        pid = _int(person_id, "person", "กรุณาเลือกผู้ใช้ที่จะออกรหัสให้")
        with runtime.read() as s:
            if not access.may_issue_link_codes(s, principal.person_id):
                raise PermissionDenied("ออกรหัสผูกบัญชี (เฉพาะผู้ดูแลระบบ)")
        with runtime.transaction() as s:
            row, code = create_link_code(s, pid, actor=principal.actor, clock=runtime.clock)
            person = s.get(Person, pid)
            issued = dict(code=code, person=person.name if person else "-", expires_at=row.expires_at)
    except PermissionDenied as e:
        return _refused(request, runtime, principal, e)
    except RegistryError as e:
        return _codes_page(request, runtime, principal, error=e.message_th,
                           status=422 if isinstance(e, InvalidInput) else 409)
    channels = getattr(request.app.state, "channels", None)  # the chat room, when mounted (not imported)
    links = deep_links(request.app.state.settings, issued["code"],
                       telegram_username=getattr(channels, "telegram_username", None))
    # the QR code: Telegram's deep link, else LINE's add-friend link, else the text to send
    target = links["telegram_link"] or links["line_add"] or links["line_text"]
    issued.update(links, qr=qr_svg(target),
                  qr_for="Telegram" if links["telegram_link"] else ("LINE เพิ่มเพื่อน" if links["line_add"]
                                                                    else "ข้อความสำหรับคัดลอกไปส่งในแชต"))
    return _codes_page(request, runtime, principal, issued=issued)

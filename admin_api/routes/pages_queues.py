"""งานค้าง: the work queues per unit and per person, and bulk forward / bulk close with one reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from admin_api.pages_support import form_guard
from admin_api.deps import RuntimeDep
from admin_api.letter_route import forward_choices
from admin_api.routes.pages import _today, page, who
from registry import access
from registry import queues as q
from registry.errors import InvalidInput, PermissionDenied, RegistryError
from registry.models import Person, Unit

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])
BULK_QUEUES = ("waiting_forward", "returned", "overdue", "old_year")


def staff_units(principal) -> tuple[int, ...] | None:
    """The units whose queues this viewer sees: every unit for admins and auditors, else where the
    viewer is a clerk or head (an owner has only their own queue, รอฉันรับทราบ)."""
    units = principal.units_for(access.QUEUES)
    return None if units is None else tuple(units)


def may_act(principal) -> bool:
    return principal.may(access.ACT)


def scopes(session, principal, unit: int | None, now):
    """(unit scope, my scope) for the viewer, narrowed to one of their units when *unit* is given."""
    units = staff_units(principal)
    if unit is not None and (units is None or unit in units):
        units = (unit,)
    mine = q.scope_for(session, principal.person_id, None, now)
    return q.Scope(units, ()), mine


def counts_for(session, principal, now, year_be, unit: int | None = None) -> dict[str, int]:
    unit_scope, mine = scopes(session, principal, unit, now)
    counts = q.queue_counts(session, unit_scope, now=now, year_be=year_be)
    counts["mine"] = q.queue_counts(session, mine, now=now, year_be=year_be)["mine"]
    return counts


@router.get("/admin/queues", response_class=HTMLResponse)
def queues_page(request: Request, runtime: RuntimeDep, queue: str = "", unit: str = "", person: str = "",
                page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1, error: str | None = None,
                done: str | None = None) -> HTMLResponse:
    principal = who(request, runtime)
    now = runtime.clock.now()
    year_be = _today(runtime).year + 543
    unit_id = int(unit) if unit.isdigit() else None
    with runtime.read() as s:
        allowed_units = staff_units(principal)
        units = s.execute(select(Unit).order_by(Unit.code)).scalars().all()
        if allowed_units is not None:
            units = [u for u in units if u.id in allowed_units]
            if unit_id not in allowed_units:
                unit_id = None
        counts = counts_for(s, principal, now, year_be, unit_id)
        if queue not in q.QUEUES:
            queue = next((k for k in q.QUEUES if counts.get(k)), "mine" if not allowed_units and allowed_units is not None else "waiting_forward")
        unit_scope, mine = scopes(s, principal, unit_id, now)
        person_id = int(person) if person.isdigit() else None
        person_name = None
        if person_id is not None and queue == "mine":
            scope = q.Scope(unit_scope.unit_ids, (person_id,))  # one person's waiting forwards, in my units
            p = s.get(Person, person_id)
            person_name = p.name if p else None
        else:
            person_id = None
            scope = mine if queue == "mine" else unit_scope
        total, rows = q.queue_letters(s, queue, scope, now=now, year_be=year_be, limit=50, offset=(page_no - 1) * 50)
        v = principal.viewer(s, now)
        items = [(l, access.may_read(v, l), _late(l, now)) for l in rows]
        loads = q.waiting_by_person(s, unit_scope.unit_ids, now=now) if unit_scope.unit_ids != () else []
        bulk = may_act(principal) and queue in BULK_QUEUES and unit_scope.unit_ids != ()
        people_in, people_other = ([], [])
        if bulk and rows:
            people_in, people_other = forward_choices(s, rows[0])
        return page(request, "queues.html", principal, runtime, counts=counts, queue=queue, QUEUE_TH=q.QUEUE_TH,
                    QUEUES=q.QUEUES, items=items, total=total, units=units, unit=unit_id, page_no=page_no,
                    pages=max(1, (total + 49) // 50), loads=loads, bulk=bulk, people_in_unit=people_in,
                    people_other=people_other, error=error, done=done, person_id=person_id, person_name=person_name)


def _late(letter, now) -> bool:
    return any(a.status == "sent" and a.due_at is not None and a.due_at < now for a in letter.assignments) or (
        letter.deadline_at is not None and letter.deadline_at < now and letter.status == "registered")


@router.post("/admin/queues/bulk")
async def bulk_action(request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    form = await request.form()
    action = str(form.get("action") or "")
    queue = str(form.get("queue") or "")
    unit = str(form.get("unit") or "")
    back = f"/admin/queues?queue={queue}&unit={unit}"
    try:
        ids = [int(str(v)) for v in form.getlist("letter_id") if str(v).isdigit()]
        if not may_act(principal):
            raise PermissionDenied("เปลี่ยนแปลงหนังสือ (ผู้ตรวจสอบอ่านได้อย่างเดียว)")
        with runtime.transaction() as s:
            if action == "forward":
                person = str(form.get("person_id") or "")
                if not person.isdigit():
                    raise InvalidInput("person_id", "กรุณาเลือกผู้รับ")
                done = q.bulk_forward(s, ids, int(person), purpose=str(form.get("purpose") or "act"),
                                      instruction=str(form.get("instruction") or "") or None,
                                      actor=principal.actor, clock=runtime.clock)
            elif action == "close":
                done = q.bulk_close(s, ids, str(form.get("reason") or ""), actor=principal.actor, clock=runtime.clock)
            else:
                raise InvalidInput("action", "ไม่รู้จักคำสั่งนี้")
    except RegistryError as e:
        resp = queues_page(request, runtime, queue=queue, unit=unit, error=e.message_th)
        resp.status_code = 422 if isinstance(e, InvalidInput) else 409
        return resp
    word = "ส่งต่อ" if action == "forward" else "ปิดเรื่อง"
    from urllib.parse import quote

    return RedirectResponse(f"{back}&done={quote(f'{word}แล้ว {len(done)} ฉบับ')}", status_code=303)

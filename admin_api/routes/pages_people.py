"""จัดการองค์กร · ผู้ใช้: the list with filters, adding a person, and one person's page (name and
position, roles per unit, unit moves, clearance, username and password, linked chats, API tokens,
deactivation). Every action is a registry writer and its event; HTTP stays here."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from admin_api.deps import RuntimeDep
from admin_api.pages_support import form_guard
from admin_api.routes.pages import _today, page
from admin_api.routes.pages_org import ORG_EVENT_TH, failed, form_int, form_text, manager, redirect_done
from registry import accounts, org
from registry import admin as svc
from registry.errors import InvalidInput, NotFound, RegistryError
from registry.models import ChatAccount, Person
from registry.permissions import ROLE_TH, ROLES
from registry.signin import MIN_PASSWORD, set_password

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])

CLEARANCE_TH = {"none": "ไม่มี (อ่านได้เฉพาะหนังสือไม่มีชั้นความลับ)", "confidential": "ลับ",
                "secret": "ลับมาก (รวมลับ)", "top_secret": "ลับที่สุด (ทุกชั้น)"}
CHAT_TH = {"line": "LINE", "telegram": "Telegram", "web": "แชตบนเว็บ", "terminal": "เทอร์มินัล"}


def _units(s, runtime):
    return [r for r in org.unit_tree(s, on=_today(runtime)) if r.active]


def _people_page(request, runtime, principal, *, q="", unit="", role="", state="active", error=None, values=None,
                 done_msg=None):
    active = {"active": True, "inactive": False}.get(state)
    with runtime.read() as s:
        people = org.list_people(s, q=q.strip()[:100] or None, unit_id=int(unit) if unit.isdigit() else None,
                                 role=role if role in ROLES else None, active=active)
        return page(request, "org_people.html", principal, runtime, people=people, limit=200, units=_units(s, runtime),
                    q=q[:100], unit=unit, role=role, state=state if state in ("active", "inactive", "all") else "active",
                    roles=ROLES, CLEARANCE_TH=CLEARANCE_TH, error=error, values=values or {}, done=done_msg)


@router.get("/admin/org/people", response_class=HTMLResponse)
def people_page(request: Request, runtime: RuntimeDep, q: str = "", unit: str = "", role: str = "",
                state: str = "active", done: str | None = None) -> HTMLResponse:
    principal = manager(request, runtime)
    return _people_page(request, runtime, principal, q=q, unit=unit, role=role, state=state, done_msg=done)


@router.post("/admin/org/people")
async def create_person(request: Request, runtime: RuntimeDep) -> Response:
    principal = manager(request, runtime)
    form = await request.form()
    values = {k: form_text(form, k, 300) for k in ("name", "position", "clearance", "unit_id", "role")}
    try:
        unit_id, role = form_int(form, "unit_id"), values["role"]
        if (unit_id is None) != (not role):
            raise InvalidInput("role", "กรุณาเลือกทั้งหน่วยงานและบทบาท หรือเว้นว่างทั้งคู่")
        with runtime.transaction() as s:
            person = svc.create_person(s, svc.PersonFields(name=values["name"], position=values["position"] or None,
                                                           clearance=values["clearance"] or "none"),
                                       roles=((unit_id, role),) if unit_id is not None else (),
                                       actor=principal.actor, clock=runtime.clock)
            pid, name = person.id, person.name
    except RegistryError as e:
        return failed(_people_page(request, runtime, principal, error=e.message_th, values=values), e)
    return redirect_done(f"/admin/org/people/{pid}", f"เพิ่มผู้ใช้ {name} แล้วค่ะ")


def _person_page(request, runtime, principal, person_id: int, *, error=None, error_at=None, done_msg=None,
                 values=None) -> HTMLResponse:
    with runtime.read() as s:
        person = s.get(Person, person_id)
        if person is None:
            resp = page(request, "message.html", principal, runtime, title="ไม่พบผู้ใช้",
                        message=f"ไม่พบผู้ใช้หมายเลข {person_id} ค่ะ")
            resp.status_code = 404
            return resp
        held = org.memberships(s, person.id)
        held_units = []
        for m in held:
            if m.unit not in held_units:
                held_units.append(m.unit)
        return page(request, "org_person.html", principal, runtime, person=person, held=held, held_units=held_units,
                    units=_units(s, runtime), roles=ROLES, CLEARANCE_TH=CLEARANCE_TH, CHAT_TH=CHAT_TH,
                    credential=org.credential_of(s, person.id), chats=org.linked_chats(s, person.id),
                    tokens=org.list_tokens(s, person_id=person.id), min_password=MIN_PASSWORD,
                    history=org.history(s, "person", person.id), ORG_EVENT_TH=ORG_EVENT_TH,
                    error=error, error_at=error_at, done=done_msg, values=values or {})


@router.get("/admin/org/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, runtime: RuntimeDep, person_id: int, done: str | None = None) -> HTMLResponse:
    return _person_page(request, runtime, manager(request, runtime), person_id, done_msg=done)


@router.post("/admin/org/people/{person_id}/{action}")
async def person_action(request: Request, runtime: RuntimeDep, person_id: int, action: str) -> Response:
    principal = manager(request, runtime)
    form = await request.form()
    actor, clock = principal.actor, runtime.clock
    values = {k: form_text(form, k, 300) for k in ("name", "position", "username")}  # typed text is kept on error
    try:
        with runtime.transaction() as s:
            person = s.get(Person, person_id)
            if person is None:
                raise NotFound(f"ผู้ใช้หมายเลข {person_id}", person_id)
            if action == "edit":
                p = svc.update_person(s, person_id, svc.PersonFields(name=form_text(form, "name", 300),
                                                                    position=form_text(form, "position", 300)),
                                      actor=actor, clock=clock)
                message = f"บันทึกชื่อและตำแหน่งของ {p.name} แล้วค่ะ"
            elif action == "clearance":
                level = form_text(form, "clearance", 20)
                svc.update_person(s, person_id, svc.PersonFields(clearance=level), actor=actor, clock=clock)
                message = f"กำหนดชั้นความลับที่เข้าถึงได้เป็น “{CLEARANCE_TH.get(level, level)}” แล้วค่ะ"
            elif action in ("grant", "revoke"):
                unit_id, role = form_int(form, "unit_id"), form_text(form, "role", 20)
                if unit_id is None:
                    raise InvalidInput("unit_id", "กรุณาเลือกหน่วยงาน")
                if action == "grant":
                    svc.grant_role(s, person_id, unit_id, role, actor=actor, clock=clock)
                    message = f"ให้บทบาท{ROLE_TH.get(role, role)}แล้วค่ะ"
                else:
                    svc.revoke_role(s, person_id, unit_id, role, actor=actor, clock=clock)
                    message = f"ถอนบทบาท{ROLE_TH.get(role, role)}แล้วค่ะ"
            elif action == "move":
                source, target = form_int(form, "from_unit"), form_int(form, "to_unit")
                if source is None or target is None:
                    raise InvalidInput("to_unit", "กรุณาเลือกหน่วยงานเดิมและหน่วยงานใหม่")
                moved = org.move_person(s, person_id, source, target, actor=actor, clock=clock)
                message = "ย้ายหน่วยงานแล้ว (บทบาท: " + ", ".join(ROLE_TH.get(r, r) for r in moved) + ") ค่ะ"
            elif action == "password":
                password, again = form_text(form, "password", 1100), form_text(form, "password2", 1100)
                if password != again:
                    raise InvalidInput("password2", "รหัสผ่านทั้งสองช่องไม่ตรงกัน กรุณาพิมพ์ใหม่")
                cred = set_password(s, person_id, password, username=values["username"] or None, actor=actor,
                                    clock=clock)
                message = f"ตั้งรหัสผ่านของชื่อผู้ใช้ {cred.username} แล้ว ผู้ใช้ต้องเข้าสู่ระบบใหม่ค่ะ"
            elif action in ("deactivate", "reactivate"):
                org.set_person_active(s, person_id, action == "reactivate", actor=actor, clock=clock)
                message = ("เปิดใช้งานอีกครั้งแล้วค่ะ" if action == "reactivate"
                           else "ปิดการใช้งานแล้ว และออกจากระบบทุกเครื่องแล้วค่ะ")
            elif action == "unlink":
                account = s.get(ChatAccount, form_int(form, "account_id") or -1)
                if account is None or account.person_id != person_id:
                    raise InvalidInput("account_id", "ไม่พบบัญชีแชตนี้ของผู้ใช้")
                channel = CHAT_TH.get(account.channel, account.channel)
                accounts.unlink_account(s, account.channel, account.external_id, actor=actor, clock=clock)
                message = f"ยกเลิกการผูกบัญชี {channel} แล้วค่ะ"
            else:
                raise NotFound(f"คำสั่ง {action}", action)
    except RegistryError as e:
        return failed(_person_page(request, runtime, principal, person_id, error=e.message_th, error_at=action,
                                   values=values), e)
    return redirect_done(f"/admin/org/people/{person_id}", message)

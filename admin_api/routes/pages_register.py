"""Registering on the web: ลงรับ (paste a header or type the fields, attach the scan), ออกเลขหนังสือส่ง,
and correcting a registered letter's fields. The same parser (nlp) and the same registry
services as the chat, so the web checks, warns and numbers exactly as the chat does.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from admin_api.pages_support import be_date_text, form_guard, parse_form_date
from admin_api.routes.pages import _today, page, who
from admin_api.deps import RuntimeDep
from registry import access
from registry.commands import PRIORITY_TH, SECRECY_TH, RegisterIncoming, RegisterOutgoing
from registry.errors import InvalidInput, RegistryError
from registry.models import Letter, Registration, Unit
from registry.validation import clean_text

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])

INCOMING = ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures", "priority", "secrecy", "remarks")
OUTGOING = ("addressee", "subject", "letter_date", "enclosures", "priority", "secrecy", "sent_via", "remarks")
# The chat asks for these before [ยืนยัน] (handlers/intake.py REQUIRED); the web form asks the same.
REQUIRED_IN = ("subject", "sender")
REQUIRED_OUT = ("subject", "addressee")
LABEL = {"ref_no": "ที่", "letter_date": "ลงวันที่", "sender": "จาก", "addressee": "ถึง (เรียน)", "subject": "เรื่อง",
         "enclosures": "สิ่งที่ส่งมาด้วย", "priority": "ชั้นความเร็ว", "secrecy": "ชั้นความลับ", "remarks": "หมายเหตุ",
         "sent_via": "ส่งโดย (ช่องทาง/ผู้นำส่ง)", "scan": "ไฟล์สแกนหรือรูปถ่าย (PDF, JPEG, PNG)"}
_KEPT = re.compile(r"^([0-9a-f]{64})(\.(?:pdf|jpg|png|webp|gif|heic))$")


def writable_units(request: Request, runtime, principal) -> list[Unit]:
    """The units whose books this person may write in: clerk, head or admin there (admins: all)."""
    with runtime.read() as s:
        units = s.execute(select(Unit).order_by(Unit.code)).scalars().all()
        if principal.may(access.ADMIN):
            return [u for u in units if not (u.valid_to and u.valid_to < _today(runtime))]
        mine = set(principal.units_for(access.MANAGE) or ())
        return [u for u in units if u.id in mine]


def _form_page(request, runtime, principal, *, kind: str, values: dict, errors: dict, units, status: int = 200,
               duplicates: list | None = None, header: str = "", kept: str | None = None, notice: str | None = None):
    resp = page(request, "register.html", principal, runtime, kind=kind, values=values, errors=errors, units=units,
                LABEL=LABEL, duplicates=duplicates or [], header=header, kept=kept, notice=notice,
                fields=INCOMING if kind == "incoming" else OUTGOING,
                required=REQUIRED_IN if kind == "incoming" else REQUIRED_OUT)
    resp.status_code = status
    return resp


@router.get("/admin/register", response_class=HTMLResponse)
def register_form(request: Request, runtime: RuntimeDep) -> Response:
    """ลงรับหนังสือ: an empty form (or the one the clerk pastes a header into)."""
    principal = who(request, runtime)
    units = writable_units(request, runtime, principal)
    if not units:
        return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์ลงรับ",
                    message="ขออภัย ท่านยังไม่ได้เป็นเจ้าหน้าที่สารบรรณของหน่วยงานใด กรุณาติดต่อผู้ดูแลระบบค่ะ")
    return _form_page(request, runtime, principal, kind="incoming", units=units, errors={},
                      values={"unit_id": units[0].id, "priority": "normal"})


@router.get("/admin/outgoing", response_class=HTMLResponse)
def outgoing_form(request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    units = writable_units(request, runtime, principal)
    if not units:
        return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์ออกเลข",
                    message="ขออภัย ท่านยังไม่ได้เป็นเจ้าหน้าที่สารบรรณของหน่วยงานใด กรุณาติดต่อผู้ดูแลระบบค่ะ")
    return _form_page(request, runtime, principal, kind="outgoing", units=units, errors={},
                      values={"unit_id": units[0].id, "priority": "normal",
                              "letter_date": be_date_text(_today(runtime))})


def _form_values(form, names) -> dict:
    values = {name: str(form.get(name) or "").strip() for name in names}
    values["unit_id"] = int(str(form.get("unit_id") or "0")) if str(form.get("unit_id") or "").isdigit() else None
    values["circular"] = bool(form.get("circular"))
    return values


def _check(values: dict, names, required, runtime) -> tuple[dict, dict]:
    """(clean values for the command, Thai errors by field): the register's own checks, before writing."""
    errors: dict[str, str] = {}
    clean: dict = {}
    secret_top = values.get("secrecy") == "top_secret"
    for name in names:
        raw = values.get(name) or ""
        try:
            if name == "letter_date":
                clean[name] = parse_form_date(raw, today=_today(runtime), field=name, label="ลงวันที่")
            elif name == "priority":
                if (raw or "normal") not in PRIORITY_TH:
                    raise InvalidInput(name, "กรุณาเลือกชั้นความเร็ว")
                clean[name] = raw or "normal"
            elif name == "secrecy":
                if raw and raw not in SECRECY_TH:
                    raise InvalidInput(name, "กรุณาเลือกชั้นความลับ")
                clean[name] = raw or None
            else:
                clean[name] = clean_text(name, raw, required=name in required and not secret_top)
                if name in required and not secret_top and not clean[name]:
                    raise InvalidInput(name, f"กรุณาระบุ{LABEL[name]}")
        except InvalidInput as e:
            errors[name] = e.message_th
    if values.get("unit_id") is None:
        errors["unit_id"] = "กรุณาเลือกหน่วยงาน"
    return clean, errors


async def _scan(request: Request, runtime, form) -> tuple[object | None, str | None]:
    """The uploaded scan stored by content (registry.attachments.store_file), or the one kept from a
    previous round of this form (a duplicate warning re-shows the form: the file is not lost)."""
    from registry.attachments import ALLOWED_TYPES, StoredFile, sniff, store_file

    upload = form.get("scan")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        if data:
            return store_file(runtime.attachments_dir, data, content_type=upload.content_type,
                              filename=upload.filename), None
    kept = str(form.get("kept_scan") or "")
    match = _KEPT.match(kept)
    if match:
        path = Path(runtime.attachments_dir) / match.group(1)[:2] / kept
        if path.is_file():
            data = path.read_bytes()
            kind = sniff(data)
            if kind in ALLOWED_TYPES:
                name = str(form.get("kept_name") or "")[:255] or None
                return StoredFile(match.group(1), len(data), kind, f"{match.group(1)[:2]}/{kept}", name), None
    return None, None


@router.post("/admin/register")
async def register_post(request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    form = await request.form()
    units = writable_units(request, runtime, principal)
    action = str(form.get("action") or "register")
    header = str(form.get("header") or "")[:20_000]
    values = _form_values(form, INCOMING)
    if action == "parse":
        return _parsed(request, runtime, principal, units, values, header)
    try:
        stored, _ = await _scan(request, runtime, form)
    except InvalidInput as e:
        return _form_page(request, runtime, principal, kind="incoming", values=values, errors={"scan": e.message_th},
                          units=units, status=422, header=header)
    kept = Path(stored.storage_path).name if stored else None
    clean, errors = _check(values, INCOMING, REQUIRED_IN, runtime)
    if values.get("unit_id") not in {u.id for u in units}:
        errors["unit_id"] = "ท่านลงรับในหน่วยงานนี้ไม่ได้ กรุณาเลือกหน่วยงานของท่าน"
    if errors:
        return _form_page(request, runtime, principal, kind="incoming", values=values, errors=errors, units=units,
                          status=422, header=header, kept=kept, notice=stored.filename if stored else None)
    from registry.intake import find_duplicates

    if not form.get("dup_ok"):
        with runtime.read() as s:
            dups = find_duplicates(s, values["unit_id"], clean.get("ref_no"), clean.get("letter_date"), clean.get("sender"))
            numbers = _numbers(s, dups)
        if numbers:  # the chat's warning: shown before the number is taken, never a refusal
            return _form_page(request, runtime, principal, kind="incoming", values=values, errors={}, units=units,
                              status=409, duplicates=numbers, header=header, kept=kept,
                              notice=stored.filename if stored else None)
    from registry.attachments import add_attachment
    from registry.intake import register_incoming

    try:
        with runtime.transaction() as s:
            reg = register_incoming(s, RegisterIncoming(unit_id=values["unit_id"], **clean), actor=principal.actor,
                                    clock=runtime.clock)
            if stored is not None and clean.get("secrecy") != "top_secret":
                add_attachment(s, reg.letter_id, stored, actor=principal.actor, clock=runtime.clock)
    except RegistryError as e:
        field = getattr(e, "field", None) or "form"
        return _form_page(request, runtime, principal, kind="incoming", values=values, errors={field: e.message_th},
                          units=units, status=422 if isinstance(e, InvalidInput) else 403, header=header, kept=kept)
    return RedirectResponse(f"/admin/letters/{reg.letter_id}?receipt=1", status_code=303)


def _parsed(request, runtime, principal, units, values, header) -> Response:
    """Prefill the form from a pasted header through the chat's own parser (nlp.parse)."""
    from nlp.parse import parse_message

    if not header.strip():
        return _form_page(request, runtime, principal, kind="incoming", values=values, units=units, status=422,
                          errors={"header": "กรุณาวางข้อความหัวหนังสือก่อนกด “อ่านข้อความ”"}, header=header)
    result = parse_message(header, today=_today(runtime))
    if result.intent not in ("register_incoming", "register_outgoing"):
        result = parse_message("ลงรับ\n" + header, today=_today(runtime))  # a fragment: read it as a header anyway
    found = {name: result.value(name) for name in ("ref_no", "letter_date", "sender", "addressee", "subject",
                                                   "enclosures", "priority", "secrecy")}
    errors = {e.field: e.message for e in result.errors if e.field in INCOMING}
    filled = dict(values)
    for name, value in found.items():
        if value in (None, "") or name in errors:
            continue
        filled[name] = be_date_text(value) if name == "letter_date" else str(value)
    if not any(v for k, v in found.items() if k not in ("priority",) and v):
        errors["header"] = "อ่านข้อมูลจากข้อความนี้ไม่ได้ กรุณาตรวจสอบหรือกรอกแต่ละช่องเองค่ะ"
    return _form_page(request, runtime, principal, kind="incoming", values=filled, errors=errors, units=units,
                      header=header, status=200 if "header" not in errors else 422)


def _numbers(session, letter_ids) -> list[tuple[int, str]]:
    """(letter id, "15/2569") of registered letters, for links in the duplicate warning."""
    ids = list(letter_ids)
    if not ids:
        return []
    rows = session.execute(select(Registration).where(Registration.letter_id.in_(ids))).unique().scalars().all()
    return [(r.letter_id, f"{r.number}/{r.book.year}") for r in sorted(rows, key=lambda r: (r.book.year, r.number))]


@router.post("/admin/outgoing")
async def outgoing_post(request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    form = await request.form()
    units = writable_units(request, runtime, principal)
    values = _form_values(form, OUTGOING)
    clean, errors = _check(values, OUTGOING, REQUIRED_OUT, runtime)
    if values.get("unit_id") not in {u.id for u in units}:
        errors["unit_id"] = "ท่านออกเลขในหน่วยงานนี้ไม่ได้ กรุณาเลือกหน่วยงานของท่าน"
    if errors:
        return _form_page(request, runtime, principal, kind="outgoing", values=values, errors=errors, units=units,
                          status=422)
    from registry.intake import register_outgoing

    try:
        with runtime.transaction() as s:
            reg = register_outgoing(s, RegisterOutgoing(unit_id=values["unit_id"], circular=values["circular"], **clean),
                                    actor=principal.actor, clock=runtime.clock)
    except RegistryError as e:
        field = getattr(e, "field", None) or "form"
        return _form_page(request, runtime, principal, kind="outgoing", values=values, errors={field: e.message_th},
                          units=units, status=422 if isinstance(e, InvalidInput) else 403)
    return RedirectResponse(f"/admin/letters/{reg.letter_id}?receipt=1", status_code=303)


# ---------------------------------------------------------------- correction

def _correction_page(request, runtime, principal, letter_id: int, *, values=None, errors=None, status=200):
    from admin_api.routes.letters import visible_letter
    from registry.corrections import correctable_fields

    with runtime.read() as s:
        v = principal.viewer(s, runtime.clock.now())
        try:
            letter = visible_letter(s, v, letter_id)
        except RegistryError as e:
            return page(request, "message.html", principal, runtime, title="ไม่พบหนังสือ", message=e.message_th)
        if not access.may_read(v, letter):
            return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์",
                        message="ขออภัย หนังสือนี้มีชั้นความลับ ท่านแก้ไขรายละเอียดไม่ได้")
        fields = correctable_fields(letter)
        current = {f: (be_date_text(getattr(letter, f)) if f == "letter_date" else (getattr(letter, f) or ""))
                   for f in fields}
        resp = page(request, "correct.html", principal, runtime, letter=letter, fields=fields, LABEL=LABEL,
                    values=values or current, errors=errors or {}, current=current)
    resp.status_code = status
    return resp


@router.get("/admin/letters/{letter_id}/correct", response_class=HTMLResponse)
def correct_form(letter_id: int, request: Request, runtime: RuntimeDep) -> Response:
    return _correction_page(request, runtime, who(request, runtime), letter_id)


@router.post("/admin/letters/{letter_id}/correct")
async def correct_post(letter_id: int, request: Request, runtime: RuntimeDep) -> Response:
    from admin_api.routes.letters import visible_letter
    from registry.corrections import correct_letter, correctable_fields

    principal = who(request, runtime)
    form = await request.form()
    with runtime.read() as s:
        try:
            letter = visible_letter(s, principal.viewer(s, runtime.clock.now()), letter_id)
        except RegistryError as e:
            return page(request, "message.html", principal, runtime, title="ไม่พบหนังสือ", message=e.message_th)
        fields = correctable_fields(letter)
    values = {f: str(form.get(f) or "").strip() for f in fields}
    reason = str(form.get("reason") or "")
    errors: dict[str, str] = {}
    changes: dict[str, object] = {}
    for name in fields:
        if name not in form:
            continue  # a field the form did not send stays as it is
        if name == "letter_date":
            try:
                changes[name] = parse_form_date(values[name], today=_today(runtime), field=name, label="ลงวันที่")
            except InvalidInput as e:
                errors[name] = e.message_th
        else:
            changes[name] = values[name] or None
    if not reason.strip():
        errors["reason"] = "กรุณาระบุเหตุผลการแก้ไข"
    if not errors:
        try:
            with runtime.transaction() as s:
                correct_letter(s, letter_id, changes, reason, actor=principal.actor, clock=runtime.clock)
        except RegistryError as e:
            errors[getattr(e, "field", None) or "form"] = e.message_th
    if errors:
        values["reason"] = reason
        return _correction_page(request, runtime, principal, letter_id, values=values, errors=errors, status=422)
    return RedirectResponse(f"/admin/letters/{letter_id}?done=correct", status_code=303)


def registered_event_duplicates(session, letter: Letter) -> list[tuple[int, str]]:
    """The duplicates the registration found (kept in its event): the receipt shows them again."""
    from registry.models import Event

    event = session.execute(select(Event).where(Event.entity == "letter", Event.entity_id == letter.id,
                                                Event.kind == "letter.registered").limit(1)).scalar_one_or_none()
    ids = (event.data or {}).get("duplicates") or [] if event is not None else []
    return _numbers(session, ids)

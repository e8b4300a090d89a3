"""นำเข้าทะเบียน: upload an existing register (XLSX/CSV), see every problem by row and the column
mapping, confirm; and เลขถัดไป for a book kept on paper until now. The checks and the writing are
registry.importing's; the file is kept by its sha256 between the check and the confirmation."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from admin_api.deps import RuntimeDep
from admin_api.pages_support import form_guard
from admin_api.register_import import check_file
from admin_api.routes.pages import _today, page, who
from admin_api.routes.pages_register import writable_units
from registry.errors import InvalidInput, RegistryError
from registry.importing import FIELD_TH, FIELDS, import_register, set_next_number
from registry.models import Unit
from registry.timeutil import BANGKOK

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])
BOOKS = (("incoming", "ทะเบียนหนังสือรับ"), ("outgoing", "ทะเบียนหนังสือส่ง"), ("circular", "ทะเบียนหนังสือเวียน"))
_KEPT = re.compile(r"^[0-9a-f]{64}\.(csv|xlsx)$")
PREVIEW_ROWS = 20


def _kept_dir(runtime) -> Path:
    return Path(runtime.attachments_dir) / "imports"


def _year(runtime) -> int:
    return runtime.clock.now().astimezone(BANGKOK).year + 543


def _page(request, runtime, principal, units, *, status: int = 200, **ctx) -> Response:
    values = {"unit_id": units[0].id if units else None, "book": "incoming", "year": _year(runtime)} | ctx.pop("values", {})
    resp = page(request, "import.html", principal, runtime, units=units, BOOKS=BOOKS, FIELDS=FIELDS, FIELD_TH=FIELD_TH,
                values=values, **ctx)
    resp.status_code = status
    return resp


def _no_units(request, runtime, principal) -> Response:
    return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์นำเข้าทะเบียน",
                message="ขออภัย ท่านยังไม่ได้เป็นเจ้าหน้าที่สารบรรณของหน่วยงานใด กรุณาติดต่อผู้ดูแลระบบค่ะ")


@router.get("/admin/import", response_class=HTMLResponse)
def import_form(request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    units = writable_units(request, runtime, principal)
    if not units:
        return _no_units(request, runtime, principal)
    return _page(request, runtime, principal, units)


def _values(form) -> dict:
    unit = str(form.get("unit_id") or "")
    year = str(form.get("year") or "").strip()
    return {"unit_id": int(unit) if unit.isdigit() else None, "book": str(form.get("book") or "incoming"),
            "year": int(year) if year.isdigit() else year}


@router.post("/admin/import", response_class=HTMLResponse)
async def import_post(request: Request, runtime: RuntimeDep) -> Response:
    """One form, two steps: ``check`` (upload or re-check with a mapping: nothing is written) and
    ``confirm`` (the kept file checked again and, without problems, written all at once)."""
    principal = who(request, runtime)
    units = writable_units(request, runtime, principal)
    if not units:
        return _no_units(request, runtime, principal)
    form = await request.form()
    values = _values(form)
    action = str(form.get("action") or "check")
    errors: dict[str, str] = {}
    if values["unit_id"] not in {u.id for u in units}:
        errors["unit_id"] = "กรุณาเลือกหน่วยงานที่ท่านเป็นเจ้าหน้าที่สารบรรณ"
    if values["book"] not in dict(BOOKS):
        errors["book"] = "กรุณาเลือกทะเบียน"
    if not isinstance(values["year"], int) or not 2400 <= values["year"] <= 2700:
        errors["year"] = "กรุณาระบุปี พ.ศ. เป็นตัวเลข 4 หลัก เช่น 2569"
    data, name, kept = b"", "", str(form.get("kept") or "")
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data, name = await upload.read(), upload.filename
        if not data:
            errors["file"] = "ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ทะเบียน"
    elif _KEPT.match(kept) and (_kept_dir(runtime) / kept).is_file():
        data, name = (_kept_dir(runtime) / kept).read_bytes(), str(form.get("kept_name") or kept)[:255]
    else:
        errors["file"] = "กรุณาเลือกไฟล์ทะเบียน (XLSX หรือ CSV)"
    if errors:
        return _page(request, runtime, principal, units, values=values, errors=errors, status=422)
    mapping = {k: str(v) for k, v in form.items() if k.startswith("map_")} if form.get("mapped") else None
    try:
        with runtime.transaction() as s:
            unit = s.get(Unit, values["unit_id"])
            sheet, plan = check_file(s, data, name, unit=unit, direction=values["book"], year=values["year"],
                                     mapping=mapping, today=_today(runtime))
            done = None
            if action == "confirm" and plan.ok:
                done = import_register(s, plan, actor=principal.actor, source=name, sha256=sheet.sha256,
                                       clock=runtime.clock)
    except RegistryError as e:
        return _page(request, runtime, principal, units, values=values, errors={getattr(e, "field", "file") or "file":
                                                                               e.message_th}, status=422)
    ext = "xlsx" if data[:2] == b"PK" else "csv"
    kept = f"{sheet.sha256}.{ext}"
    if done is not None:
        (_kept_dir(runtime) / kept).unlink(missing_ok=True)
        unit_code = next(u.code for u in units if u.id == values["unit_id"])
        return _page(request, runtime, principal, units, values=values, done=done, unit_code=unit_code,
                     book_th=dict(BOOKS)[values["book"]])
    _kept_dir(runtime).mkdir(parents=True, exist_ok=True)
    (_kept_dir(runtime) / kept).write_bytes(data)
    return _page(request, runtime, principal, units, values=values, plan=plan, sheet=sheet, kept=kept, kept_name=name,
                 preview=plan.rows[:PREVIEW_ROWS], status=200 if plan.ok else 422)


@router.post("/admin/import/next-number", response_class=HTMLResponse)
async def next_number_post(request: Request, runtime: RuntimeDep) -> Response:
    """เลขถัดไป of a paper book: the numbers before it stay in the paper book (an event, with the reason)."""
    principal = who(request, runtime)
    units = writable_units(request, runtime, principal)
    if not units:
        return _no_units(request, runtime, principal)
    form = await request.form()
    values = _values(form)
    raw = str(form.get("next_number") or "").strip()
    reason = str(form.get("reason") or "")
    values |= {"next_number": raw, "reason": reason}
    errors: dict[str, str] = {}
    if values["unit_id"] not in {u.id for u in units}:
        errors["n_unit_id"] = "กรุณาเลือกหน่วยงานที่ท่านเป็นเจ้าหน้าที่สารบรรณ"
    if not isinstance(values["year"], int) or not 2400 <= values["year"] <= 2700:
        errors["n_year"] = "กรุณาระบุปี พ.ศ. เป็นตัวเลข 4 หลัก เช่น 2569"
    if not raw.isdigit() or int(raw) < 2:
        errors["next_number"] = "กรุณาระบุเลขถัดไปเป็นจำนวนเต็ม 2 ขึ้นไป"
    if not errors:
        try:
            with runtime.transaction() as s:
                done = set_next_number(s, unit=s.get(Unit, values["unit_id"]), direction=values["book"],
                                       year=values["year"], next_number=int(raw), reason=reason, actor=principal.actor,
                                       clock=runtime.clock)
        except InvalidInput as e:
            errors["reason" if getattr(e, "field", None) == "reason" else "next_number"] = e.message_th
        except RegistryError as e:
            errors["next_number"] = e.message_th
    if errors:
        return _page(request, runtime, principal, units, next_values=values, next_errors=errors, status=422)
    return _page(request, runtime, principal, units, next_done=done, next_values=values,
                 book_th=dict(BOOKS)[values["book"]])

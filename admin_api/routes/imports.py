"""The import of an existing register through the API: the same checks and writing as the page
(``/admin/import``) and ``saraban import-register``. A file that can be read is answered 200 with
every problem by row; it is written only when it has none and ``dry_run`` is false (all or nothing)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, UploadFile
from pydantic import BaseModel

from admin_api.deps import PrincipalDep, RuntimeDep, SessionDep
from admin_api.register_import import check_file
from admin_api.schemas import ID_MAX
from registry.importing import import_register as write
from registry.access import MANAGE, require
from registry.timeutil import BANGKOK
from registry.units import get_unit

router = APIRouter(prefix="/api/v1", tags=["imports"])


class ImportProblemOut(BaseModel):
    row: int  # the line in the file (0: the file as a whole)
    column: str | None
    message: str


class ImportOut(BaseModel):
    unit_id: int
    direction: str
    year: int
    rows: int
    first: int | None
    last: int | None
    imported: bool
    cancelled: int = 0
    problems: list[ImportProblemOut]


@router.post("/imports/register", response_model=ImportOut)
async def import_register(file: UploadFile, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep,
                          unit: Annotated[int, Form(ge=1, le=ID_MAX)],
                          year: Annotated[int, Form(ge=2400, le=2700, description="ปี พ.ศ. ของทะเบียน")],
                          book: Annotated[Literal["incoming", "outgoing", "circular"], Form()] = "incoming",
                          dry_run: Annotated[Literal["true", "false"], Form(description="true: ตรวจอย่างเดียว")] = "false",
                          ) -> ImportOut:
    """นำเข้าทะเบียนเดิม (XLSX/CSV ลำดับคอลัมน์ตามที่ระบบส่งออก): ตรวจทุกแถวก่อน แจ้งปัญหาทีละแถว
    บันทึกเมื่อไม่มีปัญหาเลยเท่านั้น (ทั้งหมดหรือไม่บันทึกเลย); ``dry_run`` ตรวจอย่างเดียว."""
    target = get_unit(session, unit)
    require(session, principal.actor, target.id, MANAGE, "นำเข้าทะเบียนของหน่วยงานนี้")
    data = await file.read()
    sheet, plan = check_file(session, data, file.filename or "", unit=target, direction=book, year=year, mapping=None,
                             today=runtime.clock.now().astimezone(BANGKOK).date())
    done = None
    if plan.ok and dry_run == "false":
        done = write(session, plan, actor=principal.actor, source=file.filename or "", sha256=sheet.sha256,
                     clock=runtime.clock)
    return ImportOut(unit_id=target.id, direction=book, year=year, rows=len(plan.rows),
                     first=plan.first if plan.rows else None, last=plan.last if plan.rows else None,
                     imported=done is not None, cancelled=done.cancelled if done else 0,
                     problems=[ImportProblemOut(row=p.row, column=p.column, message=p.message) for p in plan.problems])

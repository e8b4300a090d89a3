"""Reports (per-unit compliance, backlog, indicator evidence) and the export downloads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field
from fastapi.responses import Response

from admin_api.deps import Overseer, Principal, RuntimeDep, SessionDep, ViewerDep, allowed
from admin_api.exports import MEDIA_TYPES, render
from admin_api.exports.builders import completeness_table, destruction_table, register_table
from admin_api.pages_support import manual_text
from admin_api.schemas import BacklogOut, BucketOut, IndicatorOut, LevelOut, TrainingOut, UnitReportOut, UnitStatsOut
from admin_api.schemas import ID_MAX, Date
from registry import access, reports
from registry.errors import InvalidInput, PermissionDenied
from registry.timeutil import BANGKOK

router = APIRouter(prefix="/api/v1", tags=["reports"])
Reader = Annotated[Principal, Depends(allowed(access.REPORT))]
Format = Literal["xlsx", "csv", "pdf"]
FILE_RESPONSES = {200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}}}
UnitQ = Annotated[int | None, Query(ge=1, le=ID_MAX)]


def default_period(runtime, period_from: dt.date | None, period_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """Unless told otherwise: the last 30 days up to today (Bangkok)."""
    today = runtime.clock.now().astimezone(BANGKOK).date()
    to = period_to or today
    start = period_from or (to - dt.timedelta(days=30))
    if to < start:
        raise InvalidInput("period_to", "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น")
    return start, to


def stats_out(s: reports.UnitStats) -> UnitStatsOut:
    return UnitStatsOut(unit_id=s.unit_id, code=s.code, name=s.name, received=s.received, forwarded=s.forwarded,
                        forwarded_pct=s.forwarded_pct, median_forward_hours=s.median_forward_hours,
                        acknowledged=s.acknowledged, acknowledged_pct=s.acknowledged_pct,
                        median_ack_hours=s.median_ack_hours, overdue=s.overdue, audit_reviewed=s.audit_reviewed,
                        audit_pass_pct=s.audit_pass_pct)


@router.get("/reports/units", response_model=UnitReportOut)
def unit_report(session: SessionDep, runtime: RuntimeDep, _p: Reader, v: ViewerDep,
                period_from: Annotated[Date | None, Query(alias="from")] = None,
                period_to: Annotated[Date | None, Query(alias="to")] = None,
                unit: Annotated[list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None, Query(max_length=200)] = None
                ) -> UnitReportOut:
    """รายงานรายหน่วยงาน: รับ ส่งต่อ (%) เวลามัธยฐานถึงส่งต่อ รับทราบ (%) เวลามัธยฐานถึงรับทราบ ค้างเกินกำหนด อัตราผ่านสุ่มตรวจ."""
    start, end = default_period(runtime, period_from, period_to)
    mine = access.report_units(v)
    if mine is not None:  # a head sees the units they head and those below them
        unit = [u for u in (unit or mine) if u in mine] or [-1]
    rows = reports.unit_report(session, period_from=start, period_to=end, now=runtime.clock.now(), unit_ids=unit)
    return UnitReportOut(period_from=start, period_to=end, units=[stats_out(s) for s in rows])


@router.get("/reports/backlog", response_model=BacklogOut)
def backlog(session: SessionDep, runtime: RuntimeDep, _p: Reader, v: ViewerDep, unit: UnitQ = None) -> BacklogOut:
    """หนังสือค้าง (ยังไม่รับทราบ/ปิด) แยกตามอายุนับจากวันลงรับ (หัวหน้าเห็นเฉพาะหน่วยงานของตนและหน่วยงานย่อย)."""
    scope = access.report_units(v)
    if scope is not None and unit is not None and unit not in scope:
        raise PermissionDenied("ดูงานค้างของหน่วยงานอื่น")
    if unit is not None:
        units: list[int] | None = [unit]
    else:
        units = None if scope is None else (sorted(scope) or [-1])  # a head of nothing sees nothing
    buckets = reports.backlog_by_age(session, now=runtime.clock.now(), unit_ids=units)
    return BacklogOut(buckets=[BucketOut(label=label, count=count) for label, count in buckets])


@router.get("/reports/indicator", response_model=IndicatorOut)
def indicator(request: Request, session: SessionDep, runtime: RuntimeDep, _p: Overseer,
              period_from: Annotated[Date | None, Query(alias="from")] = None,
              period_to: Annotated[Date | None, Query(alias="to")] = None) -> IndicatorOut:
    """หลักฐานตัวชี้วัดระดับ 1–5 จากข้อมูลในระบบ."""
    start, end = default_period(runtime, period_from, period_to)
    levels = indicator_levels(request, session, start, end)
    return IndicatorOut(period_from=start, period_to=end, levels=[LevelOut(**lv.__dict__) for lv in levels])


@router.get("/reports/training", response_model=list[TrainingOut])
def training(session: SessionDep, _p: Overseer) -> list[TrainingOut]:
    """ความคืบหน้าการฝึกใช้งาน (ตัวชี้วัดระดับ 5): ผู้ที่เริ่มและผ่านบทเรียนแล้ว."""
    return [TrainingOut(**r.__dict__) for r in reports.training_rows(session)]


def indicator_levels(request: Request, session, start: dt.date, end: dt.date) -> list[reports.Level]:
    base = str(request.base_url).rstrip("/")
    manual = manual_text()
    return reports.indicator_evidence(session, period_from=start, period_to=end, flowchart_url=f"{base}/process",
                                      manual_url=f"{base}/manual" if manual else None, manual_chars=len(manual))


def file_response(data: bytes, fmt: str, name: str) -> Response:
    from admin_api.exports.tabular import content_disposition

    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": content_disposition(name, fmt)})


@router.get("/exports/register", response_class=Response, responses=FILE_RESPONSES, tags=["exports"])
def export_register(session: SessionDep, v: ViewerDep, unit: Annotated[int, Query(ge=1, le=ID_MAX)],
                    year: Annotated[int, Query(ge=2400, le=2700, description="ปี พ.ศ. ของทะเบียน")],
                    direction: Literal["incoming", "outgoing", "circular"] = "incoming",
                    format: Format = "xlsx") -> Response:
    """ทะเบียนหนังสือรับ/ส่ง ตามลำดับคอลัมน์ทางราชการ วันที่เป็น พ.ศ. (XLSX, CSV หรือ PDF)."""
    if not access.sees_unit(v, unit):
        raise PermissionDenied("ส่งออกทะเบียนของหน่วยงานอื่น")
    table = register_table(session, v, unit_id=unit, direction=direction, year=year)
    return file_response(render(table, format), format, table.filename)


@router.get("/exports/completeness", response_class=Response, responses=FILE_RESPONSES, tags=["exports"])
def export_completeness(session: SessionDep, _p: Overseer, unit: UnitQ = None,
                        year: Annotated[int | None, Query(ge=2400, le=2700)] = None, format: Format = "xlsx") -> Response:
    """รายงานความครบถ้วนของเลขทะเบียน (เลขขาด เลขซ้ำ การยกเลิก)."""
    table = completeness_table(session, unit_id=unit, year=year)
    return file_response(render(table, format), format, table.filename)


@router.get("/exports/destruction", response_class=Response, responses=FILE_RESPONSES, tags=["exports"])
def export_destruction(session: SessionDep, _p: Overseer, v: ViewerDep,
                       year: Annotated[int, Query(ge=2400, le=2700, description="ปี พ.ศ.")],
                       unit: UnitQ = None, format: Format = "xlsx") -> Response:
    """บัญชีหนังสือขอทำลาย: หนังสือที่ครบอายุการเก็บภายในสิ้นปีที่ระบุ."""
    table = destruction_table(session, v, year=year, unit_id=unit)
    return file_response(render(table, format), format, table.filename)

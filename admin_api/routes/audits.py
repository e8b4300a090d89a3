"""Sample audits (สุ่มตรวจ): create over units and a period, review each sampled registration, close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from admin_api.deps import Overseer, RuntimeDep, SessionDep
from admin_api.exports import MEDIA_TYPES, render
from admin_api.exports.builders import audit_table
from admin_api.schemas import AuditDetail, AuditIn, AuditItemOut, AuditOut, AuditPage, VerdictIn
from admin_api.schemas import ID_MAX
from registry import audits as svc
from registry.models import Audit, AuditItem, Registration

router = APIRouter(prefix="/api/v1/audits", tags=["audits"])
Id = Annotated[int, Path(ge=1, le=ID_MAX)]


def audit_out(a: Audit, cls=AuditOut, **extra) -> AuditOut:
    return cls(id=a.id, title=a.title, unit_ids=[int(u) for u in a.unit_ids], period_from=a.period_from,
               period_to=a.period_to, sample_size=a.sample_size, margin=a.margin, confidence=a.confidence,
               allocation=a.allocation, seed=a.seed, status=a.status, result=a.result, created_by=a.created_by,
               created_at=a.created_at, closed_at=a.closed_at, **extra)


def item_out(i: AuditItem, reg: Registration | None) -> AuditItemOut:
    checks = {k: bool(v) for k, v in i.checks.items() if k in svc.CHECKS}
    return AuditItemOut(id=i.id, registration_id=i.registration_id, unit_id=i.unit_id,
                        letter_id=reg.letter_id if reg else None, number=reg.number if reg else None, checks=checks,
                        facts=i.checks.get("facts", {}), verdict=i.verdict, note=i.note, reviewed_by=i.reviewed_by,
                        reviewed_at=i.reviewed_at)


def detail(session, audit: Audit) -> AuditDetail:
    items = svc.audit_items(session, audit.id)
    regs = {r.id: r for r in session.query(Registration).filter(
        Registration.id.in_([i.registration_id for i in items] or [-1])).all()}
    return audit_out(audit, AuditDetail, items=[item_out(i, regs.get(i.registration_id)) for i in items])


@router.post("", status_code=201, response_model=AuditDetail)
def create_audit(body: AuditIn, session: SessionDep, runtime: RuntimeDep, principal: Overseer) -> AuditDetail:
    """สร้างการสุ่มตรวจ: ระบุขนาดตัวอย่าง หรือค่าความคลาดเคลื่อนและระดับความเชื่อมั่น (ระบบคำนวณขนาดให้);
    แบ่งชั้นตามหน่วยงาน; บันทึก seed เพื่อสุ่มซ้ำได้ผลเดิม."""
    audit = svc.create_audit(session, svc.AuditRequest(
        unit_ids=tuple(body.units), period_from=body.period_from, period_to=body.period_to,
        sample_size=body.sample_size, margin=body.margin, confidence=body.confidence, allocation=body.allocation,
        seed=body.seed, title=body.title), actor=principal.actor, clock=runtime.clock)
    return detail(session, audit)


@router.get("", response_model=AuditPage)
def list_audits(session: SessionDep, _p: Overseer, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> AuditPage:
    """การสุ่มตรวจทั้งหมด (ใหม่สุดก่อน)."""
    total, rows = svc.list_audits(session, limit=limit, offset=offset)
    return AuditPage(total=total, items=[audit_out(a) for a in rows])


@router.get("/{audit_id}", response_model=AuditDetail)
def get_audit(audit_id: Id, session: SessionDep, _p: Overseer) -> AuditDetail:
    """รายละเอียดการสุ่มตรวจ พร้อมรายการตัวอย่าง ผลตรวจอัตโนมัติ และผลการตรวจ."""
    return detail(session, svc.get_audit(session, audit_id))


@router.put("/{audit_id}/items/{item_id}", response_model=AuditItemOut)
def record_verdict(audit_id: Id, item_id: Id, body: VerdictIn, session: SessionDep, runtime: RuntimeDep,
                   principal: Overseer) -> AuditItemOut:
    """บันทึกผลการตรวจ (ถูกต้อง / ต้องแก้ไข / ไม่พบหลักฐาน) และหมายเหตุ; แก้ได้จนกว่าจะปิด."""
    item = svc.record_verdict(session, audit_id, item_id, body.verdict, body.note, actor=principal.actor,
                              clock=runtime.clock)
    return item_out(item, session.get(Registration, item.registration_id))


@router.post("/{audit_id}/close", response_model=AuditDetail)
def close_audit(audit_id: Id, session: SessionDep, runtime: RuntimeDep, principal: Overseer) -> AuditDetail:
    """ปิดการสุ่มตรวจ: คำนวณอัตราผ่านรายหน่วยงานพร้อมช่วงความเชื่อมั่น 95% (Wilson) แล้วล็อกผล."""
    audit = svc.close_audit(session, audit_id, actor=principal.actor, clock=runtime.clock)
    return detail(session, audit)


@router.get("/{audit_id}/export.{fmt}", response_class=Response,
            responses={200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}}})
def export_audit(audit_id: Id, fmt: Annotated[str, Path(pattern="^(xlsx|csv|pdf)$")], session: SessionDep,
                 _p: Overseer) -> Response:
    """ส่งออกผลการสุ่มตรวจเป็น XLSX, CSV หรือ PDF."""
    audit = svc.get_audit(session, audit_id)
    from admin_api.exports.tabular import content_disposition

    table = audit_table(session, audit)
    return Response(render(table, fmt), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(table.filename, fmt)})

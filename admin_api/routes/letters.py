from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from fastapi import Path, UploadFile
from fastapi.responses import FileResponse

from admin_api.deps import Actor_, Principal, PrincipalDep, RuntimeDep, SessionDep, ViewerDep, allowed
from admin_api.schemas import (
    AssignmentOut,
    AttachmentOut,
    EventOut,
    ForwardedOut,
    ForwardIn,
    IncomingIn,
    LetterFull,
    LetterOut,
    LetterPage,
    NoteIn,
    OutgoingIn,
    ReasonIn,
    RegisteredOut,
    RegistrationOut,
)
from admin_api.views import assignment_out, letter_out
from admin_api.schemas import ID_MAX, TEXT, Date
from registry import assignments as flow
from registry.assignments import get_letter
from registry.commands import Forward, Recipient, RegisterIncoming
from registry.errors import LetterNotFound, PermissionDenied
from registry.intake import register_incoming
from registry import access
from registry.models import Attachment, Event
from registry.search import LetterQuery, search_letters
from registry.units import get_unit

router = APIRouter(prefix="/api/v1/letters", tags=["letters"])
Id = Annotated[int, Path(ge=1, le=ID_MAX)]
Clerk = Annotated[Principal, Depends(allowed(access.MANAGE))]


def _registered(reg) -> RegisteredOut:
    return RegisteredOut(id=reg.letter_id, duplicates=list(reg.duplicates), registration=RegistrationOut(
        id=reg.registration_id, book=reg.book_id, direction=reg.direction, year=reg.year, number=reg.number,
        display=reg.display_no, received_at=reg.received_at, verification_code=reg.verification_code))


@router.post("/incoming", status_code=201, response_model=RegisteredOut)
def post_incoming(body: IncomingIn, session: SessionDep, runtime: RuntimeDep, principal: Clerk) -> RegisteredOut:
    """ลงรับหนังสือ: ออกเลขทะเบียนรับถัดไปของหน่วยงาน."""
    unit = get_unit(session, body.unit)
    reg = register_incoming(session, RegisterIncoming(
        unit_id=unit.id, ref_no=body.ref_no, letter_date=body.letter_date, sender=body.sender,
        addressee=body.addressee, subject=body.subject, priority=body.priority, secrecy=body.secrecy,
        enclosures=body.enclosures, remarks=body.remarks, received_at=body.received_at,
    ), actor=principal.actor, clock=runtime.clock)
    return _registered(reg)


@router.post("/outgoing", status_code=201, response_model=RegisteredOut)
def post_outgoing(body: OutgoingIn, session: SessionDep, runtime: RuntimeDep, principal: Clerk) -> RegisteredOut:
    """ออกเลขหนังสือส่ง (หรือหนังสือเวียน): เลข <รหัสหน่วยงาน>/<เลข>."""
    from registry.commands import RegisterOutgoing
    from registry.intake import register_outgoing

    unit = get_unit(session, body.unit)
    reg = register_outgoing(session, RegisterOutgoing(
        unit_id=unit.id, subject=body.subject, addressee=body.addressee, letter_date=body.letter_date,
        circular=body.circular, priority=body.priority, secrecy=body.secrecy, enclosures=body.enclosures,
        remarks=body.remarks, sent_via=body.sent_via), actor=principal.actor, clock=runtime.clock)
    return _registered(reg)


@router.get("", response_model=LetterPage)
def list_letters(
    session: SessionDep,
    v: ViewerDep,
    unit: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    year: Annotated[int | None, Query(description="ปี พ.ศ. ของทะเบียน", ge=2400, le=2700)] = None,
    q: Annotated[str | None, Query(max_length=500, pattern=TEXT)] = None,
    status: Annotated[str | None, Query(max_length=16, pattern=TEXT)] = None,
    priority: Annotated[str | None, Query(max_length=16, pattern=TEXT)] = None,
    direction: Annotated[str | None, Query(max_length=16, pattern=TEXT)] = None,
    owner: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    number: Annotated[int | None, Query(ge=1, le=10_000_000, description="เลขทะเบียน")] = None,
    ref_no: Annotated[str | None, Query(max_length=200, description="ที่ (เลขหนังสือ)", pattern=TEXT)] = None,
    received_from: Date | None = None,
    received_to: Date | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> LetterPage:
    """ค้นหาหนังสือ (ใหม่สุดก่อน) ตามหน่วยงาน ปี คำค้นภาษาไทย สถานะ ฯลฯ."""
    """Without a unit: every letter the caller may see (registry/access.py); a word or a ``ที่`` only
    finds letters the caller may read."""
    if unit is not None and not access.sees_unit(v, unit):
        raise PermissionDenied("ดูทะเบียนของหน่วยงานอื่น")
    total, rows = search_letters(session, LetterQuery(
        q=q, unit_id=unit, year=year, status=status, priority=priority, direction=direction, owner_id=owner,
        number=number, ref_no=ref_no, received_from=received_from, received_to=received_to, limit=limit,
        offset=offset), viewer=v)
    return LetterPage(total=total, limit=limit, offset=offset, items=[letter_out(v, l) for l in rows])


def visible_letter(session, v: access.Viewer, letter_id: int):
    """The letter if the caller may see it at all; otherwise 404, as if it did not exist (no leak)."""
    letter = get_letter(session, letter_id)
    if not access.may_see(v, letter):
        raise LetterNotFound(letter_id)
    return letter


@router.get("/{letter_id:int}", response_model=LetterFull)
def get_letter_detail(letter_id: Id, session: SessionDep, v: ViewerDep) -> LetterFull:
    """รายละเอียดหนังสือ พร้อมเลขทะเบียน การส่งต่อ ไฟล์แนบ และประวัติเหตุการณ์ (timeline)."""
    letter = visible_letter(session, v, letter_id)
    can_read = access.may_read(v, letter)
    events = session.execute(
        select(Event).where(Event.entity == "letter", Event.entity_id == letter.id).order_by(Event.seq)).scalars()
    out = letter_out(v, letter, cls=LetterFull,
                      assignments=[assignment_out(v, letter, a) for a in letter.assignments],
                      attachments=[AttachmentOut(id=f.id, filename=f.filename if can_read else None,
                                                 content_type=f.content_type, size=f.size, sha256=f.sha256,
                                                 created_at=f.created_at) for f in letter.attachments],
                      events=[EventOut(id=e.id, seq=e.seq, occurred_at=e.occurred_at, actor_id=e.actor_id,
                                       channel=e.channel, kind=e.kind, data=e.data if can_read else {})
                              for e in events])
    if out.registration is not None:
        from registry.verification import code_of

        out.registration.verification_code = code_of(session, out.registration.id)
    return out


@router.get("/{letter_id:int}/attachments/{attachment_id}", response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_attachment(letter_id: Id, attachment_id: Id, session: SessionDep, runtime: RuntimeDep,
                        v: ViewerDep):
    """ดาวน์โหลดไฟล์แนบ (เฉพาะผู้มีสิทธิ์อ่านเนื้อหา)."""
    from pathlib import Path as FsPath

    from registry.errors import NotFound

    letter = visible_letter(session, v, letter_id)
    if not access.may_read(v, letter):
        raise PermissionDenied("เปิดไฟล์แนบของหนังสือลับ")
    f = session.get(Attachment, attachment_id)
    if f is None or f.letter_id != letter.id:
        raise NotFound(f"ไฟล์แนบ {attachment_id}", attachment_id)
    path = FsPath(f.storage_path)
    if not path.is_absolute():
        path = runtime.attachments_dir / path
    if not path.is_file():
        raise NotFound(f"ไฟล์แนบ {attachment_id}", attachment_id)
    return FileResponse(path, media_type=f.content_type, filename=f.filename or path.name,
                        content_disposition_type="attachment", headers=NOSNIFF)


NOSNIFF = {"X-Content-Type-Options": "nosniff"}


@router.get("/{letter_id}/attachments/{attachment_id}/stamped", response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_stamped(letter_id: Id, attachment_id: Id, runtime: RuntimeDep, principal: PrincipalDep):
    """ดาวน์โหลดสำเนาที่ประทับตรารับ (ต้นฉบับไม่ถูกแก้ไข); สร้างสำเนาเมื่อเปิดครั้งแรกหากยังไม่มี."""
    from registry.attachments import ensure_stamped, file_path
    from registry.errors import InvalidInput, NotFound
    from scan.stamp import StampError, can_stamp, draw_receipt

    # no transaction around the drawing (ensure_stamped opens its own short ones)
    with runtime.read() as session:
        v = principal.viewer(session, runtime.clock.now())
        letter = visible_letter(session, v, letter_id)
        if not access.may_read(v, letter):
            raise PermissionDenied("เปิดไฟล์แนบของหนังสือลับ")
        f = session.get(Attachment, attachment_id)
        if f is None or f.letter_id != letter.id or not can_stamp(f.content_type):
            raise NotFound(f"สำเนาประทับตรารับของไฟล์แนบ {attachment_id}", attachment_id)
        filename, content_type = f.filename, f.content_type
    try:
        stamped_path = ensure_stamped(runtime, attachment_id, draw=draw_receipt, actor=principal.actor)
    except StampError as exc:
        raise InvalidInput("file", str(exc)) from exc
    path = file_path(runtime.attachments_dir, stamped_path)
    if not path.is_file():
        raise NotFound(f"สำเนาประทับตรารับของไฟล์แนบ {attachment_id}", attachment_id)
    stem, dot, ext = (filename or path.name).rpartition(".")
    name = f"{stem}-ตรารับ.{ext}" if dot else f"{ext}-ตรารับ"
    return FileResponse(path, media_type=content_type, filename=name, content_disposition_type="attachment",
                        headers=NOSNIFF)


@router.post("/{letter_id:int}/attachments", status_code=201, response_model=AttachmentOut)
async def upload_attachment(letter_id: Id, file: UploadFile, session: SessionDep, runtime: RuntimeDep,
                            principal: Actor_, v: ViewerDep) -> AttachmentOut:
    """แนบไฟล์ (รูปภาพหรือ PDF) กับหนังสือ."""
    from registry.attachments import attach_file

    visible_letter(session, v, letter_id)
    data = await file.read()
    row = attach_file(session, letter_id, data, directory=runtime.attachments_dir, actor=principal.actor,
                      content_type=file.content_type, filename=file.filename, clock=runtime.clock)
    return AttachmentOut(id=row.id, filename=row.filename, content_type=row.content_type, size=row.size,
                         sha256=row.sha256, created_at=row.created_at)


def _letter_after(session, v: access.Viewer, letter_id: int) -> LetterOut:
    session.flush()
    letter = get_letter(session, letter_id)
    session.refresh(letter)
    return letter_out(v, letter)


@router.post("/{letter_id:int}/forward", status_code=201, response_model=ForwardedOut)
def forward_letter(letter_id: Id, body: ForwardIn, session: SessionDep, runtime: RuntimeDep,
                   principal: Actor_, v: ViewerDep) -> ForwardedOut:
    """ส่งต่อให้เจ้าของเรื่อง (และสำเนา) พร้อมวัตถุประสงค์และข้อสั่งการ."""
    visible_letter(session, v, letter_id)
    done = flow.forward(session, Forward(letter_id, tuple(Recipient(r.person_id, r.unit_id, r.role) for r in body.recipients),
                                         body.purpose, body.instruction), actor=principal.actor, clock=runtime.clock)
    return ForwardedOut(letter_id=done.letter_id, assignment_ids=list(done.assignment_ids),
                        unit_letter_ids=list(done.unit_letter_ids))


@router.post("/{letter_id:int}/close", response_model=LetterOut)
def close_letter(letter_id: Id, body: NoteIn, session: SessionDep, runtime: RuntimeDep, principal: Actor_,
                 v: ViewerDep) -> LetterOut:
    """ปิดเรื่อง (เริ่มนับอายุการเก็บ)."""
    visible_letter(session, v, letter_id)
    flow.close_letter(session, letter_id, note=body.note, actor=principal.actor, clock=runtime.clock)
    return _letter_after(session, v, letter_id)


@router.post("/{letter_id:int}/cancel", response_model=LetterOut)
def cancel_letter(letter_id: Id, body: ReasonIn, session: SessionDep, runtime: RuntimeDep, principal: Actor_,
                  v: ViewerDep) -> LetterOut:
    """ยกเลิกการลงทะเบียน (เลขยังคงอยู่ในทะเบียนและแสดงว่ายกเลิก)."""
    visible_letter(session, v, letter_id)
    flow.cancel_letter(session, letter_id, body.reason, actor=principal.actor, clock=runtime.clock)
    return _letter_after(session, v, letter_id)


assignments_router = APIRouter(prefix="/api/v1/assignments", tags=["letters"])


@assignments_router.post("/{assignment_id}/acknowledge", response_model=AssignmentOut)
def acknowledge(assignment_id: Id, session: SessionDep, runtime: RuntimeDep, principal: Actor_,
                v: ViewerDep) -> AssignmentOut:
    """รับทราบ (เจ้าของเรื่องหรือผู้รักษาการแทน)."""
    a = flow.acknowledge(session, assignment_id, actor=principal.actor, clock=runtime.clock)
    return assignment_out(v, a.letter, a)


@assignments_router.post("/{assignment_id}/return", response_model=AssignmentOut)
def return_assignment(assignment_id: Id, body: ReasonIn, session: SessionDep, runtime: RuntimeDep,
                      principal: Actor_, v: ViewerDep) -> AssignmentOut:
    """ไม่ใช่งานของฉัน: ส่งคืนพร้อมเหตุผล."""
    a = flow.return_assignment(session, assignment_id, body.reason, actor=principal.actor, clock=runtime.clock)
    return assignment_out(v, a.letter, a)



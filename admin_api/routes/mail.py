"""The saraban mailbox on the web: the e-mails taken in (drafts waiting for a clerk, registered,
dismissed, set aside with their reason), their files and original .eml, and the same
[ยืนยันลงรับ] / [ไม่ลงรับ] as the chat card (registry.mailbox, the one writer)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from admin_api.pages_support import form_guard
from admin_api.deps import Principal, PrincipalDep, RuntimeDep, SessionDep
from registry import access
from registry.errors import NotFound, PermissionDenied, RegistryError
from registry.models import MailMessage

router = APIRouter(prefix="/api/v1/mail", tags=["mail"])
pages = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])
Id = Annotated[int, Path(ge=1, le=2**62)]
Index = Annotated[int, Path(ge=0, le=100)]
NOSNIFF = {"X-Content-Type-Options": "nosniff"}
STATUS_TH = {"draft": "รอลงรับ", "registered": "ลงรับแล้ว", "dismissed": "ไม่ลงรับ", "set_aside": "กันไว้ (อ่านไม่ได้)",
             "duplicate": "ซ้ำ"}


class MailFileOut(BaseModel):
    index: int
    filename: str | None
    content_type: str
    size: int
    sha256: str


class MailOut(BaseModel):
    id: int
    unit_id: int
    status: str
    reason: str | None
    from_address: str | None
    from_name: str | None
    mail_subject: str | None
    message_id: str | None
    received_at: dt.datetime
    fields: dict[str, Any]
    files: list[MailFileOut]
    letter_id: int | None


def _units(principal: Principal) -> list[int] | None:
    """The units whose mailbox the caller sees (None: all, for admins and auditors)."""
    return principal.units_for(access.MANAGE)


def _visible(session, principal: Principal, mail_id: int) -> MailMessage:
    row = session.get(MailMessage, mail_id)
    units = _units(principal)
    if row is None or (units is not None and row.unit_id not in units):
        raise NotFound(f"อีเมลรายการที่ {mail_id}", mail_id)  # a stranger's unit: no existence leak
    return row


def _secret(row: MailMessage) -> bool:
    return bool((row.fields or {}).get("secrecy"))


def mail_out(row: MailMessage) -> MailOut:
    fields = dict(row.fields or {})
    if _secret(row):  # as in the chat: a secret letter's content stays off the list
        fields = {k: v for k, v in fields.items() if k in ("priority", "secrecy")}
    secret = _secret(row)
    return MailOut(id=row.id, unit_id=row.unit_id, status=row.status, reason=row.reason,
                   from_address=None if secret else row.from_address, from_name=None if secret else row.from_name,
                   mail_subject=None if secret else row.mail_subject,
                   message_id=row.message_id, received_at=row.received_at, fields=fields,
                   files=[MailFileOut(index=i, filename=f.get("filename"), content_type=f["content_type"], size=f["size"],
                                      sha256=f["sha256"]) for i, f in enumerate(row.files or [])],
                   letter_id=row.letter_id)


@router.get("", response_model=list[MailOut])
def list_mail(session: SessionDep, principal: PrincipalDep) -> list[MailOut]:
    """อีเมลที่เข้ากล่องจดหมายสารบรรณของหน่วยงาน (ล่าสุดก่อน)."""
    from registry.mailbox import list_mail as rows

    if not principal.may(access.MAILBOX):
        raise PermissionDenied("ดูกล่องจดหมายสารบรรณ")
    return [mail_out(r) for r in rows(session, _units(principal))]


@router.get("/{mail_id}/files/{index}", response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_mail_file(mail_id: Id, index: Index, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep):
    """ไฟล์ของอีเมล (ไฟล์หนังสือ หรืออีเมลต้นฉบับ .eml) ตามที่ได้รับ."""
    from registry.attachments import file_path

    row = _visible(session, principal, mail_id)
    files = row.files or []
    if index >= len(files):
        raise NotFound(f"ไฟล์ที่ {index} ของอีเมลรายการที่ {mail_id}", index)
    meta = files[index]
    path = file_path(runtime.attachments_dir, meta["storage_path"])
    if not path.is_file():
        raise NotFound(f"ไฟล์ที่ {index} ของอีเมลรายการที่ {mail_id}", index)
    return FileResponse(path, media_type=meta["content_type"], filename=meta.get("filename") or path.name,
                        content_disposition_type="attachment", headers=NOSNIFF)


def _confirm(session, runtime, principal: Principal, mail_id: int) -> int:
    from registry.mailbox import confirm_mail

    _visible(session, principal, mail_id)
    reg = confirm_mail(session, mail_id, actor=principal.actor, clock=runtime.clock)
    return reg.letter_id


@router.post("/{mail_id}/confirm", response_model=MailOut)
def confirm(mail_id: Id, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep) -> MailOut:
    """ยืนยันลงรับ: ออกเลขรับ แนบไฟล์และอีเมลต้นฉบับ ประทับตรารับบนสำเนา และแจ้งเลขรับกลับผู้ส่งทางอีเมล."""
    _confirm(session, runtime, principal, mail_id)
    return mail_out(_visible(session, principal, mail_id))


@router.post("/{mail_id}/dismiss", response_model=MailOut)
def dismiss(mail_id: Id, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep) -> MailOut:
    """ไม่ลงรับ (อีเมลยังอยู่ในรายการและในกล่องจดหมาย)."""
    from registry.mailbox import dismiss_mail

    _visible(session, principal, mail_id)
    return mail_out(dismiss_mail(session, mail_id, actor=principal.actor, clock=runtime.clock))


# --- the page ----------------------------------------------------------------------------------------

@pages.get("/admin/mail", response_class=HTMLResponse)
def mail_page(request: Request, runtime: RuntimeDep, error: str | None = None) -> HTMLResponse:
    from admin_api.routes.pages import page, who
    from registry.mailbox import list_mail as rows

    principal = who(request, runtime)
    with runtime.read() as s:
        items = [mail_out(r) for r in rows(s, _units(principal))]
    return page(request, "mail.html", principal, runtime, items=items, STATUS_TH=STATUS_TH, error=error,
                staff=principal.may(access.MANAGE))


@pages.post("/admin/mail/{mail_id}/act")
async def act_on_mail(mail_id: int, request: Request, runtime: RuntimeDep) -> Response:
    from admin_api.routes.pages import who
    from registry.mailbox import dismiss_mail

    principal = who(request, runtime)
    form = await request.form()
    action = str(form.get("action") or "")
    try:
        with runtime.transaction() as s:
            if action == "confirm":
                letter_id = _confirm(s, runtime, principal, mail_id)
            elif action == "dismiss":
                _visible(s, principal, mail_id)
                dismiss_mail(s, mail_id, actor=principal.actor, clock=runtime.clock)
                letter_id = None
            else:
                raise NotFound("คำสั่ง", action)
    except RegistryError as e:
        resp = mail_page(request, runtime, error=e.message_th)
        resp.status_code = 409
        return resp
    return RedirectResponse(f"/admin/letters/{letter_id}" if letter_id else "/admin/mail", status_code=303)

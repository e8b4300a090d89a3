"""Retention and disposal over HTTP: the API (``/api/v1/disposal/…``, a letter's retention class and
legal hold) and the pages (``/admin/disposal``, the controls on the letter page).

Everything goes through registry/disposal.py (the only writer, one event per change); who may see
or do what is asked of registry/access.py. Carrying a list out commits first and removes the
destroyed letters' files afterwards (a crash in between leaves only orphan files, never a letter
whose files are gone but whose record says otherwise).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_api.deps import Principal, PrincipalDep, RuntimeDep, SessionDep
from admin_api.exports import MEDIA_TYPES, render
from admin_api.exports.builders import WITHHELD, disposal_table
from admin_api.pages_support import form_guard
from admin_api.routes.letters import visible_letter
from admin_api.schemas import ID_MAX, REQUIRED_TEXT, TEXT, Id, UnitCode, _json_int
from registry import access, disposal
from registry.commands import RETENTION, RETENTION_TH
from registry.errors import InvalidInput, NotFound, PermissionDenied, RegistryError
from registry.models import DisposalItem, DisposalList, Letter, Unit
from registry.timeutil import BANGKOK

router = APIRouter(prefix="/api/v1", tags=["disposal"])
pages = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])
ListId = Annotated[int, Path(ge=1, le=ID_MAX)]
Format = Literal["xlsx", "csv", "pdf"]
LIST_STATUS_TH = {"draft": "ร่าง รอมติคณะกรรมการ", "carried_out": "ดำเนินการแล้ว"}


# ---------------------------------------------------------------- shapes

class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: Id | UnitCode = Field(description="หน่วยงาน (id หรือรหัสหนังสือ เช่น 'มท 0201')")
    year: Annotated[int, Field(ge=2400, le=2700), BeforeValidator(_json_int)] = Field(
        description="ปี พ.ศ. ของบัญชี: หนังสือที่ครบอายุการเก็บภายในสิ้นปีนี้")


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["destroy", "keep", "archive"] = Field(description="ทำลาย / เก็บไว้ต่อ / ส่งหอจดหมายเหตุแห่งชาติ")
    keep_years: Annotated[int, Field(ge=1, le=50), BeforeValidator(_json_int)] | None = Field(
        None, description="จำนวนปีที่เก็บไว้ต่อ (เมื่อมติเป็น keep)")
    note: str | None = Field(None, max_length=2000, pattern=TEXT)


class RetentionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retention: Literal["10y", "5y", "1y", "permanent"]
    reason: str = Field(min_length=1, max_length=2000, pattern=REQUIRED_TEXT)


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hold: StrictBool
    reason: str = Field(min_length=1, max_length=2000, pattern=REQUIRED_TEXT)


class ItemOut(BaseModel):
    id: int
    letter_id: int
    number: str = Field(description="เลขทะเบียนรับ/ส่ง เช่น 12/2567")
    ref_no: str | None
    letter_date: dt.date | None
    subject: str | None = Field(description="เรื่อง (ว่างเมื่อผู้เรียกไม่มีสิทธิ์อ่านหนังสือลับ หรือหนังสือถูกทำลายแล้ว)")
    due: dt.date
    verdict: str | None
    verdict_th: str | None
    keep_years: int | None
    note: str | None
    letter_status: str


class ListOut(BaseModel):
    id: int
    unit_id: int
    unit_code: str
    year: int
    status: Literal["draft", "carried_out"]
    created_at: dt.datetime
    carried_out_at: dt.datetime | None
    rows: int
    decided: int
    items: list[ItemOut] = Field(default_factory=list)


class CarriedOutOut(BaseModel):
    list_id: int
    destroyed: list[int]
    kept: list[int]
    archived: list[int]
    files_removed: int


class RecordsOut(BaseModel):
    letter_id: int
    retention: str
    retention_th: str
    legal_hold: bool
    retain_until: dt.date | None
    due: dt.date | None = Field(description="วันที่เข้าบัญชีหนังสือขอทำลายได้ (ว่าง: ไม่เข้า เช่น ยังไม่ปิดเรื่อง เก็บตลอดไป หรือระงับการทำลาย)")
    status: str


# ---------------------------------------------------------------- reading

def viewer_of(session: Session, principal: Principal, runtime) -> access.Viewer:
    return access.viewer(session, principal.person_id, runtime.clock.now())


def _number(letter: Letter) -> str:
    reg = letter.registration
    return f"{reg.number}/{reg.book.year}" if reg else "-"


def _list(session: Session, v: access.Viewer, list_id: int) -> DisposalList:
    dlist = session.get(DisposalList, list_id)
    if dlist is None or not access.may_see_disposal(session, v, dlist.unit_id):
        raise NotFound("บัญชีหนังสือขอทำลาย", list_id)  # another unit's list: as if it did not exist
    return dlist


def item_rows(session: Session, v: access.Viewer, dlist: DisposalList) -> list[ItemOut]:
    out = []
    for item in dlist.items:
        letter = session.get(Letter, item.letter_id)
        readable = access.may_read(v, letter)
        verdict_th = disposal.VERDICT_TH.get(item.verdict or "")
        if item.verdict == "keep":
            verdict_th = f"{verdict_th} {item.keep_years} ปี"
        out.append(ItemOut(id=item.id, letter_id=letter.id, number=_number(letter),
                           ref_no=letter.ref_no if readable else None, letter_date=letter.letter_date,
                           subject=letter.subject if readable else None, due=item.due, verdict=item.verdict,
                           verdict_th=verdict_th, keep_years=item.keep_years, note=item.note,
                           letter_status=letter.status))
    return out


def list_out(session: Session, v: access.Viewer, dlist: DisposalList, *, items: bool) -> ListOut:
    unit = session.get(Unit, dlist.unit_id)
    return ListOut(id=dlist.id, unit_id=dlist.unit_id, unit_code=unit.code, year=dlist.year, status=dlist.status,
                   created_at=dlist.created_at, carried_out_at=dlist.carried_out_at, rows=len(dlist.items),
                   decided=sum(1 for i in dlist.items if i.verdict), items=item_rows(session, v, dlist) if items else [])


def lists_for(session: Session, v: access.Viewer, unit_id: int | None = None, year: int | None = None
              ) -> list[DisposalList]:
    query = select(DisposalList).order_by(DisposalList.year.desc(), DisposalList.id.desc())
    if unit_id is not None:
        query = query.where(DisposalList.unit_id == unit_id)
    if year is not None:
        query = query.where(DisposalList.year == year)
    return [d for d in session.execute(query).scalars() if access.may_see_disposal(session, v, d.unit_id)]


def records_of(letter: Letter) -> RecordsOut:
    return RecordsOut(letter_id=letter.id, retention=letter.retention,
                      retention_th=RETENTION_TH.get(letter.retention, letter.retention), legal_hold=letter.legal_hold,
                      retain_until=letter.retain_until, due=disposal.due_date(letter), status=letter.status)


def carry_out_now(runtime, principal: Principal, list_id: int) -> CarriedOutOut:
    """Carry the list out in its own transaction, then remove the files of what was destroyed."""
    with runtime.transaction() as s:
        _list(s, viewer_of(s, principal, runtime), list_id)
        done = disposal.carry_out(s, list_id, actor=principal.actor, clock=runtime.clock)
    removed = disposal.remove_files(runtime.attachments_dir, done.files)
    return CarriedOutOut(list_id=list_id, destroyed=list(done.destroyed), kept=list(done.kept),
                         archived=list(done.archived), files_removed=removed)


def export_response(session: Session, v: access.Viewer, dlist: DisposalList, fmt: str) -> Response:
    from admin_api.exports.tabular import content_disposition

    table = disposal_table(session, v, dlist)
    return Response(render(table, fmt), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(table.filename, fmt)})


# ---------------------------------------------------------------- API

@router.get("/disposal/lists", response_model=list[ListOut])
def get_lists(session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep,
              unit: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
              year: Annotated[int | None, Query(ge=2400, le=2700)] = None) -> list[ListOut]:
    """บัญชีหนังสือขอทำลาย (แบบที่ 25) ที่ผู้เรียกดูได้ เรียงปีล่าสุดก่อน."""
    v = viewer_of(session, principal, runtime)
    return [list_out(session, v, d, items=False) for d in lists_for(session, v, unit, year)]


@router.post("/disposal/lists", status_code=201, response_model=ListOut)
def post_list(body: DraftIn, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep) -> ListOut:
    """ร่างบัญชีหนังสือขอทำลายประจำปีของหน่วยงาน: หนังสือที่ปิดเรื่องแล้วและครบอายุการเก็บภายในสิ้นปี
    ไม่รวมหนังสือที่ระงับการทำลายหรือเก็บตลอดไป."""
    from registry.units import get_unit

    unit = get_unit(session, body.unit)
    dlist = disposal.draft_list(session, unit.id, body.year, actor=principal.actor, clock=runtime.clock)
    return list_out(session, viewer_of(session, principal, runtime), dlist, items=True)


@router.get("/disposal/lists/{list_id}", response_model=ListOut)
def get_list(list_id: ListId, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep) -> ListOut:
    """บัญชีหนึ่งฉบับพร้อมทุกรายการและมติ (เนื้อหาหนังสือลับสงวนไว้สำหรับผู้ไม่มีสิทธิ์อ่าน)."""
    v = viewer_of(session, principal, runtime)
    return list_out(session, v, _list(session, v, list_id), items=True)


@router.post("/disposal/items/{item_id}/verdict", response_model=ItemOut)
def post_verdict(item_id: ListId, body: VerdictIn, session: SessionDep, runtime: RuntimeDep,
                 principal: PrincipalDep) -> ItemOut:
    """บันทึกมติคณะกรรมการของรายการหนึ่ง: ทำลาย / เก็บไว้ต่อ (ระบุจำนวนปี) / ส่งหอจดหมายเหตุแห่งชาติ."""
    v = viewer_of(session, principal, runtime)
    item = session.get(DisposalItem, item_id)
    if item is None:
        raise NotFound("รายการในบัญชีหนังสือขอทำลาย", item_id)
    dlist = _list(session, v, item.list_id)
    disposal.record_verdict(session, item_id, body.verdict, keep_years=body.keep_years, note=body.note,
                            actor=principal.actor, clock=runtime.clock)
    return next(r for r in item_rows(session, v, dlist) if r.id == item_id)


@router.get("/disposal/lists/{list_id}/export", response_class=Response,
            responses={200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}}})
def export_list(list_id: ListId, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep,
                format: Format = "xlsx") -> Response:
    """บัญชีหนังสือขอทำลาย แบบที่ 25 ตามลำดับคอลัมน์ทางราชการ พร้อมช่องลงนามคณะกรรมการ (XLSX, CSV หรือ PDF)."""
    v = viewer_of(session, principal, runtime)
    return export_response(session, v, _list(session, v, list_id), format)


@router.post("/disposal/lists/{list_id}/carry-out", response_model=CarriedOutOut)
def post_carry_out(list_id: ListId, runtime: RuntimeDep, principal: PrincipalDep) -> CarriedOutOut:
    """ดำเนินการตามบัญชี: ทุกรายการต้องมีมติก่อน หนังสือที่มีมติทำลายถูกลบเนื้อหาและไฟล์ เลขทะเบียนและประวัติยังคงอยู่."""
    return carry_out_now(runtime, principal, list_id)


@router.get("/letters/{letter_id}/records", response_model=RecordsOut, tags=["letters"])
def get_records(letter_id: ListId, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep) -> RecordsOut:
    """อายุการเก็บ การระงับการทำลาย และวันที่เข้าบัญชีหนังสือขอทำลายได้ของหนังสือ."""
    return records_of(visible_letter(session, principal.viewer(session, runtime.clock.now()), letter_id))


@router.put("/letters/{letter_id}/retention", response_model=RecordsOut, tags=["letters"])
def put_retention(letter_id: ListId, body: RetentionIn, session: SessionDep, runtime: RuntimeDep,
                  principal: PrincipalDep) -> RecordsOut:
    """เปลี่ยนอายุการเก็บหนังสือ (1 ปี 5 ปี 10 ปี หรือเก็บตลอดไป) พร้อมเหตุผล."""
    visible_letter(session, principal.viewer(session, runtime.clock.now()), letter_id)
    return records_of(disposal.set_retention(session, letter_id, body.retention, body.reason, actor=principal.actor,
                                             clock=runtime.clock))


@router.put("/letters/{letter_id}/legal-hold", response_model=RecordsOut, tags=["letters"])
def put_hold(letter_id: ListId, body: HoldIn, session: SessionDep, runtime: RuntimeDep,
             principal: PrincipalDep) -> RecordsOut:
    """ระงับการทำลาย (legal hold) หรือยกเลิกการระงับ พร้อมเหตุผล: หนังสือที่ระงับไว้ไม่เข้าบัญชีหนังสือขอทำลาย."""
    visible_letter(session, principal.viewer(session, runtime.clock.now()), letter_id)
    return records_of(disposal.set_legal_hold(session, letter_id, body.hold, body.reason, actor=principal.actor,
                                              clock=runtime.clock))


# ---------------------------------------------------------------- pages

def _who(request: Request, runtime) -> Principal:
    from admin_api.routes.pages import who

    return who(request, runtime)


def _page(request: Request, name: str, principal: Principal, runtime, status: int = 200, **ctx) -> HTMLResponse:
    from admin_api.routes.pages import page

    resp = page(request, name, principal, runtime, **ctx)
    resp.status_code = status
    return resp


def _status_of(e: RegistryError) -> int:
    return 422 if isinstance(e, InvalidInput) else 403 if isinstance(e, PermissionDenied) else 409


def _this_year(runtime) -> int:
    return runtime.clock.now().astimezone(BANGKOK).year + 543


@pages.get("/admin/disposal", response_class=HTMLResponse)
def disposal_home(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """บัญชีหนังสือขอทำลายทุกปีที่ดูได้ และแบบฟอร์มร่างบัญชีใหม่."""
    return _home(request, runtime, _who(request, runtime))


def _home(request: Request, runtime, principal: Principal, error: str | None = None, status: int = 200) -> HTMLResponse:
    with runtime.read() as s:
        v = viewer_of(s, principal, runtime)
        units = [u for u in s.execute(select(Unit).order_by(Unit.code)).scalars()
                 if access.may_keep_records(s, v, u.id)]
        lists = [list_out(s, v, d, items=False) for d in lists_for(s, v)]
        return _page(request, "disposal.html", principal, runtime, status=status, lists=lists,
                     units=units, year=_this_year(runtime), error=error, LIST_STATUS_TH=LIST_STATUS_TH)


@pages.post("/admin/disposal")
async def draft_page(request: Request, runtime: RuntimeDep) -> Response:
    principal = _who(request, runtime)
    form = await request.form()
    try:
        unit, year = str(form.get("unit") or ""), str(form.get("year") or "").strip()
        if not unit.isdigit():
            raise InvalidInput("unit", "กรุณาเลือกหน่วยงาน")
        if not (year.isdigit() and 2400 <= int(year) <= 2700):
            raise InvalidInput("year", "ปี พ.ศ. ต้องเป็นตัวเลข 4 หลัก เช่น 2568")
        with runtime.transaction() as s:
            dlist = disposal.draft_list(s, int(unit), int(year), actor=principal.actor, clock=runtime.clock)
            list_id = dlist.id
    except RegistryError as e:
        return _home(request, runtime, principal, error=e.message_th, status=_status_of(e))
    return RedirectResponse(f"/admin/disposal/{list_id}?done=drafted", status_code=303)


DONE_TH = {"drafted": "ร่างบัญชีเรียบร้อยแล้ว กรุณาบันทึกมติคณะกรรมการทีละรายการ",
           "verdict": "บันทึกมติเรียบร้อยแล้ว", "carried_out": "ดำเนินการตามบัญชีเรียบร้อยแล้ว"}


@pages.get("/admin/disposal/{list_id}", response_class=HTMLResponse)
def list_page(list_id: ListId, request: Request, runtime: RuntimeDep, done: str | None = None) -> HTMLResponse:
    """One list: each row with its verdict inline, the export buttons, carrying out with a confirmation."""
    return _list_page(list_id, request, runtime, _who(request, runtime), done=done)


def _list_page(list_id: int, request: Request, runtime, principal: Principal, *, done: str | None = None,
               error: str | None = None, status: int = 200) -> HTMLResponse:
    with runtime.read() as s:
        v = viewer_of(s, principal, runtime)
        try:
            dlist = _list(s, v, list_id)
        except RegistryError as e:
            return _page(request, "message.html", principal, runtime, status=404, title="ไม่พบบัญชี",
                         message=e.message_th)
        out = list_out(s, v, dlist, items=True)
        unit = s.get(Unit, dlist.unit_id)
        return _page(request, "disposal_list.html", principal, runtime, status=status, dlist=out, unit=unit,
                     may_decide=access.may_decide_disposal(s, v, dlist.unit_id) and dlist.status == "draft",
                     done=DONE_TH.get(done or ""), error=error, WITHHELD=WITHHELD, VERDICT_TH=disposal.VERDICT_TH,
                     LIST_STATUS_TH=LIST_STATUS_TH)


@pages.post("/admin/disposal/{list_id}/items/{item_id}")
async def verdict_page(list_id: ListId, item_id: ListId, request: Request, runtime: RuntimeDep) -> Response:
    principal = _who(request, runtime)
    form = await request.form()
    try:
        verdict = str(form.get("verdict") or "")
        years_text = str(form.get("keep_years") or "").strip()
        if verdict == "keep" and not years_text.isdigit():
            raise InvalidInput("keep_years", "กรุณาระบุจำนวนปีที่เก็บไว้ต่อเป็นตัวเลข (1-50 ปี)")
        with runtime.transaction() as s:
            item = s.get(DisposalItem, item_id)
            if item is None or item.list_id != list_id:
                raise NotFound("รายการในบัญชีหนังสือขอทำลาย", item_id)
            _list(s, viewer_of(s, principal, runtime), list_id)
            disposal.record_verdict(s, item_id, verdict, keep_years=int(years_text) if verdict == "keep" else None,
                                    note=str(form.get("note") or "")[:2000] or None, actor=principal.actor,
                                    clock=runtime.clock)
    except RegistryError as e:
        return _list_page(list_id, request, runtime, principal, error=e.message_th, status=_status_of(e))
    return RedirectResponse(f"/admin/disposal/{list_id}?done=verdict#item-{item_id}", status_code=303)


@pages.post("/admin/disposal/{list_id}/carry-out")
async def carry_out_page(list_id: ListId, request: Request, runtime: RuntimeDep) -> Response:
    principal = _who(request, runtime)
    form = await request.form()
    try:
        if form.get("confirm") != "yes":
            raise InvalidInput("confirm", "กรุณาทำเครื่องหมายยืนยันก่อนดำเนินการตามบัญชี (ลบเนื้อหาและไฟล์แล้วกู้คืนไม่ได้)")
        carry_out_now(runtime, principal, list_id)
    except RegistryError as e:
        return _list_page(list_id, request, runtime, principal, error=e.message_th, status=_status_of(e))
    return RedirectResponse(f"/admin/disposal/{list_id}?done=carried_out", status_code=303)


@pages.post("/admin/letters/{letter_id}/records")
async def records_page(letter_id: ListId, request: Request, runtime: RuntimeDep) -> Response:
    """The letter page's retention and legal-hold controls."""
    from admin_api.routes.pages import letter_page

    principal = _who(request, runtime)
    form = await request.form()
    action = str(form.get("action") or "")
    try:
        with runtime.transaction() as s:
            visible_letter(s, principal.viewer(s, runtime.clock.now()), letter_id)
            reason = str(form.get("reason") or "")[:2000]
            if action == "retention":
                disposal.set_retention(s, letter_id, str(form.get("retention") or ""), reason, actor=principal.actor,
                                       clock=runtime.clock)
            elif action in ("hold", "release"):
                disposal.set_legal_hold(s, letter_id, action == "hold", reason, actor=principal.actor,
                                        clock=runtime.clock)
            else:
                raise InvalidInput("action", "ไม่รู้จักคำสั่งนี้")
    except RegistryError as e:
        resp = letter_page(letter_id, request, runtime, error=e.message_th)
        resp.status_code = _status_of(e)
        return resp
    return RedirectResponse(f"/admin/letters/{letter_id}?done={action}#records", status_code=303)


def records_view(session: Session, principal: Principal, letter: Letter, now: dt.datetime) -> dict:
    """What the letter page's records card needs (retention, hold, due date, which controls to show)."""
    v = access.viewer(session, principal.person_id, now)
    writable = access.may(v, access.ACT)  # an auditor reads only
    return {"retention_th": RETENTION_TH.get(letter.retention, letter.retention), "due": disposal.due_date(letter),
            "RETENTION": RETENTION, "RETENTION_TH": RETENTION_TH,
            "may_retain": writable and letter.status not in ("destroyed", "archived")
            and access.may_keep_records(session, v, letter.unit_id),
            "may_hold": writable and letter.status not in ("destroyed", "archived")
            and access.may_decide_disposal(session, v, letter.unit_id)}

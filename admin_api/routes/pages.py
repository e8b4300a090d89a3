"""The web pages for people (Thai, server-rendered, usable on a phone).

Sign-in puts the person's token in an HttpOnly, SameSite=Strict cookie; every page and every
download then goes through the same principal and role checks as the API. Forms post back to
the pages, which call the same registry services as the API routes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from admin_api.charts import column_chart, hbar_chart
from admin_api.deps import Principal, RuntimeDep
from admin_api.flowchart import flowchart_svg, transition_rows
from admin_api.web_session import (clear_session_cookie, cookie_token, csrf_input, principal_for_session,
                                   set_session_cookie)
from admin_api.pages_support import HERE, CrossSiteForm, font_file, form_guard, manual_html, templates
from admin_api.routes.letters import visible_letter
from admin_api.routes.reports import indicator_levels
from registry import access
from registry import audits as audit_svc
from registry import reports, signin
from registry.audits import CHECK_TH, CHECKS, VERDICT_TH
from registry.commands import PRIORITY_TH, SECRECY_TH
from registry import assignments as flow
from registry.commands import Forward, Recipient
from registry.errors import InvalidInput, PermissionDenied, RegistryError
from registry.lifecycle import STATE_TH, TRANSITIONS
from registry.models import Event, Person, Registration, Unit
from registry.permissions import ROLE_TH
from registry.search import LetterQuery, search_letters
from registry.timeutil import BANGKOK

# Every form post of the pages is checked for its origin and its CSRF token (pages_support.form_guard).
router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])


class SignIn(Exception):
    """Raised by a page when nobody (valid) is signed in: answered with a redirect to /admin/login."""


def install_redirect(app) -> None:
    @app.exception_handler(SignIn)
    async def to_login(request: Request, _exc: SignIn) -> Response:
        return RedirectResponse(f"/admin/login?next={request.url.path}", status_code=303)

    @app.exception_handler(CrossSiteForm)
    async def cross_site(request: Request, _exc: CrossSiteForm) -> Response:
        resp = page(request, "message.html", None, request.app.state.runtime, title="ไม่อนุญาต",
                    message="คำขอนี้ส่งมาจากเว็บไซต์อื่น ระบบจึงไม่บันทึก กรุณากรอกแบบฟอร์มจากหน้าของระบบเองค่ะ")
        resp.status_code = 403
        return resp


def who(request: Request, runtime) -> Principal:
    """The signed-in principal of this page request (its session cookie), or SignIn (→ the login page)."""
    principal = principal_for_session(runtime, cookie_token(request))
    if principal is None:
        raise SignIn()
    return principal


def page(request: Request, name: str, principal: Principal | None, runtime, **context) -> HTMLResponse:
    me, manages = None, principal is not None and principal.person_id is None  # the bootstrap token is the system
    if principal is not None and principal.person_id is not None:
        from registry.access import may_administer, viewer

        with runtime.read() as s:
            p = s.get(Person, principal.person_id)
            me = p.name if p else None
            manages = may_administer(viewer(s, principal.person_id, runtime.clock.now()))
    context.setdefault("manages", manages)  # the links to the organisation's management pages
    html = templates().get_template(name).render(
        request=request, principal=principal, me=me or ("ผู้ดูแลระบบ (โทเคนเริ่มต้น)" if principal else None),
        csrf_input=csrf_input(request), ROLE_TH=ROLE_TH, STATE_TH=STATE_TH, PRIORITY_TH=PRIORITY_TH, SECRECY_TH=SECRECY_TH, **context)
    return HTMLResponse(html)


def _today(runtime) -> dt.date:
    return runtime.clock.now().astimezone(BANGKOK).date()


# ---------------------------------------------------------------- static files and public pages

@router.get("/static/admin.css")
def css() -> FileResponse:
    return FileResponse(HERE / "static" / "admin.css", media_type="text/css")


@router.get("/static/fonts/{name}")
def font(name: str) -> Response:
    path = font_file(name)
    if path is None:
        return Response("ไม่พบไฟล์", status_code=404)
    return FileResponse(path, media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/process", response_class=HTMLResponse)
def process(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """แผนผังขั้นตอน (ตัวชี้วัดระดับ 1) สร้างจากตารางสถานะของระบบ."""
    return page(request, "process.html", _maybe(request, runtime), runtime, svg=flowchart_svg(), rows=transition_rows())


@router.get("/manual", response_class=HTMLResponse)
def manual(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """คู่มือการใช้งาน (ตัวชี้วัดระดับ 4)."""
    return page(request, "manual.html", _maybe(request, runtime), runtime, body=manual_html())


def _maybe(request: Request, runtime) -> Principal | None:
    try:
        return who(request, runtime)
    except SignIn:
        return None


# ---------------------------------------------------------------- sign-in (registry.signin keeps the rules)

def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(request: Request, runtime, *, next: str, error: str | None = None, notice: str | None = None,
                status: int = 200, username: str = "") -> HTMLResponse:
    with runtime.read() as s:
        bootstrap = not signin.admin_can_sign_in(s) and getattr(request.app.state, "admin_token", None) is not None
    resp = page(request, "login.html", None, runtime, next=_safe_next(next), error=error, notice=notice,
                bootstrap=bootstrap, username=username)
    resp.status_code = status
    return resp


def _signed_in(request: Request, signed, next: str) -> Response:
    resp = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(resp, request, signed)
    return resp


@router.get("/admin/login", response_class=HTMLResponse)
def login_form(request: Request, runtime: RuntimeDep, next: str = "/admin") -> HTMLResponse:
    return _login_page(request, runtime, next=next)


@router.post("/admin/login")
def login(request: Request, runtime: RuntimeDep, username: Annotated[str, Form(max_length=128)] = "",
          password: Annotated[str, Form(max_length=1024)] = "", token: Annotated[str, Form(max_length=512)] = "",
          next: Annotated[str, Form(max_length=512)] = "/admin") -> Response:
    """Username and password (argon2id, throttled per account and address); or, only until a real
    admin has a password, the bootstrap SARABAN_ADMIN_TOKEN. The cookie gets a new session id."""
    if token.strip():
        return _bootstrap_login(request, runtime, token.strip(), next)
    if not username.strip() or not password:
        return _login_page(request, runtime, next=next, error="กรุณากรอกชื่อผู้ใช้และรหัสผ่านค่ะ", status=400,
                           username=username.strip()[:64])
    with runtime.transaction() as s:
        result = signin.sign_in(s, username, password, address=_address(request), clock=runtime.clock)
    if result.signed_in is None:
        return _login_page(request, runtime, next=next, error=result.refusal, username=username.strip()[:64],
                           status=429 if result.refusal == signin.THROTTLED else 401)
    return _signed_in(request, result.signed_in, next)


BOOTSTRAP_NAME = "(admin-token)"  # the throttle's account name for tries of the bootstrap token


def _bootstrap_login(request: Request, runtime, token: str, next: str) -> Response:
    expected = getattr(request.app.state, "admin_token", None)
    address, now = _address(request), runtime.clock.now()
    signed, error = None, None
    with runtime.transaction() as s:
        if signin.throttled(s, BOOTSTRAP_NAME, address, now=now):
            signin.record_failure(s, BOOTSTRAP_NAME, address, now=now)
            error = signin.THROTTLED
        elif expected is None or not _same_secret(token, expected.get_secret_value()):
            signin.record_failure(s, BOOTSTRAP_NAME, address, now=now)
            error = "โทเคนไม่ถูกต้อง กรุณาตรวจสอบอีกครั้งค่ะ"
        else:
            signed = signin.open_bootstrap_session(s, clock=runtime.clock)
            error = None if signed is not None else _BOOTSTRAP_RETIRED
    if signed is not None:
        return _signed_in(request, signed, next)
    return _login_page(request, runtime, next=next, error=error, status=429 if error == signin.THROTTLED else 401)


_BOOTSTRAP_RETIRED = ("ระบบมีผู้ดูแลที่ตั้งรหัสผ่านแล้ว โทเคนเริ่มต้นจึงใช้เข้าสู่ระบบทางเว็บไม่ได้อีก "
                      "กรุณาเข้าสู่ระบบด้วยชื่อผู้ใช้และรหัสผ่านค่ะ")
LINK_SENT = ("หากชื่อผู้ใช้นี้เชื่อมกับ LINE หรือ Telegram ไว้ ระบบได้ส่งลิงก์เข้าสู่ระบบไปที่แชตนั้นแล้ว "
             "ลิงก์ใช้ได้ครั้งเดียวภายใน 10 นาทีค่ะ")


def _same_secret(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


@router.post("/admin/login/link")
def request_sign_in_link(request: Request, runtime: RuntimeDep, username: Annotated[str, Form(max_length=128)] = "",
                         next: Annotated[str, Form(max_length=512)] = "/admin") -> Response:
    """Send a one-time sign-in link to the person's own linked chats (that chat is the proof).

    The answer is the same whether or not the username exists or has a chat (no account discovery);
    a person is sent at most MAX_LINKS_PER_TTL links per LINK_TTL."""
    with runtime.transaction() as s:
        person_id = signin.person_by_username(s, username) if username.strip() else None
        if person_id is not None and signin.links_sent_recently(s, person_id, clock=runtime.clock) < signin.MAX_LINKS_PER_TTL:
            send_sign_in_link(s, runtime, person_id)
    return _login_page(request, runtime, next=next, notice=LINK_SENT)


def send_sign_in_link(s, runtime, person_id: int) -> int:
    """Queue a one-time sign-in link to each linked chat of the person; how many chats."""
    from registry.outbox import notify_person

    token = signin.issue_sign_in_link(s, person_id, clock=runtime.clock)
    base = (runtime.public_url or "").rstrip("/")
    text = (f"ลิงก์เข้าสู่ระบบสารบรรณทางเว็บ (ใช้ได้ครั้งเดียวภายใน 10 นาที):\n{base}/admin/signin/{token}\n"
            "หากท่านไม่ได้ขอ ไม่ต้องทำอะไรค่ะ")
    return notify_person(s, person_id, kind="sign_in_link", payload={"text": text},
                         dedupe_key=f"signin:{token[:16]}", at=runtime.clock.now())


@router.get("/admin/signin/{token}", response_class=HTMLResponse)
def sign_in_link_page(token: str, request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """The page a chat link opens. It spends nothing: chat apps fetch links for previews, so the
    link is spent by the button's POST, not by the GET."""
    return page(request, "signin_link.html", None, runtime, token=token[:128])


@router.post("/admin/signin/{token}")
def use_sign_in_link(token: str, request: Request, runtime: RuntimeDep) -> Response:
    with runtime.transaction() as s:
        signed = signin.use_sign_in_link(s, token[:128], clock=runtime.clock)
    if signed is None:
        return _login_page(request, runtime, next="/admin", status=400,
                           error="ลิงก์เข้าสู่ระบบนี้ใช้ไปแล้วหรือหมดอายุ กรุณาขอลิงก์ใหม่ค่ะ")
    return _signed_in(request, signed, "/admin")


@router.post("/admin/logout")
def logout(request: Request, runtime: RuntimeDep) -> Response:
    token = cookie_token(request)
    if token:
        with runtime.transaction() as s:
            signin.sign_out(s, token, clock=runtime.clock)
    resp = RedirectResponse("/admin/login", status_code=303)
    clear_session_cookie(resp, request)
    return resp


@router.get("/admin/account", response_class=HTMLResponse)
def account(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    principal = who(request, runtime)
    return _account_page(request, runtime, principal)


def _account_page(request, runtime, principal, *, error=None, status=200) -> HTMLResponse:
    username = None
    if principal.person_id is not None:
        with runtime.read() as s:
            username = signin.username_of(s, principal.person_id)
    resp = page(request, "account.html", principal, runtime, username=username, error=error,
                min_password=signin.MIN_PASSWORD)
    resp.status_code = status
    return resp


@router.post("/admin/account/password")
def change_password(request: Request, runtime: RuntimeDep, current: Annotated[str, Form(max_length=1024)] = "",
                    password: Annotated[str, Form(max_length=1024)] = "",
                    again: Annotated[str, Form(max_length=1024)] = "") -> Response:
    """A person changes their own password: the current one first; every session ends (this one too)."""
    principal = who(request, runtime)
    if principal.person_id is None:
        return _account_page(request, runtime, principal, status=400,
                             error="โทเคนเริ่มต้นไม่มีรหัสผ่าน กรุณาสร้างบัญชีผู้ดูแลด้วยคำสั่ง saraban admin password ค่ะ")
    if password != again:
        return _account_page(request, runtime, principal, status=400, error="รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกันค่ะ")
    error = None
    with runtime.transaction() as s:
        error = signin.check_password(s, principal.person_id, current, address=_address(request), clock=runtime.clock)
    if error is None:
        try:
            with runtime.transaction() as s:
                signin.set_password(s, principal.person_id, password, actor=principal.actor, clock=runtime.clock)
        except InvalidInput as exc:
            error = exc.message_th
    if error is not None:
        return _account_page(request, runtime, principal, status=400, error=error)
    resp = _login_page(request, runtime, next="/admin",
                       notice="เปลี่ยนรหัสผ่านแล้ว ทุกเครื่องที่เคยเข้าสู่ระบบถูกออกจากระบบ กรุณาเข้าสู่ระบบด้วยรหัสผ่านใหม่ค่ะ")
    clear_session_cookie(resp, request)
    return resp


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith(("//", "/\\")) else "/admin"


# ---------------------------------------------------------------- dashboard

@router.get("/admin", response_class=HTMLResponse)
def dashboard(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    principal = who(request, runtime)
    today = _today(runtime)
    start = today - dt.timedelta(days=30)
    now = runtime.clock.now()
    with runtime.read() as s:
        v = principal.viewer(s, now)
        scope = access.report_units(v)
        scope = None if scope is None else sorted(scope)
        stats = [x for x in reports.unit_report(s, period_from=start, period_to=today, now=now, unit_ids=scope)
                 if x.received or x.audit_reviewed]
        backlog = reports.backlog_by_age(s, now=now, unit_ids=scope)
        levels = indicator_levels(request, s, start, today) if access.may_audit(v) else []
        from admin_api.routes.pages_queues import counts_for

        queue_counts = counts_for(s, principal, now, today.year + 543)
    compliance = hbar_chart("การส่งต่อและการรับทราบรายหน่วยงาน (30 วันล่าสุด)",
                            [(x.name, [x.forwarded_pct, x.acknowledged_pct]) for x in stats],
                            ["ส่งต่อแล้ว", "รับทราบแล้ว"])
    backlog_svg = column_chart("หนังสือค้าง (ยังไม่รับทราบหรือปิด) แยกตามอายุ", backlog)
    return page(request, "dashboard.html", principal, runtime, compliance=compliance, backlog=backlog_svg,
                stats=stats, levels=levels, start=start, end=today, queue_counts=queue_counts)


# ---------------------------------------------------------------- letters

DIRECTIONS = {"incoming": "หนังสือรับ", "outgoing": "หนังสือส่ง", "circular": "หนังสือเวียน"}


def _letter_filters(request, runtime, v: access.Viewer, s, *, q, status, unit, direction, date_from, date_to):
    """(query, units the viewer may pick, unit id, error, from, to) of the letters page's filters.
    Without a unit: every letter the viewer may see (the search itself applies registry/access.py)."""
    from admin_api.pages_support import parse_form_date

    units = s.execute(select(Unit).order_by(Unit.code)).scalars().all()
    unit_id = int(unit) if unit.isdigit() else None
    if not access.sees_unit(v, unit_id):
        unit_id = None
    if not v.oversees_all:
        units = [u for u in units if access.sees_unit(v, u.id)]
    error = None
    try:
        start = parse_form_date(date_from[:40], today=_today(runtime), field="from", label="ตั้งแต่วันที่")
        end = parse_form_date(date_to[:40], today=_today(runtime), field="to", label="ถึงวันที่")
    except InvalidInput as e:
        error, start, end = e.message_th, None, None
    query = LetterQuery(q=q[:200] or None, status=status or None, unit_id=unit_id, direction=direction,
                        received_from=start, received_to=end)
    return query, units, unit_id, error


@router.get("/admin/letters", response_class=HTMLResponse)
def letters(request: Request, runtime: RuntimeDep, q: str = "", status: str = "", unit: str = "",
            direction: str = "incoming", date_from: Annotated[str, Query(alias="from")] = "",
            date_to: Annotated[str, Query(alias="to")] = "",
            page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1) -> HTMLResponse:
    """Incoming and outgoing letters apart (one tab each), with their book and unit."""
    from dataclasses import replace

    principal = who(request, runtime)
    page_no = max(1, page_no)
    direction = direction if direction in DIRECTIONS else "incoming"
    with runtime.read() as s:
        v = principal.viewer(s, runtime.clock.now())
        query, units, unit_id, error = _letter_filters(request, runtime, v, s, q=q, status=status, unit=unit,
                                                       direction=direction, date_from=date_from, date_to=date_to)
        total, rows = search_letters(s, replace(query, limit=25, offset=(page_no - 1) * 25), viewer=v)
        items = [(l, access.may_read(v, l)) for l in rows]
        return page(request, "letters.html", principal, runtime, items=items, total=total, q=q, status=status,
                    unit=unit_id, units=units, page_no=page_no, pages=max(1, (total + 24) // 25),
                    direction=direction, DIRECTIONS=DIRECTIONS, date_from=date_from, date_to=date_to, error=error)


EXPORT_LIMIT = 10_000  # a year of a busy unit; more is an export of the register itself


@router.get("/admin/letters/export")
def letters_export(request: Request, runtime: RuntimeDep, q: str = "", status: str = "", unit: str = "",
                   direction: str = "incoming", date_from: Annotated[str, Query(alias="from")] = "",
                   date_to: Annotated[str, Query(alias="to")] = "", format: str = "xlsx") -> Response:
    """The current search result (a day, a date range, a word…) as XLSX, CSV or a printable PDF."""
    from dataclasses import replace

    from admin_api.exports import MEDIA_TYPES, render
    from admin_api.exports.builders import letters_table
    from admin_api.exports.tabular import content_disposition
    from admin_api.pages_support import be_date_text
    from registry.timeutil import thai_date

    principal = who(request, runtime)
    direction = direction if direction in DIRECTIONS else "incoming"
    fmt = format if format in MEDIA_TYPES else "xlsx"
    with runtime.read() as s:
        v = principal.viewer(s, runtime.clock.now())
        query, _units, unit_id, error = _letter_filters(request, runtime, v, s, q=q, status=status,
                                                        unit=unit, direction=direction, date_from=date_from,
                                                        date_to=date_to)
        if error:
            return page(request, "message.html", principal, runtime, title="ส่งออกไม่ได้", message=error)
        found: list = []
        total = None
        while total is None or (len(found) < min(total, EXPORT_LIMIT)):
            total, rows = search_letters(s, replace(query, limit=200, offset=len(found)), viewer=v)
            if not rows:
                break
            found += rows
        unit_row = s.get(Unit, unit_id) if unit_id and unit_id > 0 else None
        period = ""
        if query.received_from or query.received_to:
            a, b = query.received_from, query.received_to
            period = (f"วันที่ {thai_date(a)}" if a == b else
                      f"ตั้งแต่ {thai_date(a) if a else '-'} ถึง {thai_date(b) if b else '-'}")
        what = " · ".join(x for x in (unit_row.name if unit_row else "ทุกหน่วยงานที่เห็นได้", period,
                                      f"คำค้น “{q}”" if q else "") if x)
        name_bits = [DIRECTIONS[direction], unit_row.code if unit_row else "",
                     be_date_text(query.received_from).replace("/", "-") if query.received_from else "",
                     ("ถึง " + be_date_text(query.received_to).replace("/", "-")) if query.received_to and
                     query.received_to != query.received_from else "", "ผลการค้นหา" if q else ""]
        table = letters_table(v, found[:EXPORT_LIMIT], direction=direction,
                              title=f"ทะเบียน{DIRECTIONS[direction]}", subtitle=what,
                              filename=" ".join(b for b in name_bits if b))
        if total and total > EXPORT_LIMIT:
            table.footer.append(f"แสดง {EXPORT_LIMIT:,} รายการแรกจาก {total:,} รายการ กรุณาจำกัดช่วงวันที่")
    return Response(render(table, fmt), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(table.filename, fmt)})


@router.get("/admin/letters/{letter_id}", response_class=HTMLResponse)
def letter_page(letter_id: int, request: Request, runtime: RuntimeDep, error: str | None = None,
                done: str | None = None, receipt: str | None = None) -> HTMLResponse:
    from admin_api.letter_route import letter_view

    principal = who(request, runtime)
    with runtime.read() as s:
        v = principal.viewer(s, runtime.clock.now())
        try:
            letter = visible_letter(s, v, letter_id)
        except RegistryError as e:
            return page(request, "message.html", principal, runtime, title="ไม่พบหนังสือ", message=e.message_th)
        view = letter_view(s, v, letter, now=runtime.clock.now())
        duplicates = []
        if receipt:
            from admin_api.routes.pages_register import registered_event_duplicates

            duplicates = registered_event_duplicates(s, letter)
        return page(request, "letter.html", principal, runtime, letter=letter, error=error, done=done,
                    receipt=bool(receipt), duplicates=duplicates, **view)


@router.post("/admin/letters/{letter_id}/act")
async def act_on_letter(letter_id: int, request: Request, runtime: RuntimeDep) -> Response:
    """The letter page's buttons: the same registry services as the API and the chat."""
    principal = who(request, runtime)
    form = await request.form()
    action = str(form.get("action") or "")
    actor = principal.actor
    try:
        with runtime.transaction() as s:
            v = principal.viewer(s, runtime.clock.now())
            visible_letter(s, v, letter_id)
            if not access.may_act(v):
                raise PermissionDenied("เปลี่ยนแปลงหนังสือ (ผู้ตรวจสอบอ่านได้อย่างเดียว)")
            if action == "forward":
                person = str(form.get("person_id") or "")
                if not person.isdigit():
                    raise InvalidInput("person_id", "กรุณาเลือกผู้รับ")
                flow.forward(s, Forward(letter_id, (Recipient(person_id=int(person), role=str(form.get("role") or "principal")),),
                                        str(form.get("purpose") or "act"), str(form.get("instruction") or "") or None),
                             actor=actor, clock=runtime.clock)
            elif action in ("acknowledge", "return"):
                assignment = int(str(form.get("assignment_id") or "0"))
                if action == "acknowledge":
                    flow.acknowledge(s, assignment, actor=actor, clock=runtime.clock)
                else:
                    flow.return_assignment(s, assignment, str(form.get("reason") or ""), actor=actor, clock=runtime.clock)
            elif action == "close":
                flow.close_letter(s, letter_id, note=str(form.get("note") or "") or None, actor=actor, clock=runtime.clock)
            elif action == "cancel":
                flow.cancel_letter(s, letter_id, str(form.get("reason") or ""), actor=actor, clock=runtime.clock)
            else:
                raise InvalidInput("action", "ไม่รู้จักคำสั่งนี้")
    except (RegistryError, ValueError) as e:
        message = e.message_th if isinstance(e, RegistryError) else "ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบ"
        resp = letter_page(letter_id, request, runtime, error=message)
        resp.status_code = 409 if isinstance(e, RegistryError) and not isinstance(e, InvalidInput) else 422
        return resp
    return RedirectResponse(f"/admin/letters/{letter_id}?done={action}", status_code=303)


# ---------------------------------------------------------------- audits

@router.get("/admin/audits", response_class=HTMLResponse)
def audits(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    principal = who(request, runtime)
    if not principal.may(access.AUDIT):
        return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์",
                    message="ขออภัย หน้านี้สำหรับผู้ดูแลระบบและผู้ตรวจสอบ")
    with runtime.read() as s:
        _total, rows = audit_svc.list_audits(s, limit=100)
        units = s.execute(select(Unit).order_by(Unit.code)).scalars().all()
        today = _today(runtime)
        return page(request, "audits.html", principal, runtime, audits=rows, units=units, error=None,
                    default_from=today - dt.timedelta(days=90), default_to=today)


@router.post("/admin/audits")
async def create_audit(request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    form = await request.form()
    try:
        unit_ids = tuple(int(u) for u in form.getlist("units"))
        size = form.get("sample_size") or None
        margin = form.get("margin") or None
        seed = form.get("seed") or None
        with runtime.transaction() as s:
            from admin_api.pages_support import parse_form_date

            today = _today(runtime)
            period_from = parse_form_date(str(form.get("period_from") or "")[:40], today=today, field="period_from",
                                          label="ตั้งแต่วันที่")
            period_to = parse_form_date(str(form.get("period_to") or "")[:40], today=today, field="period_to",
                                        label="ถึงวันที่")
            if period_from is None or period_to is None:
                raise InvalidInput("period", "กรุณาระบุช่วงวันที่ให้ครบ")
            audit = audit_svc.create_audit(s, audit_svc.AuditRequest(
                unit_ids=unit_ids, period_from=period_from, period_to=period_to,
                sample_size=int(size) if size else None, margin=float(margin) / 100 if margin else None,
                confidence=float(form.get("confidence") or 95) / 100 if margin else None,
                allocation=str(form.get("allocation") or "proportional"), seed=int(seed) if seed else None,
                title=str(form.get("title") or "") or None), actor=principal.actor, clock=runtime.clock)
            audit_id = audit.id
    except (RegistryError, ValueError) as e:
        message = e.message_th if isinstance(e, RegistryError) else "ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบวันที่และตัวเลข"
        with runtime.read() as s:
            _t, rows = audit_svc.list_audits(s, limit=100)
            units = s.execute(select(Unit).order_by(Unit.code)).scalars().all()
            today = _today(runtime)
            resp = page(request, "audits.html", principal, runtime, audits=rows, units=units, error=message,
                        default_from=today - dt.timedelta(days=90), default_to=today,
                        form_from=str(form.get("period_from") or ""), form_to=str(form.get("period_to") or ""))
        resp.status_code = 422
        return resp
    return RedirectResponse(f"/admin/audits/{audit_id}", status_code=303)


@router.get("/admin/audits/{audit_id}", response_class=HTMLResponse)
def audit_page(audit_id: int, request: Request, runtime: RuntimeDep, error: str | None = None) -> HTMLResponse:
    principal = who(request, runtime)
    if not principal.may(access.AUDIT):
        return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์",
                    message="ขออภัย หน้านี้สำหรับผู้ดูแลระบบและผู้ตรวจสอบ")
    with runtime.read() as s:
        try:
            audit = audit_svc.get_audit(s, audit_id)
        except RegistryError as e:
            return page(request, "message.html", principal, runtime, title="ไม่พบการสุ่มตรวจ", message=e.message_th)
        items = audit_svc.audit_items(s, audit.id)
        regs = {r.id: r for r in s.execute(select(Registration).where(
            Registration.id.in_([i.registration_id for i in items] or [-1]))).unique().scalars()}
        units = {u.id: u for u in s.execute(select(Unit)).scalars()}
        summary = audit.result or audit_svc.summarise(s, audit, items)
        v = principal.viewer(s, runtime.clock.now())
        readable_regs = {r.id: access.may_read(v, r.letter) for r in regs.values()}
        return page(request, "audit.html", principal, runtime, audit=audit, items=items, regs=regs, units=units,
                    summary=summary, CHECKS=CHECKS, CHECK_TH=CHECK_TH, VERDICT_TH=VERDICT_TH, error=error,
                    readable_regs=readable_regs,
                    reviewed=sum(1 for i in items if i.verdict))


@router.post("/admin/audits/{audit_id}/items/{item_id}")
def review_item(audit_id: int, item_id: int, request: Request, runtime: RuntimeDep,
                verdict: Annotated[str, Form(max_length=16)], note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """One verdict. The page's script posts it in the background (Accept: application/json) and
    updates the item in place; without the script the page reloads at the item."""
    from fastapi.responses import JSONResponse

    principal = who(request, runtime)
    inline = "application/json" in request.headers.get("accept", "")
    try:
        with runtime.transaction() as s:
            audit_svc.record_verdict(s, audit_id, item_id, verdict, note or None, actor=principal.actor,
                                     clock=runtime.clock)
            items = audit_svc.audit_items(s, audit_id)
            reviewed, total = sum(1 for i in items if i.verdict), len(items)
    except RegistryError as e:
        if inline:
            return JSONResponse({"ok": False, "message": e.message_th}, status_code=409)
        resp = audit_page(audit_id, request, runtime, error=e.message_th)
        resp.status_code = 409
        return resp
    if inline:
        return JSONResponse({"ok": True, "verdict": verdict, "verdict_th": VERDICT_TH.get(verdict, verdict),
                             "reviewed": reviewed, "total": total})
    return RedirectResponse(f"/admin/audits/{audit_id}#item-{item_id}", status_code=303)


@router.post("/admin/audits/{audit_id}/close")
def close_audit(audit_id: int, request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    try:
        with runtime.transaction() as s:
            audit_svc.close_audit(s, audit_id, actor=principal.actor, clock=runtime.clock)
    except RegistryError as e:
        resp = audit_page(audit_id, request, runtime, error=e.message_th)
        resp.status_code = 409
        return resp
    return RedirectResponse(f"/admin/audits/{audit_id}", status_code=303)


# ---------------------------------------------------------------- reports and exports

@router.get("/admin/reports", response_class=HTMLResponse)
def reports_page(request: Request, runtime: RuntimeDep, start: str = "", end: str = "") -> HTMLResponse:
    principal = who(request, runtime)
    from admin_api.pages_support import parse_form_date

    today = _today(runtime)
    error = error_field = None
    try:  # dates typed in พ.ศ. (27/2/2569, 27 ก.พ. 69) or ISO; the same reader as the chat
        period_to = parse_form_date(end[:40], today=today, field="end", label="ถึงวันที่") or today
        period_from = parse_form_date(start[:40], today=today, field="start", label="ตั้งแต่วันที่") or \
            period_to - dt.timedelta(days=30)
    except InvalidInput as e:
        error, error_field = e.message_th, e.field
        period_to, period_from = today, today - dt.timedelta(days=30)
    with runtime.read() as s:
        v = principal.viewer(s, runtime.clock.now())
        scope = access.report_units(v)
        stats = reports.unit_report(s, period_from=period_from, period_to=period_to, now=runtime.clock.now(),
                                    unit_ids=None if scope is None else sorted(scope))
        audits_too = access.may_audit(v)
        levels = indicator_levels(request, s, period_from, period_to) if audits_too else []
        training = reports.training_rows(s) if audits_too else []
        misses = {}
        if audits_too:  # who or which unit misses a level, named on the page (and in the pack)
            from admin_api.exports.evidence import people_not_trained, units_not_recording_rows

            misses = {2: units_not_recording_rows(s, period_from, period_to), 5: people_not_trained(s)}
    return page(request, "reports.html", principal, runtime, stats=stats, levels=levels, start=period_from,
                end=period_to, training=training, error=error, error_field=error_field, misses=misses,
                start_text=start if error else "", end_text=end if error else "")


@router.get("/admin/reports/evidence.pdf")
def evidence_pdf(request: Request, runtime: RuntimeDep, start: str = "", end: str = "") -> Response:
    """ชุดหลักฐานตัวชี้วัด (PDF พิมพ์ได้): levels, misses named, flowchart, statistics, audits, manual, roster."""
    from admin_api.exports.evidence import evidence_pack
    from admin_api.exports.tabular import content_disposition
    from admin_api.pages_support import be_date_text, parse_form_date

    principal = who(request, runtime)
    if not principal.may(access.AUDIT):
        return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์",
                    message="ขออภัย ชุดหลักฐานนี้สำหรับผู้ดูแลระบบและผู้ตรวจสอบ")
    today = _today(runtime)
    try:
        period_to = parse_form_date(end[:40], today=today) or today
        period_from = parse_form_date(start[:40], today=today) or period_to - dt.timedelta(days=30)
    except InvalidInput as e:
        return page(request, "message.html", principal, runtime, title="วันที่ไม่ถูกต้อง", message=e.message_th)
    with runtime.read() as s:
        levels = indicator_levels(request, s, period_from, period_to)
        data = evidence_pack(s, levels, start=period_from, end=period_to, now=runtime.clock.now(),
                             base_url=str(request.base_url).rstrip("/"))
    name = f"ชุดหลักฐานตัวชี้วัด {be_date_text(period_from).replace('/', '-')} ถึง {be_date_text(period_to).replace('/', '-')}"
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": content_disposition(name, "pdf")})


@router.get("/admin/exports", response_class=HTMLResponse)
def exports_page(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """ส่งออก: the viewer's own unit first (a unit with letters, never an empty one picked by code)."""
    from sqlalchemy import func

    from registry.models import Book

    principal = who(request, runtime)
    year = _today(runtime).year + 543
    with runtime.read() as s:
        v = principal.viewer(s, runtime.clock.now())
        units = [u for u in s.execute(select(Unit).order_by(Unit.code)).scalars().all() if access.sees_unit(v, u.id)]
        counts = dict(s.execute(select(Book.unit_id, func.sum(Book.last_number)).where(
            Book.sandbox.is_(False), Book.year == year).group_by(Book.unit_id)).all())
        own = access.direct_units(v.held, access.ANSWER)
        default = next((u for u in own if any(x.id == u for x in units)), None)
        if default is None and units:
            default = max(units, key=lambda u: (counts.get(u.id) or 0, -u.id)).id
        _t, audit_rows = audit_svc.list_audits(s, limit=50) if access.may_audit(v) else (0, [])
    return page(request, "exports.html", principal, runtime, units=units, year=year, audits=audit_rows,
                default_unit=default, counts=counts)



# The registration, correction and work-queue pages (their own modules; the same router and checks).
from admin_api.routes import pages_queues, pages_register  # noqa: E402

router.include_router(pages_register.router)
router.include_router(pages_queues.router)

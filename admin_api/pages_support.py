"""What the pages share: the templates, the manual (Markdown in the repo), the font files."""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from registry.lifecycle import ACTION_TH, STATE_TH
from registry.timeutil import thai_date, thai_datetime

HERE = Path(__file__).resolve().parent
MANUAL = HERE / "manual" / "manual_th.md"


EVENT_TH = {
    "letter.registered": "ลงรับ", "letter.number_issued": "ออกเลขหนังสือส่ง", "assignment.sent": "ส่งต่อ",
    "assignment.acknowledged": "รับทราบ", "assignment.returned": "ส่งคืน (ไม่ใช่งานของฉัน)",
    "letter.closed": "ปิดเรื่อง", "letter.cancelled": "ยกเลิกเลขทะเบียน", "attachment.added": "แนบไฟล์",
    "letter.corrected": "แก้ไขรายละเอียด", "attachment.stamped": "ประทับตรารับบนสำเนา", "mail.received": "รับทางอีเมล",
    "mail.registered": "ลงรับจากอีเมล",
    "letter.imported": "นำเข้าจากทะเบียนเดิม", "book.imported": "นำเข้าทะเบียน",
    "book.next_number_set": "ตั้งเลขถัดไป (ทะเบียนกระดาษ)", "settings.changed": "แก้ไขการตั้งค่า",
}
CHANNEL_TH = {"line": "LINE", "telegram": "Telegram", "web": "เว็บ", "api": "API", "cli": "คำสั่งระบบ",
              "terminal": "เทอร์มินัล", "system": "ระบบ"}


@functools.cache
def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.filters["thai_date"] = lambda v: thai_date(v, short=True) if v else "-"
    env.filters["thai_datetime"] = lambda v: thai_datetime(v) if v else "-"
    env.filters["pct"] = lambda v: "-" if v is None else f"{v:.0f}%"
    env.filters["hours"] = duration_th
    env.filters["state_th"] = lambda v: STATE_TH.get(v, v)
    env.filters["action_th"] = lambda v: ACTION_TH.get(v, v)
    env.filters["event_th"] = lambda v: EVENT_TH.get(v, v)
    env.filters["channel_th"] = lambda v: CHANNEL_TH.get(v, v)
    _install_form_filters(env)
    return env


def manual_text() -> str:
    return MANUAL.read_text("utf-8") if MANUAL.is_file() else ""


def manual_html() -> str:
    """The manual rendered to HTML; ``{{ตารางขั้นตอน}}`` becomes the lifecycle table (never drifts)."""
    from markdown_it import MarkdownIt

    from admin_api.flowchart import transition_rows

    table = ["| จากสถานะ | การกระทำ | ไปสถานะ | ผู้ทำได้ | คำอธิบาย |", "|---|---|---|---|---|"]
    table += [f"| {r['source']} | {r['action']} | {r['target']} | {r['who']} | {r['note']} |" for r in transition_rows()]
    text = manual_text().replace("{{ตารางขั้นตอน}}", "\n".join(table))
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def font_file(name: str) -> Path | None:
    from admin_api.exports.tabular import font_dir

    path = (font_dir() / name).resolve()
    if path.parent != font_dir().resolve() or path.suffix != ".ttf" or not path.is_file():
        return None
    return path


# ---------------------------------------------------------------- forms: same-origin posts, พ.ศ. dates

class CrossSiteForm(Exception):
    """A form post that came from another site (CSRF): answered 403, nothing written."""


def check_same_origin(request) -> None:
    """Refuse a POST sent by another site's page (OWASP: verify the Origin, else the Referer).

    The sign-in cookie is SameSite=Strict, so a browser does not send it cross-site anyway; this
    is the second lock. Browsers send Origin on every form POST; a client that sends neither
    header (curl, the test client) is not a browser being tricked. Only the host is compared: a
    TLS proxy in front (Caddy) makes the app see http while the browser says https.
    """
    from urllib.parse import urlsplit

    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CrossSiteForm()
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return
    if source == "null" or urlsplit(source).netloc.lower() != (request.headers.get("host") or "").lower():
        raise CrossSiteForm()


async def form_guard(request: Request) -> None:
    """The dependency of every page router: a POST must come from our own pages.

    Two locks besides the SameSite=Strict cookie: the Origin (or Referer) names our host, and the
    form carries the signed-in session's CSRF token (``registry.signin.csrf_token``). Every
    ``<form method="post">`` therefore includes ``{{ csrf_input }}``, which ``page()`` provides.
    """
    if request.method != "POST":
        return
    check_same_origin(request)
    from admin_api.web_session import check_csrf

    await check_csrf(request)


def be_date_text(value) -> str:
    """A date as the forms show it: ``27/02/2569`` (day/month/พ.ศ.)."""
    import datetime as _dt

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value)
    if isinstance(value, _dt.datetime):
        from registry.timeutil import local

        value = local(value).date()
    return f"{value.day:02d}/{value.month:02d}/{value.year + 543}"


def parse_form_date(text: str | None, *, today=None, field: str = "date", label: str = "วันที่"):
    """A date typed in a form (``27/2/2569``, ``27 ก.พ. 69``, ``2026-02-27``) → date, or None when
    empty; a Thai InvalidInput when it cannot be read. The same reader as the chat (nlp.dates)."""
    from nlp.dates import DateError, parse_date
    from registry.errors import InvalidInput

    if text is None or not str(text).strip():
        return None
    try:
        return parse_date(str(text).strip(), today=today)
    except (DateError, ValueError) as exc:
        raise InvalidInput(field, f"{label}อ่านไม่ได้: “{str(text).strip()[:40]}” กรุณาพิมพ์เช่น 27/2/2569") from exc


DIRECTION_TH = {"incoming": "ทะเบียนรับ", "outgoing": "ทะเบียนส่ง", "circular": "ทะเบียนหนังสือเวียน"}
OUTGOING_STATE_TH = {"registered": "ออกเลขแล้ว", "cancelled": "ยกเลิกแล้ว", "closed": "ปิดเรื่องแล้ว"}
ROLE_ASSIGNMENT_TH = {"principal": "เจ้าของเรื่อง", "copy": "สำเนา"}


def letter_state_th(letter) -> str:
    """The Thai status of a letter; an outgoing number is ออกเลขแล้ว, never ลงรับแล้ว."""
    if letter.direction != "incoming":
        return OUTGOING_STATE_TH.get(letter.status, STATE_TH.get(letter.status, letter.status))
    return STATE_TH.get(letter.status, letter.status)


def _install_form_filters(env) -> None:
    from registry.commands import PURPOSE_TH

    env.filters["be_date"] = be_date_text
    env.filters["direction_th"] = lambda v: DIRECTION_TH.get(v, v)
    env.filters["purpose_th"] = lambda v: PURPOSE_TH.get(v, v)
    env.filters["assignee_role_th"] = lambda v: ROLE_ASSIGNMENT_TH.get(v, v)
    env.filters["letter_state_th"] = letter_state_th
    env.globals["DIRECTION_TH"] = DIRECTION_TH
    env.globals["unit_options"] = lambda units: [(u.id, f"{u.name} ({u.code})") for u in units]


def duration_th(hours: float | None) -> str:
    """A median duration in words: never "0.0 ชม." (no data says so; under an hour is in minutes)."""
    if hours is None:
        return "ยังไม่มีข้อมูล"
    minutes = hours * 60
    if minutes < 1:
        return "ไม่ถึง 1 นาที"
    if hours < 1:
        return f"{minutes:.0f} นาที"
    if hours < 48:
        return f"{hours:.1f} ชม."
    return f"{hours / 24:.1f} วัน"

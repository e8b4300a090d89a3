"""``/admin/system``: is the service well? Channel status (what the deliverers last saw of LINE and
Telegram, last delivery, last error), outbox backlog and failed notices (with retry), LINE quota,
database and migration revision, deliverer heartbeats, version. Admins and auditors read it;
only admins retry. It reads the database only (bot.heartbeat writes what the platforms said)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin_api.pages_support import form_guard
from admin_api.deps import RuntimeDep
from admin_api.routes.pages import page, who
from registry import access, system
from registry.errors import PermissionDenied, RegistryError
from registry.timeutil import thai_datetime

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])
CHANNEL_TH = {"line": "LINE", "telegram": "Telegram", "web": "แชตบนเว็บ"}


def _age(now: dt.datetime, then: dt.datetime | None) -> str:
    if then is None:
        return "-"
    seconds = int((now - then).total_seconds())
    if seconds < 90:
        return f"{max(seconds, 0)} วินาทีที่แล้ว"
    if seconds < 90 * 60:
        return f"{seconds // 60} นาทีที่แล้ว"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} ชั่วโมงที่แล้ว"
    return f"{seconds // 86400} วันที่แล้ว"


def _latest_probe(beats, channel: str) -> dict | None:
    found = [(b.info or {}).get(channel) for b in beats]
    found = [f for f in found if isinstance(f, dict)]
    return max(found, key=lambda f: f.get("checked_at", ""), default=None)


@router.get("/admin/system", response_class=HTMLResponse)
def system_page(request: Request, runtime: RuntimeDep, done: str = "", error: str = "") -> HTMLResponse:
    principal = who(request, runtime)
    if not principal.may(access.OVERSEE):
        raise PermissionDenied("ดูสถานะระบบ")
    settings = request.app.state.settings
    now = runtime.clock.now()
    with runtime.read() as s:
        activity = {c: system.channel_activity(s, c) for c in ("line", "telegram", "web")}
        failed = system.failed_notices(s)
        oldest = system.oldest_pending(s)
        revision = system.schema_revision(s)
        beats = system.heartbeats(s)
    enabled = {"line": settings.line_enabled, "telegram": settings.telegram_enabled, "web": True}
    channels = [{
        "name": CHANNEL_TH[c], "key": c, "enabled": enabled[c], "activity": activity[c],
        "probe": _latest_probe(beats, c), "last_inbound": _age(now, activity[c].last_inbound),
        "last_sent": _age(now, activity[c].last_sent),
    } for c in ("line", "telegram", "web")]
    line_probe = _latest_probe(beats, "line")
    alive = [b for b in beats if now - b.seen_at <= system.ALIVE_WITHIN]
    return page(request, "system.html", principal, runtime, channels=channels, failed=failed,
                backlog=sum(a.pending for a in activity.values()), oldest=_age(now, oldest), line_probe=line_probe,
                database=runtime.engine.url.render_as_string(hide_password=True), dialect=runtime.engine.dialect.name,
                revision=revision, beats=beats, alive=alive, age=lambda t: _age(now, t), thai=thai_datetime,
                version=request.app.version, CHANNEL_TH=CHANNEL_TH, done=done, error=error,
                can_retry=principal.may(access.ADMIN))


@router.post("/admin/system/outbox/{message_id}/retry")
def retry(message_id: int, request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    try:
        with runtime.transaction() as s:
            if not principal.may(access.ADMIN):
                raise PermissionDenied("ส่งข้อความที่ล้มเหลวอีกครั้ง")
            system.retry_notice(s, message_id, actor=principal.actor, at=runtime.clock.now())
    except RegistryError as exc:
        return RedirectResponse(f"/admin/system?error={quote(exc.message_th)}", status_code=303)
    return RedirectResponse(f"/admin/system?done={message_id}", status_code=303)

"""The indicator evidence thresholds, edited by an admin on the reports page (registry.reports
set_thresholds: checked, stored, an event with before and after)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin_api.deps import RuntimeDep
from admin_api.pages_support import form_guard
from admin_api.routes.pages import page, reports_view, who
from registry import access, reports
from registry.errors import InvalidInput, RegistryError

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_guard)])


@router.post("/admin/reports/thresholds", response_class=HTMLResponse)
async def thresholds_post(request: Request, runtime: RuntimeDep) -> Response:
    principal = who(request, runtime)
    if not principal.may(access.ADMIN):
        return page(request, "message.html", principal, runtime, title="ไม่มีสิทธิ์",
                    message="ขออภัย เฉพาะผู้ดูแลระบบแก้ไขเกณฑ์ตัวชี้วัดได้ค่ะ")
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in reports.THRESHOLD_DEFAULTS}
    start, end = str(form.get("start") or "")[:40], str(form.get("end") or "")[:40]
    try:
        with runtime.transaction() as s:
            reports.set_thresholds(s, values, actor=principal.actor, clock=runtime.clock)
    except InvalidInput as e:
        return reports_view(request, runtime, principal, start, end, threshold_errors={e.field: e.message_th},
                            threshold_values=values, status=422)
    except RegistryError as e:
        return reports_view(request, runtime, principal, start, end, threshold_errors={"form": e.message_th},
                            threshold_values=values, status=403)
    from urllib.parse import urlencode

    return RedirectResponse("/admin/reports?" + urlencode({"start": start, "end": end, "saved": "1"}) + "#thresholds",
                            status_code=303)

"""``/verify/<code>``: anyone holding a receipt checks, without signing in, that its number exists.

The page shows the number, its date and time and the unit that keeps it, and nothing of the
letter (a secret letter's receipt reveals no more than any other). Lookups are limited per
client address so the 40-bit tags cannot be searched by brute force (registry/verification.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from limits import parse as parse_limit
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from admin_api.deps import RuntimeDep
from admin_api.pages_support import templates
from registry import verification

router = APIRouter(include_in_schema=False)

LOOKUPS = parse_limit("30/minute")
_storage = MemoryStorage()
_limiter = MovingWindowRateLimiter(_storage)


def _page(status: int, **context) -> HTMLResponse:
    return HTMLResponse(templates().get_template("verify.html").render(principal=None, **context), status_code=status)


@router.get("/verify", response_class=HTMLResponse)
def verify_form(code: str | None = None) -> HTMLResponse:
    if code:  # the form's GET: go to the code's own address, which is what a QR code holds
        return RedirectResponse(f"/verify/{''.join(code.split())[:40]}", status_code=303)
    return _page(200)


@router.get("/verify/{code}", response_class=HTMLResponse)
def verify_code(code: str, request: Request, runtime: RuntimeDep) -> HTMLResponse:
    client = request.client.host if request.client else "unknown"
    if not _limiter.hit(LOOKUPS, "verify", client):
        return _page(429, code=code[:40], error="ตรวจสอบบ่อยเกินไป กรุณารอสักครู่แล้วลองใหม่ค่ะ")
    with runtime.read() as session:
        found = verification.check(session, code)
    if found is None:
        return _page(404, code=code[:40], error="ไม่พบรหัสตรวจสอบนี้ในทะเบียน กรุณาตรวจสอบรหัสบนใบรับอีกครั้งค่ะ")
    return _page(200, code=code[:40], found=found)

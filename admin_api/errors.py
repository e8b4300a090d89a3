"""Typed registry errors → HTTP answers with the Thai message (one table)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from registry import errors as E

log = logging.getLogger("saraban.api")

STATUS = {
    E.NotFound: 404,
    E.InvalidInput: 422,
    E.PermissionDenied: 403,
    E.AlreadyDone: 409,
    E.InvalidTransition: 409,
    E.LinkCodeInvalid: 400,
    E.Conflict: 409,
}


def _status(exc: E.RegistryError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


# Starlette's own English answers, said in Thai (the shared error model: ``{"detail", "code"}``).
HTTP_TH = {
    400: ("อ่านข้อมูลที่ส่งมาไม่ได้ (ต้องเป็น JSON หรือฟอร์มที่ถูกต้อง)", "bad_body"),
    404: ("ไม่พบ", "not_found"),
    405: ("ไม่รองรับวิธีเรียก (HTTP method) นี้ที่ที่อยู่นี้", "method_not_allowed"),
    413: ("ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด", "body_too_large"),
    415: ("ไม่รองรับชนิดข้อมูลที่ส่งมา", "unsupported_media_type"),
    429: ("ส่งคำขอถี่เกินไป กรุณารอสักครู่", "rate_limited"),
}
ENGLISH_DEFAULTS = {"Not Found", "Method Not Allowed", "There was an error parsing the body", "Bad Request",
                    "Content Too Large"}


def allowed_methods(app: FastAPI, path: str, first: str | None) -> list[str]:
    """Every method the API serves at *path*. Starlette's 405 names only the first route that
    matched the path (``first``); resources whose methods live in several routes (GET and POST on
    ``/api/v1/audits``) need all of them, as the published schema documents them."""
    table = getattr(app.state, "allow_table", None)
    if table is None:
        import re

        table = []
        for template, ops in app.openapi().get("paths", {}).items():
            integers = {p["name"] for op in ops.values() if isinstance(op, dict) for p in op.get("parameters", [])
                        if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"}
            regex = re.compile("^" + re.sub(r"\\{([^/]+?)\\}", lambda m: r"\d+" if m.group(1) in integers else "[^/]+",
                                            re.escape(template)) + "$")
            table.append((regex, {m.upper() for m in ops if m in {"get", "put", "post", "delete", "patch"}}))
        app.state.allow_table = table
    methods = {m.strip() for m in (first or "").split(",") if m.strip()}
    for regex, ops in table:
        if regex.match(path):
            methods |= ops
    if "GET" in methods:
        methods.add("HEAD")  # Starlette answers HEAD wherever it answers GET
    return sorted(methods)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        th, code = HTTP_TH.get(exc.status_code, (None, "error"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail not in ENGLISH_DEFAULTS else (th or str(exc.detail))
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path, headers.get("Allow")))
        if exc.status_code == 413:  # the rest of the body is not read: end the connection with it
            headers["Connection"] = "close"
        return JSONResponse({"detail": detail, "code": code}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(OperationalError)
    async def database_away(_request: Request, exc: OperationalError) -> JSONResponse:
        # The connection went away mid-request (a PostgreSQL restart or failover): the transaction
        # rolled back, nothing was written, so the caller is told to retry rather than given a 500.
        log.warning("database unavailable: %s", type(exc.orig).__name__ if exc.orig is not None else exc)
        return JSONResponse({"detail": "ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้งค่ะ", "code": "unavailable"},
                            status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(E.RegistryError)
    async def registry_error(_request: Request, exc: E.RegistryError) -> JSONResponse:
        return JSONResponse({"detail": exc.message_th, "code": exc.code, **{k: v for k, v in exc.detail.items() if isinstance(v, (str, int))}},
                            status_code=_status(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
            problems.append({"field": where, "message": _thai(err), "type": err.get("type")})
        summary = "; ".join(f"{p['field']}: {p['message']}" if p["field"] else p["message"] for p in problems)
        return JSONResponse({"detail": f"ข้อมูลไม่ถูกต้อง — {summary}", "errors": problems}, status_code=422)


def _thai(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "กรุณาระบุค่านี้"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "วันที่ไม่ถูกต้อง (ใช้รูปแบบ ปปปป-ดด-วว เช่น 2026-02-27)"
    if kind == "literal_error" or kind == "enum":
        return f"ค่าไม่ถูกต้อง ใช้ได้เฉพาะ {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":  # the text patterns of admin_api/schemas.py, or an id's form
        return "มีอักขระที่ไม่อนุญาต (อักขระควบคุม) เป็นช่องว่างล้วน หรือรูปแบบไม่ถูกต้อง กรุณาตรวจสอบข้อความ"
    if kind == "string_too_long":
        return f"ข้อความยาวเกินไป (สูงสุด {ctx.get('max_length')} ตัวอักษร)"
    if kind.startswith("int") or kind.startswith("float"):
        return "ต้องเป็นตัวเลข"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "")))
    return f"ค่าไม่ถูกต้อง ({err.get('msg', '')})"

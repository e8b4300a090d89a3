"""Typed registry errors → HTTP answers with the Thai message (one table)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from registry import errors as E

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


def install_handlers(app: FastAPI) -> None:
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
    if kind == "string_too_long":
        return f"ข้อความยาวเกินไป (สูงสุด {ctx.get('max_length')} ตัวอักษร)"
    if kind.startswith("int") or kind.startswith("float"):
        return "ต้องเป็นตัวเลข"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "")))
    return f"ค่าไม่ถูกต้อง ({err.get('msg', '')})"

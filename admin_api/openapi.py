"""The published OpenAPI document says what the API really answers: errors carry a Thai ``detail``
string (see ``admin_api/errors.py``), not FastAPI's default list, and every /api/v1 operation
documents its 401/403/404/409 answers."""

from __future__ import annotations

from fastapi import FastAPI

ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "ข้อความภาษาไทยสำหรับผู้ใช้"},
        "code": {"type": "string"},
        "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}, "type": {"type": "string"}}}},
    },
}
ERRORS = {"401": "ยังไม่ได้เข้าสู่ระบบหรือโทเคนไม่ถูกต้อง", "403": "ไม่มีสิทธิ์", "404": "ไม่พบ",
          "409": "ขัดกับสถานะปัจจุบัน", "422": "ข้อมูลไม่ถูกต้อง"}


def install_openapi(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = original()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorOut"] = ERROR_SCHEMA
        schemas["HTTPValidationError"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for path, ops in spec.get("paths", {}).items():
            if not path.startswith("/api/v1/"):
                continue
            for op in ops.values():
                responses = op.setdefault("responses", {})
                for status, text in ERRORS.items():
                    responses.setdefault(status, {"description": text, **ref})
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]

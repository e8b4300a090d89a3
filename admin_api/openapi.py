"""The published OpenAPI document says what the API really answers: errors carry a Thai ``detail``
string and a ``code`` (see ``admin_api/errors.py``), not FastAPI's default list; every /api/v1
operation documents its 401/403/404/409/422 answers, those with a body also 400 and 413, and the
web chat's operations their 422 and 429 (issue 16, finding 10: schemathesis checks all of it)."""

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
# Operations that take a body can also be answered these (saraban/limits.py, admin_api/errors.py).
BODY_ERRORS = {"400": "อ่านข้อมูลที่ส่งมาไม่ได้ (ไม่ใช่ JSON หรือฟอร์มที่ถูกต้อง)",
               "413": "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด"}
# The web chat (bot/webchat.py): no sign-in; chats nobody has linked are rate limited.
CHAT_ERRORS = {"404": "ไม่พบ", "422": "ข้อมูลไม่ถูกต้อง", "429": "ส่งถี่เกินไป (ดู Retry-After)"}


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
            if path.startswith("/api/v1/"):
                errors = ERRORS
            elif path.startswith("/chat/api/"):
                errors = CHAT_ERRORS
            else:
                continue
            for op in ops.values():
                responses = op.setdefault("responses", {})
                documented = {**errors, **(BODY_ERRORS if "requestBody" in op else {})}
                for status, text in documented.items():
                    responses.setdefault(status, {"description": text, **ref})
        for name, component in schemas.items():  # uploads: the register refuses an empty file
            if name.startswith("Body_"):
                for prop in component.get("properties", {}).values():
                    if prop.get("contentMediaType") or prop.get("format") == "binary":
                        prop.setdefault("minLength", 1)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]

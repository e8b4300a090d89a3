"""Request bodies are limited before anything reads, parses or spools them (issue 16, finding 3).

A webhook checks its signature over the whole body, and FastAPI parses a multipart upload (to a
temporary file) before any dependency checks the caller's token: without a limit here, a 200 MB
body with a bad signature, or a 300 MB upload without a token, is held in full before its 401.

This ASGI middleware sits in front of every route and gives each request a budget by where it goes:

- ``/webhooks/…`` (LINE, Telegram): ``SARABAN_MAX_WEBHOOK_BYTES`` (1 MiB; platform events are KBs);
- a ``multipart/form-data`` body (uploads): ``SARABAN_MAX_UPLOAD_BYTES`` (20 MiB, the register's own
  limit on a file) plus a little for the multipart framing;
- anything else (JSON, forms): ``SARABAN_MAX_BODY_BYTES`` (1 MiB).

A declared ``Content-Length`` over the budget is answered 413 here at once, before routing and
without reading a byte (``Connection: close``, so the unread body is dropped with the connection).
A chunked body (no length) is counted as it streams by Starlette's own ``RequestBodyLimitResponder``
(starlette.middleware.body_limit, which FastAPI also turns into a 413): the request is cut off as
soon as it passes the budget, so no more than the budget plus one chunk is ever held. FastAPI's
``max_body_size`` takes one number per app or per route fixed at import; the budgets here depend on
the path, the content type and the settings, hence this small dispatcher in front of it.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.middleware.body_limit import RequestBodyLimitResponder

Scope = dict[str, Any]
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file itself

TOO_LARGE_TH = "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด (สูงสุด {limit} ไบต์) ค่ะ"


class BodyLimit:
    def __init__(self, app: Any, *, webhook_bytes: int, upload_bytes: int, body_bytes: int) -> None:
        self.app = app
        self.webhook_bytes = webhook_bytes
        self.upload_bytes = upload_bytes + MULTIPART_OVERHEAD
        self.body_bytes = body_bytes

    def budget(self, scope: Scope, headers: dict[bytes, bytes]) -> int:
        if scope.get("path", "").startswith("/webhooks/"):
            return self.webhook_bytes
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
            return self.upload_bytes
        return self.body_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        limit = self.budget(scope, headers)
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0 or length > limit:
                await _too_large(send, limit)
                return

        await RequestBodyLimitResponder(self.app, limit)(scope, receive, send)


async def _too_large(send: Any, limit: int) -> None:
    body = json.dumps({"detail": TOO_LARGE_TH.format(limit=limit), "code": "body_too_large"},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

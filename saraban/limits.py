"""Request bodies are limited before anything reads, parses or spools them (issue 16, finding 3).

A webhook checks its signature over the whole body, and FastAPI parses a multipart upload (to a
temporary file) before any dependency checks the caller's token: without a limit here, a 200 MB
body with a bad signature, or a 300 MB upload without a token, is held in full before its 401.

This ASGI middleware sits in front of every route and gives each request a budget by where it goes:

- ``/webhooks/…`` (LINE, Telegram): ``SARABAN_MAX_WEBHOOK_BYTES`` (1 MiB; platform events are KBs);
- a ``multipart/form-data`` body (uploads): ``SARABAN_MAX_UPLOAD_BYTES`` (20 MiB, the register's own
  limit on a file) plus a little for the multipart framing;
- anything else (JSON, forms): ``SARABAN_MAX_BODY_BYTES`` (1 MiB).

A declared ``Content-Length`` over the budget is answered 413 at once, without reading a byte. A
chunked body (no length) is counted as it streams: the request is cut off with a 413 as soon as it
passes the budget, so no more than the budget plus one chunk is ever held. Hand-written because
neither Starlette nor uvicorn has a body limit (uvicorn's ``h11_max_incomplete_event_size`` only
bounds headers).
"""

from __future__ import annotations

import json
from typing import Any

Scope = dict[str, Any]
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file itself

TOO_LARGE_TH = "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด (สูงสุด {limit} ไบต์) ค่ะ"


class BodyTooLarge(Exception):
    """Raised to the app's ``receive`` call when a streamed body passes its budget."""


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

        seen = 0
        answered = False  # this middleware sent the 413; whatever the app sends after is dropped
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen, answered
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    if not started and not answered:
                        answered = True
                        await _too_large(send, limit)
                    raise BodyTooLarge
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not answered and not started:
                await _too_large(send, limit)


async def _too_large(send: Any, limit: int) -> None:
    body = json.dumps({"detail": TOO_LARGE_TH.format(limit=limit), "code": "body_too_large"},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

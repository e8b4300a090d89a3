"""A fake LINE Messaging API on 127.0.0.1: records every request and fails on demand.

The app under test is pointed at it exactly as in production (``SARABAN_LINE_API_BASE_URL``),
and the real line-bot-sdk talks to it over HTTP. It keeps LINE's rules that matter to us:
a reply token works once (then 400 "Invalid reply token"), at most 5 messages per call, at most
5,000 UTF-16 units per text, and a push repeated with an accepted ``X-Line-Retry-Key`` is not
sent again (409 with ``x-line-accepted-request-id``).

``ThreadedServer`` (uvicorn in a thread on a random port) is shared with the Telegram fake.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class ThreadedServer:
    """Serve an ASGI app with uvicorn on 127.0.0.1:<random port> in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON (or form fields) or None
    status: int = 0
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Failure:
    path: str  # a prefix of the request path
    status: int
    times: int | None  # None = until cleared
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a timeout when longer than the client waits)
    then_accept: bool = False  # after the delay, process the request normally (response lost)


class FakeApiBase:
    """Recording, failure injection and waiting, shared by the two fakes."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._failures: list[Failure] = []
        self._lock = threading.Lock()
        self._server: ThreadedServer | None = None

    # --- test controls -------------------------------------------------------------------------
    def fail(self, path: str, status: int, *, times: int | None = 1, body: Any = None,
             headers: dict[str, str] | None = None, delay: float = 0.0, then_accept: bool = False) -> Failure:
        rule = Failure(path, status, times, body, headers or {}, delay, then_accept)
        with self._lock:
            self._failures.append(rule)
        return rule

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def calls(self, path: str = "", *, ok: bool | None = None) -> list[Recorded]:
        with self._lock:
            found = [r for r in self.requests if r.path.startswith(path) or path in r.path]
        return [r for r in found if ok is None or r.ok == ok]

    def wait_for(self, predicate: Callable[[], Any], *, timeout: float = 10.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; requests so far: "
                                     f"{[(r.path, r.status) for r in self.requests]}")
            time.sleep(0.02)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._failures.clear()

    # --- plumbing ---------------------------------------------------------------------------
    def _take_failure(self, path: str) -> Failure | None:
        with self._lock:
            for rule in self._failures:
                if path.startswith(rule.path) or rule.path in path:
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            self._failures.remove(rule)
                    return rule
        return None

    def _record(self, request: Request, body: Any) -> Recorded:
        rec = Recorded(request.method, request.url.path, {k.lower(): v for k, v in request.headers.items()}, body)
        with self._lock:
            self.requests.append(rec)
        return rec

    async def _maybe_fail(self, rec: Recorded) -> Response | None:
        rule = self._take_failure(rec.path)
        if rule is None:
            return None
        if rule.delay:
            await asyncio.sleep(rule.delay)
        if rule.then_accept:
            return None
        rec.status = rule.status
        body = rule.body if rule.body is not None else self._default_error(rule.status)
        return JSONResponse(body, status_code=rule.status, headers=rule.headers)

    def _default_error(self, status: int) -> Any:
        return {"message": f"fake failure {status}"}

    def start(self):
        self._server = ThreadedServer(self.app).start()
        self.url = self._server.url
        return self

    def stop(self) -> None:
        if self._server:
            self._server.stop()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _texts(message: dict[str, Any]) -> list[str]:
    if message.get("type") == "text":
        return [message.get("text", "")]
    return []


class FakeLineApi(FakeApiBase):
    def __init__(self, access_token: str = "test-line-access-token") -> None:
        super().__init__()
        self.access_token = access_token
        self.used_reply_tokens: set[str] = set()
        self.accepted_retry_keys: dict[str, str] = {}
        self.contents: dict[str, tuple[bytes, str]] = {}
        self.profiles: dict[str, str] = {}
        self.app = Starlette(routes=[
            Route("/v2/bot/message/reply", self._reply, methods=["POST"]),
            Route("/v2/bot/message/push", self._push, methods=["POST"]),
            Route("/v2/bot/message/{message_id}/content", self._content, methods=["GET"]),
            Route("/v2/bot/profile/{user_id}", self._profile, methods=["GET"]),
        ])

    # --- what the tests read -------------------------------------------------------------------
    def replies(self, *, ok: bool | None = True) -> list[Recorded]:
        return self.calls("/v2/bot/message/reply", ok=ok)

    def pushes(self, *, ok: bool | None = True, to: str | None = None) -> list[Recorded]:
        return [r for r in self.calls("/v2/bot/message/push", ok=ok) if to is None or r.body.get("to") == to]

    def delivered(self, to: str | None = None) -> list[dict[str, Any]]:
        """Every message that reached a user (accepted replies and pushes), in order."""
        out: list[dict[str, Any]] = []
        for r in self.calls("/v2/bot/message/", ok=True):
            if r.path.endswith("/reply") or r.path.endswith("/push"):
                if to is None or r.body.get("to") == to or r.body.get("_to") == to:
                    out.extend(r.body.get("messages", []))
        return out

    def delivered_text(self, to: str | None = None) -> str:
        return "\n".join(json.dumps(m, ensure_ascii=False) for m in self.delivered(to))

    def invalidate_reply_token(self, token: str) -> None:
        self.used_reply_tokens.add(token)

    # --- endpoints -------------------------------------------------------------------------------
    def _auth(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return JSONResponse({"message": "Authentication failed"}, status_code=401)
        return None

    def _check_messages(self, messages: Any) -> str | None:
        if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
            return "Size must be between 1 and 5"
        for m in messages:
            for text in _texts(m):
                if utf16_len(text) > 5000:
                    return "Length must be between 0 and 5000"
            if m.get("type") == "flex" and utf16_len(m.get("altText", "")) > 1500:
                return "altText too long"
            qr = m.get("quickReply")
            if qr and len(qr.get("items", [])) > 13:
                return "too many quick reply items"
        return None

    async def _admit(self, request: Request) -> tuple[Any, dict, Response | None]:
        """Record a send request and answer it the way LINE refuses: auth, injected failure, bad messages."""
        body = await request.json()
        rec = self._record(request, body)
        if (denied := self._auth(request)) is not None:
            rec.status = 401
            return rec, body, denied
        if (failed := await self._maybe_fail(rec)) is not None:
            return rec, body, failed
        if (problem := self._check_messages(body.get("messages"))) is not None:
            rec.status = 400
            return rec, body, JSONResponse(
                {"message": "The request body has 1 error(s)", "details": [{"message": problem}]}, status_code=400)
        return rec, body, None

    async def _reply(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused is not None:
            return refused
        token = body.get("replyToken")
        with self._lock:
            if not token or token in self.used_reply_tokens:
                rec.status = 400
                return JSONResponse({"message": "Invalid reply token"}, status_code=400)
            self.used_reply_tokens.add(token)
        rec.status = 200
        return JSONResponse({"sentMessages": [{"id": str(uuid.uuid4().int)[:18], "quoteToken": "q"}
                                              for _ in body["messages"]]},
                            headers={"x-line-request-id": str(uuid.uuid4())})

    async def _push(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused is not None:
            return refused
        key = request.headers.get("x-line-retry-key")
        request_id = str(uuid.uuid4())
        with self._lock:
            if key is not None:
                try:
                    uuid.UUID(key)
                except ValueError:
                    rec.status = 400
                    return JSONResponse({"message": "The value for the 'X-Line-Retry-Key' header is invalid"},
                                        status_code=400)
                if key in self.accepted_retry_keys:
                    rec.status = 409
                    return JSONResponse({"message": "The retry key is already accepted"}, status_code=409,
                                        headers={"x-line-accepted-request-id": self.accepted_retry_keys[key]})
                self.accepted_retry_keys[key] = request_id
        rec.status = 200
        return JSONResponse({"sentMessages": [{"id": str(uuid.uuid4().int)[:18]} for _ in body["messages"]]},
                            headers={"x-line-request-id": request_id})

    async def _content(self, request: Request) -> Response:
        rec = self._record(request, None)
        if (denied := self._auth(request)) is not None:
            rec.status = 401
            return denied
        if (failed := await self._maybe_fail(rec)) is not None:
            return failed
        found = self.contents.get(request.path_params["message_id"])
        if found is None:
            rec.status = 404
            return JSONResponse({"message": "Not found"}, status_code=404)
        rec.status = 200
        return Response(found[0], media_type=found[1])

    async def _profile(self, request: Request) -> Response:
        rec = self._record(request, None)
        user_id = request.path_params["user_id"]
        rec.status = 200
        return JSONResponse({"userId": user_id, "displayName": self.profiles.get(user_id, "ผู้ใช้ LINE")})

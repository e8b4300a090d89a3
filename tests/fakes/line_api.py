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
import io
import itertools
import json
import re
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
        self.setup = FakeLineSetup(self)
        self.app.router.routes.extend(self.setup.routes())

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

    def reset(self) -> None:
        super().reset()
        self.setup.clear()

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


# --- the set-up endpoints (saraban setup line) -------------------------------------------------------
# Rules kept from the Messaging API reference (line/line-openapi messaging-api.yml and the
# developers.line.biz rich menu pages): a rich menu is 800-2500 px wide, at least 250 px high with
# width/height >= 1.45 (2500x1686 and 2500x843 are the usual), 1-20 areas inside the menu,
# chatBarText <= 14 characters, name <= 300, action labels <= 20; an image (PNG/JPEG, <= 1 MB, the
# menu's size) can be uploaded once; an alias id is 1-32 of [a-z0-9_-] and names an existing menu
# with an image; a webhook endpoint is an https URL of at most 500 characters.

_ALIAS_ID = re.compile(r"^[a-z0-9_-]{1,32}$")
_ACTION_TYPES = {"postback", "message", "uri", "datetimepicker", "richmenuswitch", "camera", "cameraRoll",
                 "location", "clipboard"}


def rich_menu_problem(menu: Any) -> str | None:
    """Why LINE would refuse this rich menu object, or None."""
    if not isinstance(menu, dict):
        return "The request body must be a rich menu object"
    size = menu.get("size") or {}
    w, h = size.get("width"), size.get("height")
    if not isinstance(w, int) or not isinstance(h, int) or not 800 <= w <= 2500 or h < 250 or w / h < 1.45:
        return "size: must be 800-2500 wide, at least 250 high, width/height >= 1.45"
    if not isinstance(menu.get("selected"), bool):
        return "selected: must be specified"
    name = menu.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 300:
        return "name: size must be between 1 and 300"
    bar = menu.get("chatBarText")
    if not isinstance(bar, str) or not 1 <= len(bar) <= 14:
        return "chatBarText: size must be between 1 and 14"
    areas = menu.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= 20:
        return "areas: size must be between 1 and 20"
    for i, area in enumerate(areas):
        b = area.get("bounds") or {}
        if not all(isinstance(b.get(k), int) and b[k] >= 0 for k in ("x", "y", "width", "height")):
            return f"areas[{i}].bounds: invalid"
        if b["width"] == 0 or b["height"] == 0 or b["x"] + b["width"] > w or b["y"] + b["height"] > h:
            return f"areas[{i}].bounds: out of the rich menu"
        action = area.get("action") or {}
        if action.get("type") not in _ACTION_TYPES:
            return f"areas[{i}].action.type: invalid"
        if len(action.get("label") or "") > 20:
            return f"areas[{i}].action.label: size must be between 0 and 20"
        if action["type"] == "message" and not 1 <= len(action.get("text") or "") <= 300:
            return f"areas[{i}].action.text: size must be between 1 and 300"
        if action["type"] == "postback" and not 1 <= len(action.get("data") or "") <= 300:
            return f"areas[{i}].action.data: size must be between 1 and 300"
        if action["type"] == "uri":
            uri = action.get("uri") or ""
            if len(uri) > 1000 or not re.match(r"^(https?|line|tel):", uri):
                return f"areas[{i}].action.uri: invalid"
    return None


class FakeLineSetup:
    """Webhook endpoint, bot info, quota, rich menus, aliases and per-user links, with LINE's checks."""

    def __init__(self, fake: FakeLineApi) -> None:
        self.fake = fake
        self.clear()

    def clear(self) -> None:
        self.webhook_endpoint = None
        self.webhook_test = {"success": True, "statusCode": 200, "reason": "OK", "detail": "200"}
        self.bot_info = {"userId": "Ubot0000000000000000000000000000", "basicId": "@123abcde", "displayName": "สารบรรณ",
                         "chatMode": "bot", "markAsReadMode": "auto"}
        self.quota = {"type": "limited", "value": 500}
        self.consumption = {"totalUsage": 37}
        self.menus: dict[str, dict[str, Any]] = {}
        self.images: dict[str, tuple[bytes, str]] = {}
        self.aliases: dict[str, str] = {}
        self.user_menus: dict[str, str] = {}
        self._ids = itertools.count(1)

    def changes(self) -> list[Recorded]:
        """Every accepted call that changed something on the channel (tests: a second run makes none)."""
        out = []
        for r in self.fake.calls("/v2/bot/", ok=True):
            if r.method == "GET" or r.path.endswith("/validate") or r.path.endswith("/webhook/test"):
                continue
            if r.path.startswith("/v2/bot/message/"):
                continue
            out.append(r)
        return out

    def routes(self) -> list[Route]:
        return [
            Route("/v2/bot/info", self._info, methods=["GET"]),
            Route("/v2/bot/message/quota", self._quota, methods=["GET"]),
            Route("/v2/bot/message/quota/consumption", self._consumption, methods=["GET"]),
            Route("/v2/bot/channel/webhook/endpoint", self._endpoint, methods=["GET", "PUT"]),
            Route("/v2/bot/channel/webhook/test", self._test, methods=["POST"]),
            Route("/v2/bot/richmenu/validate", self._validate, methods=["POST"]),
            Route("/v2/bot/richmenu/list", self._list, methods=["GET"]),
            Route("/v2/bot/richmenu/alias/list", self._alias_list, methods=["GET"]),
            Route("/v2/bot/richmenu/alias", self._alias_create, methods=["POST"]),
            Route("/v2/bot/richmenu/alias/{alias_id}", self._alias_one, methods=["GET", "POST", "DELETE"]),
            Route("/v2/bot/richmenu", self._create, methods=["POST"]),
            Route("/v2/bot/richmenu/{menu_id}/content", self._content, methods=["GET", "POST"]),
            Route("/v2/bot/richmenu/{menu_id}", self._menu, methods=["GET", "DELETE"]),
            Route("/v2/bot/user/{user_id}/richmenu/{menu_id}", self._link, methods=["POST"]),
            Route("/v2/bot/user/{user_id}/richmenu", self._user_menu, methods=["GET", "DELETE"]),
        ]

    # --- plumbing ---------------------------------------------------------------------------------
    async def _admit(self, request: Request, *, raw: bool = False) -> tuple[Recorded, Any, Response | None]:
        body: Any = None
        data = await request.body()
        if raw:
            body = {"bytes": len(data), "content-type": request.headers.get("content-type", "")}
        elif data:
            try:
                body = json.loads(data)
            except ValueError:
                body = None
        rec = self.fake._record(request, body)  # noqa: SLF001 - one recorder for the whole fake
        if (denied := self.fake._auth(request)) is not None:  # noqa: SLF001
            rec.status = 401
            return rec, body, denied
        if (failed := await self.fake._maybe_fail(rec)) is not None:  # noqa: SLF001
            return rec, body, failed
        rec._data = data  # type: ignore[attr-defined]
        return rec, body, None

    @staticmethod
    def _answer(rec: Recorded, status: int, body: Any) -> Response:
        rec.status = status
        return JSONResponse(body, status_code=status)

    def _bad(self, rec: Recorded, message: str, status: int = 400) -> Response:
        return self._answer(rec, status, {"message": message})

    # --- bot, quota, webhook ----------------------------------------------------------------------
    async def _info(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        return refused or self._answer(rec, 200, self.bot_info)

    async def _quota(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        return refused or self._answer(rec, 200, self.quota)

    async def _consumption(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        return refused or self._answer(rec, 200, self.consumption)

    async def _endpoint(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused:
            return refused
        if request.method == "GET":
            if self.webhook_endpoint is None:
                return self._bad(rec, "Not found", 404)
            return self._answer(rec, 200, {"endpoint": self.webhook_endpoint, "active": True})
        url = (body or {}).get("endpoint")
        if not isinstance(url, str) or not url.startswith("https://") or len(url) > 500:
            return self._bad(rec, "Invalid webhook endpoint URL")
        self.webhook_endpoint = url
        return self._answer(rec, 200, {})

    async def _test(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused:
            return refused
        url = (body or {}).get("endpoint") or self.webhook_endpoint
        if url is None:
            return self._bad(rec, "Webhook endpoint is not set")
        return self._answer(rec, 200, dict(self.webhook_test, timestamp="2026-12-06T00:00:00.000Z"))

    # --- rich menus ---------------------------------------------------------------------------------
    async def _validate(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused:
            return refused
        if (problem := rich_menu_problem(body)) is not None:
            return self._bad(rec, f"The request body has 1 error(s): {problem}")
        return self._answer(rec, 200, {})

    async def _create(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused:
            return refused
        if (problem := rich_menu_problem(body)) is not None:
            return self._bad(rec, f"The request body has 1 error(s): {problem}")
        if len(self.menus) >= 1000:
            return self._bad(rec, "The maximum number of rich menus has been reached")
        menu_id = f"richmenu-{next(self._ids):032x}"
        self.menus[menu_id] = dict(body, richMenuId=menu_id)
        return self._answer(rec, 200, {"richMenuId": menu_id})

    async def _list(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        return refused or self._answer(rec, 200, {"richmenus": list(self.menus.values())})

    async def _menu(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        if refused:
            return refused
        menu_id = request.path_params["menu_id"]
        if menu_id not in self.menus:
            return self._bad(rec, "Not found", 404)
        if request.method == "DELETE":
            del self.menus[menu_id]
            self.images.pop(menu_id, None)
            self.user_menus = {u: m for u, m in self.user_menus.items() if m != menu_id}
            return self._answer(rec, 200, {})
        return self._answer(rec, 200, self.menus[menu_id])

    async def _content(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request, raw=True)
        if refused:
            return refused
        menu_id = request.path_params["menu_id"]
        if menu_id not in self.menus:
            return self._bad(rec, "Not found", 404)
        if request.method == "GET":
            if menu_id not in self.images:
                return self._bad(rec, "Not found", 404)
            rec.status = 200
            data, ctype = self.images[menu_id]
            return Response(data, media_type=ctype)
        data: bytes = rec._data  # type: ignore[attr-defined]
        ctype = request.headers.get("content-type", "").split(";")[0]
        if ctype not in ("image/png", "image/jpeg"):
            return self._bad(rec, "The content type must be image/png or image/jpeg", 415)
        if len(data) > 1_000_000:
            return self._bad(rec, "The image is larger than 1MB", 413)
        if menu_id in self.images:
            return self._bad(rec, "An image has already been uploaded to the richmenu")
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                got = image.size
        except Exception:
            return self._bad(rec, "The image could not be read")
        size = self.menus[menu_id]["size"]
        if got != (size["width"], size["height"]):
            return self._bad(rec, f"The image size {got} does not match the rich menu size")
        self.images[menu_id] = (data, ctype)
        return self._answer(rec, 200, {})

    # --- aliases -----------------------------------------------------------------------------------
    def _alias_target_problem(self, menu_id: Any) -> str | None:
        if menu_id not in self.menus:
            return "richmenu not found"
        if menu_id not in self.images:
            return "must upload richmenu image before applying it to user"
        return None

    async def _alias_list(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        return refused or self._answer(rec, 200, {"aliases": [{"richMenuAliasId": a, "richMenuId": m}
                                                              for a, m in self.aliases.items()]})

    async def _alias_create(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused:
            return refused
        alias = (body or {}).get("richMenuAliasId")
        if not isinstance(alias, str) or not _ALIAS_ID.match(alias):
            return self._bad(rec, "richMenuAliasId: must be 1-32 characters of a-z, 0-9, _ and -")
        if (problem := self._alias_target_problem((body or {}).get("richMenuId"))) is not None:
            return self._bad(rec, problem)
        if alias in self.aliases:
            return self._bad(rec, "conflict richmenu alias id")
        self.aliases[alias] = body["richMenuId"]
        return self._answer(rec, 200, {})

    async def _alias_one(self, request: Request) -> Response:
        rec, body, refused = await self._admit(request)
        if refused:
            return refused
        alias = request.path_params["alias_id"]
        if alias not in self.aliases:
            return self._bad(rec, "richmenu alias not found", 404)
        if request.method == "GET":
            return self._answer(rec, 200, {"richMenuAliasId": alias, "richMenuId": self.aliases[alias]})
        if request.method == "DELETE":
            del self.aliases[alias]
            return self._answer(rec, 200, {})
        if (problem := self._alias_target_problem((body or {}).get("richMenuId"))) is not None:
            return self._bad(rec, problem)
        self.aliases[alias] = body["richMenuId"]
        return self._answer(rec, 200, {})

    # --- per user ------------------------------------------------------------------------------------
    async def _link(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        if refused:
            return refused
        menu_id = request.path_params["menu_id"]
        if (problem := self._alias_target_problem(menu_id)) is not None:
            return self._bad(rec, problem, 404 if menu_id not in self.menus else 400)
        self.user_menus[request.path_params["user_id"]] = menu_id
        return self._answer(rec, 200, {})

    async def _user_menu(self, request: Request) -> Response:
        rec, _, refused = await self._admit(request)
        if refused:
            return refused
        user = request.path_params["user_id"]
        if request.method == "DELETE":
            self.user_menus.pop(user, None)
            return self._answer(rec, 200, {})
        if user not in self.user_menus:
            return self._bad(rec, "the user has no richmenu", 404)
        return self._answer(rec, 200, {"richMenuId": self.user_menus[user]})

"""A fake Telegram Bot API on 127.0.0.1: records every call and fails on demand.

The app is pointed at it through ``SARABAN_TELEGRAM_API_BASE_URL`` (``<url>/bot``) and the real
python-telegram-bot talks to it. Kept rules: the token in the path must match; a text is at most
4,096 characters and its HTML must parse (Telegram answers 400 "can't parse entities");
callback_data is at most 64 bytes; 429 answers carry ``parameters.retry_after``.
"""

from __future__ import annotations

import html.parser
import itertools
import json
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.line_api import FakeApiBase, Recorded

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                "span", "blockquote", "tg-emoji"}


class _HtmlCheck(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.error = f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.error = f"Can't find end tag corresponding to start tag \"{tag}\""
        else:
            self.stack.pop()


def html_problem(text: str) -> str | None:
    if "<" not in text and "&" not in text:
        return None
    checker = _HtmlCheck()
    checker.feed(text)
    checker.close()
    if checker.error:
        return checker.error
    if checker.stack:
        return f"Can't find end tag corresponding to start tag \"{checker.stack[-1]}\""
    # A bare "&" or "<" that is not an entity or tag is what Telegram refuses most often.
    stripped = text
    for entity in ("&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&#x27;"):
        stripped = stripped.replace(entity, "")
    if "&" in stripped:
        return "Unsupported HTML entity"
    return None


class FakeTelegramApi(FakeApiBase):
    def __init__(self, token: str = "123456:TEST-telegram-token") -> None:
        super().__init__()
        self.token = token
        self.files: dict[str, tuple[bytes, str]] = {}  # file_id -> (bytes, file_path)
        self.updates: list[dict[str, Any]] = []  # served by getUpdates (polling mode)
        self._message_ids = itertools.count(1000)
        self.app = Starlette(routes=[
            Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
        ])

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    # --- what the tests read -------------------------------------------------------------------
    def sent(self, *, chat_id: int | str | None = None, ok: bool | None = True) -> list[Recorded]:
        return [r for r in self.calls("/sendMessage", ok=ok)
                if chat_id is None or str(r.body.get("chat_id")) == str(chat_id)]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        return [r.body["text"] for r in self.sent(chat_id=chat_id)]

    def buttons(self, rec: Recorded) -> list[dict[str, Any]]:
        markup = rec.body.get("reply_markup")
        if not markup:
            return []
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def _default_error(self, status: int) -> Any:
        return {"ok": False, "error_code": status, "description": f"fake failure {status}"}

    # --- endpoints -------------------------------------------------------------------------------
    async def _params(self, request: Request) -> dict[str, Any]:
        if request.method == "GET":
            return dict(request.query_params)
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/json"):
            raw = await request.json()
        else:
            raw = {k: (v if isinstance(v, str) else getattr(v, "filename", "<file>"))
                   for k, v in (await request.form()).items()}
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, str) and key in ("reply_markup", "entities", "allowed_updates", "link_preview_options"):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            params[key] = value
        return params

    async def _method(self, request: Request) -> Response:
        params = await self._params(request)
        method = request.path_params["method"]
        rec = self._record(request, params)
        if request.path_params["token"] != self.token:
            rec.status = 401
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        if (failed := await self._maybe_fail(rec)) is not None:
            return failed
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            rec.status = 404
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                                status_code=404)
        status, result = handler(params)
        rec.status = status
        if status != 200:
            return JSONResponse({"ok": False, "error_code": status, "description": result}, status_code=status)
        return JSONResponse({"ok": True, "result": result})

    def _m_getMe(self, params):
        return 200, {"id": int(self.token.split(":")[0]), "is_bot": True, "first_name": "สารบรรณ",
                     "username": "saraban_test_bot", "can_join_groups": True, "can_read_all_group_messages": False,
                     "supports_inline_queries": False}

    def _m_sendMessage(self, params):
        text = params.get("text", "")
        if not text:
            return 400, "Bad Request: message text is empty"
        if len(text) > 4096:
            return 400, "Bad Request: message is too long"
        if params.get("parse_mode") == "HTML" and (problem := html_problem(text)):
            return 400, f"Bad Request: can't parse entities: {problem}"
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    return 400, "Bad Request: BUTTON_DATA_INVALID"
        chat_id = params.get("chat_id")
        return 200, {"message_id": next(self._message_ids), "date": int(time.time()),
                     "chat": {"id": int(chat_id), "type": "private"}, "text": text}

    def _m_answerCallbackQuery(self, params):
        return 200, True

    def _m_editMessageReplyMarkup(self, params):
        return 200, True

    def _m_deleteWebhook(self, params):
        return 200, True

    def _m_setWebhook(self, params):
        return 200, True

    def _m_getFile(self, params):
        found = self.files.get(params.get("file_id", ""))
        if found is None:
            return 400, "Bad Request: invalid file_id"
        return 200, {"file_id": params["file_id"], "file_unique_id": "u" + params["file_id"][:8],
                     "file_size": len(found[0]), "file_path": found[1]}

    def _m_getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        with self._lock:
            ready = [u for u in self.updates if u["update_id"] >= offset]
        return 200, ready

    async def _file(self, request: Request) -> Response:
        rec = self._record(request, None)
        path = request.path_params["path"]
        for content, file_path in self.files.values():
            if file_path == path:
                rec.status = 200
                return Response(content, media_type="application/octet-stream")
        rec.status = 404
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)

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
import re
import time
from urllib.parse import urlsplit
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.line_api import FakeApiBase, Recorded

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                "span", "blockquote", "tg-emoji"}

UPDATE_TYPES = {"message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
                "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
                "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query",
                "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
                "my_chat_member", "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost"}
SCOPE_TYPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
               "chat_administrators", "chat_member"}


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
        self.clear_setup()
        self.app = Starlette(routes=[
            Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
        ])

    def clear_setup(self) -> None:
        self.webhook: dict[str, Any] = self._no_webhook()
        self.webhook_secret: str | None = None
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_button: dict[str, Any] = {"type": "default"}

    def reset(self) -> None:
        super().reset()
        self.clear_setup()

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
            if isinstance(value, str) and key in ("reply_markup", "entities", "allowed_updates", "link_preview_options",
                                                          "commands", "scope", "menu_button"):
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

    def _m_editMessageText(self, params):
        text = params.get("text", "")
        if not text or not str(params.get("message_id", "")).isdigit():
            return 400, "Bad Request: message to edit not found"
        if params.get("parse_mode") == "HTML" and (problem := html_problem(text)):
            return 400, f"Bad Request: can't parse entities: {problem}"
        return 200, {"message_id": int(params["message_id"]), "date": int(time.time()),
                     "chat": {"id": int(params.get("chat_id")), "type": "private"}, "text": text}

    # --- set-up methods (saraban setup telegram), with the Bot API's checks -----------------------------
    def _m_deleteWebhook(self, params):
        self.webhook = dict(self._no_webhook())
        return 200, True

    @staticmethod
    def _no_webhook() -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _m_setWebhook(self, params):
        url = params.get("url", "")
        if url == "":
            self.webhook = dict(self._no_webhook())
            return 200, True
        parts = urlsplit(url)
        if parts.scheme != "https":
            return 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
        if (parts.port or 443) not in (443, 80, 88, 8443):
            return 400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            return 400, "Bad Request: secret token contains unallowed characters"
        allowed = params.get("allowed_updates")
        if allowed is not None and (not isinstance(allowed, list) or set(allowed) - UPDATE_TYPES):
            return 400, "Bad Request: allowed_updates: unknown update type"
        connections = int(params.get("max_connections") or 40)
        if not 1 <= connections <= 100:
            return 400, "Bad Request: max_connections must be between 1 and 100"
        self.webhook.update(url=url, max_connections=connections, allowed_updates=allowed or
                            sorted(UPDATE_TYPES - {"chat_member", "message_reaction", "message_reaction_count"}))
        self.webhook_secret = secret
        return 200, True

    def _m_getWebhookInfo(self, params):
        return 200, dict(self.webhook)

    @staticmethod
    def _scope_key(params) -> tuple[str, str] | str:
        scope = params.get("scope") or {"type": "default"}
        if isinstance(scope, str):
            scope = json.loads(scope)
        if scope.get("type") not in SCOPE_TYPES:
            return "Bad Request: unsupported bot command scope type"
        lang = params.get("language_code") or ""
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            return "Bad Request: invalid language code specified"
        return (json.dumps(scope, sort_keys=True), lang)

    def _m_setMyCommands(self, params):
        key = self._scope_key(params)
        if isinstance(key, str):
            return 400, key
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list) or len(commands) > 100:
            return 400, "Bad Request: too many commands"
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")):
                return 400, "Bad Request: BOT_COMMAND_INVALID"
            if not 1 <= len(c.get("description", "")) <= 256:
                return 400, "Bad Request: command description is too long" if c.get("description") else \
                    "Bad Request: command description is empty"
        self.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return 200, True

    def _m_getMyCommands(self, params):
        key = self._scope_key(params)
        if isinstance(key, str):
            return 400, key
        return 200, self.commands.get(key, [])

    def _m_setChatMenuButton(self, params):
        button = params.get("menu_button") or {"type": "default"}
        if isinstance(button, str):
            button = json.loads(button)
        if button.get("type") not in ("commands", "web_app", "default"):
            return 400, "Bad Request: unsupported menu button type"
        self.menu_button = button
        return 200, True

    def _m_getChatMenuButton(self, params):
        return 200, self.menu_button

    def changes(self) -> list[Recorded]:
        """Accepted calls that changed the bot's set-up (tests: a second run makes none)."""
        return [r for r in self.calls("/", ok=True)
                if r.path.rsplit("/", 1)[-1] in ("setWebhook", "setMyCommands", "setChatMenuButton", "deleteWebhook")]

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

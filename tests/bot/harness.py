"""The test stand for the channels: the real app served by uvicorn on loopback, the real SDKs
pointed at the fake LINE and Telegram APIs, and chat users that post signed webhook bodies shaped
like ``shared/data/payloads/`` and read what the fakes received."""

from __future__ import annotations

import abc

import asyncio
import base64
import copy
import hashlib
import hmac
import itertools
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.line_api import FakeLineApi, Recorded, ThreadedServer
from tests.fakes.telegram_api import FakeTelegramApi

from tests.paths import PAYLOADS  # noqa: E402
LINE_SECRET = "line-channel-secret-for-tests"
LINE_TOKEN = "test-line-access-token"
TG_TOKEN = "123456:TEST-telegram-token"
TG_SECRET = "telegram-secret-token-for-tests"
from tests.paths import DEV_SET  # noqa: E402


def dev_cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines() if line.strip()]


def sign(body: bytes, secret: str = LINE_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _template(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text("utf-8"))


def postbacks(obj: Any) -> list[tuple[str, str]]:
    """(label, data) of every postback action inside a LINE message JSON."""
    found: list[tuple[str, str]] = []
    if isinstance(obj, dict):
        if obj.get("type") == "postback" and "data" in obj:
            found.append((obj.get("label", ""), obj["data"]))
        for value in obj.values():
            found.extend(postbacks(value))
    elif isinstance(obj, list):
        for value in obj:
            found.extend(postbacks(value))
    return found


def line_texts(obj: Any) -> list[str]:
    out: list[str] = []
    if isinstance(obj, dict):
        for key in ("text", "altText", "label"):
            if isinstance(obj.get(key), str):
                out.append(obj[key])
        for value in obj.values():
            if isinstance(value, dict | list):
                out.extend(line_texts(value))
    elif isinstance(obj, list):
        for value in obj:
            out.extend(line_texts(value))
    return out


class Stack:
    """The app under test and its two fake platforms."""

    def __init__(self, app, runtime, clock, line_api: FakeLineApi, tg_api: FakeTelegramApi) -> None:
        self.app = app
        self.runtime = runtime
        self.clock = clock
        self.line_api = line_api
        self.tg_api = tg_api
        self.server = ThreadedServer(app).start()
        self.url = self.server.url
        self.http = httpx.Client(base_url=self.url, timeout=30)
        self.channels = app.state.channels
        # Reminders and digests are tested on their own (test_reminders); elsewhere they would add
        # notices the test did not ask for.
        self.channels.deliverer.schedule_reminders = False
        self._update_ids = itertools.count(700_000_000)

    def close(self) -> None:
        self.http.close()
        self.server.stop()

    # --- running things on the app's own loop ----------------------------------------------------------
    def on_loop(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.channels.loop).result(timeout)

    def deliver(self):
        """One pass of the outbox deliverer (as ``saraban worker`` would do it)."""
        return self.on_loop(self.channels.deliverer.run_once())

    def deliver_until_quiet(self, *, step: float = 30, max_passes: int = 200):
        """Advance the test clock and run the deliverer until nothing is pending."""
        from sqlalchemy import func, select

        from registry.models import OutboxMessage

        for _ in range(max_passes):
            self.deliver()
            with self.runtime.read() as s:
                pending = s.execute(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status == "pending", OutboxMessage.channel.in_(["line", "telegram"]))).scalar_one()
            if not pending:
                return
            self.clock.advance(seconds=step)
        raise AssertionError("outbox never drained")

    def line_idle(self, timeout: float = 20) -> None:
        line = self.channels.line
        deadline = time.monotonic() + timeout
        while line._tasks:
            if time.monotonic() > deadline:
                raise AssertionError("LINE events still being handled")
            time.sleep(0.01)

    # --- users ------------------------------------------------------------------------------------------
    def line_user(self, user_id: str | None = None) -> LineUser:
        return LineUser(self, user_id or "U" + uuid.uuid4().hex)

    def tg_user(self, user_id: int | None = None) -> TelegramUser:
        return TelegramUser(self, user_id or int(str(uuid.uuid4().int)[:9]))

    def link(self, channel: str, external_id: str, person_id: int) -> None:
        from registry.accounts import link_directly
        from registry.events import Actor

        with self.runtime.transaction() as s:
            link_directly(s, channel, external_id, person_id, actor=Actor(None, "cli"), clock=self.clock)

    def link_code(self, person_id: int) -> str:
        from registry.accounts import issue_link_code
        from registry.events import Actor

        with self.runtime.transaction() as s:
            return issue_link_code(s, person_id, actor=Actor(None, "cli"), clock=self.clock).code


class ChatUser(abc.ABC):
    """A person at a phone: says things, presses buttons, reads what reached them (one subclass a channel)."""

    stack: Stack
    seen: int

    @abc.abstractmethod
    def messages(self) -> list[Any]:
        """What this channel's fake recorded for the user."""

    def new(self) -> list[Any]:
        msgs = self.messages()
        fresh = msgs[self.seen:]
        self.seen = len(msgs)
        return fresh

    @abc.abstractmethod
    def text_of(self, msgs: list[Any]) -> str:
        """What this channel's fake recorded for the user."""

    @abc.abstractmethod
    def buttons_of(self, msgs: list[Any]) -> list[tuple[str, str]]:
        """What this channel's fake recorded for the user."""

    def button(self, msgs: list[Any], prefix: str, label: str | None = None) -> str:
        for lab, data in reversed(self.buttons_of(msgs)):
            if data.startswith(prefix) and (label is None or label in lab):
                return data
        raise AssertionError(f"no button {prefix!r} {label!r} in {self.buttons_of(msgs)}")


class LineUser(ChatUser):
    def __init__(self, stack: Stack, user_id: str) -> None:
        self.stack = stack
        self.user_id = user_id
        self.reply_tokens: set[str] = set()
        self.seen = 0

    # --- webhook bodies shaped like the LINE docs' examples --------------------------------------------
    def _base(self, template: str, event_id: str | None, reply_token: str | None, at_ms: int | None) -> dict:
        body = _template(template)
        event = body["events"][0]
        event["source"] = {"type": "user", "userId": self.user_id}
        event["webhookEventId"] = event_id or uuid.uuid4().hex.upper()[:26]
        event["replyToken"] = reply_token or uuid.uuid4().hex
        event["timestamp"] = at_ms if at_ms is not None else int(self.stack.clock.now().timestamp() * 1000)
        event["deliveryContext"] = {"isRedelivery": False}
        body["destination"] = "U" + "0" * 32
        self.reply_tokens.add(event["replyToken"])
        return body

    def text_body(self, text: str, **kw) -> dict:
        body = self._base("line_text_message_group_mention.json", kw.get("event_id"), kw.get("reply_token"),
                          kw.get("at_ms"))
        m = body["events"][0]["message"]
        m.update(id=str(uuid.uuid4().int)[:18], text=text)
        m.pop("emojis", None)
        m.pop("mention", None)
        return body

    def postback_body(self, data: str, **kw) -> dict:
        body = self._base("line_postback_datetime.json", kw.get("event_id"), kw.get("reply_token"), kw.get("at_ms"))
        body["events"][0]["postback"] = {"data": data}
        return body

    def file_body(self, message_id: str, filename: str, size: int, **kw) -> dict:
        body = self._base("line_file_message.json", kw.get("event_id"), kw.get("reply_token"), kw.get("at_ms"))
        body["events"][0]["message"].update(id=message_id, fileName=filename, fileSize=size)
        return body

    def image_body(self, message_id: str, **kw) -> dict:
        body = self._base("line_image_message_imageset_1of2.json", kw.get("event_id"), kw.get("reply_token"),
                          kw.get("at_ms"))
        m = body["events"][0]["message"]
        m.update(id=message_id)
        m.pop("imageSet", None)  # one photo, not one of a set
        return body

    def post(self, body: dict, *, signature: str | None = None, wait: bool = True) -> httpx.Response:
        raw = json.dumps(body, ensure_ascii=False).encode()
        res = self.stack.http.post("/webhooks/line", content=raw, headers={
            "content-type": "application/json; charset=utf-8",
            "x-line-signature": signature if signature is not None else sign(raw)})
        if wait:
            self.stack.line_idle()
        return res

    def say(self, text: str, **kw) -> list[Any]:
        res = self.post(self.text_body(text, **kw))
        assert res.status_code == 200, res.text
        return self.new()

    def press(self, data: str, **kw) -> list[Any]:
        res = self.post(self.postback_body(data, **kw))
        assert res.status_code == 200, res.text
        return self.new()

    # --- what reached this user ---------------------------------------------------------------------------
    def messages(self) -> list[Any]:
        out: list[Any] = []
        for r in self.stack.line_api.calls("/v2/bot/message/", ok=True):
            if r.path.endswith("/reply") and r.body.get("replyToken") in self.reply_tokens:
                out.extend(r.body["messages"])
            elif r.path.endswith("/push") and r.body.get("to") == self.user_id:
                out.extend(r.body["messages"])
        return out

    def text_of(self, msgs: list[Any]) -> str:
        return "\n".join(line_texts(msgs))

    def buttons_of(self, msgs: list[Any]) -> list[tuple[str, str]]:
        return postbacks(msgs)


class TelegramUser(ChatUser):
    def __init__(self, stack: Stack, user_id: int) -> None:
        self.stack = stack
        self.user_id = user_id
        self.seen = 0

    def _user(self) -> dict:
        return {"id": self.user_id, "is_bot": False, "first_name": "ทดสอบ", "last_name": "ผู้ใช้",
                "username": f"u{self.user_id}", "language_code": "th"}

    def _chat(self) -> dict:
        return {"id": self.user_id, "type": "private", "first_name": "ทดสอบ", "last_name": "ผู้ใช้"}

    def text_update(self, text: str, *, update_id: int | None = None) -> dict:
        body = _template("derived/telegram_message_text_start.ptb22.json")
        body["update_id"] = update_id or next(self.stack._update_ids)
        m = body["message"]
        m.update(date=int(self.stack.clock.now().timestamp()), chat=self._chat(), text=text,
                 message_id=int(str(uuid.uuid4().int)[:6]))
        m["from"] = self._user()
        if text.startswith("/"):
            m["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return body

    def callback_update(self, data: str, *, update_id: int | None = None) -> dict:
        body = _template("derived/telegram_callback_query.ptb22.json")
        body["update_id"] = update_id or next(self.stack._update_ids)
        cq = body["callback_query"]
        cq.pop("inline_message_id", None)
        cq.update(id=uuid.uuid4().hex[:18], data=data, chat_instance="-1234567890123456789")
        cq["from"] = self._user()
        cq["message"] = {"message_id": 1001, "date": int(self.stack.clock.now().timestamp()), "chat": self._chat(),
                         "from": {"id": 123456, "is_bot": True, "first_name": "สารบรรณ"}, "text": "การ์ด"}
        return body

    def document_update(self, file_id: str, name: str, size: int, mime: str = "application/pdf") -> dict:
        body = _template("derived/telegram_message_document.ptb22.json")
        body["update_id"] = next(self.stack._update_ids)
        m = body["message"]
        m.update(date=int(self.stack.clock.now().timestamp()), chat=self._chat())
        m["from"] = self._user()
        m["document"] = {"file_id": file_id, "file_unique_id": "u" + file_id[:10], "file_name": name,
                         "mime_type": mime, "file_size": size}
        return body

    def photo_update(self, file_id: str, size: int, *, caption: str | None = None) -> dict:
        """A photo as Telegram sends it: compressed, in sizes (the largest last)."""
        body = self.document_update(file_id, "x", size)
        m = body["message"]
        del m["document"]
        m["photo"] = [{"file_id": file_id + "s", "file_unique_id": "s" + file_id[:10], "width": 320, "height": 452,
                       "file_size": 9000},
                      {"file_id": file_id, "file_unique_id": "u" + file_id[:10], "width": 1280, "height": 1810,
                       "file_size": size}]
        if caption:
            m["caption"] = caption
        return body

    def post(self, body: dict, *, secret: str | None = TG_SECRET) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers["x-telegram-bot-api-secret-token"] = secret
        return self.stack.http.post("/webhooks/telegram", content=json.dumps(body, ensure_ascii=False).encode(),
                                    headers=headers)

    def say(self, text: str, **kw) -> list[Any]:
        res = self.post(self.text_update(text, **kw))
        assert res.status_code == 200, res.text
        return self.new()

    def press(self, data: str, **kw) -> list[Any]:
        res = self.post(self.callback_update(data, **kw))
        assert res.status_code == 200, res.text
        return self.new()

    def messages(self) -> list[Recorded]:
        return self.stack.tg_api.sent(chat_id=self.user_id)

    def text_of(self, msgs: list[Recorded]) -> str:
        return "\n".join(r.body["text"] + "\n" + " ".join(b["text"] for b in self.stack.tg_api.buttons(r))
                         for r in msgs)

    def buttons_of(self, msgs: list[Recorded]) -> list[tuple[str, str]]:
        return [(b["text"], b["callback_data"]) for r in msgs for b in self.stack.tg_api.buttons(r)]


def deepcopy(obj):
    return copy.deepcopy(obj)

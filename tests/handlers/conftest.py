"""Transcript-style helpers: a Chat sends Inbound events through ``handlers.handle`` and keeps
what came back, so a test reads like the conversation it checks."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers import handle, notice_replies
from handlers.cards import card_text
from handlers.models import FileRef, Inbound, Reply
from registry.accounts import issue_link_code
from registry.events import Actor
from registry.models import OutboxMessage

from tests.paths import DEV_SET  # noqa: E402
_ids = itertools.count(1)


def dev_case(case_id: str) -> dict:
    for line in DEV_SET.read_text("utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == case_id:
            return row
    raise KeyError(case_id)


def everything(replies: list[Reply]) -> str:
    """All a user could see: texts, card titles, fields, badges, footers and button labels."""
    parts: list[str] = []
    for r in replies:
        parts.append(r.text)
        for card in ((r.card,) if r.card is not None else ()) + r.items:
            parts.append(card_text(card))
            parts += [b.label for b in card.buttons]
        parts += [b.label for b in r.quick_replies]
    return "\n".join(parts)


def buttons(replies: list[Reply]) -> list[tuple[str, str]]:
    out = []
    for r in replies:
        for card in ((r.card,) if r.card is not None else ()) + r.items:
            out += [(b.label, b.payload) for b in card.buttons]
        out += [(b.label, b.payload) for b in r.quick_replies]
    return out


def button(replies: list[Reply], label: str) -> str:
    """The payload of the first button whose label starts with *label*."""
    for text, payload in buttons(replies):
        if text.startswith(label):
            return payload
    raise AssertionError(f"no button {label!r} in {buttons(replies)}")


class Chat:
    def __init__(self, runtime, account: str, *, channel: str = "line", chat_id: str | None = None,
                 is_group: bool = False, files: dict[str, bytes] | None = None):
        self.runtime = runtime
        self.account = account
        self.channel = channel
        self.chat_id = chat_id or account
        self.is_group = is_group
        self.files = files if files is not None else {}
        self.last: list[Reply] = []

    def _send(self, kind: str, **kw) -> list[Reply]:
        ib = Inbound(channel=self.channel, event_id=f"{self.channel}:{next(_ids)}", account_id=self.account,  # type: ignore[arg-type]
                     chat_id=self.chat_id, kind=kind, at=self.runtime.clock.now(), is_group=self.is_group,  # type: ignore[arg-type]
                     **kw)
        self.last = handle(self.runtime, ib, fetch_file=lambda ref: self.files[ref.platform_id])
        for label, _ in buttons(self.last):
            assert 0 < len(label) <= 20, f"button label too long for LINE: {label!r}"
        return self.last

    def say(self, text: str) -> list[Reply]:
        return self._send("text", text=text)

    def press(self, payload: str) -> list[Reply]:
        return self._send("button", payload=payload)

    def tap(self, label: str) -> list[Reply]:
        """Press the button labelled *label* in the last answer."""
        return self.press(button(self.last, label))

    def send_file(self, data: bytes, *, content_type: str | None, filename: str | None = None,
                  kind: str = "image", caption: str | None = None) -> list[Reply]:
        ref = f"file-{next(_ids)}"
        self.files[ref] = data
        return self._send(kind, file=FileRef(ref, filename, content_type, len(data)), text=caption)

    @property
    def text(self) -> str:
        return everything(self.last)


@pytest.fixture
def link(runtime, demo):
    """link(role, unit="มท 0201", account=…) → a Chat linked through a real one-time code."""

    def _link(role: str, unit: str = "มท 0201", account: str | None = None, **kw) -> Chat:
        with runtime.transaction() as s:
            issued = issue_link_code(s, demo.person(role, unit), actor=Actor(None, "test"), clock=runtime.clock)
        chat = Chat(runtime, account or f"U-{role}-{next(_ids)}", **kw)
        chat.say(f"ผูกบัญชี {issued.code}")
        assert "ผูกบัญชีเรียบร้อยแล้ว" in chat.text, chat.text
        return chat

    return _link


def outbox(runtime, kind: str | None = None) -> list[OutboxMessage]:
    with runtime.read() as s:
        q = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            q = q.where(OutboxMessage.kind == kind)
        return list(s.execute(q).scalars())


def notices_for(runtime, chat: Chat, kind: str | None = None) -> list[Reply]:
    out: list[Reply] = []
    for m in outbox(runtime, kind):
        if m.chat_id == chat.account and m.channel == chat.channel:
            out += notice_replies(runtime, m)
    return out


def register(chat: Chat, text: str) -> str:
    """Paste a header and confirm it (answering [ไม่มี] to optional questions); returns the number."""
    replies = chat.say(text)
    for _ in range(6):
        labels = [label for label, _ in buttons(replies)]
        if "ยืนยัน" in labels:
            break
        replies = chat.tap("ไม่มี")
    replies = chat.tap("ยืนยัน")
    assert replies[0].card is not None and replies[0].card.title.startswith("ลงรับแล้ว"), chat.text
    return replies[0].card.title.split("เลขรับ ")[1]


def forward_to(chat: Chat, name: str) -> list[Reply]:
    """[ส่งต่อ] on the last receipt, pick *name*, purpose เพื่อดำเนินการ."""
    chat.tap("ส่งต่อ")
    chat.tap(name)
    return chat.tap("เพื่อดำเนินการ")

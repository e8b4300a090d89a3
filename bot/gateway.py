"""The ChatGateway port (one adapter per platform) and the neutral Reply ⇄ JSON mapping used by the
outbox (queued replies) and the web chat API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Any, Protocol

from handlers.models import Button, Card, Field, Reply


class SendFailed(Exception):
    """A send that did not go through. *permanent*: retrying cannot help (blocked bot, bad chat id);
    *retry_after*: the platform said when to come back (429); *scope* is what to pause: the one
    chat (Telegram's per-chat limit) or the whole channel (LINE's rate limit, an outage)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None,
                 scope: str = "chat") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.scope = scope
        self.sent: int | None = None  # messages of this notice shown before the failure (a retry skips them)


class ChatGateway(Protocol):
    channel: str

    async def send(self, chat_id: str, replies: list[Reply], *, retry_key: str, skip: int = 0) -> None:
        """Deliver *replies* to *chat_id* as new messages (push), or raise SendFailed. The same
        *retry_key* is given on every retry of one notice, so a platform that knows retry keys
        (LINE) never shows it twice; one that does not (Telegram) skips the first *skip* drawn
        messages, shown by an earlier attempt, and sets ``SendFailed.sent`` when it fails."""
        ...


def button_to_dict(b: Button) -> dict[str, Any]:
    out = {"label": b.label, "payload": b.payload, "style": b.style}
    if b.url is not None:
        out["url"] = b.url
    return out


def card_to_dict(c: Card) -> dict[str, Any]:
    return {"title": c.title, "fields": [asdict(f) for f in c.fields], "badges": list(c.badges),
            "buttons": [button_to_dict(b) for b in c.buttons], "footer": c.footer, "tone": c.tone}


def card_from_dict(c: dict[str, Any]) -> Card:
    return Card(title=c.get("title", ""), fields=tuple(Field(f["label"], f["value"]) for f in c.get("fields", [])),
                badges=tuple(c.get("badges", [])), buttons=tuple(Button(**b) for b in c.get("buttons", [])),
                footer=c.get("footer"), tone=c.get("tone", "info"))


def reply_to_dict(r: Reply) -> dict[str, Any]:
    """The Reply as JSON (outbox rows, the web chat API). ``lead`` is what a page that draws the
    cards shows beside them (bot.cardtext); ``text`` stays the whole answer in plain text."""
    from bot.cardtext import lead

    return {"text": r.text, "lead": lead(r), "card": card_to_dict(r.card) if r.card is not None else None,
            "items": [card_to_dict(c) for c in r.items],
            "quick_replies": [button_to_dict(b) for b in r.quick_replies], "chat_id": r.chat_id}


def reply_from_dict(d: dict[str, Any]) -> Reply:
    return Reply(text=d.get("text", ""), card=card_from_dict(d["card"]) if d.get("card") else None,
                 quick_replies=tuple(Button(**b) for b in d.get("quick_replies", [])), chat_id=d.get("chat_id"),
                 items=tuple(card_from_dict(c) for c in d.get("items") or ()))


class ChatLocks:
    """One asyncio lock per chat, so a chat's events are handled in the order they came; a lock
    lives only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]

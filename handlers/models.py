"""The neutral messages between the channels (bot/) and the conversation (handlers/).

A channel turns a platform event into an :class:`Inbound`; the handlers answer with a list of
:class:`Reply`; each channel draws a Reply its own way (LINE Flex + quick replies, Telegram
HTML + inline keyboard, web chat JSON, terminal text). Button payloads are short ASCII tokens
such as ``ack:42`` (≤ 64 bytes, Telegram's callback_data limit), parsed by one function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Channel = Literal["line", "telegram", "web", "terminal"]
InboundKind = Literal["text", "button", "file", "image", "follow", "join", "other"]
MAX_PAYLOAD_BYTES = 64


@dataclass(frozen=True)
class FileRef:
    """A file the user sent: the channel fetches its bytes lazily through ``fetch``."""

    platform_id: str  # LINE message id / Telegram file_id / web upload id
    filename: str | None = None
    content_type: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Inbound:
    channel: Channel
    event_id: str  # unique key: "line:<webhookEventId>", "telegram:<update_id>", "web:<uuid>"
    account_id: str  # the user's id on the platform (LINE userId, Telegram user id)
    chat_id: str  # where to answer (LINE user/group id, Telegram chat id)
    kind: InboundKind
    at: dt.datetime
    text: str | None = None
    payload: str | None = None  # button payload (postback data / callback_data)
    file: FileRef | None = None
    display_name: str | None = None
    is_group: bool = False  # identity-bound actions happen only in 1:1 chats


@dataclass(frozen=True)
class Button:
    label: str  # Thai, short (LINE: ≤ 20 characters)
    payload: str  # ASCII, ≤ 64 bytes
    style: Literal["primary", "secondary", "danger"] = "secondary"
    # A page of this server to open ("/admin/audits/3"): a channel that draws link buttons opens
    # it (prefixed with its public address); one that does not sends the payload, answered with
    # the address as text (handlers.links).
    url: str | None = None

    def __post_init__(self) -> None:
        raw = self.payload.encode("utf-8")
        if len(raw) > MAX_PAYLOAD_BYTES or not self.payload.isascii():
            raise ValueError(f"button payload must be ASCII and ≤ {MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Card:
    """A letter card: title, badges (ด่วนที่สุด, ลับ …), label/value rows, buttons."""

    title: str
    fields: tuple[Field, ...] = ()
    badges: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str | None = None
    tone: Literal["info", "success", "warning", "danger"] = "info"


@dataclass(frozen=True)
class Reply:
    """One answer: text (always present: it is what LINE on PC and the terminal show) and optional
    card and quick replies."""

    text: str
    card: Card | None = None
    quick_replies: tuple[Button, ...] = ()
    chat_id: str | None = None  # None = the chat the Inbound came from
    # A list answer (งานของฉัน, search results): one card per item, each with its own buttons.
    # LINE draws a carousel, Telegram one message with a button row per item, the web one card each.
    items: tuple[Card, ...] = ()


@dataclass(frozen=True)
class Outgoing:
    """A reply addressed for delivery (used by the outbox deliverer for notices)."""

    channel: Channel
    chat_id: str
    replies: tuple[Reply, ...] = field(default_factory=tuple)

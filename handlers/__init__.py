"""The conversation layer: one neutral call per inbound chat event, answered with Replies.

Contract for the channels (``bot/``):

``handle(runtime, inbound, *, fetch_file=None) -> list[Reply]``
    Call it once per platform event *after* recording the event's unique key (de-duplication of
    redelivered events is yours), or call ``handle_once`` (same arguments), which records
    ``inbound.event_id`` in the handling's own transaction and returns None for a repeat (what
    every channel does, through ``bot.intake.process``). It opens its own transaction(s), never
    raises for anything a user can do (typed registry errors become their Thai ``message_th``;
    unexpected errors are logged with ``inbound.event_id`` and answered politely), and returns
    the replies for the chat the event came from (``Reply.chat_id`` None = that chat). An empty
    list means "say nothing" (e.g. chatter in a group). Button presses are idempotent here: a
    second press, or a button from an old card, acts at most once and says so politely.

    * ``Inbound.account_id`` (the platform *user* id) identifies the person; ``chat_id`` is where
      the conversation lives. Set ``is_group`` for group/supergroup chats: identity-bound actions
      (link, acknowledge, return, close) are refused there with a polite Thai text.
    * Text: ``kind="text"`` with ``text``. Buttons: ``kind="button"`` with ``payload`` (the
      postback data / callback_data you rendered from ``Button.payload``). Files and photos:
      ``kind="file"``/``"image"`` with ``file``; bytes are fetched through *fetch_file* (only when
      the file is actually stored: right after a registration, or during a registration draft).
    * ``kind="follow"``: a greeting (the "how to link" text for unlinked users); ``"join"`` (the
      bot added to a group): a short group introduction. Unlinked members' chatter in a group gets
      no answer (an empty list); their commands get the "how to link" text.
    * Text is cleaned of control characters (NUL …) before anything reads it.

``notice_replies(runtime, message) -> list[Reply]``
    Renders one outbox row (``registry.models.OutboxMessage``) for its recipient at delivery
    time: ``assignment`` (card with [รับทราบ] [ไม่ใช่งานของฉัน]), ``acknowledge_notice``,
    ``return_notice``, ``reminder``, ``digest``. Secret letters show only the number, priority and
    "รับเอกสารตัวจริง". Never raises for a vanished letter (says so instead).

Linking for the web chat and the terminal (no code): ``registry.accounts.link_directly``.
Admin-issued codes: ``registry.accounts.issue_link_code`` (CLI ``saraban admin link-code``).

Rendering: every Reply has ``text`` (complete on its own: LINE on PC, terminal); ``card``,
``quick_replies`` and ``items`` (a list answer: one card per item, each with its buttons) are
extras. ``handlers.cards.card_text(card)`` gives a card as plain text. A ``Button`` with ``url``
opens that page of this server (prefix the public address); without link buttons, send its
payload (``ln:…``): the answer is the address as text.

Files: ``Inbound.text`` of a file/image event is its caption (Telegram); a caption that is a
letter header starts that registration with the file held (``handlers.attach``).

Every intent and button is declared once in ``handlers.features``.
"""

from __future__ import annotations

from handlers.core import handle, handle_once, notice_replies
from handlers.models import Button, Card, Field, FileRef, Inbound, Outgoing, Reply
from handlers.features import HELP_TEXT

__all__ = ["handle", "handle_once", "notice_replies", "HELP_TEXT", "Inbound", "Reply", "Card", "Field", "Button", "FileRef",
           "Outgoing"]

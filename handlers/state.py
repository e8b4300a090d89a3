"""Conversation state: what a chat is in the middle of, kept in the database with an expiry.

Rows live in ``conversation_state`` keyed by (channel, chat key) — the chat, or in a group each
member's own thread — so any worker continues any conversation and a restart loses nothing.
A state expires 30 minutes after its last change (``registry.conversations.DEFAULT_TTL``); an
expired one counts as none. Writes go through ``registry.conversations`` (the one writer).

Flows and their data:

* ``intake`` — a registration draft: ``token`` (its buttons carry it), ``unit_id``, ``fields``,
  ``errors``/``doubtful`` (asked again), ``awaiting`` (the field being asked), ``asked``,
  ``files`` (attachments held until [ยืนยัน]), ``sender_unit_id``, ``mail_id`` (a saraban-mailbox
  draft being corrected here: handlers.mail_drafts);
* ``forward`` — choosing recipients: ``letter_id``, ``recipients`` ([["p"|"u", id], …]),
  ``principal``;
* ``return`` — waiting for the reason: ``assignment_id``;
* ``outgoing`` — an outgoing-number request waiting for its subject (unit, addressee, circular…);
* ``letter`` — the letter just registered/forwarded/numbered: ``letter_id`` (files attach to it
  within ``handlers.attach.ATTACH_WINDOW``);
* ``file`` — a file kept aside while the person says which letter it belongs to: ``files``;
* ``training`` — the guided practice is open (its progress is in ``training_progress``): every
  typed message is the trainee's try at the current step (handlers.training).

Every state also carries ``person_id`` (a relinked chat never continues someone else's draft)
and ``last`` (the last registration's token and number, so a late second press of its
[ยืนยัน] is answered "ลงรับไปแล้ว").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from registry.conversations import DEFAULT_TTL, Conversation, clear_state, load_state, save_state

if TYPE_CHECKING:
    from handlers.context import Ctx

TTL = DEFAULT_TTL
FLOWS = ("intake", "forward", "return", "outgoing", "letter", "file", "training")


def load(ctx: Ctx, *, lock: bool = False) -> Conversation | None:
    row = load_state(ctx.session, ctx.inbound.channel, ctx.chat_key, now=ctx.now, lock=lock)
    if row is not None and ctx.person is not None and row.data.get("person_id") not in (None, ctx.person.id):
        row = None  # the chat was relinked to someone else: their draft is not ours
    return row


def save(ctx: Ctx, flow: str, data: dict[str, Any], *, current: Conversation | None) -> None:
    """Replace the state; ``last`` is carried over from *current* unless *data* sets it."""
    data = dict(data)
    if "last" not in data and current is not None and current.data.get("last"):
        data["last"] = current.data["last"]
    if ctx.person is not None:
        data["person_id"] = ctx.person.id
    save_state(ctx.session, ctx.inbound.channel, ctx.chat_key, flow, data, now=ctx.now, ttl=TTL)


def clear(ctx: Ctx) -> None:
    clear_state(ctx.session, ctx.inbound.channel, ctx.chat_key)

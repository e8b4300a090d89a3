"""Idempotent intake shared by every channel: record the event's key, then hand it to the handlers.

``accept`` commits the key in its own transaction *before* anything is acted on (a repeat of the
same LINE webhookEventId or Telegram update_id is answered 200 and ignored). ``handle`` calls the
conversation layer and turns an unexpected failure into a polite Thai answer naming the event, so
a user never sees silence or a stack trace. ``queue_replies`` puts replies that could not be
answered directly (stale reply token, platform outage) into the outbox, to be pushed with retries.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from bot.gateway import reply_to_dict
from handlers.models import FileRef, Inbound, Reply
from registry.inbound import record_inbound
from registry.outbox import enqueue
from registry.runtime import Runtime

log = logging.getLogger("saraban.bot")

FAILURE_TEXT = ("ขออภัย ระบบขัดข้องชั่วคราว คำขอของท่านยังไม่ได้ดำเนินการ "
                "กรุณาลองใหม่อีกครั้งในภายหลัง (รหัสอ้างอิง {ref})")

FetchFile = Callable[[FileRef], bytes]


def accept(runtime: Runtime, key: str) -> bool:
    """True when the event is new and should be handled; False for a repeat (already recorded)."""
    with runtime.transaction() as session:
        return record_inbound(session, key, at=runtime.clock.now())


def handle(runtime: Runtime, inbound: Inbound, fetch_file: FetchFile | None = None) -> list[Reply]:
    """The handlers' answer to one accepted event (never raises)."""
    import handlers

    try:
        return list(handlers.handle(runtime, inbound, fetch_file=fetch_file))
    except Exception:  # the one place that catches everything: log with the event id, answer politely
        log.exception("handling %s failed", inbound.event_id)
        return [Reply(text=FAILURE_TEXT.format(ref=inbound.event_id))]


def process(runtime: Runtime, inbound: Inbound, fetch_file: FetchFile | None = None) -> list[Reply] | None:
    """accept + handle: None when the event is a repeat."""
    if not accept(runtime, inbound.event_id):
        log.info("repeat of %s ignored", inbound.event_id)
        return None
    return handle(runtime, inbound, fetch_file)


def queue_replies(runtime: Runtime, *, channel: str, chat_id: str, replies: list[Reply], key: str) -> int | None:
    """Queue *replies* for a push to *chat_id* (outbox kind ``reply``); returns the row id, or None
    when the same key was queued before (the dedupe key keeps it single)."""
    from sqlalchemy import select

    from registry.models import OutboxMessage

    dedupe = f"reply:{key}"[:128]
    with runtime.transaction() as session:
        enqueue(session, channel=channel, chat_id=chat_id, kind="reply", at=runtime.clock.now(), dedupe_key=dedupe,
                payload={"replies": [reply_to_dict(r) for r in replies]})
        return session.execute(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe)).scalar_one_or_none()


def new_key(prefix: str) -> str:
    return f"{prefix}:{uuid.uuid4().hex}"

"""Idempotent intake shared by every channel: record the event's key, then hand it to the handlers.

``process`` records the key as the first statement of the transaction that handles the event
(``handlers.handle_once``): a repeat of the same LINE webhookEventId, Telegram update_id or web
message id does nothing and gives None, and a crash mid-handling rolls the key back with the work.
``accept`` records a key on its own, for events that are not handed to the handlers. ``process``
turns an unexpected failure into a polite Thai answer naming the event, so a user never sees
silence or a stack trace. ``queue_replies`` puts replies that could not be answered directly
(stale reply token, platform outage) into the outbox, to be pushed with retries.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.gateway import reply_to_dict
from handlers.models import FileRef, Inbound, Reply
from registry.inbound import record_inbound
from registry.outbox import enqueue
from registry.runtime import Runtime

log = logging.getLogger("saraban.bot")

FAILURE_TEXT = ("ขออภัย ระบบขัดข้องชั่วคราว คำขอของท่านยังไม่ได้ดำเนินการ "
                "กรุณาลองใหม่อีกครั้งในภายหลัง (รหัสอ้างอิง {ref})")

FetchFile = Callable[[FileRef], bytes]
T = TypeVar("T")


class HandlerThreads:
    """The few threads a chat channel hands its events to, instead of asyncio's default pool.

    Handling an event is Python work under the GIL with short waits on the database in between, so
    threads beyond what the database can use at once only add GIL hand-offs: ``bench webhook``
    measured about 10 % less server CPU per event with one or two threads than with the default
    pool's six on SQLite (one writer at a time anyway), and four serve PostgreSQL, where round
    trips overlap. Two rather than one on SQLite, so that a slow file download being handled in
    one chat does not hold up every other chat."""

    def __init__(self, runtime: Runtime, name: str) -> None:
        self.size = 2 if runtime.engine.dialect.name == "sqlite" else 4
        self.name = name
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.size, thread_name_prefix=f"saraban-{self.name}")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        """Let the threads end once their work is done (the channel waits for its events first)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


def accept(runtime: Runtime, key: str) -> bool:
    """True when the event is new and should be handled; False for a repeat (already recorded)."""
    with runtime.transaction() as session:
        return record_inbound(session, key, at=runtime.clock.now())


def process(runtime: Runtime, inbound: Inbound, fetch_file: FetchFile | None = None, *,
            keep: Callable[[Any, list[Reply]], None] | None = None) -> list[Reply] | None:
    """Record the event's key and handle it, in one transaction: None when the event is a repeat.
    *keep(session, replies)* runs in that transaction (see ``handlers.handle_once``)."""
    return process_outcome(runtime, inbound, fetch_file, keep=keep)[0]


def process_outcome(runtime: Runtime, inbound: Inbound, fetch_file: FetchFile | None = None, *,
                    keep: Callable[[Any, list[Reply]], None] | None = None) -> tuple[list[Reply] | None, bool]:
    """:func:`process`, also telling whether the handlers failed (the answer is then FAILURE_TEXT
    and nothing was recorded)."""
    import handlers

    try:
        replies = handlers.handle_once(runtime, inbound, fetch_file=fetch_file, keep=keep)
    except Exception:  # the one place that catches everything: log with the event id, answer politely
        log.exception("handling %s failed", inbound.event_id)
        return [Reply(text=FAILURE_TEXT.format(ref=inbound.event_id))], True
    if replies is None:
        log.info("repeat of %s ignored", inbound.event_id)
        return None, False
    return list(replies), False


def queue_replies(runtime: Runtime, *, channel: str, chat_id: str, replies: list[Reply], key: str, skip: int = 0,
                  not_before: dt.datetime | None = None) -> int | None:
    """Queue *replies* for a push to *chat_id* (outbox kind ``reply``); returns the row id, or None
    when the same key was queued before (the dedupe key keeps it single). *skip* messages of the
    drawn replies were shown already; *not_before* is when the platform lets us send again."""
    from sqlalchemy import select

    from registry.models import OutboxMessage

    dedupe = f"reply:{key}"[:128]
    payload: dict[str, Any] = {"replies": [reply_to_dict(r) for r in replies]}
    if skip:
        payload["sent_parts"] = skip
    now = runtime.clock.now()
    with runtime.transaction() as session:
        enqueue(session, channel=channel, chat_id=chat_id, kind="reply", at=max(now, not_before or now),
                dedupe_key=dedupe, payload=payload)
        return session.execute(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe)).scalar_one_or_none()


def new_key(prefix: str) -> str:
    return f"{prefix}:{uuid.uuid4().hex}"

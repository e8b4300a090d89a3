"""Leasing outbox rows to the deliverers in ``bot/`` (the push channels and the web chat inbox).

``registry.outbox`` writes notices and records results; this module decides who may send which
row: a row is leased (``locked_until``) inside a transaction, so two deliverers — threads,
processes or machines — never hold the same row at once. On PostgreSQL ``FOR UPDATE SKIP
LOCKED`` lets them claim side by side; SQLite serialises writers anyway (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import ChatPace, OutboxMessage

DEFAULT_LEASE = dt.timedelta(seconds=60)


def _due(now: dt.datetime):
    return (
        OutboxMessage.status == "pending",
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
    )


def _lease(session: Session, query, now: dt.datetime, lease: dt.timedelta) -> list[OutboxMessage]:
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.execute(query.execution_options(populate_existing=True)).scalars())
    for row in rows:
        row.locked_until = now + lease
    session.flush()
    return rows


def claim_channels(session: Session, channels: Sequence[str], *, now: dt.datetime, limit: int = 50,
                   lease: dt.timedelta = DEFAULT_LEASE) -> list[OutboxMessage]:
    """Lease up to *limit* due rows of the given channels, oldest first."""
    query = (select(OutboxMessage).where(*_due(now), OutboxMessage.channel.in_(list(channels)))
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    return _lease(session, query, now, lease)


def claim_chat(session: Session, channel: str, chat_id: str, *, now: dt.datetime, limit: int = 20,
               lease: dt.timedelta = DEFAULT_LEASE) -> list[OutboxMessage]:
    """Lease the due rows of one chat (the web chat page fetching its inbox)."""
    query = (select(OutboxMessage)
             .where(*_due(now), OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id)
             .order_by(OutboxMessage.id).limit(limit))
    return _lease(session, query, now, lease)


def claim_one(session: Session, message_id: int, *, now: dt.datetime,
              lease: dt.timedelta = DEFAULT_LEASE) -> OutboxMessage | None:
    """Lease one row by id if it is still due and free (a reply pushed right after it was queued)."""
    query = select(OutboxMessage).where(*_due(now), OutboxMessage.id == message_id)
    rows = _lease(session, query, now, lease)
    return rows[0] if rows else None


def release(session: Session, message_id: int, *, until: dt.datetime) -> None:
    """Give a leased row back untried, due again at *until* (per-chat pacing, a paused channel).
    Not an attempt: ``attempts`` and ``last_error`` stay as they were."""
    msg = session.get(OutboxMessage, message_id)
    if msg is None or msg.status != "pending":
        return
    msg.locked_until = None
    msg.sending_at = None
    msg.next_attempt_at = max(msg.next_attempt_at, until)


def mark_sending(session: Session, message_id: int, *, at: dt.datetime) -> None:
    """The row is about to go out on a platform without idempotency keys (Telegram). Committed
    before the call, so a deliverer that finds it still set after the lease ran out knows the
    process died mid-send and the notice may have been shown (bot/deliver.py decides)."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(sending_at=at))


def pending_counts(session: Session) -> dict[str, int]:
    """How many notices wait per channel (for /metrics and the worker's log)."""
    from sqlalchemy import func

    rows = session.execute(select(OutboxMessage.channel, func.count()).where(OutboxMessage.status == "pending")
                           .group_by(OutboxMessage.channel))
    return {channel: count for channel, count in rows}


# --- pacing: when a chat may next be sent to, for every deliverer at once -------------------------

def _upsert(session: Session, channel: str, chat_id: str, not_before: dt.datetime):
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(ChatPace.__table__).values(channel=channel, chat_id=chat_id, not_before=not_before)


def take_slot(session: Session, channel: str, chat_id: str, *, now: dt.datetime,
              gap: dt.timedelta) -> dt.datetime | None:
    """Take the chat's send slot: None when the caller may send now (every deliverer then waits
    until ``now + gap``), else the time the chat may next be sent to.

    One conditional upsert decides: two deliverers racing for a chat queue on its row (PostgreSQL)
    or on the write lock (SQLite), and the second sees the first's slot."""
    table = ChatPace.__table__
    ins = _upsert(session, channel, chat_id, now + gap)
    taken = session.execute(ins.on_conflict_do_update(
        index_elements=["channel", "chat_id"], set_={"not_before": ins.excluded.not_before},
        where=table.c.not_before <= now).returning(table.c.not_before)).first()
    if taken is not None:
        return None
    return session.execute(select(ChatPace.not_before).where(
        ChatPace.channel == channel, ChatPace.chat_id == chat_id)).scalar_one()


def hold_chat(session: Session, channel: str, chat_id: str, *, until: dt.datetime) -> None:
    """No deliverer sends to the chat before *until* (the platform said to wait: a 429)."""
    table = ChatPace.__table__
    ins = _upsert(session, channel, chat_id, until)
    later = case((table.c.not_before < ins.excluded.not_before, ins.excluded.not_before), else_=table.c.not_before)
    session.execute(ins.on_conflict_do_update(index_elements=["channel", "chat_id"], set_={"not_before": later}))


def forget_paces(session: Session, *, before: dt.datetime) -> int:
    """Drop pacing rows whose time is long past (they decide nothing any more)."""
    return session.execute(delete(ChatPace).where(ChatPace.not_before < before)).rowcount or 0

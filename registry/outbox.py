"""The outbox: notices written in the same transaction as the change, delivered later.

A notice is stored platform-neutral (``kind`` + ``payload`` of ids and a few facts); the
deliverer in ``bot/`` renders it for the channel at delivery time. ``dedupe_key`` makes a
notice single even when the change that wrote it is retried.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import Assignment, ChatAccount, OutboxMessage

PUSH_CHANNELS = ("line", "telegram", "web")
BACKOFF_SECONDS = (5, 15, 60, 180, 600, 1800)


def notify_person(
    session: Session,
    person_id: int,
    *,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    at: dt.datetime,
    assignment_id: int | None = None,
) -> int:
    """Queue a notice to every linked chat account of the person; returns how many were queued."""
    accounts = session.execute(
        select(ChatAccount).where(ChatAccount.person_id == person_id, ChatAccount.channel.in_(PUSH_CHANNELS))
    ).scalars().all()
    for account in accounts:
        enqueue(session, channel=account.channel, chat_id=account.external_id, person_id=person_id,
                kind=kind, payload=payload, dedupe_key=f"{dedupe_key}:{account.id}", at=at,
                assignment_id=assignment_id)
    return len(accounts)


def enqueue(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    kind: str,
    payload: dict[str, Any],
    at: dt.datetime,
    dedupe_key: str | None = None,
    person_id: int | None = None,
    assignment_id: int | None = None,
) -> None:
    values = dict(channel=channel, chat_id=chat_id, person_id=person_id, kind=kind, payload=payload,
                  dedupe_key=dedupe_key, retry_key=str(uuid.uuid4()), assignment_id=assignment_id,
                  status="pending", attempts=0, next_attempt_at=at, created_at=at)
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxMessage).values(**values)
    session.execute(ins.on_conflict_do_nothing(index_elements=["dedupe_key"]))


def claim_due(session: Session, *, now: dt.datetime, limit: int = 50, lease: dt.timedelta = dt.timedelta(seconds=60)) -> list[OutboxMessage]:
    """Lease up to *limit* due notices to this worker (others skip them until the lease ends)."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.execute(query).scalars())
    for row in rows:
        row.locked_until = now + lease
    return rows


def mark_sent(session: Session, message_id: int, *, at: dt.datetime) -> None:
    msg = session.get(OutboxMessage, message_id)
    if msg is None or msg.status == "sent":
        return
    msg.status = "sent"
    msg.sent_at = at
    msg.attempts += 1
    msg.locked_until = None
    if msg.assignment_id is not None:
        session.execute(
            update(Assignment)
            .where(and_(Assignment.id == msg.assignment_id, Assignment.delivered_at.is_(None)))
            .values(delivered_at=at)
        )


def mark_failed(session: Session, message_id: int, *, at: dt.datetime, error: str, retry_after: float | None = None,
                permanent: bool = False, max_attempts: int = 50) -> None:
    """Record a failed attempt and schedule the next one (backoff, or the platform's Retry-After)."""
    msg = session.get(OutboxMessage, message_id)
    if msg is None or msg.status == "sent":
        return
    msg.attempts += 1
    msg.last_error = error[:2000]
    msg.locked_until = None
    if permanent or msg.attempts >= max_attempts:
        msg.status = "failed"
        return
    delay = retry_after if retry_after is not None else BACKOFF_SECONDS[min(msg.attempts - 1, len(BACKOFF_SECONDS) - 1)]
    msg.next_attempt_at = at + dt.timedelta(seconds=delay)

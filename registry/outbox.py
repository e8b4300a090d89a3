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

from registry.models import Assignment, ChatAccount, Delegation, OutboxMessage

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
    route_acting: bool = True,
) -> int:
    """Queue a notice to every linked chat account of the person; returns how many were queued.

    While someone acts for the person (รักษาราชการแทน, a ``Delegation`` in force at *at*), the
    acting officer's chats get it too, marked ``acting_for`` (the notice then says "แทน <name>")."""
    queued = _to_accounts(session, person_id, kind=kind, payload=payload, dedupe_key=dedupe_key, at=at,
                          assignment_id=assignment_id)
    if route_acting:
        delegates = session.execute(select(Delegation.delegate_id).where(
            Delegation.principal_id == person_id, Delegation.starts_at <= at, Delegation.ends_at > at)
            .order_by(Delegation.id)).scalars().all()
        for delegate_id in dict.fromkeys(delegates):
            if delegate_id != person_id:
                queued += _to_accounts(session, delegate_id, kind=kind, payload={**payload, "acting_for": person_id},
                                       dedupe_key=f"{dedupe_key}:acting:{delegate_id}", at=at,
                                       assignment_id=assignment_id)
    return queued


def _to_accounts(session: Session, person_id: int, *, kind: str, payload: dict[str, Any], dedupe_key: str,
                 at: dt.datetime, assignment_id: int | None) -> int:
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


def mark_sent(session: Session, message_id: int, *, at: dt.datetime, message_ids: list[int] | None = None) -> None:
    """Sent. *message_ids*: the platform's ids of the messages (Telegram), kept in the payload so a
    recalled forward's notice can be edited later (bot/deliver.py)."""
    msg = session.get(OutboxMessage, message_id)
    if msg is None or msg.status == "sent":
        return
    if message_ids:
        msg.payload = {**(msg.payload or {}), "message_ids": [int(i) for i in message_ids]}
    msg.status = "sent"
    msg.sent_at = at
    msg.attempts += 1
    msg.locked_until = None
    msg.sending_at = None
    if msg.assignment_id is not None:
        session.execute(
            update(Assignment)
            .where(and_(Assignment.id == msg.assignment_id, Assignment.delivered_at.is_(None)))
            .values(delivered_at=at)
        )


def mark_failed(session: Session, message_id: int, *, at: dt.datetime, error: str, retry_after: float | None = None,
                permanent: bool = False, max_attempts: int = 50, sent_parts: int | None = None) -> None:
    """Record a failed attempt and schedule the next one (backoff, or the platform's Retry-After).

    *sent_parts*: messages of the notice shown before the failure; the next attempt skips them.
    A notice that fails for good while forwarding a letter tells the person who forwarded it
    (kind ``delivery_failed``), so the clerk is not left believing it arrived."""
    msg = session.get(OutboxMessage, message_id)
    if msg is None or msg.status == "sent":
        return
    msg.attempts += 1
    msg.last_error = error[:2000]
    msg.locked_until = None
    msg.sending_at = None
    if sent_parts:
        msg.payload = {**(msg.payload or {}), "sent_parts": sent_parts}  # a new dict: JSON change tracking
    if permanent or msg.attempts >= max_attempts:
        msg.status = "failed"
        _tell_sender(session, msg, at)
        return
    delay = retry_after if retry_after is not None else BACKOFF_SECONDS[min(msg.attempts - 1, len(BACKOFF_SECONDS) - 1)]
    msg.next_attempt_at = at + dt.timedelta(seconds=delay)


def _tell_sender(session: Session, msg: OutboxMessage, at: dt.datetime) -> None:
    if msg.kind != "assignment" or msg.assignment_id is None:
        return
    a = session.get(Assignment, msg.assignment_id)
    if a is None or a.created_by is None or a.created_by == msg.person_id:
        return
    others = session.execute(select(OutboxMessage.id).where(  # another chat of the person may still get it
        OutboxMessage.assignment_id == a.id, OutboxMessage.id != msg.id,
        OutboxMessage.status.in_(("pending", "sent")))).first()
    if others is not None:
        return
    notify_person(session, a.created_by, kind="delivery_failed", at=at, assignment_id=None,
                  payload={"assignment_id": a.id, "letter_id": a.letter_id, "channel": msg.channel,
                           "person_id": msg.person_id, "error": (msg.last_error or "")[:200]},
                  dedupe_key=f"delivery_failed:{a.id}")


def failed_deliveries(session: Session, assignment_ids: list[int]) -> dict[int, str]:
    """Assignments whose notice failed for good and never reached any chat: id → channel."""
    if not assignment_ids:
        return {}
    rows = session.execute(select(OutboxMessage.assignment_id, OutboxMessage.channel).where(
        OutboxMessage.assignment_id.in_(assignment_ids), OutboxMessage.status == "failed"))
    failed = {aid: channel for aid, channel in rows}
    if failed:
        sent = set(session.execute(select(OutboxMessage.assignment_id).where(
            OutboxMessage.assignment_id.in_(list(failed)), OutboxMessage.status == "sent")).scalars())
        failed = {aid: ch for aid, ch in failed.items() if aid not in sent}
    return failed

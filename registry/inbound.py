"""Idempotent intake: every inbound platform event is recorded under its unique key before it is
acted on (``line:<webhookEventId>``, ``telegram:<update_id>``, ``web:<uuid>``).

LINE redelivers an event when our 200 was late or lost, Telegram resends an update until it is
answered; both carry the same id, so the first insert wins and every repeat is ignored.
"""

from __future__ import annotations

import datetime as dt

from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import InboundQueue, ProcessedInbound

KEY_MAX = 128


def record_inbound(session: Session, key: str, *, at: dt.datetime) -> bool:
    """Insert *key*; True when it is new (act on the event), False when it was seen before.

    Run it first in the transaction that handles the event (``handlers.handle_once``): the key and
    the work commit together, so an event is acted on exactly once even across a crash.
    """
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"inbound key must be 1..{KEY_MAX} characters: {key!r}")
    conn = session.connection()
    return conn.execute(_INSERT[conn.dialect.name], {"key": key, "at": at}).scalar_one_or_none() is not None


def _insert_once(insert):
    # RETURNING rather than rowcount: not every driver reports one for ON CONFLICT DO NOTHING (psycopg 3 did not).
    return insert(ProcessedInbound.__table__).values(key=bindparam("key"), received_at=bindparam("at")) \
        .on_conflict_do_nothing(index_elements=["key"]).returning(ProcessedInbound.__table__.c.key)


# Run on every chat event: built once, executed as Core.
_INSERT = {"postgresql": _insert_once(postgresql.insert), "sqlite": _insert_once(sqlite.insert)}


def remember_replies(session: Session, key: str, replies: list[dict[str, Any]]) -> None:
    """Keep what *key* was answered, in the transaction that recorded it (web chat: a repeated
    request after a lost response is answered the same, so the clerk still sees the number)."""
    session.execute(update(ProcessedInbound).where(ProcessedInbound.key == key).values(replies=replies))


def recorded_replies(session: Session, key: str) -> list[dict[str, Any]] | None:
    """What *key* was answered, when it was kept (None: unknown key, or not kept)."""
    return session.execute(select(ProcessedInbound.replies).where(ProcessedInbound.key == key)).scalar_one_or_none()


def purge_inbound(session: Session, *, before: dt.datetime) -> int:
    """Forget keys older than *before* (platforms redeliver for hours, not weeks)."""
    result = session.execute(delete(ProcessedInbound).where(ProcessedInbound.received_at < before))
    return result.rowcount or 0


# --- the inbound queue: events recorded before the platform is answered ------------------------------

def _queue_once(insert):
    t = InboundQueue.__table__
    return insert(t).values(key=bindparam("key"), channel=bindparam("channel"), body=bindparam("body"),
                            received_at=bindparam("at"), claimed_until=bindparam("until"), attempts=1) \
        .on_conflict_do_nothing(index_elements=["key"]).returning(t.c.key)


_QUEUE = {"postgresql": _queue_once(postgresql.insert), "sqlite": _queue_once(sqlite.insert)}


def queue_events(conn: Connection, channel: str, events: list[tuple[str, dict[str, Any]]], *, at: dt.datetime,
                 claim: dt.timedelta) -> list[str]:
    """Record (key, event JSON) pairs, claimed by the caller for *claim*; returns the keys that were
    new (a redelivery of an event still queued adds nothing). One short transaction on a Core
    connection (Runtime.core_transaction): it runs before every LINE webhook is answered."""
    stmt = _QUEUE[conn.dialect.name]
    new: list[str] = []
    for key, body in events:
        if not key or len(key) > KEY_MAX:
            raise ValueError(f"inbound key must be 1..{KEY_MAX} characters: {key!r}")
        if conn.execute(stmt, {"key": key, "channel": channel, "body": body, "at": at,
                               "until": at + claim}).scalar_one_or_none() is not None:
            new.append(key)
    return new


def forget_handled(session: Session) -> int:
    """Drop queued events whose key was recorded as handled (the handling transaction wrote it)."""
    t = InboundQueue.__table__
    done = select(ProcessedInbound.key).where(ProcessedInbound.key == t.c.key).exists()
    return session.execute(delete(t).where(done)).rowcount or 0


def claim_unhandled(session: Session, channel: str, *, now: dt.datetime, claim: dt.timedelta,
                    limit: int = 100) -> list[tuple[str, dict[str, Any], int]]:
    """(key, event JSON, attempts so far) of queued events whose claim ran out unhandled (the
    process that took them died), claimed again for *claim*, oldest first."""
    t = InboundQueue.__table__
    query = (select(t.c.key, t.c.body, t.c.attempts)
             .where(t.c.channel == channel, t.c.claimed_until <= now).order_by(t.c.received_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = [(k, b, n) for k, b, n in session.execute(query)]
    if rows:
        session.execute(update(t).where(t.c.key.in_([k for k, _, _ in rows]))
                        .values(claimed_until=now + claim, attempts=t.c.attempts + 1))
    return rows


def drop_queued(session: Session, keys: list[str]) -> None:
    """Forget queued events for good (handled elsewhere, or given up after repeated failures)."""
    if keys:
        session.execute(delete(InboundQueue).where(InboundQueue.key.in_(keys)))

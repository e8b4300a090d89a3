"""Idempotent intake: every inbound platform event is recorded under its unique key before it is
acted on (``line:<webhookEventId>``, ``telegram:<update_id>``, ``web:<uuid>``).

LINE redelivers an event when our 200 was late or lost, Telegram resends an update until it is
answered; both carry the same id, so the first insert wins and every repeat is ignored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import ProcessedInbound

KEY_MAX = 128


def record_inbound(session: Session, key: str, *, at: dt.datetime) -> bool:
    """Insert *key*; True when it is new (act on the event), False when it was seen before.

    Run it in its own short transaction, committed before the event is handled: a worker that
    crashes afterwards loses the event rather than acting on it twice.
    """
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"inbound key must be 1..{KEY_MAX} characters: {key!r}")
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ProcessedInbound).values(
        key=key, received_at=at)
    # RETURNING rather than rowcount: psycopg 3 does not report a row count for this statement.
    inserted = session.execute(ins.on_conflict_do_nothing(index_elements=["key"]).returning(ProcessedInbound.key))
    return inserted.scalar_one_or_none() is not None


def purge_inbound(session: Session, *, before: dt.datetime) -> int:
    """Forget keys older than *before* (platforms redeliver for hours, not weeks)."""
    result = session.execute(delete(ProcessedInbound).where(ProcessedInbound.received_at < before))
    return result.rowcount or 0

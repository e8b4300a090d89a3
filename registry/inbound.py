"""Idempotent intake: every inbound platform event is recorded under its unique key before it is
acted on (``line:<webhookEventId>``, ``telegram:<update_id>``, ``web:<uuid>``).

LINE redelivers an event when our 200 was late or lost, Telegram resends an update until it is
answered; both carry the same id, so the first insert wins and every repeat is ignored.
"""

from __future__ import annotations

import datetime as dt

from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import ProcessedInbound

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

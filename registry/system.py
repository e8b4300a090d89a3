"""The state of the running system, for the system page and /metrics: heartbeats of the
deliverers (with what they last saw of LINE and Telegram), the outbox backlog and failures, the
schema revision, and the business counters; and the one change made from there, retrying a
notice that failed for good."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from registry.admin import require_admin
from registry.errors import InvalidInput, NotFound
from registry.events import Actor, append_event
from registry.models import Assignment, Heartbeat, OutboxMessage, ProcessedInbound, Registration

ALIVE_WITHIN = dt.timedelta(minutes=2)  # a deliverer beats every 15 s


def beat(session: Session, *, name: str, kind: str, version: str, started_at: dt.datetime, at: dt.datetime,
         info: dict[str, Any] | None = None) -> None:
    """Record that *name* is alive (and, when given, what it saw of the platforms)."""
    row = session.get(Heartbeat, name, with_for_update=True)
    if row is None:
        row = Heartbeat(name=name, kind=kind, version=version, started_at=started_at, seen_at=at, info={})
        session.add(row)
    row.kind, row.version, row.started_at, row.seen_at = kind, version, started_at, at
    if info is not None:
        row.info = {**(row.info or {}), **info}


def forget_heartbeats(session: Session, *, before: dt.datetime) -> None:
    session.execute(Heartbeat.__table__.delete().where(Heartbeat.seen_at < before))


@dataclass(frozen=True)
class ChannelActivity:
    channel: str
    last_inbound: dt.datetime | None
    last_sent: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    sent: int
    failed: int
    pending: int


def channel_activity(session: Session, channel: str) -> ChannelActivity:
    last_inbound = session.execute(select(func.max(ProcessedInbound.received_at))
                                   .where(ProcessedInbound.key.like(f"{channel}:%"))).scalar_one()
    counts = dict(session.execute(select(OutboxMessage.status, func.count()).where(OutboxMessage.channel == channel)
                                  .group_by(OutboxMessage.status)).tuples().all())
    last_sent = session.execute(select(func.max(OutboxMessage.sent_at))
                                .where(OutboxMessage.channel == channel)).scalar_one()
    err = session.execute(select(OutboxMessage.last_error, OutboxMessage.next_attempt_at)
                          .where(OutboxMessage.channel == channel, OutboxMessage.last_error.is_not(None))
                          .order_by(OutboxMessage.id.desc()).limit(1)).first()
    return ChannelActivity(channel, last_inbound, last_sent, err[0] if err else None, err[1] if err else None,
                           counts.get("sent", 0), counts.get("failed", 0), counts.get("pending", 0))


def failed_notices(session: Session, *, limit: int = 50) -> list[OutboxMessage]:
    return list(session.execute(select(OutboxMessage).where(OutboxMessage.status == "failed")
                                .order_by(OutboxMessage.id.desc()).limit(limit)).scalars())


def oldest_pending(session: Session) -> dt.datetime | None:
    return session.execute(select(func.min(OutboxMessage.created_at))
                           .where(OutboxMessage.status == "pending")).scalar_one()


def retry_notice(session: Session, message_id: int, *, actor: Actor, at: dt.datetime) -> OutboxMessage:
    """Put a notice that failed for good back in the queue, due now (admins; evented)."""
    require_admin(session, actor, "ส่งข้อความที่ล้มเหลวอีกครั้ง")
    row = session.get(OutboxMessage, message_id, with_for_update=True)
    if row is None:
        raise NotFound("ข้อความในคิว", str(message_id))
    if row.status != "failed":
        raise InvalidInput("status", "ส่งซ้ำได้เฉพาะข้อความที่ส่งไม่สำเร็จ")
    row.status, row.attempts, row.next_attempt_at, row.locked_until = "pending", 0, at, None
    append_event(session, kind="outbox.retried", entity="outbox", entity_id=row.id, actor=actor, at=at,
                 data={"channel": row.channel, "kind": row.kind, "last_error": (row.last_error or "")[:200]})
    return row


def schema_revision(session: Session) -> str | None:
    conn = session.connection()
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def heartbeats(session: Session) -> list[Heartbeat]:
    return list(session.execute(select(Heartbeat).order_by(Heartbeat.seen_at.desc())).scalars())


@dataclass(frozen=True)
class BusinessCounts:
    registrations: int
    cancelled: int
    forwards: int
    acknowledgements: int
    notices: dict[tuple[str, str], int]  # (channel, status) -> count
    outbox_depth: int
    oldest_pending: dt.datetime | None


def business_counts(session: Session) -> BusinessCounts:
    regs, cancelled = session.execute(select(func.count(Registration.id), func.count(Registration.cancelled_at))).one()
    forwards, acks = session.execute(select(func.count(Assignment.id), func.count(Assignment.acknowledged_at))).one()
    notices = {(c, s): n for c, s, n in session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count())
        .group_by(OutboxMessage.channel, OutboxMessage.status)).all()}
    depth = sum(n for (_, s), n in notices.items() if s == "pending")
    return BusinessCounts(regs, cancelled, forwards, acks, notices, depth, oldest_pending(session))

"""Append-only, hash-chained events: every change to the register leaves one.

``hash = sha256(prev_hash + canonical JSON)``, where the canonical JSON covers every stored
field of the event except the two hashes. The chain head row is locked by the appender, so
the chain is one total order on both engines; inserting the event moves the head (a trigger,
see registry.chain_trigger).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry import chain_trigger  # noqa: F401  (the trigger is created with the events table)
from registry.models import ChainHead, Event

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts and through which channel (line, telegram, web, terminal, api, cli, system)."""

    person_id: int | None
    channel: str = "api"


SYSTEM = Actor(None, "system")


def canonical(event: Event) -> str:
    body = {
        "seq": event.seq,
        "occurred_at": _iso(event.occurred_at),
        "actor_id": event.actor_id,
        "channel": event.channel,
        "kind": event.kind,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "data": event.data,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def link_hash(prev_hash: str, event: Event) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode("utf-8")).hexdigest()


def jsonable(value: Any) -> Any:
    """Event data as plain JSON (dates as ISO text) so the stored form hashes the same."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def append_event(
    session: Session,
    *,
    kind: str,
    entity: str,
    entity_id: int | None,
    actor: Actor,
    at: dt.datetime,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event to the chain inside the caller's transaction (the returned Event is transient).

    The chain head row is locked from here to the end of the transaction; callers append
    their events last, so the lock is held only for the insert and the commit.
    """
    session.flush()  # the caller's rows first, so their ids are in the event
    conn = session.connection()
    head = conn.execute(_HEAD).first()
    if head is None:
        _create_head(session)
        head = conn.execute(_HEAD).one()
    event = Event(
        seq=head.seq + 1,
        occurred_at=at.astimezone(dt.UTC),
        actor_id=actor.person_id,
        channel=actor.channel,
        kind=kind,
        entity=entity,
        entity_id=entity_id,
        data=jsonable(data or {}),
        prev_hash=head.hash,
    )
    event.hash = link_hash(head.hash, event)
    # Core statements: the ORM's unit of work would cost more than the rows themselves here.
    conn.execute(_INSERT, {
        "seq": event.seq, "occurred_at": event.occurred_at, "actor_id": event.actor_id, "channel": event.channel,
        "kind": kind, "entity": entity, "entity_id": entity_id, "data": event.data, "prev_hash": event.prev_hash,
        "hash": event.hash})
    return event  # the insert moved the chain head to this event (registry.chain_trigger)


# Built once: every change appends an event, and building statements costs more than running them.
_HEAD = select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1).with_for_update()
_INSERT = insert(Event)


def _create_head(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ChainHead).values(id=1, seq=0, hash=GENESIS)
    session.execute(ins.on_conflict_do_nothing(index_elements=["id"]))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_broken: int | None  # event id of the first link that does not verify
    reason: str | None = None


def verify_chain(session: Session, *, batch: int = 2000) -> ChainReport:
    """Recompute every link in order; name the first event whose hash or link is wrong."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    rows = session.execute(select(Event).order_by(Event.seq).execution_options(yield_per=batch)).scalars()
    for event in rows:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(False, count, event.id, f"missing link before seq {event.seq}")
        if event.prev_hash != prev:
            return ChainReport(False, count, event.id, "prev_hash does not match the previous event")
        if link_hash(prev, event) != event.hash:
            return ChainReport(False, count, event.id, "hash does not match the event's content")
        prev = event.hash
        expected_seq += 1
    head = session.get(ChainHead, 1)
    if head is not None and (head.seq != count or head.hash != prev):
        return ChainReport(False, count, None, "chain head does not match the last event (events removed)")
    return ChainReport(True, count, None)

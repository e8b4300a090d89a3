"""Conversation state rows (what a chat is in the middle of), with expiry.

Kept in the database, keyed by (channel, chat key), so any worker continues any conversation
and a restart loses nothing. This is working memory of the chat, not the register: no events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import ConversationState

DEFAULT_TTL = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Conversation:
    """A chat's live state: which flow it is in and that flow's working data."""

    flow: str
    data: dict[str, Any]
    expires_at: dt.datetime


# Read and written on every chat event: statements built once, run as Core (no ORM identity
# map for a row nobody edits in place; the ORM path cost a tenth of an event's CPU).
_T = ConversationState.__table__
_LOAD = select(_T.c.flow, _T.c.data, _T.c.expires_at).where(
    _T.c.channel == bindparam("channel"), _T.c.chat_id == bindparam("chat_key"))
_LOAD_LOCKED = _LOAD.with_for_update()


def _upsert(insert):
    ins = insert(_T).values(channel=bindparam("channel"), chat_id=bindparam("chat_key"), flow=bindparam("flow"),
                            data=bindparam("data"), expires_at=bindparam("expires_at"),
                            updated_at=bindparam("updated_at"))
    return ins.on_conflict_do_update(index_elements=["channel", "chat_id"], set_={
        "flow": ins.excluded.flow, "data": ins.excluded.data, "expires_at": ins.excluded.expires_at,
        "updated_at": ins.excluded.updated_at})


_SAVE = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


def load_state(session: Session, channel: str, chat_key: str, *, now: dt.datetime,
               lock: bool = False) -> Conversation | None:
    """The live state, or None (an expired row counts as none). *lock* holds the row until
    commit, so two presses of one button are decided one after the other."""
    row = session.connection().execute(_LOAD_LOCKED if lock else _LOAD,
                                       {"channel": channel, "chat_key": chat_key}).first()
    if row is None or row.expires_at <= now:
        return None
    return Conversation(row.flow, row.data, row.expires_at)


def save_state(session: Session, channel: str, chat_key: str, flow: str, data: dict[str, Any], *,
               now: dt.datetime, ttl: dt.timedelta = DEFAULT_TTL) -> None:
    conn = session.connection()
    conn.execute(_SAVE[conn.dialect.name], {"channel": channel, "chat_key": chat_key, "flow": flow, "data": data,
                                            "expires_at": now + ttl, "updated_at": now})


def clear_state(session: Session, channel: str, chat_key: str) -> None:
    session.execute(delete(ConversationState).where(ConversationState.channel == channel,
                                                    ConversationState.chat_id == chat_key))


def purge_expired(session: Session, *, now: dt.datetime) -> int:
    return session.execute(delete(ConversationState).where(ConversationState.expires_at <= now)).rowcount or 0

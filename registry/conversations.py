"""Conversation state rows (what a chat is in the middle of), with expiry.

Kept in the database, keyed by (channel, chat key), so any worker continues any conversation
and a restart loses nothing. This is working memory of the chat, not the register: no events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import ConversationState

DEFAULT_TTL = dt.timedelta(minutes=30)


def load_state(session: Session, channel: str, chat_key: str, *, now: dt.datetime,
               lock: bool = False) -> ConversationState | None:
    """The live state row, or None (an expired row counts as none). *lock* holds it until commit,
    so two presses of one button are decided one after the other."""
    query = select(ConversationState).where(ConversationState.channel == channel,
                                            ConversationState.chat_id == chat_key)
    if lock:
        query = query.with_for_update()
    row = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None or row.expires_at <= now:
        return None
    return row


def save_state(session: Session, channel: str, chat_key: str, flow: str, data: dict[str, Any], *,
               now: dt.datetime, ttl: dt.timedelta = DEFAULT_TTL) -> None:
    values = dict(channel=channel, chat_id=chat_key, flow=flow, data=data, expires_at=now + ttl, updated_at=now)
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ConversationState).values(**values)
    session.execute(ins.on_conflict_do_update(
        index_elements=["channel", "chat_id"],
        set_={"flow": flow, "data": data, "expires_at": values["expires_at"], "updated_at": now},
    ))


def clear_state(session: Session, channel: str, chat_key: str) -> None:
    session.execute(delete(ConversationState).where(ConversationState.channel == channel,
                                                    ConversationState.chat_id == chat_key))


def purge_expired(session: Session, *, now: dt.datetime) -> int:
    return session.execute(delete(ConversationState).where(ConversationState.expires_at <= now)).rowcount or 0

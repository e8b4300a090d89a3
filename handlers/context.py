"""What one handler call sees: the session, the inbound message, who sent it, the time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from handlers import state
from handlers.models import Button, Card, FileRef, Inbound, Reply
from registry.accounts import ChatUser
from registry.events import Actor
from registry.conversations import Conversation
from registry import access
from registry.permissions import roles_of
from registry.runtime import Runtime
from registry.timeutil import local


@dataclass
class Ctx:
    runtime: Runtime
    session: Session
    inbound: Inbound
    person: ChatUser | None  # None: the chat account is not linked
    fetch_file: Callable[[FileRef], bytes] | None = None
    now: dt.datetime = field(default=None)  # type: ignore[assignment]
    preparsed: tuple[str, Any] | None = None  # (text, ParseResult) parsed before the transaction

    def __post_init__(self) -> None:
        if self.now is None:
            self.now = self.runtime.clock.now()

    # --- who and when ---------------------------------------------------------------------
    @property
    def clock(self):
        return self.runtime.clock

    @property
    def actor(self) -> Actor:
        return Actor(self.person.id if self.person else None, self.inbound.channel)

    @property
    def today(self) -> dt.date:
        return local(self.now).date()

    @cached_property
    def viewer(self) -> access.Viewer:
        """Who is asking, for the one access rule (registry/access.py): roles, units, clearance, delegation."""
        return access.viewer(self.session, self.person.id, self.now) if self.person else access.NOBODY

    @cached_property
    def _held(self) -> list[tuple[int, str]]:
        # the roles read with the chat account (accounts.resolve): no statement on the hot path
        return roles_of(self.session, self.person.id) if self.person else []

    def units_for(self, capability: str) -> list[int]:
        """The units where the person holds a role granting *capability* (registry/access.py)."""
        return access.direct_units(self._held, capability)

    @property
    def home_unit(self) -> int | None:
        """The unit a clerk registers into: the first unit where they are clerk (then head, admin)."""
        return access.home_unit(self._held)

    # --- conversation state -----------------------------------------------------------------
    @property
    def chat_key(self) -> str:
        return chat_key(self.inbound)

    def state(self, *, lock: bool = False) -> Conversation | None:
        """The chat's live conversation state (see ``handlers.state``); *lock* holds it until
        commit, so two presses of one button are decided one after the other."""
        row = state.load(self, lock=lock)
        self._loaded = (row,)
        return row

    def save(self, flow: str, data: dict[str, Any]) -> None:
        loaded = getattr(self, "_loaded", None)
        current = loaded[0] if loaded is not None else self.state()
        state.save(self, flow, data, current=current)
        self._loaded = None

    def clear(self) -> None:
        state.clear(self)
        self._loaded = None


def chat_key(inbound: Inbound) -> str:
    """Where a conversation's state lives: the chat; in a group, each member's own thread."""
    return f"{inbound.chat_id}|{inbound.account_id}" if inbound.is_group else inbound.chat_id


def say(text: str, card: Card | None = None, quick: tuple[Button, ...] | list[Button] = ()) -> Reply:
    return Reply(text=text, card=card, quick_replies=tuple(quick))

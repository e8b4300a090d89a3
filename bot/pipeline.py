"""The one path a chat event takes in LINE and Telegram: lock → handle on a thread → answer → fall
back to the outbox, with one catch-all.

- The chat's lock keeps its events in arrival order (bot.gateway.ChatLocks).
- Handling runs on the channel's few threads (intake.HandlerThreads); the key is recorded in the
  handling transaction, so a repeat gives None and nothing is answered.
- A failure inside the handlers becomes the one Thai failure text (intake.FAILURE_TEXT); a failure
  around them (answering, queuing) is logged once here with the event id and never reaches asyncio.
- Whatever the channel could not send now is queued in the outbox (kind ``reply``) and pushed at
  once by the deliverer, which retries it with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from bot import intake
from bot.gateway import ChatLocks
from handlers.models import Inbound, Reply
from registry.runtime import Runtime

if TYPE_CHECKING:
    from bot.deliver import Deliverer

log = logging.getLogger("saraban.bot")

# What the handlers answer; any other kind (a sticker, a standby event, an unfollow) is recorded only.
HANDLED_KINDS = frozenset({"text", "button", "file", "image", "follow", "join"})

Answer = Callable[[Inbound, list[Reply]], Awaitable[None]]


class Outcome:
    HANDLED, REPEAT, RECORDED, FAILED, BROKEN = "handled", "repeat", "recorded", "failed", "broken"


class ChatPipeline:
    def __init__(self, runtime: Runtime, channel: str) -> None:
        self.runtime = runtime
        self.channel = channel
        self.threads = intake.HandlerThreads(runtime, channel)
        self.locks = ChatLocks()
        self.deliverer: Deliverer | None = None  # set by bot.install: pushes what could not be answered

    async def handle(self, inbound: Inbound, answer: Answer, *, fetch_file: intake.FetchFile | None = None,
                     before_answer: Callable[[], Awaitable[None]] | None = None) -> str:
        """Handle one event and answer it; returns an :class:`Outcome` (never raises)."""
        try:
            async with self.locks.hold(inbound.chat_id):
                if inbound.kind not in HANDLED_KINDS:
                    new = await self.threads.run(intake.accept, self.runtime, inbound.event_id)
                    return Outcome.RECORDED if new else Outcome.REPEAT
                replies, failed = await self.threads.run(intake.process_outcome, self.runtime, inbound, fetch_file)
                if replies is None:
                    return Outcome.REPEAT
                if before_answer is not None:
                    await before_answer()
                await answer(inbound, replies)
                return Outcome.FAILED if failed else Outcome.HANDLED
        except Exception:  # the one catch-all around answering: logged with the event, never lost silently
            log.exception("answering %s failed", inbound.event_id)
            return Outcome.BROKEN

    async def queue(self, chat_id: str, replies: list[Reply], *, key: str, skip: int = 0,
                    not_before: dt.datetime | None = None) -> int | None:
        """Queue *replies* for a push (the outbox row id, or None when the key was queued before).
        *skip*: messages of the drawn replies already shown (a split reply cut by a 429 is not
        repeated); *not_before*: the platform's Retry-After."""
        return await self.threads.run(partial(intake.queue_replies, self.runtime, channel=self.channel,
                                              chat_id=chat_id, replies=replies, key=key, skip=skip,
                                              not_before=not_before))

    async def push_now(self, rows: list[int]) -> None:
        if rows and self.deliverer is not None:
            await self.deliverer.deliver_now(rows)

    def close(self) -> None:
        self.threads.close()

"""Events recorded in the database before the platform gets its 200, handled from there.

LINE does not redeliver an event it got a 200 for, so a webhook answered before its events are
stored loses them to a crash (issue 16: 30 events answered, kill -9, 0 of 30 recorded). Here:

1. the webhook records the delivery's events in ``inbound_queue`` in ONE short Core transaction
   (registry.inbound.queue_events; deliveries arriving together share it), each claimed by this
   process for ``claim`` seconds, and only then answers 200 (a failure to record answers 500:
   LINE may redeliver);
2. the events are handled as before (bot.pipeline), the key written in the handling transaction;
3. every ``sweep_every`` seconds, and at start-up, a sweep drops queued rows whose key is in
   processed_inbound (handled) and re-handles the rows whose claim ran out unhandled (the process
   that took them died). Exactly once: the handling transaction records the key, so a row handled
   twice by a slow live handler and a sweep acts once (the second finds the key).

Events older than ``max_age`` (by the platform's own timestamp) are refused at the webhook and
dropped by the sweep: a replay of a captured delivery is refused even after processed_inbound
forgot its key (7 days), and a reply token is long dead by then anyway.

What remains: after a crash between the handling commit and the answer, the work is done once but
its answer is not sent (the replies existed only in memory); the clerk sees the result on สถานะ.
An event handled by a sweep answers by push (its reply token is stale), so it counts against the
channel's push quota.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from registry.inbound import claim_unhandled, drop_queued, forget_handled, queue_events
from registry.runtime import Runtime

log = logging.getLogger("saraban.durable")

MAX_ATTEMPTS = 3  # a queued event that failed this many sweeps is dropped (logged), not retried forever


class DurableIntake:
    def __init__(self, runtime: Runtime, channel: str, *, claim: dt.timedelta, max_age: dt.timedelta,
                 sweep_every: float | None = None) -> None:
        self.runtime = runtime
        self.channel = channel
        self.claim = claim
        self.max_age = max_age
        self.sweep_every = sweep_every if sweep_every is not None else max(1.0, min(15.0, claim.total_seconds() / 2))
        # Its own thread: recording must not wait behind the handlers' threads (the 200 waits for it).
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[tuple[list[tuple[str, dict[str, Any]]], asyncio.Future[set[str]]]] = []
        self._writing = False
        self._sweeper: asyncio.Task | None = None

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"saraban-{self.channel}-intake")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def too_old(self, at: dt.datetime, now: dt.datetime) -> bool:
        return now - at > self.max_age

    async def record(self, events: list[tuple[str, dict[str, Any]]]) -> set[str]:
        """Store the events; the keys that were new (a redelivery of a queued event is not new).

        Group commit: deliveries that arrive while a write is under way wait for the next one and
        share its transaction, so under load the 200s cost one commit per batch, not per webhook."""
        if not events:
            return set()
        future: asyncio.Future[set[str]] = asyncio.get_running_loop().create_future()
        self._pending.append((events, future))
        if not self._writing:
            self._writing = True
            asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    new = set(await self.run(self._record, [e for events, _ in batch for e in events]))
                except Exception as exc:  # noqa: BLE001 - every waiting webhook answers 500
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for _, future in batch:
                    if not future.done():
                        future.set_result(new)
        finally:
            self._writing = False

    def _record(self, events: list[tuple[str, dict[str, Any]]]) -> list[str]:
        with self.runtime.core_transaction(first=True) as conn:
            return queue_events(conn, self.channel, events, at=self.runtime.clock.now(), claim=self.claim)

    def forget(self, key: str) -> None:
        """Drop one queued event (it was answered with the failure text: not to be retried)."""
        with self.runtime.transaction() as session:
            drop_queued(session, [key])

    # --- the sweep -------------------------------------------------------------------------------------
    def _take(self) -> list[tuple[str, dict[str, Any], int]]:
        with self.runtime.transaction() as session:
            forget_handled(session)
            return claim_unhandled(session, self.channel, now=self.runtime.clock.now(), claim=self.claim)

    async def sweep(self, handle: Callable[[str, dict[str, Any]], Awaitable[None] | None]) -> int:
        """Hand each unhandled event whose claim ran out to *handle* (key, event JSON); how many."""
        rows = await self.run(self._take)
        given_up = [k for k, _, attempts in rows if attempts >= MAX_ATTEMPTS]
        if given_up:
            log.error("%d queued %s event(s) failed %d times and are dropped: %s", len(given_up), self.channel,
                      MAX_ATTEMPTS, ", ".join(given_up[:10]))
            await self.run(self._drop, given_up)
        taken = 0
        for key, body, attempts in rows:
            if attempts >= MAX_ATTEMPTS:
                continue
            log.warning("handling %s from the inbound queue (left unhandled by a stopped process)", key)
            result = handle(key, body)
            if result is not None:
                await result
            taken += 1
        return taken

    def _drop(self, keys: list[str]) -> None:
        with self.runtime.transaction() as session:
            drop_queued(session, keys)

    def start(self, handle: Callable[[str, dict[str, Any]], Awaitable[None] | None]) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep_forever(handle), name=f"saraban-{self.channel}-sweep")

    async def _sweep_forever(self, handle) -> None:
        while True:
            try:
                await self.sweep(handle)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a database hiccup: the next sweep tries again
                log.warning("sweeping the %s inbound queue failed: %r", self.channel, exc)
            await asyncio.sleep(self.sweep_every)

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            try:
                await self._sweeper
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping
                pass
            self._sweeper = None
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

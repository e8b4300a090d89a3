"""The outbox deliverer: leases due notices, renders them, pushes them, records the outcome.

Runs inside ``saraban serve`` (unless ``SARABAN_RUN_WORKER=0``) and as ``saraban worker``; any
number may run side by side, because a notice is leased before it is sent (registry.delivery).

- A notice is rendered at delivery time by ``handlers.notice_replies`` (kind ``reply`` rows carry
  their replies already).
- LINE pushes carry ``X-Line-Retry-Key`` = the row's retry_key, the same on every attempt, so a push
  whose answer was lost is not shown twice (LINE answers 409 to the repeat: counted as sent).
- 5xx, timeouts and network errors back off (registry.outbox.BACKOFF_SECONDS); 429 waits for the
  platform's Retry-After and pauses the channel (LINE) or the chat (Telegram) for this pass.
- Telegram allows about one message per second per chat: later notices to a chat are put back,
  due a second after the previous one. The pace is kept in the database (registry.delivery
  take_slot / hold_chat), so it holds across the worker processes of ``serve --workers N``.
- Telegram has no idempotency key, so a crash between its sendMessage and our commit of "sent"
  would send the notice again. The window is made as small as the platform allows: the row is
  marked ``sending_at`` in the same commit that takes the chat's slot, just before the call, and
  marked sent in the commit right after it. A row found with ``sending_at`` still set once its
  lease ran out was in flight when a process died: it is NOT sent again (at most once), but
  marked failed with a note that it may or may not have arrived, which tells the clerk who
  forwarded it (registry.outbox.mark_failed). What remains: such a notice, in the few
  milliseconds between the commit of ``sending_at`` and Telegram receiving the request, is lost
  rather than doubled, and the clerk is told to check; a reply split into several messages
  records how many went out only when a send fails, so a crash between its parts may repeat
  the earlier parts of that one notice. LINE rows are simply retried: LINE answers a repeated
  ``X-Line-Retry-Key`` with 409 and shows the message once.
- Time is runtime.clock: tests move a FakeClock and call ``run_once``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field

from bot import richmenu_link
from bot.heartbeat import Heartbeat
from bot.gateway import ChatGateway, SendFailed, reply_from_dict
from handlers.models import Reply
from registry.accounts import purge_link_failures
from registry import delivery
from registry.inbound import purge_inbound
from registry.models import OutboxMessage
from registry.outbox import mark_failed, mark_sent
from registry.runtime import Runtime

log = logging.getLogger("saraban.deliver")

PER_CHAT_GAP = {"telegram": dt.timedelta(seconds=1)}
NO_RETRY_KEY = frozenset({"telegram"})  # platforms where a repeated send shows the message twice
IN_FLIGHT_ERROR = ("interrupted mid-send (the process stopped): may or may not have arrived; "
                   "not resent so it is never shown twice")
INBOUND_KEEP = dt.timedelta(days=7)
SCHEDULE_EVERY = dt.timedelta(minutes=1)  # how often reminders and digests are looked for


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)

    def __iadd__(self, other: PassReport) -> PassReport:
        self.sent += other.sent
        self.failed += other.failed
        self.deferred += other.deferred
        self.errors += other.errors
        return self


class Deliverer:
    def __init__(self, runtime: Runtime, gateways: dict[str, ChatGateway], *, batch: int = 50,
                 concurrency: int = 16) -> None:
        self.runtime = runtime
        self.gateways = gateways
        self.batch = batch
        self._sem = asyncio.Semaphore(concurrency)
        self._paused: dict[tuple[str, str | None], dt.datetime] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._last_purge: dt.datetime | None = None
        self._last_schedule: dt.datetime | None = None
        self.schedule_reminders = True
        self.heartbeat = Heartbeat()

    # --- passes ---------------------------------------------------------------------------------
    async def run_once(self) -> PassReport:
        """One pass over the due notices of the channels this deliverer has gateways for."""
        if not self.gateways:
            return PassReport()
        now = self.runtime.clock.now()
        await self.heartbeat.maybe_beat(self, now)  # for the system page (bot.heartbeat)
        await self._maybe_schedule(now)
        rows = await asyncio.to_thread(self._claim, now)
        report = await self._deliver_rows(rows, now)
        await self._maybe_purge(now)
        return report

    async def deliver_now(self, message_ids: list[int]) -> PassReport:
        """Push freshly queued rows at once (a reply that could not use its reply token)."""
        now = self.runtime.clock.now()
        rows = await asyncio.to_thread(self._claim_ids, message_ids, now)
        return await self._deliver_rows(rows, now)

    async def run_forever(self, *, interval: float = 1.0) -> None:
        while not self._stopping:
            try:
                report = await self.run_once()
                busy = report.sent + report.failed >= self.batch
            except Exception:
                log.exception("delivery pass failed")
                busy = False
            if busy:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            except TimeoutError:
                pass
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    # --- database (in threads) -----------------------------------------------------------------
    def _claim(self, now: dt.datetime) -> list[OutboxMessage]:
        with self.runtime.transaction() as session:
            return delivery.claim_channels(session, list(self.gateways), now=now, limit=self.batch)

    def _claim_ids(self, ids: list[int], now: dt.datetime) -> list[OutboxMessage]:
        with self.runtime.transaction() as session:
            rows = [delivery.claim_one(session, i, now=now) for i in ids]
        return [r for r in rows if r is not None and r.channel in self.gateways]

    def _finish(self, row: OutboxMessage, error: SendFailed | None, now: dt.datetime,
                refs: list[int] | None = None) -> None:
        with self.runtime.transaction() as session:
            if error is None:
                mark_sent(session, row.id, at=now, message_ids=refs if isinstance(refs, list) else None)
            else:
                mark_failed(session, row.id, at=now, error=str(error), retry_after=error.retry_after,
                            permanent=error.permanent, sent_parts=error.sent)

    def _release(self, row: OutboxMessage, until: dt.datetime) -> None:
        with self.runtime.transaction() as session:
            delivery.release(session, row.id, until=until)

    def _render(self, row: OutboxMessage) -> list[Reply]:
        if row.kind == "reply":
            return [reply_from_dict(d) for d in row.payload.get("replies", [])]
        import handlers

        return list(handlers.notice_replies(self.runtime, row))

    async def _maybe_schedule(self, now: dt.datetime) -> None:
        """Queue overdue reminders and the daily digests (registry.reminders dedupes them, so
        several deliverers doing this side by side queue each notice once)."""
        if not self.schedule_reminders:
            return
        if self._last_schedule is not None and now - self._last_schedule < SCHEDULE_EVERY:
            return
        self._last_schedule = now

        def schedule() -> None:
            from registry.delegation import enqueue_acting_starts
            from registry.reminders import enqueue_digests, enqueue_reminders
            from registry.training import enqueue_training_reminders

            with self.runtime.transaction() as session:
                enqueue_acting_starts(session, now=now)  # before the reminders: the acting officer knows why
            with self.runtime.transaction() as session:
                enqueue_reminders(session, now=now)
            with self.runtime.transaction() as session:
                enqueue_training_reminders(session, now=now)
            with self.runtime.transaction() as session:
                enqueue_digests(session, now=now)

        try:
            await asyncio.to_thread(schedule)
        except Exception:  # reminders must never stop delivery
            log.exception("queuing reminders failed")

    async def _maybe_purge(self, now: dt.datetime) -> None:
        if self._last_purge is not None and now - self._last_purge < dt.timedelta(hours=1):
            return
        self._last_purge = now

        # forget pauses that are long over, so the dict stays small on a long run
        self._paused = {k: t for k, t in self._paused.items() if t > now}

        def purge() -> None:
            with self.runtime.transaction() as session:
                purge_inbound(session, before=now - INBOUND_KEEP)
                delivery.forget_paces(session, before=now - dt.timedelta(hours=1))
                purge_link_failures(session, clock=self.runtime.clock)  # wrong link codes older than a day

        await asyncio.to_thread(purge)

    # --- sending ---------------------------------------------------------------------------------
    async def _deliver_rows(self, rows: list[OutboxMessage], now: dt.datetime) -> PassReport:
        by_chat: dict[tuple[str, str], list[OutboxMessage]] = {}
        menus = [row for row in rows if row.kind == richmenu_link.KIND]  # not messages: a LINE user's menu
        for row in rows:
            if row.kind != richmenu_link.KIND:
                by_chat.setdefault((row.channel, row.chat_id), []).append(row)
        reports = await asyncio.gather(*(self._deliver_chat(key, chat_rows, now) for key, chat_rows in by_chat.items()),
                                       *(self._deliver_menu(row, now) for row in menus))
        total = PassReport()
        for r in reports:
            total += r
        if total.sent or total.failed:
            log.info("outbox pass: %d sent, %d failed, %d deferred", total.sent, total.failed, total.deferred)
        return total

    async def _deliver_menu(self, row: OutboxMessage, now: dt.datetime) -> PassReport:
        """Link the rich menu of the person's roles (bot.richmenu_link); retried like a notice."""
        report = PassReport()
        gateway = self.gateways[row.channel]
        error: SendFailed | None = None
        try:
            async with self._sem:
                await richmenu_link.apply(self.runtime, gateway.configuration, row.chat_id)
            report.sent += 1
        except SendFailed as exc:
            error = exc
            report.failed += 1
            report.errors.append(str(exc))
        await asyncio.to_thread(self._finish, row, error, now)
        return report

    def _pause_until(self, channel: str, chat_id: str, now: dt.datetime) -> dt.datetime | None:
        """A pause this deliverer saw (a 429 for the channel or the chat), else None."""
        until = max((t for t in (self._paused.get((channel, None)), self._paused.get((channel, chat_id))) if t),
                    default=None)
        return until if until is not None and until > now else None

    def _take_slot(self, channel: str, chat_id: str, now: dt.datetime, row_id: int) -> dt.datetime | None:
        """Take the chat's slot and, when given, mark the row as being sent, in one commit."""
        with self.runtime.transaction() as session:
            until = delivery.take_slot(session, channel, chat_id, now=now, gap=PER_CHAT_GAP[channel])
            if until is None and channel in NO_RETRY_KEY:
                delivery.mark_sending(session, row_id, at=self.runtime.clock.now())
            return until

    def _mark_sending(self, row: OutboxMessage) -> None:
        with self.runtime.transaction() as session:
            delivery.mark_sending(session, row.id, at=self.runtime.clock.now())

    def _hold_chat(self, channel: str, chat_id: str, until: dt.datetime) -> None:
        with self.runtime.transaction() as session:
            delivery.hold_chat(session, channel, chat_id, until=until)

    async def _deliver_chat(self, key: tuple[str, str], rows: list[OutboxMessage], now: dt.datetime) -> PassReport:
        channel, chat_id = key
        report = PassReport()
        gateway = self.gateways[channel]
        for row in rows:
            if row.sending_at is not None and channel in NO_RETRY_KEY:  # in flight when a process died
                log.warning("outbox row %s (%s) was being sent when a process stopped: not resent", row.id, channel)
                report.failed += 1
                report.errors.append(IN_FLIGHT_ERROR)
                await asyncio.to_thread(self._finish, row, SendFailed(IN_FLIGHT_ERROR, permanent=True), now)
                continue
            until = self._pause_until(channel, chat_id, now)
            if until is None and channel in PER_CHAT_GAP:  # the chat's pace, kept for every deliverer
                until = await asyncio.to_thread(self._take_slot, channel, chat_id, now, row.id)
            elif until is None and channel in NO_RETRY_KEY:
                await asyncio.to_thread(self._mark_sending, row)
            if until is not None:
                await asyncio.to_thread(self._release, row, until)
                report.deferred += 1
                continue
            error: SendFailed | None = None
            try:
                replies = await asyncio.to_thread(self._render, row)
            except Exception as exc:  # a notice that cannot be drawn is logged, retried with backoff
                log.exception("rendering outbox row %s failed", row.id)
                error = SendFailed(f"render: {exc!r}")
                replies = []
            if error is None and not replies:
                error = SendFailed("nothing to send for this notice", permanent=True)
            refs = None
            if error is None:
                async with self._sem:
                    try:
                        if row.kind == "recall_notice" and hasattr(gateway, "withdraw"):
                            await self._withdraw_originals(gateway, row)
                        refs = await gateway.send(chat_id, replies, retry_key=row.retry_key,
                                                  skip=int((row.payload or {}).get("sent_parts") or 0))
                    except SendFailed as exc:
                        error = exc
                    except Exception as exc:  # an SDK surprise is treated as transient
                        log.exception("sending outbox row %s failed", row.id)
                        error = SendFailed(repr(exc))
            if error is None:
                report.sent += 1
            else:
                report.failed += 1
                report.errors.append(str(error))
                log.warning("outbox row %s (%s) not delivered: %s", row.id, channel, error)
                if error.retry_after:
                    scope = None if error.scope == "channel" else chat_id
                    self._paused[(channel, scope)] = now + dt.timedelta(seconds=error.retry_after)
                    if scope is not None and channel in PER_CHAT_GAP:  # and every other deliverer
                        await asyncio.to_thread(self._hold_chat, channel, chat_id, self._paused[(channel, scope)])
            await asyncio.to_thread(self._finish, row, error, now, refs)
        return report

    async def _withdraw_originals(self, gateway, row: OutboxMessage) -> None:
        """A recalled forward on a platform that edits messages (Telegram): its notice, as shown,
        is redrawn (now marked recalled, without buttons) before the recall notice goes out. A
        failure here never stops the recall notice."""
        try:
            originals = await asyncio.to_thread(self._originals, row)
            for message_ids, replies in originals:
                await gateway.withdraw(row.chat_id, message_ids, replies)
        except Exception:
            log.exception("editing the notices of recalled outbox row %s failed", row.id)

    def _originals(self, row: OutboxMessage) -> list[tuple[list[int], list[Reply]]]:
        """(message ids, replies as they render now) of the recalled forward's notices shown in this chat."""
        from sqlalchemy import select

        with self.runtime.read() as session:
            shown = session.execute(select(OutboxMessage).where(
                OutboxMessage.assignment_id == row.assignment_id, OutboxMessage.kind.in_(("assignment", "reminder")),
                OutboxMessage.channel == row.channel, OutboxMessage.chat_id == row.chat_id,
                OutboxMessage.status == "sent")).scalars().all()
            session.expunge_all()
        return [(list(o.payload["message_ids"]), self._render(o)) for o in shown
                if o.payload and o.payload.get("message_ids")]

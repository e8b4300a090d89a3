"""The channels room: LINE, Telegram, the web chat and the terminal, and the outbox deliverer.

``install(app, runtime, settings)`` is called by ``saraban.app.create_app``. It mounts
``POST /webhooks/line`` (only with LINE credentials), ``POST /webhooks/telegram`` (with a Telegram
token, webhook mode; polling mode starts with the app instead) and ``/chat`` (always), and runs
the outbox deliverer with the app unless ``settings.run_worker`` is false. With no credentials the
app starts with those channels simply off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from registry.runtime import Runtime

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bot.deliver import Deliverer
    from bot.line import LineChannel
    from bot.telegram import TelegramChannel
    from bot.webchat import WebChat
    from saraban.settings import Settings

__all__ = ["install", "Channels", "build_channels"]

log = logging.getLogger("saraban.bot")


@dataclass
class Channels:
    """What ``install`` built; kept on ``app.state.channels`` (tests and the CLI reach it there)."""

    runtime: Runtime
    web: WebChat
    line: LineChannel | None = None
    telegram: TelegramChannel | None = None
    deliverer: Deliverer | None = None
    run_worker: bool = True
    loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _worker: asyncio.Task | None = field(default=None, repr=False)
    mail: Any = None  # bot.mail.MailGateway: the saraban mailbox's receipt notices (SMTP)
    mail_reader: Any = None  # bot.mail.MailboxReader: polled beside the outbox worker
    _mail_stop: asyncio.Event | None = field(default=None, repr=False)
    _mail_task: asyncio.Task | None = field(default=None, repr=False)

    @property
    def telegram_username(self) -> str | None:
        """The Telegram bot's username once the channel has started (getMe), for deep links."""
        if self.telegram is None:
            return None
        try:
            return self.telegram.bot.username
        except Exception:  # noqa: BLE001 - not initialised yet (Telegram was down at boot)
            return None

    @property
    def gateways(self) -> dict[str, Any]:
        return {c.channel: c for c in (self.line, self.telegram, self.mail) if c is not None}

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        if self.line is not None or self.telegram is not None or self.mail_reader is not None:
            # photos and PDFs are read on arrival (handlers.core._prefetch, bot.mail): load the
            # reader's Thai dictionary now, on a spare thread, rather than on the first photo
            self.loop.run_in_executor(None, _warm_up_reader)
        if self.line is not None:
            await self.line.start()
        if self.telegram is not None:
            try:
                await self.telegram.start()
            except Exception:  # Telegram down at boot must not keep the registry from serving
                log.exception("Telegram could not start now; webhook calls will retry")
        if self.run_worker and self.deliverer is not None and self.gateways:
            self._worker = asyncio.create_task(self.deliverer.run_forever(), name="saraban-outbox")
        if self.run_worker:
            self.start_mail()

    def start_mail(self) -> None:
        if self.mail_reader is not None and self._mail_task is None:
            from bot.mail import poll_forever

            self._mail_stop = asyncio.Event()
            self._mail_task = asyncio.create_task(poll_forever(
                self.mail_reader, interval=self.mail_reader.settings.mail_poll_seconds, stop=self._mail_stop),
                name="saraban-mailbox")

    async def stop(self) -> None:
        if self._mail_task is not None and self._mail_stop is not None:
            self._mail_stop.set()
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(self._mail_task, timeout=10)
            self._mail_task = None
        if self._worker is not None and self.deliverer is not None:
            self.deliverer.stop()
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(self._worker, timeout=10)
            self._worker = None
        if self.line is not None:
            await self.line.stop()
        if self.telegram is not None:
            await self.telegram.stop()


READER_READY = "page reader warmed up"  # logged once the background warm-up is done


def _warm_up_reader() -> None:
    import time

    started = time.perf_counter()
    try:
        import scan

        scan.warm_up()
    except Exception:  # noqa: BLE001 - only a head start: the first photo pays it instead
        log.warning("warming up the page reader failed", exc_info=True)
        return
    log.info("%s in %.1f s", READER_READY, time.perf_counter() - started)


def build_channels(runtime: Runtime, settings: Settings) -> Channels:
    from bot.deliver import Deliverer
    from bot.webchat import WebChat

    web = WebChat(runtime, demo=settings.demo, per_chat=settings.webchat_anonymous_per_chat,
                  per_address=settings.webchat_anonymous_per_address, max_upload=settings.max_upload_bytes)
    channels = Channels(runtime=runtime, web=web, run_worker=settings.run_worker)
    if settings.line_enabled:
        from bot.line import make_line_channel

        channels.line = make_line_channel(runtime, settings)
    if settings.telegram_enabled:
        from bot.telegram import make_telegram_channel

        channels.telegram = make_telegram_channel(runtime, settings)
    if getattr(settings, "mail_enabled", False):
        from bot.mail import MailboxReader

        channels.mail_reader = MailboxReader(runtime, settings)
    if getattr(settings, "mail_smtp_enabled", False):
        from bot.mail import MailGateway

        channels.mail = MailGateway(settings)
    channels.deliverer = Deliverer(runtime, channels.gateways)
    for channel in (channels.line, channels.telegram):
        if channel is not None:
            channel.deliverer = channels.deliverer
    return channels


def install(app: FastAPI, runtime: Runtime, settings: Settings) -> Channels:
    channels = build_channels(runtime, settings)
    # the platform webhooks first: routes are matched in order and they are the busiest
    if channels.line is not None:
        app.include_router(channels.line.router())
    if channels.telegram is not None and settings.telegram_mode == "webhook":
        app.include_router(channels.telegram.router())
    app.include_router(channels.web.router())
    app.state.channels = channels

    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any):
        async with previous(a) as state:
            await channels.start()
            try:
                yield state
            finally:
                await channels.stop()

    app.router.lifespan_context = lifespan
    return channels

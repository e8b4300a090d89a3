"""``saraban worker``: the outbox deliverer on its own (``serve`` runs the same loop in-process)."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from registry.runtime import Runtime

log = logging.getLogger("saraban.worker")


async def run_worker(runtime: Runtime, settings: Any, *, once: bool = False, interval: float = 1.0) -> int:
    """Deliver until stopped (SIGINT/SIGTERM); with *once*, one pass. Returns notices sent."""
    from bot import build_channels

    channels = build_channels(runtime, settings)
    channels.run_worker = False
    await channels.start()
    deliverer = channels.deliverer
    assert deliverer is not None
    deliverer.heartbeat.name = deliverer.heartbeat.name.replace("serve@", "worker@", 1)
    deliverer.heartbeat.kind = "worker"
    sent = 0
    try:
        if once and channels.mail_reader is not None:  # the saraban mailbox, when configured
            await asyncio.to_thread(channels.mail_reader.poll)
        if not channels.gateways:
            log.warning("no LINE or Telegram credentials: nothing to deliver")
            return 0
        if once:
            return (await deliverer.run_once()).sent
        channels.start_mail()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, deliverer.stop)
            except NotImplementedError:  # pragma: no cover - not on POSIX
                pass
        await deliverer.run_forever(interval=interval)
    finally:
        await channels.stop()
    return sent

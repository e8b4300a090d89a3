"""The deliverer's heartbeat and platform probes, for the system page (admin_api reads them from
the database through registry.system; it never calls LINE or Telegram itself).

Every 15 s a deliverer records that it is alive; every 5 minutes it also asks the platforms what
they see: LINE's webhook endpoint, this month's quota and consumption; Telegram's getWebhookInfo
(pending updates, last error). A probe that fails is recorded as such and never stops delivery.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from typing import Any

log = logging.getLogger("saraban.heartbeat")

BEAT_EVERY = dt.timedelta(seconds=15)
PROBE_EVERY = dt.timedelta(minutes=5)


def version() -> str:
    try:
        from importlib.metadata import version as dist_version

        return dist_version("saraban")
    except Exception:  # an uninstalled checkout
        return "dev"


class Heartbeat:
    def __init__(self, kind: str = "serve") -> None:
        self.kind = kind
        self.name = f"{kind}@{socket.gethostname()}:{os.getpid()}"[:128]
        self.version = version()
        self.started_at: dt.datetime | None = None
        self._last_beat: dt.datetime | None = None
        self._last_probe: dt.datetime | None = None

    async def maybe_beat(self, deliverer: Any, now: dt.datetime) -> None:
        if self._last_beat is not None and now - self._last_beat < BEAT_EVERY and now >= self._last_beat:
            return
        self._last_beat = now
        self.started_at = self.started_at or now
        info = None
        if self._last_probe is None or now - self._last_probe >= PROBE_EVERY or now < self._last_probe:
            self._last_probe = now
            info = await probe(deliverer.gateways, now)

        def write() -> None:
            from registry.system import beat, forget_heartbeats

            with deliverer.runtime.transaction() as session:
                beat(session, name=self.name, kind=self.kind, version=self.version, started_at=self.started_at,
                     at=now, info=info)
                forget_heartbeats(session, before=now - dt.timedelta(days=1))

        try:
            await asyncio.to_thread(write)
        except Exception:  # the heartbeat must never stop delivery
            log.exception("heartbeat not recorded")


async def probe(gateways: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, gateway in gateways.items():
        try:
            if name == "line":
                out["line"] = await asyncio.wait_for(_probe_line(gateway), 20)
            elif name == "telegram":
                out["telegram"] = await asyncio.wait_for(_probe_telegram(gateway), 20)
            else:  # the mailbox and others have no platform to ask
                continue
        except Exception as exc:
            out[name] = {"error": repr(exc)[:300]}
        out[name]["checked_at"] = now.isoformat()
    return out


async def _probe_line(gateway: Any) -> dict[str, Any]:
    from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi
    from linebot.v3.messaging.exceptions import ApiException

    async with AsyncApiClient(gateway.configuration) as client:
        api = AsyncMessagingApi(client)
        quota = await api.get_message_quota(_request_timeout=10)
        used = await api.get_message_quota_consumption(_request_timeout=10)
        try:
            endpoint = await api.get_webhook_endpoint(_request_timeout=10)
            webhook = {"url": endpoint.endpoint, "active": endpoint.active}
        except ApiException as exc:
            webhook = {"url": None, "error": f"HTTP {exc.status}"}
    return {"quota_type": quota.type, "quota": quota.value, "used": used.total_usage, "webhook": webhook}


async def _probe_telegram(gateway: Any) -> dict[str, Any]:
    info = await gateway.application.bot.get_webhook_info()
    return {"webhook": {"url": info.url or None, "pending": info.pending_update_count,
                        "last_error": info.last_error_message,
                        "last_error_at": info.last_error_date.isoformat() if info.last_error_date else None,
                        "allowed_updates": list(info.allowed_updates or ())}}

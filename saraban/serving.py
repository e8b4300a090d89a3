"""Slow clients must not hold the server (issue 16, finding 4): a header timeout for ``saraban serve``.

uvicorn has no timeout for a request's headers: its keep-alive timeout only runs between requests,
so a client that connects and sends one header byte every few seconds keeps its connection (and
its place in uvicorn's ``limit_concurrency`` count) for as long as it likes. 1,004 such connections
kept ``/healthz`` failing for 40 s. uvicorn builds its HTTP protocol from a class named in its
config (``http=``), so the smallest clean fix is a subclass of its httptools protocol that adds:

- a header deadline: a connection that has not finished a request's headers within
  ``SARABAN_HEADER_TIMEOUT`` seconds (10) of connecting, or of starting its next request on a
  kept-alive connection, is closed;
- a cap on connections still sending headers: beyond ``SARABAN_MAX_PENDING_HEADERS`` (200) the
  one that has waited longest is closed, so a flood of half-open requests evicts itself instead
  of the officers' requests (a plain connection cap would turn the officers away, not the flood).

``SARABAN_MAX_CONNECTIONS`` (1000) goes to uvicorn's own ``limit_concurrency`` as the overall cap
(requests beyond it are answered 503 at once). A proxy in front (Caddy) has its own timeouts; this
keeps a server reached directly safe too.
"""

from __future__ import annotations

import asyncio
import logging

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("saraban.serving")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header deadline and a cap on connections awaiting headers."""

    # per process (one event loop per uvicorn worker): connections that have not finished their headers,
    # oldest first (dicts keep insertion order)
    _pending: dict[GuardedHttpToolsProtocol, asyncio.TimerHandle] = {}
    header_timeout: float | None = None
    max_pending: int | None = None

    @classmethod
    def _limits(cls) -> tuple[float, int]:
        if cls.header_timeout is None or cls.max_pending is None:
            from saraban.settings import get_settings

            s = get_settings()
            cls.header_timeout, cls.max_pending = s.header_timeout, s.max_pending_headers
        return cls.header_timeout, cls.max_pending  # type: ignore[return-value]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self not in self._pending:  # the next request on a kept-alive connection
            self._await_headers()

    def on_headers_complete(self) -> None:
        self._headers_done()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_done()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        timeout, cap = self._limits()
        self._pending[self] = self.loop.call_later(timeout, self._too_slow)
        while len(self._pending) > cap:
            oldest = next(iter(self._pending))
            oldest._headers_done()
            oldest.transport.close()

    def _headers_done(self) -> None:
        timer = self._pending.pop(self, None)
        if timer is not None:
            timer.cancel()

    def _too_slow(self) -> None:
        self._pending.pop(self, None)
        if not self.transport.is_closing():
            self.transport.close()

    # identity hashing (the parent class defines no __eq__, but say so: instances are dict keys)
    __hash__ = object.__hash__

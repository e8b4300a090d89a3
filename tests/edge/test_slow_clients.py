"""Issue 16, finding 4: slow clients must not hold the server.

Before: 1,004 connections sending partial headers kept /healthz failing for 40 s (uvicorn has no
header timeout). Here 1,000 such connections trickle a header byte a second into a real
``saraban serve`` while this process asks /healthz five times a second; the server must keep
answering, and must close every trickling connection once SARABAN_HEADER_TIMEOUT has passed.
"""

from __future__ import annotations

import select
import socket
import time

import httpx

from tests.edge.server import percentile, record, saraban_serve, server_database

SLOW = 1000
HEADER_TIMEOUT = 3.0


def test_trickling_headers_are_cut_off_and_health_stays_up(database_url, tmp_path):
    db = server_database(database_url, tmp_path, "edge_slow")
    with saraban_serve(db, tmp_path, env={"SARABAN_HEADER_TIMEOUT": str(HEADER_TIMEOUT)}) as srv:
        host, port = srv.url.removeprefix("http://").split(":")
        before = srv.rss_kb()
        slow: list[socket.socket] = []
        for i in range(SLOW):
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            slow.append(s)
        opened = time.monotonic()
        latencies: list[float] = []
        failures = 0
        closed_at: dict[int, float] = {}
        with httpx.Client(timeout=5) as client:
            # until every trickling connection is closed (at least past the deadline, at most 30 s more)
            while (time.monotonic() - opened < HEADER_TIMEOUT + 2 or len(closed_at) < SLOW) \
                    and time.monotonic() - opened < HEADER_TIMEOUT + 30:
                t0 = time.perf_counter()
                try:
                    ok = client.get(srv.url + "/healthz", headers={"Connection": "close"}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                failures += not ok
                for i, s in enumerate(slow):  # one more header byte from every connection still open
                    if i in closed_at:
                        continue
                    try:
                        readable, _, _ = select.select([s], [], [], 0)
                        if readable and s.recv(1024) == b"":
                            raise ConnectionResetError
                        s.send(b"a")
                    except OSError:
                        closed_at[i] = time.monotonic() - opened
                time.sleep(0.2)
        peak = srv.peak_kb()
        for s in slow:
            s.close()
        record("slow_clients", {
            "slow_connections": SLOW, "header_timeout_s": HEADER_TIMEOUT,
            "healthz_requests": len(latencies), "healthz_failures": failures,
            "healthz_p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "healthz_p99_ms": round(percentile(latencies, 99) * 1000, 1),
            "healthz_max_ms": round(max(latencies) * 1000, 1),
            "slow_closed_by_server": len(closed_at),
            "last_slow_closed_after_s": round(max(closed_at.values()), 2) if closed_at else None,
            "rss_before_mb": round(before / 1024, 1), "peak_mb": round(peak / 1024, 1),
        })
        assert failures == 0
        assert len(closed_at) == SLOW  # every trickling connection was closed by the server (when: recorded)


def test_a_request_that_completes_its_headers_is_not_cut_off(database_url, tmp_path):
    """The deadline is for the headers only: a kept-alive connection serves request after request."""
    db = server_database(database_url, tmp_path, "edge_slow_ok")
    with saraban_serve(db, tmp_path, env={"SARABAN_HEADER_TIMEOUT": "1"}) as srv, httpx.Client() as client:
        for _ in range(3):
            assert client.get(srv.url + "/healthz").status_code == 200
            time.sleep(0.5)

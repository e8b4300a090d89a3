"""Issue 16, finding 3 (and issue 14, point 5): request bodies are limited before they are read.

Before: a 200 MB body to /webhooks/line with a bad signature took the server from 318 MB to 888 MB,
and a 300 MB unauthenticated upload was spooled in full before its 401. Here a real ``saraban serve``
gets those bodies from this process over loopback, and its memory is read from /proc.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from tests.edge.server import record, saraban_serve, server_database

MB = 1024 * 1024
LINE = {"SARABAN_LINE_CHANNEL_SECRET": "edge-line-channel-secret-0123456789",
        "SARABAN_LINE_CHANNEL_ACCESS_TOKEN": "edge-line-access-token-0123456789abcdef",
        "SARABAN_LINE_API_BASE_URL": "http://127.0.0.1:9"}


def stream_chunked(url: str, path: str, total: int, *, headers: str = "", chunk: int = 256 * 1024,
                   prefix: bytes = b"") -> tuple[int | None, int]:
    """Send up to *total* bytes as a chunked body; (status the server answered or None, bytes it took)."""
    host, port = url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n{headers}\r\n".encode())
        block = b"x" * chunk
        frame = f"{chunk:x}\r\n".encode() + block + b"\r\n"
        try:
            if prefix:
                s.sendall(f"{len(prefix):x}\r\n".encode() + prefix + b"\r\n")
            while sent < total:
                s.sendall(frame)
                sent += chunk
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server cut the body off: what we want
        s.settimeout(30)
        try:
            head = s.recv(4096)
        except (ConnectionResetError, TimeoutError):
            return None, sent
    status = int(head.split()[1]) if head.startswith(b"HTTP/1.1") else None
    return status, sent


def declared(url: str, path: str, length: int, *, content_type: str) -> tuple[int | None, float]:
    """Declare *length* bytes and send none: (status, seconds until the answer)."""
    host, port = url.removeprefix("http://").split(":")
    t0 = time.perf_counter()
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
                  f"Content-Length: {length}\r\n\r\n".encode())
        head = s.recv(4096)
    return (int(head.split()[1]) if head else None), time.perf_counter() - t0


@pytest.fixture
def server(database_url, tmp_path):
    # settled: the page reader's warm-up (a LINE server reads photos) must not count as growth
    with saraban_serve(server_database(database_url, tmp_path, "edge_body"), tmp_path, env=LINE, settled=True) as srv:
        yield srv


def test_oversized_bodies_are_refused_before_reading(server):
    url = server.url
    before = max(server.rss_kb(), server.peak_kb())  # the high-water mark start-up left
    # a declared length over the limit: 413 at once, nothing read
    status, seconds = declared(url, "/webhooks/line", 200 * MB, content_type="application/json")
    assert status == 413
    status_up, seconds_up = declared(url, "/api/v1/letters/1/attachments", 300 * MB,
                                     content_type="multipart/form-data; boundary=x")
    assert status_up == 413  # before the 401: the body is never spooled

    # chunked (no length): counted as it streams and cut off; four at once
    results: list[tuple[int | None, int]] = []

    def flood() -> None:
        results.append(stream_chunked(url, "/webhooks/line", 200 * MB, headers="X-Line-Signature: bad\r\n"))

    threads = [threading.Thread(target=flood) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    up_status, up_sent = stream_chunked(url, "/chat/api/upload", 300 * MB,
                                        headers="Content-Type: multipart/form-data; boundary=x\r\n",
                                        prefix=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
                                               b"Content-Type: application/pdf\r\n\r\n")
    after, peak = server.rss_kb(), server.peak_kb()
    assert all(status == 413 for status, _ in results), results
    assert up_status == 413
    assert all(sent < 200 * MB for _, sent in results)  # the server stopped taking the body
    # the server still answers, and a body within the limit still reaches the webhook (bad signature: 400)
    assert httpx.get(url + "/healthz", timeout=5).status_code == 200
    assert httpx.post(url + "/webhooks/line", content=b"{}" * 1000, headers={"X-Line-Signature": "bad"}).status_code == 400
    growth_mb = (peak - before) / 1024
    record("body_limits", {
        "rss_before_mb": round(before / 1024, 1), "rss_after_mb": round(after / 1024, 1),
        "peak_mb": round(peak / 1024, 1), "peak_growth_mb": round(growth_mb, 1),
        "declared_200mb_webhook_answer_s": round(seconds, 4), "declared_300mb_upload_answer_s": round(seconds_up, 4),
        "chunked_4x200mb_bytes_taken_mb": [round(sent / MB, 1) for _, sent in results],
        "chunked_300mb_upload_bytes_taken_mb": round(up_sent / MB, 1),
    })
    # before the fix the peak grew by hundreds of MB per body; the limits are 1 MiB (webhook) and 20 MiB (upload)
    assert growth_mb < 64, growth_mb


def test_limits_are_settings(database_url, tmp_path):
    """SARABAN_MAX_WEBHOOK_BYTES / SARABAN_MAX_BODY_BYTES move the limit (a 4 KiB webhook limit refuses 8 KiB)."""
    with saraban_serve(server_database(database_url, tmp_path, "edge_body_small"), tmp_path,
                       env={**LINE, "SARABAN_MAX_WEBHOOK_BYTES": "4096", "SARABAN_MAX_BODY_BYTES": "4096"}) as srv:
        r = httpx.post(srv.url + "/webhooks/line", content=b"x" * 8192, headers={"X-Line-Signature": "bad"})
        assert r.status_code == 413 and r.json()["code"] == "body_too_large"
        assert httpx.post(srv.url + "/webhooks/line", content=b"x" * 1000, headers={"X-Line-Signature": "bad"}).status_code == 400
        r = httpx.post(srv.url + "/chat/api/send", json={"chat_id": "a" * 32, "text": "ก" * 3000})
        assert r.status_code == 413

"""Issue 16, finding 5: an anonymous web-chat flood must not take the register from the officers.

Before: 50 threads sending as unknown chat ids took a concurrent registration from 9 ms to 49.7 s on
SQLite (QueuePool overflow, ``database is locked``), and every anonymous message wrote a row. Now a
chat nobody has linked is answered from a read (no row, no write lock) and rate limited per chat id
and per client address (SARABAN_WEBCHAT_ANONYMOUS_PER_CHAT / _PER_ADDRESS, a minute's window).
"""

from __future__ import annotations

import threading
import time
import uuid

import httpx
from sqlalchemy import create_engine, func, select

from registry.db import normalise_url
from registry.models import ProcessedInbound
from tests.edge.server import ADMIN_TOKEN, percentile, record, saraban_serve, server_database

FLOODERS = 50
SECONDS = 8.0


def _inbound_rows(database_url: str) -> int:
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(ProcessedInbound)).scalar_one()
    finally:
        engine.dispose()


def test_anonymous_flood_leaves_registration_fast(database_url, tmp_path):
    db = server_database(database_url, tmp_path, "edge_flood")
    with saraban_serve(db, tmp_path) as srv:
        rows_before = _inbound_rows(db)
        stop = time.monotonic() + SECONDS
        answers: dict[int, int] = {}
        lock = threading.Lock()

        def flood() -> None:
            with httpx.Client(timeout=60) as client:
                while time.monotonic() < stop:
                    try:
                        code = client.post(srv.url + "/chat/api/send", json={
                            "chat_id": uuid.uuid4().hex, "text": "สวัสดีค่ะ ขอลงรับหนังสือ", "message_id": uuid.uuid4().hex,
                        }).status_code
                    except httpx.HTTPError:
                        code = 0
                    with lock:
                        answers[code] = answers.get(code, 0) + 1

        threads = [threading.Thread(target=flood) for _ in range(FLOODERS)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        registrations: list[float] = []
        statuses: list[int] = []
        health: list[float] = []
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        with httpx.Client(timeout=120) as officer:
            i = 0
            while time.monotonic() < stop - 0.5:
                t0 = time.perf_counter()
                r = officer.post(srv.url + "/api/v1/letters/incoming", headers=admin, json={
                    "unit": "มท 0201", "subject": f"หนังสือระหว่างน้ำท่วมแชต {i}", "sender": "จังหวัดทดสอบ"})
                registrations.append(time.perf_counter() - t0)
                statuses.append(r.status_code)
                t0 = time.perf_counter()
                officer.get(srv.url + "/healthz")
                health.append(time.perf_counter() - t0)
                i += 1
                time.sleep(0.2)
        for t in threads:
            t.join(120)
        rows_after = _inbound_rows(db)
        record(f"webchat_flood_{'pg' if db.startswith('postgresql') else 'sqlite'}", {
            "flooders": FLOODERS, "seconds": SECONDS, "anonymous_answers": answers,
            "registrations": len(registrations),
            "registration_p50_ms": round(percentile(registrations, 50) * 1000, 1),
            "registration_max_ms": round(max(registrations) * 1000, 1),
            "healthz_max_ms": round(max(health) * 1000, 1),
            "inbound_rows_written_by_flood": rows_after - rows_before,
            "rss_peak_mb": round(srv.peak_kb() / 1024, 1),
        })
        assert set(statuses) == {201}
        assert rows_after == rows_before  # anonymous messages write nothing
        assert answers.get(429, 0) > 0 and answers.get(500, 0) == 0 and answers.get(0, 0) == 0


def test_unlinked_web_chat_writes_nothing_and_is_rate_limited(runtime, demo, database_url, tmp_path):
    """In-process, on the suite's engine: answers from a read, then 429 past the per-chat limit."""
    from fastapi.testclient import TestClient

    from saraban.app import create_app
    from saraban.settings import Settings

    app = create_app(Settings(_env_file=None, database_url=database_url, demo=False, run_worker=False,
                              admin_token=ADMIN_TOKEN, attachments_dir=str(tmp_path / "att"),
                              webchat_anonymous_per_chat=5, webchat_anonymous_per_address=8), runtime=runtime)
    with TestClient(app) as http:
        chat = http.post("/chat/api/session", json={}).json()["chat_id"]
        codes = []
        for i in range(6):
            r = http.post("/chat/api/send", json={"chat_id": chat, "text": f"ลงรับหนังสือ {i}", "message_id": f"anon-msg-{i:04d}"})
            codes.append(r.status_code)
            if r.status_code == 200:
                assert any("ผูกบัญชี" in x["text"] for x in r.json()["replies"])
        assert codes == [200] * 5 + [429]
        with runtime.read() as s:
            assert s.execute(select(func.count()).select_from(ProcessedInbound)).scalar_one() == 0
        # another chat id from the same address: the address's budget (8) is the next wall
        other = [http.post("/chat/api/send", json={"chat_id": uuid.uuid4().hex, "text": "x"}).status_code for _ in range(4)]
        assert other == [200, 200, 429, 429]
        assert http.post("/chat/api/send", json={"chat_id": uuid.uuid4().hex, "text": "x"}).headers.get("retry-after")


def test_a_link_command_still_reaches_the_register(runtime, demo, database_url, tmp_path):
    """Unlinked is not unwelcome: ``ผูกบัญชี <code>`` links the chat (and is recorded once)."""
    from fastapi.testclient import TestClient

    from registry.accounts import issue_link_code
    from registry.events import Actor
    from saraban.app import create_app
    from saraban.settings import Settings

    with runtime.transaction() as s:
        code = issue_link_code(s, demo.person("clerk"), actor=Actor(None, "test"), clock=runtime.clock).code
    app = create_app(Settings(_env_file=None, database_url=database_url, demo=False, run_worker=False,
                              admin_token=ADMIN_TOKEN, attachments_dir=str(tmp_path / "att")), runtime=runtime)
    with TestClient(app) as http:
        chat = uuid.uuid4().hex
        r = http.post("/chat/api/send", json={"chat_id": chat, "text": f"ผูกบัญชี {code}", "message_id": "link-msg-0001"})
        assert r.status_code == 200
        assert http.get("/chat/api/whoami", params={"chat_id": chat}).json()["person"]["id"] == demo.person("clerk")

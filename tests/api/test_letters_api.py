"""The minimal HTTP surface of the register: auth, registering, listing, detail, integrity."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from registry.models import Registration
from saraban.app import create_app
from saraban.settings import Settings
from tests.live_server import serve

TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(runtime, database_url):
    return create_app(Settings(database_url=database_url, admin_token=TOKEN, demo=True, run_worker=False), runtime=runtime)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def _post(client, **body):
    return client.post("/api/v1/letters/incoming", json={"unit": "มท 0201", "subject": "ทดสอบ"} | body, headers=AUTH)


def test_health_needs_no_token_but_the_api_does(client, demo):
    assert client.get("/healthz").json()["ok"] is True
    r = client.get("/api/v1/units")
    assert r.status_code == 401 and "เข้าสู่ระบบ" in r.json()["detail"]
    assert client.get("/api/v1/units", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_units_list(client, demo):
    units = client.get("/api/v1/units", headers=AUTH).json()
    kk = next(u for u in units if u["code"] == "มท 0201")
    assert kk["name"].startswith("กองกลาง") and kk["parent"] == demo.unit("มท 02")


def test_register_by_code_or_id_and_read_back(client, demo):
    r = _post(client, ref_no="มท 0808.2/ว 1095", letter_date="2026-02-27", sender="สถ.", priority="most_urgent",
              subject="ขอเชิญประชุม")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["registration"]["number"] == 1 and body["registration"]["year"] == 2569
    r2 = _post(client, unit=demo.unit("มท 0201"))
    assert r2.json()["registration"]["number"] == 2
    detail = client.get(f"/api/v1/letters/{body['id']}", headers=AUTH).json()
    assert detail["ref_no"] == "มท 0808.2/ว 1095" and detail["priority"] == "most_urgent"
    assert detail["registration"]["display"] == "1/2569"
    assert [e["kind"] for e in detail["events"]] == ["letter.registered"]
    page = client.get("/api/v1/letters", params={"unit": demo.unit("มท 0201"), "q": "ประชุม"}, headers=AUTH).json()
    assert page["total"] == 1 and page["items"][0]["id"] == body["id"]
    page = client.get("/api/v1/letters", params={"unit": demo.unit("มท 0201"), "limit": 1}, headers=AUTH).json()
    assert page["total"] == 2 and [i["id"] for i in page["items"]] == [r2.json()["id"]]


@pytest.mark.parametrize("body,needle", [
    ({"letter_date": "2026-02-31"}, "วันที่"),
    ({"priority": "super"}, "ค่าไม่ถูกต้อง"),
    ({"subject": "ก" * 100_000}, "ยาวเกิน"),
    ({"subject": "ก\x00ข"}, "อักขระ"),
    ({"received_at": "2099-01-01T00:00:00+07:00"}, "อนาคต"),
    ({"unexpected": 1}, "ข้อมูลไม่ถูกต้อง"),
])
def test_bad_input_is_422_in_thai_and_writes_nothing(client, demo, body, needle):
    r = _post(client, **body)
    assert r.status_code == 422 and needle in r.json()["detail"], r.text
    assert client.get("/api/v1/letters", params={"unit": demo.unit("มท 0201")}, headers=AUTH).json()["total"] == 0


def test_unknown_unit_is_404(client, demo):
    r = _post(client, unit="มท 9999")
    assert r.status_code == 404 and "ไม่พบหน่วยงาน" in r.json()["detail"]
    assert client.get("/api/v1/letters/424242", headers=AUTH).status_code == 404


def test_integrity_endpoint(client, demo, runtime):
    _post(client)
    assert client.get("/api/v1/integrity", headers=AUTH).json() == {"ok": True, "events": 1, "first_broken": None, "reason": None}
    from sqlalchemy import text
    with runtime.engine.begin() as conn:
        event_id = conn.execute(text("SELECT id FROM events")).scalar_one()
        conn.execute(text("UPDATE events SET channel = 'x'"))
    report = client.get("/api/v1/integrity", headers=AUTH).json()
    assert report["ok"] is False and report["first_broken"] == event_id


def test_32_concurrent_http_clients_give_gapless_numbers(app, demo, runtime):
    with serve(app) as base:
        def writer(w: int) -> list[int]:
            with httpx.Client(base_url=base, headers=AUTH, timeout=60) as http:
                out = []
                for i in range(50):
                    r = http.post("/api/v1/letters/incoming", json={"unit": "มท 0201", "subject": f"เรื่อง {w}/{i}"})
                    assert r.status_code == 201, r.text
                    out.append(r.json()["registration"]["number"])
                return out

        with ThreadPoolExecutor(32) as pool:
            numbers = [n for chunk in pool.map(writer, range(32)) for n in chunk]
    assert sorted(numbers) == list(range(1, 1601))
    with runtime.read() as s:
        assert sorted(s.execute(select(Registration.number)).scalars()) == list(range(1, 1601))

"""The exchange document over HTTP and the CLI: GET …/exchange.json, POST /api/v1/exchange/import,
``saraban exchange export|import`` (registry/exchange; docs/exchange.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

from sqlalchemy import select

from registry import exchange
from registry.commands import RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Event, Letter
from tests.admin_api.conftest import ADMIN, bearer, forward_to
from tests.db import wipe
from tests.fixtures import load_demo_org

SYSTEM = Actor(None, "test")


def _letter(runtime, unit_id: int, *, secrecy=None, subject="ขอเชิญประชุมคณะกรรมการ", n=1) -> int:
    with runtime.transaction() as s:
        return register_incoming(s, RegisterIncoming(
            unit_id=unit_id, subject=subject, ref_no=f"มท 0808.2/ว {1094 + n}", letter_date=dt.date(2026, 2, 20),
            sender="กรมส่งเสริมการปกครองท้องถิ่น", priority="very_urgent", secrecy=secrecy, sender_org_code="0808",
            sender_letter_id=f"ECMS-{n}", references=({"ref_no": "มท 0808.2/ว 1000", "date": "2026-01-05",
                                                         "subject": "การประชุมครั้งก่อน"},),
            enclosure_list=({"title": "กำหนดการ", "count": 1},), notify_to="saraban@dla.go.th",
            received_at=runtime.clock.now() - dt.timedelta(hours=n)), actor=SYSTEM, clock=runtime.clock).letter_id


def test_export_gives_the_document_and_import_registers_it_once(client, runtime, demo, token):
    letter_id = _letter(runtime, demo.unit("มท 0201"))
    got = client.get(f"/api/v1/letters/{letter_id}/exchange.json", headers=ADMIN)
    assert got.status_code == 200, got.text
    document = got.json()
    assert exchange.schema_errors(document) == []
    assert document["letter"]["speed_code"] == "003" and document["letter"]["secret_code"] == "001"
    assert document["letter"]["references"][0]["subject"] == "การประชุมครั้งก่อน"

    clerk = bearer(token(demo.person("clerk", "มท 0202")))
    made = client.post("/api/v1/exchange/import", params={"unit": "มท 0202"}, json=document, headers=clerk)
    assert made.status_code == 201, made.text
    new_id = made.json()["id"]
    assert made.json()["registration"]["direction"] == "incoming"
    with runtime.read() as s:
        letter = s.get(Letter, new_id)
        assert (letter.unit_id, letter.priority, letter.sender_letter_id) == (demo.unit("มท 0202"), "very_urgent",
                                                                              "ECMS-1")
        kinds = s.execute(select(Event.kind).where(Event.entity_id == new_id, Event.entity == "letter")).scalars().all()
        assert kinds == ["letter.registered", "letter.imported"]
    again = client.post("/api/v1/exchange/import", params={"unit": "มท 0202"}, json=document, headers=clerk)
    assert again.status_code == 409 and again.json()["letter_id"] == new_id
    assert "ลงรับไว้แล้ว" in again.json()["detail"]


def test_a_bad_document_answers_422_in_thai(client, demo):
    answer = client.post("/api/v1/exchange/import", params={"unit": "มท 0202"},
                         json={"format": "saraban.letter", "version": 1}, headers=ADMIN)
    assert answer.status_code == 422
    assert "ไม่ตรงตามแบบ" in answer.json()["detail"] and "letter" in answer.json()["detail"]


def test_a_secret_letter_is_exported_only_to_who_may_read_it_and_an_owner_cannot_import(client, runtime, demo,
                                                                                           token):
    secret = _letter(runtime, demo.unit("มท 0201"), secrecy="secret", subject="แผนลับ")
    clerk = bearer(token(demo.person("clerk")))  # sees the unit's letters, cleared for ลับ only
    refused = client.get(f"/api/v1/letters/{secret}/exchange.json", headers=clerk)
    assert refused.status_code == 403 and "แผนลับ" not in refused.text
    stranger = bearer(token(demo.person("clerk", "มท 0202")))
    assert client.get(f"/api/v1/letters/{secret}/exchange.json", headers=stranger).status_code == 404
    owner = next(pid for pid, name in demo.names.items() if name == "นางวิภาวดี ศรีสุข")  # no clearance
    assert client.get(f"/api/v1/letters/{secret}/exchange.json", headers=bearer(token(owner))).status_code == 403
    forward_to(runtime, secret, owner)  # the person it was forwarded to reads it, so may export it
    mine = client.get(f"/api/v1/letters/{secret}/exchange.json", headers=bearer(token(owner)))
    assert mine.status_code == 200 and mine.json()["letter"]["subject"] == "แผนลับ"
    answer = client.post("/api/v1/exchange/import", params={"unit": "มท 0201"}, json=mine.json(),
                         headers=bearer(token(owner)))
    assert answer.status_code == 403


def test_the_import_schema_is_published(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/v1/exchange/import"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["letter"]["properties"]["speed_code"]["enum"] == ["001", "002", "003", "004"]
    assert "$ref" not in json.dumps(body)


def _cli(database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "saraban.cli", *args], env=env, capture_output=True, text=True,
                          input=stdin, timeout=300)


def test_cli_export_then_import_into_an_empty_register_then_export_is_the_same(runtime, demo, database_url, tmp_path):
    for n in range(1, 21):
        _letter(runtime, demo.unit("มท 0201" if n % 3 else "มท 0202"), n=n, secrecy="confidential" if n == 5 else None,
                subject=f"เรื่องที่ {n}")
    runtime.engine.dispose()
    first = _cli(database_url, "exchange", "export", "--year", "2569")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert len(lines) == 20 and "ส่งออก 20 ฉบับ" in first.stderr
    assert all(exchange.schema_errors(json.loads(line)) == [] for line in lines)
    dump = tmp_path / "2569.jsonl"
    dump.write_text(first.stdout + "{ not json\n", encoding="utf-8")

    wipe(runtime.engine)
    load_demo_org(runtime)
    runtime.engine.dispose()
    loaded = _cli(database_url, "exchange", "import", str(dump))
    assert loaded.returncode == 1  # one line refused, the rest imported
    assert "นำเข้า 20 ฉบับ" in loaded.stdout and "บรรทัด 21" in loaded.stderr, loaded.stdout + loaded.stderr
    second = _cli(database_url, "exchange", "export", "--year", "2569")
    assert second.stdout.splitlines() == lines
    twice = _cli(database_url, "exchange", "import", "-", stdin=first.stdout)
    assert twice.returncode == 0 and "ข้ามฉบับซ้ำ 20 ฉบับ" in twice.stdout, twice.stdout + twice.stderr


def test_a_practice_letter_is_marked_and_never_exported(client, runtime, demo):
    with runtime.transaction() as s:
        practice = register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="หนังสือฝึก",
                                                         sandbox=True), actor=SYSTEM, clock=runtime.clock)
    assert practice.display_no == "ฝึกหัด 1/2569"
    detail = client.get(f"/api/v1/letters/{practice.letter_id}", headers=ADMIN)
    assert detail.status_code == 200 and detail.json()["registration"]["display"] == "ฝึกหัด 1/2569"
    assert client.get(f"/api/v1/letters/{practice.letter_id}/exchange.json", headers=ADMIN).status_code == 404

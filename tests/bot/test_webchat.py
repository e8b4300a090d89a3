"""The app with no chat credentials: LINE and Telegram are off, the web chat works."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.models import Assignment, Registration
from tests.bot.conftest import make_settings
from tests.bot.harness import Stack
from tests.bot.test_flows import HEADER


@pytest.fixture
def bare(runtime, demo, clock, database_url, tmp_path):
    from saraban.app import create_app

    app = create_app(make_settings(database_url, tmp_path, run_worker=True), runtime=runtime)
    s = Stack(app, runtime, clock, None, None)
    s.demo = demo
    yield s
    s.close()


def send(http, chat_id, **body):
    import uuid

    res = http.post("/chat/api/send", json={"chat_id": chat_id, "message_id": uuid.uuid4().hex, **body})
    assert res.status_code == 200, res.text
    return res.json()["replies"]


def buttons(replies):
    out = []
    for r in replies:
        if r["card"]:
            out += [(b["label"], b["payload"]) for b in r["card"]["buttons"]]
        out += [(b["label"], b["payload"]) for b in r["quick_replies"]]
    return out


def pick(replies, prefix):
    return next(p for _, p in buttons(replies) if p.startswith(prefix))


def test_starts_without_credentials_and_web_chat_registers_and_forwards(bare):
    http = bare.http
    assert http.post("/webhooks/line", content=b"{}").status_code == 404
    assert http.post("/webhooks/telegram", content=b"{}").status_code == 404
    page = http.get("/chat")
    assert page.status_code == 200 and "แชตทดลอง" in page.text and "fetch(" in page.text
    people = http.get("/chat/api/people").json()["people"]
    clerk_id = bare.demo.person("clerk")
    assert any(p["id"] == clerk_id for p in people)

    session = http.post("/chat/api/session", json={"person_id": clerk_id}).json()
    chat = session["chat_id"]
    assert session["person"]["id"] == clerk_id

    card = send(http, chat, text=HEADER)
    receipt = send(http, chat, payload=pick(card, "cf:"))
    assert any("เลขรับ" in r["text"] for r in receipt)
    letter_id = int(pick(receipt, "fw:").split(":")[1])
    owner_id = bare.demo.person("owner")
    step = send(http, chat, payload=f"fw:{letter_id}")
    step = send(http, chat, payload=pick(step, f"fo:{letter_id}:{owner_id}"))
    send(http, chat, payload=pick(step, f"fp:{letter_id}:"))

    owner_chat = http.post("/chat/api/session", json={"person_id": owner_id}).json()["chat_id"]
    notices = http.get("/chat/api/inbox", params={"chat_id": owner_chat}).json()["replies"]
    assert notices and pick(notices, "ack:")
    assert http.get("/chat/api/inbox", params={"chat_id": owner_chat}).json()["replies"] == []  # delivered once
    with bare.runtime.read() as s:
        assert s.execute(select(func.count()).select_from(Registration)).scalar_one() == 1
        a = s.execute(select(Assignment)).unique().scalar_one()
        assert a.delivered_at is not None
    ack = send(http, owner_chat, payload=pick(notices, "ack:"))
    assert any("รับทราบ" in r["text"] for r in ack)


def test_same_message_id_is_acted_once(bare):
    http = bare.http
    chat = http.post("/chat/api/session", json={"person_id": bare.demo.person("clerk")}).json()["chat_id"]
    card = send(http, chat, text=HEADER)
    body = {"chat_id": chat, "payload": pick(card, "cf:"), "message_id": "retried-click-0001"}
    first = http.post("/chat/api/send", json=body).json()
    second = http.post("/chat/api/send", json=body).json()
    # acted on once (one number), and the retry after a lost response gets the same answer (issue 16, 9)
    assert first["replies"] and "เลขรับ 1/" in first["replies"][0]["text"]
    assert second == {"duplicate": True, "replies": first["replies"]}
    with bare.runtime.read() as s:
        from registry.models import Registration

        assert len(s.execute(select(Registration)).scalars().all()) == 1


def test_outside_demo_mode_no_people_and_unlinked(runtime, demo, clock, database_url, tmp_path):
    from saraban.app import create_app

    app = create_app(make_settings(database_url, tmp_path, demo=False), runtime=runtime)
    s = Stack(app, runtime, clock, None, None)
    try:
        assert s.http.get("/chat/api/people").json()["people"] == []
        chat = s.http.post("/chat/api/session", json={"person_id": demo.person("admin", "มท 02")}).json()
        assert chat["person"] is None
        replies = send(s.http, chat["chat_id"], text=HEADER)
        assert any("ผูกบัญชี" in r["text"] for r in replies)
        assert s.http.post("/chat/api/send", json={"chat_id": "demo-1", "text": "x"}).status_code == 200
        # a malformed chat id breaks the published schema: 422 in the shared error model (issue 16, finding 10)
        assert s.http.post("/chat/api/send", json={"chat_id": "../etc", "text": "x"}).status_code == 422
    finally:
        s.close()

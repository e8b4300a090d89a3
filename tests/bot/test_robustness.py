"""What goes wrong in production, on both channels: repeats, forged calls, used reply tokens,
rate limits, outages, secret letters."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import func, select

from registry.models import Event, Letter, OutboxMessage, ProcessedInbound, Registration
from tests.bot.harness import dev_cases
from tests.bot.robust_helpers import forward_to_owners
from tests.bot.test_flows import HEADER, register


def count(stack, model, *where) -> int:
    with stack.runtime.read() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()




# --- repeats ------------------------------------------------------------------------------------------

def test_redelivered_line_event_is_acted_on_once(stack):
    clerk = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    card = clerk.say(HEADER)
    body = clerk.postback_body(clerk.button(card, "cf:"))
    assert clerk.post(body).status_code == 200
    redelivered = json.loads(json.dumps(body))
    redelivered["events"][0]["deliveryContext"]["isRedelivery"] = True
    redelivered["events"][0]["replyToken"] = uuid.uuid4().hex
    assert clerk.post(redelivered).status_code == 200
    assert count(stack, Registration) == 1
    assert count(stack, Event, Event.kind == "letter.registered") == 1
    assert count(stack, ProcessedInbound, ProcessedInbound.key == "line:" + body["events"][0]["webhookEventId"]) == 1
    assert len(stack.line_api.replies()) == 2  # the card and the receipt; nothing for the repeat


def test_resent_telegram_update_is_acted_on_once(stack):
    clerk = stack.tg_user()
    stack.link("telegram", str(clerk.user_id), stack.demo.person("clerk"))
    card = clerk.say(HEADER)
    update = clerk.callback_update(clerk.button(card, "cf:"))
    assert clerk.post(update).status_code == 200
    assert clerk.post(update).status_code == 200
    assert count(stack, Registration) == 1
    assert len(stack.tg_api.calls("/answerCallbackQuery")) == 1
    assert len(stack.tg_api.sent()) == 2


def test_double_pressed_confirm_registers_once(stack, user_factory, channel):
    clerk = user_factory(stack.demo.person("clerk"))
    card = clerk.say(HEADER)
    confirm = clerk.button(card, "cf:")
    first = clerk.text_of(clerk.press(confirm))
    second = clerk.text_of(clerk.press(confirm))  # a new event (new id) with the same button
    assert "เลขรับ" in first
    assert count(stack, Registration) == 1
    assert second and "เลขรับ 2" not in second


# --- forged calls -----------------------------------------------------------------------------------------

def test_bad_line_signature_is_400_and_writes_nothing(stack):
    user = stack.line_user()
    body = user.text_body(HEADER)
    res = user.post(body, signature="AAAA" + "x" * 40)
    assert res.status_code == 400
    missing = user.post(body, signature="")
    assert missing.status_code == 400
    # a correct signature of another body does not fit this one
    from tests.bot.harness import sign
    other = sign(b'{"events": []}')
    assert user.post(body, signature=other).status_code == 400
    assert count(stack, ProcessedInbound) == 0
    assert stack.line_api.requests == []


def test_wrong_telegram_secret_is_403_and_writes_nothing(stack):
    user = stack.tg_user()
    assert user.post(user.text_update(HEADER), secret="wrong").status_code == 403
    assert user.post(user.text_update(HEADER), secret=None).status_code == 403
    assert count(stack, ProcessedInbound) == 0
    assert stack.tg_api.sent(ok=None) == []


# --- reply tokens ---------------------------------------------------------------------------------------------

def test_used_reply_token_falls_back_to_push_with_retry_key(stack):
    clerk = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    token = uuid.uuid4().hex
    stack.line_api.invalidate_reply_token(token)  # LINE: 400 "Invalid reply token"
    clerk.post(clerk.text_body(HEADER, reply_token=token))
    refused = stack.line_api.replies(ok=False)
    assert len(refused) == 1 and refused[0].status == 400
    pushes = stack.line_api.pushes(to=clerk.user_id)
    assert len(pushes) == 1
    key = pushes[0].headers["x-line-retry-key"]
    assert str(uuid.UUID(key)) == key
    assert "ตรวจสอบก่อนลงรับ" in clerk.text_of(pushes[0].body["messages"])
    with stack.runtime.read() as s:
        row = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "reply")).scalar_one()
        assert row.status == "sent" and row.retry_key == key


def test_stale_reply_token_is_not_used(stack):
    clerk = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    old = int((stack.clock.now().timestamp() - 120) * 1000)  # sent two minutes ago (a slow redelivery)
    clerk.post(clerk.text_body("ช่วยเหลือ", at_ms=old))
    assert stack.line_api.calls("/v2/bot/message/reply") == []
    assert len(stack.line_api.pushes(to=clerk.user_id)) == 1


# --- notices through rate limits and outages ---------------------------------------------------------------------

def _setup_forward(stack, user_factory):
    demo = stack.demo
    clerk = user_factory(demo.person("clerk"))
    owner_ids = [2, 3]
    owners = [user_factory(pid) for pid in owner_ids]
    letter_id = register(clerk)
    forward_to_owners(stack, clerk, letter_id, owner_ids)
    return clerk, owners, letter_id


def _notice_count(user, channel) -> int:
    msgs = user.messages()
    return sum(1 for _ in user.buttons_of(msgs) if _[1].startswith("ack:"))


def test_429_then_delivered_exactly_once(stack, user_factory, channel):
    clerk, owners, letter_id = _setup_forward(stack, user_factory)
    fake = stack.line_api if channel == "line" else stack.tg_api
    path = "/v2/bot/message/push" if channel == "line" else "/sendMessage"
    if channel == "line":
        fake.fail(path, 429, times=1, headers={"Retry-After": "30"}, body={"message": "Too many requests"})
    else:
        fake.fail(path, 429, times=1, body={"ok": False, "error_code": 429,
                                            "description": "Too Many Requests: retry after 30",
                                            "parameters": {"retry_after": 30}})
    report = stack.deliver()
    assert report.failed >= 1
    with stack.runtime.read() as s:
        waiting = s.execute(select(OutboxMessage).where(OutboxMessage.status == "pending")).scalars().all()
        assert waiting and all(m.next_attempt_at >= stack.clock.now() for m in waiting)
    stack.clock.advance(seconds=10)
    stack.deliver()  # still inside Retry-After: the refused notice waits
    assert sum(_notice_count(o, channel) for o in owners) <= 1
    stack.clock.advance(seconds=25)
    stack.deliver_until_quiet(step=1)
    for owner in owners:
        assert _notice_count(owner, channel) == 1
    with stack.runtime.read() as s:
        assert all(m.status == "sent" for m in s.execute(select(OutboxMessage)).scalars())


def test_outage_delays_and_loses_nothing(stack, user_factory, channel):
    fake = stack.line_api if channel == "line" else stack.tg_api
    path = "/v2/bot/message/push" if channel == "line" else "/sendMessage"
    clerk, owners, letter_id = _setup_forward(stack, user_factory)
    rule = fake.fail(path, 503, times=None)  # down until cleared
    for _ in range(5):
        stack.deliver()
        stack.clock.advance(seconds=120)
    assert all(_notice_count(o, channel) == 0 for o in owners)
    with stack.runtime.read() as s:
        rows = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "assignment")).scalars().all()
        assert rows and all(r.status == "pending" and r.attempts >= 2 for r in rows)
        assert s.execute(select(Letter.status).where(Letter.id == letter_id)).scalar_one() == "forwarded"
    fake.clear_failures()
    stack.deliver_until_quiet(step=60)
    for owner in owners:
        assert _notice_count(owner, channel) == 1
    if channel == "line":  # every retry of a notice carried the same retry key
        owner_ids = {o.user_id for o in owners}
        keys: dict[str, set[str]] = {}
        for r in fake.calls(path):
            if r.body["to"] in owner_ids:
                keys.setdefault(r.body["to"], set()).add(r.headers["x-line-retry-key"])
        assert len(keys) == 2 and all(len(v) == 1 for v in keys.values()), keys
        assert all(len(fake.calls(path, ok=False)) >= 2 for _ in keys)


def test_line_push_timeout_is_retried_without_duplicate(stack):
    stack.channels.line.timeout = 0.5
    clerk = stack.line_user()
    stack.link("line", clerk.user_id, stack.demo.person("clerk"))
    owner = stack.line_user()
    stack.link("line", owner.user_id, stack.demo.person("owner"))
    letter_id = register(clerk)
    forward_to_owners(stack, clerk, letter_id, [stack.demo.person("owner")])
    # LINE takes the push but the answer never comes back in time
    stack.line_api.fail("/v2/bot/message/push", 200, times=1, delay=1.5, then_accept=True)
    assert stack.deliver().failed == 1
    # the lost answer: LINE has taken the push by the time we retry
    stack.line_api.wait_for(lambda: all(r.status for r in stack.line_api.calls("/v2/bot/message/push")),
                            what="the slow push to finish")
    stack.clock.advance(seconds=30)
    stack.deliver_until_quiet()
    accepted = stack.line_api.pushes(to=owner.user_id)
    assert len(accepted) == 1  # the retry was answered 409: already accepted
    assert [r.status for r in stack.line_api.calls("/v2/bot/message/push") if r.body["to"] == owner.user_id][-1] == 409
    with stack.runtime.read() as s:
        row = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "assignment")).scalar_one()
        assert row.status == "sent" and row.attempts == 2


def test_telegram_per_chat_pace(stack):
    from registry.outbox import enqueue

    chat = "5550001"
    with stack.runtime.transaction() as s:
        for i in range(3):
            enqueue(s, channel="telegram", chat_id=chat, kind="reply", at=stack.clock.now(), dedupe_key=f"t{i}",
                    payload={"replies": [{"text": f"ข้อความที่ {i}", "card": None, "quick_replies": [], "chat_id": None}]})
    assert stack.deliver().sent == 1
    assert stack.deliver().sent == 0  # the same second: waits
    stack.clock.advance(seconds=1)
    assert stack.deliver().sent == 1
    stack.clock.advance(seconds=1)
    assert stack.deliver().sent == 1
    assert stack.tg_api.sent_texts(chat) == ["ข้อความที่ 0", "ข้อความที่ 1", "ข้อความที่ 2"]


def test_telegram_pace_holds_across_deliverers(stack):
    """Two deliverers, as in two worker processes (each its own memory), share one chat's pace:
    one message a second between them, and a 429 one of them met holds the other too."""
    import asyncio

    from bot.deliver import Deliverer
    from registry.outbox import enqueue

    chat = "5550002"
    with stack.runtime.transaction() as s:
        for i in range(4):
            enqueue(s, channel="telegram", chat_id=chat, kind="reply", at=stack.clock.now(), dedupe_key=f"p{i}",
                    payload={"replies": [{"text": f"ข้อความที่ {i}", "card": None, "quick_replies": [], "chat_id": None}]})
    gateways = stack.channels.deliverer.gateways
    a, b = Deliverer(stack.runtime, gateways, batch=1), Deliverer(stack.runtime, gateways, batch=1)
    for d in (a, b):
        d.schedule_reminders = False

    def both() -> int:
        async def run():
            return await asyncio.gather(a.run_once(), b.run_once())
        return sum(r.sent for r in stack.on_loop(run()))

    assert both() == 1  # each leased its own row; only one of them may send this second
    assert both() == 0
    stack.clock.advance(seconds=1)
    assert both() == 1
    stack.tg_api.fail("/sendMessage", 429, times=1, body={"ok": False, "error_code": 429,
                                                         "description": "Too Many Requests: retry after 20",
                                                         "parameters": {"retry_after": 20}})
    stack.clock.advance(seconds=1)
    assert both() == 0  # the one that sent met the 429
    # a deliverer that did not see it (a worker started since) waits its 20 seconds too
    c = Deliverer(stack.runtime, gateways, batch=5)
    c.schedule_reminders = False
    stack.clock.advance(seconds=5)
    assert stack.on_loop(c.run_once()).sent == 0
    stack.clock.advance(seconds=16)
    assert stack.on_loop(c.run_once()).sent == 1
    stack.clock.advance(seconds=1)
    assert stack.on_loop(c.run_once()).sent == 1
    texts = stack.tg_api.sent_texts(chat)
    assert sorted(texts) == [f"ข้อความที่ {i}" for i in range(4)] and len(set(texts)) == 4


# --- secrecy --------------------------------------------------------------------------------------------------------

def test_secret_letter_never_reaches_a_chat(stack, user_factory, channel):
    case = next(c for c in dev_cases() if c["id"] == "dev-000-a")  # ลับมาก
    expect = case["expect"]
    demo = stack.demo
    clerk = user_factory(demo.person("clerk"))
    owner = user_factory(2)  # นายสมชาย: cleared for ลับมาก
    card = clerk.say(case["text"])
    receipt = clerk.press(clerk.button(card, "cf:"))
    letter_id = int(clerk.button(receipt, "fw:").split(":")[1])
    forward_to_owners(stack, clerk, letter_id, [2])
    stack.deliver()
    assert owner.button(owner.new(), "ack:")
    with stack.runtime.read() as s:
        letter = s.get(Letter, letter_id)
        assert letter.secrecy == "secret" and letter.subject
    fake = stack.line_api if channel == "line" else stack.tg_api
    everything = json.dumps([r.body for r in fake.requests], ensure_ascii=False)
    for secret in (letter.subject, letter.sender, letter.ref_no, expect["subject"][:20], "เกาะเสม็ด"):
        if secret:
            assert secret not in everything, secret


def test_telegram_reply_during_an_outage_is_queued_and_sent_once(stack):
    clerk = stack.tg_user()
    stack.link("telegram", str(clerk.user_id), stack.demo.person("clerk"))
    stack.tg_api.fail("/sendMessage", 503, times=None)
    assert clerk.post(clerk.text_update(HEADER)).status_code == 200  # Telegram is answered regardless
    with stack.runtime.read() as s:
        row = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "reply")).scalar_one()
        assert row.status == "pending" and row.attempts == 1
    stack.tg_api.clear_failures()
    stack.clock.advance(seconds=6)
    stack.deliver()
    cards = clerk.new()
    assert len(cards) == 1 and "ตรวจสอบก่อนลงรับ" in clerk.text_of(cards)
    stack.clock.advance(seconds=600)
    stack.deliver()
    assert clerk.new() == []


def test_two_deliverers_never_send_one_notice_twice(stack):
    import asyncio

    from bot.deliver import Deliverer
    from registry.outbox import enqueue

    with stack.runtime.transaction() as s:
        for i in range(30):
            enqueue(s, channel="line", chat_id=f"U{i:032d}", kind="reply", at=stack.clock.now(), dedupe_key=f"n{i}",
                    payload={"replies": [{"text": f"แจ้งเตือน {i}", "card": None, "quick_replies": [], "chat_id": None}]})
    gateways = stack.channels.deliverer.gateways

    async def both():
        a, b = Deliverer(stack.runtime, gateways, batch=10), Deliverer(stack.runtime, gateways, batch=10)
        for d in (a, b):
            d.schedule_reminders = False
        reports = []
        for _ in range(3):
            reports += await asyncio.gather(a.run_once(), b.run_once())
        return reports

    reports = stack.on_loop(both())
    assert sum(r.sent for r in reports) == 30
    pushes = stack.line_api.calls("/v2/bot/message/push")
    assert len(pushes) == 30 and all(p.status == 200 for p in pushes)  # no second attempt, not even a 409
    assert len({p.body["to"] for p in pushes}) == 30

"""The documented webhook bodies themselves (shared/data/payloads/), signed and posted as they are."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from registry.models import ProcessedInbound
from tests.bot.harness import PAYLOADS, TG_SECRET, sign


def post_line(stack, name: str, *, as_sent: bool = False):
    """Post a documented body; its events' timestamps are moved to two minutes ago (a stale reply
    token, as before) unless *as_sent*: the documents are years old, and LINE events older than
    SARABAN_LINE_EVENT_MAX_AGE_HOURS are refused as replays."""
    raw = (PAYLOADS / name).read_bytes()
    if not as_sent:
        body = json.loads(raw)
        recent = int(stack.clock.now().timestamp() * 1000) - 120_000
        for event in body.get("events", []):
            if isinstance(event, dict) and isinstance(event.get("timestamp"), int):
                event["timestamp"] = recent
        raw = json.dumps(body, ensure_ascii=False).encode()
    res = stack.http.post("/webhooks/line", content=raw, headers={"x-line-signature": sign(raw),
                                                                  "content-type": "application/json"})
    stack.line_idle()
    return res


def keys(stack) -> set[str]:
    with stack.runtime.read() as s:
        return set(s.execute(select(ProcessedInbound.key)).scalars())


def test_line_reference_example_text_without_quote_token_is_answered(stack):
    # line-bot-sdk 3.27 would parse this text event as UnknownEvent (no quoteToken): we still answer
    res = post_line(stack, "line_reference_webhook_example.json")
    assert res.status_code == 200
    body = json.loads((PAYLOADS / "line_reference_webhook_example.json").read_text())
    assert {f"line:{e['webhookEventId']}" for e in body["events"]} <= keys(stack)
    text_event = next(e for e in body["events"] if e["type"] == "message")
    # its timestamp is years old, so the reply token is stale: the explanation is pushed instead
    assert stack.line_api.calls("/v2/bot/message/reply") == []
    pushed = stack.line_api.pushes(to=text_event["source"]["userId"])
    assert pushed and "ผูกบัญชี" in json.dumps(pushed[0].body, ensure_ascii=False)
    unfollow = next(e for e in body["events"] if e["type"] == "unfollow")
    assert "replyToken" not in unfollow


def test_line_documented_body_as_sent_years_ago_is_refused_as_a_replay(stack):
    res = post_line(stack, "line_reference_webhook_example.json", as_sent=True)
    assert res.status_code == 200  # LINE must not redeliver it: refused quietly, nothing recorded or sent
    assert keys(stack) == set()
    assert stack.line_api.requests == []


def test_line_group_chatter_from_an_unlinked_member_is_quiet(stack):
    assert post_line(stack, "line_text_message_group_mention.json").status_code == 200
    assert stack.line_api.requests == []
    assert len(keys(stack)) == 1


def test_line_follow_gets_a_greeting_and_sdk_fixture_does_not_break_us(stack):
    assert post_line(stack, "line_follow.json").status_code == 200
    assert len(stack.line_api.pushes()) == 1  # 2024 timestamp: a stale token, so a push
    # 28 events of every kind, including an "undefined" type
    assert post_line(stack, "line_sdk_fixture_webhook.json").status_code == 200


def test_telegram_documented_updates(stack):
    def post(name):
        raw = (PAYLOADS / "derived" / name).read_bytes()
        return stack.http.post("/webhooks/telegram", content=raw, headers={
            "content-type": "application/json", "x-telegram-bot-api-secret-token": TG_SECRET})

    assert post("telegram_message_text_start.ptb22.json").status_code == 200
    assert len(stack.tg_api.sent(chat_id=1111111)) == 1  # /start from an unlinked user: how to link
    assert post("telegram_message_text_start.ptb22.json").status_code == 200  # same update_id: ignored
    assert len(stack.tg_api.sent(chat_id=1111111)) == 1
    assert post("telegram_callback_query.ptb22.json").status_code == 200  # update_id 10000 again: ignored too
    with stack.runtime.read() as s:
        assert s.execute(select(func.count()).select_from(ProcessedInbound)).scalar_one() == 1

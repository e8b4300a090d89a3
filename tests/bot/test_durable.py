"""LINE events are stored before the 200 and survive a kill -9 (issue 16, finding 7), old events
are refused as replays, and a malformed event is skipped alone.

The crash test runs the real ``saraban serve`` in its own process group against the fake LINE API
(in this process) and the test database, on SQLite and, with SARABAN_TEST_DATABASE_URL, on
PostgreSQL. Each reply is held 0.5 s by the fake, and a chat's events are handled in order, so
when the 200 comes back almost none of the 30 events has been handled: the kill lands between
the 200 and the handling, the window in which events used to be lost.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from registry.models import InboundQueue, ProcessedInbound
from tests.bot.harness import LINE_SECRET, LINE_TOKEN, sign
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 30


def _text_event(user_id: str, text: str, at: dt.datetime) -> dict:
    return {"type": "message", "mode": "active", "timestamp": int(at.timestamp() * 1000),
            "source": {"type": "user", "userId": user_id}, "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False}, "replyToken": uuid.uuid4().hex,
            "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "quoteToken": "q", "text": text}}


def _post(url: str, events: list[dict]) -> httpx.Response:
    raw = json.dumps({"destination": "U" + "0" * 32, "events": events}, ensure_ascii=False).encode()
    return httpx.post(url + "/webhooks/line", content=raw, timeout=30,
                      headers={"content-type": "application/json", "x-line-signature": sign(raw)})


def _keys(runtime) -> set[str]:
    with runtime.read() as s:
        return set(s.execute(select(ProcessedInbound.key)).scalars())


class Server:
    """``saraban serve`` as production starts it; ``kill()`` is a SIGKILL to its process group."""

    def __init__(self, database_url: str, line_api, tmp_path: Path, name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"{name}.log"
        env = dict(os.environ, SARABAN_DATABASE_URL=database_url, SARABAN_DEMO="1",
                   SARABAN_LINE_CHANNEL_SECRET=LINE_SECRET, SARABAN_LINE_CHANNEL_ACCESS_TOKEN=LINE_TOKEN,
                   SARABAN_LINE_API_BASE_URL=line_api.url, SARABAN_ATTACHMENTS_DIR=str(tmp_path / "att"),
                   SARABAN_INBOUND_CLAIM_SECONDS="1", SARABAN_PIN_CPU="0")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "saraban.cli", "serve", "--port", str(self.port)],
                                     env=env, cwd=ROOT, stdout=self._log, stderr=self._log, start_new_session=True)
        deadline = time.monotonic() + 90
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the server did not start:\n" + self.log_path.read_text())
            time.sleep(0.1)

    def _ready(self) -> bool:
        try:
            return httpx.get(self.url + "/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if not self._log.closed:
            self._log.close()


def _answers(line_api) -> list:
    """Replies and pushes (not the deliverer's quota and menu probes, which share the path prefix)."""
    return line_api.calls("/v2/bot/message/reply", ok=True) + line_api.calls("/v2/bot/message/push", ok=True)


def test_line_events_answered_200_survive_a_kill_and_are_handled_once(runtime, demo, database_url, line_api,
                                                                         tmp_path):
    user = "U" + uuid.uuid4().hex
    now = dt.datetime.now(dt.UTC)
    events = [_text_event(user, f"สวัสดีค่ะ {i}", now) for i in range(EVENTS)]
    keys = {f"line:{e['webhookEventId']}" for e in events}
    line_api.fail("/v2/bot/message/reply", 200, times=None, delay=0.5, then_accept=True)  # slow replies
    first = Server(database_url, line_api, tmp_path, "first")
    try:
        assert _post(first.url, events).status_code == 200
        first.kill()  # kill -9 right after the 200
    finally:
        first.stop()
    handled_before = len(_keys(runtime) & keys)
    assert handled_before < EVENTS // 2, "the kill came too late to test anything"
    with runtime.read() as s:  # every event was stored before the 200
        assert {f"line:{e['webhookEventId']}" for e in events} <= set(s.execute(select(InboundQueue.key)).scalars())
    answered_before = len(_answers(line_api))
    line_api.clear_failures()

    second = Server(database_url, line_api, tmp_path, "second")
    try:
        line_api.wait_for(lambda: keys <= _keys(runtime), timeout=60, what="the queued events to be handled")
        # the left-behind events are answered by push (their reply tokens may be stale by now)
        line_api.wait_for(lambda: len(_answers(line_api)) - answered_before
                          >= EVENTS - handled_before, timeout=30, what="the answers")
        time.sleep(1.5)  # a second sweep must not handle anything again
        calls = _answers(line_api)
        assert len(calls) <= EVENTS, "an event was answered twice"
        tokens = [c.body.get("replyToken") for c in calls if c.path.endswith("/reply")]
        assert len(tokens) == len(set(tokens))
        with runtime.read() as s:  # handled rows leave the queue
            line_api.wait_for(lambda: s.execute(select(func.count()).select_from(InboundQueue)).scalar_one() == 0,
                              timeout=20, what="the queue to empty")
        assert "Traceback" not in second.log_path.read_text()
    finally:
        second.stop()


# --- in-process: the age bound and malformed fields -------------------------------------------------------------

def test_an_event_older_than_the_bound_is_refused_even_after_its_key_was_purged(stack):
    user = stack.line_user()
    old = stack.clock.now() - dt.timedelta(days=8)
    body = user.text_body("สวัสดีค่ะ", at_ms=int(old.timestamp() * 1000))
    assert user.post(body).status_code == 200
    with stack.runtime.read() as s:
        assert s.execute(select(func.count()).select_from(ProcessedInbound)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(InboundQueue)).scalar_one() == 0
    assert stack.line_api.requests == []
    recent = stack.clock.now() - dt.timedelta(hours=1)
    assert user.post(user.text_body("สวัสดีค่ะ", at_ms=int(recent.timestamp() * 1000))).status_code == 200
    with stack.runtime.read() as s:
        assert s.execute(select(func.count()).select_from(ProcessedInbound)).scalar_one() == 1


def test_a_malformed_event_is_skipped_alone_and_logged_in_one_line(stack, caplog):
    user = stack.line_user()
    good = user.text_body("สวัสดีค่ะ")
    bad_text = user.text_body("x")
    bad_text["events"][0]["message"]["text"] = 12345
    bad_time = user.text_body("y")
    bad_time["events"][0]["timestamp"] = "yesterday"
    bad_source = user.text_body("z")
    bad_source["events"][0]["source"] = "U123"
    good["events"] = bad_text["events"] + bad_time["events"] + bad_source["events"] + good["events"]
    with caplog.at_level(logging.WARNING):
        assert user.post(good).status_code == 200
    with stack.runtime.read() as s:
        assert set(s.execute(select(ProcessedInbound.key)).scalars()) == {f"line:{good['events'][-1]['webhookEventId']}"}
    assert user.new(), "the well-formed event was answered"
    skipped = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == 3 and all(r.exc_info is None for r in skipped)


def test_a_redelivery_of_a_queued_event_is_not_handled_twice(stack):
    user = stack.line_user()
    body = user.text_body("สวัสดีค่ะ")
    assert user.post(body).status_code == 200
    first = len(user.new())
    assert first
    body["events"][0]["deliveryContext"] = {"isRedelivery": True}
    assert user.post(body).status_code == 200
    assert user.new() == []


def test_an_unreadable_telegram_update_is_skipped_in_one_line(stack, caplog):
    user = stack.tg_user()
    bad = user.text_update("สวัสดีค่ะ")
    bad["message"]["chat"] = "not a chat"  # PTB cannot read it
    with caplog.at_level(logging.INFO):
        assert user.post(bad).status_code == 200  # else Telegram would resend it forever
    skipped = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == 1 and skipped[0].exc_info is None
    assert not [r for r in caplog.records if r.exc_info]
    assert user.say("สวัสดีค่ะ"), "the next update is answered"

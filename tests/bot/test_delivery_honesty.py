"""Delivery honesty (issue 11 point 9) and Telegram notices across a crash (issue 16 finding 8).

- A forward notice that fails for good (the owner blocked the bot: 403) is told to the clerk who
  forwarded it, with what to do, and shows on สถานะ.
- A Telegram notice in flight when the server is killed (after Telegram got sendMessage, before
  we recorded it as sent) is not sent again: the real ``saraban serve`` is SIGKILLed while the
  fake Telegram API holds its answer to sendMessage.
- A reply split into several messages and cut by a 429 is resumed after the parts already shown,
  not before, and not before Telegram's retry_after.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select, update

from bot.deliver import IN_FLIGHT_ERROR
from handlers.models import Reply
from registry.models import OutboxMessage
from registry.outbox import enqueue
from tests.bot.harness import TG_SECRET, TG_TOKEN, dev_cases
from tests.bot.robust_helpers import forward_to_owners
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def _registered_letter(stack, clerk) -> int:
    case = next(c for c in dev_cases() if c["id"] == "dev-001-a")
    card = clerk.say(case["text"])
    receipt = clerk.press(clerk.button(card, "cf:"))
    return int(clerk.button(receipt, "fw:").split(":")[1])


def test_a_forward_to_an_owner_who_blocked_the_bot_is_told_to_the_clerk_and_on_status(stack):
    clerk = stack.tg_user()
    stack.link("telegram", str(clerk.user_id), stack.demo.person("clerk"))
    owner = stack.tg_user()
    stack.link("telegram", str(owner.user_id), 2)
    letter_id = _registered_letter(stack, clerk)
    clerk.new()
    forward_to_owners(stack, clerk, letter_id, [2])
    clerk.new()
    stack.tg_api.fail("/sendMessage", 403, times=1, body={"ok": False, "error_code": 403,
                                                         "description": "Forbidden: bot was blocked by the user"})
    stack.deliver_until_quiet()
    assert owner.new() == []
    told = clerk.text_of(clerk.new())
    assert "ส่งไม่ถึง" in told and "บล็อก" in told and "ทางอื่น" in told, told
    status = clerk.text_of(clerk.press(f"st:{letter_id}"))
    assert "ส่งแจ้งเตือนไม่ถึง" in status, status


def test_a_telegram_notice_found_in_flight_is_not_sent_again_and_the_clerk_is_told(stack):
    clerk = stack.tg_user()
    stack.link("telegram", str(clerk.user_id), stack.demo.person("clerk"))
    owner = stack.tg_user()
    stack.link("telegram", str(owner.user_id), 2)
    letter_id = _registered_letter(stack, clerk)
    clerk.new()
    forward_to_owners(stack, clerk, letter_id, [2])
    with stack.runtime.transaction() as s:  # what a kill between sendMessage and "sent" leaves behind
        s.execute(update(OutboxMessage).where(OutboxMessage.chat_id == str(owner.user_id))
                  .values(sending_at=stack.clock.now(), locked_until=stack.clock.now()))
    stack.clock.advance(seconds=1)
    stack.deliver_until_quiet()
    assert owner.new() == []
    with stack.runtime.read() as s:
        row = s.execute(select(OutboxMessage).where(OutboxMessage.chat_id == str(owner.user_id))).scalar_one()
        assert row.status == "failed" and row.last_error == IN_FLIGHT_ERROR
    assert "อาจถึงหรือไม่ถึง" in clerk.text_of(clerk.new())


def test_a_split_reply_cut_by_a_429_resumes_after_the_parts_shown(stack):
    chat = 555000111
    long = "\n".join(f"บรรทัดที่ {i} " + "ก" * 60 for i in range(150))  # about 3 messages of 4,096
    with stack.runtime.transaction() as s:
        from bot.gateway import reply_to_dict

        enqueue(s, channel="telegram", chat_id=str(chat), kind="reply", at=stack.clock.now(), dedupe_key="split",
                payload={"replies": [reply_to_dict(Reply(text=long))]})
    # the fake takes its rules in order: part 1 goes through, part 2 meets a 429 asking for 20 seconds
    stack.tg_api.fail("/sendMessage", 200, times=1, then_accept=True)
    stack.tg_api.fail("/sendMessage", 429, times=1, body={"ok": False, "error_code": 429,
                                                         "description": "Too Many Requests: retry after 20",
                                                         "parameters": {"retry_after": 20}})
    report = stack.deliver()
    assert report.failed == 1
    sent_first = stack.tg_api.sent_texts(chat)
    assert len(sent_first) == 1
    stack.clock.advance(seconds=10)
    assert stack.deliver().sent == 0  # Telegram said 20 seconds
    stack.clock.advance(seconds=11)
    assert stack.deliver().sent == 1
    texts = stack.tg_api.sent_texts(chat)
    assert len(texts) == 3 and len(set(texts)) == 3, "a part was shown twice or lost"
    assert "".join(texts).replace("\n", "") == long.replace("\n", "")


# --- the real server killed mid-send ----------------------------------------------------------------------------

def test_a_telegram_notice_is_not_doubled_by_a_kill_right_after_send_message(runtime, demo, database_url, tg_api,
                                                                              tmp_path):
    chat = "777000222"
    port = free_port()
    env = dict(os.environ, SARABAN_DATABASE_URL=database_url, SARABAN_DEMO="1", SARABAN_TELEGRAM_BOT_TOKEN=TG_TOKEN,
               SARABAN_TELEGRAM_SECRET_TOKEN=TG_SECRET, SARABAN_TELEGRAM_API_BASE_URL=tg_api.base_url,
               SARABAN_ATTACHMENTS_DIR=str(tmp_path / "att"), SARABAN_PIN_CPU="0")

    def start(name: str):
        log = open(tmp_path / f"{name}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "saraban.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                                stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return proc, log
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp_path / f"{name}.log").read_text())
            time.sleep(0.1)

    def stop(proc):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(30)

    # Telegram receives the message and holds its answer: the kill lands after sendMessage
    tg_api.fail("/sendMessage", 200, times=1, delay=5, then_accept=True)
    with runtime.transaction() as s:
        enqueue(s, channel="telegram", chat_id=chat, kind="reply", at=runtime.clock.now(), dedupe_key="crash",
                payload={"replies": [{"text": "แจ้งเตือนเพียงครั้งเดียว", "card": None, "quick_replies": [],
                                      "chat_id": None}]})
    proc, log = start("first")
    try:
        tg_api.wait_for(lambda: tg_api.calls("/sendMessage"), timeout=30, what="the sendMessage")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        stop(proc)
        log.close()
    with runtime.transaction() as s:  # the lease runs out (60 s) without waiting for it
        s.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == "crash").values(
            locked_until=OutboxMessage.created_at))
    proc, log = start("second")
    try:
        def settled():
            with runtime.read() as s:
                return s.execute(select(OutboxMessage.status).where(OutboxMessage.dedupe_key == "crash")).scalar_one() \
                    != "pending"
        tg_api.wait_for(settled, timeout=30, what="the row to be settled")
        time.sleep(1)
    finally:
        stop(proc)
        log.close()
    assert len([r for r in tg_api.calls("/sendMessage") if json.dumps(r.body, ensure_ascii=False).find(
        "แจ้งเตือนเพียงครั้งเดียว") >= 0]) == 1, "the notice was sent twice"
    with runtime.read() as s:
        assert s.execute(select(OutboxMessage.last_error).where(OutboxMessage.dedupe_key == "crash")).scalar_one() \
            == IN_FLIGHT_ERROR


# --- relinking a chat that is linked to someone else --------------------------------------------------------------

def test_relinking_a_chat_linked_to_someone_else_asks_first(stack):
    from registry.models import ChatAccount

    user = stack.tg_user()
    stack.link("telegram", str(user.user_id), 2)
    code = stack.link_code(stack.demo.person("clerk"))

    def linked_to() -> int:
        with stack.runtime.read() as s:
            return s.execute(select(ChatAccount.person_id).where(
                ChatAccount.channel == "telegram", ChatAccount.external_id == str(user.user_id))).scalar_one()

    asked = user.text_of(user.say(f"ผูกบัญชี {code}"))
    assert "อยู่แล้ว" in asked and "ยืนยัน" in asked, asked
    assert linked_to() == 2  # nothing changed yet
    user.say(f"ผูกบัญชี {code}")  # the same code again: confirmed
    assert linked_to() == stack.demo.person("clerk")

"""Linking a chat account with a one-time code, and what an unlinked user sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from registry.accounts import issue_link_code
from registry.events import Actor
from registry.models import ChatAccount, Event, LinkCode
from tests.handlers.conftest import Chat


def _code(runtime, person_id):
    with runtime.transaction() as s:
        return issue_link_code(s, person_id, actor=Actor(None, "test"), clock=runtime.clock).code


def test_unlinked_user_gets_only_the_explanation(runtime, demo):
    chat = Chat(runtime, "U-stranger")
    for text in ("สวัสดีครับ", "งานของฉัน", "รับทราบ 1", "ช่วยเหลือ"):
        replies = chat.say(text)
        assert len(replies) == 1
        assert "ยังไม่ได้ผูกกับผู้ใช้" in replies[0].text and "ผูกบัญชี <รหัส>" in replies[0].text
        assert replies[0].card is None and not replies[0].quick_replies
    assert "ยังไม่ได้ผูก" in chat.press("ack:1")[0].text
    with runtime.read() as s:
        assert s.execute(select(ChatAccount)).first() is None


def test_valid_code_links_once_and_is_evented(runtime, demo):
    code = _code(runtime, demo.person("owner"))
    chat = Chat(runtime, "U-owner")
    assert "ยินดีต้อนรับคุณสมชาย รักงาน" in chat.say(f"ผูกบัญชี {code.lower()}")[0].text
    assert "งานของฉัน" in chat.say("ช่วยเหลือ")[0].text  # now a linked user: help, not the explanation
    with runtime.read() as s:
        account = s.execute(select(ChatAccount)).scalar_one()
        assert (account.channel, account.external_id, account.person_id) == ("line", "U-owner", demo.person("owner"))
        row = s.execute(select(LinkCode)).scalar_one()
        assert row.used_at is not None and row.used_by_account_id == account.id
        kinds = [e.kind for e in s.execute(select(Event).order_by(Event.seq)).scalars()]
        assert kinds[-2:] == ["link_code.issued", "chat_account.linked"]
        assert code not in json.dumps([e.data for e in s.execute(select(Event)).scalars()])  # a credential


def test_reused_code_is_refused(runtime, demo):
    code = _code(runtime, demo.person("owner"))
    Chat(runtime, "U-first").say(f"ผูกบัญชี {code}")
    replies = Chat(runtime, "U-second").say(f"ผูกบัญชี {code}")
    assert "รหัสผูกบัญชีไม่ถูกต้องหรือหมดอายุแล้ว" in replies[0].text
    with runtime.read() as s:
        assert [a.external_id for a in s.execute(select(ChatAccount)).scalars()] == ["U-first"]


def test_expired_code_is_refused(runtime, demo, clock):
    code = _code(runtime, demo.person("owner"))
    clock.advance(minutes=30, seconds=1)
    assert "หมดอายุ" in Chat(runtime, "U-late").say(f"ผูกบัญชี {code}")[0].text
    with runtime.read() as s:
        assert s.execute(select(ChatAccount)).first() is None


def test_code_still_valid_just_before_expiry(runtime, demo, clock):
    code = _code(runtime, demo.person("owner"))
    clock.advance(minutes=29)
    assert "ผูกบัญชีเรียบร้อยแล้ว" in Chat(runtime, "U-ontime").say(f"ผูกบัญชี {code}")[0].text


def test_linking_in_a_group_is_refused_and_group_chatter_is_ignored(runtime, demo):
    code = _code(runtime, demo.person("owner"))
    group = Chat(runtime, "U-owner", chat_id="C-group", is_group=True)
    assert "แชตส่วนตัว" in group.say(f"ผูกบัญชี {code}")[0].text
    assert group.say("วันนี้ประชุมกี่โมงครับ") == []
    assert "ผูกบัญชีเรียบร้อยแล้ว" in Chat(runtime, "U-owner").say(f"ผูกบัญชี {code}")[0].text  # code not spent


def test_follow_event_greets_unlinked_with_the_explanation(runtime, demo):
    from handlers import handle
    from handlers.models import Inbound

    ib = Inbound("telegram", "telegram:1", "42", "42", "follow", runtime.clock.now())
    assert "ผูกบัญชี <รหัส>" in handle(runtime, ib)[0].text


def test_cli_prints_a_code_that_links(runtime, demo, database_url):
    env = dict(os.environ, SARABAN_DATABASE_URL=database_url)
    out = subprocess.run([sys.executable, "-m", "saraban.cli", "admin", "link-code", str(demo.person("head")), "--json"],
                         capture_output=True, text=True, env=env, check=True, cwd=str(Path(__file__).resolve().parents[2]))
    issued = json.loads(out.stdout)
    assert set(issued) == {"code", "expires_at"}
    assert "ผูกบัญชีเรียบร้อยแล้ว" in Chat(runtime, "U-head").say(f"ผูกบัญชี {issued['code']}")[0].text


def test_telegram_start_deep_link_carries_the_code(runtime, demo):
    code = _code(runtime, demo.person("owner"))
    chat = Chat(runtime, "777", channel="telegram")
    assert "ผูกบัญชีเรียบร้อยแล้ว" in chat.say(f"/start {code}")[0].text
    assert "ยังไม่ได้ผูก" in Chat(runtime, "778", channel="telegram").say("/start")[0].text


def test_only_admins_issue_codes(runtime, demo):
    import pytest

    from registry.errors import PermissionDenied

    with runtime.transaction() as s:
        issue_link_code(s, demo.person("owner"), actor=Actor(demo.person("admin", "มท 02"), "api"), clock=runtime.clock)
    with pytest.raises(PermissionDenied), runtime.transaction() as s:
        issue_link_code(s, demo.person("owner"), actor=Actor(demo.person("clerk"), "api"), clock=runtime.clock)

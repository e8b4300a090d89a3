"""Over HTTP with the fake LINE and Telegram APIs: a forward's notice reaches the acting officer's
Telegram chat ("แทน <name>") and the acting officer acknowledges it; Telegram's /start deep link
links a chat; the sixth wrong code from a chat is refused unchecked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry import delegation as acting
from registry.accounts import MAX_WRONG_CODES
from registry.events import Actor
from registry.models import Assignment, ChatAccount, Event, LinkCode
from tests.bot.test_flows import register


def test_forward_notice_reaches_the_acting_officer_on_telegram(stack):
    demo = stack.demo
    owner_id, stand_in_id = demo.person("owner"), demo.person("owner", "มท 0202")
    clerk = stack.line_user()
    stack.link("line", clerk.user_id, demo.person("clerk"))
    owner = stack.line_user()
    stack.link("line", owner.user_id, owner_id)
    stand_in = stack.tg_user()
    stack.link("telegram", str(stand_in.user_id), stand_in_id)
    now = stack.clock.now()
    with stack.runtime.transaction() as s:
        acting.name_acting(s, principal_id=owner_id, delegate_id=stand_in_id, starts_at=now,
                           ends_at=now + dt.timedelta(days=2), actor=Actor(None, "test"), clock=stack.clock)
    stack.deliver_until_quiet(step=1)
    assert "ท่านได้รับแต่งตั้งให้รักษาราชการแทน นายสมชาย รักงาน" in stand_in.text_of(stand_in.new())

    letter_id = register(clerk)
    msgs = clerk.press(f"fw:{letter_id}")
    msgs = clerk.press(clerk.button(msgs, f"fo:{letter_id}:{owner_id}"))
    clerk.press(clerk.button(msgs, f"fp:{letter_id}:"))
    stack.deliver_until_quiet(step=1)
    got = stand_in.new()
    text = stand_in.text_of(got)
    assert "แทน นายสมชาย รักงาน" in text and "รย52001/0459" in text, text
    assert "แทน นายสมชาย" not in owner.text_of(owner.new())  # the owner's own notice is plain
    done = stand_in.press(stand_in.button(got, "ack:"))
    assert "รับทราบ" in stand_in.text_of(done)
    with stack.runtime.read() as s:
        a = s.execute(select(Assignment).where(Assignment.letter_id == letter_id)).unique().scalar_one()
        assert a.status == "acknowledged"
        e = s.execute(select(Event).where(Event.kind == "assignment.acknowledged")).scalar_one()
        assert (e.actor_id, e.channel, e.data["acting_for"]) == (stand_in_id, "telegram", owner_id)


def test_telegram_start_links_and_sixth_wrong_code_is_refused_unchecked(stack):
    clerk_id = stack.demo.person("clerk")
    code = stack.link_code(clerk_id)
    guesser = stack.tg_user()
    for i in range(MAX_WRONG_CODES):
        assert "ไม่ถูกต้อง" in guesser.text_of(guesser.say(f"/start WRONG{i}X"))
    refused = guesser.text_of(guesser.say(f"/start {code}"))
    assert "หลายครั้งเกินไป" in refused, refused
    with stack.runtime.read() as s:
        assert s.execute(select(LinkCode.used_at)).scalar_one() is None
    user = stack.tg_user()  # another chat with the same code, by the deep link
    assert "ผูกบัญชีเรียบร้อยแล้ว" in user.text_of(user.say(f"/start {code}"))
    with stack.runtime.read() as s:
        account = s.execute(select(ChatAccount).where(ChatAccount.external_id == str(user.user_id))).scalar_one()
        assert account.person_id == clerk_id


def test_the_worker_tells_the_acting_officer_when_the_period_starts(stack):
    demo = stack.demo
    stand_in = stack.tg_user()
    stack.link("telegram", str(stand_in.user_id), demo.person("clerk"))
    now = stack.clock.now()
    with stack.runtime.transaction() as s:
        acting.name_acting(s, principal_id=demo.person("owner"), delegate_id=demo.person("clerk"),
                           starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=3),
                           actor=Actor(None, "test"), clock=stack.clock)
    stack.deliver_until_quiet(step=1)
    named = stand_in.text_of(stand_in.new())
    assert "ท่านได้รับแต่งตั้งให้รักษาราชการแทน นายสมชาย รักงาน" in named and "บัดนี้" not in named
    stack.channels.deliverer.schedule_reminders = True  # as `saraban worker` runs it
    stack.deliver()
    assert "เริ่มช่วงรักษาราชการแทน" not in stand_in.text_of(stand_in.new())  # not yet
    stack.clock.advance(days=1, minutes=5)
    stack.deliver_until_quiet(step=1)
    started = stand_in.text_of(stand_in.new())
    assert "เริ่มช่วงรักษาราชการแทน นายสมชาย รักงาน แล้วค่ะ" in started, started


def test_link_code_page_deep_link_from_getme_links_a_telegram_chat(stack):
    import re

    from registry.admin import issue_token
    from tests.web_forms import post_form, sign_in

    with stack.runtime.transaction() as s:
        _row, token = issue_token(s, stack.demo.person("admin", "มท 02"), actor=Actor(None, "test"), label="t",
                                  clock=stack.clock)
    sign_in(stack.http, token, runtime=stack.runtime)
    res = post_form(stack.http, "/admin/link-codes", {"person_id": str(stack.demo.person("owner"))},
                    page="/admin/link-codes")
    assert res.status_code == 200, res.text
    link = re.search(r'id="telegram-link" href="(https://t\.me/saraban_test_bot\?start=([A-Z0-9]{8}))"', res.text)
    assert link is not None, "no deep link from getMe"
    user = stack.tg_user()
    assert "ผูกบัญชีเรียบร้อยแล้ว" in user.text_of(user.say(f"/start {link.group(2)}"))  # what the link sends
    with stack.runtime.read() as s:
        assert s.execute(select(ChatAccount.person_id).where(
            ChatAccount.external_id == str(user.user_id))).scalar_one() == stack.demo.person("owner")

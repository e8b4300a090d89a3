"""Transcripts: an acting officer (รักษาราชการแทน) gets the absent owner's forward notice, says
"แทน <name>", and acknowledges it for them; wrong link codes are throttled per chat; Telegram's
deep link (/start <code>) links the chat."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry import delegation as acting
from registry.accounts import MAX_WRONG_CODES, issue_link_code
from registry.events import Actor
from registry.models import ChatAccount, Event, LinkCode, LinkFailure
from tests.handlers.conftest import Chat, dev_case, everything, forward_to, notices_for, register

SYS = Actor(None, "test")


def _code(runtime, person_id):
    with runtime.transaction() as s:
        return issue_link_code(s, person_id, actor=SYS, clock=runtime.clock).code


def test_forward_notice_reaches_the_acting_officer_who_acknowledges_for_the_owner(runtime, demo, link):
    clerk, owner = link("clerk"), link("owner")
    stand_in = link("owner", "มท 0202", channel="telegram")  # นายธนา การคลัง, another unit, on Telegram
    now = runtime.clock.now()
    with runtime.transaction() as s:
        acting.name_acting(s, principal_id=demo.person("owner"), delegate_id=demo.person("owner", "มท 0202"),
                           starts_at=now, ends_at=now + dt.timedelta(days=3), reason="ลาพักผ่อน",
                           actor=Actor(demo.person("head"), "web"), unit_id=demo.unit("มท 0201"), clock=runtime.clock)
    told = everything(notices_for(runtime, stand_in, "acting_named"))
    assert "รักษาราชการแทน นายสมชาย รักงาน" in told and "ลาพักผ่อน" in told and "บัดนี้" in told

    number = register(clerk, dev_case("dev-001-b")["text"])
    forward_to(clerk, "สมชาย")
    mine = notices_for(runtime, owner, "assignment")
    theirs = notices_for(runtime, stand_in, "assignment")
    assert len(mine) == 1 and len(theirs) == 1
    assert "แทน" not in mine[0].text
    assert theirs[0].text.startswith("📌 แจ้งถึงท่านในฐานะผู้รักษาราชการแทน นายสมชาย รักงาน")
    assert f"เลขรับ {number}" in theirs[0].text
    assert any(f.label == "รักษาราชการแทน" and f.value == "นายสมชาย รักงาน" for f in theirs[0].card.fields)

    stand_in.last = theirs
    assert "รับทราบ" in stand_in.tap("รับทราบ")[0].text
    with runtime.read() as s:
        e = s.execute(select(Event).where(Event.kind == "assignment.acknowledged")).scalar_one()
        assert e.actor_id == demo.person("owner", "มท 0202") and e.data["acting_for"] == demo.person("owner")
    assert "นายธนา การคลัง (รักษาราชการแทน นายสมชาย รักงาน) รับทราบ" in everything(clerk.say(f"สถานะ {number}"))


def test_sixth_wrong_code_is_refused_without_checking_it(runtime, demo):
    good = _code(runtime, demo.person("owner"))
    chat = Chat(runtime, "U-guesser")
    for i in range(MAX_WRONG_CODES):
        assert "รหัสผูกบัญชีไม่ถูกต้อง" in chat.say(f"ผูกบัญชี BADCODE{i}")[0].text
    reply = chat.say(f"ผูกบัญชี {good}")[0].text  # the right code, sixth try: not even looked up
    assert "หลายครั้งเกินไป" in reply and "ไม่ตรวจรหัสนี้" in reply
    with runtime.read() as s:
        assert s.execute(select(ChatAccount)).first() is None
        assert s.execute(select(LinkCode.used_at)).scalar_one() is None
        assert len(s.execute(select(LinkFailure)).all()) == MAX_WRONG_CODES  # the refusal adds none
    runtime.clock.advance(minutes=11)
    assert "ผูกบัญชีเรียบร้อยแล้ว" in chat.say(f"ผูกบัญชี {good}")[0].text


def test_telegram_start_deep_link_links_the_chat(runtime, demo):
    code = _code(runtime, demo.person("clerk"))
    chat = Chat(runtime, "777001", channel="telegram")
    assert "ผูกบัญชีเรียบร้อยแล้ว" in chat.say(f"/start {code}")[0].text
    with runtime.read() as s:
        assert s.execute(select(ChatAccount.person_id).where(ChatAccount.external_id == "777001")).scalar_one() \
            == demo.person("clerk")


def test_a_secret_letter_reaches_the_acting_officer_without_its_subject(runtime, demo, link):
    from registry.assignments import forward
    from registry.commands import Forward, Recipient, RegisterIncoming
    from registry.intake import register_incoming

    stand_in = link("owner", "มท 0202", channel="telegram")
    now = runtime.clock.now()
    with runtime.transaction() as s:
        acting.name_acting(s, principal_id=demo.person("owner"), delegate_id=demo.person("owner", "มท 0202"),
                           starts_at=now, ends_at=now + dt.timedelta(days=1), actor=SYS, clock=runtime.clock)
        reg = register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="ผลการสืบสวนข้อเท็จจริงกรณีทุจริต",
                                                    secrecy="secret", ref_no="มท 0201/ล 9", sender="สตง."),
                                actor=SYS, clock=runtime.clock)
        forward(s, Forward(reg.letter_id, (Recipient(person_id=demo.person("owner"), role="principal"),)),
                actor=SYS, clock=runtime.clock)
    seen = everything(notices_for(runtime, stand_in, "assignment"))
    assert "แทน นายสมชาย รักงาน" in seen
    assert "สืบสวน" not in seen and "ล 9" not in seen

"""Outgoing numbers, status, search, my tasks, help, notices, payloads, errors and races."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from handlers import payloads
from registry.models import Assignment, Attachment, Letter, Registration
from tests.handlers.conftest import Chat, button, buttons, dev_case, notices_for, register


def test_outgoing_and_circular_numbers(runtime, link):
    clerk = link("clerk")
    first = clerk.say("ออกเลขหนังสือส่ง เรื่อง ขอเชิญประชุมคณะทำงาน ถึง กองคลัง")[0]
    assert first.card.title == "ออกเลขหนังสือส่งแล้วค่ะ: มท 0201/1"
    fields = {f.label: f.value for f in first.card.fields}
    assert fields["เรื่อง"] == "ขอเชิญประชุมคณะทำงาน" and fields["ถึง"] == "กองคลัง"
    assert "มท 0201/2" in clerk.say("ขอเลขส่ง เรื่อง รายงานผลการดำเนินงาน")[0].text
    assert "มท 0201/ว 1" in clerk.say("ออกเลขหนังสือเวียน เรื่อง แจ้งวันหยุดราชการ")[0].text
    with runtime.read() as s:
        rows = s.execute(select(Letter.direction, Letter.ref_no).order_by(Letter.id)).all()
    assert rows == [("outgoing", "มท 0201/1"), ("outgoing", "มท 0201/2"), ("circular", "มท 0201/ว 1")]
    assert clerk.say("สถานะ 2")[0].card.title == "สถานะหนังสือส่งเลขที่ มท 0201/2"
    assert "กรุณาพิมพ์เรื่อง" in clerk.say("ออกเลขหนังสือเวียน")[0].text
    issued = clerk.say("แจ้งกำหนดการตรวจราชการ ถึง ทุกส่วนราชการ")[0].card
    assert issued.title == "ออกเลขหนังสือเวียนแล้วค่ะ: มท 0201/ว 2"
    assert {f.label: f.value for f in issued.fields}["ถึง"] == "ทุกส่วนราชการ"


def test_status_shows_timeline_delivery_and_acknowledgement(runtime, link, clock):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    clock.advance(minutes=5)
    owner.say("รับทราบ 1")
    card = clerk.say("สถานะ 1/2569")[0].card
    fields = {f.label: f.value for f in card.fields}
    assert fields["สถานะ"] == "รับทราบแล้ว"
    assert fields["เจ้าของเรื่อง: นายสมชาย รักงาน"].startswith("รับทราบแล้ว · ส่ง 2/3 09:00")
    assert "รับทราบ 2/3 09:05" in fields["เจ้าของเรื่อง: นายสมชาย รักงาน"]
    assert "09:00 ลงรับ โดย นางสาวสมใจ ใจดี" in card.footer and "09:05 นายสมชาย รักงาน รับทราบ" in card.footer
    assert "ไม่พบเลขรับ 5" in clerk.say("สถานะ 5")[0].text


def test_status_of_another_units_letter_is_not_shown(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    other = link("clerk", "มท 0205")
    assert "ไม่พบเลขรับ 1" in other.say("สถานะ 1")[0].text
    assert "ไม่มีสิทธิ์ดูสถานะ" in other.press("st:1")[0].text  # a refusal says why
    assert "ไม่พบหนังสือ" in other.press("st:99")[0].text


def test_search_by_word_and_by_number(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-010-a")["text"])  # ผังน้ำ 22 ลุ่มน้ำ
    register(clerk, dev_case("dev-011-a")["text"])  # ค่าตรวจสุขภาพ
    found = clerk.say("ค้นหา ผังน้ำ")[0]
    assert found.text.startswith("พบ 1 รายการ") and "1/2569" in found.text and "ตรวจสุขภาพ" not in found.text
    assert button([found], "สถานะ 1/2569") == "st:1"
    assert "2/2569" in clerk.say("ค้นหา 2/2569")[0].text
    assert "ไม่พบหนังสือที่ตรงกับ “ดาวเทียม”" in clerk.say("ค้นหา ดาวเทียม")[0].text


def test_my_tasks_for_owner_and_clerk(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    assert "ไม่มีรายการ" in owner.say("งานของฉัน")[0].text
    register(clerk, dev_case("dev-005-a")["text"])
    register(clerk, dev_case("dev-011-a")["text"])
    clerk.say("ส่งต่อ 2 ให้ สมชาย เพื่อทราบ")
    mine = owner.say("งานของฉัน")[0]
    assert "รายการที่รอท่านรับทราบ 1 รายการ" in mine.text and "2/2569" in mine.text
    owner.tap("รับทราบ 2/2569")
    assert "ไม่มีรายการ" in owner.say("งานของฉัน")[0].text
    unit = clerk.say("งานของฉัน")[-1]
    assert "ยังไม่ส่งต่อ 1 รายการ" in unit.text and button([unit], "ส่งต่อ 1/2569") == "fw:1"


def test_help_unknown_audit_refused_and_training(runtime, link):
    clerk = link("clerk")
    assert "ส่งต่อ 15 ให้ สมชาย" in clerk.say("ช่วยเหลือ")[0].text
    assert "ไม่เข้าใจ" in clerk.say("วันนี้อากาศดีจัง")[0].text
    assert "ไม่มีสิทธิ์สุ่มตรวจ" in clerk.say("สุ่มตรวจ กองกลาง 20")[0].text  # clerks do not audit
    assert "ยินดีต้อนรับสู่การฝึกใช้งาน" in clerk.say("ฝึกใช้งาน")[0].text
    assert "หมดอายุ" in clerk.press("zz:1")[0].text
    assert "หมดอายุ" in clerk.press("ack:" + "9" * 70)[0].text
    assert "ออกจากการฝึกใช้งานแล้ว" in clerk.say("ยกเลิก")[0].text  # the practice was open
    assert "ไม่มีรายการที่ทำค้าง" in clerk.say("ยกเลิก")[0].text


def test_a_greeting_or_thanks_alone_is_answered_in_kind(runtime, link, demo):
    clerk = link("clerk")
    hello = clerk.say("สวัสดีค่ะ 😀")[0]
    assert hello.text.startswith("สวัสดีค่ะ คุณสมใจ") and "ไม่เข้าใจ" not in hello.text
    assert [b.payload for b in hello.quick_replies] == [payloads.make("my"), payloads.make("help")]
    assert clerk.say("ขอบคุณมากค่ะ 🙏")[0].text.startswith("ยินดีค่ะ")
    # a greeting before a command is still the command
    assert "ส่งต่อ 15 ให้ สมชาย" in clerk.say("สวัสดีครับ ช่วยเหลือ")[0].text
    # in a group the bot stays quiet, as for anything else that is not a command
    group = Chat(runtime, clerk.account, chat_id="C-group", is_group=True)
    assert group.say("สวัสดีค่ะทุกท่าน") == []


def test_file_download_failure_is_answered_politely(runtime, link):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.files = _Broken()
    replies = clerk.send_file(b"\xff\xd8\xff", content_type="image/jpeg")
    assert replies[0].text.startswith("ขออภัยค่ะ ไม่สามารถดึงไฟล์จากแชตได้")


def test_unexpected_error_is_logged_with_the_event_id_and_answered_politely(runtime, link, caplog):
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.files = _NotBytes()  # a channel bug: text where bytes were promised
    with caplog.at_level("ERROR", logger="saraban.handlers"):
        replies = clerk.send_file(b"\xff\xd8\xff", content_type="image/jpeg")
    assert replies[0].text.startswith("ขออภัยค่ะ ระบบขัดข้องชั่วคราว") and "รหัสอ้างอิง" in replies[0].text
    assert any("handler failed for event line:" in r.getMessage() for r in caplog.records)
    with runtime.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0


class _Broken(dict):
    def __getitem__(self, key):
        raise ConnectionError("content API down")

    def __setitem__(self, key, value):
        pass


class _NotBytes(dict):
    def __getitem__(self, key):
        return "not bytes"

    def __setitem__(self, key, value):
        pass


def test_reminder_and_digest_notices(runtime, link, demo, clock):
    from registry.reminders import enqueue_digests, enqueue_reminders

    clerk, owner = link("clerk"), link("owner")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    with runtime.read() as s:
        a = s.execute(select(Assignment)).unique().scalar_one()
    clock.set(a.due_at + dt.timedelta(minutes=1))
    with runtime.transaction() as s:
        assert enqueue_reminders(s, now=clock.now()) == 1
    [owner_reminder] = notices_for(runtime, owner, "reminder")
    assert owner_reminder.card.title == "เตือน: ยังไม่ได้รับทราบ เลขรับ 1/2569"
    assert buttons([owner_reminder]) == [("รับทราบ", f"ack:{a.id}"), ("ไม่ใช่งานของฉัน", f"ret:{a.id}")]
    clock.advance(days=1, minutes=1)
    with runtime.transaction() as s:
        assert enqueue_reminders(s, now=clock.now()) == 1
    clock.set(dt.datetime(2026, 3, 9, 2, 30, tzinfo=dt.UTC))  # Monday 09:30 in Bangkok
    with runtime.transaction() as s:
        assert enqueue_digests(s, now=clock.now()) >= 1
    [to_clerk] = notices_for(runtime, clerk, "reminder")
    assert "นายสมชาย รักงาน ยังไม่ได้รับทราบเลขรับ 1/2569" in to_clerk.text
    digest = notices_for(runtime, clerk, "digest")[0].text
    assert "สรุปประจำวัน" in digest and "รอรับทราบ: 1 · เกินกำหนด: 1" in digest and "• นายสมชาย รักงาน: 1 รายการ" in digest
    owner.say("รับทราบ 1")  # a reminder delivered after the answer says so instead of asking again
    assert "รับทราบรายการนี้แล้ว" in notices_for(runtime, owner, "reminder")[0].text


def test_payloads_round_trip_and_refuse_garbage():
    assert payloads.parse("ack:42") == payloads.Payload("ack", (42,))
    assert payloads.parse("ev:ab12:priority:urgent").args == ("ab12", "priority", "urgent")
    assert str(payloads.parse("fo:7:3")) == "fo:7:3"
    for bad in (None, "", "ack", "ack:x", "ack:1:2", "ล:1", "fo:1", "ev:a b:priority:urgent", "x" * 65):
        assert payloads.parse(bad) is None
    with pytest.raises(ValueError):
        payloads.make("ev", "t" * 30, "secrecy", "confidential" * 3)


def test_concurrent_double_confirm_registers_once(runtime, link):
    clerk = link("clerk")
    draft = clerk.say(dev_case("dev-005-a")["text"])
    confirm = button(draft, "ยืนยัน")
    results: list = []
    twins = [Chat(runtime, clerk.account) for _ in range(2)]

    def press(chat):
        results.append(chat.press(confirm)[0].text)

    threads = [threading.Thread(target=press, args=(c,)) for c in twins]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.splitlines()[0] for r in results) == ["ลงรับแล้ว เลขรับ 1/2569", "หนังสือนี้ลงรับไปแล้วค่ะ เลขรับ 1/2569"]
    with runtime.read() as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 1


def test_group_member_conversations_are_kept_apart(runtime, link):
    a = link("clerk")
    group_a = Chat(runtime, a.account, chat_id="C-group", is_group=True)
    draft = group_a.say(dev_case("dev-005-a")["text"])
    other = Chat(runtime, "U-someone", chat_id="C-group", is_group=True)
    assert other.say("ขอความร่วมมือครับ") == []  # an unlinked member's chatter is not answered
    assert "ลงรับแล้ว" in group_a.press(button(draft, "ยืนยัน"))[0].text


def test_control_characters_are_dropped_before_anything_reads_them(runtime, link):
    # PostgreSQL refuses NUL in text: a pasted NUL must not turn a name search into a crash
    clerk = link("clerk")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.tap("ส่งต่อ")
    assert "นายสมชาย รักงาน (เจ้าของเรื่อง)" in clerk.say("สม\x00ชาย")[0].text
    assert clerk.say("\x00\x07") == []
    assert "ไม่พบหนังสือที่ตรงกับ “abc”" in clerk.say("ค้นหา ab\x00c")[0].text


def test_head_sees_the_units_backlog(runtime, link, clock):
    clerk, head = link("clerk"), link("head")
    register(clerk, dev_case("dev-005-a")["text"])
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    clock.advance(days=7)
    backlog = head.say("งานของฉัน")[-1].text
    assert "ค้างรับทราบในหน่วยงาน 1 รายการ (เกินกำหนด 1)" in backlog and "• นายสมชาย รักงาน: 1 รายการ" in backlog

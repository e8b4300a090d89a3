"""ลงรับ in chat: pasted header → confirmation card → receipt with the right number."""

from __future__ import annotations

import re

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.models import Event, Letter, Registration
from tests.handlers.conftest import buttons, dev_case, forward_to, register


def _letters(runtime):
    with runtime.read() as s:
        return list(s.execute(select(Letter).order_by(Letter.id)).unique().scalars())


@pytest.mark.parametrize("case_id", ["dev-005-a", "dev-010-b"])
def test_pasted_header_to_receipt(runtime, link, case_id):
    case = dev_case(case_id)
    clerk = link("clerk")
    replies = clerk.say(case["text"])
    card = replies[0].card
    assert card is not None and card.title == "ตรวจสอบก่อนลงรับ"
    shown = {f.label: f.value for f in card.fields}
    assert shown["ที่"] == case["expect"]["ref_no"]
    assert shown["จาก"] == case["expect"]["sender"]
    assert shown["เรื่อง"] == case["expect"]["subject"]
    assert [label for label, _ in buttons(replies)] == ["ยืนยัน", "แก้ไข", "ยกเลิก"]
    assert not _letters(runtime)  # nothing is registered before [ยืนยัน]

    receipt = clerk.tap("ยืนยัน")[0]
    assert receipt.card.title == "ลงรับแล้ว เลขรับ 1/2569"
    fields = {f.label: f.value for f in receipt.card.fields}
    assert fields["เลขรับ"] == "1/2569"
    assert fields["วันที่"] == "2 มี.ค. 2569" and fields["เวลา"] == "09:00 น."  # FakeClock: Mon 09:00 Bangkok
    assert fields["เรื่อง"] == case["expect"]["subject"]
    assert ("ส่งต่อ", f"fw:{_letters(runtime)[0].id}") in buttons([receipt])
    [letter] = _letters(runtime)
    # the receipt carries the code the sender can check at /verify/<code>
    from registry import verification

    code = re.search(r"รหัสตรวจสอบใบรับ (\S+)", receipt.card.footer).group(1)
    with runtime.read() as s:
        assert verification.check(s, code).display_no == "1/2569"
    assert (letter.ref_no, letter.sender, letter.subject) == (
        case["expect"]["ref_no"], case["expect"]["sender"], case["expect"]["subject"])
    assert letter.letter_date == dt.date.fromisoformat(case["expect"]["letter_date"])
    assert letter.registration.number == 1 and letter.created_by is not None


def test_second_header_gets_the_next_number(runtime, link):
    clerk = link("clerk")
    assert register(clerk, dev_case("dev-005-a")["text"]) == "1/2569"
    assert register(clerk, dev_case("dev-011-a")["text"]) == "2/2569"


def test_double_pressed_confirm_registers_once(runtime, link):
    clerk = link("clerk")
    clerk.say(dev_case("dev-003-a")["text"])
    confirm = [p for label, p in buttons(clerk.last) if label == "ยืนยัน"][0]
    assert "ลงรับแล้ว เลขรับ 1/2569" in clerk.press(confirm)[0].text
    again = clerk.press(confirm)
    assert again[0].text == "หนังสือนี้ลงรับไปแล้วค่ะ เลขรับ 1/2569"
    with runtime.read() as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 1
        assert s.scalar(select(func.count()).select_from(Event).where(Event.kind == "letter.registered")) == 1


def test_missing_fields_are_asked_one_at_a_time(runtime, link):
    clerk = link("clerk")
    first = clerk.say("ลงรับ ที่ มท 0808.2/ว 1095 ลงวันที่ 5 ต.ค. 2568")
    assert "เรื่อง" in first[0].text and first[0].card is None  # one question, not the card
    second = clerk.say("ขอความร่วมมือรายงานผลการเบิกจ่ายงบประมาณ")
    assert "จาก" in second[0].text and second[0].card is None
    card = clerk.say("จาก กรมส่งเสริมการปกครองท้องถิ่น")[0].card
    fields = {f.label: f.value for f in card.fields}
    assert fields["เรื่อง"] == "ขอความร่วมมือรายงานผลการเบิกจ่ายงบประมาณ"
    assert fields["จาก"] == "กรมส่งเสริมการปกครองท้องถิ่น"  # the typed label is not part of the value
    assert fields["ลงวันที่"] == "5 ต.ค. 2568"
    clerk.tap("ยืนยัน")
    [letter] = _letters(runtime)
    assert letter.subject == "ขอความร่วมมือรายงานผลการเบิกจ่ายงบประมาณ" and letter.ref_no == "มท 0808.2/ว 1095"


def test_optional_fields_can_be_skipped_and_invalid_date_is_asked_again(runtime, link):
    clerk = link("clerk")
    replies = clerk.say("ลงรับ จาก กองคลัง เรื่อง ขอส่งรายงานการเงินประจำเดือน")
    assert "ที่" in replies[0].text
    replies = clerk.tap("ไม่มี")  # no ref_no
    assert "ลงวันที่" in replies[0].text
    replies = clerk.say("31 ก.พ. 2569")
    assert "อ่านวันที่ไม่ได้" in replies[0].text and "ลงวันที่" in replies[1].text
    card = clerk.say("1 มี.ค. 2569")[0].card
    assert {f.label: f.value for f in card.fields}["ลงวันที่"] == "1 มี.ค. 2569"
    clerk.tap("ยืนยัน")
    [letter] = _letters(runtime)
    assert letter.ref_no is None and letter.letter_date == dt.date(2026, 3, 1)


def test_edit_priority_before_confirming(runtime, link):
    clerk = link("clerk")
    clerk.say(dev_case("dev-005-a")["text"])
    clerk.tap("แก้ไข")
    replies = clerk.tap("ชั้นความเร็ว")
    assert "ชั้นความเร็ว" in replies[0].text
    card = clerk.tap("ด่วนมาก")[0].card
    assert "ด่วนมาก" in card.badges
    clerk.tap("ยืนยัน")
    assert _letters(runtime)[0].priority == "very_urgent"


def test_cancelled_draft_registers_nothing_and_its_confirm_button_is_stale(runtime, link):
    clerk = link("clerk")
    clerk.say(dev_case("dev-005-a")["text"])
    confirm = [p for label, p in buttons(clerk.last) if label == "ยืนยัน"][0]
    assert "ยกเลิกการลงรับแล้ว" in clerk.tap("ยกเลิก")[0].text
    assert "หมดอายุหรือใช้ไปแล้ว" in clerk.press(confirm)[0].text
    assert not _letters(runtime)


def test_draft_expires_after_thirty_minutes(runtime, link, clock):
    clerk = link("clerk")
    clerk.say(dev_case("dev-005-a")["text"])
    clock.advance(minutes=31)
    assert "หมดอายุ" in clerk.tap("ยืนยัน")[0].text
    assert not _letters(runtime)


def test_duplicate_warning_on_card_and_receipt(runtime, link):
    clerk = link("clerk")
    text = dev_case("dev-012-a")["text"]
    register(clerk, text)
    card = clerk.say(text)[0].card
    assert "อาจซ้ำกับหนังสือที่ลงรับไว้แล้ว: 1/2569" in card.footer and card.tone == "warning"
    receipt = clerk.tap("ยืนยัน")[0]
    assert "อาจซ้ำ" in receipt.card.footer and receipt.card.title.endswith("2/2569")  # warned, not refused


def test_only_clerks_register(runtime, link):
    owner = link("owner")
    assert "ไม่มีสิทธิ์ลงรับ" in owner.say(dev_case("dev-005-a")["text"])[0].text
    assert not _letters(runtime)


def test_receipt_suggests_the_owner_from_history(runtime, link, demo):
    clerk = link("clerk")
    register(clerk, "ลงรับ ที่ มท 0603/ว 1 ลงวันที่ 1 ก.พ. 2569 จาก ปภ. เรื่อง การเตรียมความพร้อมรับมือสถานการณ์อุทกภัย")
    forward_to(clerk, "วิภาวดี")
    receipt = clerk.say("ลงรับ ที่ มท 0603/ว 9 ลงวันที่ 2 มี.ค. 2569 จาก ปภ. "
                        "เรื่อง การเตรียมความพร้อมรับมือสถานการณ์อุทกภัยปีนี้")
    receipt = clerk.tap("ยืนยัน")[0]
    wipa = next(pid for pid, name in demo.names.items() if name == "นางวิภาวดี ศรีสุข")
    assert ("ส่งให้ วิภาวดี", f"fo:{_letters(runtime)[-1].id}:{wipa}") in buttons([receipt])
    assert "เหมือนเรื่อง" in receipt.card.footer


def test_owner_suggestion_follows_the_latest_forward_at_once(runtime, link, demo):
    """The cached owner index is rebuilt as soon as the unit forwards something new."""
    clerk = link("clerk")
    register(clerk, "ลงรับ ที่ มท 0603/ว 1 ลงวันที่ 1 ก.พ. 2569 จาก ปภ. เรื่อง การเตรียมความพร้อมรับมือสถานการณ์อุทกภัย")
    forward_to(clerk, "วิภาวดี")
    register(clerk, "ลงรับ ที่ กค 0402/ว 7 ลงวันที่ 3 ก.พ. 2569 จาก กรมบัญชีกลาง "
                    "เรื่อง แนวทางการเบิกจ่ายเงินค่าตอบแทนคณะกรรมการตรวจรับพัสดุ")
    forward_to(clerk, "สมชาย")
    clerk.say("ลงรับ ที่ กค 0402/ว 9 ลงวันที่ 2 มี.ค. 2569 จาก กรมบัญชีกลาง "
              "เรื่อง แนวทางการเบิกจ่ายเงินค่าตอบแทนคณะกรรมการตรวจรับพัสดุ ฉบับที่ 2")
    receipt = clerk.tap("ยืนยัน")[0]
    somchai = next(pid for pid, name in demo.names.items() if name == "นายสมชาย รักงาน")
    assert ("ส่งให้ สมชาย", f"fo:{_letters(runtime)[-1].id}:{somchai}") in buttons([receipt])


def test_sender_is_matched_to_the_unit_directory(runtime, link, demo):
    clerk = link("clerk")
    card = clerk.say("ลงรับ ที่ รย 0017.3/4471 ลงวันที่ 1 มี.ค. 2569 จาก สนง.จ.ระยอง เรื่อง ขอเชิญประชุม")[0].card
    assert {f.label: f.value for f in card.fields}["หน่วยงานในทะเบียน"] == "สำนักงานจังหวัดระยอง (รย 0017)"
    clerk.tap("ยืนยัน")
    card = clerk.say("ลงรับ ที่ อว 1/2 ลงวันที่ 1 มี.ค. 2569 จาก มหาวิทยาลัยศิลปากร เรื่อง ขอเชิญอบรม")[0].card
    assert "หน่วยงานในทะเบียน" not in {f.label for f in card.fields}  # not ours: no guess
    clerk.tap("ยืนยัน")
    with runtime.read() as s:
        assert [lt.sender_unit_id for lt in s.execute(select(Letter).order_by(Letter.id)).unique().scalars()] == [
            demo.unit("รย 0017"), None]


def test_a_unit_added_by_the_admin_is_matched_at_once(runtime, link, demo):
    from registry.admin import UnitFields, create_unit
    from registry.events import Actor

    clerk = link("clerk")
    header = "ลงรับ ที่ อว 1/2 ลงวันที่ 1 มี.ค. 2569 จาก มหาวิทยาลัยศิลปากร เรื่อง ขอเชิญอบรม"
    assert "หน่วยงานในทะเบียน" not in {f.label for f in clerk.say(header)[0].card.fields}  # directory now cached
    clerk.tap("ยกเลิก")
    with runtime.transaction() as s:
        unit = create_unit(s, UnitFields(code="อว 0640", name="มหาวิทยาลัยศิลปากร"), actor=Actor(None, "test"),
                           clock=runtime.clock).id
    clerk.say(header)
    clerk.tap("ยืนยัน")
    assert _letters(runtime)[-1].sender_unit_id == unit


def test_invalid_date_in_the_header_is_asked_not_guessed(runtime, link):
    clerk = link("clerk")
    asked = clerk.say("ลงรับ ที่ มท 0808.2/ว 1095 ลงวันที่ 31 ก.พ. 2569 จาก สถ. เรื่อง ขอความร่วมมือ")[0]
    assert asked.card is None and "ไม่มีวันที่ 31 กุมภาพันธ์ 2569" in asked.text and "ลงวันที่" in asked.text
    card = clerk.say("28 ก.พ. 2569")[0].card
    assert {f.label: f.value for f in card.fields}["ลงวันที่"] == "28 ก.พ. 2569"


def test_a_field_the_register_would_refuse_is_asked_again_before_the_card(runtime, link):
    clerk = link("clerk")
    replies = clerk.say("ลงรับ ที่ กค 0402/ว 5 ลงวันที่ 1 ธ.ค. 2569 จาก กรมบัญชีกลาง เรื่อง " + "ทดสอบ" * 3000)
    assert "เรื่องยาวเกินไป (15,000 ตัวอักษร สูงสุด 2,000 ตัวอักษร)" in replies[0].text
    assert "ยืนยัน" not in [label for label, _ in buttons(replies)]
    assert "ยาวเกินไป" in clerk.say("ยาว" * 1500)[0].text  # a typed answer is held to the same rule
    card = clerk.say("ขอเชิญประชุมคณะทำงาน")[0].card
    assert card.title == "ตรวจสอบก่อนลงรับ" and "ขอเชิญประชุมคณะทำงาน" in [f.value for f in card.fields]
    clerk.tap("ยืนยัน")
    assert [lt.subject for lt in _letters(runtime)] == ["ขอเชิญประชุมคณะทำงาน"]

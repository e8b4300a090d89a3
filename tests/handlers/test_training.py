"""ฝึกใช้งาน in chat: a guided practice that checks each step and explains mistakes, then a quiz;
the score is recorded, practice numbers are marked ฝึกหัด and never mix with real work."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry import training
from registry.models import Assignment, Event, Letter, OutboxMessage, TrainingProgress
from registry.timeutil import thai_date
from tests.handlers.conftest import Chat, button, dev_case, register

TODAY = dt.date(2026, 3, 2)  # the fake clock's day in Bangkok


def header() -> str:
    return training.practice_header(TODAY)


def test_a_trainee_who_does_every_step_right_scores_full_marks(runtime, link):
    owner = link("owner")  # anyone may practise; no clerk role needed
    intro = owner.say("ฝึกใช้งาน")
    assert "ขั้นที่ 1/6" in intro[1].text and "ที่ มท 0201.9/ว 99" in intro[1].text
    step2 = owner.say(header())
    assert "ระบบอ่านหัวหนังสือจากข้อความที่วางได้ครบ" in step2[0].text
    assert "ขั้นที่ 2/6" in step2[1].text and step2[1].card.badges == ("ฝึกหัด",)
    misread = {f.label: f.value for f in step2[1].card.fields}["ลงวันที่"]
    assert misread == "2 มีนาคม 2596"  # the year's digits swapped, as a scan misreads them
    step3 = owner.say(f"แก้ลงวันที่เป็น {thai_date(TODAY, short=True)}")
    assert "ลงรับหนังสือฝึกได้เลข ฝึกหัด 1/2569" in step3[0].text
    assert "ขั้นที่ 3/6" in step3[1].text and "“ส่งต่อ 1 ให้ ตัวเอง เพื่อดำเนินการ”" in step3[1].text
    step4 = owner.say("ส่งต่อ 1 ให้ ตัวเอง เพื่อดำเนินการ")
    assert "“เพื่อดำเนินการ”" in step4[0].text
    assert "ขั้นที่ 4/6" in step4[1].text and "ฝึกหัด 2/2569" in step4[1].text
    assert "ป้องกันอุทกภัย" in owner.text  # the stray letter's card
    step5 = owner.say("ไม่ใช่งานของฉัน 2 เพราะเป็นเรื่องของจังหวัดระยอง ไม่ใช่กองกลาง")
    assert "ส่งคืนพร้อมเหตุผลแล้ว" in step5[0].text and "ขั้นที่ 5/6" in step5[1].text
    step6 = owner.say("รับทราบ 1")
    assert "รับทราบแล้ว" in step6[0].text and "ขั้นที่ 6/6" in step6[1].text
    quiz = owner.say("ค้นหา แหล่งน้ำ")
    assert "พบหนังสือ ฝึกหัด 3/2569" in quiz[0].text and "คำถามข้อ 1/3" in quiz[1].text
    assert "ถูกต้องค่ะ" in owner.tap("เลขรับ ชั้นความเร็ว")[0].text
    assert "คำถามข้อ 2/3" in owner.text
    owner.tap("ด่วนที่สุด")
    done = owner.tap("1 ชั่วโมง")
    assert "ได้คะแนน 100%" in done[1].text
    with runtime.read() as s:
        row = s.execute(select(TrainingProgress)).scalar_one()
        assert (row.step, row.score, row.mistakes, row.completed_at) == ("done", 100, 0, runtime.clock.now())
        letters = s.execute(select(Letter).order_by(Letter.id)).unique().scalars().all()
        assert [lt.sandbox for lt in letters] == [True, True, True]
        assert [a.status for a in s.execute(select(Assignment).order_by(Assignment.id)).scalars()] == [
            "acknowledged", "returned"]
        # practice sends no notices (the one row is the rich menu of linking the chat)
        assert [m.kind for m in s.execute(select(OutboxMessage)).scalars()] == ["richmenu"]
        steps = s.execute(select(Event.data).where(Event.kind == "training.step")).scalars().all()
        assert [d["step"] for d in steps] == list(training.PRACTICAL)
    assert "ออกจากการฝึก" not in owner.say("สวัสดี")[0].text  # the practice is closed: back to normal chat


def test_each_mistake_is_explained_and_counted(runtime, link):
    owner = link("owner")
    owner.say("ฝึกใช้งาน")
    assert "ขั้นนี้ยังรอคำสั่ง" in owner.say("สวัสดีค่ะ")[0].text  # not a try: not counted
    wrong = owner.say(f"ลงวันที่ 2 มีนาคม 2569\nเรื่อง {training.PRACTICE_SUBJECT}")  # half the header
    assert "ยังไม่ถูกค่ะ" in wrong[0].text and "“ที่”" in wrong[0].text and "“จาก”" in wrong[0].text
    owner.say(header())
    assert "ขั้นที่ 2/6" in owner.say("ต้องทำอย่างไรคะ")[0].text  # not a try: the step is shown again
    assert "ช่องนั้นอ่านถูกต้องแล้ว" in owner.say("แก้เรื่องเป็น ประชุม")[0].text
    assert "ยังไม่ตรงกับหัวหนังสือ" in owner.say("แก้ลงวันที่เป็น 3 มี.ค. 2569")[0].text
    owner.say("แก้ลงวันที่เป็น 2 มี.ค. 2569")
    no_purpose = owner.say("ส่งต่อ 1 ให้ ตัวเอง")
    assert "ยังไม่ได้ระบุวัตถุประสงค์" in no_purpose[0].text and "เพื่อทราบ" in no_purpose[0].text
    assert "ไม่ใช่เลขรับของหนังสือฝึก" in owner.say("ส่งต่อ 7 ให้ ตัวเอง เพื่อทราบ")[0].text
    assert "ขั้นนี้ยังรอคำสั่ง" in owner.say("สวัสดีค่ะ")[0].text  # not a try: not counted
    owner.say("ส่งต่อ 1 ให้ ตัวเอง เพื่อทราบ")
    assert "ไม่ใช่งานของท่าน" in owner.say("รับทราบ 2")[0].text  # acknowledging the stray letter
    assert "กรุณาบอกเหตุผลให้ชัด" in owner.say("ไม่ใช่งานของฉัน 2 เพราะ ไม่ใช่")[0].text
    assert "เป็นงานที่ส่งถึงท่าน" in owner.say("ไม่ใช่งานของฉัน 1 เพราะไม่อยากทำเรื่องนี้เลย")[0].text
    owner.say("ไม่ใช่งานของฉัน 2 เพราะเป็นงานของจังหวัดระยองค่ะ")
    owner.say("รับทราบ 1")
    assert "ไม่พบหนังสือที่ต้องการ" in owner.say("ค้นหา ประชุมสภา")[0].text
    owner.say("ค้นหา เบิกจ่าย")
    assert "ยังไม่ถูกค่ะ" in owner.tap("เรื่องและผู้ส่ง")[0].text
    assert "ไม่ส่งเรื่อง ผู้ส่ง และเลขที่หนังสือเข้าแชต" in owner.text  # the rule is explained
    owner.tap("ด่วนที่สุด")
    done = owner.tap("4 ชั่วโมง")
    # right the first time: acknowledge only of the six steps; quiz: 1 of 3 → 2/9
    assert "ได้คะแนน 22%" in done[-1].text and "ลองใหม่ระหว่างฝึก 9 ครั้ง" in done[-1].text
    with runtime.read() as s:
        row = s.execute(select(TrainingProgress)).scalar_one()
        assert (row.score, row.mistakes) == (22, 9)
        assert len(s.execute(select(Event).where(Event.kind == "training.mistake")).scalars().all()) == 9


def test_cancel_leaves_the_practice_and_a_quiz_button_acts_once(runtime, link):
    owner = link("owner")
    owner.say("ฝึกใช้งาน")
    assert "ออกจากการฝึกใช้งานแล้ว" in owner.say("ยกเลิก")[0].text
    assert "ขั้นที่" not in owner.say(header())[0].text  # now a real paste: the normal intake answers
    owner.say("ยกเลิก")
    owner.say("ฝึกใช้งาน")
    owner.say(header())
    owner.say("แก้ลงวันที่เป็น 2 มี.ค. 2569")
    owner.say("ส่งต่อ 1 ให้ ตัวเอง เพื่อดำเนินการ")
    owner.say("ไม่ใช่งานของฉัน 2 เพราะเป็นงานของจังหวัดระยองค่ะ")
    owner.say("รับทราบ 1")
    first = owner.say("ค้นหา แหล่งน้ำ")
    choice = button(first, "ไม่แจ้งอะไรเลย")
    owner.press(choice)
    assert "ตอบไปแล้ว" in owner.press(choice)[0].text


def test_practice_numbers_never_mix_with_real_work(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    owner.say("ฝึกใช้งาน")
    owner.say(header())
    owner.say("แก้ลงวันที่เป็น 2 มี.ค. 2569")
    owner.say("ส่งต่อ 1 ให้ ตัวเอง เพื่อดำเนินการ")  # practice 1 now waits for the trainee
    owner.say("ยกเลิก")
    assert register(clerk, dev_case("dev-005-a")["text"]) == "1/2569"  # the real book starts at 1
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อทราบ")
    assert "รายการที่รอท่านรับทราบ 1 รายการ" in owner.say("งานของฉัน")[0].text
    owner.say("รับทราบ 1")  # the real letter only
    with runtime.read() as s:
        statuses = {lt.sandbox: lt.assignments[0].status for lt in s.execute(select(Letter)).unique().scalars()
                    if lt.assignments}
    assert statuses[False] == "acknowledged" and statuses[True] == "sent"


def test_training_is_private(runtime, link):
    owner = link("owner")
    group = Chat(runtime, owner.account, chat_id="C-g", is_group=True)
    assert "แชตส่วนตัว" in group.say("ฝึกใช้งาน")[0].text

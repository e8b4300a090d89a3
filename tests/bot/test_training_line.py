"""A new officer's whole practice over LINE (the real SDK against the fake LINE API): the worker's
reminder with its [เริ่มฝึกใช้งาน] button, every step typed as in daily work, a mistake explained,
the quiz by postback, the score on the indicator's roster; practice numbers say ฝึกหัด."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry import training
from registry.admin import PersonFields, create_person
from registry.events import Actor
from registry.models import OutboxMessage
from registry.timeutil import thai_date


def test_a_new_officer_is_reminded_and_practises_over_line(stack):
    runtime, clock = stack.runtime, stack.clock
    with runtime.transaction() as s:
        person_id = create_person(s, PersonFields(name="นางสาวใหม่ ฝึกงาน"), actor=Actor(None, "test"), clock=clock,
                                  roles=((stack.demo.unit("มท 0201"), "clerk"),)).id
    user = stack.line_user()
    stack.link("line", user.user_id, person_id)
    stack.deliver()
    user.new()  # the rich menu of linking, if any

    stack.channels.deliverer.schedule_reminders = True
    clock.advance(days=1, minutes=5)
    stack.deliver()  # queues the reminder
    stack.deliver()  # sends it
    reminder = user.new()
    assert "ยังไม่ได้ฝึกใช้งาน" in user.text_of(reminder)
    stack.channels.deliverer.schedule_reminders = False

    intro = user.press(user.button(reminder, "tr:go"))
    assert "ขั้นที่ 1/6" in user.text_of(intro)
    today = clock.now().astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    draft = user.say(training.practice_header(today))
    assert "ขั้นที่ 2/6" in user.text_of(draft) and "ฝึกหัด" in user.text_of(draft)
    wrong = user.say("แก้เรื่องเป็น ประชุมประจำเดือน")
    assert "ช่องนั้นอ่านถูกต้องแล้ว" in user.text_of(wrong)
    step3 = user.say(f"แก้ลงวันที่เป็น {thai_date(today, short=True)}")
    assert "ฝึกหัด 1/2569" in user.text_of(step3)
    step4 = user.say("ส่งต่อ 1 ให้ ตัวเอง เพื่อดำเนินการ")
    assert "ขั้นที่ 4/6" in user.text_of(step4) and "ฝึกหัด 2/2569" in user.text_of(step4)
    assert "ขั้นที่ 5/6" in user.text_of(user.say("ไม่ใช่งานของฉัน 2 เพราะเป็นเรื่องของจังหวัดระยองค่ะ"))
    assert "ขั้นที่ 6/6" in user.text_of(user.say("รับทราบ 1"))
    quiz = user.say("ค้นหา แหล่งน้ำ")
    assert "คำถามข้อ 1/3" in user.text_of(quiz)
    for label in ("เลขรับ ชั้นความเร็ว", "ด่วนที่สุด", "1 ชั่วโมง"):
        quiz = user.press(user.button(quiz, "tr:q:", label))
    assert "ได้คะแนน 89%" in user.text_of(quiz)  # one wrong try at step 2: 8 of 9

    with runtime.read() as s:
        row = {r.person_id: r for r in training.roster(s)}[person_id]
        assert (row.step, row.score, row.mistakes) == ("done", 89, 1)
        # practice sent no notices: the only pushes were the reminder (and the linking's rich menu)
        kinds = {m.kind for m in s.execute(select(OutboxMessage)).scalars()}
        assert kinds <= {"training_reminder", "richmenu"}
    clock.advance(days=10)
    with runtime.transaction() as s:
        assert training.enqueue_training_reminders(s, now=clock.now()) == 0  # passed: no more reminders

"""F5 training (indicator level 5): a guided practice on the sandbox books that checks what the
trainee did, explains mistakes and ends with a short quiz on the rules.

Steps (:data:`STEPS`): paste a practice header (ลงรับ) → correct the field the system "misread" →
forward the practice letter with a purpose (ส่งต่อ) → return a letter that is not theirs with a
reason (ไม่ใช่งานของฉัน) → acknowledge (รับทราบ) → find a letter by search (ค้นหา) → quiz (secrecy,
speed classes, deadlines). Each step is checked here (the chat only reads the message); a wrong
try is counted and explained, and the trainee tries again. The score is the share of the six
practical steps done right the first time plus the quiz answers right, in percent.

Practice letters go to the unit's sandbox books (``Book.sandbox``), which never mix with the
real registers: they have their own numbers (always shown with :data:`PRACTICE_MARK`), are left
out of searches, reports, audits, exports and completeness checks, and send no notices.

A person added as new (``registry.admin.create_person``) is flagged (``Person.training_due_at``)
and reminded by :func:`enqueue_training_reminders` (run with the other reminders by the worker)
until they pass. :func:`roster` feeds the indicator page (who, when, score).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.assignments import acknowledge, forward, get_letter, return_assignment
from registry.clock import Clock
from registry.commands import Forward, Recipient, RegisterIncoming, Registered
from registry.errors import InvalidInput
from registry.events import SYSTEM, Actor, append_event
from registry.intake import register_incoming
from registry.models import Assignment, Membership, OutboxMessage, Person, TrainingProgress
from registry.numbering import PRACTICE_MARK, display_number
from registry.outbox import notify_person
from registry.timeutil import BANGKOK, thai_date

STEPS = ("paste", "correct", "forward", "return", "acknowledge", "search", "quiz", "done")
PRACTICAL = STEPS[:6]
PRACTICE_SENDER = "ศูนย์ฝึกอบรมระบบสารบรรณ (หนังสือฝึก)"
PRACTICE_REF = "มท 0201.9/ว 99"
PRACTICE_SUBJECT = "ขอให้ทดลองลงรับ ส่งต่อ และรับทราบหนังสือในระบบสารบรรณ"
# the letter that is not the trainee's (step "return") and the one to find (step "search")
STRAY = dict(ref_no="รย 0017.3/ว 512", sender="สำนักงานจังหวัดระยอง (หนังสือฝึก)",
             subject="ขอเชิญประชุมคณะกรรมการป้องกันอุทกภัยจังหวัดระยอง")
TO_FIND = dict(ref_no="มท 0201.9/ว 100", sender=PRACTICE_SENDER,
               subject="รายงานผลการเบิกจ่ายงบประมาณโครงการพัฒนาแหล่งน้ำ")
FIND_WORDS = ("แหล่งน้ำ", "เบิกจ่าย", "งบประมาณ", "พัฒนาแหล่งน้ำ", "ผลการเบิกจ่าย")
MIN_REASON = 10  # characters: "ไม่ใช่" alone tells the clerk nothing
REMIND_EVERY = dt.timedelta(days=3)
MAX_REMINDERS = 3

# The quiz: (question, choices, index of the right one, why). Buttons carry the indexes only.
QUIZ: tuple[tuple[str, tuple[str, ...], int, str], ...] = (
    ("หนังสือชั้น “ลับ” ที่ส่งถึงท่าน แชตจะแสดงอะไร",
     ("เรื่องและผู้ส่ง", "เลขรับ ชั้นความเร็ว", "ไม่แจ้งอะไรเลย"), 1,
     "หนังสือลับ ลับมาก ลับที่สุด ระบบไม่ส่งเรื่อง ผู้ส่ง และเลขที่หนังสือเข้าแชตเด็ดขาด แชตแสดงเพียงเลขรับ "
     "ชั้นความเร็ว และให้รับเอกสารตัวจริง (ระเบียบว่าด้วยการรักษาความลับของทางราชการ)"),
    ("ชั้นความเร็วใดต้องปฏิบัติทันที",
     ("ด่วน", "ด่วนมาก", "ด่วนที่สุด"), 2,
     "ลำดับชั้นความเร็วคือ ปกติ < ด่วน < ด่วนมาก < ด่วนที่สุด หนังสือด่วนที่สุดต้องปฏิบัติทันทีที่ได้รับ "
     "(รหัสแลกเปลี่ยน 004)"),
    ("ส่งต่อหนังสือด่วนที่สุด เจ้าของเรื่องต้องรับทราบภายในเท่าใด",
     ("1 ชั่วโมง", "4 ชั่วโมง", "1 วันทำการ"), 0,
     "กำหนดรับทราบตามชั้นความเร็ว: ด่วนที่สุด 1 ชั่วโมง ด่วนมาก 4 ชั่วโมง ด่วน 1 วันทำการ ปกติ 3 วันทำการ "
     "เลยกำหนดแล้วระบบเตือนเจ้าของเรื่อง และแจ้งผู้ส่งต่อกับหัวหน้าหน่วยงาน"),
)


@dataclass(frozen=True)
class Mistake:
    """The trainee did something other than the step asks: counted (kept, not rolled back like an
    error would be) and explained; they try the same step again."""

    step: str
    explain: str


@dataclass(frozen=True)
class StepDone:
    step: str  # the step just done
    next_step: str
    number: str | None = None  # the practice number concerned, marked ฝึกหัด
    letter_id: int | None = None
    assignment_id: int | None = None
    first_try: bool = True


def practice_number(display_no: str) -> str:
    """A practice number as it is shown everywhere (registry.numbering writes sandbox numbers so)."""
    return display_no if display_no.startswith(PRACTICE_MARK) else f"{PRACTICE_MARK} {display_no}"


def short_number(display_no: str) -> str:
    """What a trainee types for a practice number: ``15`` of ``ฝึกหัด 15/2569``."""
    return display_no.replace(PRACTICE_MARK, "").strip().split("/")[0]


def practice_header(today: dt.date) -> str:
    """The letter header a trainee pastes, as it would arrive from a real agency."""
    return f"ที่ {PRACTICE_REF}\nลงวันที่ {thai_date(today)}\nจาก {PRACTICE_SENDER}\nเรื่อง {PRACTICE_SUBJECT}"


def misread_date(today: dt.date) -> dt.date:
    """The date the system "misreads" in step 2: the year's last two digits swapped, as OCR does."""
    be = today.year + 543
    swapped = int(str(be)[:2] + str(be)[3] + str(be)[2]) - 543
    if swapped == today.year:  # a year like 2566 reads the same swapped: take ten years on instead
        swapped += 10
    try:
        return today.replace(year=swapped)
    except ValueError:  # 29 February
        return today.replace(year=swapped, day=28)


def progress(session: Session, person_id: int) -> TrainingProgress | None:
    return session.execute(select(TrainingProgress).where(TrainingProgress.person_id == person_id)).scalar_one_or_none()


def start(session: Session, person_id: int, *, actor: Actor, now: dt.datetime) -> TrainingProgress:
    """Begin (or begin again) the practice; a finished one keeps its completion date and score
    until the new one is finished."""
    row = progress(session, person_id)
    if row is None:
        row = TrainingProgress(person_id=person_id, step="paste", started_at=now, mistakes=0)
        session.add(row)
    row.step, row.mistakes, row.started_at = "paste", 0, now
    row.data = {"firsts": [], "quiz": []}
    session.flush()
    append_event(session, kind="training.started", entity="person", entity_id=person_id, actor=actor, at=now,
                 data={"step": row.step, "again": row.completed_at is not None})
    return row


def practice_unit(session: Session, person_id: int) -> int:
    unit_id = session.execute(select(Membership.unit_id).where(Membership.person_id == person_id)
                              .order_by(Membership.id).limit(1)).scalar_one_or_none()
    if unit_id is None:
        raise InvalidInput("unit", "ยังไม่ได้กำหนดหน่วยงานของท่าน กรุณาติดต่อผู้ดูแลระบบ")
    return unit_id


def _require(session: Session, person_id: int, step: str | None = None) -> TrainingProgress:
    row = progress(session, person_id)
    if row is None or row.data is None:
        raise InvalidInput("training", "ยังไม่ได้เริ่มการฝึก กรุณาพิมพ์ “ฝึกใช้งาน” เพื่อเริ่ม")
    if step is not None and row.step != step:
        raise InvalidInput("training", "ขั้นนี้ทำไปแล้วค่ะ กรุณาทำขั้นถัดไป หรือพิมพ์ “ฝึกใช้งาน” เพื่อเริ่มใหม่")
    return row


def mistake(session: Session, person_id: int, step: str, what: str, *, actor: Actor, now: dt.datetime) -> None:
    """Count a wrong try at *step* (its explanation is the caller's to show)."""
    row = _require(session, person_id, step)
    row.mistakes += 1
    data = dict(row.data)
    data["missed"] = sorted(set(data.get("missed", [])) | {step})
    row.data = data
    append_event(session, kind="training.mistake", entity="person", entity_id=person_id, actor=actor, at=now,
                 data={"step": step, "what": what})


def _advance(session: Session, row: TrainingProgress, step: str, *, actor: Actor, now: dt.datetime, **extra) -> bool:
    first = step not in (row.data or {}).get("missed", [])
    data = dict(row.data or {})
    data.update(extra)
    if first:
        data["firsts"] = [*data.get("firsts", []), step]
    row.data = data
    row.step = STEPS[STEPS.index(step) + 1]
    append_event(session, kind="training.step", entity="person", entity_id=row.person_id, actor=actor, at=now,
                 data={"step": step, "first_try": first, "next": row.step})
    return first


# --- the six practical steps -------------------------------------------------------------------------

def check_pasted(fields: dict[str, object]) -> list[str]:
    """What a pasted header lacks compared with the practice header (Thai field names; empty = right)."""
    missing = []
    if fields.get("ref_no") != PRACTICE_REF:
        missing.append("“ที่” (เลขที่หนังสือ)")
    if fields.get("sender") != PRACTICE_SENDER:
        missing.append("“จาก” (ผู้ส่ง)")
    if not fields.get("subject") or not PRACTICE_SUBJECT.startswith(str(fields["subject"])[:10]):
        missing.append("“เรื่อง”")
    if not fields.get("letter_date"):
        missing.append("“ลงวันที่”")
    return missing


def pasted(session: Session, person_id: int, fields: dict[str, object], *, actor: Actor,
           now: dt.datetime) -> StepDone | Mistake:
    """Step 1: the header was pasted; a Mistake names what is missing."""
    row = _require(session, person_id, "paste")
    missing = check_pasted(fields)
    if missing:
        mistake(session, person_id, "paste", "missing " + ",".join(missing), actor=actor, now=now)
        return Mistake("paste", "ข้อความที่วางยังไม่ครบ: ไม่พบ " + " ".join(missing) +
                              " ของหนังสือฝึก ในงานจริงให้คัดลอกหัวหนังสือทั้งหมด (ที่ ลงวันที่ จาก เรื่อง) "
                              "แล้ววางในแชตทีเดียว กรุณาคัดลอกหัวหนังสือฝึกด้านบนแล้ววางอีกครั้งค่ะ")
    first = _advance(session, row, "paste", actor=actor, now=now)
    return StepDone("paste", row.step, first_try=first)


def corrected(session: Session, person_id: int, field: str | None, value: object, *, actor: Actor,
              clock: Clock) -> StepDone | Mistake:
    """Step 2: the trainee corrected *field* to *value* (a date for ลงวันที่). Only ลงวันที่ was
    misread; correcting another field, or to another date, is explained. When right, the practice
    letter is registered in the sandbox book."""
    now = clock.now()
    row = _require(session, person_id, "correct")
    today = now.astimezone(BANGKOK).date()
    if field != "letter_date":
        mistake(session, person_id, "correct", f"field {field}", actor=actor, now=now)
        return Mistake("correct", "ช่องนั้นอ่านถูกต้องแล้วค่ะ ลองเทียบทีละช่องกับหัวหนังสือที่วาง "
                              "โดยเฉพาะวันที่และปี พ.ศ. ซึ่งอ่านผิดบ่อย (เช่น 2569 กลายเป็น 2596) "
                              "แล้วพิมพ์ “แก้ลงวันที่เป็น <วันที่ที่ถูกต้อง>”")
    if value != today:
        mistake(session, person_id, "correct", f"date {value}", actor=actor, now=now)
        shown = thai_date(value) if isinstance(value, dt.date) else str(value)
        return Mistake("correct", f"วันที่ {shown} ยังไม่ตรงกับหัวหนังสือค่ะ หัวหนังสือฝึกลงวันที่ "
                              f"{thai_date(today)} ตรวจวัน เดือน และปี พ.ศ. ให้ตรงแล้วแก้อีกครั้ง")
    reg = register_incoming(session, RegisterIncoming(
        unit_id=practice_unit(session, person_id), sandbox=True, ref_no=PRACTICE_REF, letter_date=today,
        sender=PRACTICE_SENDER, subject=PRACTICE_SUBJECT), actor=actor, clock=clock)
    first = _advance(session, row, "correct", actor=actor, now=now, letter_id=reg.letter_id, number=reg.display_no)
    return StepDone("correct", row.step, practice_number(reg.display_no), reg.letter_id, first_try=first)


def forwarded(session: Session, person_id: int, number: str | None, purpose: str | None, *, actor: Actor,
              clock: Clock) -> StepDone | Mistake:
    """Step 3: ``ส่งต่อ <number> ให้ <ตนเอง> เพื่อ…``: the right practice number and a purpose.
    Then a second practice letter, one that is not the trainee's, is forwarded to them."""
    now = clock.now()
    row = _require(session, person_id, "forward")
    want = row.data["number"]
    if not same_number(number, want):
        mistake(session, person_id, "forward", f"number {number}", actor=actor, now=now)
        return Mistake("forward", f"เลข {number or '(ไม่ได้ระบุ)'} ไม่ใช่เลขรับของหนังสือฝึกค่ะ "
                              f"ส่งต่อต้องระบุเลขรับที่เพิ่งได้ คือ {practice_number(want)} "
                              f"เช่น “ส่งต่อ {short_number(want)} ให้ ตัวเอง เพื่อดำเนินการ”")
    if purpose is None:
        mistake(session, person_id, "forward", "no purpose", actor=actor, now=now)
        return Mistake("forward", "ยังไม่ได้ระบุวัตถุประสงค์ค่ะ การส่งต่อต้องบอกว่าส่ง “เพื่อทราบ” "
                              "“เพื่อพิจารณา” “เพื่อดำเนินการ” หรือ “เพื่อลงนาม” เจ้าของเรื่องจึงรู้ว่าต้องทำอะไร "
                              "และระบบนับกำหนดรับทราบได้ ลองพิมพ์ใหม่โดยเติมวัตถุประสงค์ต่อท้าย")
    letter_id = row.data["letter_id"]
    fw = forward(session, Forward(letter_id, (Recipient(person_id=person_id),), purpose, "ฝึกส่งต่อ"),
                 actor=actor, clock=clock)
    stray = _practice_letter(session, person_id, STRAY, actor=actor, clock=clock)
    stray_fw = forward(session, Forward(stray.letter_id, (Recipient(person_id=person_id),), "act",
                                        "ฝึก: หนังสือที่ส่งมาผิดคน"), actor=actor, clock=clock)
    first = _advance(session, row, "forward", actor=actor, now=now, assignment_id=fw.assignment_ids[0],
                     purpose=purpose, stray_letter_id=stray.letter_id, stray_number=stray.display_no,
                     stray_assignment_id=stray_fw.assignment_ids[0])
    return StepDone("forward", row.step, practice_number(stray.display_no), stray.letter_id,
                    stray_fw.assignment_ids[0], first_try=first)


def returned(session: Session, person_id: int, number: str | None, reason: str | None, *, actor: Actor,
             clock: Clock) -> StepDone | Mistake:
    """Step 4: ``ไม่ใช่งานของฉัน <number> เพราะ <reason>`` on the stray letter, with a real reason."""
    now = clock.now()
    row = _require(session, person_id, "return")
    want = row.data["stray_number"]
    if same_number(number, row.data["number"]):
        mistake(session, person_id, "return", "returned own letter", actor=actor, now=now)
        return Mistake("return", f"{practice_number(row.data['number'])} เป็นงานที่ส่งถึงท่านเพื่อดำเนินการค่ะ "
                              f"หนังสือที่ส่งมาผิดคนคือ {practice_number(want)} (เรื่องของจังหวัดระยอง)")
    if not same_number(number, want):
        mistake(session, person_id, "return", f"number {number}", actor=actor, now=now)
        return Mistake("return", f"เลข {number or '(ไม่ได้ระบุ)'} ไม่ใช่หนังสือที่ส่งมาผิดคนค่ะ "
                              f"หนังสือนั้นคือ {practice_number(want)}")
    if reason is None or len(reason.strip()) < MIN_REASON:
        mistake(session, person_id, "return", "no reason", actor=actor, now=now)
        return Mistake("return", "กรุณาบอกเหตุผลให้ชัดค่ะ เจ้าหน้าที่สารบรรณจะใช้เหตุผลนี้ส่งต่อใหม่ให้ถูกคน "
                              f"เช่น “ไม่ใช่งานของฉัน {short_number(want)} เพราะเป็นเรื่องป้องกันอุทกภัย "
                              "ของฝ่ายป้องกันและบรรเทาสาธารณภัย”")
    return_assignment(session, row.data["stray_assignment_id"], reason, actor=actor, clock=clock)
    first = _advance(session, row, "return", actor=actor, now=now)
    return StepDone("return", row.step, practice_number(row.data["number"]), row.data["letter_id"],
                    row.data["assignment_id"], first_try=first)


def acknowledged(session: Session, person_id: int, number: str | None, *, actor: Actor,
                 clock: Clock) -> StepDone | Mistake:
    """Step 5: ``รับทราบ <number>`` on the letter forwarded to the trainee in step 3. Then the
    letter to find in step 6 is registered."""
    now = clock.now()
    row = _require(session, person_id, "acknowledge")
    want = row.data["number"]
    if same_number(number, row.data["stray_number"]):
        mistake(session, person_id, "acknowledge", "acknowledged the returned letter", actor=actor, now=now)
        return Mistake("acknowledge", f"{practice_number(row.data['stray_number'])} ท่านส่งคืนไปแล้วค่ะ "
                              f"หนังสือที่ต้องรับทราบคือ {practice_number(want)} ที่ส่งถึงท่านเพื่อดำเนินการ")
    if not same_number(number, want):
        mistake(session, person_id, "acknowledge", f"number {number}", actor=actor, now=now)
        return Mistake("acknowledge", f"เลข {number or '(ไม่ได้ระบุ)'} ไม่ใช่หนังสือที่ส่งถึงท่านค่ะ "
                              f"ให้รับทราบ {practice_number(want)}")
    acknowledge(session, row.data["assignment_id"], actor=actor, clock=clock)
    found = _practice_letter(session, person_id, TO_FIND, actor=actor, clock=clock)
    first = _advance(session, row, "acknowledge", actor=actor, now=now, find_letter_id=found.letter_id,
                     find_number=found.display_no)
    return StepDone("acknowledge", row.step, first_try=first)


def searched(session: Session, person_id: int, query: str | None, *, actor: Actor,
             now: dt.datetime) -> StepDone | Mistake:
    """Step 6: ``ค้นหา <words>`` finds the practice letter about แหล่งน้ำ (its subject's words, its
    number or its ที่)."""
    row = _require(session, person_id, "search")
    words = " ".join((query or "").split())
    number = row.data["find_number"]
    hit = bool(words) and (words in TO_FIND["subject"] or words == TO_FIND["ref_no"]
                           or same_number(words, number))
    if not hit:
        mistake(session, person_id, "search", f"query {words!r}", actor=actor, now=now)
        return Mistake("search", f"ค้นหา “{words}” ไม่พบหนังสือที่ต้องการค่ะ ให้ค้นด้วยคำที่อยู่ในชื่อเรื่อง "
                              "เช่น “ค้นหา แหล่งน้ำ” หรือ “ค้นหา เบิกจ่าย” (ค้นด้วยเลขรับ เลขที่หนังสือ หรือผู้ส่งก็ได้)")
    first = _advance(session, row, "search", actor=actor, now=now)
    return StepDone("search", row.step, practice_number(number), row.data["find_letter_id"], first_try=first)


def _practice_letter(session: Session, person_id: int, what: dict, *, actor: Actor, clock: Clock) -> Registered:
    return register_incoming(session, RegisterIncoming(
        unit_id=practice_unit(session, person_id), sandbox=True, letter_date=clock.now().astimezone(BANGKOK).date(),
        **what), actor=actor, clock=clock)


def same_number(typed: object, display_no: str) -> bool:
    """``15``, ``15/2569`` and ``ฝึกหัด 15/2569`` all name practice number 15/2569."""
    if typed is None:
        return False
    text = re.sub(r"\s+", "", str(typed).replace(PRACTICE_MARK, ""))
    full = re.sub(r"\s+", "", display_no.replace(PRACTICE_MARK, ""))
    return text in (full, short_number(display_no))


# --- the quiz and the result ---------------------------------------------------------------------------

@dataclass(frozen=True)
class QuizAnswer:
    question: int
    right: bool
    why: str
    finished: TrainingProgress | None  # set once the last question is answered


def answer_quiz(session: Session, person_id: int, question: int, choice: int, *, actor: Actor,
                now: dt.datetime) -> QuizAnswer:
    """One quiz answer; questions are answered in order and each once. The last one completes the
    practice and records its score."""
    row = _require(session, person_id, "quiz")
    answers = list(row.data.get("quiz", []))
    if question != len(answers) or not 0 <= question < len(QUIZ):
        raise InvalidInput("training", "ข้อนี้ตอบไปแล้วค่ะ กรุณาตอบข้อถัดไป")
    _, choices, right_index, why = QUIZ[question]
    if not 0 <= choice < len(choices):
        raise InvalidInput("training", "ไม่มีตัวเลือกนี้ค่ะ")
    right = choice == right_index
    answers.append(right)
    row.data = {**row.data, "quiz": answers}
    append_event(session, kind="training.quiz", entity="person", entity_id=person_id, actor=actor, at=now,
                 data={"question": question, "choice": choice, "right": right})
    finished = None
    if len(answers) == len(QUIZ):
        finished = _complete(session, row, actor=actor, now=now)
    return QuizAnswer(question, right, why, finished)


def score_of(data: dict) -> int:
    points = len(set(data.get("firsts", [])) & set(PRACTICAL)) + sum(1 for a in data.get("quiz", []) if a)
    return round(100 * points / (len(PRACTICAL) + len(QUIZ)))


def _complete(session: Session, row: TrainingProgress, *, actor: Actor, now: dt.datetime) -> TrainingProgress:
    row.step = "done"
    first = row.completed_at is None
    row.completed_at = now
    row.score = score_of(row.data)
    append_event(session, kind="training.completed", entity="person", entity_id=row.person_id, actor=actor, at=now,
                 data={"first_completion": first, "score": row.score, "mistakes": row.mistakes})
    return row


def completions(session: Session, *, since: dt.datetime | None = None) -> int:
    """How many people have completed the practice (for the indicator report, level 5)."""
    query = select(func.count(TrainingProgress.id)).where(TrainingProgress.completed_at.is_not(None))
    if since is not None:
        query = query.where(TrainingProgress.completed_at >= since)
    return session.execute(query).scalar_one()


# --- new people: flagged and reminded ------------------------------------------------------------------

def flag_new_person(session: Session, person: Person, *, actor: Actor, now: dt.datetime) -> None:
    """A person added as new must take the practice: flagged now, reminded until they pass."""
    person.training_due_at = now
    append_event(session, kind="training.flagged", entity="person", entity_id=person.id, actor=actor, at=now,
                 data={"due_at": now})


def waiting(session: Session) -> list[Person]:
    """Active people flagged for training who have not passed it yet."""
    return list(session.execute(
        select(Person).outerjoin(TrainingProgress, TrainingProgress.person_id == Person.id)
        .where(Person.training_due_at.is_not(None), Person.active.is_(True), TrainingProgress.completed_at.is_(None))
        .order_by(Person.id)).scalars())


def enqueue_training_reminders(session: Session, *, now: dt.datetime) -> int:
    """Remind each flagged person who has not passed yet: one day after being flagged, then every
    :data:`REMIND_EVERY`, at most :data:`MAX_REMINDERS` times. Stateless and idempotent: the n-th
    reminder's dedupe key is fixed, so two workers or a rerun queue it once."""
    queued = 0
    for person in waiting(session):
        since = now - person.training_due_at
        if since < dt.timedelta(days=1):
            continue
        n = min((since - dt.timedelta(days=1)) // REMIND_EVERY, MAX_REMINDERS - 1)
        key = f"training:{person.id}:{n}"
        if session.execute(select(OutboxMessage.id).where(OutboxMessage.dedupe_key.startswith(f"{key}:"))
                           .limit(1)).first() is not None:
            continue  # this reminder was queued already (by this worker or another)
        sent = notify_person(session, person.id, kind="training_reminder", at=now,
                             dedupe_key=key,
                             payload={"person_id": person.id, "reminder": n + 1, "of": MAX_REMINDERS})
        if sent:
            append_event(session, kind="training.reminded", entity="person", entity_id=person.id, actor=SYSTEM,
                         at=now, data={"reminder": n + 1})
            queued += 1
    return queued


@dataclass(frozen=True)
class RosterRow:
    person_id: int
    name: str
    step: str | None  # None: flagged, not started
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    score: int | None
    mistakes: int
    flagged_at: dt.datetime | None


def roster(session: Session) -> list[RosterRow]:
    """Who trained, when and with what score; then who is flagged and has not started (indicator level 5)."""
    rows = session.execute(
        select(Person, TrainingProgress).outerjoin(TrainingProgress, TrainingProgress.person_id == Person.id)
        .where((TrainingProgress.id.is_not(None)) | (Person.training_due_at.is_not(None) & Person.active.is_(True)))
        .order_by(TrainingProgress.completed_at.is_(None), TrainingProgress.completed_at, Person.id)).all()
    return [RosterRow(p.id, p.name, t.step if t else None, t.started_at if t else None, t.completed_at if t else None,
                      t.score if t else None, t.mistakes if t else 0, p.training_due_at) for p, t in rows]


def assignment_number(session: Session, assignment_id: int) -> str:
    a = session.get(Assignment, assignment_id)
    letter = get_letter(session, a.letter_id)
    return practice_number(display_number(letter.registration.book, letter.registration.number))

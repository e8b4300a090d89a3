"""ฝึกใช้งาน (F5): a guided practice on the sandbox books that checks each step and explains mistakes.

While the practice is open (conversation flow ``training``) every typed message is read as the
trainee's try at the current step — the same words as daily work (a pasted header, “แก้ลงวันที่เป็น
…”, “ส่งต่อ 1 ให้ ตัวเอง เพื่อดำเนินการ”, “ไม่ใช่งานของฉัน 2 เพราะ …”, “รับทราบ 1”, “ค้นหา …”) — and
``registry.training`` checks it: right, the next step is explained; wrong, what went wrong and how
to do it. Then three quiz questions with buttons (``tr:q:<question>:<choice>``). “ยกเลิก” leaves
the practice (it can be started again with “ฝึกใช้งาน”). Practice numbers are always shown as
“ฝึกหัด <เลข>”.

    ฝึกใช้งาน → [paste] → [correct] → [forward] → [return] → [acknowledge] → [search] → [quiz ×3] → done
"""

from __future__ import annotations

import re

from handlers import payloads, texts
from handlers.context import Ctx, say
from handlers.models import Button, Card, Field, Reply
from registry import training
from registry.commands import PURPOSE_TH
from registry.timeutil import thai_date

FLOW = "training"
T = texts.TRAINING
_REASON = re.compile(r"(?:เพราะ|เนื่องจาก|เหตุผล)\s*(.+)$", re.S)


def start(ctx: Ctx) -> list[Reply]:
    training.start(ctx.session, ctx.person.id, actor=ctx.actor, now=ctx.now)
    ctx.save(FLOW, {})
    return [say(T["intro"]), _ask(ctx, "paste")]


def typed(ctx: Ctx, result=None, text: str = "") -> list[Reply]:
    """ฝึกใช้งาน: the score is recorded per person, so 1:1 chats only."""
    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    return start(ctx)


def _ask(ctx: Ctx, step: str, row=None) -> Reply:
    """The instruction for *step* (with what the trainee needs to do it)."""
    row = row or training.progress(ctx.session, ctx.person.id)
    data = row.data or {}
    number = lambda key: training.practice_number(data[key])  # noqa: E731
    if step == "paste":
        return say(T["paste"].format(header=training.practice_header(ctx.today)))
    if step == "correct":
        return _draft(ctx)
    if step == "forward":
        return say(T["forward"].format(number=number("number"), n=training.short_number(data["number"])))
    if step == "return":
        return say(T["return"].format(number=number("stray_number"), n=training.short_number(data["stray_number"])),
                   card=_card(T["stray_title"].format(number=number("stray_number")), training.STRAY, ctx))
    if step == "acknowledge":
        return say(T["acknowledge"].format(number=number("number"), n=training.short_number(data["number"])))
    if step == "search":
        return say(T["search"])
    if step == "quiz":
        return _question(len(data.get("quiz", [])))
    return say(T["done"].format(score=row.score or 0, mistakes=row.mistakes))


def _card(title: str, letter: dict, ctx: Ctx, *, date=None) -> Card:
    return Card(title, fields=(Field("ที่", letter["ref_no"]), Field("ลงวันที่", thai_date(date or ctx.today)),
                               Field("จาก", letter["sender"]), Field("เรื่อง", letter["subject"])),
                badges=(training.PRACTICE_MARK,), footer=T["sandbox_note"], tone="warning")


def _draft(ctx: Ctx) -> Reply:
    """Step 2: the header as the system "read" it, with the date misread."""
    letter = {"ref_no": training.PRACTICE_REF, "sender": training.PRACTICE_SENDER, "subject": training.PRACTICE_SUBJECT}
    return say(T["correct"], card=_card(T["draft_title"], letter, ctx, date=training.misread_date(ctx.today)))


def _question(index: int) -> Reply:
    question, choices, _, _ = training.QUIZ[index]
    return say(T["quiz"].format(n=index + 1, of=len(training.QUIZ), question=question),
               quick=tuple(Button(choice, payloads.make("tr", "q", index, i)) for i, choice in enumerate(choices)))


def on_text(ctx: Ctx, state, text: str, result) -> list[Reply]:
    """A typed message while the practice is open: the try at the current step."""
    from nlp.replies import understand

    if result.intent == "cancel":
        ctx.clear()
        return [say(T["left"])]
    if result.intent == "training":
        return start(ctx)
    row = training.progress(ctx.session, ctx.person.id)
    if row is None or row.data is None or row.step == "done":
        ctx.clear()
        return [say(T["left"])]
    ctx.save(FLOW, {})  # keep the practice open (its expiry runs from the last message)
    step, who = row.step, dict(actor=ctx.actor)
    if step == "paste":
        fields = {k: result.value(k) for k in ("ref_no", "sender", "subject", "letter_date")}
        if not any(fields.values()):  # no header at all (a greeting, a question): not a try
            return [_hint(ctx, row, "paste")]
        done = training.pasted(ctx.session, ctx.person.id, fields, **who, now=ctx.now)
    elif step == "correct":
        u = understand(text, open="confirm", parsed=result)
        field, value = (u.field, u.value) if u.action == "edit" else (None, None)
        if field is None and result.letter_date is not None:  # typed the date line alone: “ลงวันที่ 6 ธ.ค. 2569”
            field, value = "letter_date", result.value("letter_date")
        if field is None:  # not a correction at all: not a try
            return [_hint(ctx, row, "correct")]
        if field == "letter_date" and value is not None:
            value = _date(str(value), ctx)
        done = training.corrected(ctx.session, ctx.person.id, field, value, **who, clock=ctx.clock)
    elif step == "forward":
        if result.intent != "forward":
            return [_hint(ctx, row, "forward")]
        done = training.forwarded(ctx.session, ctx.person.id, result.value("number"), result.value("purpose"), **who,
                                  clock=ctx.clock)
    elif step == "return":
        if result.intent == "acknowledge":
            done = training.returned(ctx.session, ctx.person.id, result.value("number"), None, **who, clock=ctx.clock)
            if isinstance(done, training.Mistake) and training.same_number(result.value("number"),
                                                                            row.data["stray_number"]):
                done = training.Mistake("return", T["ack_stray"])
        elif result.intent != "reject":
            return [_hint(ctx, row, "return")]
        else:
            m = _REASON.search(text)
            done = training.returned(ctx.session, ctx.person.id, result.value("number"),
                                     m.group(1).strip() if m else None, **who, clock=ctx.clock)
    elif step == "acknowledge":
        if result.intent != "acknowledge":
            return [_hint(ctx, row, "acknowledge")]
        done = training.acknowledged(ctx.session, ctx.person.id, result.value("number"), **who, clock=ctx.clock)
    elif step == "search":
        if result.intent != "search":
            return [_hint(ctx, row, "search")]
        done = training.searched(ctx.session, ctx.person.id, result.value("query"), **who, now=ctx.now)
    else:  # the quiz is answered with its buttons
        return [say(T["use_buttons"]), _ask(ctx, step, row)]
    return _after(ctx, done)


def _hint(ctx: Ctx, row, step: str) -> Reply:
    """Something that is not a try at this step at all (chatter, another command): say what the step wants."""
    return say(T["not_this_step"] + "\n\n" + _ask(ctx, step, row).text, card=_ask(ctx, step, row).card)


def _date(value: str, ctx: Ctx):
    from nlp.dates import DateError, parse_date

    try:
        return parse_date(value, today=ctx.today)
    except (DateError, ValueError):
        return value


def _after(ctx: Ctx, done) -> list[Reply]:
    if isinstance(done, training.Mistake):
        return [say(T["mistake"].format(explain=done.explain))]
    row = training.progress(ctx.session, ctx.person.id)
    praise = T["right"] if done.first_try else T["right_now"]
    out = [say(praise + " " + T["why"][done.step].format(
        number=done.number or "", purpose=PURPOSE_TH.get((row.data or {}).get("purpose"), "")))]
    out.append(_ask(ctx, done.next_step, row))
    return out


def button(ctx: Ctx, *args) -> list[Reply]:
    """A quiz answer (``tr:q:<question>:<choice>``; a second press of the same question is told so),
    or ``tr:go`` (the reminder's button) to start."""
    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    if args and args[0] == "go":  # the reminder's button
        return start(ctx)
    row = training.progress(ctx.session, ctx.person.id)
    if not args or args[0] != "q" or len(args) != 3 or row is None or row.step != "quiz":
        return [say(T["step_done"] if row is not None else texts.STALE_BUTTON)]
    answer = training.answer_quiz(ctx.session, ctx.person.id, int(args[1]), int(args[2]), actor=ctx.actor,
                                  now=ctx.now)
    verdict = T["quiz_right"] if answer.right else T["quiz_wrong"]
    out = [say(f"{verdict} {answer.why}")]
    if answer.finished is not None:
        ctx.clear()
        out.append(say(T["done"].format(score=answer.finished.score, mistakes=answer.finished.mistakes)))
    else:
        out.append(_question(answer.question + 1))
    return out

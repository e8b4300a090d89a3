"""รับทราบ / ไม่ใช่งานของฉัน (with a reason) / ปิดเรื่อง — by button or by typing with the number.

Identity-bound: only in a 1:1 chat. A second press (or an old button) acts at most once: the
register raises AlreadyDone / InvalidTransition and the owner is told politely.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from handlers import payloads, texts
from handlers.cards import number_of
from handlers.context import Ctx, say
from handlers.cards import label
from handlers.lookup import letters_by_number, split_number
from handlers.models import Button, Reply
from registry.assignments import acknowledge as registry_acknowledge
from registry.assignments import close_letter, get_letter, return_assignment
from registry.errors import AlreadyDone, AssignmentNotFound, PermissionDenied
from registry.lifecycle import ACTION_TH
from registry.models import Assignment, Letter
from registry import access
from registry.access import may_answer
from registry.timeutil import thai_datetime


def _private(ctx: Ctx) -> list[Reply] | None:
    return [say(texts.PRIVATE_ONLY)] if ctx.inbound.is_group else None


def assignment_letter(ctx: Ctx, a: Assignment) -> Letter:
    """The letter as the recipient knows it: a unit recipient's own registration, else the sender's."""
    return get_letter(ctx.session, a.unit_letter_id or a.letter_id)


def pending_for(ctx: Ctx, *, statuses: tuple[str, ...] = ("sent",)) -> list[Assignment]:
    people = ctx.viewer.people
    units = ctx.units_for(access.ANSWER)
    cond = [Assignment.person_id.in_(people)]
    if units:
        cond.append(Assignment.unit_id.in_(units))
    return list(ctx.session.execute(  # practice letters (F5 sandbox) are answered in the tutorial only
        select(Assignment).join(Letter, Letter.id == Assignment.letter_id)
        .where(Assignment.status.in_(statuses), or_(*cond), Letter.sandbox.is_(False))
        .order_by(Assignment.due_at, Assignment.id)
    ).unique().scalars())


def _matching(ctx: Ctx, number: str, statuses: tuple[str, ...]) -> list[Assignment]:
    parsed = split_number(number)
    if parsed is None:
        return []
    n, year = parsed
    out = []
    for a in pending_for(ctx, statuses=statuses):
        letter = assignment_letter(ctx, a)
        reg = letter.registration
        if reg is not None and reg.number == n and (year is None or reg.book.year == year):
            out.append(a)
    if year is None and len(out) > 1:  # the newest book wins when no year was typed
        newest = max(assignment_letter(ctx, a).registration.book.year for a in out)
        out = [a for a in out if assignment_letter(ctx, a).registration.book.year == newest]
    return out


# --- acknowledge -------------------------------------------------------------------------------

def ack_assignment(ctx: Ctx, assignment_id: int) -> list[Reply]:
    if (refused := _private(ctx)) is not None:
        return refused
    try:
        with ctx.session.begin_nested():
            a = registry_acknowledge(ctx.session, assignment_id, actor=ctx.actor, clock=ctx.clock)
    except AlreadyDone:
        a = ctx.session.get(Assignment, assignment_id)
        return [say(texts.ALREADY_ANSWERED.format(action=ACTION_TH["acknowledge"],
                                                  number=number_of(assignment_letter(ctx, a))))]
    letter = assignment_letter(ctx, a)
    quick: list[Button] = [Button(texts.BUTTON["status"], payloads.make("st", letter.id))]
    if a.role == "principal":
        quick.insert(0, Button(texts.BUTTON["close"], payloads.make("cl", a.letter_id)))
    return [say(texts.ACKNOWLEDGED.format(number=number_of(letter), at=thai_datetime(a.acknowledged_at)),
                quick=quick)]


def typed_ack(ctx: Ctx, result: Any, text: str = "") -> list[Reply]:
    number = result.value("number")
    return reply_ack(ctx, str(number) if number is not None else None)


def reply_ack(ctx: Ctx, number: str | None, *, said_yes: bool = False) -> list[Reply]:
    """รับทราบ typed, with or without the number. Without it: the one item waiting is
    acknowledged; two or more are asked back with a button each (never a guess). A bare yes
    (``โอเค``) with nothing to confirm asks even for one item."""
    if (refused := _private(ctx)) is not None:
        return refused
    if number is not None:
        return _ack_number(ctx, number)
    pending = pending_for(ctx)
    if not pending:
        return [say(texts.NOTHING_TO_CONFIRM if said_yes else texts.MY_TASKS_NONE)]
    if len(pending) == 1 and not said_yes:
        return ack_assignment(ctx, pending[0].id)
    return [ask_which(ctx, pending)]


def ask_which(ctx: Ctx, pending: list[Assignment]) -> Reply:
    """Which of these did you mean: one card per waiting item, each with its [รับทราบ]."""
    from handlers.my_tasks import assignment_item

    items = tuple(assignment_item(ctx, a) for a in pending[:10])
    numbers = ", ".join(number_of(assignment_letter(ctx, a)) for a in pending[:10])
    text = texts.ASK_WHICH_ACK.format(count=len(pending), numbers=numbers)
    quick = tuple(Button(label(f"{texts.BUTTON['ack']} {number_of(assignment_letter(ctx, a))}"),
                         payloads.make("ack", a.id)) for a in pending[:5])
    return Reply(text=text, quick_replies=quick, items=items)


def _ack_number(ctx: Ctx, number: str) -> list[Reply]:
    found = _matching(ctx, number, ("sent",))
    if not found:
        done = _matching(ctx, number, ("acknowledged", "closed"))
        if done:
            return [say(texts.ALREADY_ANSWERED.format(action=ACTION_TH["acknowledge"], number=number))]
        return [say(_why_not(ctx, number, ACTION_TH["acknowledge"]))]
    replies: list[Reply] = []
    for a in found:
        replies += ack_assignment(ctx, a.id)
    return replies


def _why_not(ctx: Ctx, number: str, action: str) -> str:
    """A refusal that says why: the number is in the person's register but not sent to them
    (no permission), or there is no such number where they can see."""
    if letters_by_number(ctx, number):
        return texts.NOT_YOURS.format(number=number, action=action)
    return texts.NO_PENDING_FOR_NUMBER.format(number=number)


# --- return (ไม่ใช่งานของฉัน) ---------------------------------------------------------------------

def ask_return_reason(ctx: Ctx, assignment_id: int) -> list[Reply]:
    if (refused := _private(ctx)) is not None:
        return refused
    a = ctx.session.get(Assignment, assignment_id)
    if a is None:
        raise AssignmentNotFound(assignment_id)
    letter = assignment_letter(ctx, a)
    if not may_answer(ctx.session, ctx.actor, a, ctx.now):
        raise PermissionDenied("ตอบรับรายการที่ส่งถึงผู้อื่น")
    if a.status != "sent":
        # the register's own words for "already done" / "not possible in this state"
        from registry.lifecycle import assignment_transition

        assignment_transition(a.status, "return")
    ctx.save("return", {"assignment_id": a.id, "number": number_of(letter)})
    quick = tuple(Button(texts.RETURN_REASON_LABELS[code], payloads.make("rr", a.id, code)) for code in texts.RETURN_REASONS)
    return [say(texts.ASK_RETURN_REASON.format(number=number_of(letter)),
                quick=quick + (Button(texts.BUTTON["cancel"], payloads.make("stop")),))]


def return_with_code(ctx: Ctx, assignment_id: int, code: str) -> list[Reply]:
    reason = texts.RETURN_REASONS.get(code)
    if reason is None:
        return [say(texts.STALE_BUTTON)]
    return return_with_reason(ctx, assignment_id, reason)


def return_with_reason(ctx: Ctx, assignment_id: int, reason: str) -> list[Reply]:
    if (refused := _private(ctx)) is not None:
        return refused
    try:
        with ctx.session.begin_nested():
            a = return_assignment(ctx.session, assignment_id, reason, actor=ctx.actor, clock=ctx.clock)
    except AlreadyDone:
        a = ctx.session.get(Assignment, assignment_id)
        ctx.clear()
        return [say(texts.ALREADY_ANSWERED.format(action=ACTION_TH["return"],
                                                  number=number_of(assignment_letter(ctx, a))))]
    ctx.clear()
    return [say(texts.RETURNED.format(number=number_of(assignment_letter(ctx, a))))]


def typed_return(ctx: Ctx, result: Any, text: str) -> list[Reply]:
    if (refused := _private(ctx)) is not None:
        return refused
    number = result.value("number")
    if number is None:
        return [say(texts.NEED_NUMBER.format(example="ไม่ใช่งานของฉัน 15 เป็นงานของกองคลัง"))]
    found = _matching(ctx, str(number), ("sent",))
    if not found:
        done = _matching(ctx, str(number), ("returned",))
        if done:
            return [say(texts.ALREADY_ANSWERED.format(action=ACTION_TH["return"], number=number))]
        return [say(_why_not(ctx, str(number), ACTION_TH["return"]))]
    a = found[0]
    span = result.number.span
    reason = text[span[1]:].strip(" :-,") if span else ""
    for lead in ("เพราะ", "เนื่องจาก", "เหตุผล"):
        if reason.startswith(lead):
            reason = reason[len(lead):].strip(" :")
    if reason:
        return return_with_reason(ctx, a.id, reason)
    return ask_return_reason(ctx, a.id)


def return_candidates(ctx: Ctx, number: str) -> list[tuple[Assignment, str]]:
    """The person's waiting items with this number, with the number as shown."""
    return [(a, number_of(assignment_letter(ctx, a))) for a in _matching(ctx, number, ("sent",))]


def close_candidates(ctx: Ctx, number: str) -> list[Letter]:
    """The owner's own acknowledged forward first (the letter it belongs to), else the unit's book."""
    mine = _matching(ctx, number, ("acknowledged", "closed"))
    return [get_letter(ctx.session, a.letter_id) for a in mine] or letters_by_number(ctx, number)


# --- close (ปิดเรื่อง) --------------------------------------------------------------------------

def close_by_id(ctx: Ctx, letter_id: int) -> list[Reply]:
    if (refused := _private(ctx)) is not None:
        return refused
    letter = get_letter(ctx.session, letter_id)
    if letter.status == "closed":  # said before the register's permission check, which no longer
        # counts the owner once their forward is closed
        return [say(texts.ALREADY_ANSWERED.format(action=ACTION_TH["close"], number=number_of(letter)))]
    try:
        with ctx.session.begin_nested():
            letter = close_letter(ctx.session, letter_id, actor=ctx.actor, clock=ctx.clock)
    except AlreadyDone:
        letter = get_letter(ctx.session, letter_id)
        return [say(texts.ALREADY_ANSWERED.format(action=ACTION_TH["close"], number=number_of(letter)))]
    return [say(texts.CLOSED.format(number=number_of(letter)))]


def typed_close(ctx: Ctx, result: Any, text: str = "") -> list[Reply]:
    if (refused := _private(ctx)) is not None:
        return refused
    number = result.value("number")
    if number is None:
        return [say(texts.NEED_NUMBER.format(example="ปิดเรื่อง 15"))]
    letters = close_candidates(ctx, str(number))
    if not letters:
        return [say(texts.NUMBER_NOT_FOUND.format(number=number))]
    if len(letters) > 1:
        from handlers.forward import _pick_letter

        return [_pick_letter(letters, str(number), "cl")]
    return close_by_id(ctx, letters[0].id)

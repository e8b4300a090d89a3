"""สถานะ <เลขรับ>: where a letter is and its timeline; ยกเลิก: drop a flow or cancel a registration."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers import payloads, texts
from handlers.cards import card_text, letter_card, number_of
from handlers.context import Ctx, say
from handlers.lookup import letters_by_number
from handlers.models import Button, Card, Field, Reply
from registry.assignments import cancel_letter, get_letter
from registry.commands import PURPOSE_TH
from registry.errors import LetterNotFound
from registry.models import Event, Letter, Person
from registry.outbox import failed_deliveries
from registry import access
from registry.timeutil import local

ROLE_TH = {"principal": "เจ้าของเรื่อง", "copy": "สำเนา"}
ASSIGNMENT_STATUS_TH = {"sent": "รอรับทราบ", "acknowledged": "รับทราบแล้ว", "returned": "ส่งคืน",
                        "cancelled": "ยกเลิก", "closed": "ปิดเรื่องแล้ว", "recalled": "ถูกเรียกคืน"}


def can_see(ctx: Ctx, letter: Letter) -> bool:
    return access.may_see(ctx.viewer, letter)


def status(ctx: Ctx, result: Any, text: str = "") -> list[Reply]:
    number = result.value("number")
    if number is None:
        return [say(texts.NEED_NUMBER.format(example="สถานะ 15"))]
    letters = letters_by_number(ctx, str(number), directions=("incoming", "outgoing", "circular"))
    if not letters:
        return [say(texts.NUMBER_NOT_FOUND.format(number=number))]
    return [status_reply(ctx, lt) for lt in letters[:3]]


def status_of_letter(ctx: Ctx, letter_id: int) -> list[Reply]:
    letter = get_letter(ctx.session, letter_id)
    if not can_see(ctx, letter):  # the button was shown to them once: say why, not "not found"
        return [say(texts.NO_PERMISSION_STATUS)]
    from registry.recall import mark_letter_opened

    with ctx.session.begin_nested():  # a recipient asking the status has opened it (a circular's "read")
        mark_letter_opened(ctx.session, letter.id, actor=ctx.actor, via="status", clock=ctx.clock)
    return [status_reply(ctx, letter)]


def _hm(value) -> str:
    if value is None:
        return "-"
    lv = local(value)
    return f"{lv.day}/{lv.month} {lv:%H:%M}"


def status_reply(ctx: Ctx, letter: Letter) -> Reply:
    what = "เลขรับ" if letter.direction == "incoming" else "หนังสือส่งเลขที่"
    card = letter_card(letter, f"สถานะ{what} {number_of(letter)}", with_status=True)
    rows = list(card.fields)
    undelivered = failed_deliveries(ctx.session, [a.id for a in letter.assignments if a.delivered_at is None])
    for a in letter.assignments:
        shown = access.project_assignment(ctx.viewer, letter, a, chat=True)  # no reason of a secret letter
        who = a.person.name if a.person is not None else (a.unit.name if a.unit is not None else "-")
        detail = (f"{ASSIGNMENT_STATUS_TH.get(a.status, a.status)} · ส่ง {_hm(a.sent_at)} · ถึง {_hm(a.delivered_at)}"
                  f" · เปิดอ่าน {_hm(a.opened_at)} · รับทราบ {_hm(a.acknowledged_at)}")
        if a.id in undelivered:
            detail += " · " + texts.DELIVERY_FAILED_STATUS.format(channel=undelivered[a.id])
        if a.status == "returned" and shown["return_reason"]:
            detail += f" · เหตุผล: {shown['return_reason']}"
        rows.append(Field(f"{ROLE_TH.get(a.role, a.role)}: {who}", detail))
    timeline = timeline_lines(ctx, letter)
    buttons: list[Button] = []
    if not ctx.inbound.is_group:  # the person who owes the answer answers from here
        me = ctx.viewer.people
        for a in letter.assignments:
            if a.status == "sent" and a.person_id in me:
                buttons += [Button(texts.BUTTON["ack"], payloads.make("ack", a.id), "primary"),
                            Button(texts.BUTTON["ret"], payloads.make("ret", a.id), "danger")]
                break
    if letter.status in ("registered", "returned", "forwarded", "acknowledged") and access.may_manage(
            ctx.viewer, letter.unit_id):
        buttons.append(Button(texts.BUTTON["forward"], payloads.make("fw", letter.id)))
    card = Card(title=card.title, fields=tuple(rows), badges=card.badges, buttons=tuple(buttons),
                footer="\n".join(timeline[-10:]) or None, tone=card.tone)
    return Reply(text=card_text(card), card=card)


EVENT_TH = {
    "letter.registered": "ลงรับ",
    "letter.number_issued": "ออกเลขหนังสือส่ง",
    "letter.closed": "ปิดเรื่อง",
    "letter.cancelled": "ยกเลิก",
    "attachment.added": "แนบไฟล์",
    "attachment.stamped": "ประทับตรารับบนสำเนา", "mail.registered": "ลงรับจากอีเมล",
}


def timeline_lines(ctx: Ctx, letter: Letter) -> list[str]:
    events = ctx.session.execute(
        select(Event).where(Event.entity == "letter", Event.entity_id == letter.id).order_by(Event.seq)
    ).scalars()
    names: dict[int, str] = {}

    def name(pid) -> str:
        if pid is None:
            return "ระบบ"
        if pid not in names:
            p = ctx.session.get(Person, pid)
            names[pid] = p.name if p is not None else str(pid)
        return names[pid]

    lines = []
    # a return's reason often repeats the subject: the secrecy projection withholds it with the content
    reasons = access.may_read_on(ctx.viewer, letter, chat=True)
    for e in events:
        at = _hm(e.occurred_at)
        d = e.data or {}
        if e.kind == "assignment.sent":
            who = name(d.get("person_id")) if d.get("person_id") else "หน่วยงาน"
            what = f"ส่งต่อให้ {who} ({ROLE_TH.get(d.get('role'), '')}, {PURPOSE_TH.get(d.get('purpose'), '')})"
        elif e.kind == "assignment.acknowledged":
            what = f"{name(e.actor_id)}{_acting(d, name)} รับทราบ"
        elif e.kind == "assignment.returned":
            what = f"{name(e.actor_id)}{_acting(d, name)} ส่งคืน: {(d.get('reason') if reasons else None) or '-'}"
        elif e.kind == "letter.cancelled":
            what = f"ยกเลิกโดย {name(e.actor_id)}: {d.get('reason') or '-'}"
        else:
            what = f"{EVENT_TH.get(e.kind, e.kind)} โดย {name(e.actor_id)}"
        lines.append(f"{at} {what}")
    return lines


def _acting(data: dict, name) -> str:
    """The words after the actor's name when an acting officer answered for the absent person."""
    return f" (รักษาราชการแทน {name(data['acting_for'])})" if data.get("acting_for") else ""


def cancel(ctx: Ctx, result: Any, text: str) -> list[Reply]:
    """``ยกเลิก`` drops what the chat is doing; ``ยกเลิก 15 <เหตุผล>`` cancels registration 15
    (the number stays in the book, marked cancelled with who, when and why)."""
    number = result.value("number")
    if number is None:
        return stop_flow(ctx)
    span = result.number.span
    reason = text[span[1]:].strip(" :-,") if span else ""
    for lead in ("เพราะ", "เนื่องจาก", "เหตุผล"):
        if reason.startswith(lead):
            reason = reason[len(lead):].strip(" :")
    letters = [lt for lt in letters_by_number(ctx, str(number))
               if access.may(ctx.viewer, access.CANCEL, lt.unit_id)]
    if not letters:
        return [say(texts.NUMBER_NOT_FOUND.format(number=number))]
    if not reason:
        return [say(f"กรุณาระบุเหตุผลการยกเลิก เช่น “ยกเลิก {number} ลงรับซ้ำ” ค่ะ")]
    letter = cancel_letter(ctx.session, letters[0].id, reason, actor=ctx.actor, clock=ctx.clock)
    return [say(f"ยกเลิกเลขรับ {number_of(letter)} แล้วค่ะ (เลขยังคงอยู่ในทะเบียนและแสดงว่ายกเลิก)")]


def stop_flow(ctx: Ctx) -> list[Reply]:
    """Drop the draft, the recipient choice or the question in progress (nothing is written)."""
    state = ctx.state(lock=True)
    if state is None or state.flow == "letter":
        return [say(texts.NOTHING_TO_CANCEL)]
    ctx.clear()
    return [say(texts.CANCELLED_FLOW)]

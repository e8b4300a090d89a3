"""งานของฉัน: what waits for my acknowledgement; clerks also see the unit's letters not yet
forwarded, heads the unit's backlog of unacknowledged forwards by person."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from handlers import payloads, texts
from handlers.acknowledge import assignment_letter, pending_for
from handlers.cards import _short, badges, is_secret, label, letter_card, number_of, one_line, tone_for
from handlers.context import Ctx, say
from handlers.models import Button, Card, Field, Reply
from registry import access
from registry.commands import PURPOSE_TH, SECRECY_TH
from registry.models import Assignment, Letter
from registry.timeutil import thai_datetime

SHOWN = 10


def typed(ctx: Ctx, result=None, text: str = "") -> list[Reply]:
    return my_tasks(ctx)


def typed_button(ctx: Ctx) -> list[Reply]:
    return my_tasks(ctx)


def my_tasks(ctx: Ctx) -> list[Reply]:
    replies: list[Reply] = []
    pending = pending_for(ctx)
    if pending:
        lines = [texts.MY_TASKS_HEAD.format(count=len(pending))]
        for a in pending[:SHOWN]:
            letter = assignment_letter(ctx, a)
            due = f" · กำหนด {thai_datetime(a.due_at)}" if a.due_at else ""
            lines.append(f"• {_summary(letter)} · {PURPOSE_TH.get(a.purpose, a.purpose)}{due} · {own_state(ctx, a)}")
        items = tuple(assignment_item(ctx, a) for a in pending[:SHOWN])
        replies.append(Reply(text="\n".join(lines), items=items))
    clerk_units = ctx.units_for(access.INTAKE)
    if clerk_units:
        waiting = ctx.session.execute(
            select(Letter).where(Letter.unit_id.in_(clerk_units), Letter.status.in_(("registered", "returned")),
                                 Letter.direction == "incoming", Letter.sandbox.is_(False))
            .order_by(Letter.id.desc()).limit(SHOWN)
        ).unique().scalars().all()
        if waiting:
            count = ctx.session.execute(
                select(func.count(Letter.id)).where(Letter.unit_id.in_(clerk_units),
                                                    Letter.status.in_(("registered", "returned")),
                                                    Letter.direction == "incoming", Letter.sandbox.is_(False))
            ).scalar_one()
            lines = [texts.MY_TASKS_UNIT.format(count=count)] + [f"• {one_line(lt)}" for lt in waiting]
            items = tuple(_waiting_item(lt) for lt in waiting)
            replies.append(Reply(text="\n".join(lines), items=items))
    head_units = ctx.units_for(access.BACKLOG)
    if head_units:
        replies += _backlog(ctx, head_units)
    return replies or [say(texts.MY_TASKS_NONE)]


def own_state(ctx: Ctx, a: Assignment) -> str:
    """The viewer's own state of the item (not the letter's): waiting, overdue, done."""
    if a.status == "sent":
        overdue = a.due_at is not None and a.due_at < ctx.now
        return texts.OWN_STATE["overdue" if overdue else "sent"]
    return texts.OWN_STATE.get(a.status, a.status)


def _summary(letter: Letter) -> str:
    parts = [number_of(letter), *badges(letter.priority, letter.secrecy)]
    parts.append(texts.SECRET_NOTE if is_secret(letter) else _short(letter.subject or letter.ref_no or "-", 60))
    return " · ".join(parts)


def assignment_item(ctx: Ctx, a: Assignment) -> Card:
    """One waiting item as a card: the letter (secrecy rule applied), purpose, due, the viewer's
    own state, and the buttons that answer it (1:1 chats only: answers are identity-bound)."""
    letter = assignment_letter(ctx, a)
    L = texts.FIELD_LABEL
    rows: list[Field] = []
    if is_secret(letter):
        rows.append(Field(L["secrecy"], f"{SECRECY_TH.get(letter.secrecy, letter.secrecy)} · {texts.SECRET_NOTE}"))
    else:
        if letter.subject:
            rows.append(Field(L["subject"], _short(letter.subject, 90)))
        if letter.sender:
            rows.append(Field(L["sender"], _short(letter.sender, 60)))
    rows.append(Field(L["purpose"], PURPOSE_TH.get(a.purpose, a.purpose)))
    if a.due_at is not None:
        rows.append(Field(L["due"], thai_datetime(a.due_at)))
    rows.append(Field(texts.OWN_STATE_LABEL, own_state(ctx, a)))
    buttons: tuple[Button, ...] = ()
    if not ctx.inbound.is_group and a.status == "sent":
        n = number_of(letter)
        buttons = (Button(label(f"{texts.BUTTON['ack']} {n}"), payloads.make("ack", a.id), "primary"),
                   Button(texts.BUTTON["ret"], payloads.make("ret", a.id), "danger"),
                   Button(texts.BUTTON["status"], payloads.make("st", letter.id)))
    overdue = a.due_at is not None and a.due_at < ctx.now and a.status == "sent"
    return Card(title=f"{L['number']} {number_of(letter)}", fields=tuple(rows),
                badges=badges(letter.priority, letter.secrecy), buttons=buttons,
                tone="danger" if overdue else tone_for(letter.priority, letter.secrecy))  # type: ignore[arg-type]


def _waiting_item(letter: Letter) -> Card:
    """A letter of the clerk's unit not forwarded yet, with its [ส่งต่อ]."""
    card = letter_card(letter, f"{texts.FIELD_LABEL['number']} {number_of(letter)}", with_status=True,
                       buttons=(Button(label(f"{texts.BUTTON['forward']} {number_of(letter)}"),
                                       payloads.make("fw", letter.id), "primary"),))
    return card


def _backlog(ctx: Ctx, unit_ids: list[int]) -> list[Reply]:
    """ผู้บังคับบัญชา: who in the unit has not acknowledged yet ("notified is not read")."""
    pending = ctx.session.execute(
        select(Assignment).join(Letter, Letter.id == Assignment.letter_id)
        .where(Letter.unit_id.in_(unit_ids), Assignment.status == "sent", Letter.sandbox.is_(False))
    ).unique().scalars().all()
    if not pending:
        return []
    by_person = Counter(a.person.name if a.person else (a.unit.name if a.unit else "-") for a in pending)
    overdue = sum(1 for a in pending if a.due_at is not None and a.due_at < ctx.now)
    lines = [texts.MY_TASKS_BACKLOG.format(count=len(pending), overdue=overdue)]
    lines += [f"• {name}: {count} รายการ" for name, count in by_person.most_common(10)]
    return [say("\n".join(lines))]

"""งานของฉัน: what waits for my acknowledgement; clerks also see the unit's letters not yet
forwarded, heads the unit's backlog of unacknowledged forwards by person."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from handlers import payloads, texts
from handlers.acknowledge import assignment_letter, pending_for
from handlers.cards import number_of, one_line
from handlers.context import Ctx, say
from handlers.cards import label
from handlers.models import Button, Reply
from registry.commands import PURPOSE_TH
from registry.models import Assignment, Letter
from registry.timeutil import thai_datetime

SHOWN = 10


def my_tasks(ctx: Ctx) -> list[Reply]:
    replies: list[Reply] = []
    pending = pending_for(ctx)
    if pending:
        lines = [texts.MY_TASKS_HEAD.format(count=len(pending))]
        quick: list[Button] = []
        for a in pending[:SHOWN]:
            letter = assignment_letter(ctx, a)
            overdue = " ⏰เกินกำหนด" if a.due_at is not None and a.due_at < ctx.now else ""
            due = f" · กำหนด {thai_datetime(a.due_at)}" if a.due_at else ""
            lines.append(f"• {one_line(letter)} · {PURPOSE_TH.get(a.purpose, a.purpose)}{due}{overdue}")
            if len(quick) < 5 and not ctx.inbound.is_group:
                quick.append(Button(label(f"{texts.BUTTON['ack']} {number_of(letter)}"), payloads.make("ack", a.id)))
        replies.append(say("\n".join(lines), quick=quick))
    clerk_units = ctx.units_with("clerk")
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
            quick = [Button(label(f"{texts.BUTTON['forward']} {number_of(lt)}"), payloads.make("fw", lt.id))
                     for lt in waiting[:5]]
            replies.append(say("\n".join(lines), quick=quick))
    head_units = ctx.units_with("head")
    if head_units:
        replies += _backlog(ctx, head_units)
    return replies or [say(texts.MY_TASKS_NONE)]


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

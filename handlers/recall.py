"""เรียกคืน: the sender of a forward takes it back while it waits (button on the forward's
confirmation, ``rc:<assignment>``); the recipient's old buttons then answer that it was recalled
(handlers.acknowledge). The rule of who may is registry.access.may_recall."""

from __future__ import annotations

from handlers import payloads, texts
from handlers.cards import label, number_of
from handlers.context import Ctx, say
from handlers.models import Button, Reply
from registry.access import may_recall, viewer
from registry.errors import AlreadyDone, InvalidTransition
from registry.lifecycle import STATE_TH
from registry.models import Assignment
from registry.recall import recall


def recall_buttons(ctx: Ctx, assignment_ids) -> list[Button]:
    """[เรียกคืน <name>] for each just-sent forward to a person the chat's person may recall."""
    v = viewer(ctx.session, ctx.person.id, ctx.now)
    out = []
    for aid in assignment_ids:
        a = ctx.session.get(Assignment, aid)
        if a is not None and may_recall(v, a):
            out.append(Button(label(f"{texts.BUTTON['recall']} {a.person.name}"), payloads.make("rc", a.id), "danger"))
    return out[:4]


def recall_button(ctx: Ctx, assignment_id: int) -> list[Reply]:
    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    a = ctx.session.get(Assignment, assignment_id)
    if a is None:
        return [say(texts.STALE_BUTTON)]
    from handlers.acknowledge import assignment_letter

    letter = assignment_letter(ctx, a)
    name = a.person.name if a.person is not None else (a.unit.name if a.unit is not None else "ผู้รับ")
    try:
        with ctx.session.begin_nested():
            recall(ctx.session, assignment_id, actor=ctx.actor, clock=ctx.clock)
    except AlreadyDone:
        return [say(texts.RECALL_ALREADY.format(number=number_of(letter), name=name))]
    except InvalidTransition:
        ctx.session.refresh(a)
        state = {"acknowledged": "รับทราบ", "returned": "ส่งคืน", "closed": "ปิดเรื่อง",
                 "cancelled": "ยกเลิก"}.get(a.status, STATE_TH.get(a.status, a.status))
        return [say(texts.RECALL_TOO_LATE.format(name=name, state=state, number=number_of(letter)),
                    quick=(Button(texts.BUTTON["status"], payloads.make("st", letter.id)),))]
    return [say(texts.RECALL_DONE.format(number=number_of(letter), name=name),
                quick=(Button(texts.BUTTON["forward"], payloads.make("fw", letter.id), "primary"),
                       Button(texts.BUTTON["status"], payloads.make("st", letter.id))))]

"""ฝึกใช้งาน (F5): a guided practice — ลงรับ, ส่งต่อ, รับทราบ — on a practice letter in the sandbox book.

Each step shows the card the real flow shows and says which command does the same in daily
work; its buttons (``tr:reg``, ``tr:fw:<letter>``, ``tr:ack:<assignment>``) drive the same
registry services as the real flows, with the letter marked sandbox so nothing mixes with the
real registers. Completion is recorded for the indicator report (level 5).
"""

from __future__ import annotations

from handlers import payloads, texts
from handlers.cards import letter_card
from handlers.context import Ctx, say
from handlers.models import Button, Reply
from registry import training
from registry.assignments import get_letter


def start(ctx: Ctx) -> list[Reply]:
    training.start(ctx.session, ctx.person.id, actor=ctx.actor, now=ctx.now)
    header = training.practice_header(ctx.today)
    return [say(texts.TRAINING["intro"]),
            say(texts.TRAINING["step1"].format(header=header),
                quick=(Button(texts.TRAINING["do_register"], payloads.make("tr", "reg"), "primary"),))]


def register(ctx: Ctx) -> list[Reply]:
    reg = training.register_practice(ctx.session, ctx.person.id, actor=ctx.actor, clock=ctx.clock)
    letter = get_letter(ctx.session, reg.letter_id)
    card = letter_card(letter, texts.TRAINING["receipt_title"].format(number=reg.display_no),
                       buttons=(Button(texts.TRAINING["do_forward"], payloads.make("tr", "fw", reg.letter_id), "primary"),),
                       footer=texts.TRAINING["sandbox_note"])
    return [say(texts.TRAINING["step2"].format(number=reg.display_no), card=card)]


def forward(ctx: Ctx, letter_id: int) -> list[Reply]:
    assignment_id = training.forward_practice(ctx.session, ctx.person.id, letter_id, actor=ctx.actor, clock=ctx.clock)
    letter = get_letter(ctx.session, letter_id)
    card = letter_card(letter, texts.TRAINING["assignment_title"],
                       buttons=(Button(texts.BUTTON["ack"], payloads.make("tr", "ack", assignment_id), "primary"),),
                       footer=texts.TRAINING["sandbox_note"])
    return [say(texts.TRAINING["step3"], card=card)]


def acknowledge(ctx: Ctx, assignment_id: int) -> list[Reply]:
    training.acknowledge_practice(ctx.session, ctx.person.id, assignment_id, actor=ctx.actor, clock=ctx.clock)
    return [say(texts.TRAINING["done"])]


_STEP = {"reg": "register", "fw": "forward", "ack": "acknowledge"}


def typed(ctx: Ctx, result=None, text: str = "") -> list[Reply]:
    """ฝึกใช้งาน: completion is recorded per person, so 1:1 chats only."""
    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    return start(ctx)


def button(ctx: Ctx, *args) -> list[Reply]:
    """A training step acts once: a second press (or an old card's button) is told so."""
    from registry.training import progress

    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    row = progress(ctx.session, ctx.person.id)
    expected = _STEP.get(str(args[0])) if args else None
    if row is None or expected is None or row.step != expected:
        return [say(texts.TRAINING["step_done"] if row is not None else texts.STALE_BUTTON)]
    return on_button(ctx, args)


def on_button(ctx: Ctx, args: tuple) -> list[Reply]:
    step = args[0] if args else ""
    if step == "reg":
        return register(ctx)
    if step == "fw" and len(args) > 1:
        return forward(ctx, int(args[1]))
    if step == "ack" and len(args) > 1:
        return acknowledge(ctx, int(args[1]))
    return [say(texts.STALE_BUTTON)]

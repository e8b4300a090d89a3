"""ออกเลขหนังสือส่ง / ออกเลขหนังสือเวียน: issue the unit's next sending number ``<code>/<n>``."""

from __future__ import annotations

import re
from typing import Any

from handlers import payloads, texts
from handlers.cards import card_text, letter_card, number_of
from handlers.context import Ctx, say
from handlers.models import Button, Reply
from registry.assignments import get_letter
from registry.commands import RegisterOutgoing
from registry.intake import register_outgoing

_ADDRESSEE_AFTER = re.compile(r"\s(?:ถึง|เรียน)\s+(\S.*)$")
_CIRCULAR = re.compile(r"หนังสือเวียน|เลขเวียน|\bว\b|เวียน")


def issue(ctx: Ctx, result: Any, text: str) -> list[Reply]:
    unit_id = ctx.home_unit
    if unit_id is None:
        return [say(texts.NOT_CLERK)]
    head = text.split("เรื่อง", 1)[0]
    circular = bool(_CIRCULAR.search(head))
    subject = result.value("subject")
    addressee = result.value("addressee") or result.value("recipient")
    if subject and not addressee:
        # nlp reads "เรื่อง … ถึง …" as one subject when เรื่อง comes first; the addressee follows ถึง/เรียน
        m = _ADDRESSEE_AFTER.search(str(subject))
        if m is not None:
            subject, addressee = str(subject)[: m.start()].strip(), m.group(1).strip()
    request = {"unit_id": unit_id, "subject": str(subject) if subject else None,
               "addressee": str(addressee) if addressee else None, "circular": circular,
               "priority": str(result.value("priority") or "normal"),
               "secrecy": str(result.value("secrecy")) if result.value("secrecy") else None}
    if not subject and request["secrecy"] != "top_secret":
        ctx.save("outgoing", request)  # the subject is asked; the next message answers it
        return [say(texts.OUTGOING_ASK_SUBJECT, quick=(Button(texts.BUTTON["cancel"], payloads.make("stop")),))]
    return _issue(ctx, request)


def answer(ctx: Ctx, state, text: str) -> list[Reply]:
    """The subject typed after ``ออกเลขหนังสือส่ง`` alone."""
    request = dict(state.data)
    subject = re.sub(r"^\s*เรื่อง\s*[:：]?\s*", "", text).strip()
    m = _ADDRESSEE_AFTER.search(subject)
    if m is not None and not request.get("addressee"):
        subject, request["addressee"] = subject[: m.start()].strip(), m.group(1).strip()
    if not subject:
        return [say(texts.OUTGOING_ASK_SUBJECT)]
    request["subject"] = subject
    return _issue(ctx, request)


def _issue(ctx: Ctx, request: dict) -> list[Reply]:
    fields = {k: v for k, v in request.items() if k in ("unit_id", "subject", "addressee", "circular", "priority", "secrecy")}
    reg = register_outgoing(ctx.session, RegisterOutgoing(**fields), actor=ctx.actor, clock=ctx.clock)
    letter = get_letter(ctx.session, reg.letter_id)
    ctx.save("letter", {"letter_id": letter.id, "number": reg.display_no})
    title = (texts.CIRCULAR_ISSUED if letter.direction == "circular" else texts.OUTGOING_ISSUED)
    card = letter_card(letter, title.format(number=number_of(letter)), tone="success",
                       footer="ส่งไฟล์หนังสือฉบับจริงต่อจากนี้ได้ ระบบจะแนบกับเลขนี้",
                       buttons=(Button(texts.BUTTON["status"], payloads.make("st", letter.id)),))
    return [Reply(text=card_text(card), card=card)]

"""ช่วยเหลือ: what the bot can do, with buttons for the common actions."""

from __future__ import annotations

from handlers import payloads, texts
from handlers.cards import short_name
from handlers.context import Ctx, say
from handlers.models import Button, Reply


def help_replies(ctx: Ctx | None = None) -> list[Reply]:
    quick = (
        Button(texts.BUTTON["my"], payloads.make("my")),
        Button(texts.BUTTON["help"], payloads.make("help")),
    )
    return [say(texts.HELP_TEXT, quick=quick)]


def welcome(ctx: Ctx) -> list[Reply]:
    if ctx.inbound.kind == "join" or ctx.inbound.is_group:
        return [say(texts.GROUP_HELLO)]
    if ctx.person is None:
        return [say(texts.UNLINKED)]
    return [say(texts.WELCOME_BACK.format(name=short_name(ctx.person.name)))]

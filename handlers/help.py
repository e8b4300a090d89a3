"""ช่วยเหลือ: what the bot can do, with buttons for the common actions."""

from __future__ import annotations

from handlers import payloads, texts
from handlers.cards import short_name
from handlers.context import Ctx, say
from handlers.models import Button, Reply


def _common_actions() -> tuple[Button, ...]:
    return (Button(texts.BUTTON["my"], payloads.make("my")), Button(texts.BUTTON["help"], payloads.make("help")))


def help_replies(ctx: Ctx | None = None) -> list[Reply]:
    from handlers.features import HELP_TEXT

    return [say(HELP_TEXT, quick=_common_actions())]


def typed(ctx: Ctx, result=None, text: str = "") -> list[Reply]:
    return help_replies(ctx)


def button(ctx: Ctx) -> list[Reply]:
    return help_replies(ctx)


def small_talk_replies(ctx: Ctx, text: str) -> list[Reply] | None:
    """A greeting or a thank-you on its own, answered in kind with the common next steps; None
    when the message says something else."""
    from nlp.intents import small_talk

    kind = small_talk(text)
    if kind is None:
        return None
    name = short_name(ctx.person.name) if ctx.person is not None else ""
    return [say((texts.GREETING if kind == "greeting" else texts.THANKS).format(name=name), quick=_common_actions())]


def welcome(ctx: Ctx) -> list[Reply]:
    if ctx.inbound.kind == "join" or ctx.inbound.is_group:
        return [say(texts.GROUP_HELLO)]
    if ctx.person is None:
        return [say(texts.UNLINKED)]
    return [say(texts.WELCOME_BACK.format(name=short_name(ctx.person.name)))]

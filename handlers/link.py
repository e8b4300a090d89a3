"""ผูกบัญชี <รหัส>: bind this chat account to a person with a one-time code (1:1 chats only)."""

from __future__ import annotations

from handlers import texts
from handlers.cards import short_name
from handlers.context import Ctx, say
from handlers.models import Reply
from registry.accounts import ChatUser, link_account


def typed(ctx: Ctx, result, text: str = "") -> list[Reply]:
    return link(ctx, result.value("code"))


def link(ctx: Ctx, code: str | None) -> list[Reply]:
    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    if not code:
        return [say(texts.LINK_MISSING_CODE)]
    ib = ctx.inbound
    person = link_account(ctx.session, ib.channel, ib.account_id, code, display_name=ib.display_name,
                          clock=ctx.clock)
    ctx.person = ChatUser(person.id, person.name)
    return [say(texts.LINKED.format(name=short_name(person.name)))]

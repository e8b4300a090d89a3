"""ผูกบัญชี <รหัส>: bind this chat account to a person with a one-time code (1:1 chats only)."""

from __future__ import annotations

from sqlalchemy import select

from handlers import texts
from handlers.cards import short_name
from handlers.context import Ctx, say
from handlers.models import Reply
from registry.accounts import ChatUser, link_account, normalise_code
from registry.models import LinkCode, Person


def typed(ctx: Ctx, result, text: str = "") -> list[Reply]:
    return link(ctx, result.value("code"))


def link(ctx: Ctx, code: str | None) -> list[Reply]:
    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    if not code:
        return [say(texts.LINK_MISSING_CODE)]
    ib = ctx.inbound
    if ctx.person is not None:  # already linked: moving the chat to someone else is confirmed first
        code_key = normalise_code(code)
        holder = _holder(ctx, code_key)
        if holder is not None and holder.id != ctx.person.id:
            state = ctx.state()
            if state is None or state.flow != "relink" or state.data.get("code") != code_key:
                ctx.save("relink", {"code": code_key})
                return [say(texts.RELINK_CONFIRM.format(current=short_name(ctx.person.name),
                                                        new=short_name(holder.name), code=code))]
            ctx.clear()
    person = link_account(ctx.session, ib.channel, ib.account_id, code, display_name=ib.display_name,
                          clock=ctx.clock)
    ctx.person = ChatUser(person.id, person.name)
    return [say(texts.LINKED.format(name=short_name(person.name)))]


def _holder(ctx: Ctx, code_key: str) -> Person | None:
    """Whose live code this is (read only: link_account spends it and gives the usual refusal)."""
    row = ctx.session.execute(select(LinkCode).where(LinkCode.code == code_key)).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= ctx.now:
        return None
    return ctx.session.get(Person, row.person_id)

"""ผูกบัญชี <รหัส>: bind this chat account to a person with a one-time code (1:1 chats only).

Telegram's deep link ``t.me/<bot>?start=<code>`` arrives as ``/start <code>`` and comes here too
(``handlers.core``). A wrong code is recorded, and a chat that sent too many is refused without the
code being looked up (``registry.accounts.try_link``); the refusal is an answer, not an error, so
the record of the wrong code is committed with it.
"""

from __future__ import annotations

from handlers import texts
from handlers.cards import short_name
from handlers.context import Ctx, say
from handlers.models import Reply
from registry.accounts import ChatUser, live_code_holder, normalise_code, throttle_minutes, try_link, THROTTLED


def typed(ctx: Ctx, result, text: str = "") -> list[Reply]:
    return link(ctx, result.value("code"))


def link(ctx: Ctx, code: str | None) -> list[Reply]:
    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    if not code:
        return [say(texts.LINK_MISSING_CODE)]
    ib = ctx.inbound
    if ctx.person is not None:  # already linked: moving the chat to someone else is confirmed first
        wait = throttle_minutes(ctx.session, ib.channel, ib.account_id, now=ctx.now)
        if wait:  # not even looked up (the confirmation would tell whose code it is)
            return [say(THROTTLED.format(minutes=wait))]
        code_key = normalise_code(code)
        holder = live_code_holder(ctx.session, code_key, now=ctx.now)
        if holder is not None and holder.id != ctx.person.id:
            state = ctx.state()
            if state is None or state.flow != "relink" or state.data.get("code") != code_key:
                ctx.save("relink", {"code": code_key})
                return [say(texts.RELINK_CONFIRM.format(current=short_name(ctx.person.name),
                                                        new=short_name(holder.name), code=code))]
            ctx.clear()
    attempt = try_link(ctx.session, ib.channel, ib.account_id, code, display_name=ib.display_name, clock=ctx.clock)
    if attempt.person is None:
        return [say(attempt.refusal or "")]
    ctx.person = ChatUser(attempt.person.id, attempt.person.name)
    return [say(texts.LINKED.format(name=short_name(attempt.person.name)))]

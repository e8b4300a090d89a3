"""Acting on a message read against the open conversation (``nlp.replies.understand``).

What is open comes from the chat's state (``handlers.state``): a confirmation card, a field
asked, the recipient picker, a return reason, an outgoing subject, the letter just handled.
The reading decides; this module only maps it onto the flows. The rule throughout: never act on
a guess that writes — a statement that would close or return a letter, an acknowledgement that
could mean two letters, a forward of a letter the message does not name: each is asked back
with buttons.
"""

from __future__ import annotations

from typing import Any

from handlers import payloads, texts
from handlers.cards import label, number_of
from handlers.context import Ctx, say
from handlers.models import Button, Reply
from registry.conversations import Conversation

_OPEN_BY_FLOW = {"forward": "picker", "return": "reason", "outgoing": "subject", "letter": "letter"}


def open_of(state: Conversation | None) -> str | None:
    """What the chat has open, in the words of ``nlp.replies``."""
    if state is None:
        return None
    if state.flow == "intake":
        return "field" if state.data.get("awaiting") else "confirm"
    return _OPEN_BY_FLOW.get(state.flow)


def act(ctx: Ctx, state: Conversation | None, u: Any, result: Any, text: str) -> list[Reply]:
    from handlers import acknowledge, forward, intake, outgoing
    from handlers.core import dispatch

    action = u.action
    if ctx.inbound.is_group and action in ("no_card", "number"):
        return []  # "โอเคค่ะ" / "เลข 5 ค่ะ" between colleagues in a group: not said to the bot
    if action == "confirm":
        return intake.confirm(ctx, state.data["token"])
    if action == "edit":
        return intake.edit_typed(ctx, state, u.field, u.value)
    if action == "not_right":
        return intake.edit_menu(ctx, state.data["token"], note=texts.NOT_RIGHT)
    if action == "answer":
        if state.flow == "intake":
            return intake.answer(ctx, state, text)
        if state.flow == "return":
            return acknowledge.return_with_reason(ctx, state.data["assignment_id"], text)
        if state.flow == "outgoing":
            return outgoing.answer(ctx, state, text)
    if action == "pick":
        return forward.pick_typed(ctx, state, u.name, u.purpose)
    if action == "purpose":
        return forward.send(ctx, state.data["letter_id"], u.purpose)
    if action == "forward_letter":
        return forward.letter_in_chat(ctx, state, u.name, u.purpose)
    if action == "ack":
        return acknowledge.reply_ack(ctx, u.number)
    if action == "number":
        return _about_number(ctx, u.number)
    if action == "no_card":
        return acknowledge.reply_ack(ctx, None, said_yes=True)
    if action == "not_a_header":
        return [] if ctx.inbound.is_group else [say(texts.NOT_A_HEADER)]
    if action in ("close", "reject") and result.intent_confidence <= _STATEMENT and result.value("number"):
        return _ask_before(ctx, action, str(result.value("number")))
    return dispatch(ctx, result, text)


def _about_number(ctx: Ctx, number: str) -> list[Reply]:
    """A bare "เลขที่ 41 ค่ะ": the person's own waiting item of that number is offered with its
    buttons (not acknowledged on a guess); otherwise the number's status is shown."""
    from handlers.acknowledge import ask_which, return_candidates
    from handlers.lookup import letters_by_number
    from handlers.status import status_reply

    mine = [a for a, _ in return_candidates(ctx, number)]
    if mine and not ctx.inbound.is_group:
        return [ask_which(ctx, mine)]
    letters = letters_by_number(ctx, number, directions=("incoming", "outgoing", "circular"))
    if not letters:
        return [say(texts.NUMBER_NOT_FOUND.format(number=number))]
    return [status_reply(ctx, lt) for lt in letters[:3]]


def _statement_confidence() -> float:
    from nlp.intents import STATEMENT_CONFIDENCE

    return STATEMENT_CONFIDENCE


_STATEMENT = _statement_confidence()


def _ask_before(ctx: Ctx, action: str, number: str) -> list[Reply]:
    """"งานเลข 58 จบแล้วครับ": a statement, not a command — offer the button that does it."""
    from handlers.acknowledge import close_candidates, return_candidates

    if action == "close":
        letters = close_candidates(ctx, number)
        if not letters:
            return [say(texts.NUMBER_NOT_FOUND.format(number=number))]
        quick = [Button(label(f"{texts.BUTTON['close']} {number_of(lt)}"), payloads.make("cl", lt.id), "primary")
                 for lt in letters[:4]]
        return [say(texts.ASK_CLOSE.format(number=number), quick=quick)]
    found = return_candidates(ctx, number)
    if not found:
        return [say(texts.NO_PENDING_FOR_NUMBER.format(number=number))]
    quick = [Button(label(f"{texts.BUTTON['ret_short']} {n}"), payloads.make("ret", a.id), "danger") for a, n in found[:4]]
    return [say(texts.ASK_RETURN.format(number=number), quick=quick)]

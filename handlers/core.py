"""The one entry point and the router: who is writing, what they mean, which flow answers.

Routing table (one place): buttons by payload action, text by the parser's intent, with a
conversation in progress (draft field asked, recipient search, return reason) taking plain
answers first. Errors are mapped here and nowhere else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from handlers import texts
from handlers.context import Ctx, chat_key, say
from handlers.models import FileRef, Inbound, Reply
from registry.accounts import resolve
from registry.errors import RegistryError
from registry.inbound import record_inbound
from registry.models import OutboxMessage
from registry.runtime import Runtime
from registry.timeutil import local

log = logging.getLogger("saraban.handlers")


def handle(runtime: Runtime, inbound: Inbound, *, fetch_file: Callable[[FileRef], bytes] | None = None) -> list[Reply]:
    """Answer one inbound chat event (see the package docstring for the contract)."""
    return _answer(runtime, inbound, fetch_file, record_key=False) or []


def handle_once(runtime: Runtime, inbound: Inbound, *,
                fetch_file: Callable[[FileRef], bytes] | None = None) -> list[Reply] | None:
    """Like :func:`handle`, but first records ``inbound.event_id`` in the same transaction as the
    handling: None (nothing done) when that key was recorded before, i.e. a redelivered event.

    One transaction instead of two (the key, then the work) halves the commits per chat event, and
    it is exactly-once: a crash mid-handling rolls back the key with the work, so the platform's
    redelivery is handled rather than lost. On PostgreSQL a concurrent delivery of the same key
    waits on the key's unique index and then finds it taken."""
    return _answer(runtime, inbound, fetch_file, record_key=True)


def _answer(runtime: Runtime, inbound: Inbound, fetch_file: Callable[[FileRef], bytes] | None, *,
            record_key: bool) -> list[Reply] | None:
    try:
        if inbound.kind in ("file", "image") and inbound.file is not None and fetch_file is not None:
            fetch_file = _prefetch(runtime, inbound, fetch_file)
        # Parse before the transaction opens: on SQLite it starts with the write lock, which the
        # Thai parsing would otherwise hold while every other chat waits.
        preparsed = None
        if inbound.kind == "text" and clean_text(inbound.text).strip():
            text = clean_text(inbound.text)
            preparsed = (text, _parse_text(text, local(runtime.clock.now()).date()))
        with runtime.transaction() as session:
            if record_key and not record_inbound(session, inbound.event_id, at=runtime.clock.now()):
                return None
            person = resolve(session, inbound.channel, inbound.account_id)
            ctx = Ctx(runtime, session, inbound, person, fetch_file)
            ctx.preparsed = preparsed
            return route(ctx)
    except RegistryError as exc:  # a user mistake or a lost race: the register said no, in Thai
        replies = [say(exc.message_th)]
    except Exception:  # noqa: BLE001 - the chat must always get a polite answer
        log.exception("handler failed for event %s", inbound.event_id)
        replies = [say(texts.INTERNAL_ERROR.format(ref=inbound.event_id[-12:]))]
    # The failed transaction took the key with it: record it alone, so a redelivery is not
    # answered a second time (unless another delivery of it got there first).
    if record_key and not _record_alone(runtime, inbound.event_id):
        return None
    return replies


def _record_alone(runtime: Runtime, key: str) -> bool:
    try:
        with runtime.transaction() as session:
            return record_inbound(session, key, at=runtime.clock.now())
    except Exception:  # noqa: BLE001 - the database itself is failing: still answer the user
        log.exception("recording event %s failed", key)
        return True


def _prefetch(runtime: Runtime, inbound: Inbound, fetch_file: Callable[[FileRef], bytes]) -> Callable[[FileRef], bytes]:
    """Download the file *before* the write transaction (a slow platform must not hold the
    database's write lock), but only when the chat has a letter or a draft to attach it to."""
    from registry.conversations import load_state

    with runtime.read() as session:
        person = resolve(session, inbound.channel, inbound.account_id)
        state = load_state(session, inbound.channel, chat_key(inbound), now=runtime.clock.now()) if person else None
        wanted = state is not None and (state.flow == "intake" or state.data.get("letter_id") is not None)
    if not wanted:
        return fetch_file
    try:
        data = fetch_file(inbound.file)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - reported to the user by handlers.attach
        log.exception("fetching file %s failed (event %s)", inbound.file.platform_id, inbound.event_id)  # type: ignore[union-attr]
        failure = exc

        def failed(_ref: FileRef) -> bytes:
            raise failure

        return failed
    return lambda _ref: data


def notice_replies(runtime: Runtime, message: OutboxMessage) -> list[Reply]:
    """Render one outbox notice for its recipient (see ``handlers.notices``)."""
    from handlers.notices import render

    try:
        with runtime.read() as session:
            return render(session, message, now=runtime.clock.now(), base_url=runtime.public_url)
    except RegistryError as exc:
        return [say(exc.message_th)]


def route(ctx: Ctx) -> list[Reply]:
    ib = ctx.inbound
    if ib.kind in ("follow", "join"):
        from handlers.help import welcome

        return welcome(ctx)
    if ctx.person is None:
        return _unlinked(ctx)
    if ib.kind == "button":
        return on_button(ctx, ib.payload)
    if ib.kind in ("file", "image"):
        from handlers.attach import on_file

        return on_file(ctx)
    text = clean_text(ib.text)
    if ib.kind == "text" and text.strip():
        return on_text(ctx, text)
    return []


# NUL and other control characters never belong to a message (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None) -> str:
    return _CONTROL.sub("", text or "")


def _unlinked(ctx: Ctx) -> list[Reply]:
    ib = ctx.inbound
    if ib.kind == "text" and clean_text(ib.text).strip():
        result = _parse(ctx, clean_text(ib.text))
        if result.intent == "link_account":
            from handlers.link import link

            return link(ctx, result.value("code"))
        if ib.is_group and result.intent == "unknown":
            return []  # group chatter from a member who never linked: stay quiet
    return [say(texts.UNLINKED)]


_START_CODE = re.compile(r"^\s*/start\s+([A-Za-z0-9-]{4,40})\s*$")


def _parse(ctx: Ctx, text: str):
    pre = ctx.preparsed
    if pre is not None and pre[0] == text:
        return pre[1]
    return _parse_text(text, ctx.today)


def _parse_text(text: str, today):
    from nlp.parse import parse_message
    from nlp.result import Field, ParseResult

    m = _START_CODE.match(text)
    if m is not None:  # Telegram deep link t.me/<bot>?start=<code> arrives as "/start <code>"
        return ParseResult(intent="link_account", intent_confidence=1.0, code=Field(m.group(1), 1.0, m.span(1)))
    return parse_message(text, today=today)


# --- buttons -------------------------------------------------------------------------------------

def on_button(ctx: Ctx, raw: str | None) -> list[Reply]:
    from handlers import acknowledge, forward, intake, mail_drafts, my_tasks, payloads, status
    from handlers.help import help_replies

    p = payloads.parse(raw)
    if p is None:
        return [say(texts.STALE_BUTTON)]
    a, args = p.action, p.args
    table: dict[str, Callable[[], list[Reply]]] = {
        "ack": lambda: acknowledge.ack_assignment(ctx, args[0]),
        "ret": lambda: acknowledge.ask_return_reason(ctx, args[0]),
        "rr": lambda: acknowledge.return_with_code(ctx, args[0], args[1]),
        "cl": lambda: acknowledge.close_by_id(ctx, args[0]),
        "fw": lambda: forward.start(ctx, args[0]),
        "fo": lambda: forward.add_person(ctx, args[0], args[1]),
        "fm": lambda: forward.make_principal(ctx, args[0], args[1]),
        "fp": lambda: forward.send(ctx, args[0], args[1]),
        "cf": lambda: intake.confirm(ctx, args[0]),
        "ed": lambda: intake.edit_menu(ctx, args[0]),
        "cx": lambda: intake.cancel_draft(ctx, args[0]),
        "ef": lambda: intake.edit_field(ctx, args[0], args[1]),
        "ev": lambda: intake.set_value(ctx, args[0], args[1], args[2]),
        "sk": lambda: intake.skip_field(ctx, args[0], args[1]),
        "st": lambda: status.status_of_letter(ctx, args[0]),
        "my": lambda: my_tasks.my_tasks(ctx),
        "help": lambda: help_replies(ctx),
        "stop": lambda: status.stop_flow(ctx),
        "tr": lambda: _training_button(ctx, args),
        "mc": lambda: mail_drafts.confirm(ctx, args[0]),  # a mailbox draft: register it
        "me": lambda: mail_drafts.edit(ctx, args[0]),  # a mailbox draft: correct it here, then [ยืนยัน]
        "mx": lambda: mail_drafts.dismiss(ctx, args[0]),  # a mailbox draft: not a letter for us
    }
    return table[a]()


_TRAINING_STEP = {"reg": "register", "fw": "forward", "ack": "acknowledge"}


def _training_start(ctx: Ctx) -> list[Reply]:
    from handlers import training

    if ctx.inbound.is_group:  # completion is recorded per person: 1:1 only
        return [say(texts.PRIVATE_ONLY)]
    return training.start(ctx)


def _training_button(ctx: Ctx, args: tuple) -> list[Reply]:
    """A training step acts once: a second press (or an old card's button) is told so."""
    from handlers import training
    from registry.training import progress

    if ctx.inbound.is_group:
        return [say(texts.PRIVATE_ONLY)]
    row = progress(ctx.session, ctx.person.id)
    expected = _TRAINING_STEP.get(str(args[0]))
    if row is None or expected is None or row.step != expected:
        return [say(texts.TRAINING["step_done"] if row is not None else texts.STALE_BUTTON)]
    return training.on_button(ctx, args)


# --- text ----------------------------------------------------------------------------------------

def on_text(ctx: Ctx, text: str) -> list[Reply]:
    from handlers import acknowledge, forward, intake

    result = _parse(ctx, text)
    state = ctx.state()
    if state is not None and result.intent in ("unknown", "register_incoming") and not _is_new_letter(result):
        flow = state.flow
        if flow == "intake" and state.data.get("awaiting"):
            return intake.answer(ctx, state, text)
        if flow == "forward" and result.intent == "unknown":
            return forward.search_person(ctx, state, text)
        if flow == "outgoing" and result.intent == "unknown":
            from handlers import outgoing

            return outgoing.answer(ctx, state, text)
    if state is not None and state.flow == "return" and (
            result.intent == "unknown" or (result.intent == "reject" and result.value("number") is None)):
        # the reason asked for (even when it begins with "ไม่ใช่งานของผม …")
        return acknowledge.return_with_reason(ctx, state.data["assignment_id"], text)
    return dispatch(ctx, result, text)


def _is_new_letter(result) -> bool:
    """A pasted header (several letter fields) starts a new registration even mid-conversation."""
    if result.intent != "register_incoming":
        return False
    found = sum(result.value(n) is not None for n in ("ref_no", "letter_date", "sender", "subject"))
    return found >= 2


def dispatch(ctx: Ctx, result, text: str) -> list[Reply]:
    from handlers import audit
    from handlers import acknowledge, forward, intake, my_tasks, outgoing, search, status
    from handlers.help import help_replies, small_talk_replies
    from handlers.link import link

    intent = result.intent
    table: dict[str, Callable[[], list[Reply]]] = {
        "register_incoming": lambda: intake.start(ctx, result, text),
        "register_outgoing": lambda: outgoing.issue(ctx, result, text),
        "forward": lambda: forward.typed(ctx, result, text),
        "acknowledge": lambda: acknowledge.typed_ack(ctx, result),
        "reject": lambda: acknowledge.typed_return(ctx, result, text),
        "close": lambda: acknowledge.typed_close(ctx, result),
        "search": lambda: search.search(ctx, result),
        "status": lambda: status.status(ctx, result),
        "my_tasks": lambda: my_tasks.my_tasks(ctx),
        "help": lambda: help_replies(ctx),
        "link_account": lambda: link(ctx, result.value("code")),
        "audit_sample": lambda: audit.sample(ctx, result),
        "training": lambda: _training_start(ctx),
        "cancel": lambda: status.cancel(ctx, result, text),
    }
    action = table.get(intent)
    if action is None:
        return [] if ctx.inbound.is_group else small_talk_replies(ctx, text) or [say(texts.NOT_UNDERSTOOD)]
    return action()

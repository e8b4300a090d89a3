"""The one entry point and the router: who is writing, what they mean, which flow answers.

Routing is derived from one table (``handlers.features``): buttons by payload action, typed
commands by the parser's intent. Free text is first read against what the conversation has open
(``nlp.replies.understand``: a confirmation card, a field asked, the recipient picker, a return
reason, the letter just handled, the person's waiting items; ``handlers.conversation`` acts on
it). Errors are mapped here and nowhere else.
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
                fetch_file: Callable[[FileRef], bytes] | None = None,
                keep: Callable[[object, list[Reply]], None] | None = None) -> list[Reply] | None:
    """Like :func:`handle`, but first records ``inbound.event_id`` in the same transaction as the
    handling: None (nothing done) when that key was recorded before, i.e. a redelivered event.

    One transaction instead of two (the key, then the work) halves the commits per chat event, and
    it is exactly-once: a crash mid-handling rolls back the key with the work, so the platform's
    redelivery is handled rather than lost. On PostgreSQL a concurrent delivery of the same key
    waits on the key's unique index and then finds it taken.

    *keep(session, replies)*, when given, runs in that same transaction (or with the key recorded
    alone after a failure): the web chat stores the replies with the key, so a request repeated
    after a lost response gets the same answer (bot/webchat.py)."""
    return _answer(runtime, inbound, fetch_file, record_key=True, keep=keep)


def unlinked_answer(runtime: Runtime, inbound: Inbound) -> list[Reply] | None:
    """The answer to a chat nobody has linked, when giving it writes nothing; None when the
    message needs the register (a link command ``ผูกบัญชี <code>``: use :func:`handle_once`).

    Lets a channel answer anonymous traffic without a transaction (on SQLite every transaction
    takes the write lock), so a flood of unknown chats cannot queue officers behind it."""
    if inbound.kind in ("follow", "join"):
        return None
    text = clean_text(inbound.text)
    if inbound.kind == "text" and text.strip():
        result = _parse_text(text, local(runtime.clock.now()).date())
        if result.intent == "link_account":
            return None
        if inbound.is_group and result.intent == "unknown":
            return []
    return [say(texts.UNLINKED)]


def _answer(runtime: Runtime, inbound: Inbound, fetch_file: Callable[[FileRef], bytes] | None, *,
            record_key: bool, keep: Callable[[object, list[Reply]], None] | None = None) -> list[Reply] | None:
    try:
        scanned = None
        if inbound.kind in ("file", "image") and inbound.file is not None and fetch_file is not None:
            fetch_file, scanned = _prefetch(runtime, inbound, fetch_file)
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
            ctx.scanned = scanned
            replies = route(ctx)
            if keep is not None:
                keep(session, replies)
            return replies
    except RegistryError as exc:  # a user mistake or a lost race: the register said no, in Thai
        replies = [say(exc.message_th)]
    except Exception:  # noqa: BLE001 - the chat must always get a polite answer
        log.exception("handler failed for event %s", inbound.event_id)
        replies = [say(texts.INTERNAL_ERROR.format(ref=inbound.event_id[-12:]))]
    # The failed transaction took the key with it: record it alone, so a redelivery is not
    # answered a second time (unless another delivery of it got there first).
    if record_key and not _record_alone(runtime, inbound.event_id, replies, keep):
        return None
    return replies


def _record_alone(runtime: Runtime, key: str, replies: list[Reply] | None = None,
                  keep: Callable[[object, list[Reply]], None] | None = None) -> bool:
    try:
        with runtime.transaction() as session:
            new = record_inbound(session, key, at=runtime.clock.now())
            if new and keep is not None and replies is not None:
                keep(session, replies)
            return new
    except Exception:  # noqa: BLE001 - the database itself is failing: still answer the user
        log.exception("recording event %s failed", key)
        return True


def _prefetch(runtime: Runtime, inbound: Inbound,
              fetch_file: Callable[[FileRef], bytes]) -> tuple[Callable[[FileRef], bytes], object]:
    """Download the file *before* the write transaction (a slow platform must not hold the
    database's write lock), but only when the chat has a letter or a draft to attach it to.

    A photo or PDF sent in a 1:1 chat with no registration open (no draft, no letter just
    registered) starts one: it is read here too (scan/: text layer or OCR, a few seconds on this
    handler thread, outside the transaction), and the result handed to handlers.attach."""
    from registry.conversations import load_state

    with runtime.read() as session:
        person = resolve(session, inbound.channel, inbound.account_id)
        state = load_state(session, inbound.channel, chat_key(inbound), now=runtime.clock.now()) if person else None
        # a draft or a letter to attach to, a caption that may be a header, or (1:1) the question
        # "which letter?" that keeps the file aside
        wanted = person is not None and (state is not None or bool(inbound.text) or not inbound.is_group)
        scan_it = wanted and not inbound.is_group and _starts_registration(session, runtime, inbound, person, state)
    if not wanted:
        return fetch_file, None
    try:
        data = fetch_file(inbound.file)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - reported to the user by handlers.attach
        log.warning("fetching file %s failed (event %s): %s", inbound.file.platform_id, inbound.event_id, exc)  # type: ignore[union-attr]
        failure = exc

        def failed(_ref: FileRef) -> bytes:
            raise failure

        return failed, None
    scanned = _scan(runtime, inbound, data) if scan_it else None
    return (lambda _ref: data), scanned


def _starts_registration(session, runtime: Runtime, inbound: Inbound, person, state) -> bool:
    """Whether a file sent now would start a registration (handlers.attach.on_file's order): no
    draft open, no letter just handled to add a page to, no caption that is itself a header, and
    the sender registers letters somewhere."""
    from handlers.attach import ATTACH_WINDOW
    from handlers.state import TTL
    from registry import access
    from registry.permissions import roles_of

    if state is not None and state.flow == "intake":
        return False
    if state is not None and state.flow == "letter" and state.expires_at - TTL + ATTACH_WINDOW >= runtime.clock.now():
        return False
    caption = clean_text(inbound.text).strip()
    if caption:
        from nlp.replies import header_evidence

        if header_evidence(caption, _parse_text(caption, local(runtime.clock.now()).date())):
            return False
    return access.granted_by(roles_of(session, person.id), access.MANAGE)


def _scan(runtime: Runtime, inbound: Inbound, data: bytes) -> object:
    """The file read by scan/: a ScanResult, or the Thai reason it could not be read."""
    import scan

    try:
        return scan.read(data, inbound.file.filename if inbound.file else None,  # type: ignore[union-attr]
                         declared=inbound.file.content_type if inbound.file else None,
                         today=local(runtime.clock.now()).date())
    except scan.ScanError as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 - a reader bug costs the reading, never the file
        log.exception("reading file of event %s failed", inbound.event_id)
        return "อ่านไฟล์นี้ไม่สำเร็จ"


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
    """A button press: its action's row of ``handlers.features.ACTIONS`` answers it."""
    from handlers import payloads
    from handlers.features import ACTION_BY_NAME

    p = payloads.parse(raw)
    if p is None:
        return [say(texts.STALE_BUTTON)]
    return ACTION_BY_NAME[p.action].run(ctx, p.args)


# --- text ----------------------------------------------------------------------------------------

def on_text(ctx: Ctx, text: str) -> list[Reply]:
    """Free text is read against what the conversation has open before it is read as a new
    command (``nlp.replies.understand``); ``handlers.conversation`` acts on the reading."""
    from handlers.conversation import act, open_of
    from nlp.replies import understand

    result = _parse(ctx, text)
    state = ctx.state()
    if state is not None and state.flow == "training":  # the practice reads every message as a try
        from handlers.training import on_text as practice

        return practice(ctx, state, text, result)
    reading = understand(text, open=open_of(state), parsed=result)
    return act(ctx, state, reading, result, text)


def dispatch(ctx: Ctx, result, text: str) -> list[Reply]:
    """A typed command: its intent's row of ``handlers.features.INTENTS`` answers it."""
    from handlers.features import INTENT_BY_NAME
    from handlers.help import small_talk_replies

    row = INTENT_BY_NAME.get(result.intent)
    if row is None:
        return [] if ctx.inbound.is_group else small_talk_replies(ctx, text) or [say(texts.NOT_UNDERSTOOD)]
    return row.run(ctx, result, text)

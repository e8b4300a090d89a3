"""Files go to the letter the person means.

* A file whose caption is a letter header (Telegram's caption arrives as ``Inbound.text``)
  starts that registration, with the file held in the draft until [ยืนยัน].
* During a registration draft the file is held for it.
* Right after a receipt (within ``ATTACH_WINDOW`` of the last thing done with that letter) it is
  attached to that letter — never to a classified one: a chat carries no scan of a secret letter.
* Otherwise the bot asks which letter: the file is kept aside and the person's recent letters are
  offered as buttons (``at:<letter>``); nothing is attached on a guess.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from handlers import payloads, texts
from handlers.cards import label, number_of
from handlers.context import Ctx, say
from handlers.models import Button, Reply
from handlers.state import TTL
from registry import access
from registry.assignments import get_letter
from registry.attachments import StoredFile, add_attachment, attach_file, store_file
from registry.models import Book, Letter, Registration

ATTACH_WINDOW = dt.timedelta(minutes=10)
RECENT_LETTERS = 4


def on_file(ctx: Ctx) -> list[Reply]:
    ib = ctx.inbound
    if ib.file is None:
        return []
    from handlers.core import clean_text

    caption = clean_text(ib.text).strip()
    if caption:
        started = _caption_header(ctx, caption)
        if started is not None:
            return started
    state = ctx.state(lock=True)
    if state is not None and state.flow == "intake":
        return _hold_for_draft(ctx, state)
    target = state.data.get("letter_id") if state is not None and state.flow == "letter" else None
    if target is not None and _recent(ctx, state):
        letter = get_letter(ctx.session, int(target))
        if letter.secrecy is not None:
            return [say(texts.TOP_SECRET_NO_FILES if letter.secrecy == "top_secret" else texts.SECRET_NO_FILES)]
        data = _fetch(ctx)
        if data is None:
            return [say(texts.ATTACH_UNAVAILABLE)]
        row = attach_file(ctx.session, letter.id, data, directory=ctx.runtime.attachments_dir, actor=ctx.actor,
                          content_type=ib.file.content_type, filename=ib.file.filename, clock=ctx.clock)
        ctx.save(state.flow, dict(state.data))  # a further page extends the same window
        return [say(texts.ATTACHED.format(number=number_of(letter), size=human_size(row.size)))]
    if ib.is_group:
        return []
    return _ask_which_letter(ctx)


def _fetch(ctx: Ctx) -> bytes | None:
    if ctx.fetch_file is None:
        return None
    try:
        return ctx.fetch_file(ctx.inbound.file)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - the platform's content API failed (logged by core); the user can resend
        return None


def _recent(ctx: Ctx, state) -> bool:
    """Whether the letter of this chat was handled within the window (the state's last save)."""
    return state.expires_at - TTL + ATTACH_WINDOW >= ctx.now


def _store(ctx: Ctx, data: bytes) -> dict:
    ib = ctx.inbound
    return store_file(ctx.runtime.attachments_dir, data, content_type=ib.file.content_type,
                      filename=ib.file.filename).to_json()


def _caption_header(ctx: Ctx, caption: str) -> list[Reply] | None:
    """A caption that is a letter header: start its registration with the file held."""
    from handlers import intake
    from handlers.core import _parse_text
    from nlp.replies import header_evidence

    result = _parse_text(caption, ctx.today)
    if not header_evidence(caption, result):
        return None
    replies = intake.start(ctx, result, caption)
    state = ctx.state(lock=True)
    if state is None or state.flow != "intake":
        return replies  # not a clerk, or refused: said so already
    return replies + _hold_for_draft(ctx, state)


def _hold_for_draft(ctx: Ctx, state) -> list[Reply]:
    if state.data["fields"].get("secrecy") == "top_secret":
        return [say(texts.TOP_SECRET_NO_FILES)]
    if state.data["fields"].get("secrecy") is not None:
        return [say(texts.SECRET_NO_FILES)]
    data = _fetch(ctx)
    if data is None:
        return [say(texts.ATTACH_UNAVAILABLE)]
    draft = dict(state.data)
    draft["files"] = [*draft.get("files", []), _store(ctx, data)]
    ctx.save("intake", draft)
    return [say(texts.ATTACH_HELD)]


def _ask_which_letter(ctx: Ctx) -> list[Reply]:
    units = ctx.units_for(access.MANAGE)
    if not units:
        return [say(texts.ATTACH_NO_LETTER)]
    rows = ctx.session.execute(
        select(Letter.id, Registration.number, Book.year, Letter.subject)
        .join(Registration, Registration.letter_id == Letter.id).join(Book, Book.id == Registration.book_id)
        .where(Letter.unit_id.in_(units), Letter.secrecy.is_(None), Letter.status != "cancelled",
               Letter.sandbox.is_(False), Letter.direction == "incoming")
        .order_by(Registration.received_at.desc(), Letter.id.desc()).limit(RECENT_LETTERS)
    ).all()
    if not rows:
        return [say(texts.ATTACH_NO_LETTER)]
    data = _fetch(ctx)
    if data is None:
        return [say(texts.ATTACH_UNAVAILABLE)]
    ctx.save("file", {"files": [_store(ctx, data)]})
    quick = [Button(label(f"{texts.BUTTON['attach_to']} {r.number}/{r.year}"), payloads.make("at", r.id))
             for r in rows]
    quick.append(Button(texts.BUTTON["cancel"], payloads.make("stop"), "danger"))
    lines = [texts.ATTACH_WHICH] + [f"• {r.number}/{r.year} {(r.subject or '-')[:50]}" for r in rows]
    return [say("\n".join(lines), quick=quick)]


def attach_held(ctx: Ctx, letter_id: int) -> list[Reply]:
    """[แนบกับ 12/2569]: the file kept aside goes to the letter chosen."""
    state = ctx.state(lock=True)
    if state is None or state.flow != "file" or not state.data.get("files"):
        return [say(texts.STALE_BUTTON)]
    letter = get_letter(ctx.session, letter_id)
    if letter.secrecy is not None:
        return [say(texts.SECRET_NO_FILES)]
    size = 0
    for meta in state.data["files"]:
        size += add_attachment(ctx.session, letter.id, StoredFile(**meta), actor=ctx.actor, clock=ctx.clock).size
    ctx.save("letter", {"letter_id": letter.id, "number": number_of(letter)})
    return [say(texts.ATTACHED.format(number=number_of(letter), size=human_size(size)))]


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} ไบต์"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"

"""A photo or PDF sent in the same conversation becomes an attachment of that letter."""

from __future__ import annotations

from handlers import texts
from handlers.cards import number_of
from handlers.context import Ctx, say
from handlers.models import Reply
from registry.assignments import get_letter
from registry.attachments import attach_file, store_file


def on_file(ctx: Ctx) -> list[Reply]:
    ib = ctx.inbound
    state = ctx.state(lock=True)
    if state is None or ib.file is None:
        return [] if ib.is_group else [say(texts.ATTACH_NO_LETTER)]
    target = state.data.get("letter_id")
    drafting = state.flow == "intake"
    if not drafting and target is None:
        return [say(texts.ATTACH_NO_LETTER)]
    if ctx.fetch_file is None:
        return [say(texts.ATTACH_UNAVAILABLE)]
    try:
        data = ctx.fetch_file(ib.file)
    except Exception:  # noqa: BLE001 - the platform's content API failed (logged by core); the user can resend
        return [say(texts.ATTACH_UNAVAILABLE)]
    if drafting:
        if state.data["fields"].get("secrecy") == "top_secret":
            return [say(texts.TOP_SECRET_NO_FILES)]
        stored = store_file(ctx.runtime.attachments_dir, data, content_type=ib.file.content_type,
                            filename=ib.file.filename)
        draft = dict(state.data)
        draft["files"] = [*draft.get("files", []), stored.to_json()]
        ctx.save("intake", draft)
        return [say(texts.ATTACH_HELD)]
    row = attach_file(ctx.session, int(target), data, directory=ctx.runtime.attachments_dir, actor=ctx.actor,
                      content_type=ib.file.content_type, filename=ib.file.filename, clock=ctx.clock)
    letter = get_letter(ctx.session, int(target))
    ctx.save(state.flow, dict(state.data))  # a further page extends the same conversation
    return [say(texts.ATTACHED.format(number=number_of(letter), size=human_size(row.size)))]


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} ไบต์"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"

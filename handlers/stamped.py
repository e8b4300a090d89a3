"""Links to a letter's stamped copies (ตรารับ drawn on a copy, registry.attachments): the file an
owner opens from the forward notice. The original stays downloadable from the letter page."""

from __future__ import annotations

from handlers.models import Field
from registry.models import Letter

STAMPABLE = ("application/pdf", "image/jpeg", "image/png", "image/webp", "image/gif")
MAX_LINKS = 3


def stamped_copy_url(base_url: str, letter_id: int, attachment_id: int) -> str:
    # the download route makes the copy on first use when it was not made at registration
    return f"{base_url.rstrip('/')}/api/v1/letters/{letter_id}/attachments/{attachment_id}/stamped"


def stamped_copy_fields(letter: Letter, base_url: str | None) -> tuple[Field, ...]:
    """One row per file (up to three); none for a secret letter (its chat shows no content) or
    when the service's public address is unknown."""
    if not base_url or letter.secrecy is not None or letter.direction != "incoming":
        return ()
    files = [a for a in letter.attachments if a.content_type in STAMPABLE][:MAX_LINKS]
    return tuple(Field("ไฟล์ (ประทับตรารับ)" if i == 0 else f"ไฟล์ที่ {i + 1}", stamped_copy_url(base_url, letter.id, a.id))
                 for i, a in enumerate(files))


def stamp_waiting(runtime, *, limit: int = 20) -> int:
    """Draw the stamped copies still missing (files of letters just registered, from the mailbox or
    the chat), each outside any transaction; a file that cannot be stamped is marked with the
    reason and not tried again. Run by the mailbox worker each turn; returns how many were made."""
    import logging

    from registry.attachments import ensure_stamped, record_stamp_failure, waiting_for_stamp
    from registry.errors import RegistryError
    from registry.events import SYSTEM
    from scan.stamp import StampError, draw_receipt

    with runtime.read() as session:
        ids = waiting_for_stamp(session, STAMPABLE, limit=limit)
    made = 0
    for attachment_id in ids:
        try:
            ensure_stamped(runtime, attachment_id, draw=draw_receipt, actor=SYSTEM)
            made += 1
        except (StampError, RegistryError) as exc:
            reason = str(exc) if isinstance(exc, StampError) else exc.message_th
            with runtime.transaction() as session:
                record_stamp_failure(session, attachment_id, reason)
        except OSError:  # the file store is failing: try again next turn
            logging.getLogger("saraban.stamp").exception("stamping attachment %s failed", attachment_id)
    return made

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

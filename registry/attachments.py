"""Attachments of a letter: a scan, photo or PDF stored by content (sha256) under the attachments
directory, recorded with its size and type, one event each.

The bytes are written (content-addressed, atomically) before the row is inserted; a rolled-back
transaction leaves at most an unreferenced file, never a row without its file. ลับที่สุด letters
keep no content (2564 amendment), so they take no attachments.

Originals are kept exactly as received (a signed PDF must stay valid): the receipt stamp (ตรารับ)
is drawn on a copy, stored beside it and recorded on the same row (``stamped_path``,
``stamped_sha256``). The drawing itself is scan.stamp's; callers hand it in as *draw*, so this
room stays free of PDF and image libraries.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import InvalidInput, PermissionDenied
from registry.events import Actor, append_event
from registry.models import Attachment
from registry.access import MANAGE, holds, may_answer
from registry.runtime import Runtime

MAX_BYTES = 20 * 1024 * 1024
ALLOWED_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
# The original e-mail of a letter that came through the saraban mailbox (bot/mail.py); never
# accepted from a chat upload, only through store_file(..., email=True).
EMAIL_TYPE = "message/rfc822"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    storage_path: str  # relative to the attachments directory
    filename: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


def sniff(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    return None


def store_file(directory: Path, data: bytes, *, content_type: str | None = None,
               filename: str | None = None, email: bool = False) -> StoredFile:
    """Validate and write the bytes under ``<dir>/<sha[:2]>/<sha><ext>`` (idempotent). With
    *email*, the bytes are an original e-mail (.eml) kept as received."""
    if not data:
        raise InvalidInput("file", "ไฟล์ว่างเปล่า กรุณาส่งใหม่")
    if len(data) > MAX_BYTES:
        raise InvalidInput("file", f"ไฟล์ใหญ่เกินไป (สูงสุด {MAX_BYTES // (1024 * 1024)} MB)")
    if email:
        kind, ext = EMAIL_TYPE, ".eml"
    else:
        # Trust the bytes over the declared type: a platform may say octet-stream for a PDF.
        kind = sniff(data) or (content_type or "").split(";")[0].strip().lower()
        if kind not in ALLOWED_TYPES:
            raise InvalidInput("file", "รองรับเฉพาะรูปภาพ (JPEG, PNG, WebP, HEIC) และไฟล์ PDF")
        ext = ALLOWED_TYPES[kind]
    sha = hashlib.sha256(data).hexdigest()
    relative = Path(sha[:2]) / f"{sha}{ext}"
    target = Path(directory) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    name = "".join(ch for ch in (filename or "") if ch.isprintable()).strip()[:255] or None
    return StoredFile(sha, len(data), kind, relative.as_posix(), name)


def add_attachment(session: Session, letter_id: int, stored: StoredFile, *, actor: Actor,
                   clock: Clock = SYSTEM_CLOCK) -> Attachment:
    """Record a stored file as an attachment of the letter (the unit's staff or an assignee)."""
    from registry.assignments import get_letter

    now = clock.now()
    letter = get_letter(session, letter_id)
    if actor.person_id is not None and not (
        holds(session, actor.person_id, letter.unit_id, MANAGE, now)
        or any(may_answer(session, actor, a, now) for a in letter.assignments if a.person_id is not None)
    ):
        raise PermissionDenied("แนบไฟล์กับหนังสือนี้")
    if letter.secrecy == "top_secret":
        raise InvalidInput("file", "หนังสือลับที่สุดไม่บันทึกเนื้อหาในระบบอิเล็กทรอนิกส์ จึงแนบไฟล์ไม่ได้")
    if letter.status == "cancelled":
        raise InvalidInput("file", "หนังสือนี้ถูกยกเลิกแล้ว แนบไฟล์ไม่ได้")
    row = Attachment(letter_id=letter.id, sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
                     filename=stored.filename, storage_path=stored.storage_path, created_at=now,
                     created_by=actor.person_id)
    session.add(row)
    session.flush()
    append_event(session, kind="attachment.added", entity="letter", entity_id=letter.id, actor=actor, at=now,
                 data={"attachment_id": row.id, "sha256": stored.sha256, "size": stored.size,
                       "content_type": stored.content_type, "filename": stored.filename})
    return row


def attach_file(session: Session, letter_id: int, data: bytes, *, directory: Path, actor: Actor,
                content_type: str | None = None, filename: str | None = None,
                clock: Clock = SYSTEM_CLOCK) -> Attachment:
    """Store the bytes and record them as an attachment of the letter, in one call."""
    from registry.assignments import get_letter

    letter = get_letter(session, letter_id)
    if letter.secrecy == "top_secret":  # refuse before a single byte is written
        raise InvalidInput("file", "หนังสือลับที่สุดไม่บันทึกเนื้อหาในระบบอิเล็กทรอนิกส์ จึงแนบไฟล์ไม่ได้")
    stored = store_file(directory, data, content_type=content_type, filename=filename)
    return add_attachment(session, letter_id, stored, actor=actor, clock=clock)


# --- the original and its stamped copy -------------------------------------------------------------

def file_path(directory: Path, storage_path: str) -> Path:
    path = Path(storage_path)
    return path if path.is_absolute() else Path(directory) / path


def read_original(directory: Path, row: Attachment) -> bytes:
    """The original bytes, checked against the sha256 recorded when they arrived."""
    data = file_path(directory, row.storage_path).read_bytes()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise InvalidInput("file", "ไฟล์ต้นฉบับไม่ตรงกับค่า sha256 ที่บันทึกไว้ กรุณาแจ้งผู้ดูแลระบบ")
    return data


def receipt_facts(session: Session, letter_id: int, base_url: str | None = None) -> dict[str, str] | None:
    """What the receipt stamp (ตรารับ) shows: unit name, เลขรับ, date and time (พ.ศ., Bangkok time),
    and the receipt's verification code with, when the service's public address is known
    (*base_url*), the ``/verify/<code>`` address its QR code points at; None while the letter has
    no receiving number (an outgoing letter, a draft)."""
    from registry.models import Letter, Registration
    from registry.timeutil import local, thai_date

    letter = session.get(Letter, letter_id)
    reg = session.query(Registration).filter(Registration.letter_id == letter_id).one_or_none()
    if letter is None or reg is None or letter.direction != "incoming":
        return None
    from registry.verification import code_of

    at = local(reg.received_at)
    facts = {"unit": letter.unit.name, "number": f"{reg.number}/{reg.book.year}",
             "date": thai_date(at.date(), short=True), "time": f"{at:%H:%M} น."}
    code = code_of(session, reg.id)
    if code:
        facts["code"] = code
        if base_url:
            facts["verify_url"] = f"{base_url.rstrip('/')}/verify/{code}"
    return facts


Draw = Callable[[bytes, str, dict], bytes]  # (original bytes, content type, receipt facts) → stamped copy


def make_stamped_copy(session: Session, attachment_id: int, *, directory: Path, draw: Draw, actor: Actor,
                      clock: Clock = SYSTEM_CLOCK, base_url: str | None = None) -> Attachment:
    """Draw the receipt stamp on a copy of the attachment and record it, in the caller's
    transaction (once: a second call returns the row as it is). The original is read, never
    written. A server prefers :func:`ensure_stamped`, which draws outside any transaction."""
    row, facts = _stamp_job(session, attachment_id, base_url)
    if facts is None:
        return row
    stored = store_file(directory, draw(read_original(directory, row), row.content_type, facts),
                        content_type=row.content_type)
    return record_stamped_copy(session, attachment_id, stored, facts, actor=actor, clock=clock)


def _stamp_job(session: Session, attachment_id: int, base_url: str | None = None) -> tuple[Attachment, dict[str, str] | None]:
    """The attachment and what its stamp shows; facts None when the copy exists already."""
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise InvalidInput("file", "ไม่พบไฟล์แนบ")
    if row.stamped_path is not None:
        return row, None
    facts = receipt_facts(session, row.letter_id, base_url)
    if facts is None:
        raise InvalidInput("file", "หนังสือนี้ยังไม่มีเลขรับ จึงยังประทับตรารับไม่ได้")
    return row, facts


def record_stamped_copy(session: Session, attachment_id: int, stored: StoredFile, facts: dict[str, str], *,
                        actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Attachment:
    """Record a stamped copy already written to the store (the first one wins; idempotent)."""
    query = select(Attachment).where(Attachment.id == attachment_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.execute(query).scalar_one()
    if row.stamped_path is not None:
        return row
    row.stamped_path = stored.storage_path
    row.stamped_sha256 = stored.sha256
    append_event(session, kind="attachment.stamped", entity="letter", entity_id=row.letter_id, actor=actor,
                 at=clock.now(), data={"attachment_id": row.id, "sha256": row.sha256,
                                       "stamped_sha256": stored.sha256, "stamp": facts})
    return row


def ensure_stamped(runtime: Runtime, attachment_id: int, *, draw: Draw, actor: Actor) -> str:
    """The stamped copy's storage path, made now if need be: read in one short session, drawn with
    no transaction open (drawing a page takes a few hundred ms: SQLite's write lock must not wait
    on it), recorded in another short one."""
    with runtime.read() as session:
        row, facts = _stamp_job(session, attachment_id, runtime.public_url)
        if facts is None:
            return row.stamped_path  # type: ignore[return-value]
        storage_path, content_type = row.storage_path, row.content_type
        sha = row.sha256
    original = file_path(runtime.attachments_dir, storage_path).read_bytes()
    if hashlib.sha256(original).hexdigest() != sha:
        raise InvalidInput("file", "ไฟล์ต้นฉบับไม่ตรงกับค่า sha256 ที่บันทึกไว้ กรุณาแจ้งผู้ดูแลระบบ")
    stored = store_file(runtime.attachments_dir, draw(original, content_type, facts), content_type=content_type)
    with runtime.transaction() as session:
        return record_stamped_copy(session, attachment_id, stored, facts, actor=actor, clock=runtime.clock).stamped_path


def record_stamp_failure(session: Session, attachment_id: int, reason: str) -> None:
    """A file no stamp can be drawn on (an encrypted or damaged PDF): say why, and stop trying.
    Its original stays as it is and downloadable."""
    row = session.get(Attachment, attachment_id)
    if row is not None and row.stamped_path is None:
        row.stamp_error = reason[:500]


def waiting_for_stamp(session: Session, content_types: tuple[str, ...], *, limit: int = 20) -> list[int]:
    """Attachments of registered incoming letters whose stamped copy is not made yet (oldest first)."""
    from registry.models import Letter, Registration

    return list(session.execute(
        select(Attachment.id).join(Letter, Letter.id == Attachment.letter_id)
        .join(Registration, Registration.letter_id == Letter.id)
        .where(Attachment.stamped_path.is_(None), Attachment.stamp_error.is_(None),
               Attachment.content_type.in_(content_types),
               Letter.direction == "incoming", Registration.cancelled_at.is_(None))
        .order_by(Attachment.id).limit(limit)).scalars())

"""Exchange-ready letters: one letter as a versioned JSON document (``letter-v1.schema.json``).

What inter-agency exchange (e-CMS, TH e-GIF) carries per letter is kept beside our own columns
(``Letter.sender_org_code``, ``sender_letter_id``, ``reference_list``, ``enclosure_list``,
``notify_to``, ``accept_id``); the speed and secrecy classes travel as the standard 3-digit codes of
:data:`SPEED_CODES` and :data:`SECRET_CODES`, the one mapping table (our values map one to one, so
the codes are derived, never stored twice).

Contract:

- :func:`letter_document` turns one registered letter into a document that validates against the
  schema (:func:`validate`); :func:`export_documents` yields the documents of a year's books.
- :func:`import_letter` validates a document and registers it as an incoming letter of a unit
  (``registry.intake.register_incoming``: the number, the event, the duplicate report), plus one
  ``letter.imported`` event naming where it came from. A document already imported (same sender
  organisation and letter id, or same ที่ + date + sender in the unit) is refused with
  :class:`registry.errors.Conflict` naming the letter it duplicates: importing twice is harmless.
- A document whose registration is an incoming book's (a register moved between systems) keeps its
  received time, so exporting a year, importing it in order into an empty register and exporting
  again gives the same documents (tests/registry/test_exchange.py holds 1,000 letters to that).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import RegisterIncoming
from registry.errors import Conflict, InvalidInput
from registry.events import Actor, append_event
from registry.models import Book, Letter, Registration
from registry.refkey import ref_key
from registry.units import get_unit

SCHEMA_PATH = Path(__file__).with_name("letter-v1.schema.json")
FORMAT, VERSION = "saraban.letter", 1

# e-CMS SpeedCode / SecretCode (the one mapping table; ``None`` is a letter without a secrecy class).
SPEED_CODES = {"normal": "001", "urgent": "002", "very_urgent": "003", "most_urgent": "004"}
SECRET_CODES = {None: "001", "confidential": "002", "secret": "003", "top_secret": "004"}
PRIORITY_OF = {code: value for value, code in SPEED_CODES.items()}
SECRECY_OF = {code: value for value, code in SECRET_CODES.items()}


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _validator():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(document: Any) -> list[str]:
    """Every way *document* breaks the schema, as ``path: message`` (empty when it validates)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(เอกสาร)'}: {e.message}" for e in errors]


def validate(document: Any) -> None:
    """Raise InvalidInput (Thai) naming the first problems when *document* does not validate."""
    errors = schema_errors(document)
    if errors:
        shown = "; ".join(errors[:3]) + (f" และอีก {len(errors) - 3} ข้อ" if len(errors) > 3 else "")
        raise InvalidInput("document", f"เอกสารแลกเปลี่ยนไม่ตรงตามแบบ {FORMAT} v{VERSION}: {shown}")


# --- export ------------------------------------------------------------------------------------------

def _iso_time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def letter_document(letter: Letter, *, files_dir: Path | None = None) -> dict[str, Any]:
    """The exchange document of *letter* (registered, not a practice letter). With *files_dir* the
    files' bytes travel inside it (base64); without, only what identifies them (name, type, sha256).
    The caller decides who may have it (registry.access.may_read): the document carries content."""
    reg = letter.registration
    if reg is None or letter.sandbox:
        raise InvalidInput("letter", "หนังสือนี้ไม่มีเลขทะเบียนจริง จึงส่งออกเป็นเอกสารแลกเปลี่ยนไม่ได้")
    from registry.numbering import display_number

    book = reg.book
    incoming = letter.direction == "incoming"
    return {
        "format": FORMAT,
        "version": VERSION,
        "letter": {
            "id": letter.ref_no,
            "correspondence_date": _iso_date(letter.letter_date),
            "subject": letter.subject,
            "kind": letter.kind,
            "speed_code": SPEED_CODES[letter.priority],
            "secret_code": SECRET_CODES[letter.secrecy],
            "deadline_at": _iso_time(letter.deadline_at),
            "sender": {"name": letter.sender, "org_code": letter.sender_org_code,
                       "letter_id": letter.sender_letter_id},
            # an incoming letter's receiver is us; an outgoing one's is the addressee, by name only
            "receiver": {"name": letter.addressee, "unit_code": letter.unit.code if incoming else None},
            "references": list(letter.reference_list or []),
            "enclosures": {"text": letter.enclosures, "items": list(letter.enclosure_list or [])},
            "remarks": letter.remarks,
        },
        "registration": {
            "unit_code": letter.unit.code, "unit_name": letter.unit.name, "direction": letter.direction,
            "year": book.year, "number": reg.number, "display": display_number(book, reg.number),
            "registered_at": _iso_time(reg.received_at),
        },
        "notify": {"to": letter.notify_to, "accept_id": letter.accept_id},
        "retention": letter.retention,
        "files": [_file(f, files_dir) for f in letter.attachments],
    }


def _file(row, files_dir: Path | None) -> dict[str, Any]:
    out = {"filename": row.filename, "content_type": row.content_type, "sha256": row.sha256, "size": row.size}
    if files_dir is not None:
        from registry.attachments import read_original

        out["content_base64"] = base64.b64encode(read_original(files_dir, row)).decode("ascii")
    return out


def export_documents(session: Session, *, year: int, unit: int | str | None = None,
                     direction: str | None = None, files_dir: Path | None = None) -> Iterator[dict[str, Any]]:
    """The documents of the letters in the books of *year* (พ.ศ.), in register order (unit, book,
    number). Practice letters, cancelled registrations and destroyed letters are left out."""
    query = (select(Letter.id).join(Registration, Registration.letter_id == Letter.id)
             .join(Book, Book.id == Registration.book_id)
             .where(Book.year == year, Book.sandbox.is_(False), Registration.cancelled_at.is_(None),
                    Letter.destroyed_at.is_(None))
             .order_by(Book.unit_id, Book.direction, Registration.number))
    if unit is not None:
        query = query.where(Book.unit_id == get_unit(session, unit).id)
    if direction is not None:
        query = query.where(Book.direction == direction)
    ids = list(session.execute(query).scalars())
    for start in range(0, len(ids), 200):  # a page at a time: a year's register need not fit in memory
        chunk = ids[start:start + 200]
        rows = {row.id: row for row in session.execute(select(Letter).where(Letter.id.in_(chunk))).unique().scalars()}
        for letter_id in chunk:
            yield letter_document(rows[letter_id], files_dir=files_dir)
        session.expunge_all()


# --- import ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    letter_id: int
    display_no: str
    registered: Any  # registry.commands.Registered


def import_letter(session: Session, document: Any, *, actor: Actor, unit: int | str | None = None,
                  files_dir: Path | None = None, clock: Clock = SYSTEM_CLOCK) -> Imported:
    """Register *document* as an incoming letter (ลงรับ) of *unit* (default: the document's receiver,
    else the unit of its registration). Validates it first (InvalidInput, nothing written), refuses
    a letter already in the unit (Conflict), then registers it, attaches the files it carries and
    appends ``letter.imported``; all in the caller's transaction."""
    from registry.attachments import attach_file
    from registry.intake import register_incoming

    validate(document)
    body, reg = document["letter"], document["registration"]
    target = get_unit(session, unit if unit is not None else (body["receiver"]["unit_code"] or reg["unit_code"]))
    moved = reg["direction"] == "incoming" and reg["unit_code"].replace(" ", "") == target.code.replace(" ", "")
    received_at = _parse_time(reg["registered_at"]) if moved else None
    letter_date = dt.date.fromisoformat(body["correspondence_date"]) if body["correspondence_date"] else None
    sender = body["sender"]
    same = _already_imported(session, target.id, sender, body["id"], letter_date)
    if same is not None:
        raise Conflict(f"หนังสือนี้ลงรับไว้แล้ว (เลขที่เอกสารในระบบ {same})", letter_id=same)
    files = [_file_bytes(f) for f in document["files"] if "content_base64" in f]
    if files and files_dir is None:
        raise InvalidInput("files", "เอกสารมีไฟล์แนบ แต่ไม่ได้กำหนดที่เก็บไฟล์")
    registered = register_incoming(session, RegisterIncoming(
        unit_id=target.id, subject=body["subject"], ref_no=body["id"], letter_date=letter_date,
        sender=sender["name"], addressee=body["receiver"]["name"], priority=PRIORITY_OF[body["speed_code"]],
        secrecy=SECRECY_OF[body["secret_code"]], enclosures=body["enclosures"]["text"], remarks=body["remarks"],
        kind=body["kind"], retention=document["retention"], received_at=received_at,
        deadline_at=_parse_time(body["deadline_at"]) if body["deadline_at"] else None,
        sender_org_code=sender["org_code"], sender_letter_id=sender["letter_id"],
        references=tuple(body["references"]), enclosure_list=tuple(body["enclosures"]["items"]),
        notify_to=document["notify"]["to"]), actor=actor, clock=clock)
    if document["notify"]["accept_id"] is not None:
        session.get(Letter, registered.letter_id).accept_id = document["notify"]["accept_id"]
    for name, content_type, data in files:
        attach_file(session, registered.letter_id, data, directory=files_dir, actor=actor,
                    content_type=content_type, filename=name, clock=clock)
    append_event(session, kind="letter.imported", entity="letter", entity_id=registered.letter_id, actor=actor,
                 at=clock.now(), data={"format": FORMAT, "version": VERSION, "from": {
                     "unit_code": reg["unit_code"], "direction": reg["direction"], "display": reg["display"],
                     "org_code": sender["org_code"], "letter_id": sender["letter_id"]},
                     "accept_id": document["notify"]["accept_id"], "files": len(files)})
    return Imported(registered.letter_id, registered.display_no, registered)


def _parse_time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:  # the schema's pattern requires an offset; this is a second guard
        raise InvalidInput("document", "เวลาในเอกสารต้องระบุเขตเวลา")
    return value


def _file_bytes(entry: dict[str, Any]) -> tuple[str | None, str, bytes]:
    try:
        data = base64.b64decode(entry["content_base64"], validate=True)
    except ValueError:
        raise InvalidInput("files", f"ไฟล์ {entry['filename'] or ''} เข้ารหัส base64 ไม่ถูกต้อง") from None
    if hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
        raise InvalidInput("files", f"ไฟล์ {entry['filename'] or ''} ไม่ตรงกับ sha256 หรือขนาดที่ระบุ")
    return entry["filename"], entry["content_type"], data


def _already_imported(session: Session, unit_id: int, sender: dict[str, Any], ref_no: str | None,
                      letter_date: dt.date | None) -> int | None:
    """The unit's letter that is this one: same sender organisation and letter id, or same ที่,
    date and sender (a letter that came on paper first)."""
    same: list[Any] = []
    if sender["org_code"] and sender["letter_id"]:
        same.append(and_(Letter.sender_org_code == sender["org_code"], Letter.sender_letter_id == sender["letter_id"]))
    key = ref_key(ref_no)
    if key is not None and letter_date is not None:
        same.append(and_(Letter.ref_no_norm == key, Letter.letter_date == letter_date,
                         Letter.sender.is_(None) if sender["name"] is None else Letter.sender == sender["name"]))
    if not same:
        return None
    return session.execute(select(Letter.id).where(
        Letter.unit_id == unit_id, Letter.direction == "incoming", Letter.status != "cancelled",
        Letter.sandbox.is_(False), or_(*same)).order_by(Letter.id).limit(1)).scalar()


def read_jsonl(lines) -> Iterator[tuple[int, Any]]:
    """(line number, parsed document or the JSON error text) for each non-empty line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, exc


def dump(document: dict[str, Any]) -> str:
    """One document as one line (UTF-8 Thai kept readable, keys in a stable order)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


__all__ = ["FORMAT", "PRIORITY_OF", "SCHEMA_PATH", "SECRECY_OF", "SECRET_CODES", "SPEED_CODES", "VERSION",
           "Imported", "dump", "export_documents", "import_letter", "letter_document", "read_jsonl", "schema",
           "schema_errors", "validate"]

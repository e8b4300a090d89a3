"""The saraban mailbox's messages (ARCHITECTURE: bot/mail.py reads them; this is their one writer).

A message of a unit's central e-mail address is taken in once: a draft registration (the letter
fields read from it, its PDF/image files and the original .eml already stored) whose card is
queued to every clerk of the unit, or, when it cannot be read, a row set aside with the reason.
Exactly once: (mailbox, UIDVALIDITY, UID) and (unit, Message-ID) are unique, and the row, its
event and the clerks' notices are written in one transaction, so a reader that dies mid-mailbox
leaves each message either wholly taken in or untouched for the next run.

[ยืนยัน] registers the letter (the unit's next เลขรับ), attaches the files and the .eml, stamps
copies, and queues the receipt notice (แจ้งเลขรับ) to the sender on the ``mail`` channel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.attachments import StoredFile, add_attachment
from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import RegisterIncoming, Registered
from registry.errors import InvalidInput, NotFound
from registry.events import SYSTEM, Actor, append_event
from registry.intake import register_incoming
from registry.models import MailMessage, Membership, Person
from registry.outbox import enqueue, notify_person
from registry.access import MANAGE, require

DRAFT_KIND = "mail_draft"  # the card to the unit's clerks
RECEIPT_KIND = "mail_receipt"  # แจ้งเลขรับ to the sender, on the "mail" channel
MAIL_CHANNEL = "mail"
CLERK_ROLES = ("clerk",)
LETTER_FIELDS = ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures", "priority", "secrecy")


def last_uid(session: Session, mailbox: str, uidvalidity: int) -> int:
    """The highest UID of the mailbox already taken in (0: none); a new UIDVALIDITY starts over
    (and Message-IDs keep a renumbered mailbox from being taken in twice)."""
    return session.execute(select(func.coalesce(func.max(MailMessage.uid), 0)).where(
        MailMessage.mailbox == mailbox, MailMessage.uidvalidity == uidvalidity)).scalar_one()


def take_in(session: Session, *, unit_id: int, mailbox: str, uidvalidity: int, uid: int, message_id: str | None,
            from_address: str | None, from_name: str | None, mail_subject: str | None, fields: dict[str, Any],
            files: list[StoredFile], received_at: dt.datetime, reason: str | None = None,
            clock: Clock = SYSTEM_CLOCK) -> MailMessage | None:
    """Record one message: a draft (its card queued to the unit's clerks), or set aside when
    *reason* is given. None when this UID was taken in before. A Message-ID already seen in this
    unit (the same letter sent twice, or a renumbered mailbox) is recorded as a duplicate."""
    now = clock.now()
    status = "set_aside" if reason else "draft"
    if message_id is not None:
        earlier = session.execute(select(MailMessage.id).where(
            MailMessage.unit_id == unit_id, MailMessage.message_id == message_id)).scalar()
        if earlier is not None:
            status, reason, message_id = "duplicate", f"ซ้ำกับอีเมลรายการที่ {earlier} (Message-ID เดียวกัน)", None
    values = dict(unit_id=unit_id, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, message_id=message_id,
                  status=status, reason=reason, from_address=_cut(from_address, 320), from_name=from_name,
                  mail_subject=mail_subject, fields=fields, files=[f.to_json() for f in files],
                  received_at=received_at)
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(MailMessage).values(**values)
    row_id = session.execute(ins.on_conflict_do_nothing().returning(MailMessage.id)).scalar()
    if row_id is None:  # another reader took this message in first
        return None
    row = session.get(MailMessage, row_id)
    append_event(session, kind="mail.received" if status == "draft" else "mail.set_aside", entity="mail",
                 entity_id=row_id, actor=SYSTEM, at=now,
                 data={"unit_id": unit_id, "uid": uid, "message_id": message_id, "from": from_address,
                       "status": status, "reason": reason, "files": [f.sha256 for f in files]})
    if status == "draft":
        for person_id in clerks_of(session, unit_id):
            notify_person(session, person_id, kind=DRAFT_KIND, payload={"mail_id": row_id},
                          dedupe_key=f"{DRAFT_KIND}:{row_id}:{person_id}", at=now)
    return row


def clerks_of(session: Session, unit_id: int) -> list[int]:
    return list(session.execute(
        select(Membership.person_id).join(Person, Person.id == Membership.person_id)
        .where(Membership.unit_id == unit_id, Membership.role.in_(CLERK_ROLES), Person.active.is_(True))
        .order_by(Membership.person_id)).scalars())


def get_mail(session: Session, mail_id: int, *, lock: bool = False) -> MailMessage:
    query = select(MailMessage).where(MailMessage.id == mail_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFound(f"อีเมลรายการที่ {mail_id}", mail_id)
    return row


def confirm_mail(session: Session, mail_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK,
                 overrides: dict[str, Any] | None = None) -> Registered:
    """[ยืนยัน] on a mail draft: register it, attach its files and the .eml, queue แจ้งเลขรับ to the
    sender. The row is locked first, so two clerks pressing at once register it once (the second
    is told it is done). The stamped copies are drawn afterwards, outside this transaction
    (registry.attachments.ensure_stamped: the mailbox worker, or the first download)."""
    row = open_draft(session, mail_id, actor=actor)
    f = {**(row.fields or {}), **(overrides or {})}
    cmd = RegisterIncoming(
        unit_id=row.unit_id, subject=f.get("subject"), ref_no=f.get("ref_no"),
        letter_date=dt.date.fromisoformat(f["letter_date"]) if f.get("letter_date") else None,
        sender=f.get("sender"), addressee=f.get("addressee"), priority=f.get("priority") or "normal",
        secrecy=f.get("secrecy"), enclosures=f.get("enclosures"), remarks=remarks_for(row))
    reg = register_incoming(session, cmd, actor=actor, clock=clock)
    if reg.letter.get("secrecy") != "top_secret":  # ลับที่สุด keeps no content, not even its files
        for meta in row.files or []:
            add_attachment(session, reg.letter_id, StoredFile(**meta), actor=actor, clock=clock)
    mark_registered(session, row, reg, actor=actor, clock=clock)
    return reg


def open_draft(session: Session, mail_id: int, *, actor: Actor) -> MailMessage:
    """The draft, locked, when the actor may register it and nobody has yet."""
    row = get_mail(session, mail_id, lock=True)
    require(session, actor, row.unit_id, MANAGE, "ลงรับหนังสือที่เข้าทางอีเมลของหน่วยงานนี้")
    if row.status != "draft":
        raise InvalidInput("mail", _done_message(session, row))
    return row


def remarks_for(row: MailMessage) -> str:
    from registry.timeutil import thai_datetime

    return f"รับทางอีเมลจาก {row.from_address or '-'} เมื่อ {thai_datetime(row.received_at)}"


def mark_registered(session: Session, row: MailMessage | int, reg: Registered, *, actor: Actor,
                    clock: Clock = SYSTEM_CLOCK) -> None:
    """The draft became letter *reg* (by [ยืนยันลงรับ], or edited in the chat and confirmed there):
    record it, queue แจ้งเลขรับ to the sender. Raises InvalidInput when
    another clerk registered it meanwhile: the caller's transaction, registration included, is
    then rolled back, so one e-mail never takes two numbers."""
    if isinstance(row, int):
        row = open_draft(session, row, actor=actor)
    now = clock.now()
    row.status, row.letter_id, row.decided_at, row.decided_by = "registered", reg.letter_id, now, actor.person_id
    append_event(session, kind="mail.registered", entity="letter", entity_id=reg.letter_id, actor=actor, at=now,
                 data={"mail_id": row.id, "message_id": row.message_id, "from": row.from_address})
    if row.from_address:
        enqueue(session, channel=MAIL_CHANNEL, chat_id=row.from_address, kind=RECEIPT_KIND,
                payload={"mail_id": row.id, "letter_id": reg.letter_id}, dedupe_key=f"{RECEIPT_KIND}:{row.id}", at=now)


def dismiss_mail(session: Session, mail_id: int, *, actor: Actor, reason: str | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> MailMessage:
    """[ไม่ลงรับ]: the message is not a letter for this unit (it stays in the list and the mailbox)."""
    row = get_mail(session, mail_id, lock=True)
    require(session, actor, row.unit_id, MANAGE, "จัดการอีเมลของหน่วยงานนี้")
    if row.status != "draft":
        raise InvalidInput("mail", _done_message(session, row))
    now = clock.now()
    row.status, row.reason, row.decided_at, row.decided_by = "dismissed", reason or "ไม่ลงรับ", now, actor.person_id
    append_event(session, kind="mail.dismissed", entity="mail", entity_id=row.id, actor=actor, at=now,
                 data={"reason": row.reason})
    return row


def _done_message(session: Session, row: MailMessage) -> str:
    if row.status == "registered" and row.letter_id is not None:
        from registry.models import Registration

        reg = session.execute(select(Registration).where(Registration.letter_id == row.letter_id)).unique().scalar_one()
        return f"อีเมลนี้ลงรับไปแล้ว เลขรับ {reg.number}/{reg.book.year}"
    if row.status == "dismissed":
        return "อีเมลนี้ถูกระบุว่าไม่ลงรับแล้ว"
    return "อีเมลนี้ลงรับไม่ได้: " + (row.reason or "อ่านข้อความไม่ได้")


def list_mail(session: Session, unit_ids: list[int] | None, *, limit: int = 200) -> list[MailMessage]:
    query = select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
    if unit_ids is not None:
        query = query.where(MailMessage.unit_id.in_(unit_ids or [-1]))
    return list(session.execute(query).scalars())


def _cut(text: str | None, n: int) -> str | None:
    return text[:n] if text else text

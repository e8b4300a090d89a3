"""SQLAlchemy 2 typed models of the register.

Times are stored in UTC (timezone-aware); dates on letters are plain dates as printed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class TZDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to the register; use UTC-aware times")
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: TZDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """A unit of the organisation tree (กระทรวง → สป. → สำนัก/กอง → ฝ่าย)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "มท 0201.2"
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str | None] = mapped_column(String(64))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    book_reset: Mapped[str] = mapped_column(String(16), default="calendar")  # calendar | fiscal
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))
    # Highest secrecy class this person may read: none | confidential | secret | top_secret
    clearance: Mapped[str] = mapped_column(String(16), default="none")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]
    # flagged for the guided practice (ฝึกใช้งาน) when added as new; reminded until they pass it
    training_due_at: Mapped[dt.datetime | None]

    roles: Mapped[list[Membership]] = relationship(back_populates="person", lazy="selectin")


class Membership(Base):
    """A person's role in a unit: clerk, owner, head, admin, auditor."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "unit_id", "role"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    person: Mapped[Person] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship(lazy="joined")


class Delegation(Base):
    """รักษาการแทน: *delegate* acts for *principal* in *unit* during a period."""

    __tablename__ = "delegations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    # written by registry/delegation.py (older rows have none of these)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[dt.datetime | None]
    ended_early_at: Mapped[dt.datetime | None]  # "end early": ends_at was moved to this moment
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    start_notified_at: Mapped[dt.datetime | None]  # the acting officer was told the period began


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class Book(Base):
    """A register: unit × direction (incoming/outgoing/circular) × year in พ.ศ."""

    __tablename__ = "books"
    __table_args__ = (UniqueConstraint("unit_id", "direction", "year", "sandbox"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    direction: Mapped[str] = mapped_column(String(16))  # incoming | outgoing | circular
    year: Mapped[int] = mapped_column(Integer)  # Buddhist-era year of the book
    reset: Mapped[str] = mapped_column(String(16), default="calendar")
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)  # training books never mix
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime]

    unit: Mapped[Unit] = relationship(lazy="joined")


class Letter(Base):
    """One unit's record of an official letter (a receiving unit gets its own row and number)."""

    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    direction: Mapped[str] = mapped_column(String(16))  # incoming | outgoing | circular
    kind: Mapped[str] = mapped_column(String(16), default="external")
    ref_no: Mapped[str | None] = mapped_column(Text)  # as written
    ref_no_norm: Mapped[str | None] = mapped_column(String(255), index=True)
    letter_date: Mapped[dt.date | None] = mapped_column(Date, index=True)  # the ลงวันที่ range of a search
    sender: Mapped[str | None] = mapped_column(Text)
    sender_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    addressee: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    secrecy: Mapped[str | None] = mapped_column(String(16))
    enclosures: Mapped[str | None] = mapped_column(Text)
    remarks: Mapped[str | None] = mapped_column(Text)
    retention: Mapped[str] = mapped_column(String(16), default="10y")
    status: Mapped[str] = mapped_column(String(16), default="registered", index=True)
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_at: Mapped[dt.datetime | None]
    source_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    sent_via: Mapped[str | None] = mapped_column(Text)  # outgoing: how and to whom it was sent
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
    # Retention and disposal (registry/disposal.py): a hold keeps a letter off every disposal list;
    # a committee's "keep" verdict moves its due date; destruction empties its content.
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    retain_until: Mapped[dt.date | None] = mapped_column(Date)
    destroyed_at: Mapped[dt.datetime | None]
    # Exchange-ready fields (e-CMS, registry/exchange): what inter-agency exchange carries beside our
    # own columns. The speed and secrecy codes (001 …) are not stored: they map one to one from
    # priority and secrecy (registry.exchange.codes). Kept for both sides: their ids and ours.
    sender_org_code: Mapped[str | None] = mapped_column(String(64))  # the sender's organisation id
    sender_letter_id: Mapped[str | None] = mapped_column(String(255))  # the letter's id in the sender's system
    reference_list: Mapped[list[Any] | None] = mapped_column(JSON)  # อ้างถึง: [{ref_no, date, subject}]
    enclosure_list: Mapped[list[Any] | None] = mapped_column(JSON)  # สิ่งที่ส่งมาด้วย: [{title, count}]
    notify_to: Mapped[str | None] = mapped_column(Text)  # where our receiving number is notified back
    accept_id: Mapped[str | None] = mapped_column(String(64))  # the receiving number the addressee gave ours
    # Brought in from an existing register (registry/importing.py): the การปฏิบัติ column as it was
    # written there ('' when it was empty); None for a letter registered in this system.
    imported_action: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined")
    registration: Mapped[Registration | None] = relationship(
        back_populates="letter", uselist=False, lazy="joined"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="letter", order_by="Assignment.id", lazy="selectin", foreign_keys="Assignment.letter_id"
    )
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", lazy="selectin")

    __table_args__ = (Index("ix_letters_dup", "unit_id", "ref_no_norm", "letter_date"),)


class Registration(Base):
    """(book, number, received_at): gapless, never reused; a cancellation keeps the row."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("book_id", "number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"))
    number: Mapped[int] = mapped_column(Integer)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), unique=True)
    received_at: Mapped[dt.datetime] = mapped_column(index=True)  # ลงรับ / date issued
    created_at: Mapped[dt.datetime]  # when the row was keyed
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    cancelled_at: Mapped[dt.datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    book: Mapped[Book] = relationship(lazy="joined")
    letter: Mapped[Letter] = relationship(back_populates="registration")


class Assignment(Base):
    """A forward of a letter to a person or unit (principal owner or copy)."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(16), default="principal")  # principal | copy
    purpose: Mapped[str] = mapped_column(String(16), default="act")  # inform|consider|act|sign
    instruction: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="sent", index=True)
    due_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]
    acknowledged_at: Mapped[dt.datetime | None]
    returned_at: Mapped[dt.datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[dt.datetime | None]
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    # The recipient first opened it (pressed a card button, viewed the letter page): apart from
    # acknowledging, which a circular's readers may never do (registry/recall.py).
    opened_at: Mapped[dt.datetime | None]
    recalled_at: Mapped[dt.datetime | None]  # withdrawn by its sender before it was acknowledged
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    unit_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))

    letter: Mapped[Letter] = relationship(back_populates="assignments", foreign_keys=[letter_id])
    person: Mapped[Person | None] = relationship(lazy="joined", foreign_keys=[person_id])
    unit: Mapped[Unit | None] = relationship(lazy="joined")


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str | None] = mapped_column(String(255))
    storage_path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # the receipt stamp (ตรารับ) is drawn on a copy; the original above stays as received
    stamped_path: Mapped[str | None] = mapped_column(Text)
    stamped_sha256: Mapped[str | None] = mapped_column(String(64))
    stamp_error: Mapped[str | None] = mapped_column(Text)  # why no copy could be stamped (kept, not retried)


class MailMessage(Base):
    """One message of a unit's saraban mailbox (IMAP), taken in once: a draft registration for the
    unit's clerks, then registered or dismissed; a message that cannot be read is set aside with
    its reason. (mailbox, uidvalidity, uid) and (unit, Message-ID) each name a message once."""

    __tablename__ = "mail_messages"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid"), UniqueConstraint("unit_id", "message_id"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    mailbox: Mapped[str] = mapped_column(String(255))  # user@host/folder
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), index=True)  # draft | registered | dismissed | set_aside
    reason: Mapped[str | None] = mapped_column(Text)  # why it was set aside
    from_address: Mapped[str | None] = mapped_column(String(320))
    from_name: Mapped[str | None] = mapped_column(Text)
    mail_subject: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the draft's letter fields
    files: Mapped[list[Any]] = mapped_column(default=list)  # StoredFile dicts (letter files, then the .eml)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    received_at: Mapped[dt.datetime]
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Event(Base):
    """Append-only, hash-chained history: hash = sha256(prev_hash + canonical JSON)."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)  # position in the chain
    occurred_at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(48), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_events_entity", "entity", "entity_id"),)


class ChainHead(Base):
    """The last link of the event chain; locked by every writer that appends events."""

    __tablename__ = "chain_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class Holiday(Base):
    __tablename__ = "holidays"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))


class ChatAccount(Base):
    __tablename__ = "chat_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # line | telegram | web | terminal
    external_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    linked_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]


class LinkCode(Base):
    """A one-time code to link a chat: only the sha256 of the code is kept (it is a credential)."""

    __tablename__ = "link_codes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("chat_accounts.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class LinkFailure(Base):
    """A wrong link code sent from a chat, kept a short while: the throttle counts them per chat."""

    __tablename__ = "link_failures"
    __table_args__ = (Index("ix_link_failures_chat", "channel", "external_id", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime]


class ProcessedInbound(Base):
    """Every inbound platform event, recorded under its unique key before it is acted on."""

    __tablename__ = "processed_inbound"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[dt.datetime]
    # What the event was answered (web chat only): a request repeated after a lost response gets it again.
    replies: Mapped[list[Any] | None] = mapped_column(JSON)


class InboundQueue(Base):
    """A platform event recorded before its webhook is answered, handled from here (LINE does not
    redeliver an event it got a 200 for). Handled rows are dropped once their key is in
    processed_inbound; a row whose claim ran out unhandled (a crash) is handled again by
    bot.durable, exactly once because processed_inbound holds the key."""

    __tablename__ = "inbound_queue"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]]
    received_at: Mapped[dt.datetime]
    claimed_until: Mapped[dt.datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class ConversationState(Base):
    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    flow: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expires_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class OutboxMessage(Base):
    """A notice written with the change that caused it and delivered afterwards by the worker."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(32))  # forward | reminder | digest | ack_notice | reply
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    retry_key: Mapped[str] = mapped_column(String(64))  # X-Line-Retry-Key (a UUID)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(index=True)
    locked_until: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    # Set in its own commit just before a platform call that has no idempotency key (Telegram):
    # a row found with it set after its lease ran out was perhaps delivered (bot/deliver.py).
    sending_at: Mapped[dt.datetime | None]


class ChatPace(Base):
    """When a chat may next be sent to, shared by every deliverer (threads, worker processes,
    machines): Telegram allows about one message a second per chat, and a 429 names how long to
    wait. Taken with one conditional upsert (registry.delivery.take_slot)."""

    __tablename__ = "chat_pace"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    not_before: Mapped[dt.datetime]


class Heartbeat(Base):
    """A process's last sign of life and what it last saw of the platforms: each deliverer (in
    ``saraban serve`` or ``saraban worker``, on any machine) writes its own row; the system page
    reads them (channel status, LINE quota) without calling LINE or Telegram itself."""

    __tablename__ = "heartbeats"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)  # <kind>@<host>:<pid>
    kind: Mapped[str] = mapped_column(String(16))  # serve | worker
    version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime]
    seen_at: Mapped[dt.datetime] = mapped_column(index=True)
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)  # platform probes: webhook, quota, errors


class Audit(Base):
    """A sample audit (สุ่มตรวจ) over units and a period; frozen once closed."""

    __tablename__ = "audits"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    unit_ids: Mapped[list[Any]] = mapped_column(default=list)
    period_from: Mapped[dt.date] = mapped_column(Date)
    period_to: Mapped[dt.date] = mapped_column(Date)
    sample_size: Mapped[int] = mapped_column(Integer)
    margin: Mapped[float | None]
    confidence: Mapped[float | None]
    allocation: Mapped[str] = mapped_column(String(16), default="proportional")
    seed: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="open")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]


class AuditItem(Base):
    __tablename__ = "audit_items"
    __table_args__ = (UniqueConstraint("audit_id", "registration_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    checks: Mapped[dict[str, Any]] = mapped_column(default=dict)
    verdict: Mapped[str | None] = mapped_column(String(16))  # correct | needs_fix | no_evidence
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reviewed_at: Mapped[dt.datetime | None]


class TrainingProgress(Base):
    """F5: a person's guided tutorial in the sandbox book."""

    __tablename__ = "training_progress"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    step: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]
    score: Mapped[int | None] = mapped_column(Integer)  # percent of the last completed practice
    mistakes: Mapped[int] = mapped_column(Integer, default=0)  # in the practice under way (or the last)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the practice's letters, quiz answers


# --- web sign-in (registry/signin.py) ---------------------------------------------------------------

class Credential(Base):
    """A person's web sign-in: a username and an argon2id password hash (never the password)."""

    __tablename__ = "credentials"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    changed_at: Mapped[dt.datetime]


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the register only its sha256."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # None: the bootstrap admin token's session, honoured only until a real admin can sign in.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    via: Mapped[str] = mapped_column(String(16))  # password | chat_link | bootstrap
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class SignInLink(Base):
    """A one-time sign-in link sent to a person's linked chat (no password for field officers)."""

    __tablename__ = "sign_in_links"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class SignInFailure(Base):
    """A failed sign-in, kept a short while: the throttle counts them per account and per address
    across every server process."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_username", "username", "at"),
                      Index("ix_sign_in_failures_address", "address", "at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]


# --- retention and disposal (registry/disposal.py) ---------------------------------------------------

class DisposalList(Base):
    """บัญชีหนังสือขอทำลาย (แบบที่ 25) of one unit for one year: drafted, decided row by row by a
    committee, then carried out."""

    __tablename__ = "disposal_lists"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # Buddhist-era year the list is for
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | carried_out
    created_at: Mapped[dt.datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    carried_out_at: Mapped[dt.datetime | None]
    carried_out_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    items: Mapped[list[DisposalItem]] = relationship(order_by="DisposalItem.id", lazy="selectin")


class DisposalItem(Base):
    __tablename__ = "disposal_items"
    __table_args__ = (UniqueConstraint("list_id", "letter_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("disposal_lists.id"), index=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    due: Mapped[dt.date] = mapped_column(Date)
    verdict: Mapped[str | None] = mapped_column(String(16))  # destroy | keep | archive
    keep_years: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[dt.datetime | None]


class PaperRange(Base):
    """Numbers of a book kept on paper, outside this system (เลขถัดไป set by hand for a paper book):
    the completeness check counts them as the paper book's, not as gaps."""

    __tablename__ = "paper_ranges"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"), index=True)
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    set_at: Mapped[dt.datetime]
    set_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Setting(Base):
    """A setting an admin edits on a page (e.g. the indicator thresholds); every change is an event."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

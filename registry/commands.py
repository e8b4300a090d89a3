"""Small command and result objects that cross into the register's service functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# One purpose vocabulary for the parser and the register (codes and Thai phrases).
from nlp.purposes import PURPOSE_TH, PURPOSES

PRIORITIES = ("most_urgent", "very_urgent", "urgent", "normal")
SECRECY = ("confidential", "secret", "top_secret")
KINDS = ("external", "internal", "stamped", "directive", "public", "evidence")
RETENTION = ("10y", "5y", "1y", "permanent")
DIRECTIONS = ("incoming", "outgoing", "circular")

PRIORITY_TH = {"most_urgent": "ด่วนที่สุด", "very_urgent": "ด่วนมาก", "urgent": "ด่วน", "normal": "ปกติ"}
SECRECY_TH = {"confidential": "ลับ", "secret": "ลับมาก", "top_secret": "ลับที่สุด"}
KIND_TH = {
    "external": "หนังสือภายนอก",
    "internal": "หนังสือภายใน",
    "stamped": "หนังสือประทับตรา",
    "directive": "หนังสือสั่งการ",
    "public": "หนังสือประชาสัมพันธ์",
    "evidence": "หนังสือที่เจ้าหน้าที่ทำขึ้นหรือรับไว้เป็นหลักฐาน",
}
RETENTION_TH = {"10y": "10 ปี", "5y": "5 ปี", "1y": "1 ปี", "permanent": "เก็บตลอดไป"}


@dataclass(frozen=True)
class RegisterIncoming:
    """ลงรับ: enter a received letter into the unit's incoming book."""

    unit_id: int
    subject: str | None = None
    ref_no: str | None = None
    letter_date: dt.date | None = None
    sender: str | None = None
    addressee: str | None = None
    priority: str = "normal"
    secrecy: str | None = None
    enclosures: str | None = None
    remarks: str | None = None
    kind: str = "external"
    retention: str = "10y"
    received_at: dt.datetime | None = None  # default: now
    deadline_at: dt.datetime | None = None  # "ด่วนภายใน …"
    sender_unit_id: int | None = None
    sandbox: bool = False
    # exchange-ready fields (registry/exchange): the sender's organisation and letter ids, อ้างถึง and
    # สิ่งที่ส่งมาด้วย as lists, where to notify our receiving number back
    sender_org_code: str | None = None
    sender_letter_id: str | None = None
    references: tuple[dict[str, Any], ...] = ()
    enclosure_list: tuple[dict[str, Any], ...] = ()
    notify_to: str | None = None


@dataclass(frozen=True)
class RegisterOutgoing:
    """ออกเลขหนังสือส่ง: issue a sending number ``<unit code>/<n>`` (circulars ``/ว <n>``)."""

    unit_id: int
    subject: str | None = None
    addressee: str | None = None
    letter_date: dt.date | None = None
    circular: bool = False
    priority: str = "normal"
    secrecy: str | None = None
    enclosures: str | None = None
    remarks: str | None = None
    kind: str = "external"
    retention: str = "10y"
    sent_via: str | None = None
    issued_at: dt.datetime | None = None
    sandbox: bool = False


@dataclass(frozen=True)
class Recipient:
    person_id: int | None = None
    unit_id: int | None = None
    role: str = "principal"  # principal | copy


@dataclass(frozen=True)
class Forward:
    letter_id: int
    recipients: tuple[Recipient, ...]
    purpose: str = "act"
    instruction: str | None = None


@dataclass(frozen=True)
class Registered:
    letter_id: int
    registration_id: int
    book_id: int
    direction: str
    year: int  # พ.ศ.
    number: int
    received_at: dt.datetime
    display_no: str  # "15/2569" or "มท 0201.2/15"
    duplicates: tuple[int, ...] = field(default=())
    # the letter's columns as written (unit_id, subject, sender, priority, secrecy …): what a
    # receipt shows, without reading the letter back
    letter: dict[str, Any] = field(default_factory=dict, compare=False)
    # what the sender checks at /verify/<code> (registry.verification); None for practice numbers
    verification_code: str | None = None


@dataclass(frozen=True)
class Forwarded:
    letter_id: int
    assignment_ids: tuple[int, ...]
    unit_letter_ids: tuple[int, ...] = ()

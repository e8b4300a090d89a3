"""Pydantic models at the HTTP edge (the registry itself never sees them)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

# The request models say in the schema what the code enforces, and enforce what the schema says
# (issue 16, finding 10): dates are ISO strings (not 0 read as 1970-01-01), booleans and numbers in
# JSON bodies are JSON booleans and numbers (not 0 for false, false for 0), text refuses the
# control characters the register refuses (registry/validation.py), and required text is not blank.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
TEXT = rf"^[^{_CONTROL}]*$"
REQUIRED_TEXT = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _iso_date(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("วันที่ไม่ถูกต้อง (ใช้รูปแบบ ปปปป-ดด-วว เช่น 2026-02-27)")


def _iso_datetime(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return value
    raise ValueError("วันเวลาไม่ถูกต้อง (ใช้รูปแบบ RFC 3339 เช่น 2026-02-27T09:30:00+07:00)")


def _json_int(value: object) -> object:
    # JSON Schema's "integer" is a number with no fraction (1.0 is one); a boolean or a string is not
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("ต้องเป็นตัวเลขจำนวนเต็ม")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("ต้องเป็นตัวเลขจำนวนเต็ม")
        return int(value)
    return value


def _json_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("ต้องเป็นตัวเลข")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
DateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime)]
# Ids: positive and within JSON's exact integers (a float-rounded 2**62 let generated ids past the bound).
ID_MAX = 2**53 - 1
# Field before BeforeValidator: the bounds land in the JSON schema as minimum/maximum, not as raw ge/le
Id = Annotated[int, Field(ge=1, le=ID_MAX), BeforeValidator(_json_int)]
UnitCode = Annotated[str, Field(min_length=1, max_length=64, pattern=REQUIRED_TEXT)]

Priority = Literal["most_urgent", "very_urgent", "urgent", "normal"]
Secrecy = Literal["confidential", "secret", "top_secret"]


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    short_name: str | None = None
    parent: int | None = None


class IncomingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: Id | UnitCode = Field(description="รหัสหน่วยงาน (id) หรือรหัสหนังสือ เช่น 'มท 0201'")
    ref_no: str | None = Field(None, max_length=200, pattern=TEXT)
    letter_date: Date | None = None
    sender: str | None = Field(None, max_length=500, pattern=TEXT)
    addressee: str | None = Field(None, max_length=500, pattern=TEXT)
    subject: str | None = Field(None, max_length=2000, pattern=TEXT)
    priority: Priority = "normal"
    secrecy: Secrecy | None = None
    enclosures: str | None = Field(None, max_length=4000, pattern=TEXT)
    remarks: str | None = Field(None, max_length=4000, pattern=TEXT)
    received_at: DateTime | None = None


class OutgoingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: Id | UnitCode = Field(description="หน่วยงานผู้ออกเลข (id หรือรหัส เช่น 'มท 0201')")
    subject: str | None = Field(None, max_length=2000, pattern=TEXT)
    addressee: str | None = Field(None, max_length=500, pattern=TEXT)
    letter_date: Date | None = None
    circular: StrictBool = Field(False, description="หนังสือเวียน (ทะเบียนแยก เลข ว)")
    priority: Priority = "normal"
    secrecy: Secrecy | None = None
    enclosures: str | None = Field(None, max_length=4000, pattern=TEXT)
    remarks: str | None = Field(None, max_length=4000, pattern=TEXT)
    sent_via: str | None = Field(None, max_length=500, pattern=TEXT)


class RegistrationOut(BaseModel):
    id: int
    book: int
    direction: str
    year: int
    number: int
    display: str
    received_at: dt.datetime
    cancelled_at: dt.datetime | None = None
    cancel_reason: str | None = None
    # what the sender checks at /verify/<code> (registry.verification); none for practice numbers
    verification_code: str | None = None


class RegisteredOut(BaseModel):
    id: int
    registration: RegistrationOut
    duplicates: list[int] = []


class AssignmentOut(BaseModel):
    id: int
    person_id: int | None
    person_name: str | None
    unit_id: int | None
    role: str
    purpose: str
    instruction: str | None
    status: str
    due_at: dt.datetime | None
    sent_at: dt.datetime
    delivered_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_reason: str | None
    opened_at: dt.datetime | None = Field(None, description="ผู้รับเปิดอ่านครั้งแรก (กดปุ่มบนการ์ด ดูสถานะ หรือเปิดหน้าหนังสือ) แยกจากการรับทราบ")
    recalled_at: dt.datetime | None = Field(None, description="ผู้ส่งเรียกคืนก่อนผู้รับรับทราบ (status = recalled)")


class LetterOut(BaseModel):
    id: int
    unit_id: int
    direction: str
    kind: str
    status: str
    ref_no: str | None
    letter_date: dt.date | None
    sender: str | None
    addressee: str | None
    subject: str | None
    priority: str
    secrecy: str | None
    withheld: bool = Field(False, description="เนื้อหาถูกปกปิดเพราะชั้นความลับ")
    enclosures: str | None
    remarks: str | None
    retention: str
    created_at: dt.datetime
    registration: RegistrationOut | None


class EventOut(BaseModel):
    id: int
    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    channel: str
    kind: str
    data: dict


class LetterDetail(LetterOut):
    assignments: list[AssignmentOut] = []
    events: list[EventOut] = []


class LetterPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[LetterOut]


class IntegrityOut(BaseModel):
    ok: bool
    events: int
    first_broken: int | None
    reason: str | None = None


# ---------------------------------------------------------------- directory administration

Role = Literal["clerk", "owner", "head", "admin", "auditor"]
Clearance = Literal["none", "confidential", "secret", "top_secret"]


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, description="รหัสหนังสือของหน่วยงาน เช่น 'มท 0201.3'", pattern=REQUIRED_TEXT)
    name: str = Field(min_length=1, max_length=255, pattern=REQUIRED_TEXT)
    short_name: str | None = Field(None, max_length=64, pattern=TEXT)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    parent: Id | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None
    book_reset: Literal["calendar", "fiscal"] = "calendar"


class UnitPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, min_length=1, max_length=64, pattern=REQUIRED_TEXT)
    name: str | None = Field(None, min_length=1, max_length=255, pattern=REQUIRED_TEXT)
    short_name: str | None = Field(None, max_length=64, pattern=TEXT)
    aliases: list[str] | None = Field(None, max_length=50)
    parent: Id | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None
    book_reset: Literal["calendar", "fiscal"] | None = None


class UnitDetail(UnitOut):
    aliases: list[str] = []
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    book_reset: str = "calendar"


class RoleOut(BaseModel):
    unit_id: int
    unit_code: str
    role: str


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255, pattern=REQUIRED_TEXT)
    position: str | None = Field(None, max_length=255, pattern=TEXT)
    clearance: Clearance = "none"
    roles: list["RoleIn"] = Field(default_factory=list, max_length=20)


class PersonPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=255, pattern=REQUIRED_TEXT)
    position: str | None = Field(None, max_length=255, pattern=TEXT)
    clearance: Clearance | None = None
    active: StrictBool | None = None


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: Id
    role: Role


class PersonOut(BaseModel):
    id: int
    name: str
    position: str | None
    clearance: str
    active: bool
    roles: list[RoleOut]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(None, max_length=128, pattern=TEXT)


class TokenOut(BaseModel):
    id: int
    person_id: int
    label: str | None
    token: str = Field(description="แสดงครั้งเดียว ระบบเก็บเพียงค่าแฮช")


class LinkCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: Id


class LinkCodeOut(BaseModel):
    id: int
    person_id: int
    code: str | None = Field(None, description="รหัสใช้ครั้งเดียว แสดงเฉพาะตอนสร้าง")
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class HolidayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255, pattern=REQUIRED_TEXT)


class HolidayOut(BaseModel):
    day: dt.date
    name: str
    display: str


class CancellationOut(BaseModel):
    number: int
    letter_id: int
    cancelled_at: dt.datetime
    cancelled_by: int | None
    reason: str | None


class BookOut(BaseModel):
    id: int
    unit_id: int
    unit_code: str
    direction: str
    year: int
    last_number: int
    registered: int
    complete: bool
    gaps: list[int]
    duplicates: list[int]
    duplicate_letters: list[list[int]]
    cancellations: list[CancellationOut]


# ---------------------------------------------------------------- acting on letters

Purpose = Literal["inform", "consider", "act", "sign"]


class RecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: Id | None = None
    unit_id: Id | None = None
    role: Literal["principal", "copy"] = "principal"


class ForwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipients: list[RecipientIn] = Field(min_length=1, max_length=50)
    purpose: Purpose = "act"
    instruction: str | None = Field(None, max_length=2000, pattern=TEXT)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, pattern=REQUIRED_TEXT)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=2000, pattern=TEXT)


class ForwardedOut(BaseModel):
    letter_id: int
    assignment_ids: list[int]
    unit_letter_ids: list[int]


class AttachmentOut(BaseModel):
    id: int
    filename: str | None
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime


class LetterFull(LetterDetail):
    attachments: list[AttachmentOut] = []


# ---------------------------------------------------------------- audits

Verdict = Literal["correct", "needs_fix", "no_evidence"]


class AuditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    units: list[Id] = Field(min_length=1, max_length=200, description="id ของหน่วยงานที่สุ่มตรวจ")
    period_from: Date
    period_to: Date
    sample_size: Annotated[int, Field(ge=1, le=10_000), BeforeValidator(_json_int)] | None = Field(None, description="ขนาดตัวอย่าง (หรือระบุ margin)")
    margin: Annotated[float, Field(gt=0, lt=1), BeforeValidator(_json_number)] | None = Field(None, description="ค่าความคลาดเคลื่อนที่ยอมรับได้ เช่น 0.05")
    confidence: Annotated[float, Field(ge=0.5, le=0.999), BeforeValidator(_json_number)] | None = Field(None, description="ระดับความเชื่อมั่น เช่น 0.95")
    allocation: Literal["proportional", "equal"] = "proportional"
    seed: Annotated[int, Field(ge=0, le=ID_MAX), BeforeValidator(_json_int)] | None = Field(None, description="ค่าตั้งต้นการสุ่ม ใช้ซ้ำเพื่อได้ตัวอย่างเดิม")
    title: str | None = Field(None, max_length=255, pattern=TEXT)


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    note: str | None = Field(None, max_length=2000, pattern=TEXT)


class AuditItemOut(BaseModel):
    id: int
    registration_id: int
    unit_id: int
    letter_id: int | None
    number: int | None
    checks: dict[str, bool]
    facts: dict
    verdict: str | None
    note: str | None
    reviewed_by: int | None
    reviewed_at: dt.datetime | None


class AuditOut(BaseModel):
    id: int
    title: str
    unit_ids: list[int]
    period_from: dt.date
    period_to: dt.date
    sample_size: int
    margin: float | None
    confidence: float | None
    allocation: str
    seed: int
    status: str
    result: dict | None
    created_by: int | None
    created_at: dt.datetime
    closed_at: dt.datetime | None


class AuditDetail(AuditOut):
    items: list[AuditItemOut] = []


class AuditPage(BaseModel):
    total: int
    items: list[AuditOut]


# ---------------------------------------------------------------- reports

class UnitStatsOut(BaseModel):
    unit_id: int
    code: str
    name: str
    received: int
    forwarded: int
    forwarded_pct: float | None
    median_forward_hours: float | None
    acknowledged: int
    acknowledged_pct: float | None
    median_ack_hours: float | None
    overdue: int
    audit_reviewed: int
    audit_pass_pct: float | None


class UnitReportOut(BaseModel):
    period_from: dt.date
    period_to: dt.date
    units: list[UnitStatsOut]


class LevelOut(BaseModel):
    level: int
    title: str
    met: bool
    evidence: str
    figures: dict
    threshold: str = ""


class IndicatorOut(BaseModel):
    period_from: dt.date
    period_to: dt.date
    levels: list[LevelOut]


class BucketOut(BaseModel):
    label: str
    count: int


class BacklogOut(BaseModel):
    buckets: list[BucketOut]

PersonIn.model_rebuild()


class TrainingOut(BaseModel):
    person_id: int
    name: str
    step: str | None  # None: flagged as new, not started
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    score: int | None = None  # percent, of the last completed practice
    mistakes: int = 0
    flagged_at: dt.datetime | None = None  # added as new: must take the practice

"""Pydantic models at the HTTP edge (the registry itself never sees them)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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

    unit: int | str = Field(description="รหัสหน่วยงาน (id) หรือรหัสหนังสือ เช่น 'มท 0201'")
    ref_no: str | None = Field(None, max_length=200)
    letter_date: dt.date | None = None
    sender: str | None = Field(None, max_length=500)
    addressee: str | None = Field(None, max_length=500)
    subject: str | None = Field(None, max_length=2000)
    priority: Priority = "normal"
    secrecy: Secrecy | None = None
    enclosures: str | None = Field(None, max_length=4000)
    remarks: str | None = Field(None, max_length=4000)
    received_at: dt.datetime | None = None


class OutgoingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: int | str = Field(description="หน่วยงานผู้ออกเลข (id หรือรหัส เช่น 'มท 0201')")
    subject: str | None = Field(None, max_length=2000)
    addressee: str | None = Field(None, max_length=500)
    letter_date: dt.date | None = None
    circular: bool = Field(False, description="หนังสือเวียน (ทะเบียนแยก เลข ว)")
    priority: Priority = "normal"
    secrecy: Secrecy | None = None
    enclosures: str | None = Field(None, max_length=4000)
    remarks: str | None = Field(None, max_length=4000)
    sent_via: str | None = Field(None, max_length=500)


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

    code: str = Field(min_length=1, max_length=64, description="รหัสหนังสือของหน่วยงาน เช่น 'มท 0201.3'")
    name: str = Field(min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=64)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    parent: int | None = Field(None, ge=1, le=2**62)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    book_reset: Literal["calendar", "fiscal"] = "calendar"


class UnitPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=64)
    aliases: list[str] | None = Field(None, max_length=50)
    parent: int | None = Field(None, ge=1, le=2**62)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
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

    name: str = Field(min_length=1, max_length=255)
    position: str | None = Field(None, max_length=255)
    clearance: Clearance = "none"
    roles: list["RoleIn"] = Field(default_factory=list, max_length=20)


class PersonPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=255)
    position: str | None = Field(None, max_length=255)
    clearance: Clearance | None = None
    active: bool | None = None


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: int = Field(ge=1, le=2**62)
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

    label: str | None = Field(None, max_length=128)


class TokenOut(BaseModel):
    id: int
    person_id: int
    label: str | None
    token: str = Field(description="แสดงครั้งเดียว ระบบเก็บเพียงค่าแฮช")


class LinkCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int = Field(ge=1, le=2**62)


class LinkCodeOut(BaseModel):
    id: int
    person_id: int
    code: str | None = Field(None, description="รหัสใช้ครั้งเดียว แสดงเฉพาะตอนสร้าง")
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class HolidayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)


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

    person_id: int | None = Field(None, ge=1, le=2**62)
    unit_id: int | None = Field(None, ge=1, le=2**62)
    role: Literal["principal", "copy"] = "principal"


class ForwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipients: list[RecipientIn] = Field(min_length=1, max_length=50)
    purpose: Purpose = "act"
    instruction: str | None = Field(None, max_length=2000)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=2000)


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

    units: list[int] = Field(min_length=1, max_length=200, description="id ของหน่วยงานที่สุ่มตรวจ")
    period_from: dt.date
    period_to: dt.date
    sample_size: int | None = Field(None, ge=1, le=10_000, description="ขนาดตัวอย่าง (หรือระบุ margin)")
    margin: float | None = Field(None, gt=0, lt=1, description="ค่าความคลาดเคลื่อนที่ยอมรับได้ เช่น 0.05")
    confidence: float | None = Field(None, ge=0.5, le=0.999, description="ระดับความเชื่อมั่น เช่น 0.95")
    allocation: Literal["proportional", "equal"] = "proportional"
    seed: int | None = Field(None, ge=0, le=2**62, description="ค่าตั้งต้นการสุ่ม ใช้ซ้ำเพื่อได้ตัวอย่างเดิม")
    title: str | None = Field(None, max_length=255)


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    note: str | None = Field(None, max_length=2000)


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
    step: str
    started_at: dt.datetime
    completed_at: dt.datetime | None

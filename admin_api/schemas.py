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

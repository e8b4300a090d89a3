"""What the letter page shows: the whole route of a letter (who forwarded to whom, why, by when,
whether the notice reached them, what they answered), its timeline in words, and the actions the
viewer may take. Read-only; the page's buttons post to the registry services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_api.pages_support import EVENT_TH, be_date_text
from registry.commands import PRIORITY_TH, PURPOSE_TH
from registry.lifecycle import TRANSITIONS
from registry.models import Assignment, Event, Letter, Membership, OutboxMessage, Person
from registry import access
from registry.timeutil import thai_datetime

FIELD_TH = {"ref_no": "ที่", "letter_date": "ลงวันที่", "sender": "จาก", "addressee": "ถึง", "subject": "เรื่อง",
            "enclosures": "สิ่งที่ส่งมาด้วย", "remarks": "หมายเหตุ", "priority": "ชั้นความเร็ว", "sent_via": "ส่งโดย"}


@dataclass
class RouteStep:
    """One forward (assignment) in words."""

    id: int
    by: str
    to: str
    role_th: str
    purpose_th: str
    instruction: str | None
    sent_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool
    state: str  # css class: waiting | delivered | failed | acknowledged | returned | cancelled | closed
    state_th: str
    notice_th: str
    answer_th: str | None
    return_reason: str | None
    unit_letter_id: int | None
    opened_th: str = ""  # first opened by the recipient (a circular's "read"), apart from acknowledging


@dataclass
class TimelineEntry:
    at: dt.datetime
    what: str
    who: str
    channel: str
    details: list[str] = field(default_factory=list)


def _notice_th(a: Assignment, statuses: list[str]) -> tuple[str, str]:
    """(css, Thai) of whether the notice reached the person's chat."""
    if a.delivered_at is not None:
        return "delivered", f"แจ้งเตือนถึงแล้ว {thai_datetime(a.delivered_at)}"
    if "failed" in statuses:
        return "failed", "ส่งแจ้งเตือนไม่สำเร็จ (ผู้รับยังไม่ได้รับข้อความในแชต)"
    if "pending" in statuses:
        return "waiting", "กำลังส่งแจ้งเตือนทางแชต"
    if a.unit_id is not None:
        return "delivered", "ลงทะเบียนรับในหน่วยงานปลายทางแล้ว"
    return "waiting", "ไม่มีบัญชีแชตที่ผูกไว้ (ต้องแจ้งด้วยวิธีอื่น)"


def route_steps(session: Session, letter: Letter, now: dt.datetime, names: dict[int, str],
                v: access.Viewer = access.SYSTEM) -> list[RouteStep]:
    ids = [a.id for a in letter.assignments]
    outbox: dict[int, list[str]] = {}
    if ids:
        for aid, status in session.execute(select(OutboxMessage.assignment_id, OutboxMessage.status)
                                           .where(OutboxMessage.assignment_id.in_(ids))):
            outbox.setdefault(aid, []).append(status)
    answers = {}
    for e in session.execute(select(Event).where(Event.entity == "letter", Event.entity_id == letter.id,
                                                 Event.kind.in_(("assignment.acknowledged", "assignment.returned")))
                             .order_by(Event.seq)).scalars():
        answers[(e.data or {}).get("assignment_id")] = e
    steps = []
    for a in letter.assignments:
        shown = access.project_assignment(v, letter, a)  # instruction and reason withheld with the content
        to = a.person.name if a.person else (a.unit.name if a.unit else "-")
        notice_css, notice = _notice_th(a, outbox.get(a.id, []))
        answer_event = answers.get(a.id)
        acting = ""
        if answer_event is not None and a.person_id and answer_event.actor_id and answer_event.actor_id != a.person_id:
            absent = a.person.name if a.person else names.get((answer_event.data or {}).get("acting_for"), "-")
            acting = f" โดย {names.get(answer_event.actor_id, 'ผู้รักษาราชการแทน')} (รักษาราชการแทน {absent})"
        overdue = a.status == "sent" and a.due_at is not None and a.due_at < now
        if a.status == "acknowledged":
            css, state = "acknowledged", "รับทราบแล้ว"
            answer = f"รับทราบ {thai_datetime(a.acknowledged_at)}{acting}" if a.acknowledged_at else None
        elif a.status == "returned":
            css, state = "returned", "ส่งคืน (ไม่ใช่งานของฉัน)"
            answer = f"ส่งคืน {thai_datetime(a.returned_at)}{acting}" if a.returned_at else None
        elif a.status == "cancelled":
            css, state, answer = "cancelled", "ยกเลิกพร้อมหนังสือ", None
        elif a.status == "recalled":
            css, state = "cancelled", "ถูกเรียกคืน"
            answer = f"ผู้ส่งเรียกคืน {thai_datetime(a.recalled_at)}" if a.recalled_at else None
        elif a.status == "closed":
            css, state, answer = "closed", "ปิดเรื่องแล้ว", (f"รับทราบ {thai_datetime(a.acknowledged_at)}{acting}"
                                                          if a.acknowledged_at else None)
        else:
            css = "failed" if notice_css == "failed" else ("overdue" if overdue else "waiting")
            state, answer = ("เกินกำหนด รอรับทราบ" if overdue else "รอรับทราบ"), None
        steps.append(RouteStep(
            id=a.id, by=names.get(a.created_by, "ระบบ") if a.created_by else "ระบบ", to=to,
            role_th="เจ้าของเรื่อง" if a.role == "principal" else "สำเนา", purpose_th=PURPOSE_TH.get(a.purpose, a.purpose),
            instruction=_or_withheld(shown["instruction"], a.instruction), sent_at=a.sent_at, due_at=a.due_at, overdue=overdue, state=css, state_th=state,
            notice_th=notice, answer_th=answer,
            return_reason=_or_withheld(shown["return_reason"], a.return_reason), unit_letter_id=a.unit_letter_id,
            opened_th=(f"เปิดอ่านแล้ว {thai_datetime(a.opened_at)}" if a.opened_at else
                       ("ยังไม่เปิดอ่าน" if a.person_id is not None else ""))))
    return steps


WITHHELD_TH = "(สงวนตามชั้นความลับ)"


def _or_withheld(shown: str | None, stored: str | None) -> str | None:
    return shown if shown is not None or not stored else WITHHELD_TH


def timeline(events: list[Event], names: dict[int, str], can_read: bool, assignments: dict[int, Assignment]) -> list[TimelineEntry]:
    out = []
    for e in events:
        d = e.data or {}
        details: list[str] = []
        what = EVENT_TH.get(e.kind, e.kind)
        if e.kind == "assignment.sent":
            a = assignments.get(d.get("assignment_id"))
            to = (a.person.name if a and a.person else (a.unit.name if a and a.unit else "")) if a else ""
            what = f"ส่งต่อถึง {to}" if to else what
            details.append(f"{'เจ้าของเรื่อง' if d.get('role') == 'principal' else 'สำเนา'} · {PURPOSE_TH.get(d.get('purpose'), d.get('purpose') or '')}")
            if d.get("instruction") and can_read:
                details.append(f"ข้อสั่งการ: {d['instruction']}")
        elif e.kind == "assignment.returned" and d.get("reason"):
            details.append(f"เหตุผล: {d['reason']}" if can_read else "เหตุผล: (สงวนตามชั้นความลับ)")
        elif e.kind == "letter.cancelled" and d.get("reason"):
            details.append(f"เหตุผล: {d['reason']}")
        elif e.kind == "letter.closed" and d.get("note"):
            details.append(f"บันทึก: {d['note']}" if can_read else "บันทึก: (สงวน)")
        elif e.kind == "letter.corrected":
            details.append(f"เหตุผล: {d.get('reason') or '-'}")
            for name in d.get("fields") or []:
                label = FIELD_TH.get(name, name)
                if not can_read and name != "priority":
                    details.append(f"{label}: แก้ไขแล้ว (สงวนตามชั้นความลับ)")
                    continue
                details.append(f"{label}: “{_shown(name, (d.get('before') or {}).get(name))}” → “{_shown(name, (d.get('after') or {}).get(name))}”")
        elif e.kind == "attachment.added" and can_read and d.get("filename"):
            details.append(str(d["filename"]))
        by = names.get(e.actor_id, "ระบบ") if e.actor_id else "ระบบ"
        if d.get("acting_for"):  # an acting officer answered the absent person's forward
            by = f"{by} (รักษาราชการแทน {names.get(d['acting_for'], '-')})"
        out.append(TimelineEntry(e.occurred_at, what, by, e.channel, details))
    return out


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "-"
    if name == "letter_date":
        return be_date_text(value)
    if name == "priority":
        return PRIORITY_TH.get(value, value)
    return str(value)


def forward_choices(session: Session, letter: Letter) -> tuple[list[Person], list[Person]]:
    """(people of the letter's unit, everyone else), each sorted by name: the clerk's own unit first."""
    people = session.execute(select(Person).where(Person.active.is_(True)).order_by(Person.name)).scalars().all()
    in_unit = unit_staff(session, letter.unit_id)
    return [p for p in people if p.id in in_unit], [p for p in people if p.id not in in_unit]


def unit_staff(session: Session, unit_id: int) -> set[int]:
    """The people who answer for a unit (registry/access.py ANSWER: the forward form lists them first)."""
    return set(session.execute(select(Membership.person_id).where(
        Membership.unit_id == unit_id, Membership.role.in_(sorted(access.GRANTS[access.ANSWER])))).scalars())


def letter_view(session: Session, v: access.Viewer, letter: Letter, *, now: dt.datetime) -> dict:
    can_read = access.may_read(v, letter)
    events = list(session.execute(select(Event).where(Event.entity == "letter", Event.entity_id == letter.id)
                                  .order_by(Event.seq)).scalars())
    ids = ({e.actor_id for e in events if e.actor_id} | {a.created_by for a in letter.assignments if a.created_by}
           | {(e.data or {}).get("acting_for") for e in events if (e.data or {}).get("acting_for")})
    names = {p.id: p.name for p in session.execute(select(Person).where(Person.id.in_(ids or {-1}))).scalars()}
    manages = access.may_manage(v, letter.unit_id)
    allowed = {t.action for t in TRANSITIONS if t.source == letter.status}
    if letter.direction != "incoming":
        allowed -= {"forward"}  # an outgoing number is sent out, not forwarded inside
    mine_ids = v.people
    mine = [a for a in letter.assignments if a.status == "sent" and a.person_id in mine_ids]
    in_unit, others = forward_choices(session, letter) if manages and "forward" in allowed else ([], [])
    writable = access.may(v, access.ACT)  # an auditor reads, never recalls
    recallable = {a.id for a in letter.assignments if writable and access.may_recall(v, a)}
    return dict(can_read=can_read, steps=route_steps(session, letter, now, names, v), recallable=recallable,
                timeline=timeline(events, names, can_read, {a.id: a for a in letter.assignments}),
                manages=manages, allowed=allowed, mine=mine, people_in_unit=in_unit, people_other=others,
                can_correct=manages and letter.status not in ("cancelled", "destroyed", "archived") and can_read,
                can_close=manages or any(a.person_id in mine_ids and a.role == "principal" and a.status == "acknowledged"
                                         for a in letter.assignments))

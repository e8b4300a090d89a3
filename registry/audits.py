"""Sample audits (สุ่มตรวจ, indicator level 3): draw, check, review, close.

An audit covers units and a period of their incoming registers. Its sample is stratified by
unit and drawn deterministically from its recorded seed: the candidate registration ids of each
unit are read in id order and ``random.Random(seed)`` picks among them, so the same request over
the same data gives the same sample on SQLite and on PostgreSQL (never ``ORDER BY random()``).
Each sampled registration carries automatic checks; a reviewer records a verdict (ถูกต้อง /
ต้องแก้ไข / ไม่พบหลักฐาน) and a note. Closing computes each unit's pass rate with a 95 % Wilson
interval and freezes the audit: nothing about it changes afterwards.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import Conflict, InvalidInput, NotFound
from registry.events import Actor, append_event
from registry.models import Assignment, Attachment, Audit, AuditItem, Book, Holiday, Letter, Registration, Unit
from registry.access import AUDIT, require
from registry.timeutil import BANGKOK, thai_date
from registry.units import get_unit
from registry.validation import clean_text
from registry.workdays import due_at

VERDICTS = ("correct", "needs_fix", "no_evidence")
VERDICT_TH = {"correct": "ถูกต้อง", "needs_fix": "ต้องแก้ไข", "no_evidence": "ไม่พบหลักฐาน"}
ALLOCATIONS = ("proportional", "equal")
ALLOCATION_TH = {"proportional": "ตามสัดส่วน", "equal": "เท่ากันทุกหน่วยงาน"}
CHECKS = ("fields_complete", "forwarded", "forwarded_on_time", "acknowledged", "attachment_present",
          "number_continuity")
CHECK_TH = {
    "fields_complete": "กรอกข้อมูลครบ (ที่ ลงวันที่ จาก เรื่อง)",
    "forwarded": "ส่งต่อเจ้าของเรื่องแล้ว",
    "forwarded_on_time": "ส่งต่อภายในเวลาที่กำหนด",
    "acknowledged": "เจ้าของเรื่องรับทราบแล้ว",
    "attachment_present": "มีไฟล์แนบ (ภาพ/สแกน)",
    "number_continuity": "เลขทะเบียนต่อเนื่อง (ไม่มีเลขขาดก่อนหรือหลัง)",
}
STATUS_TH = {"open": "กำลังตรวจ", "closed": "ปิดการตรวจแล้ว"}
MAX_SAMPLE = 10_000


# ---------------------------------------------------------------- statistics (pure functions)

def sample_size(population: int, margin: float, confidence: float = 0.95, p: float = 0.5) -> int:
    """Cochran's n for a proportion with the finite-population correction.

    n0 = z² p (1 − p) / e²,  n = n0 / (1 + (n0 − 1) / N), rounded up, at most N.
    """
    if population <= 0:
        return 0
    if not 0 < margin < 1:
        raise InvalidInput("margin", "ค่าความคลาดเคลื่อนต้องอยู่ระหว่าง 0 ถึง 1 (เช่น 0.05)")
    if not 0.5 <= confidence < 1:
        raise InvalidInput("confidence", "ระดับความเชื่อมั่นต้องอยู่ระหว่าง 0.5 ถึง 0.999 (เช่น 0.95)")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z * z * p * (1 - p) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(n - 1e-9))


def allocate(sizes: dict[int, int], n: int, allocation: str = "proportional") -> dict[int, int]:
    """Split *n* across strata (unit id → population) — proportional by largest remainder, or equal.

    No stratum gets more than it holds; what one cannot take goes to the others, in unit-id order.
    """
    units = sorted(sizes)
    total = sum(sizes.values())
    n = min(n, total)
    quota = dict.fromkeys(units, 0)
    if n <= 0 or not units:
        return quota
    if allocation == "proportional":
        exact = {u: n * sizes[u] / total for u in units}
        quota = {u: math.floor(exact[u]) for u in units}
        left = n - sum(quota.values())
        for u in sorted(units, key=lambda u: (-(exact[u] - quota[u]), u))[:left]:
            quota[u] += 1
        return quota
    if allocation != "equal":
        raise InvalidInput("allocation", "วิธีจัดสรรต้องเป็น proportional หรือ equal")
    left = n
    open_units = [u for u in units if sizes[u] > 0]
    while left > 0 and open_units:
        share, extra = divmod(left, len(open_units))
        for i, u in enumerate(open_units):
            give = min(share + (1 if i < extra else 0), sizes[u] - quota[u])
            quota[u] += give
            left -= give
        open_units = [u for u in open_units if quota[u] < sizes[u]]
    return quota


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95 % by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def draw(candidates: dict[int, Sequence[int]], quota: dict[int, int], seed: int) -> dict[int, list[int]]:
    """The sample: for each unit in id order, ``Random(seed).sample`` of its ids in id order."""
    rng = random.Random(seed)
    picked: dict[int, list[int]] = {}
    for unit_id in sorted(candidates):
        ids = candidates[unit_id] if _is_sorted(candidates[unit_id]) else sorted(candidates[unit_id])
        k = min(quota.get(unit_id, 0), len(ids))
        picked[unit_id] = sorted(rng.sample(ids, k)) if k else []
    return picked


def _is_sorted(ids: Sequence[int]) -> bool:
    return all(a < b for a, b in zip(ids, ids[1:]))


# ---------------------------------------------------------------- creating an audit

@dataclass(frozen=True)
class AuditRequest:
    unit_ids: tuple[int, ...]
    period_from: dt.date
    period_to: dt.date
    sample_size: int | None = None
    margin: float | None = None  # e.g. 0.05
    confidence: float | None = None  # e.g. 0.95
    allocation: str = "proportional"
    seed: int | None = None
    title: str | None = None


def _bounds(period_from: dt.date, period_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as UTC instants, days taken in Bangkok time (inclusive of *period_to*)."""
    start = dt.datetime.combine(period_from, dt.time(), BANGKOK).astimezone(dt.UTC)
    end = dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time(), BANGKOK).astimezone(dt.UTC)
    return start, end


def candidate_stmt(unit_ids: Sequence[int], period_from: dt.date, period_to: dt.date):
    """Registrations an audit may sample: incoming, real (not sandbox), not cancelled, in the period.

    The unit comes from the book (a registration's book is its letter's unit's book), so the
    million-row side of the query never touches the letters table.
    """
    start, end = _bounds(period_from, period_to)
    return (
        select(Registration.id, Book.unit_id)
        .join(Book, Book.id == Registration.book_id)
        .where(Book.unit_id.in_(list(unit_ids)), Book.direction == "incoming", Book.sandbox.is_(False),
               Registration.cancelled_at.is_(None), Registration.received_at >= start,
               Registration.received_at < end)
    )


def candidates(session: Session, unit_ids: Sequence[int], period_from: dt.date, period_to: dt.date
               ) -> dict[int, list[int]]:
    """Candidate registration ids per unit, each list in id order (the order the draw relies on).

    On PostgreSQL the ids come back as one array per unit (a million ids in twenty values, not a
    million rows); elsewhere row by row through the driver's cursor. Either way they are sorted
    here, so the sample never depends on the order the database happened to return.
    """
    out: dict[int, list[int]] = {u: [] for u in unit_ids}
    inner = candidate_stmt(unit_ids, period_from, period_to).subquery()
    if session.get_bind().dialect.name == "postgresql":
        stmt = select(inner.c.unit_id, func.array_agg(inner.c.id)).group_by(inner.c.unit_id)
        for unit_id, ids in session.execute(stmt):  # psycopg2 parses the integer arrays in C
            out[unit_id] = sorted(ids)
        return out
    result = session.connection().execute(select(inner.c.id, inner.c.unit_id))
    for reg_id, unit_id in result.cursor.fetchall() if result.cursor is not None else result:
        out[unit_id].append(reg_id)
    for ids in out.values():
        ids.sort()
    return out


def plan(req: AuditRequest, sizes: dict[int, int]) -> tuple[int, dict[int, int]]:
    """(n, quota per unit) for a request over strata of the given sizes."""
    population = sum(sizes.values())
    if req.sample_size is not None:
        if req.sample_size < 1 or req.sample_size > MAX_SAMPLE:
            raise InvalidInput("sample_size", f"ขนาดตัวอย่างต้องอยู่ระหว่าง 1 ถึง {MAX_SAMPLE:,}")
        n = min(req.sample_size, population)
    elif req.margin is not None:
        n = sample_size(population, req.margin, req.confidence or 0.95)
    else:
        raise InvalidInput("sample_size", "กรุณาระบุขนาดตัวอย่าง หรือค่าความคลาดเคลื่อนที่ยอมรับได้")
    return n, allocate(sizes, n, req.allocation)


def create_audit(session: Session, req: AuditRequest, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Audit:
    """Create an open audit, draw its stratified sample from its seed and run the automatic checks."""
    now = clock.now()
    if not req.unit_ids:
        raise InvalidInput("units", "กรุณาเลือกหน่วยงานอย่างน้อยหนึ่งหน่วยงาน")
    if req.period_to < req.period_from:
        raise InvalidInput("period_to", "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น")
    if req.allocation not in ALLOCATIONS:
        raise InvalidInput("allocation", "วิธีจัดสรรต้องเป็น proportional (ตามสัดส่วน) หรือ equal (เท่ากัน)")
    units = [get_unit(session, u) for u in dict.fromkeys(req.unit_ids)]
    unit_ids = tuple(sorted(u.id for u in units))
    for u in unit_ids:
        require(session, actor, u, AUDIT, "สุ่มตรวจหน่วยงานนี้")
    seed = req.seed if req.seed is not None else secrets.randbelow(2**31)
    if not 0 <= seed < 2**63:
        raise InvalidInput("seed", "seed ต้องเป็นจำนวนเต็มไม่ติดลบ")
    pool = candidates(session, unit_ids, req.period_from, req.period_to)
    sizes = {u: len(ids) for u, ids in pool.items()}
    if sum(sizes.values()) == 0:
        raise InvalidInput("period_from", "ไม่พบหนังสือรับของหน่วยงานที่เลือกในช่วงเวลานี้")
    n, quota = plan(req, sizes)
    picked = draw(pool, quota, seed)
    title = clean_text("title", req.title) or (
        f"สุ่มตรวจ {', '.join(u.short_name or u.name for u in units)} "
        f"{thai_date(req.period_from, short=True)} – {thai_date(req.period_to, short=True)}")
    audit = Audit(title=title[:255], unit_ids=list(unit_ids), period_from=req.period_from, period_to=req.period_to,
                  sample_size=n, margin=req.margin, confidence=req.confidence, allocation=req.allocation, seed=seed,
                  status="open", result=None, created_by=actor.person_id, created_at=now)
    session.add(audit)
    session.flush()
    reg_ids = [rid for u in sorted(picked) for rid in picked[u]]
    checks = run_checks(session, reg_ids, now=now)
    unit_of = {rid: u for u, ids in picked.items() for rid in ids}
    session.add_all([AuditItem(audit_id=audit.id, registration_id=rid, unit_id=unit_of[rid], checks=checks[rid])
                     for rid in reg_ids])
    session.flush()
    append_event(session, kind="audit.created", entity="audit", entity_id=audit.id, actor=actor, at=now,
                 data={"unit_ids": list(unit_ids), "period_from": req.period_from, "period_to": req.period_to,
                       "sample_size": n, "margin": req.margin, "confidence": req.confidence,
                       "allocation": req.allocation, "seed": seed, "population": sizes,
                       "quota": {str(k): v for k, v in quota.items()}, "registration_ids": reg_ids})
    return audit


def start_audit_by_text(session: Session, unit: str | int, n: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK,
                        days: int = 90, seed: int | None = None) -> Audit:
    """For the chat: ``สุ่มตรวจ กองกลาง 20`` — *n* registrations of the unit over the last *days* days."""
    target = get_unit(session, unit)
    today = clock.now().astimezone(BANGKOK).date()
    return create_audit(session, AuditRequest(unit_ids=(target.id,), period_from=today - dt.timedelta(days=days),
                                              period_to=today, sample_size=n, seed=seed), actor=actor, clock=clock)


# ---------------------------------------------------------------- automatic checks

def run_checks(session: Session, registration_ids: Sequence[int], *, now: dt.datetime) -> dict[int, dict]:
    """The automatic checks of each registration, as ``{check: bool}`` plus a few facts for the reviewer."""
    if not registration_ids:
        return {}
    ids = list(registration_ids)
    rows = session.execute(
        select(Registration.id, Registration.book_id, Registration.number, Registration.received_at,
               Letter.id, Letter.ref_no, Letter.letter_date, Letter.sender, Letter.subject, Letter.secrecy,
               Letter.priority, Letter.status, Book.last_number)
        .join(Letter, Letter.id == Registration.letter_id).join(Book, Book.id == Registration.book_id)
        .where(Registration.id.in_(ids))
    ).all()
    letter_ids = [r[4] for r in rows]
    assignments: dict[int, list[tuple]] = {}
    for a in session.execute(
        select(Assignment.letter_id, Assignment.role, Assignment.status, Assignment.sent_at, Assignment.acknowledged_at)
        .where(Assignment.letter_id.in_(letter_ids))
    ):
        assignments.setdefault(a[0], []).append(a)
    with_files = set(session.execute(
        select(Attachment.letter_id).where(Attachment.letter_id.in_(letter_ids)).distinct()).scalars())
    neighbours = set()
    pairs = [(r[1], r[2] + d) for r in rows for d in (-1, 1) if r[2] + d >= 1]
    for chunk in range(0, len(pairs), 500):
        part = pairs[chunk:chunk + 500]
        neighbours.update(session.execute(
            select(Registration.book_id, Registration.number)
            .where(tuple_(Registration.book_id, Registration.number).in_(part))).tuples())
    holidays = list(session.execute(select(Holiday.day)).scalars())
    out: dict[int, dict] = {}
    for (reg_id, book_id, number, received_at, letter_id, ref_no, letter_date, sender, subject, secrecy,
         priority, status, last_number) in rows:
        mine = [a for a in assignments.get(letter_id, []) if a[2] != "cancelled"]
        first_sent = min((a[3] for a in mine), default=None)
        principal_ack = [a[4] for a in mine if a[1] == "principal" and a[4] is not None]
        limit = due_at(priority, received_at, holidays)
        if secrecy == "top_secret":  # content is kept out of the system by law (2564 amendment)
            complete = letter_date is not None
        else:
            complete = all(v not in (None, "") for v in (ref_no, letter_date, sender, subject))
        before_ok = number == 1 or (book_id, number - 1) in neighbours
        after_ok = number >= last_number or (book_id, number + 1) in neighbours
        out[reg_id] = {
            "fields_complete": complete,
            "forwarded": first_sent is not None,
            "forwarded_on_time": first_sent is not None and first_sent <= limit,
            "acknowledged": bool(principal_ack),
            "attachment_present": letter_id in with_files,
            "number_continuity": before_ok and after_ok,
            "facts": {"letter_id": letter_id, "number": number, "book_id": book_id, "status": status,
                      "received_at": received_at.isoformat(), "forward_due": limit.isoformat(),
                      "first_forwarded_at": first_sent.isoformat() if first_sent else None},
        }
    return out


def passed_checks(checks: dict) -> int:
    return sum(1 for c in CHECKS if checks.get(c))


# ---------------------------------------------------------------- reviewing and closing

def get_audit(session: Session, audit_id: int, *, lock: bool = False) -> Audit:
    stmt = select(Audit).where(Audit.id == audit_id)
    if lock:
        stmt = stmt.with_for_update()
    audit = session.execute(stmt).scalar_one_or_none()
    if audit is None:
        raise NotFound(f"การสุ่มตรวจ {audit_id}", audit_id)
    return audit


def audit_items(session: Session, audit_id: int) -> list[AuditItem]:
    return list(session.execute(select(AuditItem).where(AuditItem.audit_id == audit_id)
                                .order_by(AuditItem.unit_id, AuditItem.registration_id)).scalars())


def list_audits(session: Session, *, limit: int = 100, offset: int = 0) -> tuple[int, list[Audit]]:
    total = session.execute(select(func.count(Audit.id))).scalar_one()
    rows = session.execute(select(Audit).order_by(Audit.id.desc()).limit(limit).offset(offset)).scalars().all()
    return total, list(rows)


def _require_auditor(session: Session, actor: Actor, audit: Audit, what_th: str) -> None:
    for u in audit.unit_ids:
        require(session, actor, int(u), AUDIT, what_th)


def record_verdict(session: Session, audit_id: int, item_id: int, verdict: str, note: str | None = None, *,
                   actor: Actor, clock: Clock = SYSTEM_CLOCK) -> AuditItem:
    """A reviewer's verdict on one sampled registration (may be changed until the audit closes)."""
    now = clock.now()
    audit = get_audit(session, audit_id, lock=True)
    _require_auditor(session, actor, audit, "บันทึกผลการสุ่มตรวจ")
    if audit.status != "open":
        raise Conflict("การสุ่มตรวจนี้ปิดแล้ว แก้ไขผลไม่ได้")
    if verdict not in VERDICTS:
        raise InvalidInput("verdict", "ผลการตรวจต้องเป็น ถูกต้อง (correct) ต้องแก้ไข (needs_fix) หรือ ไม่พบหลักฐาน (no_evidence)")
    item = session.get(AuditItem, item_id)
    if item is None or item.audit_id != audit.id:
        raise NotFound(f"รายการตรวจ {item_id}", item_id)
    before = {"verdict": item.verdict, "note": item.note}
    item.verdict = verdict
    item.note = clean_text("note", note)
    item.reviewed_by = actor.person_id
    item.reviewed_at = now
    append_event(session, kind="audit.item_reviewed", entity="audit", entity_id=audit.id, actor=actor, at=now,
                 data={"item_id": item.id, "registration_id": item.registration_id, "before": before,
                       "after": {"verdict": verdict, "note": item.note}})
    return item


def summarise(session: Session, audit: Audit, items: Sequence[AuditItem] | None = None) -> dict:
    """Per-unit and overall counts of verdicts, pass rate and its 95 % Wilson interval."""
    items = list(items if items is not None else audit_items(session, audit.id))
    names = {u.id: (u.code, u.short_name or u.name) for u in session.execute(
        select(Unit).where(Unit.id.in_([int(x) for x in audit.unit_ids]))).scalars()}

    def block(group: list[AuditItem]) -> dict:
        counts = {v: sum(1 for i in group if i.verdict == v) for v in VERDICTS}
        reviewed = sum(counts.values())
        low, high = wilson(counts["correct"], reviewed)
        return {"sampled": len(group), "reviewed": reviewed, **counts,
                "pass_rate": counts["correct"] / reviewed if reviewed else None,
                "wilson_low": low if reviewed else None, "wilson_high": high if reviewed else None,
                "checks_passed": sum(passed_checks(i.checks) for i in group), "checks_total": len(group) * len(CHECKS)}

    units = []
    for u in sorted(int(x) for x in audit.unit_ids):
        code, name = names.get(u, ("", ""))
        units.append({"unit_id": u, "code": code, "name": name, **block([i for i in items if i.unit_id == u])})
    return {"units": units, "overall": block(items)}


def close_audit(session: Session, audit_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Audit:
    """Close: every item must carry a verdict; the result is frozen in the audit and evented."""
    now = clock.now()
    audit = get_audit(session, audit_id, lock=True)
    _require_auditor(session, actor, audit, "ปิดการสุ่มตรวจ")
    if audit.status != "open":
        raise Conflict("การสุ่มตรวจนี้ปิดไปแล้ว")
    items = audit_items(session, audit.id)
    missing = sum(1 for i in items if i.verdict is None)
    if missing:
        # the audit's state does not allow closing yet: a conflict (409), the request itself is fine
        raise Conflict(f"ยังไม่ได้บันทึกผลการตรวจอีก {missing} รายการ กรุณาตรวจให้ครบก่อนปิด")
    result = summarise(session, audit, items)
    audit.result = result
    audit.status = "closed"
    audit.closed_at = now
    append_event(session, kind="audit.closed", entity="audit", entity_id=audit.id, actor=actor, at=now,
                 data={"result": result})
    return audit


def audit_pass_rates(session: Session, unit_ids: Sequence[int], period_from: dt.date, period_to: dt.date
                     ) -> dict[int, tuple[int, int]]:
    """(correct, reviewed) per unit over closed audits whose period overlaps the given one."""
    rows = session.execute(
        select(AuditItem.unit_id, AuditItem.verdict, func.count())
        .join(Audit, Audit.id == AuditItem.audit_id)
        .where(Audit.status == "closed", AuditItem.unit_id.in_(list(unit_ids)), AuditItem.verdict.is_not(None),
               and_(Audit.period_from <= period_to, Audit.period_to >= period_from))
        .group_by(AuditItem.unit_id, AuditItem.verdict)
    ).all()
    out: dict[int, tuple[int, int]] = {}
    for unit_id, verdict, count in rows:
        good, total = out.get(unit_id, (0, 0))
        out[unit_id] = (good + (count if verdict == "correct" else 0), total + count)
    return out


__all__ = [
    "ALLOCATIONS", "AuditRequest", "CHECKS", "CHECK_TH", "VERDICTS", "VERDICT_TH", "allocate", "audit_items",
    "audit_pass_rates", "close_audit", "create_audit", "draw", "get_audit", "list_audits", "record_verdict",
    "run_checks", "sample_size", "start_audit_by_text", "summarise", "wilson",
]

"""Reports over the register: per-unit compliance, backlog by age, indicator evidence, and the rows
of the official registers, the completeness report and the destruction list (บัญชีหนังสือขอทำลาย).

Everything here reads; nothing writes. Functions return plain dataclasses and lists of cells, and
the admin room draws them as pages, XLSX, CSV or PDF.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import case, func, select, text, tuple_
from sqlalchemy.orm import Session, aliased

from registry.audits import _bounds, audit_pass_rates
from registry.commands import PURPOSE_TH, RETENTION_TH, SECRECY_TH
from registry.completeness import check_books
from registry.lifecycle import TRANSITIONS
from registry.models import (
    Assignment,
    Audit,
    AuditItem,
    Book,
    Letter,
    Membership,
    Person,
    Registration,
    TrainingProgress,
    Unit,
)
from registry.timeutil import BANGKOK, thai_date, thai_datetime

OPEN_STATES = ("registered", "forwarded", "returned")
AGE_BUCKETS = ((0, 1, "ไม่เกิน 1 วัน"), (1, 3, "1–3 วัน"), (3, 7, "3–7 วัน"), (7, 30, "7–30 วัน"),
               (30, None, "เกิน 30 วัน"))
RETENTION_YEARS = {"1y": 1, "5y": 5, "10y": 10}


@dataclass(frozen=True)
class UnitStats:
    unit_id: int
    code: str
    name: str
    received: int
    forwarded: int
    acknowledged: int
    overdue: int
    median_forward_hours: float | None
    median_ack_hours: float | None
    audit_correct: int = 0
    audit_reviewed: int = 0

    @property
    def forwarded_pct(self) -> float | None:
        return 100.0 * self.forwarded / self.received if self.received else None

    @property
    def acknowledged_pct(self) -> float | None:
        """Acknowledged by the principal owner, as a share of the letters forwarded."""
        return 100.0 * self.acknowledged / self.forwarded if self.forwarded else None

    @property
    def audit_pass_pct(self) -> float | None:
        return 100.0 * self.audit_correct / self.audit_reviewed if self.audit_reviewed else None


def _units(session: Session, unit_ids: Sequence[int] | None) -> list[Unit]:
    stmt = select(Unit).order_by(Unit.code, Unit.id)
    if unit_ids:
        stmt = stmt.where(Unit.id.in_(list(unit_ids)))
    return list(session.execute(stmt).scalars())


ACTIVE_ASSIGNMENT = ("sent", "acknowledged", "closed")


def unit_report(session: Session, *, period_from: dt.date, period_to: dt.date, now: dt.datetime,
                unit_ids: Sequence[int] | None = None) -> list[UnitStats]:
    """Per unit, over incoming registrations received in the period (Bangkok days, inclusive):
    received, forwarded, acknowledged, overdue now, median hours to forward and to acknowledge,
    and the pass rate of closed audits whose period overlaps."""
    units = _units(session, unit_ids)
    ids = [u.id for u in units]
    start, end = _bounds(period_from, period_to)
    # The letter's principal owner (เจ้าของเรื่อง): at most one active principal assignment per letter
    # (``registry.assignments.forward`` refuses a second), so this join never multiplies rows. A
    # returned forward is not counted; the re-forward to the right owner is.
    a = aliased(Assignment)
    base = (
        select(Book.unit_id.label("unit_id"), Registration.received_at.label("received_at"),
               a.sent_at.label("first_sent"), a.sent_at.label("p_sent"), a.acknowledged_at.label("ack_at"),
               case(((a.status == "sent") & (a.due_at < now), 1), else_=0).label("overdue"))
        .select_from(Registration)
        .join(Book, Book.id == Registration.book_id)
        .outerjoin(a, (a.letter_id == Registration.letter_id) & (a.role == "principal")
                   & a.status.in_(ACTIVE_ASSIGNMENT))
        .where(Book.direction == "incoming", Book.sandbox.is_(False), Registration.cancelled_at.is_(None),
               Registration.received_at >= start, Registration.received_at < end, Book.unit_id.in_(ids))
    ).subquery()
    # Medians are taken over whole minutes (ample for a figure shown in hours) so that PostgreSQL
    # can count them with a hash aggregate instead of sorting a million rows, and so that both
    # engines give the same answer.
    acc: dict[int, dict] = {}
    if session.get_bind().dialect.name == "postgresql":
        # The planner cannot know how few minute-groups there are and would sort a million rows;
        # with room to hash (this transaction only) every grouping set is one pass in memory.
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        fwd_m = func.floor(func.date_part("epoch", base.c.first_sent - base.c.received_at) / 60).label("fwd_m")
        ack_m = func.floor(func.date_part("epoch", base.c.ack_at - base.c.p_sent) / 60).label("ack_m")
        inner = select(base.c.unit_id, fwd_m, ack_m, base.c.first_sent, base.c.ack_at, base.c.overdue).subquery()
        grouping = func.grouping(inner.c.fwd_m, inner.c.ack_m)
        rows = session.execute(
            select(inner.c.unit_id, inner.c.fwd_m, inner.c.ack_m, grouping, func.count(),
                   func.count(inner.c.first_sent), func.count(inner.c.ack_at), func.coalesce(func.sum(inner.c.overdue), 0))
            .group_by(func.grouping_sets(tuple_(inner.c.unit_id), tuple_(inner.c.unit_id, inner.c.fwd_m),
                                         tuple_(inner.c.unit_id, inner.c.ack_m)))
        ).all()
        for unit_id, fm, am, g, n, fwd, ack, overdue in rows:
            s = acc.setdefault(unit_id, {"n": 0, "fwd_n": 0, "ack_n": 0, "overdue": 0, "fwd": {}, "ack": {}})
            if g == 3:  # (unit) alone: the totals
                s.update(n=n, fwd_n=fwd, ack_n=ack, overdue=int(overdue))
            elif g == 1 and fm is not None:  # (unit, forward minutes)
                s["fwd"][int(fm)] = n
            elif g == 2 and am is not None:  # (unit, acknowledge minutes)
                s["ack"][int(am)] = n
    else:
        for unit_id, received_at, first_sent, p_sent, ack_at, overdue in session.execute(select(base)):
            s = acc.setdefault(unit_id, {"n": 0, "fwd_n": 0, "ack_n": 0, "overdue": 0, "fwd": {}, "ack": {}})
            s["n"] += 1
            s["overdue"] += overdue or 0
            if first_sent is not None:
                s["fwd_n"] += 1
                m = math.floor((first_sent - received_at).total_seconds() / 60)
                s["fwd"][m] = s["fwd"].get(m, 0) + 1
            if ack_at is not None:
                s["ack_n"] += 1
                if p_sent is not None:
                    m = math.floor((ack_at - p_sent).total_seconds() / 60)
                    s["ack"][m] = s["ack"].get(m, 0) + 1
    stats = {unit_id: dict(received=s["n"], forwarded=s["fwd_n"], acknowledged=s["ack_n"], overdue=s["overdue"],
                           median_forward_hours=_median_hours(s["fwd"]), median_ack_hours=_median_hours(s["ack"]))
             for unit_id, s in acc.items()}
    audits = audit_pass_rates(session, ids, period_from, period_to)
    empty = dict(received=0, forwarded=0, acknowledged=0, overdue=0, median_forward_hours=None, median_ack_hours=None)
    return [UnitStats(u.id, u.code, u.short_name or u.name, **stats.get(u.id, empty),
                      audit_correct=audits.get(u.id, (0, 0))[0], audit_reviewed=audits.get(u.id, (0, 0))[1])
            for u in units]


def _median_hours(histogram: dict[int, int]) -> float | None:
    """The median of a {minutes: count} histogram, in hours (the mean of the two middle values when even)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2
    lo = hi = None
    seen = 0
    for minutes in sorted(histogram):
        seen += histogram[minutes]
        if lo is None and seen > lo_rank:
            lo = minutes
        if seen > hi_rank:
            hi = minutes
            break
    return (lo + hi) / 2 / 60  # type: ignore[operator]


def units_under(session: Session, unit_ids: Sequence[int]) -> list[int]:
    """*unit_ids* and every unit below them (what a head may read in reports), sorted."""
    from registry.models import Unit

    children: dict[int, list[int]] = {}
    for uid, parent in session.execute(select(Unit.id, Unit.parent_id)).tuples():
        if parent is not None:
            children.setdefault(parent, []).append(uid)
    seen: set[int] = set()
    todo = list(unit_ids)
    while todo:
        uid = todo.pop()
        if uid not in seen:
            seen.add(uid)
            todo.extend(children.get(uid, ()))
    return sorted(seen)


def backlog_by_age(session: Session, *, now: dt.datetime, unit_ids: Sequence[int] | None = None
                   ) -> list[tuple[str, int]]:
    """Open incoming letters (not acknowledged, closed or cancelled) counted by days since ลงรับ."""
    whens = []
    for i, (lo, hi, _label) in enumerate(AGE_BUCKETS):
        if hi is not None:
            whens.append((Registration.received_at > now - dt.timedelta(days=hi), i))
    bucket = case(*whens, else_=len(AGE_BUCKETS) - 1)
    stmt = (select(bucket, func.count()).select_from(Registration)
            .join(Letter, Letter.id == Registration.letter_id)
            .where(Letter.direction == "incoming", Letter.sandbox.is_(False), Letter.status.in_(OPEN_STATES))
            .group_by(bucket))
    if unit_ids:
        stmt = stmt.where(Letter.unit_id.in_(list(unit_ids)))
    counts = dict(session.execute(stmt).tuples().all())
    return [(label, counts.get(i, 0)) for i, (_lo, _hi, label) in enumerate(AGE_BUCKETS)]


# ---------------------------------------------------------------- indicator evidence, levels 1–5

@dataclass(frozen=True)
class Level:
    level: int
    title: str
    met: bool
    evidence: str
    figures: dict = field(default_factory=dict)
    threshold: str = ""  # the stated criterion the figures were held against


# The evidence thresholds, per level: stated on the reports page and in the evidence pack, and
# editable there by an admin (stored in ``settings``, every change an event).
THRESHOLDS_KEY = "indicator_thresholds"
THRESHOLD_DEFAULTS = {
    "level2_units_pct": 100,  # % of units with a clerk that registered an incoming letter in the period
    "level3_audits": 1,  # closed audits whose period overlaps
    "level3_items": 1,  # items reviewed in them
    "level4_manual_chars": 1000,  # the published manual's length
    "level5_trained_pct": 80,  # % of active users who completed the tutorial
}
THRESHOLD_TH = {
    "level2_units_pct": ("ระดับ 2", "ร้อยละของหน่วยงานที่มีเจ้าหน้าที่สารบรรณซึ่งลงรับในช่วงนี้ อย่างน้อย", "%", 0, 100),
    "level3_audits": ("ระดับ 3", "จำนวนการสุ่มตรวจที่ปิดแล้วในช่วงนี้ อย่างน้อย", "ครั้ง", 0, 1000),
    "level3_items": ("ระดับ 3", "จำนวนรายการที่ตรวจแล้ว อย่างน้อย", "รายการ", 0, 100000),
    "level4_manual_chars": ("ระดับ 4", "ความยาวคู่มือที่เผยแพร่ อย่างน้อย", "ตัวอักษร", 0, 10_000_000),
    "level5_trained_pct": ("ระดับ 5", "ร้อยละของผู้ใช้ที่ผ่านการฝึกใช้งาน อย่างน้อย", "%", 0, 100),
}


def thresholds(session: Session) -> dict[str, int]:
    """The thresholds in force: the stored ones over the defaults."""
    from registry.models import Setting

    row = session.get(Setting, THRESHOLDS_KEY)
    stored = row.value if row is not None else {}
    return {k: int(stored.get(k, d)) for k, d in THRESHOLD_DEFAULTS.items()}


def set_thresholds(session: Session, values: dict[str, object], *, actor, clock) -> dict[str, int]:
    """Store new thresholds (an admin only; every value checked, Thai errors; an event before/after)."""
    from registry.errors import InvalidInput, PermissionDenied
    from registry.events import append_event
    from registry.models import Setting
    from registry.access import ADMIN, holds

    if actor.person_id is not None and not holds(session, actor.person_id, None, ADMIN):
        raise PermissionDenied("แก้ไขเกณฑ์ตัวชี้วัด")
    before = thresholds(session)
    after = dict(before)
    for key, raw in values.items():
        if key not in THRESHOLD_DEFAULTS:
            continue
        level, label, unit, lo, hi = THRESHOLD_TH[key]
        text_value = str(raw).strip()
        if not text_value.isdigit() or not lo <= int(text_value) <= hi:
            raise InvalidInput(key, f"{level}: {label} ต้องเป็นจำนวนเต็ม {lo}–{hi:,} {unit}")
        after[key] = int(text_value)
    if after == before:
        return after
    now = clock.now()
    row = session.get(Setting, THRESHOLDS_KEY)
    if row is None:
        session.add(Setting(key=THRESHOLDS_KEY, value=after, updated_at=now, updated_by=actor.person_id))
    else:
        row.value, row.updated_at, row.updated_by = after, now, actor.person_id
    session.flush()
    append_event(session, kind="settings.changed", entity="settings", entity_id=None, actor=actor, at=now,
                 data={"key": THRESHOLDS_KEY, "before": before, "after": after})
    return after


INDICATOR_TITLES = {
    1: "มีแผนผังขั้นตอนการรับ–ส่งหนังสือ",
    2: "หน่วยงานบันทึกการรับหนังสือและการส่งต่อเจ้าของเรื่องในระบบ",
    3: "ผู้ดูแลระบบสุ่มตรวจการบันทึก",
    4: "เผยแพร่คู่มือการใช้งานบนเว็บไซต์",
    5: "อบรมเจ้าหน้าที่ที่บรรจุใหม่ให้ใช้งานระบบได้",
}


def indicator_evidence(session: Session, *, period_from: dt.date, period_to: dt.date,
                       flowchart_url: str | None, manual_url: str | None, manual_chars: int = 0) -> list[Level]:
    """What the system itself proves for each of the five indicator levels (SARABAN.md), each held
    against its stated threshold (``thresholds``)."""
    t = thresholds(session)
    start, end = _bounds(period_from, period_to)
    expected = set(session.execute(select(Membership.unit_id).where(Membership.role == "clerk").distinct()).scalars())
    recording = set(session.execute(
        select(Letter.unit_id).join(Registration, Registration.letter_id == Letter.id)
        .where(Letter.direction == "incoming", Letter.sandbox.is_(False), Registration.received_at >= start,
               Registration.received_at < end).distinct()).scalars())
    forwarding = set(session.execute(
        select(Letter.unit_id).join(Assignment, Assignment.letter_id == Letter.id)
        .where(Letter.sandbox.is_(False), Assignment.sent_at >= start, Assignment.sent_at < end).distinct()).scalars())
    share = len(expected & recording) / len(expected) if expected else 0.0
    closed = session.execute(select(func.count(Audit.id)).where(
        Audit.status == "closed", Audit.period_from <= period_to, Audit.period_to >= period_from)).scalar_one()
    reviewed = session.execute(select(func.count(AuditItem.id)).join(Audit, Audit.id == AuditItem.audit_id).where(
        Audit.status == "closed", Audit.period_from <= period_to, Audit.period_to >= period_from)).scalar_one()
    people = session.execute(select(func.count(Person.id)).where(Person.active.is_(True))).scalar_one()
    # of the active users (the share's denominator), those who completed the tutorial
    trained = session.execute(select(func.count(func.distinct(TrainingProgress.person_id)))
                              .join(Person, Person.id == TrainingProgress.person_id)
                              .where(TrainingProgress.completed_at.is_not(None), Person.active.is_(True))).scalar_one()
    started = session.execute(select(func.count(TrainingProgress.id))).scalar_one()
    average = session.execute(select(func.avg(TrainingProgress.score)).where(
        TrainingProgress.completed_at.is_not(None))).scalar_one()
    from registry.training import waiting

    flagged = len(waiting(session))
    trained_pct = 100.0 * trained / people if people else 0.0
    return [
        Level(1, INDICATOR_TITLES[1], flowchart_url is not None,
              f"แผนผังสร้างจากตารางสถานะของระบบ {len(TRANSITIONS)} ขั้นตอน" + (f" เผยแพร่ที่ {flowchart_url}" if flowchart_url else ""),
              {"transitions": len(TRANSITIONS)}, "มีแผนผังขั้นตอนเผยแพร่บนเว็บ"),
        Level(2, INDICATOR_TITLES[2], bool(expected) and share * 100 >= t["level2_units_pct"],
              f"หน่วยงานที่มีเจ้าหน้าที่สารบรรณ {len(expected)} หน่วย ลงรับในช่วงนี้ {len(expected & recording)} หน่วย"
              f" ({share:.0%}) และมีการส่งต่อ {len(expected & forwarding)} หน่วย",
              {"units_expected": len(expected), "units_recording": len(expected & recording),
               "units_forwarding": len(expected & forwarding), "share": share},
              f"หน่วยงานที่มีเจ้าหน้าที่สารบรรณลงรับในช่วงนี้อย่างน้อย {t['level2_units_pct']}%"),
        Level(3, INDICATOR_TITLES[3], closed >= max(t["level3_audits"], 1) and reviewed >= t["level3_items"],
              f"ปิดการสุ่มตรวจแล้ว {closed} ครั้ง ตรวจ {reviewed} รายการ", {"audits_closed": closed, "items_reviewed": reviewed},
              f"ปิดการสุ่มตรวจอย่างน้อย {max(t['level3_audits'], 1)} ครั้ง ตรวจอย่างน้อย {t['level3_items']:,} รายการ"),
        Level(4, INDICATOR_TITLES[4], manual_url is not None and manual_chars >= t["level4_manual_chars"],
              (f"คู่มือเผยแพร่ที่ {manual_url} ({manual_chars:,} ตัวอักษร)" if manual_url else "ยังไม่มีคู่มือ"),
              {"manual_chars": manual_chars}, f"คู่มือเผยแพร่บนเว็บ ยาวอย่างน้อย {t['level4_manual_chars']:,} ตัวอักษร"),
        Level(5, INDICATOR_TITLES[5], people > 0 and trained > 0 and trained_pct >= t["level5_trained_pct"],
              f"ผ่านการฝึกใช้งานแล้ว {trained} คน จากผู้ใช้ {people} คน ({trained_pct:.0f}%) (เริ่มฝึก {started} คน"
              + (f" คะแนนเฉลี่ย {round(average)}%" if average is not None else "")
              + f" ผู้ใช้ใหม่ที่ยังไม่ผ่าน {flagged} คน)",
              {"trained": trained, "started": started, "people": people, "trained_pct": trained_pct,
               "flagged_waiting": flagged, "average_score": round(float(average)) if average is not None else None},
              f"ผู้ใช้ผ่านการฝึกใช้งานอย่างน้อย {t['level5_trained_pct']}%"),
    ]


# ---------------------------------------------------------------- the official registers

REGISTER_HEADERS = {
    "incoming": ("วันที่ลงรับ", "เลขทะเบียนรับ", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"),
    "outgoing": ("วันที่", "เลขทะเบียนส่ง", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"),
}
REGISTER_TITLE = {"incoming": "ทะเบียนหนังสือรับ", "outgoing": "ทะเบียนหนังสือส่ง", "circular": "ทะเบียนหนังสือเวียน"}
# Cells that carry a letter's content (withheld for classified letters from readers without clearance).
CONTENT_CELLS = (2, 4, 5, 6, 7, 8)


@dataclass(frozen=True)
class RegisterRow:
    letter_id: int
    secrecy: str | None
    assignee_ids: tuple[int, ...]
    cells: tuple[str, ...]


def _action_text(letter: Letter) -> str:
    # a letter brought in from an existing register keeps that register's การปฏิบัติ as written
    parts = [letter.imported_action] if letter.imported_action else []
    for a in letter.assignments:
        who = a.person.name if a.person else (a.unit.short_name or a.unit.name if a.unit else "")
        text = f"ส่ง{PURPOSE_TH.get(a.purpose, '')} {who} {thai_datetime(a.sent_at)}"
        if a.acknowledged_at:
            text += f" รับทราบ {thai_datetime(a.acknowledged_at)}"
        elif a.returned_at:
            text += f" ส่งคืน {thai_datetime(a.returned_at)} ({a.return_reason or ''})"
        elif a.status == "cancelled":
            text += " (ยกเลิก)"
        parts.append(text)
    if letter.status == "closed" and letter.closed_at and letter.imported_action is None:
        parts.append(f"ปิดเรื่อง {thai_datetime(letter.closed_at)}")
    return "; ".join(parts)


def register_rows(session: Session, *, unit_id: int, direction: str, year: int) -> list[RegisterRow]:
    """The rows of a unit's register for a book year (พ.ศ.), in number order, official columns."""
    from sqlalchemy.orm import selectinload

    # the letters (and through them their forwards) in batches, not one query per row (a 10,000-row
    # register took 25 s of CPU in lazy loads alone)
    rows = session.execute(
        select(Registration).join(Book, Book.id == Registration.book_id)
        .where(Book.unit_id == unit_id, Book.direction == direction, Book.year == year, Book.sandbox.is_(False))
        .order_by(Registration.number).options(selectinload(Registration.letter))
    ).unique().scalars().all()
    out = []
    for reg in rows:
        letter = reg.letter
        remarks = letter.remarks or ""
        if reg.cancelled_at:
            remarks = (remarks + " " if remarks else "") + f"ยกเลิก {thai_datetime(reg.cancelled_at)}: {reg.cancel_reason or ''}"
        if letter.secrecy:
            remarks = f"[{SECRECY_TH.get(letter.secrecy, letter.secrecy)}] " + remarks
        cells = (
            thai_date(reg.received_at.astimezone(BANGKOK).date(), short=True), str(reg.number),
            letter.ref_no or "", thai_date(letter.letter_date, short=True) if letter.letter_date else "",
            letter.sender or "", letter.addressee or "", letter.subject or "", _action_text(letter), remarks.strip(),
        )
        out.append(RegisterRow(letter.id, letter.secrecy, tuple(a.person_id for a in letter.assignments if a.person_id),
                               cells))
    return out


def register_years(session: Session, unit_id: int) -> list[tuple[str, int]]:
    return list(session.execute(select(Book.direction, Book.year).where(
        Book.unit_id == unit_id, Book.sandbox.is_(False)).order_by(Book.year.desc(), Book.direction)).tuples())


# ---------------------------------------------------------------- completeness and destruction

COMPLETENESS_HEADERS = ("หน่วยงาน", "ทะเบียน", "ปี พ.ศ.", "เลขล่าสุด", "จำนวนที่ลงทะเบียน", "เลขที่ขาด", "เลขซ้ำ",
                        "ยกเลิก", "ผล")
DIRECTION_TH = {"incoming": "หนังสือรับ", "outgoing": "หนังสือส่ง", "circular": "หนังสือเวียน"}


def completeness_rows(session: Session, *, unit_id: int | None = None, year: int | None = None) -> list[tuple[str, ...]]:
    names = {u.id: u.code for u in session.execute(select(Unit)).scalars()}
    out = []
    for r in check_books(session, unit_id=unit_id, year=year):
        cancels = ", ".join(f"{c.number} ({c.reason or ''})" for c in r.cancellations)
        out.append((names.get(r.unit_id, str(r.unit_id)), DIRECTION_TH.get(r.direction, r.direction), str(r.year),
                    str(r.last_number), str(r.registered), ", ".join(map(str, r.gaps)) or "-",
                    ", ".join(map(str, r.duplicates)) or "-", cancels or "-",
                    ("ครบถ้วน" if r.ok else "ไม่ครบถ้วน") + "".join(
                        f" (เลข {a}–{b} อยู่ในทะเบียนกระดาษ)" if a != b else f" (เลข {a} อยู่ในทะเบียนกระดาษ)"
                        for a, b in r.paper)))
    return out


DESTRUCTION_HEADERS = ("ลำดับที่", "รหัสแฟ้ม", "ที่", "ลงวันที่", "เรื่อง", "อายุการเก็บ", "ครบกำหนด", "การพิจารณา",
                       "หมายเหตุ")


def destruction_rows(session: Session, *, year: int, unit_id: int | None = None) -> list[RegisterRow]:
    """บัญชีหนังสือขอทำลาย: closed letters whose retention (counted from closing) ends by the end of
    the given Buddhist-era year. Permanent letters never appear."""
    end_ce = year - 543
    stmt = (select(Letter).where(Letter.closed_at.is_not(None), Letter.sandbox.is_(False),
                                 Letter.retention.in_(tuple(RETENTION_YEARS)))
            .order_by(Letter.closed_at, Letter.id))
    if unit_id is not None:
        stmt = stmt.where(Letter.unit_id == unit_id)
    out = []
    for letter in session.execute(stmt).unique().scalars():
        closed = letter.closed_at.astimezone(BANGKOK).date()
        years = RETENTION_YEARS[letter.retention]
        try:
            due = closed.replace(year=closed.year + years)
        except ValueError:  # 29 February
            due = closed.replace(year=closed.year + years, day=28)
        if due.year > end_ce:
            continue
        reg = letter.registration
        file_code = f"{reg.book.unit.code} {reg.book.direction[:3]} {reg.number}/{reg.book.year}" if reg else ""
        cells = (str(len(out) + 1), file_code, letter.ref_no or "",
                 thai_date(letter.letter_date, short=True) if letter.letter_date else "", letter.subject or "",
                 RETENTION_TH.get(letter.retention, letter.retention), thai_date(due, short=True), "", "")
        out.append(RegisterRow(letter.id, letter.secrecy, tuple(a.person_id for a in letter.assignments if a.person_id),
                               cells))
    return out


def training_rows(session: Session):
    """The training roster (ฝึกใช้งาน, F5; indicator level 5): who, when, score; then who is flagged
    and has not started (registry.training.roster)."""
    from registry.training import roster

    return roster(session)


def counts(session: Session) -> dict[str, int]:
    """Totals for the metrics page."""
    return {
        "registrations": session.execute(select(func.count(Registration.id))).scalar_one(),
        "letters_open": session.execute(select(func.count(Letter.id)).where(Letter.status.in_(OPEN_STATES))).scalar_one(),
    }


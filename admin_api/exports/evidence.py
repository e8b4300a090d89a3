"""The indicator evidence pack: one printable PDF an office hands to the assessor — the five levels
with what the system proves for each and who or which unit still misses it, the flowchart (its
table, generated from the lifecycle), per-unit statistics, the closed audits with their results,
the manual's address and version, and the training roster."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_api.exports.tabular import Table, render
from admin_api.flowchart import transition_rows
from admin_api.pages_support import duration_th, manual_text
from registry import reports
from registry.audits import list_audits
from registry.models import Letter, Membership, Person, Registration, TrainingProgress, Unit
from registry.timeutil import BANGKOK, thai_date, thai_datetime

MISSING_SHOWN = 40  # names listed per level; the rest are counted


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:MISSING_SHOWN])
    return shown + (f" และอีก {len(items) - MISSING_SHOWN} รายการ" if len(items) > MISSING_SHOWN else "")


def units_not_recording(session: Session, start: dt.date, end: dt.date) -> list[str]:
    """Units with a clerk that registered no incoming letter in the period (level 2 misses)."""
    return [f"{u.name} ({u.code})" for u in units_not_recording_rows(session, start, end)]


def units_not_recording_rows(session: Session, start: dt.date, end: dt.date) -> list[Unit]:
    lo = dt.datetime.combine(start, dt.time(), BANGKOK)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), BANGKOK)
    expected = set(session.execute(select(Membership.unit_id).where(Membership.role == "clerk").distinct()).scalars())
    recording = set(session.execute(
        select(Letter.unit_id).join(Registration, Registration.letter_id == Letter.id)
        .where(Letter.direction == "incoming", Letter.sandbox.is_(False), Registration.received_at >= lo,
               Registration.received_at < hi).distinct()).scalars())
    return list(session.execute(select(Unit).where(Unit.id.in_(expected - recording or {-1}))
                                .order_by(Unit.code)).scalars())


def units_not_audited_rows(session: Session, start: dt.date, end: dt.date) -> list[Unit]:
    """Units with a clerk that no closed audit overlapping the period sampled (level 3 misses)."""
    from registry.models import Audit

    expected = set(session.execute(select(Membership.unit_id).where(Membership.role == "clerk").distinct()).scalars())
    audited: set[int] = set()
    for ids in session.execute(select(Audit.unit_ids).where(Audit.status == "closed", Audit.period_from <= end,
                                                            Audit.period_to >= start)).scalars():
        audited.update(int(u) for u in ids or [])
    return list(session.execute(select(Unit).where(Unit.id.in_(expected - audited or {-1}))
                                .order_by(Unit.code)).scalars())


def people_not_trained(session: Session) -> list[str]:
    return [p.name for p, _units in people_not_trained_rows(session)]


def people_not_trained_rows(session: Session) -> list[tuple[Person, list[Unit]]]:
    """Active users who have not completed the tutorial (level 5 misses), each with their units."""
    done = select(TrainingProgress.person_id).where(TrainingProgress.completed_at.is_not(None))
    people = list(session.execute(select(Person).where(Person.active.is_(True), Person.id.not_in(done))
                                  .order_by(Person.name)).scalars())
    units: dict[int, list[Unit]] = {}
    for m in session.execute(select(Membership).where(Membership.person_id.in_([p.id for p in people] or [-1]))
                             .order_by(Membership.unit_id)).scalars():
        if all(u.id != m.unit_id for u in units.get(m.person_id, [])):
            units.setdefault(m.person_id, []).append(m.unit)
    return [(p, units.get(p.id, [])) for p in people]


def evidence_pack(session: Session, levels: list, *, start: dt.date, end: dt.date, now: dt.datetime,
                  base_url: str) -> bytes:
    missing = {2: units_not_recording(session, start, end), 5: people_not_trained(session),
               3: [f"{u.name} ({u.code})" for u in units_not_audited_rows(session, start, end)]}
    level_rows = []
    for lv in levels:
        miss = missing.get(lv.level) or []
        who = {2: "หน่วยงานที่ยังไม่ลงรับในช่วงนี้: ", 3: "หน่วยงานที่ยังไม่ถูกสุ่มตรวจ: ",
               5: "ผู้ใช้ที่ยังไม่ผ่านการฝึก: "}.get(lv.level, "")
        level_rows.append((lv.level, lv.title, lv.threshold or "-", "ผ่าน" if lv.met else "ยังไม่ผ่าน", lv.evidence,
                           (who + _names(miss)) if miss else "-"))
    summary = Table(title="ชุดหลักฐานตัวชี้วัดการรับ–ส่งหนังสือราชการ",
                    subtitle=f"ช่วง {thai_date(start)} ถึง {thai_date(end)} · จัดทำเมื่อ {thai_datetime(now)}",
                    headers=("ระดับ", "ตัวชี้วัด", "เกณฑ์ที่ใช้ตัดสิน", "ผล", "หลักฐานจากระบบ", "ผู้ที่ยังไม่ผ่าน"),
                    rows=level_rows, widths=(0.5, 1.9, 2.0, 0.8, 2.8, 2.6), filename="ชุดหลักฐานตัวชี้วัด",
                    footer=["เกณฑ์ที่ใช้ตัดสินกำหนดโดยผู้ดูแลระบบในหน้ารายงาน (ทุกการแก้ไขบันทึกเป็นเหตุการณ์)"])
    flow = Table(title="ระดับ 1: แผนผังขั้นตอน (สร้างจากตารางสถานะที่ระบบใช้ตรวจทุกการกระทำ)",
                 subtitle=f"ภาพแผนผังเผยแพร่ที่ {base_url}/process",
                 headers=("จากสถานะ", "การกระทำ", "ไปสถานะ", "ผู้ทำได้", "คำอธิบาย"),
                 rows=[(r["source"], r["action"], r["target"], r["who"], r["note"]) for r in transition_rows()],
                 widths=(1.2, 0.9, 1.2, 1.8, 3.5))
    stats = reports.unit_report(session, period_from=start, period_to=end, now=now, unit_ids=None)
    per_unit = Table(title="ระดับ 2: สถิติรายหน่วยงาน",
                     headers=("หน่วยงาน", "รับ", "ส่งต่อ (%)", "มัธยฐานถึงส่งต่อ", "รับทราบ (%)", "มัธยฐานถึงรับทราบ",
                              "เกินกำหนด"),
                     rows=[(x.name, x.received, round(x.forwarded_pct) if x.forwarded_pct is not None else "-",
                            duration_th(x.median_forward_hours),
                            round(x.acknowledged_pct) if x.acknowledged_pct is not None else "-",
                            duration_th(x.median_ack_hours), x.overdue) for x in stats if x.received],
                     widths=(2.5, 0.7, 0.9, 1.3, 0.9, 1.3, 0.8))
    audit_rows = []
    for a in list_audits(session, limit=200)[1]:
        if a.status != "closed" or a.period_to < start or a.period_from > end:
            continue
        for u in (a.result or {}).get("units", []):
            rate = f"{u['pass_rate']:.1%}" if u.get("pass_rate") is not None else "-"
            ci = (f"{u['wilson_low']:.1%}–{u['wilson_high']:.1%}" if u.get("wilson_low") is not None else "-")
            audit_rows.append((f"#{a.id} {a.title or ''}", thai_date(a.closed_at) if a.closed_at else "-", u["name"],
                               u.get("reviewed", 0), u.get("correct", 0), rate, ci))
    audits = Table(title="ระดับ 3: การสุ่มตรวจที่ปิดแล้วและผล",
                   headers=("การตรวจ", "ปิดเมื่อ", "หน่วยงาน", "ตรวจ", "ถูกต้อง", "อัตราผ่าน", "ช่วงความเชื่อมั่น 95%"),
                   rows=audit_rows, widths=(2.0, 1.1, 2.0, 0.6, 0.7, 0.8, 1.4),
                   footer=[] if audit_rows else ["ยังไม่มีการสุ่มตรวจที่ปิดแล้วในช่วงนี้"])
    text = manual_text()
    version = hashlib.sha256(text.encode()).hexdigest()[:12] if text else None
    manual = Table(title="ระดับ 4: คู่มือการใช้งาน", headers=(), rows=[],
                   footer=[f"เผยแพร่ที่ {base_url}/manual · ฉบับ (ลายนิ้วมือ SHA-256) {version} · {len(text):,} ตัวอักษร"
                           if version else "ยังไม่มีคู่มือ"])
    roster = Table(title="ระดับ 5: ทะเบียนผู้ฝึกใช้งาน", headers=("ผู้ใช้", "ขั้นตอน", "เริ่ม", "ผ่านเมื่อ"),
                   rows=[(t.name, t.step, thai_datetime(t.started_at),
                          thai_datetime(t.completed_at) if t.completed_at else "ยังไม่ผ่าน")
                         for t in reports.training_rows(session)], widths=(2.2, 1.2, 1.5, 1.5),
                   footer=[f"ยังไม่ผ่านการฝึก {len(missing[5])} คน"])
    from admin_api.exports.tabular import to_pdf

    return to_pdf(summary, (flow, per_unit, audits, manual, roster))


__all__ = ["evidence_pack", "render"]

"""Tables for each export, built from registry read functions, with classified content withheld
from a reader without clearance (the same rule as the letter pages)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy.orm import Session

from admin_api.exports.tabular import Table
from registry import access, reports
from registry.audits import CHECK_TH, CHECKS, VERDICT_TH, audit_items, summarise
from registry.models import Audit, Registration
from registry.timeutil import MONTHS_TH_SHORT, thai_date, thai_datetime
from registry.units import get_unit

WITHHELD = "(ชั้นความลับ — สงวนเนื้อหา)"
_SHORT_DATE = re.compile(r"^(\d{1,2}) (\S+) (\d{4})$")
_MONTH = {m: i for i, m in enumerate(MONTHS_TH_SHORT, start=1)}


def _typed(rows, *, dates: tuple[int, ...] = (), ints: tuple[int, ...] = ()) -> list[tuple]:
    """The report rows with their date and number columns as real dates and numbers (XLSX sorts and
    sums them; CSV and PDF print them in Thai again). A cell that is not a date or number (withheld,
    empty) stays as it is."""
    out = []
    for row in rows:
        cells = list(row)
        for i in dates:
            m = _SHORT_DATE.match(cells[i] or "") if i < len(cells) and isinstance(cells[i], str) else None
            if m and m.group(2) in _MONTH:
                try:
                    cells[i] = dt.date(int(m.group(3)) - 543, _MONTH[m.group(2)], int(m.group(1)))
                except ValueError:
                    pass
        for i in ints:
            if i < len(cells) and isinstance(cells[i], str) and cells[i].isdigit():
                cells[i] = int(cells[i])
        out.append(tuple(cells))
    return out
REGISTER_WIDTHS = (1.1, 1.05, 1.4, 1.0, 1.6, 1.5, 2.5, 2.3, 1.2)


def _cells(v: access.Viewer, row: reports.RegisterRow, content: tuple[int, ...]):
    if access.may_read_row(v, secrecy=row.secrecy, assignee_ids=row.assignee_ids):
        return row.cells
    return tuple(WITHHELD if i in content and c else c for i, c in enumerate(row.cells))


def register_table(session: Session, v: access.Viewer, *, unit_id: int, direction: str, year: int) -> Table:
    """A unit's book (the caller checked that *v* sees the unit), content withheld row by row."""
    unit = get_unit(session, unit_id)
    rows = reports.register_rows(session, unit_id=unit.id, direction=direction, year=year)
    headers = reports.REGISTER_HEADERS["incoming" if direction == "incoming" else "outgoing"]
    return Table(title=f"{reports.REGISTER_TITLE[direction]} ปี พ.ศ. {year}",
                 subtitle=f"{unit.name} ({unit.code})", headers=headers,
                 rows=_typed([_cells(v, r, reports.CONTENT_CELLS) for r in rows], dates=(0, 3), ints=(1,)),
                 widths=REGISTER_WIDTHS, footer=[f"จำนวน {len(rows):,} รายการ"],
                 filename=f"{reports.REGISTER_TITLE[direction]} {unit.code} ปี {year}")


def destruction_table(session: Session, v: access.Viewer, *, year: int, unit_id: int | None) -> Table:
    rows = reports.destruction_rows(session, year=year, unit_id=unit_id)
    who = get_unit(session, unit_id).name if unit_id else "ทุกหน่วยงาน"
    return Table(title=f"บัญชีหนังสือขอทำลาย ประจำปี พ.ศ. {year}", subtitle=who,
                 headers=reports.DESTRUCTION_HEADERS,
                 rows=_typed([_cells(v, r, (2, 4)) for r in rows], dates=(3, 6), ints=(0,)),
                 widths=(0.6, 1.6, 1.5, 1.1, 3.2, 0.9, 1.1, 1.2, 1.2),
                 filename=f"บัญชีหนังสือขอทำลาย {get_unit(session, unit_id).code + ' ' if unit_id else ''}ปี {year}",
                 footer=[f"จำนวน {len(rows):,} รายการ (นับอายุการเก็บจากวันปิดเรื่อง หนังสือที่เก็บตลอดไปไม่อยู่ในบัญชี)"])


def completeness_table(session: Session, *, unit_id: int | None, year: int | None) -> Table:
    rows = reports.completeness_rows(session, unit_id=unit_id, year=year)
    scope = " ".join(x for x in (get_unit(session, unit_id).code if unit_id else "", f"ปี {year}" if year else "") if x)
    return Table(title="รายงานความครบถ้วนของเลขทะเบียน", subtitle=f"ตรวจเมื่อ {thai_date(dt.date.today())}",
                 headers=reports.COMPLETENESS_HEADERS, rows=_typed(rows, ints=(2, 3, 4)),
                 widths=(1.2, 1.0, 0.7, 0.8, 1.0, 1.6, 1.0, 2.2, 0.9),
                 filename=f"รายงานความครบถ้วนของเลขทะเบียน {scope}".strip())


def audit_table(session: Session, audit: Audit) -> Table:
    items = audit_items(session, audit.id)
    regs = {r.id: r for r in session.query(Registration).filter(
        Registration.id.in_([i.registration_id for i in items] or [-1])).all()}
    units = {int(u): get_unit(session, int(u)) for u in audit.unit_ids}
    rows = []
    for n, i in enumerate(items, start=1):
        reg = regs.get(i.registration_id)
        number = f"{reg.number}/{reg.book.year}" if reg else str(i.registration_id)
        u = units.get(i.unit_id)
        # words, not ✓/✗: the Sarabun font has no glyph for the marks (they printed as empty boxes)
        rows.append((n, (u.short_name or u.name) if u else str(i.unit_id), number,
                     *("ผ่าน" if i.checks.get(c) else "ไม่ผ่าน" for c in CHECKS),
                     VERDICT_TH.get(i.verdict or "", "ยังไม่ตรวจ"), i.note or ""))
    summary = audit.result or summarise(session, audit, items)
    footer = []
    for u in summary["units"]:
        if u["reviewed"]:
            footer.append(f"{u['name']}: ถูกต้อง {u['correct']}/{u['reviewed']} = {u['pass_rate']:.1%} "
                          f"(ช่วงความเชื่อมั่น 95% แบบวิลสัน {u['wilson_low']:.1%}–{u['wilson_high']:.1%})")
    allocation = {"proportional": "ตามสัดส่วนจำนวนหนังสือ", "equal": "เท่ากันทุกหน่วยงาน"}.get(audit.allocation, audit.allocation)
    footer.append(f"เลขสุ่มตั้งต้น (seed) {audit.seed} · วิธีจัดสรร{allocation} · ขนาดตัวอย่าง {audit.sample_size}"
                  + (f" · ปิดเมื่อ {thai_datetime(audit.closed_at)}" if audit.closed_at else " · ยังไม่ปิด"))
    headers = ("ลำดับ", "หน่วยงาน", "เลขทะเบียนรับ", *(CHECK_TH[c].split(" (")[0] for c in CHECKS), "ผลการตรวจ", "หมายเหตุ")
    return Table(title=f"ผลการสุ่มตรวจ #{audit.id}: {audit.title}",
                 subtitle=f"ช่วง {thai_date(audit.period_from)} ถึง {thai_date(audit.period_to)}",
                 headers=headers, rows=rows, widths=(0.5, 1.3, 1.0, 1, 1, 1, 1, 1, 1, 1.0, 2.0), footer=footer,
                 filename=f"ผลการสุ่มตรวจ {audit.id} {audit.title or ''}".strip())


def letters_table(v: access.Viewer, letters, *, direction: str, title: str,
                  subtitle: str, filename: str) -> Table:
    """The current search result (or a day's / a date range's letters) in the register's official
    columns, secret content withheld as in the register export."""
    from registry.reports import _action_text  # the register's own wording of what was done

    rows = []
    for letter in letters:
        reg = letter.registration
        shown = access.project_letter(v, letter)  # the secrecy projection, as the API and the pages
        ok = access.may_read(v, letter)

        def cell(name: str) -> str:
            return WITHHELD if shown[name] is None and getattr(letter, name) else (shown[name] or "")

        remarks = letter.remarks or ""
        if reg is not None and reg.cancelled_at:
            remarks = (remarks + " " if remarks else "") + f"ยกเลิก: {reg.cancel_reason or ''}"
        number = reg.number if direction == "incoming" else (letter.ref_no or reg.number)
        action = _action_text(letter)
        rows.append((reg.received_at, number, cell("ref_no"), letter.letter_date, cell("sender"), cell("addressee"),
                     cell("subject"), action if ok or not action else WITHHELD,
                     remarks.strip() if ok or not remarks.strip() else WITHHELD))
    headers = reports.REGISTER_HEADERS["incoming" if direction == "incoming" else "outgoing"]
    return Table(title=title, subtitle=subtitle, headers=headers, rows=rows, widths=REGISTER_WIDTHS,
                 footer=[f"จำนวน {len(rows):,} รายการ"], filename=filename)

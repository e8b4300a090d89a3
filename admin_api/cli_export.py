"""``saraban export``: the same tables as the web downloads, written to a file by the system itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from admin_api.exports import FORMATS, render
from admin_api.exports.builders import audit_table, completeness_table, destruction_table, register_table
from registry import access
from registry.audits import get_audit
from registry.errors import InvalidInput
from registry.timeutil import BANGKOK
from registry.units import get_unit

# The system itself reads everything it exports (the CLI runs on the server, as its operator).
SYSTEM = access.SYSTEM


def export_file(session: Session, what: str, out: Path, *, unit: str | None, year: int | None, direction: str,
                audit_id: int | None, today: dt.datetime) -> Path:
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise InvalidInput("out", "นามสกุลไฟล์ต้องเป็น .xlsx .csv หรือ .pdf")
    be_year = year or today.astimezone(BANGKOK).year + 543
    unit_id = get_unit(session, unit).id if unit else None
    if what == "register":
        if unit_id is None:
            raise InvalidInput("unit", "กรุณาระบุหน่วยงาน (--unit)")
        table = register_table(session, SYSTEM, unit_id=unit_id, direction=direction, year=be_year)
    elif what == "completeness":
        table = completeness_table(session, unit_id=unit_id, year=year)
    elif what == "destruction":
        table = destruction_table(session, SYSTEM, year=be_year, unit_id=unit_id)
    elif what == "audit":
        if not audit_id:
            raise InvalidInput("audit", "กรุณาระบุการสุ่มตรวจ (--audit)")
        table = audit_table(session, get_audit(session, audit_id))
    else:
        raise InvalidInput("what", "ส่งออกได้: register, completeness, destruction, audit")
    out.write_bytes(render(table, fmt))
    return out

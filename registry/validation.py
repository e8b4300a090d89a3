"""Checks on text and choice fields shared by every writer (clear Thai errors, nothing truncated)."""

from __future__ import annotations

import re

from registry.errors import InvalidInput

FIELD_TH = {
    "subject": "เรื่อง",
    "sender": "จาก",
    "addressee": "ถึง/เรียน",
    "ref_no": "ที่",
    "enclosures": "สิ่งที่ส่งมาด้วย",
    "remarks": "หมายเหตุ",
    "instruction": "คำสั่งการ",
    "reason": "เหตุผล",
    "sent_via": "วิธีส่ง",
    "name": "ชื่อ",
    "code": "รหัส",
}
MAX_LENGTH = {"subject": 2000, "ref_no": 200, "sender": 500, "addressee": 500}
DEFAULT_MAX = 4000
# Control characters other than tab and newline: PostgreSQL refuses NUL in text, and the
# others are never part of a letter; refusing them keeps both engines storing the same thing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(field: str, value: str | None, *, required: bool = False) -> str | None:
    label = FIELD_TH.get(field, field)
    if value is None or not value.strip():
        if required:
            raise InvalidInput(field, f"กรุณาระบุ{label}")
        return None
    if _CONTROL.search(value):
        raise InvalidInput(field, f"{label}มีอักขระควบคุมที่ไม่อนุญาต กรุณาตรวจสอบข้อความ")
    limit = MAX_LENGTH.get(field, DEFAULT_MAX)
    if len(value) > limit:
        raise InvalidInput(field, f"{label}ยาวเกินไป ({len(value):,} ตัวอักษร สูงสุด {limit:,} ตัวอักษร)")
    return value.strip()


def choice(field: str, value: str | None, allowed: tuple[str, ...], label_th: str, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if value not in allowed:
        raise InvalidInput(field, f"{label_th}ไม่ถูกต้อง: {value!r} (ใช้ได้: {', '.join(allowed)})")
    return value

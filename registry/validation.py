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
    "sender_org_code": "รหัสหน่วยงานผู้ส่ง",
    "sender_letter_id": "รหัสหนังสือของผู้ส่ง",
    "notify_to": "ที่อยู่แจ้งเลขรับกลับ",
    "references": "อ้างถึง",
    "enclosure_list": "สิ่งที่ส่งมาด้วย",
}
MAX_LENGTH = {"subject": 2000, "ref_no": 200, "sender": 500, "addressee": 500, "sender_org_code": 64,
              "sender_letter_id": 255}
MAX_LIST = 50  # อ้างถึง / สิ่งที่ส่งมาด้วย items on one letter
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


def clean_references(items) -> list[dict] | None:
    """อ้างถึง as a list of ``{ref_no, date, subject}`` (date ISO ``YYYY-MM-DD`` or None); None when empty."""
    return _clean_list("references", items, {"ref_no": "ref_no", "subject": "subject"}, dates=("date",))


def clean_enclosures(items) -> list[dict] | None:
    """สิ่งที่ส่งมาด้วย as a list of ``{title, count}`` (count a positive whole number or None); None when empty."""
    out = _clean_list("enclosure_list", items, {"title": "enclosures"}, counts=("count",))
    if out is not None and any(item["title"] is None for item in out):
        raise InvalidInput("enclosure_list", "กรุณาระบุชื่อสิ่งที่ส่งมาด้วยทุกรายการ")
    return out


def _clean_list(field: str, items, texts: dict[str, str], *, dates=(), counts=()) -> list[dict] | None:
    import datetime as dt

    label = FIELD_TH[field]
    if not items:
        return None
    if not isinstance(items, list | tuple) or len(items) > MAX_LIST:
        raise InvalidInput(field, f"{label}ต้องเป็นรายการ ไม่เกิน {MAX_LIST} รายการ")
    out = []
    for item in items:
        if not isinstance(item, dict) or set(item) - set(texts) - set(dates) - set(counts):
            raise InvalidInput(field, f"{label}มีรายการที่ไม่ถูกต้อง")
        row: dict = {}
        for key, kind in texts.items():
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                raise InvalidInput(field, f"{label}มีรายการที่ไม่ถูกต้อง")
            row[key] = clean_text(kind, value)
        for key in dates:
            value = item.get(key)
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value is not None:
                try:
                    dt.date.fromisoformat(value)
                except (TypeError, ValueError):
                    raise InvalidInput(field, f"วันที่ใน{label}ไม่ถูกต้อง: {value!r} (ใช้รูปแบบ ปปปป-ดด-วว ค.ศ.)") from None
            row[key] = value
        for key in counts:
            value = item.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise InvalidInput(field, f"จำนวนใน{label}ต้องเป็นจำนวนเต็มบวก")
            row[key] = value
        out.append(row)
    return out

"""Display time: Asia/Bangkok and Buddhist-era years (พ.ศ. = ค.ศ. + 543)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543

MONTHS_TH = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
             "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
MONTHS_TH_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
                   "ต.ค.", "พ.ย.", "ธ.ค.")
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(BANGKOK)


def be_year(value: dt.date) -> int:
    return value.year + BE_OFFSET


def thai_date(value: dt.date, *, short: bool = False, thai_digits: bool = False) -> str:
    """``5 ตุลาคม 2567`` or, short, ``5 ต.ค. 2567``."""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    month = (MONTHS_TH_SHORT if short else MONTHS_TH)[value.month - 1]
    text = f"{value.day} {month} {be_year(value)}"
    return text.translate(_THAI_DIGITS) if thai_digits else text


def thai_datetime(value: dt.datetime, *, short: bool = True, thai_digits: bool = False) -> str:
    """``5 ต.ค. 2567 เวลา 14:05 น.`` in Bangkok time."""
    lv = local(value)
    text = f"{thai_date(lv.date(), short=short)} เวลา {lv:%H:%M} น."
    return text.translate(_THAI_DIGITS) if thai_digits else text

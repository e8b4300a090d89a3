"""Letters for the scan tests: drawn by scan.specimens, with the decoys each test needs."""

from __future__ import annotations

import dataclasses
import random

from nlp.normalize import to_thai_digits
from scan import specimens

RECEIPT = ("เทศบาลตำบลบ้านฉาง", "เลขรับ 2719", "วันที่ 9 ต.ค. 2567", "เวลา 10.30 น.")
REFERENCE = "หนังสือกรมบัญชีกลาง ที่ กค 0402.2/ว 1234 ลงวันที่ 1 กันยายน 2567"


def letter(seed: int = 1, *, thai_digits: bool = False, font: str = "Sarabun", decoys: bool = True, **changes):
    """A letter with a speed stamp, a receiving unit's stamp and an อ้างถึง line (all decoys)."""
    base = specimens.random_letter(random.Random(seed), thai_digits=thai_digits, font=font)
    digits = to_thai_digits if thai_digits else (lambda s: s)
    if decoys:
        changes = {"priority": "ด่วนที่สุด", "receipt": tuple(digits(x) for x in RECEIPT),
                   "reference": digits(REFERENCE), **changes}  # fmt: skip
    return dataclasses.replace(base, **changes)


def compact(text) -> str:
    return "".join(str(text or "").split())

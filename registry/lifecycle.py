"""The lifecycle of a letter as data: one table, read by the services, the flowchart and the manual.

States apply to a unit's record of a letter. Copies (สำเนา) acknowledge or return their own
assignment without moving the letter; the principal owner's actions move it.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.errors import AlreadyDone, InvalidTransition

STATES = ("registered", "forwarded", "acknowledged", "returned", "closed", "cancelled", "destroyed", "archived")
ACTIONS = ("forward", "acknowledge", "return", "recall", "close", "cancel", "destroy", "archive")

STATE_TH = {
    "registered": "ลงรับแล้ว",
    "forwarded": "ส่งต่อแล้ว",
    "acknowledged": "รับทราบแล้ว",
    "returned": "ส่งคืน (ไม่ใช่งานของฉัน)",
    "closed": "ปิดเรื่องแล้ว",
    "cancelled": "ยกเลิกแล้ว",
    "destroyed": "ทำลายแล้ว",
    "archived": "ส่งหอจดหมายเหตุแล้ว",
}
ACTION_TH = {
    "register": "ลงรับ",
    "forward": "ส่งต่อ",
    "acknowledge": "รับทราบ",
    "return": "ส่งคืน",
    "recall": "เรียกคืน",
    "close": "ปิดเรื่อง",
    "cancel": "ยกเลิก",
    "destroy": "ทำลาย",
    "archive": "ส่งหอจดหมายเหตุ",
}


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    who: tuple[str, ...]  # roles that may take it
    note_th: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition("registered", "forward", "forwarded", ("clerk", "head", "admin"),
               "เจ้าหน้าที่สารบรรณส่งต่อให้เจ้าของเรื่อง (และสำเนา) พร้อมวัตถุประสงค์"),
    Transition("forwarded", "forward", "forwarded", ("clerk", "head", "admin"),
               "ส่งต่อเพิ่มเติมให้ผู้รับรายอื่น"),
    Transition("returned", "forward", "forwarded", ("clerk", "head", "admin"),
               "ส่งต่อใหม่หลังเจ้าของเรื่องเดิมส่งคืน"),
    Transition("acknowledged", "forward", "acknowledged", ("clerk", "head", "admin"),
               "ส่งสำเนาเพิ่มเติมหลังรับทราบแล้ว"),
    Transition("forwarded", "acknowledge", "acknowledged", ("owner",),
               "เจ้าของเรื่องกดรับทราบ"),
    Transition("forwarded", "return", "returned", ("owner",),
               "เจ้าของเรื่องแจ้งว่าไม่ใช่งานของตน พร้อมเหตุผล"),
    Transition("forwarded", "recall", "registered", ("clerk", "head", "admin"),
               "ผู้ส่งเรียกคืนการส่งต่อที่เจ้าของเรื่องยังไม่รับทราบ แจ้งผู้รับว่าถูกเรียกคืน แล้วส่งต่อใหม่ได้"),
    Transition("registered", "close", "closed", ("clerk", "head", "admin"),
               "เก็บเรื่องโดยไม่ต้องส่งต่อ (เพื่อทราบ)"),
    Transition("acknowledged", "close", "closed", ("owner", "clerk", "head", "admin"),
               "ดำเนินการเสร็จ ปิดเรื่องและเริ่มนับอายุการเก็บ"),
    Transition("returned", "close", "closed", ("clerk", "head", "admin"),
               "เก็บเรื่องที่ถูกส่งคืน"),
    Transition("registered", "cancel", "cancelled", ("clerk", "admin"),
               "ยกเลิกการลงรับ เลขทะเบียนยังคงอยู่และแสดงว่ายกเลิก"),
    Transition("forwarded", "cancel", "cancelled", ("clerk", "admin"),
               "ยกเลิกหลังส่งต่อ การส่งต่อที่ค้างอยู่ถูกยกเลิกด้วย"),
    Transition("returned", "cancel", "cancelled", ("clerk", "admin"),
               "ยกเลิกเรื่องที่ถูกส่งคืน"),
    Transition("closed", "destroy", "destroyed", ("head", "admin"),
               "ทำลายตามมติคณะกรรมการในบัญชีหนังสือขอทำลาย เนื้อหาและไฟล์ถูกลบ เลขทะเบียนและประวัติยังคงอยู่"),
    Transition("closed", "archive", "archived", ("head", "admin"),
               "ส่งมอบให้หอจดหมายเหตุแห่งชาติตามมติคณะกรรมการ"),
)

_TABLE = {(t.source, t.action): t for t in TRANSITIONS}

# Assignment (one recipient's copy of a forward): sent → acknowledged | returned | recalled | cancelled.
ASSIGNMENT_TRANSITIONS = {
    ("sent", "acknowledge"): "acknowledged",
    ("sent", "return"): "returned",
    ("sent", "recall"): "recalled",  # by its sender, while not yet acknowledged (registry/recall.py)
    ("sent", "cancel"): "cancelled",
    ("acknowledged", "close"): "closed",
}


def transition(state: str, action: str) -> Transition:
    """The transition for *action* from *state*, or InvalidTransition (AlreadyDone for a repeat)."""
    t = _TABLE.get((state, action))
    if t is None:
        if _done_state(action) == state:
            raise AlreadyDone(state, action)
        raise InvalidTransition(state, action)
    return t


def assignment_transition(state: str, action: str) -> str:
    target = ASSIGNMENT_TRANSITIONS.get((state, action))
    if target is None:
        if _done_state(action) == state:
            raise AlreadyDone(state, action)
        raise InvalidTransition(state, action)
    return target


def _done_state(action: str) -> str | None:
    return {"acknowledge": "acknowledged", "return": "returned", "recall": "recalled", "close": "closed",
            "cancel": "cancelled",
            "destroy": "destroyed", "archive": "archived"}.get(action)

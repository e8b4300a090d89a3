"""Every chat feature declared once: the typed intents and the button actions.

From these two tables are derived the text dispatch (``handlers.core.dispatch``), the button
dispatch (``handlers.core.on_button``), the payload grammar (``handlers.payloads.parse``) and
the help text (``HELP_TEXT``). A new feature is one row here; ``tests/handlers/test_features.py``
holds the tables equal to the parser's intents and to the buttons the handlers draw.

Handlers are named as ``"module:function"`` and imported when first called: the table is read by
``handlers.payloads`` (which every flow imports), so it must not import the flows itself.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ArgKinds = tuple[type, ...]


@functools.cache  # resolved once per target: dispatch is one dict lookup and a call
def _call(target: str) -> Callable[..., Any]:
    module, name = target.split(":")
    return getattr(importlib.import_module(f"handlers.{module}"), name)


@dataclass(frozen=True)
class Intent:
    """A typed command. ``run(ctx, result, text)``; ``help`` is its line in the help text (None:
    not a command people type, such as ``unknown``)."""

    name: str
    target: str  # "module:function" in handlers/, called as function(ctx, result, text)
    help: str | None

    def run(self, ctx, result, text: str):
        return _call(self.target)(ctx, result, text)


@dataclass(frozen=True)
class Action:
    """A button: ``<name>:<arg>:<arg>`` with these argument kinds (several shapes for steps)."""

    name: str
    args: tuple[ArgKinds, ...]  # the accepted argument shapes
    target: str  # "module:function", called as function(ctx, *args)
    doc: str

    def run(self, ctx, args: tuple):
        return _call(self.target)(ctx, *args)


# --- typed intents, in the order the help text lists them --------------------------------------
INTENTS: tuple[Intent, ...] = (
    Intent("register_incoming", "intake:start",
           "ลงรับ: วางหัวหนังสือ (ที่ … ลงวันที่ … จาก … เรื่อง …) แล้วกด [ยืนยัน] หรือพิมพ์ “ยืนยัน”"),
    Intent("forward", "forward:typed", "ส่งต่อ 15 ให้ สมชาย เพื่อดำเนินการ (หลังลงรับ พิมพ์ “ส่งให้ สมชาย” ได้เลย)"),
    Intent("acknowledge", "acknowledge:typed_ack", "รับทราบ 15 (มีรายการเดียวพิมพ์ “ได้รับแล้ว” ได้เลย)"),
    Intent("reject", "acknowledge:typed_return", "ไม่ใช่งานของฉัน 15 <เหตุผล>"),
    Intent("close", "acknowledge:typed_close", "ปิดเรื่อง 15"),
    Intent("register_outgoing", "outgoing:issue", "ออกเลขหนังสือส่ง เรื่อง … ถึง … (หนังสือเวียน: ออกเลขหนังสือเวียน …)"),
    Intent("status", "status:status", "สถานะ 15 — ดูความเคลื่อนไหวของเลขรับ"),
    Intent("search", "search:search", "ค้นหา <คำค้น> — ค้นตามเรื่อง จาก ที่ หรือเลขรับ"),
    Intent("my_tasks", "my_tasks:typed", "งานของฉัน — รายการที่รอท่านรับทราบ"),
    Intent("training", "training:typed", "ฝึกใช้งาน — บทเรียนฝึกในทะเบียนทดลอง (ไม่ปนกับทะเบียนจริง)"),
    Intent("audit_sample", "audit:sample", "สุ่มตรวจ กองกลาง 20 — สำหรับผู้ดูแลระบบและผู้ตรวจสอบ"),
    Intent("link_account", "link:typed", "ผูกบัญชี <รหัส> — ผูกบัญชีแชตกับผู้ใช้ในระบบ"),
    Intent("web_signin", "websignin:typed", "เข้าเว็บ — รับลิงก์เข้าสู่ระบบทางเว็บ (ใช้ได้ครั้งเดียว ไม่ต้องจำรหัสผ่าน)"),
    Intent("cancel", "status:cancel", "ยกเลิก — ยกเลิกรายการที่กำลังทำอยู่"),
    Intent("help", "help:typed", "ช่วยเหลือ — ดูสิ่งที่ทำได้"),
)  # fmt: skip
NOT_COMMANDS = ("unknown",)  # the parser's intents that no row answers (chatter, small talk)
# Lines of the help text that are not typed commands.
HELP_EXTRA = ("ส่งรูปหรือไฟล์ PDF ต่อจากการลงรับ หรือส่งไฟล์พร้อมคำบรรยายเป็นหัวหนังสือเพื่อลงรับพร้อมแนบ",)

# --- buttons -----------------------------------------------------------------------------------
ACTIONS: tuple[Action, ...] = (
    Action("ack", ((int,),), "acknowledge:ack_assignment", "acknowledge assignment <id>"),
    Action("ret", ((int,),), "acknowledge:ask_return_reason", "return assignment <id> (asks a reason)"),
    Action("rr", ((int, str),), "acknowledge:return_with_code", "return <assignment> with a canned reason"),
    Action("cl", ((int,),), "acknowledge:close_by_id", "close letter <id>"),
    Action("fw", ((int,),), "forward:start", "start forwarding letter <id>"),
    Action("fo", ((int, int),), "forward:add_person", "add person <p> as a recipient of letter <l>"),
    Action("fm", ((int, int),), "forward:make_principal", "make person <p> the principal of letter <l>"),
    Action("fp", ((int, str),), "forward:send", "send letter <l> with purpose <code>"),
    Action("cf", ((str,),), "intake:confirm", "confirm registration draft <token>"),
    Action("ed", ((str,),), "intake:edit_menu", "edit draft <token>: which field"),
    Action("cx", ((str,),), "intake:cancel_draft", "cancel draft <token>"),
    Action("ef", ((str, str),), "intake:edit_field", "edit one field of draft <token>"),
    Action("ev", ((str, str, str),), "intake:set_value", "pick a value of a field of draft <token>"),
    Action("sk", ((str, str),), "intake:skip_field", "skip an optional field of draft <token>"),
    Action("st", ((int,),), "status:status_of_letter", "status of letter <id>"),
    Action("at", ((int,),), "attach:attach_held", "attach the file held in the chat to letter <id>"),
    Action("ln", ((str, int),), "links:open_link", "a web page (audit <id>, letter <id>) as a link"),
    Action("my", ((),), "my_tasks:typed_button", "my pending list"),
    Action("help", ((),), "help:button", "help"),
    Action("stop", ((),), "status:stop_flow", "drop what the chat is in the middle of"),
    Action("tr", ((str,), (str, int)), "training:button", "a training step: tr:reg, tr:fw:<letter>, tr:ack:<assignment>"),
    Action("mc", ((int,),), "mail_drafts:confirm", "register mailbox draft <id> (an e-mail to the unit's mailbox)"),
    Action("me", ((int,),), "mail_drafts:edit", "move mailbox draft <id> into the chat's registration draft"),
    Action("mx", ((int,),), "mail_drafts:dismiss", "set mailbox draft <id> aside: not a letter for the unit"),
)  # fmt: skip

INTENT_BY_NAME: dict[str, Intent] = {i.name: i for i in INTENTS}
ACTION_BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}


def help_text() -> str:
    lines = ["สวัสดีค่ะ ระบบทะเบียนหนังสือราชการผ่านแชตทำได้ดังนี้"]
    lines += [f"• {i.help}" for i in INTENTS if i.help]
    lines += [f"• {line}" for line in HELP_EXTRA]
    return "\n".join(lines)


HELP_TEXT = help_text()

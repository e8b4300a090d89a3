"""What the pages share: the templates, the manual (Markdown in the repo), the font files."""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from registry.lifecycle import ACTION_TH, STATE_TH
from registry.timeutil import thai_date, thai_datetime

HERE = Path(__file__).resolve().parent
MANUAL = HERE / "manual" / "manual_th.md"


EVENT_TH = {
    "letter.registered": "ลงรับ", "letter.number_issued": "ออกเลขหนังสือส่ง", "assignment.sent": "ส่งต่อ",
    "assignment.acknowledged": "รับทราบ", "assignment.returned": "ส่งคืน (ไม่ใช่งานของฉัน)",
    "letter.closed": "ปิดเรื่อง", "letter.cancelled": "ยกเลิกเลขทะเบียน", "attachment.added": "แนบไฟล์", "attachment.stamped": "ประทับตรารับบนสำเนา", "mail.received": "รับทางอีเมล", "mail.registered": "ลงรับจากอีเมล",
}
CHANNEL_TH = {"line": "LINE", "telegram": "Telegram", "web": "เว็บ", "api": "API", "cli": "คำสั่งระบบ",
              "terminal": "เทอร์มินัล", "system": "ระบบ"}


@functools.cache
def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.filters["thai_date"] = lambda v: thai_date(v, short=True) if v else "-"
    env.filters["thai_datetime"] = lambda v: thai_datetime(v) if v else "-"
    env.filters["pct"] = lambda v: "-" if v is None else f"{v:.0f}%"
    env.filters["hours"] = lambda v: "-" if v is None else (f"{v:.1f} ชม." if v < 48 else f"{v / 24:.1f} วัน")
    env.filters["state_th"] = lambda v: STATE_TH.get(v, v)
    env.filters["action_th"] = lambda v: ACTION_TH.get(v, v)
    env.filters["event_th"] = lambda v: EVENT_TH.get(v, v)
    env.filters["channel_th"] = lambda v: CHANNEL_TH.get(v, v)
    return env


def manual_text() -> str:
    return MANUAL.read_text("utf-8") if MANUAL.is_file() else ""


def manual_html() -> str:
    """The manual rendered to HTML; ``{{ตารางขั้นตอน}}`` becomes the lifecycle table (never drifts)."""
    from markdown_it import MarkdownIt

    from admin_api.flowchart import transition_rows

    table = ["| จากสถานะ | การกระทำ | ไปสถานะ | ผู้ทำได้ | คำอธิบาย |", "|---|---|---|---|---|"]
    table += [f"| {r['source']} | {r['action']} | {r['target']} | {r['who']} | {r['note']} |" for r in transition_rows()]
    text = manual_text().replace("{{ตารางขั้นตอน}}", "\n".join(table))
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def font_file(name: str) -> Path | None:
    from admin_api.exports.tabular import font_dir

    path = (font_dir() / name).resolve()
    if path.parent != font_dir().resolve() or path.suffix != ".ttf" or not path.is_file():
        return None
    return path

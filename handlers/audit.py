"""สุ่มตรวจ <หน่วยงาน> <จำนวน>: draw a sample audit from chat (indicator level 3); review happens on the web."""

from __future__ import annotations

from sqlalchemy import select

from handlers import texts
from handlers.context import Ctx, say
from handlers.models import Card, Field, Reply
from registry.audits import CHECK_TH, CHECKS, start_audit_by_text
from registry.models import AuditItem
from registry.timeutil import thai_date


def sample(ctx: Ctx, result, text: str = "") -> list[Reply]:
    unit, size = result.value("unit"), result.value("sample_size")
    if not unit or not size:
        return [say(texts.AUDIT_HOW)]
    audit = start_audit_by_text(ctx.session, unit, int(size), actor=ctx.actor, clock=ctx.clock)
    items = ctx.session.execute(select(AuditItem).where(AuditItem.audit_id == audit.id)).scalars().all()
    failing = {name: sum(1 for i in items if i.checks.get(name) is False) for name in CHECKS}
    lines = [f"• {CHECK_TH[name]}: ไม่ผ่าน {n} รายการ" for name, n in failing.items() if n]
    flagged = sum(1 for i in items if any(i.checks.get(name) is False for name in CHECKS))
    text = texts.AUDIT_DRAWN.format(
        title=audit.title, n=len(items), start=thai_date(audit.period_from), end=thai_date(audit.period_to),
        flagged=flagged, details="\n".join(lines) or texts.AUDIT_ALL_PASS)
    from handlers.links import link_button

    card = Card(title=f"สุ่มตรวจแล้ว: {audit.title}",
                fields=(Field("ตัวอย่าง", f"{len(items)} รายการ"),
                        Field("ช่วงทะเบียน", f"{thai_date(audit.period_from)} – {thai_date(audit.period_to)}"),
                        Field("ต้องตรวจดู", f"{flagged} รายการ")),
                buttons=(link_button(texts.BUTTON["audit_page"], "audit", audit.id),),
                footer="\n".join(lines) or texts.AUDIT_ALL_PASS, tone="warning" if flagged else "success")
    return [Reply(text=text, card=card)]

"""สุ่มตรวจ <หน่วยงาน> <จำนวน>: draw a sample audit from chat (indicator level 3); review happens on the web."""

from __future__ import annotations

from sqlalchemy import select

from handlers import texts
from handlers.context import Ctx, say
from handlers.models import Reply
from registry.audits import CHECK_TH, CHECKS, start_audit_by_text
from registry.models import AuditItem
from registry.timeutil import thai_date


def sample(ctx: Ctx, result) -> list[Reply]:
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
        flagged=flagged, seed=audit.seed, details="\n".join(lines) or texts.AUDIT_ALL_PASS,
        url=f"/admin/audits/{audit.id}")
    return [say(text)]

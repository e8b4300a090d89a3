from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from admin_api.deps import PrincipalDep, SessionDep
from admin_api.schemas import UnitOut
from registry.models import Unit

router = APIRouter(prefix="/api/v1/units", tags=["units"])


@router.get("", response_model=list[UnitOut])
def list_units(session: SessionDep, _principal: PrincipalDep) -> list[UnitOut]:
    """หน่วยงานทั้งหมด (id, รหัส, ชื่อ, หน่วยงานแม่)."""
    units = session.execute(select(Unit).order_by(Unit.code, Unit.id)).scalars()
    return [UnitOut(id=u.id, code=u.code, name=u.name, short_name=u.short_name, parent=u.parent_id) for u in units]

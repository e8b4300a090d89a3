from __future__ import annotations

from fastapi import APIRouter, Depends

from admin_api.deps import RuntimeDep, allowed
from admin_api.schemas import IntegrityOut
from registry import access
from registry.events import verify_chain

router = APIRouter(prefix="/api/v1", tags=["integrity"])


@router.get("/integrity", response_model=IntegrityOut, dependencies=[Depends(allowed(access.AUDIT))])
def integrity(runtime: RuntimeDep) -> IntegrityOut:
    """ตรวจสอบห่วงโซ่แฮชของประวัติเหตุการณ์ทั้งหมด และระบุเหตุการณ์แรกที่ไม่ถูกต้อง."""
    with runtime.read() as session:
        report = verify_chain(session)
    return IntegrityOut(ok=report.ok, events=report.events, first_broken=report.first_broken, reason=report.reason)

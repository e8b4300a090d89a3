from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from admin_api.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(runtime: RuntimeDep) -> dict:
    """Alive and the database answers."""
    with runtime.read() as session:
        session.execute(text("SELECT 1"))
    return {"ok": True, "database": runtime.engine.dialect.name}

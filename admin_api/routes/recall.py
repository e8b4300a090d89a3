"""Recall a forward over the API (the chat's [เรียกคืน] and the letter page's button do the same)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from admin_api.deps import Actor_, RuntimeDep, SessionDep
from admin_api.routes.letters import Id
from admin_api.schemas import TEXT, AssignmentOut
from admin_api.views import assignment_out
from registry.recall import recall

router = APIRouter(prefix="/api/v1/assignments", tags=["letters"])


class RecallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=2000, pattern=TEXT)


@router.post("/{assignment_id}/recall", response_model=AssignmentOut)
def post_recall(assignment_id: Id, session: SessionDep, runtime: RuntimeDep, principal: Actor_,
                body: RecallIn | None = None) -> AssignmentOut:
    """เรียกคืนการส่งต่อถึงบุคคลที่ยังไม่รับทราบ (ผู้ส่งหรือผู้รักษาการแทน): ผู้รับได้รับแจ้งว่าถูกเรียกคืน
    เจ้าของเรื่องที่ถูกเรียกคืนทำให้หนังสือกลับเป็น “ลงรับแล้ว” และส่งต่อใหม่ได้."""
    a = recall(session, assignment_id, actor=principal.actor, reason=body.reason if body else None,
               clock=runtime.clock)
    return assignment_out(principal.viewer(session, runtime.clock.now()), a.letter, a)

"""The exchange document over HTTP (registry/exchange, docs/exchange.md): one letter out as
``saraban.letter`` v1 JSON, one in as an incoming letter."""

from __future__ import annotations

import copy
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse

from admin_api.deps import Principal, PrincipalDep, RuntimeDep, SessionDep, allowed
from admin_api.schemas import ID_MAX, RegisteredOut, RegistrationOut
from registry import access, exchange
from registry.access import may_read, may_see, viewer
from registry.assignments import get_letter
from registry.errors import LetterNotFound, PermissionDenied

router = APIRouter(tags=["exchange"])
Id = Annotated[int, Path(ge=1, le=ID_MAX)]
Clerk = Annotated[Principal, Depends(allowed(access.MANAGE))]  # who may register letters somewhere


def _inlined(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with its ``#/$defs/…`` references written out (OpenAPI resolves refs against the
    whole OpenAPI document, not this schema)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inlined(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]), defs)
        return {k: _inlined(v, defs) for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
    if isinstance(node, list):
        return [_inlined(v, defs) for v in node]
    return node


DOCUMENT_SCHEMA = _inlined(exchange.schema(), exchange.schema()["$defs"])


@router.get("/api/v1/letters/{letter_id:int}/exchange.json", response_class=JSONResponse,
            responses={200: {"description": "เอกสารแลกเปลี่ยน saraban.letter v1",
                             "content": {"application/json": {"schema": DOCUMENT_SCHEMA}}},
                       403: {"description": "หนังสือลับ: ผู้เรียกไม่มีสิทธิ์อ่านเนื้อหา"},
                       404: {"description": "ไม่พบหนังสือ หรือผู้เรียกไม่เห็นหนังสือนี้"}})
def export_letter(letter_id: Id, session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep,
                  files: Annotated[bool, Query(description="ใส่ไฟล์แนบ (base64) ในเอกสารด้วย")] = False) -> JSONResponse:
    """ส่งออกหนังสือหนึ่งฉบับเป็นเอกสารแลกเปลี่ยน (JSON ตาม letter-v1.schema.json) พร้อมรหัสชั้นความเร็ว/ความลับ."""
    letter = get_letter(session, letter_id)
    v = viewer(session, principal.person_id, runtime.clock.now())
    if not may_see(v, letter) or letter.sandbox:
        raise LetterNotFound(letter_id)
    if not may_read(v, letter):
        raise PermissionDenied("ส่งออกเนื้อหาของหนังสือลับ")
    document = exchange.letter_document(letter, files_dir=runtime.attachments_dir if files else None)
    return JSONResponse(document, headers={
        "Content-Disposition": f'inline; filename="letter-{letter_id}.exchange.json"'})


@router.post("/api/v1/exchange/import", status_code=201, response_model=RegisteredOut,
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"application/json": {"schema": DOCUMENT_SCHEMA}}}},
             responses={403: {"description": "ผู้เรียกไม่ใช่เจ้าหน้าที่สารบรรณของหน่วยงานที่ลงรับ"},
                        404: {"description": "ไม่พบหน่วยงานที่ลงรับ"},
                        409: {"description": "หนังสือนี้ลงรับไว้แล้วในหน่วยงาน (letter_id บอกฉบับเดิม)"},
                        422: {"description": "เอกสารไม่ตรงตามแบบ หรือค่าที่ทะเบียนไม่รับ (ภาษาไทย)"}})
def import_letter(document: Annotated[dict[str, Any], Body()], session: SessionDep, runtime: RuntimeDep,
                  principal: Clerk,
                  unit: Annotated[str | None, Query(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$",
                                                    description="หน่วยงานที่ลงรับ (id หรือรหัส); ว่าง = ผู้รับในเอกสาร")] = None,
                  ) -> RegisteredOut:
    """นำเข้าเอกสารแลกเปลี่ยนหนึ่งฉบับ: ลงรับเป็นหนังสือรับของหน่วยงาน (ตรวจแบบเอกสารและตรวจซ้ำก่อน)."""
    done = exchange.import_letter(session, document, actor=principal.actor, unit=unit,
                                  files_dir=runtime.attachments_dir, clock=runtime.clock)
    reg = done.registered
    return RegisteredOut(id=reg.letter_id, duplicates=list(reg.duplicates), registration=RegistrationOut(
        id=reg.registration_id, book=reg.book_id, direction=reg.direction, year=reg.year, number=reg.number,
        display=reg.display_no, received_at=reg.received_at, verification_code=reg.verification_code))

"""The web chat (``/chat``): try the bot in a browser, same handlers as LINE and Telegram.

A server-rendered Thai page plus a small fetch() script; JSON under ``/chat/api/…``. In demo mode
a newcomer picks a demo person and the browser's chat account (``web``/``demo-<person id>``) is
linked to that person at once (registry.accounts.link_directly, an event); outside demo mode the
chat starts unlinked and the officer links it with ``ผูกบัญชี <code>`` like on any channel.
Notices for a web account (a forward to an owner) wait in the outbox until the page fetches its
inbox, which is when they count as delivered.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot import intake
from bot.ratelimit import AnonymousLimits
from bot.gateway import reply_to_dict
from handlers.models import FileRef, Inbound
from registry import delivery
from registry.accounts import link_directly
from registry.events import Actor
from registry.inbound import recorded_replies, remember_replies
from registry.models import ChatAccount, Membership, OutboxMessage, Person, Unit
from registry.outbox import mark_failed, mark_sent
from registry.runtime import Runtime

PAGE = Path(__file__).with_name("static") / "chat.html"
CHAT_ID_PATTERN = r"^(demo-\d{1,12}|[0-9a-f]{32})$"
MESSAGE_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
CHAT_ID = re.compile(CHAT_ID_PATTERN)
DEMO_CHAT_ID = re.compile(r"^demo-\d{1,12}$")
MESSAGE_ID = re.compile(MESSAGE_ID_PATTERN)
MAX_UPLOAD = 20 * 1024 * 1024
ROLE_TH = {"clerk": "เจ้าหน้าที่สารบรรณ", "owner": "เจ้าของเรื่อง", "head": "ผู้บังคับบัญชา", "admin": "ผู้ดูแลระบบ",
           "auditor": "ผู้ตรวจสอบ"}


def _json_int(value: object) -> object:
    """JSON Schema's integer: a number with no fraction; not a boolean, not a string."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float)
                                                                           and not value.is_integer()):
        raise ValueError("ต้องเป็นตัวเลขจำนวนเต็ม")
    return int(value)


# The schema states what the routes check (issue 16, finding 10): a malformed chat or message id is
# a 422 in the shared error model, like every other request that does not match the schema.
class SessionIn(BaseModel):
    person_id: Annotated[int, Field(ge=1, le=2**53 - 1), BeforeValidator(_json_int)] | None = None


class SendIn(BaseModel):
    chat_id: str = Field(pattern=CHAT_ID_PATTERN)
    text: str | None = Field(default=None, max_length=8000)
    payload: str | None = Field(default=None, max_length=64)
    message_id: str | None = Field(default=None, pattern=MESSAGE_ID_PATTERN)


ChatIdQuery = Annotated[str, Query(pattern=CHAT_ID_PATTERN)]


def _check_chat(chat_id: str, *, demo: bool) -> str:
    """The chat id is the web chat's only credential. A demo id (``demo-<person id>``) is guessable
    by design, so it is honoured in demo mode only: the accounts demo mode linked stay in the
    register (their events are history) but can no longer be spoken through once it is off."""
    if not CHAT_ID.match(chat_id):
        raise HTTPException(400, "รหัสห้องแชตไม่ถูกต้อง")
    if not demo and DEMO_CHAT_ID.match(chat_id):
        raise HTTPException(403, "ห้องแชตสาธิตใช้ได้เฉพาะในโหมดสาธิตค่ะ กรุณาเริ่มห้องแชตใหม่แล้วผูกบัญชีด้วยรหัสจากผู้ดูแลระบบ")
    return chat_id


class WebChat:
    channel = "web"

    def __init__(self, runtime: Runtime, *, demo: bool, per_chat: int = 20, per_address: int = 60,
                 max_upload: int = MAX_UPLOAD) -> None:
        self.runtime = runtime
        self.demo = demo
        self.anonymous = AnonymousLimits(per_chat=per_chat, per_address=per_address)
        self.max_upload = max_upload

    def people(self) -> list[dict[str, Any]]:
        if not self.demo:
            return []
        with self.runtime.read() as session:
            people = session.execute(select(Person).where(Person.active.is_(True)).order_by(Person.id)).scalars().all()
            roles: dict[int, list[str]] = {}
            for m, unit in session.execute(select(Membership, Unit).join(Unit, Unit.id == Membership.unit_id)
                                           .order_by(Membership.id)):
                roles.setdefault(m.person_id, []).append(f"{ROLE_TH.get(m.role, m.role)} {unit.short_name or unit.name}")
            return [{"id": p.id, "name": p.name, "position": p.position, "roles": roles.get(p.id, [])}
                    for p in people]

    def open_session(self, person_id: int | None) -> dict[str, Any]:
        if person_id is None or not self.demo:
            return {"chat_id": uuid.uuid4().hex, "person": None, "demo": self.demo}
        chat_id = f"demo-{person_id}"
        # Two sessions opened at once both try to create the missing demo accounts: the loser's
        # unique violation only means the rows now exist, so it tries once more and finds them.
        for attempt in (1, 2):
            try:
                name = self._link_demo_people(person_id)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        return {"chat_id": chat_id, "person": {"id": person_id, "name": name}, "demo": True}

    def _link_demo_people(self, person_id: int) -> str:
        with self.runtime.transaction() as session:
            person = session.get(Person, person_id)
            if person is None or not person.active:
                raise HTTPException(404, "ไม่พบผู้ใช้นี้")
            name = person.name
            # Every demo person gets a web account at once, so a newcomer who forwards a letter
            # and then switches to the owner finds the notice waiting there.
            linked = set(session.execute(select(ChatAccount.person_id).where(ChatAccount.channel == "web",
                                                                             ChatAccount.external_id.like("demo-%"))).scalars())
            for p in session.execute(select(Person).where(Person.active.is_(True))).scalars().all():
                if p.id not in linked:
                    link_directly(session, "web", f"demo-{p.id}", p.id, actor=Actor(None, "web"), display_name=p.name,
                                  clock=self.runtime.clock)
        return name

    def send(self, body: SendIn, client: str | None = None) -> dict[str, Any]:
        chat_id = _check_chat(body.chat_id, demo=self.demo)
        if body.message_id is not None and not MESSAGE_ID.match(body.message_id):
            raise HTTPException(400, "รหัสข้อความไม่ถูกต้อง")
        key = f"web:{body.message_id or uuid.uuid4().hex}"
        if body.payload:
            inbound = Inbound(channel="web", event_id=key, account_id=chat_id, chat_id=chat_id, kind="button",
                              payload=body.payload, at=self.runtime.clock.now())
        else:
            inbound = Inbound(channel="web", event_id=key, account_id=chat_id, chat_id=chat_id, kind="text",
                              text=body.text or "", at=self.runtime.clock.now())
        anonymous = self._anonymous_answer(inbound, client)
        if anonymous is not None:
            return anonymous

        def keep(session, replies) -> None:
            remember_replies(session, key, [reply_to_dict(r) for r in replies if r.chat_id in (None, chat_id)])

        replies = intake.process(self.runtime, inbound, keep=keep)
        if replies is None:
            # A repeat of this message id: most often the browser retrying after a lost response,
            # so it gets the answer it missed (a confirmed registration's number among them).
            with self.runtime.read() as session:
                kept = recorded_replies(session, key)
            return {"duplicate": True, "replies": kept or []}
        return {"replies": [reply_to_dict(r) for r in replies if r.chat_id in (None, chat_id)]}

    def _anonymous_answer(self, inbound: Inbound, client: str | None) -> dict[str, Any] | None:
        """A chat nobody has linked is answered from a read, writing nothing, and is rate limited
        (per chat id and per client address): a flood of unknown chats neither fills the event
        table nor takes SQLite's write lock or the pool from the officers. Only a link command
        (ผูกบัญชี <code>) goes on to the register. None: a linked chat, handle as usual."""
        import handlers.core

        if self.linked_person(inbound.chat_id) is not None:
            return None
        retry = self.anonymous.check(inbound.chat_id, client or "unknown")
        if retry is not None:
            raise HTTPException(429, "ส่งข้อความถี่เกินไป กรุณารอสักครู่แล้วลองใหม่ค่ะ",
                                headers={"Retry-After": str(retry)})
        replies = handlers.core.unlinked_answer(self.runtime, inbound)
        if replies is None:  # a link command: it writes, like any registered chat's message
            return None
        return {"replies": [reply_to_dict(r) for r in replies if r.chat_id in (None, inbound.chat_id)]}

    def upload(self, chat_id: str, filename: str | None, content_type: str | None, data: bytes,
               client: str | None = None) -> dict[str, Any]:
        chat_id = _check_chat(chat_id, demo=self.demo)
        if self.linked_person(chat_id) is None:  # nothing to attach it to: answer without a write
            retry = self.anonymous.check(chat_id, client or "unknown")
            if retry is not None:
                raise HTTPException(429, "ส่งข้อความถี่เกินไป กรุณารอสักครู่แล้วลองใหม่ค่ะ",
                                    headers={"Retry-After": str(retry)})
            import handlers.core

            probe = Inbound(channel="web", event_id="web:upload", account_id=chat_id, chat_id=chat_id, kind="file",
                            at=self.runtime.clock.now())
            return {"replies": [reply_to_dict(r) for r in handlers.core.unlinked_answer(self.runtime, probe) or []]}
        kind = "image" if (content_type or "").startswith("image/") else "file"
        ref = FileRef(platform_id=uuid.uuid4().hex, filename=filename, content_type=content_type, size=len(data))
        inbound = Inbound(channel="web", event_id=f"web:{ref.platform_id}", account_id=chat_id, chat_id=chat_id,
                          kind=kind, file=ref, at=self.runtime.clock.now())
        replies = intake.process(self.runtime, inbound, lambda _ref: data) or []
        return {"replies": [reply_to_dict(r) for r in replies if r.chat_id in (None, chat_id)]}

    def inbox(self, chat_id: str) -> dict[str, Any]:
        """Deliver the notices waiting for this web chat (forwards, acknowledgements, reminders)."""
        import handlers

        chat_id = _check_chat(chat_id, demo=self.demo)
        now = self.runtime.clock.now()
        with self.runtime.read() as session:
            if session.execute(select(OutboxMessage.id).where(
                    OutboxMessage.channel == "web", OutboxMessage.chat_id == chat_id,
                    OutboxMessage.status == "pending").limit(1)).first() is None:
                return {"replies": []}
        with self.runtime.transaction() as session:
            rows = delivery.claim_chat(session, "web", chat_id, now=now)
        out: list[dict[str, Any]] = []
        for row in rows:
            try:
                if row.kind == "reply":
                    from bot.gateway import reply_from_dict

                    replies = [reply_from_dict(d) for d in row.payload.get("replies", [])]
                else:
                    replies = handlers.notice_replies(self.runtime, row)
            except Exception as exc:  # noqa: BLE001 - keep the row for a later fetch
                with self.runtime.transaction() as session:
                    mark_failed(session, row.id, at=now, error=repr(exc))
                continue
            out.extend(reply_to_dict(r) for r in replies)
            with self.runtime.transaction() as session:
                mark_sent(session, row.id, at=now)
        return {"replies": out}

    def linked_person(self, chat_id: str) -> dict[str, Any] | None:
        with self.runtime.read() as session:
            row = session.execute(select(Person.id, Person.name).join(ChatAccount, ChatAccount.person_id == Person.id)
                                  .where(ChatAccount.channel == "web", ChatAccount.external_id == chat_id)).first()
        return {"id": row.id, "name": row.name} if row else None

    def router(self) -> APIRouter:
        router = APIRouter(prefix="/chat", tags=["web chat"])

        @router.get("", response_class=HTMLResponse, include_in_schema=False)
        def page() -> HTMLResponse:
            return HTMLResponse(PAGE.read_text("utf-8").replace("{{DEMO}}", "true" if self.demo else "false"))

        @router.get("/api/people", summary="ผู้ใช้ตัวอย่างให้เลือก (โหมดสาธิต)")
        def people() -> dict[str, Any]:
            return {"demo": self.demo, "people": self.people()}

        @router.post("/api/session", summary="เริ่มห้องแชต (โหมดสาธิต: ผูกกับผู้ใช้ที่เลือก)")
        def session(body: SessionIn) -> dict[str, Any]:
            return self.open_session(body.person_id)

        @router.get("/api/whoami", summary="ห้องแชตนี้ผูกกับใคร")
        def whoami(chat_id: ChatIdQuery) -> dict[str, Any]:
            return {"person": self.linked_person(_check_chat(chat_id, demo=self.demo))}

        @router.post("/api/send", summary="ส่งข้อความหรือกดปุ่ม")
        def send(body: SendIn, request: Request) -> dict[str, Any]:
            return self.send(body, request.client.host if request.client else None)

        @router.post("/api/upload", summary="แนบไฟล์หรือรูปภาพ")
        def upload(request: Request, chat_id: str = Form(..., pattern=CHAT_ID_PATTERN),
                   file: UploadFile = File(...)) -> dict[str, Any]:
            data = file.file.read(self.max_upload + 1)
            if len(data) > self.max_upload:
                raise HTTPException(413, f"ไฟล์ใหญ่เกิน {self.max_upload // (1024 * 1024)} MB")
            if not data:
                raise HTTPException(422, "ไฟล์ว่างเปล่า กรุณาส่งใหม่ค่ะ")
            return self.upload(chat_id, file.filename, file.content_type, data,
                               request.client.host if request.client else None)

        @router.get("/api/inbox", summary="ข้อความแจ้งเตือนที่รอส่งถึงห้องนี้")
        def inbox(chat_id: ChatIdQuery) -> dict[str, Any]:
            return self.inbox(chat_id)

        return router

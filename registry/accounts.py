"""Chat accounts: one-time link codes, linking a chat account to a person, resolving who writes.

A link code is issued by an admin (CLI ``saraban admin link-code``, the admin API or the page
``/admin/link-codes``), is single use and expires after 30 minutes. The officer sends
``ผูกบัญชี <code>`` in a 1:1 chat (or opens the Telegram deep link, which sends ``/start <code>``);
the chat account (channel, platform user id) is then bound to the person. Issuing and linking are
events; the code itself never goes into the event chain nor the database (it is a credential: only
its sha256 is stored, like API tokens). A chat that sent ``MAX_WRONG_CODES`` wrong codes within
``WRONG_CODE_WINDOW`` is refused without the code even being looked up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import Conflict, InvalidInput, LinkCodeInvalid, PermissionDenied
from registry.events import Actor, append_event
from registry.models import ChatAccount, LinkCode, LinkFailure, Membership, Person
from registry.outbox import enqueue
from registry.access import ADMIN, holds
from registry.permissions import remember_roles
from registry.units import get_person

LINK_CODE_TTL = dt.timedelta(minutes=30)
CHANNELS = ("line", "telegram", "web", "terminal")
# No 0/O, 1/I/L: codes are read off a screen and typed on a phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_WRONG_CODES = 5  # per chat within the window; the next attempt is refused unchecked
WRONG_CODE_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class IssuedCode:
    code: str
    person_id: int
    expires_at: dt.datetime


def _new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_digest(code: str) -> str:
    """What the register keeps of a code: the sha256 of its normal form."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def issue_link_code(
    session: Session, person_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK,
    ttl: dt.timedelta = LINK_CODE_TTL,
) -> IssuedCode:
    """A new one-time code for *person_id* (expires after *ttl*, 30 minutes by default)."""
    now = clock.now()
    if actor.person_id is not None and not holds(session, actor.person_id, None, ADMIN):  # the CLI acts as the system
        raise PermissionDenied("ออกรหัสผูกบัญชี")
    person = get_person(session, person_id)
    if not person.active:
        raise Conflict(f"{person.name} ไม่ได้ใช้งานระบบแล้ว")  # the person's state, not the request (409)
    while True:
        code = _new_code()
        if session.execute(select(LinkCode.id).where(LinkCode.code_hash == code_digest(code))).first() is None:
            break
    row = LinkCode(code_hash=code_digest(code), person_id=person.id, created_at=now, expires_at=now + ttl,
                   created_by=actor.person_id)
    session.add(row)
    session.flush()
    append_event(session, kind="link_code.issued", entity="person", entity_id=person.id, actor=actor, at=now,
                 data={"link_code_id": row.id, "expires_at": row.expires_at})
    return IssuedCode(code, person.id, row.expires_at)


@dataclass(frozen=True)
class LinkAttempt:
    """``person`` when the chat was linked; otherwise ``refusal`` (Thai) and ``throttled``."""

    person: Person | None = None
    refusal: str | None = None
    throttled: bool = False


def wrong_codes(session: Session, channel: str, external_id: str, *, now: dt.datetime) -> int:
    """Wrong codes this chat sent within the window."""
    return session.scalar(select(func.count()).select_from(LinkFailure).where(
        LinkFailure.channel == channel, LinkFailure.external_id == external_id[:128],
        LinkFailure.at > now - WRONG_CODE_WINDOW)) or 0


def throttle_minutes(session: Session, channel: str, external_id: str, *, now: dt.datetime) -> int:
    """Minutes until the chat may try a code again (0: it may now)."""
    if wrong_codes(session, channel, external_id, now=now) < MAX_WRONG_CODES:
        return 0
    times = session.execute(select(LinkFailure.at).where(
        LinkFailure.channel == channel, LinkFailure.external_id == external_id[:128],
        LinkFailure.at > now - WRONG_CODE_WINDOW).order_by(LinkFailure.at.desc()).limit(MAX_WRONG_CODES)).scalars().all()
    free_at = times[-1] + WRONG_CODE_WINDOW  # when the oldest counted failure leaves the window
    return max(1, -(-int((free_at - now).total_seconds()) // 60))


def try_link(
    session: Session, channel: str, external_id: str, code: str, *, display_name: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> LinkAttempt:
    """Link the chat with *code*, or say why not. A wrong code is recorded (``link_failures``) —
    the caller commits in both cases; after ``MAX_WRONG_CODES`` of them in ``WRONG_CODE_WINDOW``
    the chat is refused without the code being looked up."""
    now = clock.now()
    _check_channel(channel)
    if wrong_codes(session, channel, external_id, now=now) >= MAX_WRONG_CODES:
        return LinkAttempt(refusal=THROTTLED.format(minutes=throttle_minutes(session, channel, external_id, now=now)),
                           throttled=True)
    row = session.execute(
        select(LinkCode).where(LinkCode.code_hash == code_digest(code)).with_for_update()
    ).scalar_one_or_none()
    person = get_person(session, row.person_id) if row is not None else None
    if row is None or row.used_at is not None or row.expires_at <= now or person is None or not person.active:
        session.add(LinkFailure(channel=channel, external_id=external_id[:128], at=now))
        session.flush()
        return LinkAttempt(refusal=LinkCodeInvalid().message_th)
    account, before = _bind(session, channel, external_id, person.id, display_name, now)
    row.used_at = now
    row.used_by_account_id = account.id
    append_event(session, kind="chat_account.linked", entity="person", entity_id=person.id,
                 actor=Actor(person.id, channel), at=now,
                 data={"chat_account_id": account.id, "channel": channel, "link_code_id": row.id,
                       "before_person_id": before})
    queue_menu_refresh(session, account, at=now)
    return LinkAttempt(person=person)


THROTTLED = ("ใส่รหัสผูกบัญชีไม่ถูกต้องหลายครั้งเกินไปค่ะ ระบบจึงยังไม่ตรวจรหัสนี้ "
             "กรุณารออีกประมาณ {minutes} นาทีแล้วลองใหม่ หรือขอรหัสใหม่จากผู้ดูแลระบบ")


def link_account(
    session: Session, channel: str, external_id: str, code: str, *, display_name: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Person:
    """Bind the chat account to the code's person; the code is spent. LinkCodeInvalid when the
    code is unknown, expired or already used (one message for all three: no oracle), or the chat
    is throttled. Raising rolls the caller's transaction back, wrong-code record included: the
    chat uses :func:`try_link`, which records it."""
    attempt = try_link(session, channel, external_id, code, display_name=display_name, clock=clock)
    if attempt.person is None:
        raise LinkCodeInvalid()
    return attempt.person


def live_code_holder(session: Session, code: str, *, now: dt.datetime) -> Person | None:
    """Whose live code this is, without spending it (None: unknown, used or expired)."""
    row = session.execute(select(LinkCode).where(LinkCode.code_hash == code_digest(code))).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return session.get(Person, row.person_id)


def purge_link_failures(session: Session, *, clock: Clock = SYSTEM_CLOCK) -> int:
    """Forget wrong codes older than a day (the throttle looks back ten minutes)."""
    return session.execute(delete(LinkFailure).where(LinkFailure.at < clock.now() - dt.timedelta(days=1))).rowcount


def link_directly(
    session: Session, channel: str, external_id: str, person_id: int, *, actor: Actor,
    display_name: str | None = None, clock: Clock = SYSTEM_CLOCK,
) -> ChatAccount:
    """Bind without a code: for the web chat's demo people and ``saraban chat --as`` (evented)."""
    now = clock.now()
    _check_channel(channel)
    person = get_person(session, person_id)
    account, before = _bind(session, channel, external_id, person.id, display_name, now)
    if before != person.id:
        append_event(session, kind="chat_account.linked", entity="person", entity_id=person.id, actor=actor,
                     at=now, data={"chat_account_id": account.id, "channel": channel, "link_code_id": None,
                                   "before_person_id": before})
        queue_menu_refresh(session, account, at=now)
    return account


def unlink_account(session: Session, channel: str, external_id: str, *, actor: Actor,
                   clock: Clock = SYSTEM_CLOCK) -> ChatAccount:
    """Unbind a chat account from its person (the person keeps everything else; evented)."""
    now = clock.now()
    if actor.person_id is not None and not holds(session, actor.person_id, None, ADMIN):  # the CLI acts as the system
        raise PermissionDenied("ยกเลิกการผูกบัญชี")
    account = session.execute(
        select(ChatAccount).where(ChatAccount.channel == channel, ChatAccount.external_id == external_id)
        .with_for_update()
    ).scalar_one_or_none()
    if account is None or account.person_id is None:
        raise InvalidInput("account", "บัญชีแชตนี้ยังไม่ได้ผูกกับผู้ใช้")
    before = account.person_id
    account.person_id = None
    session.flush()
    append_event(session, kind="chat_account.unlinked", entity="person", entity_id=before, actor=actor, at=now,
                 data={"chat_account_id": account.id, "channel": channel})
    queue_menu_refresh(session, account, at=now)
    return account


MENU_REFRESH = "richmenu"  # outbox kind: the LINE gateway links the menu of the account's roles (bot.richmenu_link)


def queue_menu_refresh(session: Session, account: ChatAccount | None = None, *, person_id: int | None = None,
                       at: dt.datetime) -> None:
    """After a link, an unlink or a change of roles: have the LINE gateway show the account(s) the
    menu of the person's roles now (it reads them when it delivers, so the latest state wins)."""
    if account is not None:
        accounts = [account] if account.channel == "line" else []
    else:
        accounts = list(session.execute(select(ChatAccount).where(
            ChatAccount.person_id == person_id, ChatAccount.channel == "line")).scalars())
    for a in accounts:
        enqueue(session, channel="line", chat_id=a.external_id, person_id=a.person_id, kind=MENU_REFRESH,
                payload={"chat_account_id": a.id}, at=at)


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"ช่องทาง {channel!r} ไม่รองรับ")


def _bind(session: Session, channel: str, external_id: str, person_id: int, display_name: str | None,
          now: dt.datetime) -> tuple[ChatAccount, int | None]:
    account = session.execute(
        select(ChatAccount).where(ChatAccount.channel == channel, ChatAccount.external_id == external_id)
        .with_for_update()
    ).scalar_one_or_none()
    if account is None:
        account = ChatAccount(channel=channel, external_id=external_id, created_at=now)
        session.add(account)
    before = account.person_id
    account.person_id = person_id
    account.linked_at = now
    if display_name:
        account.display_name = display_name[:255]
    session.flush()
    return account, before


@dataclass(frozen=True)
class ChatUser:
    """Who wrote a chat event: what the conversation needs of the person behind the account."""

    id: int
    name: str


def resolve(session: Session, channel: str, external_id: str) -> ChatUser | None:
    """The active person behind a chat account, or None when unlinked. Their roles come in the
    same statement and are remembered for the transaction (``permissions.roles_of``)."""
    rows = session.connection().execute(_RESOLVE, {"channel": channel, "external_id": external_id}).all()
    if not rows:
        return None
    who = ChatUser(rows[0].id, rows[0].name)
    remember_roles(session, who.id, [(r.unit_id, r.role) for r in rows if r.role is not None])
    return who


# Asked on every chat event: built once, run as Core (loading an ORM Person cost a tenth of an event).
_RESOLVE = (select(Person.id, Person.name, Membership.unit_id, Membership.role)
            .join(ChatAccount, ChatAccount.person_id == Person.id)
            .outerjoin(Membership, Membership.person_id == Person.id)
            .where(ChatAccount.channel == bindparam("channel"), ChatAccount.external_id == bindparam("external_id"),
                   Person.active.is_(True))
            .order_by(Membership.id))

"""Web sign-in: passwords, one-time links from the chat, sessions, the CSRF token, the throttle.

The register keeps who may sign in; HTTP (cookies, forms, the Origin check) stays in admin_api.

- **Passwords** are hashed with argon2id (argon2-cffi, its current recommended parameters) and
  re-hashed on sign-in when those parameters change. Changing a password ends every session of
  that person.
- **Sessions**: the cookie holds a random 256-bit token; the register stores only its sha256, so a
  copy of the database signs nobody in. Sessions end at ``SESSION_TTL`` or on sign-out.
- **CSRF**: each session's form token is derived from the session token
  (``sha256("csrf:" + token)``): nothing to store, nothing an attacker without the cookie can
  compute; :func:`csrf_ok` compares it in constant time.
- **Throttle**: failed sign-ins are counted per username and per client address over the last
  ``THROTTLE_WINDOW`` in the database (every server process sees the same count); past the limit
  the password is not even checked, so guessing costs the attacker the window, not our CPU.
- **Events**: setting a password, signing in and signing out are events. A failed attempt is not
  (anyone on the internet could lengthen the chain); it is a row of ``sign_in_failures`` that
  :func:`purge_failures` removes after a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import InvalidInput
from registry.events import Actor, append_event
from registry.models import Credential, Membership, Person, SignInFailure, SignInLink, WebSession
from registry.units import get_person

SESSION_TTL = dt.timedelta(hours=12)  # a working day; signing in again each morning is expected
LINK_TTL = dt.timedelta(minutes=10)
MAX_LINKS_PER_TTL = 3  # sign-in links a person can be sent in LINK_TTL (each one is a chat message)
# The bootstrap token's web session is short: it exists to create the first admin account.
BOOTSTRAP_TTL = dt.timedelta(hours=2)
THROTTLE_WINDOW = dt.timedelta(minutes=1)
MAX_FAILURES_PER_ACCOUNT = 10
MAX_FAILURES_PER_ADDRESS = 30  # an office behind one NAT address signs in many people
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")

_hasher = PasswordHasher()
# A hash to verify against when the username is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class SignedIn:
    token: str  # for the cookie; never stored
    person_id: int | None  # None: the bootstrap admin token
    expires_at: dt.datetime


@dataclass(frozen=True)
class SignInResult:
    """``signed_in`` on success; otherwise ``refusal`` is the Thai text to show."""

    signed_in: SignedIn | None = None
    refusal: str | None = None


WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาลองใหม่ค่ะ"
THROTTLED = "ลงชื่อเข้าใช้ไม่สำเร็จหลายครั้งเกินไป กรุณารอสักหนึ่งนาทีแล้วลองใหม่ค่ะ"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_username(username: str) -> str:
    return username.strip().lower()


# --- passwords -------------------------------------------------------------------------------------

def set_password(session: Session, person_id: int, password: str, *, username: str | None = None, actor: Actor,
                 clock: Clock = SYSTEM_CLOCK) -> Credential:
    """Give *person_id* a password (and a username: the given one, else the one they have). Ends
    every web session of theirs. InvalidInput (Thai) for a weak password or a taken username."""
    now = clock.now()
    person = get_person(session, person_id)
    if not person.active:
        raise InvalidInput("person", f"{person.name} ไม่ได้ใช้งานระบบแล้ว")
    cred = session.get(Credential, person_id)
    name = normalise_username(username) if username is not None else (cred.username if cred else None)
    if name is None:
        raise InvalidInput("username", "กรุณากำหนดชื่อผู้ใช้ (ตัวอักษรอังกฤษพิมพ์เล็ก ตัวเลข . _ - ยาว 3-64 ตัว)")
    if not USERNAME.match(name):
        raise InvalidInput("username", "ชื่อผู้ใช้ต้องเป็นตัวอักษรอังกฤษพิมพ์เล็ก ตัวเลข . _ หรือ - ยาว 3-64 ตัว")
    _check_password(password, name)
    taken = session.execute(select(Credential.person_id).where(Credential.username == name)).scalar()
    if taken is not None and taken != person_id:
        raise InvalidInput("username", f"ชื่อผู้ใช้ {name} มีผู้ใช้แล้ว")
    hashed = _hasher.hash(password)
    if cred is None:
        cred = Credential(person_id=person_id, username=name, password_hash=hashed, changed_at=now)
        session.add(cred)
    else:
        cred.username, cred.password_hash, cred.changed_at = name, hashed, now
    ended = end_sessions(session, person_id, at=now)
    append_event(session, kind="person.password_set", entity="person", entity_id=person_id, actor=actor, at=now,
                 data={"username": name, "sessions_ended": ended})
    return cred


def _check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร")
    if len(password) > 1024:
        raise InvalidInput("password", "รหัสผ่านยาวเกินไป")
    if len(set(password)) < 4 or username in password.lower():
        raise InvalidInput("password", "รหัสผ่านนี้เดาง่ายเกินไป กรุณาตั้งรหัสผ่านที่ไม่มีชื่อผู้ใช้และไม่ซ้ำตัวเดิม")


def sign_in(session: Session, username: str, password: str, *, address: str,
            clock: Clock = SYSTEM_CLOCK) -> SignInResult:
    """Check a username and password. On success a new session (an event); on failure a row in
    ``sign_in_failures`` — so the caller commits in both cases — and a Thai refusal that does not
    say which of the two was wrong."""
    now = clock.now()
    refusal, cred = _verify(session, username, password, address=address, now=now)
    if cred is None:
        return SignInResult(refusal=refusal)
    return SignInResult(signed_in=_open_session(session, cred.person_id, via="password", now=now,
                                                data={"username": cred.username}))


def check_password(session: Session, person_id: int, password: str, *, address: str,
                   clock: Clock = SYSTEM_CLOCK) -> str | None:
    """None when *password* is the person's own (throttled like a sign-in, no session opened);
    otherwise the Thai refusal (the caller commits: a failure is counted)."""
    username = username_of(session, person_id) or f"(person-{person_id})"
    refusal, cred = _verify(session, username, password, address=address, now=clock.now())
    return refusal if cred is None else None


def username_of(session: Session, person_id: int) -> str | None:
    cred = session.get(Credential, person_id)
    return cred.username if cred is not None else None


def _verify(session: Session, username: str, password: str, *, address: str,
            now: dt.datetime) -> tuple[str | None, Credential | None]:
    """(None, credential) for the right password of an active person; else (refusal, None) and a
    failure row. Past the throttle the password is not even checked."""
    name = normalise_username(username)[:64]
    if throttled(session, name, address, now=now):
        record_failure(session, name, address, now=now)
        return THROTTLED, None
    row = session.execute(select(Credential, Person.active).join(Person, Person.id == Credential.person_id)
                          .where(Credential.username == name)).first()
    stored = row.Credential.password_hash if row is not None and row.Credential.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
        good = row is not None and row.active and stored is not _DUMMY_HASH
    except (VerificationError, InvalidHashError):
        good = False
    if not good:
        record_failure(session, name, address, now=now)
        return WRONG, None
    cred = row.Credential
    if _hasher.check_needs_rehash(cred.password_hash):
        cred.password_hash = _hasher.hash(password)
    return None, cred


def throttled(session: Session, username: str, address: str, *, now: dt.datetime) -> bool:
    """True past MAX_FAILURES_PER_ACCOUNT for *username* or MAX_FAILURES_PER_ADDRESS for *address*
    in the last THROTTLE_WINDOW: the secret offered is then not even checked."""
    since = now - THROTTLE_WINDOW
    by_account = session.scalar(select(func.count()).select_from(SignInFailure)
                                .where(SignInFailure.username == normalise_username(username)[:64],
                                       SignInFailure.at > since))
    by_address = session.scalar(select(func.count()).select_from(SignInFailure)
                                .where(SignInFailure.address == address[:64], SignInFailure.at > since))
    return by_account >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS


def record_failure(session: Session, username: str, address: str, *, now: dt.datetime) -> None:
    session.add(SignInFailure(username=normalise_username(username)[:64], address=address[:64], at=now))


def purge_failures(session: Session, *, clock: Clock = SYSTEM_CLOCK) -> int:
    """Forget failed attempts older than a day (the throttle looks back one minute)."""
    return session.execute(delete(SignInFailure).where(SignInFailure.at < clock.now() - dt.timedelta(days=1))).rowcount


# --- one-time links from the chat --------------------------------------------------------------------

def issue_sign_in_link(session: Session, person_id: int, *, clock: Clock = SYSTEM_CLOCK) -> str:
    """A one-time token for ``/admin/signin/<token>``, valid ``LINK_TTL``; the caller sends it to
    the person's own linked chat (which is the proof of who they are)."""
    now = clock.now()
    person = get_person(session, person_id)
    if not person.active:
        raise InvalidInput("person", f"{person.name} ไม่ได้ใช้งานระบบแล้ว")
    token = secrets.token_urlsafe(32)
    session.add(SignInLink(token_hash=_digest(token), person_id=person_id, created_at=now, expires_at=now + LINK_TTL))
    session.flush()
    return token


def use_sign_in_link(session: Session, token: str, *, clock: Clock = SYSTEM_CLOCK) -> SignedIn | None:
    """Spend a sign-in link: a new session, or None when it is unknown, used or expired."""
    now = clock.now()
    link = session.execute(select(SignInLink).where(SignInLink.token_hash == _digest(token))
                           .with_for_update()).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    person = session.get(Person, link.person_id)
    if person is None or not person.active:
        return None
    link.used_at = now
    return _open_session(session, person.id, via="chat_link", now=now, data={"sign_in_link_id": link.id})


# --- sessions --------------------------------------------------------------------------------------

def _open_session(session: Session, person_id: int, *, via: str, now: dt.datetime, data: dict) -> SignedIn:
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=_digest(token), person_id=person_id, via=via, created_at=now,
                     expires_at=now + SESSION_TTL)
    session.add(row)
    session.flush()
    append_event(session, kind="web.signed_in", entity="person", entity_id=person_id, actor=Actor(person_id, "web"),
                 at=now, data={"web_session_id": row.id, "via": via, **data})
    return SignedIn(token, person_id, row.expires_at)


@dataclass(frozen=True)
class Holder:
    """Who holds a live web session: a person, or (person_id None) the bootstrap admin token."""

    person_id: int | None
    session_id: int
    via: str


def session_holder(session: Session, token: str | None, *, clock: Clock = SYSTEM_CLOCK) -> Holder | None:
    """The holder of a live session token, or None (unknown, expired, ended, person inactive, or a
    bootstrap session once a real admin can sign in)."""
    if not token or len(token) > 128:
        return None
    row = session.execute(
        select(WebSession.id, WebSession.person_id, WebSession.via, Person.active)
        .outerjoin(Person, Person.id == WebSession.person_id)
        .where(WebSession.token_hash == _digest(token), WebSession.revoked_at.is_(None),
               WebSession.expires_at > clock.now())).first()
    if row is None:
        return None
    if row.person_id is None:
        if row.via != "bootstrap" or admin_can_sign_in(session):
            return None
    elif not row.active:
        return None
    return Holder(row.person_id, row.id, row.via)


def open_bootstrap_session(session: Session, *, clock: Clock = SYSTEM_CLOCK) -> SignedIn | None:
    """A web session for whoever holds SARABAN_ADMIN_TOKEN (the caller has checked it), so the first
    admin can set up the organisation; None once a real admin can sign in with a password."""
    if admin_can_sign_in(session):
        return None
    now = clock.now()
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=_digest(token), person_id=None, via="bootstrap", created_at=now,
                     expires_at=now + BOOTSTRAP_TTL)
    session.add(row)
    session.flush()
    append_event(session, kind="web.signed_in", entity="system", entity_id=None, actor=Actor(None, "web"),
                 at=now, data={"web_session_id": row.id, "via": "bootstrap"})
    return SignedIn(token, None, row.expires_at)


def links_sent_recently(session: Session, person_id: int, *, clock: Clock = SYSTEM_CLOCK) -> int:
    """How many sign-in links the person was sent in the last ``LINK_TTL`` (the request is throttled)."""
    return session.scalar(select(func.count()).select_from(SignInLink).where(
        SignInLink.person_id == person_id, SignInLink.created_at > clock.now() - LINK_TTL)) or 0


def person_by_username(session: Session, username: str) -> int | None:
    """The active person with this username, or None."""
    return session.execute(select(Credential.person_id).join(Person, Person.id == Credential.person_id)
                           .where(Credential.username == normalise_username(username)[:64],
                                  Person.active.is_(True))).scalar()


def session_person(session: Session, token: str | None, *, clock: Clock = SYSTEM_CLOCK) -> int | None:
    """The active person a session token belongs to, or None (unknown, expired, ended)."""
    if not token or len(token) > 128:
        return None
    row = session.execute(select(WebSession.person_id).join(Person, Person.id == WebSession.person_id)
                          .where(WebSession.token_hash == _digest(token), WebSession.revoked_at.is_(None),
                                 WebSession.expires_at > clock.now(), Person.active.is_(True))).first()
    return None if row is None else row.person_id


def sign_out(session: Session, token: str, *, clock: Clock = SYSTEM_CLOCK) -> bool:
    """End the session; False when it was not a live one."""
    now = clock.now()
    row = session.execute(select(WebSession).where(WebSession.token_hash == _digest(token),
                                                   WebSession.revoked_at.is_(None))).scalar_one_or_none()
    if row is None:
        return False
    row.revoked_at = now
    append_event(session, kind="web.signed_out", entity="person" if row.person_id else "system", entity_id=row.person_id,
                 actor=Actor(row.person_id, "web"), at=now, data={"web_session_id": row.id})
    return True


def end_sessions(session: Session, person_id: int, *, at: dt.datetime) -> int:
    """End every live session of a person (password change, deactivation); how many ended."""
    return session.execute(update(WebSession).where(WebSession.person_id == person_id,
                                                    WebSession.revoked_at.is_(None), WebSession.expires_at > at)
                           .values(revoked_at=at)).rowcount


def csrf_token(session_token: str) -> str:
    """The form token of the session whose cookie holds *session_token*."""
    return hashlib.sha256(("csrf:" + session_token).encode()).hexdigest()


def csrf_ok(session_token: str | None, given: str | None) -> bool:
    return bool(session_token and given) and hmac.compare_digest(csrf_token(session_token), given)


def admin_can_sign_in(session: Session) -> bool:
    """True once some active admin has a password: from then on the bootstrap token
    (SARABAN_ADMIN_TOKEN) signs nobody in on the web (it stays for scripts)."""
    return session.execute(
        select(Credential.person_id).join(Person, Person.id == Credential.person_id)
        .join(Membership, Membership.person_id == Credential.person_id)
        .where(Membership.role == "admin", Person.active.is_(True), Credential.password_hash.is_not(None))
        .limit(1)).first() is not None

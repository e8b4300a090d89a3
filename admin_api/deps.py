"""Dependencies shared by every route: the session, the signed-in principal, role checks (one place)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.events import Actor
from registry.models import ApiToken, Person
from registry.permissions import roles_of
from registry.runtime import Runtime

from admin_api.web_session import SESSION_COOKIE, principal_for_session

_bearer = HTTPBearer(auto_error=False, description="Bearer token (SARABAN_ADMIN_TOKEN หรือโทเคนของผู้ใช้)")
# A signed-in browser may also *read* the API with its session cookie (the pages link downloads such as
# exports and attachments to it); it never writes through the API with the cookie (no CSRF token there).
SAFE_METHODS = frozenset({"GET", "HEAD"})


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A session whose transaction commits when the route returns without error."""
    with runtime.transaction() as session:
        yield session


# scope="function": the transaction commits before the response is sent, so a 201 means written.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person (with roles per unit) or the bootstrap admin token (person None)."""

    person_id: int | None
    roles: tuple[tuple[int, str], ...]
    is_admin: bool

    channel: str = "api"

    @property
    def actor(self) -> Actor:
        return Actor(self.person_id, self.channel)

    def has(self, *roles: str) -> bool:
        return self.is_admin or any(r in roles for _, r in self.roles)

    def units_with(self, *roles: str) -> list[int]:
        return sorted({u for u, r in self.roles if r in roles})

    @property
    def oversees_all(self) -> bool:
        """Admins and auditors see every unit's register (auditors read, never change)."""
        return self.has("admin", "auditor")


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token, as stored (one definition: ``registry.admin.hash_token``)."""
    from registry.admin import hash_token as stored_form

    return stored_form(token)


def get_principal(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    token = credentials.credentials if credentials is not None else None
    if token:
        principal = principal_for_token(request, runtime, token, channel="api")
    elif request.method in SAFE_METHODS and request.cookies.get(SESSION_COOKIE):
        principal = principal_for_session(runtime, request.cookies.get(SESSION_COOKIE))
    else:
        raise HTTPException(401, "กรุณาเข้าสู่ระบบ (ต้องมี Bearer token)", headers={"WWW-Authenticate": "Bearer"})
    if principal is None:
        raise HTTPException(401, "โทเคนไม่ถูกต้องหรือถูกยกเลิกแล้ว", headers={"WWW-Authenticate": "Bearer"})
    return principal


def principal_for_token(request: Request, runtime: Runtime, token: str, *, channel: str = "api") -> Principal | None:
    """The principal a token stands for, or None (bootstrap admin token, or a person's stored hash)."""
    bootstrap = getattr(request.app.state, "admin_token", None)
    if bootstrap is not None and _same(token, bootstrap.get_secret_value()):
        return Principal(None, (), True, channel)
    with runtime.read() as session:
        row = session.execute(
            select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
        ).scalar_one_or_none()
        if row is None:
            return None
        person = session.get(Person, row.person_id)
        if person is None or not person.active:
            return None
        roles = tuple(roles_of(session, row.person_id))
    return Principal(row.person_id, roles, any(r == "admin" for _, r in roles), channel)


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str):
    """A dependency that lets through only principals holding one of *roles* (admin always)."""

    def check(principal: PrincipalDep) -> Principal:
        if not principal.has(*roles):
            raise HTTPException(403, "ขออภัย ท่านไม่มีสิทธิ์ใช้งานส่วนนี้")
        return principal

    return check


CurrentAdmin = Annotated[Principal, Depends(require_roles("admin"))]
# Who may read audits and reports (auditors read everything, change nothing but their audits).
Overseer = Annotated[Principal, Depends(require_roles("admin", "auditor"))]
# Who may act on letters: registry services check the unit; an auditor never gets this far.
Actor_ = Annotated[Principal, Depends(require_roles("clerk", "owner", "head", "admin"))]


def may_see_unit(session: Session, principal: Principal, unit_id: int) -> bool:
    """Admins and auditors see every unit; staff their own units and those below them."""
    if principal.oversees_all or principal.person_id is None:
        return True
    from registry.permissions import has_role

    return has_role(session, principal.person_id, unit_id, ("clerk", "owner", "head"))

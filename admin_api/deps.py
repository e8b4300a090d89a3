"""Dependencies shared by every route: the session, the signed-in principal, and the gates that ask
registry/access.py (the one access rule) whether the caller may use a route at all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import access
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

    @classmethod
    def of(cls, person_id: int, roles: tuple[tuple[int, str], ...], channel: str) -> Principal:
        """A person with these (unit, role) pairs; whether they are an admin is the access rule's answer."""
        return cls(person_id, roles, access.granted_by(roles, access.ADMIN), channel)

    @property
    def actor(self) -> Actor:
        return Actor(self.person_id, self.channel)

    def may(self, capability: str) -> bool:
        """May the caller do *capability* (``registry.access.GRANTS``) anywhere? A gate for routes and
        menus; a question about one unit or letter goes through :meth:`viewer`."""
        if self.person_id is None:  # the bootstrap admin token (nothing else comes without a person)
            return self.is_admin
        return access.granted_by(self.roles, capability)

    def units_for(self, capability: str) -> list[int] | None:
        """The units where the caller's own roles grant *capability* (None: every unit, for overseers)."""
        return None if self.oversees_all else access.units_granted(self.roles, capability)

    @property
    def oversees_all(self) -> bool:
        """Admins and auditors see every unit's register (auditors read, never change)."""
        return self.may(access.OVERSEE)

    def viewer(self, session: Session, at) -> access.Viewer:
        """The caller as the access rule sees them at *at* (units below, clearance, delegation)."""
        if self.person_id is None and not self.is_admin:
            return access.NOBODY
        return access.viewer(session, self.person_id, at)


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
    return Principal.of(row.person_id, roles, channel)


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def allowed(capability: str):
    """A dependency that lets through only callers who may do *capability* somewhere (access.GRANTS)."""

    def check(principal: PrincipalDep) -> Principal:
        if not principal.may(capability):
            raise HTTPException(403, "ขออภัย ท่านไม่มีสิทธิ์ใช้งานส่วนนี้")
        return principal

    return check


CurrentAdmin = Annotated[Principal, Depends(allowed(access.ADMIN))]
# Who may read audits and reports (auditors read everything, change nothing but their audits).
Overseer = Annotated[Principal, Depends(allowed(access.OVERSEE))]
# Who may act on letters: registry services check the unit; an auditor never gets this far.
Actor_ = Annotated[Principal, Depends(allowed(access.ACT))]


def get_viewer(session: SessionDep, runtime: RuntimeDep, principal: PrincipalDep) -> access.Viewer:
    return principal.viewer(session, runtime.clock.now())


ViewerDep = Annotated[access.Viewer, Depends(get_viewer)]


"""Dependencies shared by every route: the session, the signed-in principal, role checks (one place)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.events import Actor
from registry.models import ApiToken
from registry.permissions import roles_of
from registry.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="Bearer token (SARABAN_ADMIN_TOKEN หรือโทเคนของผู้ใช้)")


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

    @property
    def actor(self) -> Actor:
        return Actor(self.person_id, "api")

    def has(self, *roles: str) -> bool:
        return self.is_admin or any(r in roles for _, r in self.roles)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def get_principal(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise HTTPException(401, "กรุณาเข้าสู่ระบบ (ต้องมี Bearer token)", headers={"WWW-Authenticate": "Bearer"})
    token = credentials.credentials
    bootstrap = getattr(request.app.state, "admin_token", None)
    if bootstrap is not None and _same(token, bootstrap.get_secret_value()):
        return Principal(None, (), True)
    with runtime.read() as session:
        row = session.execute(
            select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
        ).scalar_one_or_none()
        if row is None:
            raise HTTPException(401, "โทเคนไม่ถูกต้องหรือถูกยกเลิกแล้ว", headers={"WWW-Authenticate": "Bearer"})
        roles = tuple(roles_of(session, row.person_id))
    return Principal(row.person_id, roles, any(r == "admin" for _, r in roles))


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

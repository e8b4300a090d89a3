"""The admin app over the test database, and bearer tokens for the demo people."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from registry.events import Actor

ADMIN_TOKEN = "bootstrap-admin-token-for-tests"
SYSTEM = Actor(None, "test")


@pytest.fixture
def app(database_url, runtime):
    from saraban.app import create_app
    from saraban.settings import Settings

    return create_app(Settings(database_url=database_url, admin_token=ADMIN_TOKEN, demo=True, run_worker=False),
                      runtime=runtime)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def token(runtime):
    """token(person_id) -> a fresh bearer token for that person (stored hashed, like the CLI does)."""
    from registry.admin import issue_token

    def make(person_id: int) -> str:
        with runtime.transaction() as s:
            _row, value = issue_token(s, person_id, actor=SYSTEM, label="test", clock=runtime.clock)
        return value

    return make


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


ADMIN = bearer(ADMIN_TOKEN)


def register(runtime, unit_id: int, *, subject: str = "เรื่องทดสอบ", secrecy: str | None = None,
             received_at: dt.datetime | None = None, ref_no: str | None = "มท 0808.2/ว 1095",
             sender: str | None = "กรมส่งเสริมการปกครองท้องถิ่น", priority: str = "normal",
             letter_date: dt.date | None = dt.date(2026, 2, 27)) -> tuple[int, int]:
    """(letter id, registration id) of a newly registered incoming letter."""
    from registry.commands import RegisterIncoming
    from registry.intake import register_incoming

    with runtime.transaction() as s:
        reg = register_incoming(s, RegisterIncoming(unit_id=unit_id, subject=subject, secrecy=secrecy, ref_no=ref_no,
                                                    sender=sender, addressee="ปลัดกระทรวงมหาดไทย", priority=priority,
                                                    letter_date=letter_date, received_at=received_at),
                                actor=SYSTEM, clock=runtime.clock)
    return reg.letter_id, reg.registration_id


def forward_to(runtime, letter_id: int, person_id: int, *, role: str = "principal") -> int:
    from registry.assignments import forward
    from registry.commands import Forward, Recipient

    with runtime.transaction() as s:
        done = forward(s, Forward(letter_id, (Recipient(person_id=person_id, role=role),)), actor=SYSTEM,
                       clock=runtime.clock)
    return done.assignment_ids[0]


def acknowledge(runtime, assignment_id: int, person_id: int) -> None:
    from registry.assignments import acknowledge as ack

    with runtime.transaction() as s:
        ack(s, assignment_id, actor=Actor(person_id, "test"), clock=runtime.clock)


def person_named(runtime, name_part: str) -> int:
    from sqlalchemy import select

    from registry.models import Person

    with runtime.read() as s:
        return s.execute(select(Person.id).where(Person.name.contains(name_part))).scalar_one()


def events_of(runtime, kind: str) -> list:
    from sqlalchemy import select

    from registry.models import Event

    with runtime.read() as s:
        return list(s.execute(select(Event).where(Event.kind == kind).order_by(Event.seq)).scalars())

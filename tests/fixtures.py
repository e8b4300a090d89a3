"""Helpers to name demo units and people in tests by what they are, not by id."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from registry.demo import load_demo, load_holidays
from registry.models import Membership, Person, Unit


@dataclass
class DemoOrg:
    units: dict[str, int]  # code → id
    people: dict[str, int]  # role@code → first person id with that role
    names: dict[int, str]

    def unit(self, code: str) -> int:
        return self.units[code]

    def person(self, role: str, code: str = "มท 0201") -> int:
        return self.people[f"{role}@{code}"]


def load_demo_org(runtime) -> DemoOrg:
    with runtime.transaction() as session:
        load_holidays(session)
        load_demo(session, clock=runtime.clock)
    with runtime.read() as session:
        units = {u.code: u.id for u in session.execute(select(Unit)).scalars()}
        people: dict[str, int] = {}
        for m in session.execute(select(Membership).order_by(Membership.person_id)).scalars():
            people.setdefault(f"{m.role}@{m.unit.code}", m.person_id)
        names = {p.id: p.name for p in session.execute(select(Person)).scalars()}
    return DemoOrg(units, people, names)

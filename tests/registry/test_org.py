"""The registry side of the organisation pages: unit codes, who may manage, the writers' own checks."""

from __future__ import annotations

import datetime as dt

import pytest

from registry import access, org
from registry.admin import UnitFields, create_unit, normalise_unit_code
from registry.errors import InvalidInput, PermissionDenied
from registry.events import Actor
from registry.models import Delegation

SYSTEM = Actor(None, "test")


@pytest.mark.parametrize("typed, stored", [
    ("มท 0201", "มท 0201"), ("มท0201.2", "มท 0201.2"), (" มท   ๐๒๐๑.๒ ", "มท 0201.2"), ("มท", "มท"),
    ("รย 0017", "รย 0017"), ("อว 0640.12", "อว 0640.12"),
])
def test_unit_codes_are_normalised(typed, stored):
    assert normalise_unit_code(typed) == stored


@pytest.mark.parametrize("typed", ["0201", "MT 0201", "มท 02a1", "มทมท 0201", "มท 0201.", "มท 1", "มท-0201"])
def test_malformed_unit_codes_are_refused_in_thai(typed):
    with pytest.raises(InvalidInput) as e:
        normalise_unit_code(typed)
    assert "เช่น มท 0201" in e.value.message_th


def test_only_admins_manage_and_acting_for_one_does_not_count(runtime, demo):
    admin, clerk = demo.person("admin", "มท 02"), demo.person("clerk")
    now = runtime.clock.now()
    with runtime.transaction() as s:
        s.add(Delegation(principal_id=admin, delegate_id=clerk, starts_at=now - dt.timedelta(hours=1),
                         ends_at=now + dt.timedelta(hours=1)))
    with runtime.read() as s:
        assert access.may_administer(access.viewer(s, admin, now))
        assert access.may_administer(access.SYSTEM)
        for role, code in (("clerk", "มท 0201"), ("head", "มท 0201"), ("auditor", "มท 02"), ("owner", "มท 0201")):
            assert not access.may_administer(access.viewer(s, demo.person(role, code), now)), role


def test_the_writers_check_the_actor_themselves(runtime, demo):
    clerk = Actor(demo.person("clerk"), "test")
    with runtime.transaction() as s:
        with pytest.raises(PermissionDenied):
            org.deactivate_unit(s, demo.unit("มท 0209"), actor=clerk, clock=runtime.clock)
        with pytest.raises(PermissionDenied):
            org.set_person_active(s, demo.person("owner"), False, actor=clerk, clock=runtime.clock)
        with pytest.raises(PermissionDenied):
            org.move_person(s, demo.person("owner"), demo.unit("มท 0201"), demo.unit("มท 0202"), actor=clerk,
                            clock=runtime.clock)


def test_a_move_onto_a_role_already_held_keeps_one(runtime, demo):
    from registry.admin import grant_role
    from registry.permissions import roles_of

    owner, kk, kc = demo.person("owner"), demo.unit("มท 0201"), demo.unit("มท 0202")
    with runtime.transaction() as s:
        grant_role(s, owner, kc, "owner", actor=SYSTEM, clock=runtime.clock)
        assert org.move_person(s, owner, kk, kc, actor=SYSTEM, clock=runtime.clock) == ["owner"]
    with runtime.read() as s:
        assert roles_of(s, owner) == [(kc, "owner")]


def test_a_closed_unit_is_left_out_of_the_active_tree_but_kept(runtime, demo):
    with runtime.transaction() as s:
        unit = create_unit(s, UnitFields(code="มท 0299", name="กองทดสอบ", parent_id=demo.unit("มท 02")),
                           actor=SYSTEM, clock=runtime.clock).id
        org.deactivate_unit(s, unit, actor=SYSTEM, clock=runtime.clock)
    today = runtime.clock.now().date()
    with runtime.read() as s:
        rows = {r.unit.id: r for r in org.unit_tree(s, on=today)}
        assert not rows[unit].active and rows[unit].depth == 2
        assert rows[demo.unit("มท 0201")].active
    with runtime.transaction() as s, pytest.raises(InvalidInput) as e:
        from registry.admin import grant_role

        grant_role(s, demo.person("owner"), unit, "clerk", actor=SYSTEM, clock=runtime.clock)
    assert "ปิดการใช้งานแล้ว" in e.value.message_th
    with runtime.transaction() as s:  # the same code may then be given to a new unit
        create_unit(s, UnitFields(code="มท 0299", name="กองทดสอบใหม่"), actor=SYSTEM, clock=runtime.clock)


def test_init_does_not_bring_back_a_holiday_the_admin_removed(runtime, demo):
    from registry.admin import add_holiday, remove_holiday
    from registry.demo import load_holidays
    from registry.models import Holiday

    new_year, songkran = dt.date(2026, 1, 1), dt.date(2026, 4, 13)
    with runtime.transaction() as s:
        assert s.get(Holiday, new_year) is not None and s.get(Holiday, songkran) is not None
        remove_holiday(s, new_year, actor=SYSTEM, clock=runtime.clock)
        remove_holiday(s, songkran, actor=SYSTEM, clock=runtime.clock)
        add_holiday(s, songkran, "วันสงกรานต์ (ตั้งใหม่)", actor=SYSTEM, clock=runtime.clock)
        remove_holiday(s, songkran, actor=SYSTEM, clock=runtime.clock)
        add_holiday(s, songkran, "วันสงกรานต์", actor=SYSTEM, clock=runtime.clock)
    with runtime.transaction() as s:  # what `saraban init` does after an upgrade
        assert load_holidays(s) == 0
    with runtime.read() as s:
        assert s.get(Holiday, new_year) is None
        assert s.get(Holiday, songkran).name == "วันสงกรานต์"

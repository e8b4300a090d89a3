"""The one access rule (registry/access.py): viewers × letters, the predicate and the SQL condition
give the same answer, and that answer is the one the regulation asks for."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry import access
from registry.assignments import forward
from registry.commands import Forward, Recipient, RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Delegation, Letter

SYSTEM = Actor(None, "test")

# letter key → (unit code, class, forwarded to: ("person", role@code) | ("unit", code) | None)
LETTERS = {
    "kk": ("มท 0201", None, None),
    "kk_conf": ("มท 0201", "confidential", None),
    "kk_secret": ("มท 0201", "secret", None),
    "kk_top": ("มท 0201", "top_secret", None),
    "child": ("มท 0201.2", None, None),
    "child_secret": ("มท 0201.2", "secret", None),
    "other": ("มท 0202", None, None),
    "other_secret_to_owner": ("มท 0202", "secret", ("person", "วิภาวดี")),
    "other_to_kk": ("มท 0202", None, ("unit", "มท 0201")),
}

# viewer → {letter: "" (not seen) | "s" (seen, content withheld) | "r" (seen and read)}; letters
# left out are not seen. The demo organisation: กองกลาง (มท 0201) has ฝ่ายสารบรรณ (มท 0201.2) below it.
EXPECTED = {
    # clerk of กองกลาง and its ฝ่ายสารบรรณ, cleared for ลับ only
    "clerk": {"kk": "r", "kk_conf": "r", "kk_secret": "s", "kk_top": "s", "child": "r", "child_secret": "s",
              "other_to_kk": "r"},
    # owner of กองกลาง without clearance; a ลับมาก letter forwarded to her she reads
    "owner_uncleared": {"kk": "r", "kk_conf": "s", "kk_secret": "s", "kk_top": "s", "child": "r",
                        "child_secret": "s", "other_secret_to_owner": "r", "other_to_kk": "r"},
    "head": {"kk": "r", "kk_conf": "r", "kk_secret": "r", "kk_top": "r", "child": "r", "child_secret": "r",
             "other_to_kk": "r"},
    "admin": {k: "r" for k in LETTERS},
    "auditor": {**{k: "r" for k in LETTERS}, "kk_top": "s"},  # cleared for ลับมาก, not ลับที่สุด
    # clerk of กองคลัง: its own letters; the ลับมาก one it sent to กองกลาง it sees but does not read
    "other_unit": {"other": "r", "other_secret_to_owner": "s", "other_to_kk": "r"},
    # a Rayong clerk acting for the head of กองกลาง (รักษาราชการแทน): the head's view for the period
    "acting_for_head": {"kk": "r", "kk_conf": "r", "kk_secret": "r", "kk_top": "r", "child": "r",
                        "child_secret": "r", "other_to_kk": "r"},
    # a Chiang Mai clerk whose delegation for the owner ended yesterday: nothing of กองกลาง
    "acting_expired": {},
}


@pytest.fixture
def world(runtime, demo):
    letters: dict[str, int] = {}
    names = {name: pid for pid, name in demo.names.items()}

    def person(fragment: str) -> int:
        return next(pid for name, pid in names.items() if fragment in name)

    with runtime.transaction() as s:
        for key, (code, secrecy, to) in LETTERS.items():
            done = register_incoming(s, RegisterIncoming(unit_id=demo.unit(code), subject=f"เรื่อง {key}",
                                                         ref_no=f"มท 0000/{len(letters) + 1}", sender="สถ.",
                                                         secrecy=secrecy), actor=SYSTEM, clock=runtime.clock)
            letters[key] = done.letter_id
            if to is not None:
                recipient = (Recipient(person_id=person(to[1])) if to[0] == "person"
                             else Recipient(unit_id=demo.unit(to[1])))
                forward(s, Forward(done.letter_id, (recipient,)), actor=SYSTEM, clock=runtime.clock)
        now = runtime.clock.now()
        day = dt.timedelta(days=1)
        s.add(Delegation(principal_id=person("ประเสริฐ"), delegate_id=person("อรุณี"), starts_at=now - day,
                         ends_at=now + day))
        s.add(Delegation(principal_id=person("วิภาวดี"), delegate_id=person("สุรชัย"), starts_at=now - 3 * day,
                         ends_at=now - day))
    viewers = {
        "clerk": person("สมใจ"), "owner_uncleared": person("วิภาวดี"), "head": person("ประเสริฐ"),
        "admin": demo.person("admin", "มท 02"), "auditor": demo.person("auditor", "มท 02"),
        "other_unit": person("ธนา"), "acting_for_head": person("อรุณี"), "acting_expired": person("สุรชัย"),
    }
    return letters, viewers


@pytest.mark.parametrize("who", EXPECTED)
def test_predicate_and_sql_agree_with_the_rule(runtime, world, who):
    letters, viewers = world
    ours = set(letters.values())
    with runtime.read() as s:
        v = access.viewer(s, viewers[who], runtime.clock.now())
        rows = {letter.id: letter for letter in s.execute(select(Letter)).unique().scalars()}
        seen_sql = set(s.execute(select(Letter.id).where(access.visible(v))).scalars()) & ours
        read_sql = set(s.execute(select(Letter.id).where(access.readable(v))).scalars()) & ours
        seen = {i for i in ours if access.may_see(v, rows[i])}
        read = {i for i in ours if access.may_read(v, rows[i])}
    expected_seen = {letters[k] for k, mark in EXPECTED[who].items() if mark}
    expected_read = {letters[k] for k, mark in EXPECTED[who].items() if mark == "r"}
    by_id = {i: k for k, i in letters.items()}
    assert sorted(by_id[i] for i in seen) == sorted(by_id[i] for i in expected_seen)
    assert sorted(by_id[i] for i in read) == sorted(by_id[i] for i in expected_read)
    assert seen_sql == seen and read_sql == read


def test_system_sees_and_reads_everything(runtime, world):
    letters, _ = world
    with runtime.read() as s:
        assert access.viewer(s, None, runtime.clock.now()) is access.SYSTEM
        ids = set(s.execute(select(Letter.id).where(access.readable(access.SYSTEM))).scalars())
    assert set(letters.values()) <= ids


def test_delegation_limited_to_a_unit_lends_only_that_unit(runtime, demo, world):
    letters, viewers = world
    with runtime.transaction() as s:  # the Rayong clerk also stands in for the กองคลัง clerk, for กองกลาง only
        now = runtime.clock.now()
        s.add(Delegation(principal_id=viewers["other_unit"], delegate_id=viewers["acting_for_head"],
                         unit_id=demo.unit("มท 0201"), starts_at=now - dt.timedelta(hours=1),
                         ends_at=now + dt.timedelta(hours=1)))
    with runtime.read() as s:
        v = access.viewer(s, viewers["acting_for_head"], runtime.clock.now())
        assert demo.unit("มท 0202") not in v.units
        assert not access.sees_unit(v, demo.unit("มท 0202")) and access.sees_unit(v, demo.unit("มท 0201.2"))


def test_withhold_is_the_secrecy_projection():
    values = {"id": 1, "ref_no": "มท 1/2", "subject": "ลับ", "sender": "ก", "priority": "urgent", "secrecy": "secret"}
    assert access.withhold(values, readable=True) == values
    hidden = access.withhold(values, readable=False)
    assert hidden == {"id": 1, "ref_no": None, "subject": None, "sender": None, "priority": "urgent",
                      "secrecy": "secret"}
    forward = {"purpose": "act", "instruction": "ดำเนินการเรื่องลับ", "return_reason": "ไม่ใช่งาน"}
    assert access.withhold(forward, readable=False, fields=access.WITHHELD_ASSIGNMENT) == {
        "purpose": "act", "instruction": None, "return_reason": None}


def test_unknown_class_fails_closed():
    assert access.class_rank("made_up") == access.CLEARANCE_RANK["top_secret"]
    assert access.class_rank(None) == 0

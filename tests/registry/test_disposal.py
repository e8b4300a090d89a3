"""Retention and disposal: a whole round (draft, verdicts, export rows, carry out) that leaves the
register complete and the chain verifying; nothing destroyed without a recorded verdict."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry import disposal
from registry.assignments import close_letter
from registry.commands import RegisterIncoming
from registry.completeness import check_books
from registry.errors import InvalidInput, PermissionDenied
from registry.events import Actor, verify_chain
from registry.intake import register_incoming
from registry.models import Attachment, Event, Letter, Registration

SYSTEM = Actor(None, "test")
LONG_AGO = dt.datetime(2020, 6, 2, 3, 0, tzinfo=dt.UTC)  # the demo units start in 2020


def _closed_letter(runtime, unit_id, *, retention="1y", subject="ขอเชิญประชุม", at=LONG_AGO) -> int:
    runtime.clock.set(at)
    with runtime.transaction() as s:
        done = register_incoming(s, RegisterIncoming(unit_id=unit_id, subject=subject, ref_no="มท 0808.2/ว 1",
                                                     sender="สถ.", retention=retention), actor=SYSTEM, clock=runtime.clock)
        close_letter(s, done.letter_id, actor=SYSTEM, clock=runtime.clock)
    return done.letter_id


@pytest.fixture
def unit(demo):
    return demo.unit("มท 0201")


@pytest.fixture
def committee(demo):
    return Actor(demo.person("head"), "web")


def test_round_trip_keeps_the_register_complete_and_the_chain_valid(runtime, demo, unit, committee, tmp_path):
    due = _closed_letter(runtime, unit, subject="เรื่องที่ต้องทำลาย")
    keep = _closed_letter(runtime, unit, subject="เรื่องที่เก็บต่อ")
    archive = _closed_letter(runtime, unit, subject="เรื่องสำคัญทางประวัติศาสตร์")
    held = _closed_letter(runtime, unit, subject="เรื่องที่อยู่ในคดี")
    young = _closed_letter(runtime, unit, retention="10y", at=dt.datetime(2024, 1, 5, tzinfo=dt.UTC))
    forever = _closed_letter(runtime, unit, retention="permanent")
    runtime.clock.set(dt.datetime(2025, 1, 10, 3, 0, tzinfo=dt.UTC))
    stored = runtime.attachments_dir / "f.pdf"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4 scan")
    with runtime.transaction() as s:
        s.add(Attachment(letter_id=due, sha256="0" * 64, size=13, content_type="application/pdf", filename="scan.pdf",
                         storage_path="f.pdf", created_at=runtime.clock.now()))
        disposal.set_legal_hold(s, held, True, "อยู่ระหว่างการสอบสวน", actor=committee, clock=runtime.clock)
        dlist = disposal.draft_list(s, unit, 2567, actor=committee, clock=runtime.clock)
        items = {i.letter_id: i.id for i in dlist.items}
        list_id = dlist.id
    assert set(items) == {due, keep, archive}  # not the held, the young or the permanent one

    with runtime.transaction() as s, pytest.raises(disposal.DisposalError, match="ยังไม่มีมติ"):
        disposal.carry_out(s, list_id, actor=committee, clock=runtime.clock)
    with runtime.transaction() as s:
        disposal.record_verdict(s, items[due], "destroy", actor=committee, clock=runtime.clock)
        disposal.record_verdict(s, items[keep], "keep", keep_years=5, note="ยังใช้อ้างอิง", actor=committee,
                                clock=runtime.clock)
        disposal.record_verdict(s, items[archive], "archive", actor=committee, clock=runtime.clock)
        letters = {i: s.get(Letter, i) for i in items}
        rows = disposal.list_rows(s.get(disposal.DisposalList, list_id), letters)
    assert [r[5] for r in rows] == ["ทำลาย", "เก็บไว้ต่อ 5 ปี", "ส่งหอจดหมายเหตุแห่งชาติ"]
    assert rows[0][4] == "เรื่องที่ต้องทำลาย" and len(rows[0]) == len(disposal.LIST_HEADERS)

    with runtime.transaction() as s:
        done = disposal.carry_out(s, list_id, actor=committee, clock=runtime.clock)
    assert done.destroyed == (due,) and done.kept == (keep,) and done.archived == (archive,)
    assert disposal.remove_files(runtime.attachments_dir, done.files) == 1 and not stored.exists()

    with runtime.read() as s:
        gone = s.get(Letter, due)
        assert gone.status == "destroyed" and gone.subject is None and gone.sender is None and gone.ref_no is None
        assert gone.search_text == "" and s.execute(select(Attachment).where(Attachment.letter_id == due)).first() is None
        assert s.execute(select(Registration).where(Registration.letter_id == due)).scalar_one().number == 1
        assert s.get(Letter, archive).status == "archived" and s.get(Letter, archive).subject
        assert s.get(Letter, keep).retain_until.year == 2026 and s.get(Letter, keep).status == "closed"
        assert verify_chain(s).ok
        assert all(r.ok for r in check_books(s, unit_id=unit))
        timeline = s.execute(select(Event.kind).where(Event.entity == "letter", Event.entity_id == due)).scalars().all()
        assert timeline[-1] == "letter.destroyed"
    with runtime.transaction() as s, pytest.raises(disposal.DisposalError, match="ดำเนินการไปแล้ว"):
        disposal.carry_out(s, list_id, actor=committee, clock=runtime.clock)
    with runtime.transaction() as s:  # next year's draft: the kept letter is not due until 2569
        nxt = disposal.draft_list(s, unit, 2568, actor=committee, clock=runtime.clock)
        assert [i.letter_id for i in nxt.items] == []


def test_bad_verdicts_and_wrong_people_are_refused(runtime, demo, unit, committee):
    letter = _closed_letter(runtime, unit)
    runtime.clock.set(dt.datetime(2025, 1, 10, tzinfo=dt.UTC))
    with runtime.transaction() as s:
        item = disposal.draft_list(s, unit, 2567, actor=committee, clock=runtime.clock).items[0].id
    for verdict, years in (("burn", None), ("keep", None), ("keep", 0), ("keep", 99)):
        with runtime.transaction() as s, pytest.raises(InvalidInput):
            disposal.record_verdict(s, item, verdict, keep_years=years, actor=committee, clock=runtime.clock)
    owner = Actor(demo.person("owner"), "web")
    with runtime.transaction() as s, pytest.raises(PermissionDenied):
        disposal.record_verdict(s, item, "destroy", actor=owner, clock=runtime.clock)
    with runtime.transaction() as s, pytest.raises(disposal.DisposalError, match="อยู่แล้ว"):
        disposal.draft_list(s, unit, 2567, actor=committee, clock=runtime.clock)
    with runtime.transaction() as s:  # a hold placed after the draft stops the whole list
        disposal.record_verdict(s, item, "destroy", actor=committee, clock=runtime.clock)
        disposal.set_legal_hold(s, letter, True, "มีผู้ร้องเรียน", actor=committee, clock=runtime.clock)
    with runtime.transaction() as s, pytest.raises(disposal.DisposalError, match="ระงับการทำลาย"):
        disposal.carry_out(s, s.get(disposal.DisposalItem, item).list_id, actor=committee, clock=runtime.clock)
    with runtime.read() as s:
        assert s.get(Letter, letter).subject == "ขอเชิญประชุม"


def test_retention_change_needs_a_reason_and_is_an_event(runtime, demo, unit):
    letter = _closed_letter(runtime, unit)
    clerk = Actor(demo.person("clerk"), "web")
    with runtime.transaction() as s, pytest.raises(InvalidInput, match="เหตุผล"):
        disposal.set_retention(s, letter, "permanent", " ", actor=clerk, clock=runtime.clock)
    with runtime.transaction() as s:
        disposal.set_retention(s, letter, "permanent", "เป็นหลักฐานสิทธิ์ที่ดิน", actor=clerk, clock=runtime.clock)
    with runtime.read() as s:
        assert s.get(Letter, letter).retention == "permanent"
        event = s.execute(select(Event).where(Event.kind == "letter.retention_changed")).scalar_one()
        assert event.data == {"before": "1y", "after": "permanent", "reason": "เป็นหลักฐานสิทธิ์ที่ดิน"}

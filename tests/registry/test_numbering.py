"""Gapless numbers per book: concurrent writers, year rollover, fiscal books, cancellations."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from registry.assignments import cancel_letter
from registry.commands import RegisterIncoming, RegisterOutgoing
from registry.completeness import check_books
from registry.events import Actor
from registry.intake import register_incoming, register_outgoing
from registry.models import Registration, Unit

BKK = dt.timezone(dt.timedelta(hours=7))
SYSTEM = Actor(None, "test")


def _register(runtime, unit_id: int, subject: str = "ทดสอบ", **kw):
    with runtime.transaction() as s:
        return register_incoming(s, RegisterIncoming(unit_id=unit_id, subject=subject, **kw), actor=SYSTEM, clock=runtime.clock)


def test_numbers_run_from_one_in_each_book(runtime, demo):
    kk, kc = demo.unit("มท 0201"), demo.unit("มท 0202")
    got = [_register(runtime, kk).number for _ in range(3)] + [_register(runtime, kc).number]
    assert got == [1, 2, 3, 1]
    assert _register(runtime, kk).display_no == "4/2569"


def test_32_concurrent_writers_give_exactly_1_to_1600(runtime, demo):
    kk = demo.unit("มท 0201")

    def writer(w: int) -> list[int]:
        return [_register(runtime, kk, subject=f"หนังสือ {w}-{i}").number for i in range(50)]

    with ThreadPoolExecutor(32) as pool:
        numbers = [n for chunk in pool.map(writer, range(32)) for n in chunk]
    assert sorted(numbers) == list(range(1, 1601))
    with runtime.read() as s:
        stored = sorted(s.execute(select(Registration.number)).scalars())
    assert stored == list(range(1, 1601))
    with runtime.read() as s:
        (report,) = check_books(s, unit_id=kk)
    assert report.ok and report.registered == 1600 and report.last_number == 1600


def test_year_rollover_restarts_at_one(runtime, demo, clock):
    kk = demo.unit("มท 0201")
    clock.set(dt.datetime(2026, 12, 31, 23, 58, tzinfo=BKK))
    assert [_register(runtime, kk).number for _ in range(2)] == [1, 2]
    clock.set(dt.datetime(2027, 1, 1, 0, 1, tzinfo=BKK))  # still 31 Dec in UTC: the book follows Bangkok
    first = _register(runtime, kk)
    assert (first.year, first.number, first.display_no) == (2570, 1, "1/2570")


def test_received_at_in_the_past_goes_to_that_years_book(runtime, demo, clock):
    kk = demo.unit("มท 0201")
    clock.set(dt.datetime(2027, 1, 4, 9, 0, tzinfo=BKK))
    # A Friday letter keyed on Monday after new year belongs to the old book.
    reg = _register(runtime, kk, received_at=dt.datetime(2026, 12, 31, 15, 0, tzinfo=BKK))
    assert (reg.year, reg.number) == (2569, 1)


def test_fiscal_books_reset_on_1_october(runtime, demo, clock):
    kk = demo.unit("มท 0201")
    with runtime.transaction() as s:
        s.get(Unit, kk).book_reset = "fiscal"
    clock.set(dt.datetime(2026, 9, 30, 16, 0, tzinfo=BKK))
    assert _register(runtime, kk).year == 2569
    clock.set(dt.datetime(2026, 10, 1, 8, 0, tzinfo=BKK))
    reg = _register(runtime, kk)
    assert (reg.year, reg.number) == (2570, 1)


def test_cancelled_registration_keeps_its_number(runtime, demo):
    kk = demo.unit("มท 0201")
    regs = [_register(runtime, kk) for _ in range(3)]
    with runtime.transaction() as s:
        cancel_letter(s, regs[1].letter_id, "ลงรับซ้ำกับเลข 1", actor=SYSTEM, clock=runtime.clock)
    assert _register(runtime, kk).number == 4
    with runtime.read() as s:
        reg = s.get(Registration, regs[1].registration_id)
        assert reg.number == 2 and reg.cancelled_at is not None and reg.cancel_reason == "ลงรับซ้ำกับเลข 1"
        assert reg.letter.status == "cancelled"
        (report,) = check_books(s, unit_id=kk)
    assert report.ok and report.gaps == [] and [c.number for c in report.cancellations] == [2]


def test_completeness_names_a_gap(runtime, demo):
    kk = demo.unit("มท 0201")
    regs = [_register(runtime, kk) for _ in range(4)]
    with runtime.transaction() as s:  # someone deletes a row behind the register's back
        s.delete(s.get(Registration, regs[2].registration_id))
    with runtime.read() as s:
        (report,) = check_books(s, unit_id=kk)
    assert not report.ok and report.gaps == [3]


def test_failed_registration_gives_its_number_back(runtime, demo):
    kk = demo.unit("มท 0201")
    _register(runtime, kk)
    try:
        with runtime.transaction() as s:
            register_incoming(s, RegisterIncoming(unit_id=kk, subject="ก"), actor=SYSTEM, clock=runtime.clock)
            raise RuntimeError("crash after the number was taken")
    except RuntimeError:
        pass
    assert _register(runtime, kk).number == 2


def test_outgoing_and_circular_numbers_have_their_own_books(runtime, demo):
    kk = demo.unit("มท 0201")
    with runtime.transaction() as s:
        out1 = register_outgoing(s, RegisterOutgoing(unit_id=kk, subject="ตอบรับ", addressee="จังหวัดระยอง"), actor=SYSTEM, clock=runtime.clock)
        circ = register_outgoing(s, RegisterOutgoing(unit_id=kk, subject="แจ้งเวียน", circular=True), actor=SYSTEM, clock=runtime.clock)
        out2 = register_outgoing(s, RegisterOutgoing(unit_id=kk, subject="ตอบรับ 2"), actor=SYSTEM, clock=runtime.clock)
    assert (out1.display_no, out2.display_no, circ.display_no) == ("มท 0201/1", "มท 0201/2", "มท 0201/ว 1")
    assert _register(runtime, kk).number == 1

"""Word search: the few-hits plan (by id) and the many-hits plan (count, then the newest-first
walk) give the same exact total and page, with practice letters, a unit filter, offsets and
numbers; on PostgreSQL the planner settings the search uses do not outlive it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from registry import search
from registry.commands import RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.search import LetterQuery, search_letters

SYSTEM = Actor(None, "test")
# (subject, unit key, minutes before now): received out of id order, so the page order is by time
LETTERS = [
    ("ขอเชิญประชุมคณะกรรมการ ครั้งที่ 2/2569", "a", 50),
    ("ขอเชิญประชุมคณะกรรมการ ครั้งที่ 3/2569", "b", 10),
    ("รายงานผลการเบิกจ่ายงบประมาณ", "a", 40),
    ("ขอเชิญประชุมคณะกรรมการ ครั้งที่ 4/2569", "a", 5),
    ("ขอเชิญประชุมคณะกรรมการ ครั้งที่ 5/2569", "b", 70),
    ("การตรวจสอบภายในประจำปีงบประมาณ พ.ศ. 2569", "a", 20),
    ("ขอเชิญประชุมคณะกรรมการ ครั้งที่ 6/2569", "a", 30),
    ("ขอเชิญประชุมคณะกรรมการ ครั้งที่ 7/2569", "b", 60),
    ("ขอเชิญประชุมคณะกรรมการ ครั้งที่ 8/2569", "a", 15),
]
QUERIES = ["ประชุม", "คณะกรรมการ ประชุม", "2569", "2", "งบประมาณ", "ไม่มีคำนี้"]


def _register(runtime, demo, clock) -> dict[int, tuple[str, int, dt.datetime, int]]:
    """letter id → (subject, unit id, received at, registration number), practice letters left out."""
    units = {"a": demo.unit("มท 0201"), "b": demo.unit("มท 0202")}
    letters = {}
    with runtime.transaction() as s:
        for subject, unit, minutes in LETTERS:
            at = clock.now() - dt.timedelta(minutes=minutes)
            reg = register_incoming(s, RegisterIncoming(unit_id=units[unit], subject=subject, received_at=at),
                                    actor=SYSTEM, clock=clock)
            letters[reg.letter_id] = (subject, units[unit], at, reg.number)
        # a practice letter with the same words: never found, never counted
        register_incoming(s, RegisterIncoming(unit_id=units["a"], subject=LETTERS[0][0], sandbox=True),
                          actor=SYSTEM, clock=clock)
    return letters


def _expected(letters, q: str, unit: int | None) -> list[int]:
    """Newest first, by the same terms the index holds (numbers whole, words as prefixes)."""
    wanted = search.index_terms(q)

    def hit(lid: int) -> bool:
        subject, u, _, number = letters[lid]
        terms = search.index_terms(subject)
        words = all(any(t == w if w.isdigit() else t.startswith(w) for t in terms) for w in wanted)
        return (unit is None or u == unit) and (words or (q.isdigit() and number == int(q)))

    return sorted((lid for lid in letters if hit(lid)), key=lambda lid: (letters[lid][2], lid), reverse=True)


@pytest.mark.parametrize("cap", [1000, 2])  # 2: a handful of letters takes the many-hits plan
def test_few_and_many_hits_give_the_exact_total_and_page(runtime, demo, clock, monkeypatch, cap):
    letters = _register(runtime, demo, clock)
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.begin() as conn:
            conn.execute(text("ANALYZE letters"))  # the letter estimate that lets the search choose the walk
    monkeypatch.setattr(search, "CAP", cap)
    with runtime.read() as s:
        for q in QUERIES:
            for unit in (None, demo.unit("มท 0201")):
                expected = _expected(letters, q, unit)
                for offset in (0, 2, 4):
                    total, page = search_letters(s, LetterQuery(q=q, unit_id=unit, limit=2, offset=offset))
                    assert (total, [l.id for l in page]) == (len(expected), expected[offset:offset + 2]), (q, unit, offset)


def test_planner_settings_end_with_the_search(runtime, demo, clock, monkeypatch):
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL planner settings")
    letters = _register(runtime, demo, clock)
    with runtime.engine.begin() as conn:
        conn.execute(text("ANALYZE letters"))
    monkeypatch.setattr(search, "CAP", 2)
    names = ("enable_seqscan", "enable_bitmapscan", "max_parallel_workers_per_gather")
    with runtime.transaction() as s:  # a chat handler's transaction goes on after its search
        before = [s.execute(text(f"SELECT current_setting('{n}')")).scalar_one() for n in names]
        assert search_letters(s, LetterQuery(q="ประชุม", limit=2))[0] == len(_expected(letters, "ประชุม", None))
        assert [s.execute(text(f"SELECT current_setting('{n}')")).scalar_one() for n in names] == before


def test_a_nul_in_a_search_is_dropped_not_a_database_error(runtime, demo):
    """PostgreSQL refuses a NUL in any text it compares; the search answers as if it were not typed."""
    from registry.search import LetterQuery, search_letters

    with runtime.read() as s:
        total, _ = search_letters(s, LetterQuery(q="ประชุม\x00", ref_no="มท\x00 0201", status="registered\x00"))
    assert total == 0

"""Registering: validation with Thai messages, secrecy, duplicates, search."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry.commands import RegisterIncoming
from registry.errors import InvalidInput, PermissionDenied, UnitNotFound
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Book, Event, Letter
from registry.search import LetterQuery, search_letters

SYSTEM = Actor(None, "test")


def _reg(runtime, actor=SYSTEM, **kw):
    with runtime.transaction() as s:
        return register_incoming(s, RegisterIncoming(**kw), actor=actor, clock=runtime.clock)


def _counts(runtime):
    with runtime.read() as s:
        return (s.scalar(select(func.count()).select_from(Letter)), s.scalar(select(func.count()).select_from(Event)),
                s.scalar(select(func.coalesce(func.sum(Book.last_number), 0))))


BAD_INPUT = [
    ({"priority": "super_urgent"}, "priority"),
    ({"secrecy": "very_secret"}, "secrecy"),
    ({"subject": "ก" * 100_000}, "subject"),
    ({"subject": "เรื่อง\x00ทดสอบ"}, "subject"),
    ({"sender": "กรม\x07บัญชีกลาง"}, "sender"),
    ({"received_at": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)}, "received_at"),
]


@pytest.mark.parametrize("bad,field", BAD_INPUT)
def test_bad_input_is_refused_with_thai_message_and_nothing_written(runtime, demo, bad, field):
    before = _counts(runtime)
    with pytest.raises(InvalidInput) as err:
        _reg(runtime, unit_id=demo.unit("มท 0201"), **({"subject": "ปกติ"} | bad))
    assert err.value.field == field
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err.value.message_th)
    assert _counts(runtime) == before


@pytest.mark.parametrize("bad,field", BAD_INPUT)
def test_bad_input_is_refused_before_the_first_write(runtime, demo, bad, field):
    """The chat catches InvalidInput and carries on in the same transaction (it asks for the field
    again), so nothing may have been written before the refusal."""
    def counts(s):
        return (s.scalar(select(func.count()).select_from(Letter)), s.scalar(select(func.count()).select_from(Event)),
                s.scalar(select(func.coalesce(func.sum(Book.last_number), 0))))

    with runtime.transaction() as s:
        before = counts(s)
        with pytest.raises(InvalidInput):
            register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), **({"subject": "ปกติ"} | bad)),
                              actor=SYSTEM, clock=runtime.clock)
        assert counts(s) == before


def test_sql_fragments_and_emoji_are_stored_verbatim(runtime, demo):
    subject = "'; DROP TABLE letters; -- 📄 ขอเชิญประชุม \"ด่วน\" OR 1=1"
    reg = _reg(runtime, unit_id=demo.unit("มท 0201"), subject=subject, sender="Robert'); --")
    with runtime.read() as s:
        letter = s.get(Letter, reg.letter_id)
        assert letter.subject == subject and letter.sender == "Robert'); --"


def test_unknown_unit_and_wrong_role(runtime, demo):
    with pytest.raises(UnitNotFound):
        _reg(runtime, unit_id=999_999, subject="x")
    owner = Actor(demo.person("owner"), "test")
    with pytest.raises(PermissionDenied):
        _reg(runtime, actor=owner, unit_id=demo.unit("มท 0201"), subject="x")


def test_top_secret_keeps_no_content(runtime, demo):
    reg = _reg(runtime, unit_id=demo.unit("มท 0201"), subject="แผนลับ", sender="หน่วยข่าว", ref_no="ลับ 1",
               secrecy="top_secret")
    with runtime.read() as s:
        letter = s.get(Letter, reg.letter_id)
        assert (letter.subject, letter.sender, letter.ref_no, letter.search_text) == (None, None, None, "")
        assert letter.registration.number == reg.number


def test_duplicate_is_reported_not_refused(runtime, demo):
    kk = demo.unit("มท 0201")
    kw = dict(unit_id=kk, ref_no="มท 0808.2/ว 1095", letter_date=dt.date(2026, 2, 27), sender="สถ.", subject="ก")
    first = _reg(runtime, **kw)
    second = _reg(runtime, **(kw | {"ref_no": "มท ๐๘๐๘.๒/ว๑๐๙๕"}))
    assert first.duplicates == () and second.duplicates == (first.letter_id,)
    other_unit = _reg(runtime, **(kw | {"unit_id": demo.unit("มท 0202")}))
    assert other_unit.duplicates == ()


def test_search_thai_words_either_digit_script_number_and_ref(runtime, demo):
    kk = demo.unit("มท 0201")
    a = _reg(runtime, unit_id=kk, subject="ขอเชิญประชุมคณะกรรมการจังหวัด ครั้งที่ ๓/๒๕๖๙", sender="สำนักงานจังหวัดระยอง",
             ref_no="รย 0017.3/ว 4471")
    b = _reg(runtime, unit_id=kk, subject="รายงานผลการเบิกจ่ายงบประมาณ", sender="กรมบัญชีกลาง")
    with runtime.read() as s:
        def ids(**kw):
            return [l.id for l in search_letters(s, LetterQuery(unit_id=kk, **kw))[1]]
        assert ids(q="ประชุม") == [a.letter_id]
        assert ids(q="คณะกรรมการ ระยอง") == [a.letter_id]
        assert ids(q="2569") == [a.letter_id]  # Thai digits in the letter, Arabic in the query
        assert ids(q="กรมบัญชีกลาง") == [b.letter_id]
        assert ids(q="งบประมาณ") == [b.letter_id]
        assert ids(q="ไม่มีคำนี้") == []
        assert ids(q=str(b.number)) == [b.letter_id]
        assert ids(ref_no="รย0017.3/ว4471") == [a.letter_id]
        assert ids() == [b.letter_id, a.letter_id]  # newest first
        assert ids(q="' OR 1=1 --") == []

"""Word search: the few-hits plan (by id) and the many-hits plan (count, then the newest-first
walk) give the same exact total and page, with practice letters, a unit filter, offsets and
numbers; on PostgreSQL the planner settings the search uses do not outlive it.

Search as clerks type: an abbreviation with or without its dots, a ref_no with or without spaces
in either digit script, a word inside a compound name, Thai digits for Arabic, registered and
letter date ranges, the exact ref_no first."""

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
QUERIES = ["ประชุม", "คณะกรรมการ ประชุม", "2569", "2", "งบประมาณ", "ไม่มีคำนี้", "กรรมการ", "ประมาณ ภายใน",
           "ตรวจสอบ ๒๕๖๙", "พ.ศ.", "พศ"]


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
    """Newest first, by the words of the text (numbers whole, words as the start of a word or, from
    three characters, anywhere inside one; dotted abbreviations also as one word)."""
    wanted = search.query_words(q)

    def hit(lid: int) -> bool:
        subject, u, _, number = letters[lid]
        terms = search._plain_terms(subject) + search.abbreviations(subject)
        words = all(any(t == w if w.isdigit() else t.startswith(w) or (len(w) >= 3 and w in t) for t in terms)
                    for w in wanted)
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


# ---------------------------------------------------------------- as clerks type

CLERK_LETTERS = {
    # key: (ref_no, sender, subject, minutes before now, letter date)
    "sth": ("สถ 0808.2/ว 1095", "สถ.", "ขอความร่วมมือรายงานผลการเบิกจ่าย", 30, dt.date(2026, 1, 5)),
    "kp": ("นร 1008/ว 12", "สำนักงาน ก.พ.", "หลักเกณฑ์การประเมินผลการปฏิบัติราชการ", 40, dt.date(2026, 1, 20)),
    "kp_plain": ("นร 1008/ว 13", "สำนักงาน กพ", "แจ้งเวียนหลักเกณฑ์", 45, dt.date(2026, 2, 1)),
    "cgd": ("กค 0402.2/ว 55", "กรมบัญชีกลาง", "ซักซ้อมแนวทางการเบิกจ่ายเงิน", 20, dt.date(2026, 2, 10)),
    "dopa": ("มท ๐๓๑๐.๑/ว ๗๗", "กรมการปกครอง", "การจัดงานวันท้องถิ่นไทย ประจำปี ๒๕๖๙", 10, dt.date(2026, 2, 15)),
    "mt_thai": ("มท ๐๒๐๑/ว ๕", "สำนักงานปลัดกระทรวงมหาดไทย", "ขอเชิญประชุม", 50, dt.date(2026, 2, 20)),
    "mt_arabic": ("มท0201/ว 6", "สำนักงานปลัดกระทรวงมหาดไทย", "ขอเชิญประชุมครั้งที่ 2/2569", 5, dt.date(2026, 3, 1)),
    "reply": ("ชม 0017/9", "จังหวัดเชียงใหม่", "ตอบหนังสือ ที่ มท 0201/ว 5", 1, dt.date(2026, 3, 3)),
    "station": ("ชบ 0017/123", "สถานีตำรวจภูธรเมืองชลบุรี", "ขอส่งตัวผู้ต้องหา", 60, dt.date(2026, 3, 2)),
}


def _register_clerk_letters(runtime, demo, clock) -> dict[str, int]:
    unit = demo.unit("มท 0201")
    ids = {}
    with runtime.transaction() as s:
        for key, (ref_no, sender, subject, minutes, letter_date) in CLERK_LETTERS.items():
            reg = register_incoming(s, RegisterIncoming(
                unit_id=unit, ref_no=ref_no, sender=sender, subject=subject, letter_date=letter_date,
                received_at=clock.now() - dt.timedelta(minutes=minutes)), actor=SYSTEM, clock=clock)
            ids[key] = reg.letter_id
    return ids


def _found(runtime, **kw) -> list[int]:
    with runtime.read() as s:
        total, page = search_letters(s, LetterQuery(limit=50, **kw))
    assert total == len(page)
    return [lt.id for lt in page]


@pytest.mark.parametrize("cap", [1000, 1])  # 1: the many-hits plan (count, then the walk)
@pytest.mark.parametrize(("q", "keys"), [
    ("สถ", {"sth", "station"}),  # the abbreviation without its dot, and words that start with it
    ("สถ.", {"sth", "station"}),
    ("กพ", {"kp", "kp_plain"}),  # ก.พ. typed without dots; and typed plain
    ("ก.พ.", {"kp", "kp_plain"}),
    ("สำนักงาน ก.พ.", {"kp", "kp_plain"}),
])
def test_an_abbreviation_with_or_without_its_dots(runtime, demo, clock, monkeypatch, cap, q, keys):
    ids = _register_clerk_letters(runtime, demo, clock)
    monkeypatch.setattr(search, "CAP", cap)
    assert set(_found(runtime, q=q)) == {ids[k] for k in keys}


@pytest.mark.parametrize("cap", [1000, 1])
@pytest.mark.parametrize(("q", "keys"), [
    ("บัญชีกลาง", {"cgd"}),  # inside กรมบัญชีกลาง
    ("ปกครอง", {"dopa"}),  # inside กรมการปกครอง (one newmm token การปกครอง)
    ("ท้องถิ่น", {"dopa"}),
    ("ปลัดกระทรวง", {"mt_thai", "mt_arabic"}),
    ("ตำรวจ ชลบุรี", {"station"}),
    ("เบิกจ่าย", {"sth", "cgd"}),
    ("บัญชีกลางจังหวัด", set()),  # every word must be there
])
def test_a_word_inside_a_compound_name(runtime, demo, clock, monkeypatch, cap, q, keys):
    ids = _register_clerk_letters(runtime, demo, clock)
    monkeypatch.setattr(search, "CAP", cap)
    assert set(_found(runtime, q=q)) == {ids[k] for k in keys}


@pytest.mark.parametrize(("q", "keys"), [
    ("มท0201", {"mt_thai", "mt_arabic", "reply"}),
    ("มท 0201", {"mt_thai", "mt_arabic", "reply"}),
    ("มท ๐๒๐๑", {"mt_thai", "mt_arabic", "reply"}),
    ("0310.1", {"dopa"}),
    ("๒๕๖๙", {"dopa", "mt_arabic"}),  # Thai digits find Arabic ones and the other way round
    ("2569", {"dopa", "mt_arabic"}),
])
def test_ref_numbers_and_digits_in_either_script(runtime, demo, clock, q, keys):
    ids = _register_clerk_letters(runtime, demo, clock)
    assert set(_found(runtime, q=q)) == {ids[k] for k in keys}


def test_the_exact_ref_no_comes_first_then_newest(runtime, demo, clock):
    ids = _register_clerk_letters(runtime, demo, clock)
    # the reply quotes มท 0201/ว 5 and is newer; the letter with that ที่ comes first all the same
    assert _found(runtime, q="มท 0201/ว 5") == [ids["mt_thai"], ids["reply"]]
    assert _found(runtime, q="มท0201/ว๕") == [ids["mt_thai"], ids["reply"]]
    # without an exact ref_no: newest first
    assert _found(runtime, q="มท 0201") == [ids["reply"], ids["mt_arabic"], ids["mt_thai"]]
    # paging across the exact letter and the rest
    with runtime.read() as s:
        pages = [search_letters(s, LetterQuery(q="มท ๐๒๐๑/ว ๕", limit=1, offset=o)) for o in (0, 1, 2)]
    assert [(t, [lt.id for lt in p]) for t, p in pages] == [(2, [ids["mt_thai"]]), (2, [ids["reply"]]), (2, [])]
    # the exact letter outside the filters stays out
    assert _found(runtime, q="มท 0201/ว 5", letter_from=dt.date(2026, 3, 1)) == [ids["reply"]]


def test_the_exact_ref_no_is_found_even_when_its_words_are_not_indexed(runtime, demo, clock):
    """An outgoing number's ref_no is in the index too, but the ref tier does not depend on it."""
    ids = _register_clerk_letters(runtime, demo, clock)
    assert _found(runtime, q="ชบ0017/123")[0] == ids["station"]


def test_registered_and_letter_date_ranges(runtime, demo, clock):
    ids = _register_clerk_letters(runtime, demo, clock)
    everyone = set(ids.values())
    assert set(_found(runtime, letter_from=dt.date(2026, 2, 1), letter_to=dt.date(2026, 2, 15))) == {
        ids["kp_plain"], ids["cgd"], ids["dopa"]}
    assert set(_found(runtime, letter_to=dt.date(2026, 1, 5))) == {ids["sth"]}
    assert set(_found(runtime, q="เบิกจ่าย", letter_from=dt.date(2026, 2, 1))) == {ids["cgd"]}
    today = clock.now().astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    assert set(_found(runtime, received_from=today, received_to=today)) == everyone
    assert _found(runtime, received_from=today + dt.timedelta(days=1)) == []
    assert _found(runtime, received_to=today - dt.timedelta(days=1)) == []


def test_a_corrected_sender_is_found_by_its_new_words(runtime, demo, clock):
    from registry.corrections import correct_letter

    ids = _register_clerk_letters(runtime, demo, clock)
    with runtime.transaction() as s:
        correct_letter(s, ids["station"], {"sender": "กรมบัญชีกลาง"}, reason="พิมพ์ผิด",
                       actor=Actor(demo.person("clerk"), "test"), clock=clock)
    assert set(_found(runtime, q="บัญชีกลาง")) == {ids["cgd"], ids["station"]}
    assert ids["station"] not in _found(runtime, q="ตำรวจ")


def test_the_index_terms_of_a_letter():
    terms = search.index_terms("กรมบัญชีกลาง", "จาก สถ. และ ก.พ.ร.")
    assert {"กรมบัญชีกลาง", "ฯบัญชีกลาง", "ฯกลาง", "สถ", "กพร"} <= set(terms)
    assert "ฯลาง" in terms and "ฯาง" not in terms  # parts start at a consonant, three characters at least
    assert not any(t.startswith(search.PART) for t in search.index_terms("2569 ABC"))
    assert search.query_words("จาก สถ.") == ["จาก", "สถ"]
    assert search.query_words("ฯบัญชี") == ["บัญชี"]  # a typed part marker finds nothing extra

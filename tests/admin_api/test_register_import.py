"""Bringing an existing register in: problems by row and nothing written, all or nothing, gapless
numbers, numbering continued (also by hand for a paper book), and export → import → export lossless."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from admin_api.cli_export import SYSTEM as EXPORTER
from admin_api.exports import render
from admin_api.exports.builders import register_table
from admin_api.register_import import check_file
from registry.errors import InvalidInput
from registry.events import Actor
from registry.importing import import_register, set_next_number
from registry.models import Event, Letter, Registration, Unit

ACTOR = Actor(None, "test")
TODAY = dt.date(2026, 3, 2)
CODE = "มท 0999"


def _unit(runtime) -> int:
    with runtime.transaction() as s:
        u = Unit(code=CODE, name="กองทดลองนำเข้า", short_name="กทน.", aliases=[], book_reset="calendar")
        s.add(u)
        s.flush()
        return u.id


def _fill_book(runtime, unit_id: int, demo) -> None:
    """A book with what an export must carry: forwards and acknowledgements, a cancellation, a
    confidential letter, formula-like and multi-line text, commas and quotes, a missing date."""
    from registry.assignments import acknowledge, cancel_letter, forward
    from registry.commands import Forward, Recipient, RegisterIncoming
    from registry.intake import register_incoming

    owner = demo.people["owner@มท 0201.2"] if "owner@มท 0201.2" in demo.people else next(iter(demo.people.values()))
    subjects = ["ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณ", "=HYPERLINK(\"http://x\",\"คลิก\")", "รายงาน, \"ด่วน\"\nบรรทัดสอง",
                "ขอความร่วมมือรายงานผลการเบิกจ่าย", "+ตัวเลขนำหน้า", "ลับ: ขอข้อมูลบุคคล", "ยกเลิกภายหลัง"]
    ids = []
    for i, subject in enumerate(subjects):
        runtime.clock.set(dt.datetime(2026, 1, 5 + i, 2, 30, tzinfo=dt.UTC))
        with runtime.transaction() as s:
            reg = register_incoming(s, RegisterIncoming(
                unit_id=unit_id, subject=subject, ref_no=f"มท 0808.{i}/ว {100 + i}" if i != 3 else None,
                letter_date=dt.date(2026, 1, 2 + i) if i != 3 else None, sender="กรมส่งเสริมการปกครองท้องถิ่น",
                addressee="ผู้อำนวยการกองทดลอง", remarks="ต้นฉบับอยู่ที่แฟ้ม 3" if i == 0 else None,
                secrecy="confidential" if i == 5 else None), actor=ACTOR, clock=runtime.clock)
            ids.append(reg.letter_id)
    runtime.clock.set(dt.datetime(2026, 1, 20, 3, 0, tzinfo=dt.UTC))
    with runtime.transaction() as s:
        done = forward(s, Forward(ids[0], (Recipient(person_id=owner),), instruction="ดำเนินการ"), actor=ACTOR,
                       clock=runtime.clock)
    with runtime.transaction() as s:
        acknowledge(s, done.assignment_ids[0], actor=Actor(owner, "test"), clock=runtime.clock)
        cancel_letter(s, ids[6], "ลงซ้ำกับเลข 2", actor=ACTOR, clock=runtime.clock)
    runtime.clock.set(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))


def _export(runtime, unit_id: int, fmt: str) -> bytes:
    with runtime.read() as s:
        return render(register_table(s, EXPORTER, unit_id=unit_id, direction="incoming", year=2569), fmt)


def _cells(xlsx: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    return [tuple((c.value, c.number_format, c.data_type) for c in row) for row in ws.iter_rows()]


def _import(runtime, unit_id: int, data: bytes, name: str, *, mapping=None, direction="incoming", year=2569):
    with runtime.transaction() as s:
        unit = s.get(Unit, unit_id)
        _sheet, plan = check_file(s, data, name, unit=unit, direction=direction, year=year, mapping=mapping,
                                  today=TODAY)
        if plan.problems:
            return plan, None
        return plan, import_register(s, plan, actor=ACTOR, source=name, clock=runtime.clock)


def _count(runtime, model) -> int:
    with runtime.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_is_lossless(runtime, demo, fmt):
    from tests.db import wipe

    unit_id = _unit(runtime)
    _fill_book(runtime, unit_id, demo)
    first_csv, first_xlsx = _export(runtime, unit_id, "csv"), _export(runtime, unit_id, "xlsx")
    assert "=HYPERLINK" in first_csv.decode("utf-8-sig") and "ยกเลิก" in first_csv.decode("utf-8-sig")

    wipe(runtime.engine)  # an empty database: only the unit
    unit_id = _unit(runtime)
    plan, done = _import(runtime, unit_id, first_csv if fmt == "csv" else first_xlsx, f"book.{fmt}")
    assert plan.problems == [] and done is not None and (done.count, done.first, done.last, done.cancelled) == (7, 1, 7, 1)
    assert _export(runtime, unit_id, "csv") == first_csv
    assert _cells(_export(runtime, unit_id, "xlsx")) == _cells(first_xlsx)
    with runtime.read() as s:
        kinds = s.execute(select(Event.kind, func.count()).group_by(Event.kind)).tuples().all()
        letters = s.execute(select(Letter).order_by(Letter.id)).unique().scalars().all()
    assert dict(kinds) == {"letter.imported": 7, "book.imported": 1}
    assert [x.secrecy for x in letters].count("confidential") == 1
    assert {x.status for x in letters} == {"closed", "cancelled"}  # handled on paper: no queue fills up


def test_numbering_continues_after_the_last_imported_number(runtime, demo):
    from registry.commands import RegisterIncoming
    from registry.completeness import check_books
    from registry.intake import register_incoming

    unit_id = _unit(runtime)
    csv = ("วันที่ลงรับ,เลขทะเบียนรับ,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ\r\n"
           + "".join(f"{d} ม.ค. 2569,{n},มท 1/{n},{d} ม.ค. 2569,สถ.,ผอ.,เรื่องที่ {n},,\r\n"
                     for n, d in ((1, 3), (2, 3), (3, 4))))
    _plan, done = _import(runtime, unit_id, ("\ufeff" + csv).encode(), "paper.csv")
    assert done.last == 3
    with runtime.transaction() as s:
        reg = register_incoming(s, RegisterIncoming(unit_id=unit_id, subject="ลงรับในระบบ", sender="สถ."), actor=ACTOR,
                                clock=runtime.clock)
    assert reg.number == 4
    with runtime.read() as s:
        assert all(r.ok for r in check_books(s, unit_id=unit_id))
    # a second file must continue the book: 5 onwards, not 1 again
    plan, done = _import(runtime, unit_id, ("\ufeff" + csv).encode(), "again.csv")
    assert done is None and any("ต้องเริ่มที่ 5" in p.message for p in plan.problems)


def test_every_problem_is_named_by_row_and_nothing_is_written(runtime, demo):
    unit_id = _unit(runtime)
    before = (_count(runtime, Letter), _count(runtime, Event))
    csv = ("วันที่ลงรับ,เลขทะเบียนรับ,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ\r\n"
           "3 ม.ค. 2569,1,มท 1/1,,สถ.,ผอ.,ถูกต้อง,,\r\n"
           "32 ม.ค. 2569,2,มท 1/2,,สถ.,ผอ.,วันที่ผิด,,\r\n"
           "4 ม.ค. 2569,2,มท 1/3,,สถ.,ผอ.,เลขซ้ำ,,\r\n"
           "5 ม.ค. 2569,abc,มท 1/4,,สถ.,ผอ.,เลขไม่ใช่ตัวเลข,,\r\n"
           "6 ม.ค. 2568,5,มท 1/5,,สถ.,ผอ.,ผิดปี,,\r\n"
           "7 ม.ค. 2569,7,มท 1/7,,สถ.,ผอ.,,,\r\n")
    plan, done = _import(runtime, unit_id, ("\ufeff" + csv).encode(), "bad.csv")
    assert done is None
    by_row = {(p.row, p.column) for p in plan.problems}
    assert {(3, "received"), (4, "number"), (5, "number"), (6, "received"), (7, "subject")} <= by_row
    assert any(p.row == 0 and "ไม่มีเลข" in p.message for p in plan.problems)  # the gap (3, 4, 6)
    assert (_count(runtime, Letter), _count(runtime, Event)) == before
    with runtime.transaction() as s, pytest.raises(InvalidInput):
        import_register(s, plan, actor=ACTOR, clock=runtime.clock)


def test_a_mapping_reads_another_layout(runtime, demo):
    unit_id = _unit(runtime)
    csv = "ลำดับ;เรื่องย่อ;วันรับ;หน่วยส่ง\r\n1;ขอเชิญประชุม;2/1/2569;กรมบัญชีกลาง\r\n2;ขอข้อมูล;3/1/2569;สถ.\r\n"
    plan, done = _import(runtime, unit_id, csv.encode(), "other.csv")
    assert done is None and any(p.column == "received" or p.column == "number" or "เรื่อง" in p.message
                                for p in plan.problems)
    mapping = {"map_number": "1", "map_subject": "2", "map_received": "3", "map_sender": "4"}
    plan, done = _import(runtime, unit_id, csv.encode(), "other.csv", mapping=mapping)
    assert plan.problems == [] and done.count == 2
    with runtime.read() as s:
        got = s.execute(select(Registration.number, Letter.subject, Letter.sender, Registration.received_at)
                        .join(Letter, Letter.id == Registration.letter_id).order_by(Registration.number)).all()
    assert [(n, subj, snd) for n, subj, snd, _ in got] == [(1, "ขอเชิญประชุม", "กรมบัญชีกลาง"), (2, "ขอข้อมูล", "สถ.")]
    assert got[0][3].astimezone(dt.timezone(dt.timedelta(hours=7))).date() == dt.date(2026, 1, 2)


def test_next_number_by_hand_for_a_paper_book(runtime, demo):
    from registry.commands import RegisterIncoming
    from registry.completeness import check_books
    from registry.intake import register_incoming

    unit_id = _unit(runtime)
    with runtime.transaction() as s:
        unit = s.get(Unit, unit_id)
        with pytest.raises(InvalidInput):  # a reason is required
            set_next_number(s, unit=unit, direction="incoming", year=2569, next_number=58, reason=" ", actor=ACTOR,
                            clock=runtime.clock)
    with runtime.transaction() as s:
        done = set_next_number(s, unit=s.get(Unit, unit_id), direction="incoming", year=2569, next_number=58,
                               reason="ทะเบียนกระดาษถึงเลข 57", actor=ACTOR, clock=runtime.clock)
    assert (done.before, done.after) == (1, 58)
    with runtime.transaction() as s:
        reg = register_incoming(s, RegisterIncoming(unit_id=unit_id, subject="ต่อจากกระดาษ", sender="สถ."),
                                actor=ACTOR, clock=runtime.clock)
    assert reg.number == 58
    with runtime.transaction() as s, pytest.raises(InvalidInput, match="ไม่ต่ำกว่าเลขที่ออกไปแล้ว"):
        set_next_number(s, unit=s.get(Unit, unit_id), direction="incoming", year=2569, next_number=40,
                        reason="ผิด", actor=ACTOR, clock=runtime.clock)
    with runtime.read() as s:
        (report,) = check_books(s, unit_id=unit_id)
        kinds = list(s.execute(select(Event.kind).where(Event.entity == "book")).scalars())
    assert report.ok and report.gaps == [] and report.paper == [(1, 57)]
    assert kinds == ["book.next_number_set"]


def test_an_outgoing_book_round_trips_too(runtime, demo):
    from registry.commands import RegisterOutgoing
    from registry.intake import register_outgoing
    from tests.db import wipe

    unit_id = _unit(runtime)
    for i, subject in enumerate(("ขอส่งรายงานผลการเบิกจ่าย", "-ลบนำหน้า", "แจ้งเวียนหนังสือสั่งการ")):
        runtime.clock.set(dt.datetime(2026, 2, 2 + i, 3, 0, tzinfo=dt.UTC))
        with runtime.transaction() as s:
            register_outgoing(s, RegisterOutgoing(unit_id=unit_id, subject=subject, addressee="ผู้ว่าราชการจังหวัด"),
                              actor=ACTOR, clock=runtime.clock)
    runtime.clock.set(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))

    def export(uid, fmt):
        with runtime.read() as s:
            return render(register_table(s, EXPORTER, unit_id=uid, direction="outgoing", year=2569), fmt)

    first = export(unit_id, "xlsx"), export(unit_id, "csv")
    wipe(runtime.engine)
    unit_id = _unit(runtime)
    plan, done = _import(runtime, unit_id, first[0], "out.xlsx", direction="outgoing")
    assert plan.problems == [] and done.count == 3
    assert _cells(export(unit_id, "xlsx")) == _cells(first[0]) and export(unit_id, "csv") == first[1]
    with runtime.transaction() as s:  # the outgoing book continues: มท 0999/4
        nxt = register_outgoing(s, RegisterOutgoing(unit_id=unit_id, subject="ฉบับต่อไป", addressee="ผวจ."),
                                actor=ACTOR, clock=runtime.clock)
    assert nxt.number == 4


def test_the_api_checks_then_imports(client, runtime, demo):
    from tests.admin_api.conftest import ADMIN

    unit_id = _unit(runtime)
    csv = ("\ufeffวันที่ลงรับ,เลขทะเบียนรับ,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ\r\n"
           "3 ม.ค. 2569,1,มท 1/1,,สถ.,ผอ.,เรื่องแรก,,\r\n4 ม.ค. 2569,3,มท 1/3,,สถ.,ผอ.,เรื่องสาม,,\r\n").encode()
    form = {"unit": str(unit_id), "year": "2569", "book": "incoming"}
    r = client.post("/api/v1/imports/register", data=form, files={"file": ("b.csv", csv, "text/csv")}, headers=ADMIN)
    assert r.status_code == 200 and not r.json()["imported"]
    assert any("ไม่มีเลข 2" in p["message"] for p in r.json()["problems"])
    fixed = csv.replace("4 ม.ค. 2569,3,มท 1/3".encode(), "4 ม.ค. 2569,2,มท 1/3".encode())
    r = client.post("/api/v1/imports/register", data=form | {"dry_run": "true"},
                    files={"file": ("b.csv", fixed, "text/csv")}, headers=ADMIN)
    assert r.json()["problems"] == [] and not r.json()["imported"] and _count(runtime, Letter) == 0
    r = client.post("/api/v1/imports/register", data=form, files={"file": ("b.csv", fixed, "text/csv")}, headers=ADMIN)
    assert r.json()["imported"] and (r.json()["first"], r.json()["last"]) == (1, 2) and _count(runtime, Letter) == 2
    r = client.post("/api/v1/imports/register", data=form, files={"file": ("b.xlsx", b"PK\x03\x04 no", "text/csv")},
                    headers=ADMIN)
    assert r.status_code == 422 and "XLSX" in r.json()["detail"]

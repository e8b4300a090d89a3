"""The import page over HTTP: a file that is not a register is refused with a Thai message and
nothing is written; someone who keeps no book may not import; a paper book's next number is never
below an issued number."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.models import Event, Letter
from tests.web_forms import sign_in

ORIGIN = {"Origin": "http://testserver"}


def _counts(runtime):
    with runtime.read() as s:
        return (s.execute(select(func.count()).select_from(Letter)).scalar_one(),
                s.execute(select(func.count()).select_from(Event)).scalar_one())


def test_a_file_that_is_not_a_register_is_refused_in_thai(client, demo, token, runtime):
    sign_in(client, token(demo.person("clerk")))
    unit = str(demo.unit("มท 0201"))
    before = _counts(runtime)
    r = client.post("/admin/import", data={"unit_id": unit, "book": "incoming", "year": "2569", "action": "check"},
                    files={"file": ("book.xlsx", b"PK\x03\x04 not really a workbook", "application/octet-stream")},
                    headers=ORIGIN)
    assert r.status_code == 422 and "เปิดไฟล์ XLSX ไม่ได้" in r.text
    r = client.post("/admin/import", data={"unit_id": unit, "book": "incoming", "year": "2569", "action": "check"},
                    files={"file": ("book.csv", "ชื่อ,อายุ\r\nก,1\r\n".encode(), "text/csv")}, headers=ORIGIN)
    assert r.status_code == 422 and "ยังไม่ได้เลือกคอลัมน์ วันที่ลงรับ" in r.text
    r = client.post("/admin/import", data={"unit_id": unit, "book": "incoming", "year": "25x9", "action": "check"},
                    files={"file": ("book.csv", b"x", "text/csv")}, headers=ORIGIN)
    assert r.status_code == 422 and "กรุณาระบุปี พ.ศ." in r.text
    assert _counts(runtime) == before


def test_only_those_who_keep_a_book_may_import(client, demo, token):
    sign_in(client, token(demo.person("owner")))
    assert "ไม่มีสิทธิ์นำเข้าทะเบียน" in client.get("/admin/import").text


def test_next_number_never_below_an_issued_number(client, demo, token, runtime):
    from tests.admin_api.conftest import register

    register(runtime, demo.unit("มท 0201"))
    register(runtime, demo.unit("มท 0201"))
    sign_in(client, token(demo.person("clerk")))
    form = {"unit_id": str(demo.unit("มท 0201")), "book": "incoming", "year": "2569", "next_number": "2",
            "reason": "ทดสอบ"}
    r = client.post("/admin/import/next-number", data=form, headers=ORIGIN)
    assert r.status_code == 422 and "ไม่ต่ำกว่าเลขที่ออกไปแล้ว" in r.text and "ออกเลขถึง 2" in r.text
    r = client.post("/admin/import/next-number", data=form | {"next_number": "10", "reason": ""}, headers=ORIGIN)
    assert r.status_code == 422 and "เหตุผล" in r.text
    r = client.post("/admin/import/next-number", data=form | {"next_number": "10"}, headers=ORIGIN)
    assert r.status_code == 200 and "เลข 3–9 อยู่ในทะเบียนกระดาษ" in r.text

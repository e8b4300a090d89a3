"""Retention and disposal over HTTP (issue 17 point 1): the API round trip (draft, verdicts, export
as XLSX and PDF in แบบที่ 25's column order, carry out) ends with ``saraban verify`` passing, the
completeness report gapless and the destroyed letter's content and file gone; the pages do the
same by form; the letter page changes retention and holds with a reason."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys

from sqlalchemy import select

from registry import disposal
from registry.assignments import close_letter
from registry.commands import RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Attachment, Event, Letter
from tests.admin_api.conftest import bearer
from tests.web_forms import csrf_of, sign_in

SYSTEM = Actor(None, "test")
LONG_AGO = dt.datetime(2020, 6, 2, 3, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 1, 10, 3, 0, tzinfo=dt.UTC)


def closed(runtime, unit_id, subject, *, secrecy=None, retention="1y") -> int:
    runtime.clock.set(LONG_AGO)
    with runtime.transaction() as s:
        done = register_incoming(s, RegisterIncoming(unit_id=unit_id, subject=subject, ref_no="มท 0808.2/ว 77",
                                                     sender="สถ.", secrecy=secrecy, retention=retention,
                                                     letter_date=dt.date(2020, 5, 28)),
                                 actor=SYSTEM, clock=runtime.clock)
        close_letter(s, done.letter_id, actor=SYSTEM, clock=runtime.clock)
    return done.letter_id


def with_file(runtime, letter_id) -> os.PathLike:
    stored = runtime.attachments_dir / f"scan-{letter_id}.pdf"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4 scanned letter")
    with runtime.transaction() as s:
        s.add(Attachment(letter_id=letter_id, sha256="1" * 64, size=23, content_type="application/pdf",
                         filename="scan.pdf", storage_path=stored.name, created_at=runtime.clock.now()))
    return stored


def run_cli(database_url, *args):
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "saraban.cli", *args], env=env, capture_output=True, text=True)


def test_api_round_trip_leaves_the_register_provable(client, demo, token, runtime, database_url, tmp_path):
    unit = demo.unit("มท 0201")
    gone = closed(runtime, unit, "ขอเชิญประชุมเรื่องงบประมาณ")
    kept = closed(runtime, unit, "แนวทางการจัดเก็บภาษี")
    archived = closed(runtime, unit, "บันทึกเหตุการณ์น้ำท่วมใหญ่")
    secret = closed(runtime, unit, "รายชื่อผู้ต้องสงสัยคดีทุจริต", secrecy="secret")
    held = closed(runtime, unit, "เรื่องที่อยู่ในคดีปกครอง")
    forever = closed(runtime, unit, "โฉนดที่ดินราชพัสดุ", retention="permanent")
    stored = with_file(runtime, gone)
    runtime.clock.set(LATER)
    head, auditor, owner, clerk = (bearer(token(demo.person(r, c))) for r, c in
                                   (("head", "มท 0201"), ("auditor", "มท 02"), ("owner", "มท 0201"),
                                    ("clerk", "มท 0201")))

    r = client.put(f"/api/v1/letters/{held}/legal-hold", json={"hold": True, "reason": "อยู่ระหว่างคดีปกครอง"},
                   headers=head)
    assert r.status_code == 200 and r.json()["legal_hold"] is True and r.json()["due"] is None
    assert client.put(f"/api/v1/letters/{held}/legal-hold", json={"hold": True, "reason": "x"},
                      headers=owner).status_code == 403
    assert client.post("/api/v1/disposal/lists", json={"unit": "มท 0201", "year": 2567}, headers=owner).status_code == 403
    r = client.post("/api/v1/disposal/lists", json={"unit": "มท 0201", "year": 2567}, headers=head)
    assert r.status_code == 201, r.text
    body = r.json()
    items = {i["letter_id"]: i["id"] for i in body["items"]}
    assert set(items) == {gone, kept, archived, secret}  # not the held one, not the permanent one
    assert held not in items and forever not in items
    list_id = body["id"]
    assert client.get("/api/v1/disposal/lists", headers=owner).json() == []  # an owner keeps no records

    r = client.post(f"/api/v1/disposal/lists/{list_id}/carry-out", headers=head)
    assert r.status_code == 409 and "ยังไม่มีมติ" in r.json()["detail"]  # nothing destroyed without verdicts
    assert client.post(f"/api/v1/disposal/items/{items[gone]}/verdict", json={"verdict": "keep"},
                       headers=head).status_code == 422  # keeping needs years
    assert client.post(f"/api/v1/disposal/items/{items[gone]}/verdict", json={"verdict": "destroy"},
                       headers=auditor).status_code == 403  # auditors read
    for letter, verdict in ((gone, {"verdict": "destroy"}), (secret, {"verdict": "destroy", "note": "ครบกำหนด"}),
                            (kept, {"verdict": "keep", "keep_years": 5, "note": "ยังใช้อ้างอิง"}),
                            (archived, {"verdict": "archive"})):
        r = client.post(f"/api/v1/disposal/items/{items[letter]}/verdict", json=verdict, headers=head)
        assert r.status_code == 200 and r.json()["verdict"] == verdict["verdict"], r.text

    # the clerk (cleared for ปกปิด only) sees the list but not the ลับ letter's subject
    seen = client.get(f"/api/v1/disposal/lists/{list_id}", headers=clerk).json()
    assert {i["letter_id"]: i["subject"] for i in seen["items"]}[secret] is None and seen["decided"] == 4

    from openpyxl import load_workbook

    r = client.get(f"/api/v1/disposal/lists/{list_id}/export?format=xlsx", headers=head)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [tuple(c.value for c in row) for row in ws.iter_rows()]
    header_at = next(n for n, row in enumerate(rows) if row[0] == "ลำดับที่")
    assert rows[header_at] == disposal.LIST_HEADERS  # แบบที่ 25's official column order
    data = rows[header_at + 1: header_at + 5]
    assert [row[0] for row in data] == [1, 2, 3, 4]
    assert {row[4]: row[5] for row in data} == {
        "ขอเชิญประชุมเรื่องงบประมาณ": "ทำลาย", "แนวทางการจัดเก็บภาษี": "เก็บไว้ต่อ 5 ปี",
        "บันทึกเหตุการณ์น้ำท่วมใหญ่": "ส่งหอจดหมายเหตุแห่งชาติ", "รายชื่อผู้ต้องสงสัยคดีทุจริต": "ทำลาย"}
    assert data[0][3] == dt.datetime(2020, 5, 28)  # a real date in the sheet (shown in พ.ศ.)
    withheld = client.get(f"/api/v1/disposal/lists/{list_id}/export?format=xlsx", headers=clerk).content
    assert "ผู้ต้องสงสัย" not in str([c.value for row in load_workbook(io.BytesIO(withheld)).active.iter_rows()
                                      for c in row])

    r = client.get(f"/api/v1/disposal/lists/{list_id}/export?format=pdf", headers=head)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        pdf = tmp_path / "list.pdf"
        pdf.write_bytes(r.content)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        text = text.replace("\u0e4d\u0e32", "\u0e33")  # pdftotext splits สระอำ into its two marks
        assert "บัญชีหนังสือขอทำลาย" in text and "2567" in text and "ประธานกรรมการ" in text
        assert "มท 0808.2/ว 77" in text and "28 พ.ค. 2563" in text
        header = next(line for line in text.splitlines() if "หมายเหต" in line)
        assert header.index("รหัส") < header.index("ลงว") < header.index("การพ") < header.index("หมายเหต")

    r = client.post(f"/api/v1/disposal/lists/{list_id}/carry-out", headers=head)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["destroyed"]) == sorted([gone, secret]) and r.json()["files_removed"] == 1
    assert not stored.exists()
    assert client.post(f"/api/v1/disposal/lists/{list_id}/carry-out", headers=head).status_code == 409

    detail = client.get(f"/api/v1/letters/{gone}", headers=head).json()
    assert detail["status"] == "destroyed" and detail["subject"] is None and detail["attachments"] == []
    assert detail["registration"]["number"] >= 1
    with runtime.read() as s:
        assert s.get(Letter, held).subject == "เรื่องที่อยู่ในคดีปกครอง" and s.get(Letter, held).status == "closed"
        assert s.get(Letter, archived).status == "archived"
        assert s.execute(select(Event.kind).where(Event.entity == "letter", Event.entity_id == gone)
                         .order_by(Event.seq)).scalars().all()[-1] == "letter.destroyed"

    verify = run_cli(database_url, "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    out = tmp_path / "completeness.csv"
    exported = run_cli(database_url, "export", "completeness", "--unit", "มท 0201", "--out", str(out))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    import csv

    from registry.reports import COMPLETENESS_HEADERS

    report = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert tuple(report[0]) == tuple(COMPLETENESS_HEADERS) and len(report) > 1
    from registry.completeness import check_books

    with runtime.read() as s:
        books = check_books(s, unit_id=unit)
    assert books and all(b.ok for b in books)  # the destroyed letters' numbers still stand: no gaps

def _as(client, value):
    sign_in(client, value)
    return client


def _post(client, url, page_html, data):
    try:
        data = {**data, "csrf": csrf_of(page_html)}
    except AssertionError:  # token cookie sign-in: no session, no CSRF field yet
        pass
    return client.post(url, data=data, follow_redirects=False)


def test_pages_draft_decide_export_and_carry_out(client, demo, token, runtime):
    unit = demo.unit("มท 0201")
    first = closed(runtime, unit, "ประกาศรับสมัครงานปี 2563")
    second = closed(runtime, unit, "ขอความร่วมมือตอบแบบสำรวจ")
    stored = with_file(runtime, first)
    runtime.clock.set(LATER)
    head = _as(client, token(demo.person("head")))

    home = head.get("/admin/disposal")
    assert home.status_code == 200 and 'id="draft-form"' in home.text
    r = _post(head, "/admin/disposal", home.text, {"unit": str(unit), "year": "25x7"})
    assert r.status_code == 422 and "ปี พ.ศ." in r.text
    r = _post(head, "/admin/disposal", home.text, {"unit": str(unit), "year": "2567"})
    assert r.status_code == 303
    url = r.headers["location"].split("?")[0]
    page = head.get(url).text
    assert "ประกาศรับสมัครงานปี 2563" in page and "ยังไม่มีมติ" in page and 'id="export-pdf"' in page
    with runtime.read() as s:
        dlist = s.execute(select(disposal.DisposalList)).scalar_one()
        items = {i.letter_id: i.id for i in dlist.items}

    r = _post(head, f"{url}/carry-out", page, {"confirm": "yes"})
    assert r.status_code == 409 and "ยังไม่มีมติ" in r.text
    r = _post(head, f"{url}/items/{items[first]}", page, {"verdict": "keep", "keep_years": ""})
    assert r.status_code == 422 and "จำนวนปี" in r.text
    assert _post(head, f"{url}/items/{items[first]}", page, {"verdict": "destroy", "note": "หมดความจำเป็น"}
                 ).status_code == 303
    assert _post(head, f"{url}/items/{items[second]}", page, {"verdict": "keep", "keep_years": "3"}).status_code == 303
    page = head.get(url).text
    assert "เก็บไว้ต่อ 3 ปี" in page and "มีมติแล้ว 2/2" in page
    r = _post(head, f"{url}/carry-out", page, {})
    assert r.status_code == 422 and "ยืนยัน" in r.text  # the confirmation is required
    with runtime.read() as s:
        assert s.get(Letter, first).subject == "ประกาศรับสมัครงานปี 2563"
    r = _post(head, f"{url}/carry-out", page, {"confirm": "yes"})
    assert r.status_code == 303
    page = head.get(url).text
    assert "ดำเนินการแล้ว" in page and "(ถูกทำลายแล้ว)" in page and 'id="carry-out-form"' not in page
    assert not stored.exists()
    letter_page = head.get(f"/admin/letters/{first}").text
    assert "ทำลายแล้ว" in letter_page and "ประกาศรับสมัครงาน" not in letter_page
    assert 'id="correct-link"' not in letter_page and 'id="retention-form"' not in letter_page
    from registry.corrections import correct_letter
    from registry.errors import InvalidInput

    with runtime.transaction() as s:  # a destroyed letter never regains content
        try:
            correct_letter(s, first, {"subject": "เนื้อหาใหม่"}, "ทดลอง", actor=SYSTEM, clock=runtime.clock)
            raise AssertionError("a destroyed letter was corrected")
        except InvalidInput as e:
            assert "ถูกทำลาย" in e.message_th

    clerk = _as(client, token(demo.person("clerk")))
    assert 'id="carry-out-form"' not in clerk.get(url).text  # a clerk drafts, the committee decides


def test_letter_page_changes_retention_and_holds_with_a_reason(client, demo, token, runtime):
    unit = demo.unit("มท 0201")
    letter = closed(runtime, unit, "สัญญาเช่าที่ราชพัสดุ", retention="10y")
    runtime.clock.set(LATER)
    clerk = _as(client, token(demo.person("clerk")))
    page = clerk.get(f"/admin/letters/{letter}").text
    assert 'id="retention-form"' in page and 'id="hold-form"' not in page  # the hold is the committee's
    r = _post(clerk, f"/admin/letters/{letter}/records", page, {"action": "retention", "retention": "permanent",
                                                                "reason": " "})
    assert r.status_code == 422 and "เหตุผล" in r.text
    r = _post(clerk, f"/admin/letters/{letter}/records", page, {"action": "retention", "retention": "permanent",
                                                                "reason": "เป็นหลักฐานสิทธิ์ในที่ดิน"})
    assert r.status_code == 303
    page = clerk.get(f"/admin/letters/{letter}").text
    assert 'id="retention">เก็บตลอดไป<' in page
    r = _post(clerk, f"/admin/letters/{letter}/records", page, {"action": "hold", "reason": "คดี"})
    assert r.status_code == 403

    head = _as(client, token(demo.person("head")))
    page = head.get(f"/admin/letters/{letter}").text
    assert _post(head, f"/admin/letters/{letter}/records", page, {"action": "hold", "reason": "มีผู้ฟ้องคดี"}
                 ).status_code == 303
    assert "ระงับไว้" in head.get(f"/admin/letters/{letter}").text
    with runtime.read() as s:
        kinds = s.execute(select(Event.kind, Event.data).where(Event.entity_id == letter, Event.entity == "letter")
                          .order_by(Event.seq)).all()
    assert [k for k, _ in kinds][-2:] == ["letter.retention_changed", "letter.legal_hold"]
    assert kinds[-1][1] == {"hold": True, "reason": "มีผู้ฟ้องคดี"}

"""The web registration pages over HTTP (the browser tests drive the same pages in Chromium):
ลงรับ from a pasted header, the duplicate warning, outgoing numbers, corrections with before/after,
and the same-origin check on every form post."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.admin_api.conftest import events_of, register
from tests.web_forms import sign_in

HEADER = ("ที่ มท 0808.2/ว 1095\nลงวันที่ 27 กุมภาพันธ์ 2569\nจาก กรมส่งเสริมการปกครองท้องถิ่น\n"
          "เรื่อง ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณ\nเรียน ปลัดกระทรวงมหาดไทย")


def _signed_in(client, token_value):
    sign_in(client, token_value)
    return client


def _clerk(client, token, demo):
    return _signed_in(client, token(demo.person("clerk")))


def test_pasted_header_prefills_the_form_through_the_chat_parser(client, demo, token):
    c = _clerk(client, token, demo)
    r = c.post("/admin/register", data={"action": "parse", "header": HEADER, "unit_id": str(demo.unit("มท 0201"))})
    assert r.status_code == 200
    html = r.text
    assert 'value="มท 0808.2/ว 1095"' in html
    assert 'value="27/02/2569"' in html  # shown in พ.ศ., day first
    assert "กรมส่งเสริมการปกครองท้องถิ่น" in html and "ขอเชิญประชุมชี้แจงแนวทาง" in html


def test_register_gives_a_receipt_and_warns_of_a_duplicate_before_numbering(client, demo, token, runtime):
    c = _clerk(client, token, demo)
    unit = demo.unit("มท 0201")
    form = {"action": "register", "unit_id": str(unit), "ref_no": "มท 0808.2/ว 1095", "letter_date": "27/2/2569",
            "sender": "กรมส่งเสริมการปกครองท้องถิ่น", "subject": "ขอเชิญประชุม", "addressee": "ปลัดกระทรวงมหาดไทย",
            "priority": "urgent", "secrecy": ""}
    r = c.post("/admin/register", data=form, files={"scan": ("scan.pdf", b"%PDF-1.4\n%fake\n", "application/pdf")},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    receipt = c.get(r.headers["location"])
    assert "ลงรับเรียบร้อย" in receipt.text and 'id="receipt-number">1/2569<' in receipt.text
    assert "scan.pdf" in receipt.text
    # the same letter again: warned, nothing numbered, the form keeps everything (the scan too)
    again = c.post("/admin/register", data=form, files={"scan": ("scan.pdf", b"%PDF-1.4\n%fake\n", "application/pdf")})
    assert again.status_code == 409
    assert "อาจซ้ำกับหนังสือที่ลงรับแล้ว" in again.text and "เลขรับ 1/2569" in again.text
    assert 'name="dup_ok"' in again.text and 'name="kept_scan"' in again.text
    assert len(events_of(runtime, "letter.registered")) == 1
    kept = re.search(r'name="kept_scan" value="([^"]+)"', again.text).group(1)
    confirmed = c.post("/admin/register", data={**form, "dup_ok": "1", "kept_scan": kept, "kept_name": "scan.pdf"},
                       follow_redirects=False)
    assert confirmed.status_code == 303
    second = c.get(confirmed.headers["location"])
    assert 'id="receipt-number">2/2569<' in second.text and "receipt-duplicates" in second.text
    assert "scan.pdf" in second.text


def test_the_form_refuses_what_the_chat_refuses_and_loses_nothing(client, demo, token, runtime):
    c = _clerk(client, token, demo)
    r = c.post("/admin/register", data={"action": "register", "unit_id": str(demo.unit("มท 0201")),
                                        "subject": "เรื่องที่พิมพ์ไว้", "letter_date": "31/2/2569", "sender": ""})
    assert r.status_code == 422
    assert "กรุณาระบุจาก" in r.text and "ลงวันที่อ่านไม่ได้" in r.text
    assert "เรื่องที่พิมพ์ไว้" in r.text and 'value="31/2/2569"' in r.text
    assert events_of(runtime, "letter.registered") == []


def test_outgoing_number_is_issued_and_shown_as_outgoing(client, demo, token):
    c = _clerk(client, token, demo)
    r = c.post("/admin/outgoing", data={"unit_id": str(demo.unit("มท 0201")), "subject": "ขอความอนุเคราะห์ข้อมูล",
                                        "addressee": "ผู้ว่าราชการจังหวัดทุกจังหวัด", "letter_date": "2/3/2569",
                                        "priority": "normal"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get(r.headers["location"]).text
    assert "ออกเลขเรียบร้อย" in page and "วันที่ออกเลข" in page and "วันที่ลงรับ" not in page
    assert "ออกเลขแล้ว" in page and "ลงรับแล้ว" not in page and 'id="forward-form"' not in page
    listing = c.get("/admin/letters?direction=outgoing").text
    assert "ขอความอนุเคราะห์ข้อมูล" in listing and "ทะเบียนส่ง 2569" in listing
    assert "ขอความอนุเคราะห์ข้อมูล" not in c.get("/admin/letters?direction=incoming").text


def test_correction_keeps_the_number_needs_a_reason_and_shows_before_and_after(client, demo, token, runtime):
    letter_id, _ = register(runtime, demo.unit("มท 0201"), subject="ขอเชิญประชุมคณะทำงนา")
    c = _clerk(client, token, demo)
    no_reason = c.post(f"/admin/letters/{letter_id}/correct", data={"subject": "ขอเชิญประชุมคณะทำงาน", "reason": ""})
    assert no_reason.status_code == 422 and "กรุณาระบุเหตุผลการแก้ไข" in no_reason.text
    assert events_of(runtime, "letter.corrected") == []
    form = c.get(f"/admin/letters/{letter_id}/correct").text
    assert 'name="number"' not in form
    fields = dict(re.findall(r'name="(\w+)" type="text" value="([^"]*)"', form))
    r = c.post(f"/admin/letters/{letter_id}/correct",
               data={**fields, "subject": "ขอเชิญประชุมคณะทำงาน", "reason": "พิมพ์ชื่อเรื่องผิด"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    (event,) = events_of(runtime, "letter.corrected")
    assert event.data["before"] == {"subject": "ขอเชิญประชุมคณะทำงนา"}
    assert event.data["after"] == {"subject": "ขอเชิญประชุมคณะทำงาน"} and event.data["reason"] == "พิมพ์ชื่อเรื่องผิด"
    page = c.get(f"/admin/letters/{letter_id}").text
    assert "แก้ไขรายละเอียด" in page and "“ขอเชิญประชุมคณะทำงนา” → “ขอเชิญประชุมคณะทำงาน”" in page
    assert "1/2569" in page
    from registry.models import Registration
    with runtime.read() as s:
        assert s.execute(select(Registration.number).where(Registration.letter_id == letter_id)).scalar_one() == 1
    # the word index follows the correction
    assert "ขอเชิญประชุมคณะทำงาน" in c.get("/admin/letters", params={"q": "คณะทำงาน"}).text


def test_a_form_posted_from_another_site_is_refused(client, demo, token, runtime):
    c = _clerk(client, token, demo)
    data = {"action": "register", "unit_id": str(demo.unit("มท 0201")), "subject": "ปลอม", "sender": "ปลอม"}
    r = c.post("/admin/register", data=data, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "เว็บไซต์อื่น" in r.text
    r = c.post("/admin/letters/1/act", data={"action": "close"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert events_of(runtime, "letter.registered") == []
    ok = c.post("/admin/register", data=data, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert ok.status_code == 303

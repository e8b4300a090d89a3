"""The web register form read from the uploaded scan (issue 14 point 1): a scan with the fields left
empty fills the form through scan.read (doubtful fields marked); nothing is registered until the
officer checks it and presses ลงรับ, and the file uploaded once is the one attached, sha256 intact."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from registry.models import Attachment, Letter
from scan import ocr, specimens
from tests.admin_api.conftest import events_of
from tests.scan.letters import compact, letter
from tests.web_forms import csrf_of, sign_in


def _clerk(client, token, demo):
    sign_in(client, token(demo.person("clerk")))
    return client


def _value(html: str, name: str) -> str:
    m = re.search(rf'<input id="f-{name}" name="{name}"[^>]*value="([^"]*)"', html, re.S)
    if m is None:
        m = re.search(rf'<textarea id="f-{name}" name="{name}"[^>]*>([^<]*)</textarea>', html, re.S)
    assert m is not None, name
    return m.group(1)


def _csrf(c) -> dict:
    try:
        return {"csrf": csrf_of(c.get("/admin/register").text)}
    except AssertionError:  # sign-in by token cookie sets no session yet: the guard does not ask
        return {}


def test_a_text_pdf_with_empty_fields_prefills_the_form_then_registers_with_the_file(client, demo, token, runtime):
    c = _clerk(client, token, demo)
    lt = letter(7)
    data, name = specimens.specimen(lt, "pdf-text")
    unit = str(demo.unit("มท 0201"))
    r = c.post("/admin/register", data={"action": "register", "unit_id": unit, "priority": "normal", **_csrf(c)},
               files={"scan": (name, data, "application/pdf")})
    assert r.status_code == 200, r.text
    html = r.text
    assert 'id="scan-read"' in html and "ข้อความในไฟล์ PDF" in html
    assert compact(_value(html, "subject")) == compact(lt.subject)
    assert compact(_value(html, "sender")) == compact(lt.sender)
    assert compact(_value(html, "ref_no")) == compact(lt.ref_no)
    d = lt.date
    assert _value(html, "letter_date") == f"{d.day:02d}/{d.month:02d}/{d.year + 543}"  # พ.ศ.
    kept = re.search(r'name="kept_scan" value="([^"]+)"', html).group(1)
    assert not events_of(runtime, "letter.registered")  # read, not registered
    form = {"action": "register", "unit_id": unit, "priority": "normal", "kept_scan": kept, "kept_name": name,
            **{f: _value(html, f) for f in ("ref_no", "letter_date", "sender", "subject", "addressee")}, **_csrf(c)}
    done = c.post("/admin/register", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    with runtime.read() as s:
        row = s.execute(select(Letter)).scalar_one()
        assert compact(row.subject) == compact(lt.subject) and row.letter_date == lt.date
        att = s.execute(select(Attachment)).scalar_one()
        assert att.letter_id == row.id and att.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(not ocr.available(), reason="tesseract with the Thai model is not installed")
def test_a_thai_digit_photo_prefills_with_the_numbers_marked_doubtful(client, demo, token, runtime):
    c = _clerk(client, token, demo)
    lt = letter(2, thai_digits=True)
    data, name = specimens.specimen(lt, "clean")
    r = c.post("/admin/register", data={"action": "scan", "unit_id": str(demo.unit("มท 0201")), **_csrf(c)},
               files={"scan": (name, data, "image/png")})
    assert r.status_code == 200, r.text
    html = r.text
    assert "อ่านจากภาพ" in html
    assert compact(_value(html, "sender")) == compact(lt.sender)
    marked = re.search(r'id="scan-doubtful">([^<]*)<', html).group(1)
    assert "ที่" in marked.split(", ") and "ลงวันที่" in marked.split(", ")
    assert 'id="h-ref_no">อ่านจากไฟล์ได้ไม่แน่ชัด' in html and 'id="h-letter_date">อ่านจากไฟล์ได้ไม่แน่ชัด' in html
    with runtime.read() as s:
        assert s.execute(select(func.count()).select_from(Letter)).scalar_one() == 0


def test_typed_fields_are_never_overwritten_by_the_scan(client, demo, token, runtime):
    c = _clerk(client, token, demo)
    data, name = specimens.specimen(letter(8), "pdf-text")
    form = {"action": "register", "unit_id": str(demo.unit("มท 0201")), "subject": "เรื่องที่พิมพ์เอง",
            "sender": "กรมที่พิมพ์เอง", "priority": "normal", **_csrf(c)}
    r = c.post("/admin/register", data=form, files={"scan": (name, data, "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with runtime.read() as s:
        assert s.execute(select(Letter.subject)).scalar_one() == "เรื่องที่พิมพ์เอง"


def test_an_unreadable_scan_is_said_in_thai_and_kept_for_the_typed_fields(client, demo, token, runtime):
    c = _clerk(client, token, demo)
    r = c.post("/admin/register", data={"action": "scan", "unit_id": str(demo.unit("มท 0201")), **_csrf(c)},
               files={"scan": ("scan.pdf", b"%PDF-1.4\n%fake\n", "application/pdf")})
    assert r.status_code == 422
    assert "กรุณากรอกแต่ละช่องเอง" in r.text and 'name="kept_scan"' in r.text

"""Exports that hold up (issue 13 point 4): every format of every report answers 200 with a readable
file name; XLSX keeps dates and numbers typed, has a filter row, print titles, landscape A4 and
fitted columns; no cell becomes a formula (XLSX and CSV, OWASP); PDFs break Thai lines between
words, print the audit checks as words that render, and survive a cell taller than a page."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from urllib.parse import unquote

import pytest
from sqlalchemy import update

from tests.admin_api.conftest import ADMIN, SYSTEM, register
from tests.web_forms import sign_in

FORMATS = ("xlsx", "csv", "pdf")
MAGIC = {"xlsx": b"PK", "csv": "\ufeff".encode(), "pdf": b"%PDF"}
NASTY = {"subject": '=HYPERLINK("http://evil.example","คลิก")', "sender": "+cmd|' /C calc'!A0",
         "ref_no": "-2+3", "addressee": "@SUM(1+1)"}


def _audit(runtime, unit_id: int) -> int:
    from registry.audits import AuditRequest, create_audit

    with runtime.transaction() as s:
        audit = create_audit(s, AuditRequest(unit_ids=(unit_id,), period_from=dt.date(2026, 1, 1),
                                             period_to=dt.date(2026, 12, 31), sample_size=2, seed=5,
                                             title="ตรวจประจำไตรมาส"), actor=SYSTEM, clock=runtime.clock)
        return audit.id


def _filename(resp) -> str:
    value = resp.headers["content-disposition"]
    return unquote(re.search(r"filename\*=UTF-8''(.+)$", value).group(1))


@pytest.fixture
def letters(runtime, demo):
    unit = demo.unit("มท 0201")
    register(runtime, unit, subject="ขอเชิญประชุม")
    register(runtime, unit, subject=NASTY["subject"], sender=NASTY["sender"], ref_no=NASTY["ref_no"])
    from registry.commands import RegisterOutgoing
    from registry.intake import register_outgoing

    with runtime.transaction() as s:
        register_outgoing(s, RegisterOutgoing(unit_id=unit, subject="แจ้งผล", addressee=NASTY["addressee"]),
                          actor=SYSTEM, clock=runtime.clock)
        register_outgoing(s, RegisterOutgoing(unit_id=unit, subject="เวียนแจ้ง", addressee="ทุกจังหวัด", circular=True),
                          actor=SYSTEM, clock=runtime.clock)
    return unit


def test_every_format_of_every_export_answers_200_with_a_readable_name(client, demo, runtime, letters):
    audit_id = _audit(runtime, letters)
    urls = [f"/api/v1/exports/register?unit={letters}&year=2569&direction={d}&format={f}"
            for d in ("incoming", "outgoing", "circular") for f in FORMATS]
    urls += [f"/api/v1/exports/completeness?format={f}" for f in FORMATS]
    urls += [f"/api/v1/exports/completeness?unit={letters}&year=2569&format={f}" for f in FORMATS]
    urls += [f"/api/v1/exports/destruction?year=2569&format={f}" for f in FORMATS]
    urls += [f"/api/v1/exports/destruction?year=2569&unit={letters}&format={f}" for f in FORMATS]
    urls += [f"/api/v1/audits/{audit_id}/export.{f}" for f in FORMATS]
    # and every download the exports page itself links to
    sign_in(client, "bootstrap-admin-token-for-tests")
    page = client.get("/admin/exports").text
    client.cookies.clear()
    urls += [u.replace("&amp;", "&") for u in re.findall(r'href="(/api/v1/[^"]+)"', page)]
    names = {}
    for url in urls:
        r = client.get(url, headers=ADMIN)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
        fmt = url.split("format=")[1][:4] if "format=" in url else url.rsplit(".", 1)[1]
        fmt = fmt.rstrip("&")
        assert r.content.startswith(MAGIC[fmt]), url
        names[url] = _filename(r)
    register_name = names[f"/api/v1/exports/register?unit={letters}&year=2569&direction=incoming&format=xlsx"]
    assert register_name == "ทะเบียนหนังสือรับ มท 0201 ปี 2569.xlsx"
    assert names[f"/api/v1/exports/register?unit={letters}&year=2569&direction=outgoing&format=pdf"] == \
        "ทะเบียนหนังสือส่ง มท 0201 ปี 2569.pdf"
    assert names[f"/api/v1/audits/{audit_id}/export.csv"] == f"ผลการสุ่มตรวจ {audit_id} ตรวจประจำไตรมาส.csv"


def test_xlsx_has_typed_cells_filter_print_titles_and_landscape_a4(client, letters):
    from openpyxl import load_workbook

    r = client.get(f"/api/v1/exports/register?unit={letters}&year=2569&format=xlsx", headers=ADMIN)
    ws = load_workbook(io.BytesIO(r.content)).active
    header = next(row[0].row for row in ws.iter_rows() if row[1].value == "เลขทะเบียนรับ")
    first = [c.value for c in ws[header + 1]]
    assert isinstance(first[0], dt.datetime) and first[0].date() == dt.date(2026, 3, 2)  # a real date
    assert first[1] == 1 and isinstance(first[1], int)  # a real number
    assert isinstance(first[3], dt.datetime) and first[3].date() == dt.date(2026, 2, 27)
    assert "107041E" in ws.cell(header + 1, 1).number_format  # shown with the พ.ศ. year
    assert ws.auto_filter.ref == f"A{header}:I{header + 2}"
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["G"] > widths["B"]  # เรื่อง is wider than the number column: fitted, not uniform


def test_no_cell_becomes_a_formula_in_xlsx_or_csv(client, letters):
    from openpyxl import load_workbook

    for direction in ("incoming", "outgoing"):
        r = client.get(f"/api/v1/exports/register?unit={letters}&year=2569&direction={direction}&format=xlsx",
                       headers=ADMIN)
        sheet_xml = zipfile.ZipFile(io.BytesIO(r.content)).read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
        ws = load_workbook(io.BytesIO(r.content)).active
        cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert cells, "the nasty values are in the file"
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    text = client.get(f"/api/v1/exports/register?unit={letters}&year=2569&format=csv", headers=ADMIN).content.decode("utf-8-sig")
    import csv

    values = [v for row in csv.reader(io.StringIO(text)) for v in row]
    assert "'" + NASTY["subject"] in values and "'" + NASTY["sender"] in values and "'" + NASTY["ref_no"] in values
    assert not any(v[:1] in ("=", "+", "-", "@", "\t", "\r") for v in values)
    out = client.get(f"/api/v1/exports/register?unit={letters}&year=2569&direction=outgoing&format=csv",
                     headers=ADMIN).content.decode("utf-8-sig")
    assert "'" + NASTY["addressee"] in out


pdftotext = shutil.which("pdftotext")
pdftoppm = shutil.which("pdftoppm")
_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\ue000-\uf8ff]")  # marks, and their shifted forms


def _bare(text: str) -> str:
    # pdftotext drops or moves Thai marks of shaped text; compare the base letters only
    return _MARKS.sub("", text.replace("ำ", "า")).replace(" ", "")


@pytest.mark.skipif(pdftotext is None, reason="poppler-utils (pdftotext) is not installed")
def test_pdf_breaks_thai_lines_between_words(tmp_path):
    from pythainlp.tokenize import word_tokenize

    from admin_api.exports.tabular import Table, render

    text = ("ปลัดกระทรวงมหาดไทย อธิบดีกรมส่งเสริมการปกครองท้องถิ่น ผู้ว่าราชการจังหวัดนครราชสีมา "
            "ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณรายจ่ายประจำปีงบประมาณขององค์กรปกครองส่วนท้องถิ่น")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render(Table(title="ทดสอบ", headers=("No", "To"), rows=[("1", text)], widths=(1, 0.45)), "pdf"))
    out = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [ln.strip() for ln in out.splitlines() if ln.strip() and not ln.strip().startswith(("ทดสอบ", "No", "หน้า"))]
    lines = [ln[1:].strip() if ln.startswith("1 ") else ln for ln in lines]
    assert len(lines) >= 4, lines  # the narrow column really wraps
    allowed = {0}
    pos = 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(_bare(token))
        allowed.add(pos)
    assert _bare("".join(lines)) == _bare(text)
    at = 0
    for line in lines[:-1]:
        at += len(_bare(line))
        assert at in allowed, f"a line ends inside a word: …{line[-12:]}"


@pytest.mark.skipif(pdftoppm is None or pdftotext is None, reason="poppler-utils is not installed")
def test_audit_pdf_prints_checks_as_words_that_render(client, demo, runtime, letters, tmp_path):
    from reportlab.pdfbase import pdfmetrics

    from admin_api.exports.tabular import _register_fonts

    audit_id = _audit(runtime, letters)
    r = client.get(f"/api/v1/audits/{audit_id}/export.pdf", headers=ADMIN)
    pdf = tmp_path / "audit.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "ผ่าน" in text and "✓" not in text and "✗" not in text
    assert "proportional" not in text and "ตามสัดส่วน" in text
    # every character drawn has a glyph in the embedded font (a missing one prints as an empty box)
    _register_fonts()
    face = pdfmetrics.getFont("Sarabun").face
    from admin_api.exports.builders import audit_table

    with runtime.read() as s:
        from registry.audits import get_audit

        table = audit_table(s, get_audit(s, audit_id))
    drawn = {ch for row in [table.headers, *table.rows] for v in row for ch in str(v) if not ch.isspace()}
    missing = sorted(ch for ch in drawn if ord(ch) not in face.charToGlyph)
    assert missing == []
    # and it renders: the check column's ink is there on the rendered page
    subprocess.run([pdftoppm, "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    img = Image.open(png).convert("L")
    dark = sum(1 for p in img.getdata() if p < 128)
    assert dark > 2000  # a page with text on it, not blank


def test_a_cell_taller_than_a_page_does_not_break_the_pdf(client, demo, runtime, letters):
    from registry.models import Book

    with runtime.transaction() as s:  # a paper book that stopped at 6,000: thousands of missing numbers
        s.execute(update(Book).where(Book.unit_id == letters, Book.direction == "incoming").values(last_number=6000))
    r = client.get("/api/v1/exports/completeness?format=pdf", headers=ADMIN)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_exports_page_defaults_to_the_viewers_unit(client, demo, token, runtime):
    clerk_unit = demo.unit("มท 0201")
    register(runtime, clerk_unit)
    sign_in(client, token(demo.person("clerk")))
    html = client.get("/admin/exports").text
    selected = re.search(r'<option value="(\d+)" selected>', html)
    assert selected and int(selected.group(1)) == clerk_unit
    # an admin with no unit of their own gets the unit that has letters this year, not the first by code
    sign_in(client, "bootstrap-admin-token-for-tests")
    html = client.get("/admin/exports").text
    assert int(re.search(r'<option value="(\d+)" selected>', html).group(1)) == clerk_unit


def test_a_day_or_a_search_result_exports_from_the_letters_page(client, demo, token, runtime):
    unit = demo.unit("มท 0201")
    register(runtime, unit, subject="ประชุมเช้าวันจันทร์", received_at=dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC))
    register(runtime, unit, subject="ประชุมวันอาทิตย์", received_at=dt.datetime(2026, 3, 1, 1, tzinfo=dt.UTC))
    register(runtime, unit, subject="ขอเชิญอบรม", received_at=dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC))
    sign_in(client, token(demo.person("clerk")))
    page = client.get("/admin/letters", params={"from": "2/3/2569", "to": "2/3/2569", "unit": unit}).text
    assert "พบ 2 รายการ" in page and 'id="export-result-xlsx"' in page
    link = re.search(r'href="(/admin/letters/export\?[^"]+format=csv)"', page).group(1).replace("&amp;", "&")
    r = client.get(link)
    assert r.status_code == 200
    body = r.content.decode("utf-8-sig")
    assert "ประชุมเช้าวันจันทร์" in body and "ขอเชิญอบรม" in body and "ประชุมวันอาทิตย์" not in body
    assert _filename(r) == "หนังสือรับ มท 0201 02-03-2569.csv"
    r = client.get("/admin/letters/export", params={"q": "ประชุม", "format": "pdf", "unit": unit})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert _filename(r) == "หนังสือรับ มท 0201 ผลการค้นหา.pdf"
    r = client.get("/admin/letters/export", params={"q": "ประชุม", "format": "xlsx"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    subjects = [row[6].value for row in ws.iter_rows() if isinstance(row[1].value, int)]
    assert sorted(subjects) == ["ประชุมวันอาทิตย์", "ประชุมเช้าวันจันทร์"]


@pytest.mark.skipif(pdftotext is None, reason="poppler-utils (pdftotext) is not installed")
def test_evidence_pack_is_one_printable_pdf_naming_who_misses(client, demo, runtime, letters, tmp_path):
    sign_in(client, "bootstrap-admin-token-for-tests")
    page = client.get("/admin/reports").text
    link = re.search(r'id="evidence-pack" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    r = client.get(link)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert _filename(r).startswith("ชุดหลักฐานตัวชี้วัด ")
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(r.content)
    text = re.sub(r"\s", "", _bare(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                                                     check=True).stdout))
    for heading in ("ชุดหลักฐานตัวชี้วัด", "แผนผังขั้นตอน", "สถิติรายหน่วยงาน", "การสุ่มตรวจที่ปิดแล้ว",
                    "คู่มือการใช้งาน", "ทะเบียนผู้ฝึกใช้งาน"):
        assert _bare(heading) in text, heading
    assert _bare("หน่วยงานที่ยังไม่ลงรับในช่วงนี้") in text  # level 2's misses are named
    assert _bare("ผู้ใช้ที่ยังไม่ผ่านการฝึก") in text and _bare(demo.names[demo.person("owner")].split()[0]) in text
    assert "/manual" in text

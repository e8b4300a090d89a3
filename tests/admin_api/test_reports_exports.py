"""Reports, indicator evidence, exports in the official form, metrics, and the public pages."""

from __future__ import annotations

import datetime as dt

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from registry.commands import RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.lifecycle import ACTION_TH, STATE_TH, TRANSITIONS
from registry.models import TrainingProgress
from tests.admin_api.conftest import ADMIN, acknowledge, forward_to, register
from tests.web_forms import csrf_of, sign_in

SYSTEM = Actor(None, "test")
OFFICIAL = ["วันที่ลงรับ", "เลขทะเบียนรับ", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def scenario(runtime, demo, clock):
    """กองกลาง: A forwarded after 2 h and acknowledged 3 h later; B forwarded after 4 h, never
    acknowledged (overdue ten days on); C never forwarded. กองคลัง: one letter, nothing done."""
    kk, kc = demo.unit("มท 0201"), demo.unit("มท 0202")
    owner = demo.person("owner")
    a, _ = register(runtime, kk, subject="ขอเชิญประชุมคณะกรรมการบริหารงานจังหวัดแบบบูรณาการ")
    b, _ = register(runtime, kk, subject="การเตรียมความพร้อมรับมือสถานการณ์อุทกภัย")
    c, _ = register(runtime, kk, subject="แนวทางปฏิบัติในการจัดซื้อจัดจ้าง")
    register(runtime, kc, subject="รายงานผลการเบิกจ่าย")
    clock.advance(hours=2)
    fa = forward_to(runtime, a, owner)
    clock.advance(hours=2)
    forward_to(runtime, b, owner)
    clock.advance(hours=1)
    acknowledge(runtime, fa, owner)
    clock.advance(days=10)
    return {"kk": kk, "kc": kc, "a": a, "b": b, "c": c}


def test_unit_report(client, scenario):
    r = client.get("/api/v1/reports/units?from=2026-03-01&to=2026-03-31", headers=ADMIN)
    assert r.status_code == 200
    rows = {u["unit_id"]: u for u in r.json()["units"]}
    kk = rows[scenario["kk"]]
    assert (kk["received"], kk["forwarded"], kk["acknowledged"], kk["overdue"]) == (3, 2, 1, 1)
    assert kk["forwarded_pct"] == pytest.approx(200 / 3)
    assert kk["acknowledged_pct"] == pytest.approx(50.0)
    assert kk["median_forward_hours"] == pytest.approx(3.0)  # median of 2 h and 4 h
    assert kk["median_ack_hours"] == pytest.approx(3.0)
    assert kk["audit_pass_pct"] is None
    kc = rows[scenario["kc"]]
    assert (kc["received"], kc["forwarded"], kc["forwarded_pct"], kc["median_forward_hours"]) == (1, 0, 0.0, None)
    # outside the period there is nothing
    empty = client.get("/api/v1/reports/units?from=2026-01-01&to=2026-01-31", headers=ADMIN).json()
    assert all(u["received"] == 0 for u in empty["units"])
    backlog = {b["label"]: b["count"] for b in client.get("/api/v1/reports/backlog", headers=ADMIN).json()["buckets"]}
    assert backlog["7–30 วัน"] == 3 and sum(backlog.values()) == 3  # B and C in กองกลาง, one in กองคลัง


def test_indicator_levels(client, runtime, scenario, demo, clock):
    levels = client.get("/api/v1/reports/indicator?from=2026-03-01&to=2026-03-31", headers=ADMIN).json()["levels"]
    by = {lv["level"]: lv for lv in levels}
    assert by[1]["met"] and "/process" in by[1]["evidence"] and by[1]["figures"]["transitions"] == len(TRANSITIONS)
    # units with a clerk: กองกลาง, ฝ่ายสารบรรณ, กองคลัง, สนผ., ระยอง, เชียงใหม่ — two of them recorded
    assert by[2]["figures"]["units_recording"] == 2 and not by[2]["met"]
    assert not by[3]["met"] and by[3]["figures"]["audits_closed"] == 0
    assert by[4]["met"] and by[4]["figures"]["manual_chars"] > 2000
    assert not by[5]["met"] and by[5]["figures"]["trained"] == 0
    with runtime.transaction() as s:
        s.add(TrainingProgress(person_id=demo.person("clerk"), step="done", started_at=clock.now(),
                               completed_at=clock.now()))
    levels = client.get("/api/v1/reports/indicator?from=2026-03-01&to=2026-03-31", headers=ADMIN).json()["levels"]
    assert levels[4]["met"] and levels[4]["figures"]["trained"] == 1
    trained = client.get("/api/v1/reports/training", headers=ADMIN).json()
    assert [(t["person_id"], t["completed_at"] is not None) for t in trained] == [(demo.person("clerk"), True)]
    sign_in(client, "bootstrap-admin-token-for-tests")
    assert "นางสาวสมใจ ใจดี" in client.get("/admin/reports").text


def test_register_exports_in_official_order_with_thai_dates(client, scenario):
    kk = scenario["kk"]
    url = f"/api/v1/exports/register?unit={kk}&year=2569&direction=incoming"
    x = client.get(url + "&format=xlsx", headers=ADMIN)
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(x.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "ทะเบียนหนังสือรับ ปี พ.ศ. 2569"
    header = rows.index(OFFICIAL)
    body = rows[header + 1: header + 4]
    assert [r[1] for r in body] == [1, 2, 3]  # real numbers and dates (issue 13: they sort right)
    assert body[0][0].date() == dt.date(2026, 3, 2) and body[0][3].date() == dt.date(2026, 2, 27)
    assert body[0][2] == "มท 0808.2/ว 1095" and body[0][6].startswith("ขอเชิญประชุม")
    assert "รับทราบ" in body[0][7] and "นายสมชาย" in body[0][7]

    c = client.get(url + "&format=csv", headers=ADMIN)
    assert c.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Thai correctly
    parsed = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert parsed[0] == OFFICIAL and len(parsed) == 4

    p = client.get(url + "&format=pdf", headers=ADMIN)
    assert p.status_code == 200 and p.content.startswith(b"%PDF") and b"Sarabun" in p.content
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "register-incoming.pdf").write_bytes(p.content)
    if shutil.which("pdftotext"):  # the text is really there, in Thai, in the official order
        text = subprocess.run(["pdftotext", "-layout", str(ARTIFACTS / "register-incoming.pdf"), "-"],
                              capture_output=True, check=True).stdout.decode("utf-8")
        assert "ทะเบียนหนังสือรับ" in text and "2569" in text
        # (shaped glyphs drop some marks from extracted text; the order of the columns still shows)
        assert text.index("จาก") < text.index("ถึง") < text.index("หมายเหตุ")
        assert "มท 0808.2/ว" in text and "27 ก.พ." in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(ARTIFACTS / "register-incoming.pdf"),
                        str(ARTIFACTS / "register-incoming")], check=True)

    out = client.get(f"/api/v1/exports/register?unit={kk}&year=2569&direction=outgoing&format=csv", headers=ADMIN)
    assert list(csv.reader(io.StringIO(out.content.decode("utf-8-sig"))))[0][1] == "เลขทะเบียนส่ง"


def test_completeness_and_destruction_exports(client, runtime, demo, clock):
    kk = demo.unit("มท 0201")
    with runtime.transaction() as s:
        short = register_incoming(s, RegisterIncoming(unit_id=kk, subject="ประกาศรับสมัคร", retention="1y"),
                                  actor=SYSTEM, clock=runtime.clock).letter_id
        register_incoming(s, RegisterIncoming(unit_id=kk, subject="คำสั่งแต่งตั้ง", retention="permanent"),
                          actor=SYSTEM, clock=runtime.clock)
    for letter_id in (short, short + 1):
        assert client.post(f"/api/v1/letters/{letter_id}/close", headers=ADMIN, json={}).status_code == 200
    this_year = list(csv.reader(io.StringIO(client.get(
        "/api/v1/exports/destruction?year=2569&format=csv", headers=ADMIN).content.decode("utf-8-sig"))))
    assert len(this_year) == 1  # headers only: a 1-year letter closed in 2569 is due in 2570
    due = list(csv.reader(io.StringIO(client.get(
        "/api/v1/exports/destruction?year=2570&format=csv", headers=ADMIN).content.decode("utf-8-sig"))))
    assert due[0][:5] == ["ลำดับที่", "รหัสแฟ้ม", "ที่", "ลงวันที่", "เรื่อง"]
    assert [r[4] for r in due[1:]] == ["ประกาศรับสมัคร"]  # never the permanent one
    assert due[1][6] == "2 มี.ค. 2570"
    pdf = client.get("/api/v1/exports/destruction?year=2570&format=pdf", headers=ADMIN)
    assert pdf.content.startswith(b"%PDF")

    comp = client.get(f"/api/v1/exports/completeness?unit={kk}&format=csv", headers=ADMIN).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(comp)))
    assert rows[1][:5] == ["มท 0201", "หนังสือรับ", "2569", "2", "2"] and rows[1][-1] == "ครบถ้วน"
    xl = client.get("/api/v1/exports/completeness?format=xlsx", headers=ADMIN)
    assert load_workbook(io.BytesIO(xl.content)).active["A1"].value == "รายงานความครบถ้วนของเลขทะเบียน"


def test_metrics(client, scenario):
    client.get("/healthz")
    client.get("/api/v1/letters/999999")  # refused (no token): counted by its route template, not the id
    client.get("/no/such/page")
    text = client.get("/metrics").text
    assert 'saraban_registrations{state="active"} 4.0' in text
    assert re.search(r"^saraban_outbox_backlog \d", text, re.M)
    assert 'saraban_delivery_failures{kind="failed"} 0.0' in text
    assert 'saraban_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert 'route="/api/v1/letters/{letter_id}",status="401"} 1.0' in text
    assert 'saraban_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text


def test_process_page_is_generated_from_the_transition_table(client):
    r = client.get("/process")
    assert r.status_code == 200 and "<svg" in r.text and "http://" not in r.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for state in {t.source for t in TRANSITIONS} | {t.target for t in TRANSITIONS}:
        assert STATE_TH[state] in r.text
    for t in TRANSITIONS:
        assert t.note_th in r.text
    assert r.text.count('class="state"') == len({t.source for t in TRANSITIONS} | {t.target for t in TRANSITIONS}) + 1


def test_manual_page(client):
    r = client.get("/manual")
    assert r.status_code == 200
    for words in ("ผูกบัญชี", "รับทราบ 15", "สุ่มตรวจ กองกลาง 20", "เจ้าหน้าที่สารบรรณ", "ผู้ดูแลระบบ", "<table>"):
        assert words in r.text
    assert "{{ตารางขั้นตอน}}" not in r.text and all(ACTION_TH[t.action] in r.text for t in TRANSITIONS)


def test_sign_in_cookie_and_pages(client, runtime, demo, token):
    from registry.events import Actor
    from registry.signin import set_password

    owner_id = demo.person("owner")
    owner = token(owner_id)
    with runtime.transaction() as s:
        set_password(s, owner_id, "เจ้าของเรื่อง-2569", username="owner.kk", actor=Actor(None, "test"),
                     clock=runtime.clock)
    assert client.get("/admin", follow_redirects=False).headers["location"].startswith("/admin/login")
    bad = client.post("/admin/login", data={"username": "owner.kk", "password": "wrong-password"},
                      follow_redirects=False)
    assert bad.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in bad.text
    # an API token is for scripts: it signs nobody in on the web
    as_token = client.post("/admin/login", data={"token": owner}, follow_redirects=False)
    assert as_token.status_code == 401 and "set-cookie" not in as_token.headers
    ok = client.post("/admin/login", data={"username": "Owner.KK", "password": "เจ้าของเรื่อง-2569",
                                           "next": "/admin/letters"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/admin/letters"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "saraban_session=" in cookie
    session_id = client.cookies.get("saraban_session")
    assert session_id and session_id != owner  # a random session id, never a bearer token
    assert client.get("/api/v1/letters", headers={"Authorization": f"Bearer {session_id}"}).status_code == 401
    assert "ทะเบียนหนังสือ" in client.get("/admin/letters").text
    assert "ขออภัย" in client.get("/admin/audits").text  # an owner is no auditor
    # the cookie works for downloads (reads), with the same role rules; never for writes through the API
    assert client.get(f"/api/v1/exports/register?unit={demo.unit('มท 0201')}&year=2569&format=csv").status_code == 200
    assert client.get("/api/v1/audits").status_code == 403
    assert client.post("/api/v1/audits", json={}).status_code == 401
    logout = client.post("/admin/logout", headers={"x-csrf-token": csrf_of(client.get("/admin/letters").text)},
                         follow_redirects=False)
    assert logout.status_code == 303
    client.cookies.set("saraban_session", session_id)  # the old cookie, kept by an attacker
    assert client.get("/api/v1/letters").status_code == 401
    assert client.get("/admin", follow_redirects=False).headers["location"].startswith("/admin/login")
    font = client.get("/static/fonts/Sarabun-Regular.ttf")
    assert font.status_code == 200 and font.headers["content-type"] == "font/ttf" and len(font.content) > 50_000
    assert client.get("/static/fonts/..%2F__init__.py").status_code == 404
    assert "@font-face" in client.get("/static/admin.css").text


def test_dashboard_and_audit_pages_for_an_admin(client, scenario):
    sign_in(client, "bootstrap-admin-token-for-tests")
    page = client.get("/admin")
    assert page.status_code == 200 and page.text.count("<svg") == 2 and "กองกลาง" in page.text
    assert "ระดับ 3" in page.text
    r = client.post("/admin/audits", data={"units": [str(scenario["kk"])], "period_from": "2026-03-01",
                                           "period_to": "2026-03-31", "sample_size": "2", "seed": "9"},
                    follow_redirects=False)
    assert r.status_code == 303
    audit_page = client.get(r.headers["location"])
    assert "seed <code>9</code>" in audit_page.text and audit_page.text.count('class="card item"') == 2
    detail = client.get(f"/admin/letters/{scenario['a']}")
    assert "ขอเชิญประชุม" in detail.text and "ประวัติการดำเนินการ" in detail.text
    assert client.get("/admin/letters/999999").status_code == 200  # a polite page, not a 500
    assert "ไม่พบหนังสือ" in client.get("/admin/letters/999999").text
    assert client.get("/admin/reports?start=2026-03-01&end=2026-03-31").status_code == 200
    assert "ทะเบียนหนังสือรับ" in client.get("/admin/exports").text


def test_acting_on_a_letter_from_its_page(client, runtime, demo, token):
    kk = demo.unit("มท 0201")
    letter_id, _ = register(runtime, kk, subject="ขอเชิญประชุมหารือ")
    owner_id = demo.person("owner")
    sign_in(client, token(demo.person("clerk")))
    page = client.get(f"/admin/letters/{letter_id}").text
    assert 'id="forward-form"' in page and "ยกเลิกเลขทะเบียน" in page
    r = client.post(f"/admin/letters/{letter_id}/act", data={"action": "forward", "person_id": str(owner_id),
                                                             "purpose": "act", "instruction": "โปรดเข้าร่วม"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "บันทึก “ส่งต่อ” เรียบร้อยแล้ว" in client.get(r.headers["location"]).text
    # the clerk cannot acknowledge for the owner; the owner can, from the same page
    assignment = client.get(f"/api/v1/letters/{letter_id}", headers=ADMIN).json()["assignments"][0]["id"]
    r = client.post(f"/admin/letters/{letter_id}/act", data={"action": "acknowledge", "assignment_id": str(assignment)})
    assert r.status_code == 409 and "ขออภัย ท่านไม่มีสิทธิ์" in r.text
    sign_in(client, token(owner_id))
    assert 'id="acknowledge"' in client.get(f"/admin/letters/{letter_id}").text
    r = client.post(f"/admin/letters/{letter_id}/act", data={"action": "acknowledge", "assignment_id": str(assignment)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/api/v1/letters/{letter_id}", headers=ADMIN).json()["status"] == "acknowledged"
    # an auditor sees no buttons and is refused if they post anyway
    sign_in(client, token(demo.person("auditor", "มท 02")))
    assert 'id="actions"' not in client.get(f"/admin/letters/{letter_id}").text
    r = client.post(f"/admin/letters/{letter_id}/act", data={"action": "close"})
    assert r.status_code == 409 and "ผู้ตรวจสอบอ่านได้อย่างเดียว" in r.text
    assert client.get(f"/api/v1/letters/{letter_id}", headers=ADMIN).json()["status"] == "acknowledged"


def test_saraban_export_writes_the_same_tables(runtime, demo, tmp_path, clock):
    from admin_api.cli_export import export_file
    from registry.errors import InvalidInput

    register(runtime, demo.unit("มท 0201"), subject="หนังสือสำหรับส่งออก")
    with runtime.read() as s:
        out = export_file(s, "register", tmp_path / "r.xlsx", unit="มท 0201", year=None, direction="incoming",
                          audit_id=None, today=clock.now())
        with pytest.raises(InvalidInput):
            export_file(s, "register", tmp_path / "r.doc", unit="มท 0201", year=None, direction="incoming",
                        audit_id=None, today=clock.now())
    rows = [[c.value for c in row] for row in load_workbook(out).active.iter_rows()]
    assert OFFICIAL in rows and rows[rows.index(OFFICIAL) + 1][6] == "หนังสือสำหรับส่งออก"


def test_openapi_docs_and_health(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/audits", "/api/v1/exports/register", "/api/v1/reports/indicator", "/metrics"} <= set(spec["paths"])
    assert spec["paths"]["/api/v1/audits"]["post"]["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"}
    assert spec["components"]["schemas"]["HTTPValidationError"]["properties"]["detail"]["type"] == "string"
    assert client.get("/healthz").json()["ok"] is True


def test_a_head_sees_only_their_units_in_the_report(client, scenario, demo, token):
    head = {"Authorization": f"Bearer {token(demo.person('head'))}"}
    units = client.get("/api/v1/reports/units?from=2026-03-01&to=2026-03-31", headers=head).json()["units"]
    assert scenario["kk"] in [u["unit_id"] for u in units] and scenario["kc"] not in [u["unit_id"] for u in units]
    other = client.get(f"/api/v1/reports/units?from=2026-03-01&to=2026-03-31&unit={scenario['kc']}", headers=head).json()
    assert other["units"] == []
    clerk = {"Authorization": f"Bearer {token(demo.person('clerk'))}"}
    assert client.get("/api/v1/reports/units", headers=clerk).status_code == 403


def test_a_head_reads_the_backlog_of_their_units_only(client, scenario, demo, token, runtime):
    """Issue 16, finding 9: ``/reports/backlog?unit=<another unit>`` showed a head that unit's backlog."""
    from registry.reports import units_under

    head = {"Authorization": f"Bearer {token(demo.person('head'))}"}
    assert client.get(f"/api/v1/reports/backlog?unit={scenario['kc']}", headers=head).status_code == 403
    mine = client.get(f"/api/v1/reports/backlog?unit={scenario['kk']}", headers=head)
    assert mine.status_code == 200 and sum(b["count"] for b in mine.json()["buckets"]) == 2
    everything = client.get("/api/v1/reports/backlog", headers=ADMIN).json()
    assert sum(b["count"] for b in everything["buckets"]) == 3  # kk's two open letters and kc's one
    scoped = client.get("/api/v1/reports/backlog", headers=head).json()
    assert sum(b["count"] for b in scoped["buckets"]) == 2  # without ?unit= a head gets their own subtree
    with runtime.read() as s:
        assert scenario["kk"] in units_under(s, [scenario["kk"]]) and scenario["kc"] not in units_under(s, [scenario["kk"]])

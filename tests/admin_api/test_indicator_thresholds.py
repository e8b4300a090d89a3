"""Indicator evidence thresholds: stated per level, stored and edited by an admin on the reports page
(an event with before and after), refused with a Thai message when wrong, printed in the evidence pack."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import select

from registry import reports
from registry.models import Event, TrainingProgress
from tests.web_forms import sign_in

ADMIN_COOKIE = "bootstrap-admin-token-for-tests"


def test_defaults_are_stated_and_level_5_needs_the_share(client, runtime, demo, clock):
    with runtime.read() as s:
        assert reports.thresholds(s) == reports.THRESHOLD_DEFAULTS
    with runtime.transaction() as s:
        s.add(TrainingProgress(person_id=demo.person("clerk"), step="done", started_at=clock.now(),
                               completed_at=clock.now()))
    sign_in(client, ADMIN_COOKIE)
    html = client.get("/admin/reports").text
    assert "เกณฑ์: ผู้ใช้ผ่านการฝึกใช้งานอย่างน้อย 80%" in html
    assert 'id="misses-5"' in html and 'id="thresholds-form"' in html
    assert "เกณฑ์: หน่วยงานที่มีเจ้าหน้าที่สารบรรณลงรับในช่วงนี้อย่างน้อย 100%" in html


def test_an_admin_changes_a_threshold_with_an_event(client, runtime, demo):
    sign_in(client, ADMIN_COOKIE)
    form = {k: str(v) for k, v in reports.THRESHOLD_DEFAULTS.items()} | {"level5_trained_pct": "60", "level3_items": "30"}
    r = client.post("/admin/reports/thresholds", data=form, headers={"Origin": "http://testserver"},
                    follow_redirects=False)
    assert r.status_code == 303 and "saved=1" in r.headers["location"]
    with runtime.read() as s:
        assert reports.thresholds(s)["level5_trained_pct"] == 60
        (ev,) = s.execute(select(Event).where(Event.kind == "settings.changed")).scalars().all()
    assert ev.data["before"]["level5_trained_pct"] == 80 and ev.data["after"]["level5_trained_pct"] == 60
    assert ev.data["after"]["level3_items"] == 30
    page = client.get(r.headers["location"]).text
    assert "อย่างน้อย 60%" in page and "thresholds-saved" in page

    bad = form | {"level5_trained_pct": "120"}
    r = client.post("/admin/reports/thresholds", data=bad, headers={"Origin": "http://testserver"})
    assert r.status_code == 422 and "ต้องเป็นจำนวนเต็ม 0–100" in r.text
    assert 'value="120"' in r.text  # what was typed is still there
    with runtime.read() as s:
        assert reports.thresholds(s)["level5_trained_pct"] == 60  # nothing changed


def test_only_an_admin_may_change_them(client, runtime, demo, token):
    sign_in(client, token(demo.person("clerk")))
    form = {k: str(v) for k, v in reports.THRESHOLD_DEFAULTS.items()} | {"level5_trained_pct": "1"}
    r = client.post("/admin/reports/thresholds", data=form, headers={"Origin": "http://testserver"})
    assert "เฉพาะผู้ดูแลระบบ" in r.text
    with runtime.read() as s:
        assert reports.thresholds(s)["level5_trained_pct"] == 80


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_evidence_pack_prints_the_thresholds(client, runtime, demo, clock, tmp_path):
    from tests.admin_api.conftest import SYSTEM

    with runtime.transaction() as s:
        reports.set_thresholds(s, {"level5_trained_pct": "75"}, actor=SYSTEM, clock=clock)
    sign_in(client, ADMIN_COOKIE)
    r = client.get("/admin/reports/evidence.pdf")
    assert r.status_code == 200
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "75%" in flat and "เกณฑ" in flat

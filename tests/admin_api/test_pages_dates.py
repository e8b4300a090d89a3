"""Dates on the pages are entered and shown in พ.ศ. (issue 13 point 8): the report period and the
audit period take 1/3/2569 or 1 มี.ค. 69, show 01/03/2569, and a date that cannot be read is a
clear Thai message, never a silent fallback."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.admin_api.conftest import ADMIN_TOKEN, register
from tests.web_forms import sign_in


def test_report_period_is_typed_and_shown_in_buddhist_years(client, demo):
    sign_in(client, ADMIN_TOKEN)
    html = client.get("/admin/reports", params={"start": "1/2/2569", "end": "28 ก.พ. 69"}).text
    assert 'value="01/02/2569"' in html and 'value="28/02/2569"' in html
    assert "1 ก.พ. 2569 ถึง 28 ก.พ. 2569" in html
    assert 'type="date"' not in html  # no ค.ศ. month/day/year picker
    bad = client.get("/admin/reports", params={"start": "31/2/2569"}).text
    assert "ตั้งแต่วันที่อ่านไม่ได้" in bad and 'value="31/2/2569"' in bad


def test_audit_period_is_typed_in_buddhist_years(client, demo, runtime):
    from registry.models import Audit

    register(runtime, demo.unit("มท 0201"))
    register(runtime, demo.unit("มท 0201"))
    sign_in(client, ADMIN_TOKEN)
    form = client.get("/admin/audits").text
    assert 'type="date"' not in form and "/2569" in form
    r = client.post("/admin/audits", data={"units": [str(demo.unit("มท 0201"))], "period_from": "1/3/2569",
                                           "period_to": "31 มี.ค. 2569", "sample_size": "2"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with runtime.read() as s:
        audit = s.execute(select(Audit)).scalar_one()
        assert (audit.period_from, audit.period_to) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    bad = client.post("/admin/audits", data={"units": [str(demo.unit("มท 0201"))], "period_from": "32/3/2569",
                                             "period_to": "31/3/2569"})
    assert bad.status_code == 422 and "ตั้งแต่วันที่อ่านไม่ได้" in bad.text and 'value="32/3/2569"' in bad.text


def test_reports_page_names_and_links_who_misses_a_level(client, demo, runtime):
    register(runtime, demo.unit("มท 0201"))
    sign_in(client, ADMIN_TOKEN)
    html = client.get("/admin/reports").text
    missing = html.split('id="misses-2"')[1].split("</details>")[0]
    assert "กองคลัง" in missing and f'href="/admin/letters?unit={demo.unit("มท 0202")}"' in missing
    assert "กองกลาง สป.มท." not in missing  # it registered a letter
    assert demo.names[demo.person("owner")] in html.split('id="misses-5"')[1]

"""/admin/system and the business metrics on /metrics, on the real app with both fake platforms."""

from __future__ import annotations

import re

import pytest

from registry.events import Actor
from registry.outbox import enqueue, mark_failed
from tests.bot.conftest import make_settings
from tests.bot.harness import Stack
from tests.web_forms import sign_in

ADMIN_TOKEN = "system-page-admin-token"


@pytest.fixture
def stack(runtime, demo, clock, line_api, tg_api, database_url, tmp_path):
    from saraban.app import create_app

    app = create_app(make_settings(database_url, tmp_path, line_api, tg_api, admin_token=ADMIN_TOKEN), runtime=runtime)
    s = Stack(app, runtime, clock, line_api, tg_api)
    s.demo = demo
    yield s
    s.close()


def test_system_page_shows_channels_quota_heartbeat_and_retries_a_failed_notice(stack, line_api, tg_api):
    line_api.setup.webhook_endpoint = "https://saraban.example.go.th/webhooks/line"
    tg_api.webhook.update(url="https://saraban.example.go.th/webhooks/telegram", pending_update_count=2,
                          last_error_message="Wrong response from the webhook: 502 Bad Gateway", last_error_date=1)
    runtime = stack.runtime
    with runtime.transaction() as s:
        enqueue(s, channel="telegram", chat_id="42", kind="reply", payload={"replies": [{"text": "ทดสอบ"}]},
                at=runtime.clock.now(), dedupe_key="system-page-test")
    with runtime.transaction() as s:
        from registry.models import OutboxMessage
        from sqlalchemy import select

        row_id = s.execute(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == "system-page-test")).scalar_one()
        mark_failed(s, row_id, at=runtime.clock.now(), error="Telegram 403: bot was blocked by the user", permanent=True)
    stack.deliver()  # a pass beats and probes the platforms

    http = stack.http
    assert http.get("/admin/system", follow_redirects=False).status_code == 303  # signed out: to the login
    sign_in(http, ADMIN_TOKEN, runtime=runtime, admin_token=ADMIN_TOKEN)
    html = http.get("/admin/system").text
    assert "https://saraban.example.go.th/webhooks/line" in html
    assert "502 Bad Gateway" in html and "รอส่ง 2 รายการ" in html
    assert "ใช้ไป 37 ข้อความ" in html and "จากโควตา 500" in html
    assert "ทำงานอยู่ 1 ตัว" in html and "serve@" in html
    assert "bot was blocked by the user" in html and f'id="failed-{row_id}"' in html
    assert 'href="/admin/system"' in html  # in the navigation

    done = http.post(f"/admin/system/outbox/{row_id}/retry", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/admin/system?done={row_id}"
    with runtime.read() as s:
        from registry.models import Event, OutboxMessage

        assert s.get(OutboxMessage, row_id).status == "pending"
        assert s.query(Event).filter(Event.kind == "outbox.retried").count() == 1
    again = http.post(f"/admin/system/outbox/{row_id}/retry", follow_redirects=False)
    assert "error=" in again.headers["location"]  # only a failed notice is retried


def test_system_page_is_for_admins_and_auditors(stack):
    from registry.admin import issue_token

    with stack.runtime.transaction() as s:
        _row, clerk = issue_token(s, stack.demo.person("clerk"), actor=Actor(None, "test"), clock=stack.runtime.clock)
    sign_in(stack.http, clerk, runtime=stack.runtime)
    assert stack.http.get("/admin/system").status_code == 403


def test_metrics_carry_the_business_counters(stack):
    runtime = stack.runtime
    with runtime.transaction() as s:
        enqueue(s, channel="line", chat_id="U1", kind="reply", payload={"replies": [{"text": "x"}]},
                at=runtime.clock.now(), dedupe_key="metrics-test")
    stack.clock.advance(seconds=90)
    text = stack.http.get("/metrics").text
    for name in ("saraban_registrations_made_total", "saraban_forwards_total", "saraban_acknowledgements_total",
                 "saraban_outbox_depth", "saraban_outbox_oldest_age_seconds"):
        assert re.search(rf"^{name} ", text, re.M), name
    assert re.search(r'^saraban_notices\{channel="line",status="pending"\} 1\.0$', text, re.M)
    assert float(re.search(r"^saraban_outbox_oldest_age_seconds (\S+)$", text, re.M).group(1)) >= 90

"""Work queues in Chromium at 390 px and desktop: the dashboard's counts are links, a clerk ticks
letters and forwards them in one go, then files others with one reason."""

from __future__ import annotations

import pytest

from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401
from tests.admin_api.conftest import register


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_dashboard_counts_lead_to_queues_with_bulk_actions(browser, live, runtime, demo, token, viewport):
    unit, owner = demo.unit("มท 0201"), demo.person("owner")
    ids = [register(runtime, unit, subject=f"หนังสือเวียนเพื่อทราบ ฉบับ {i + 1}")[0] for i in range(4)]
    context, page = open_page(browser, live, token(demo.person("clerk")), viewport)
    try:
        page.goto(f"{live}/admin")
        assert page.inner_text("#count-waiting_forward strong") == "4"
        page_passes(page, f"dashboard-{viewport['width']}")
        page.click("#count-waiting_forward")
        page.wait_for_url("**/admin/queues?queue=waiting_forward")
        assert page.locator("#queue-table tbody tr").count() == 4
        page_passes(page, f"queue-waiting-{viewport['width']}")
        page.check(f"#pick-{ids[0]}")
        page.check(f"#pick-{ids[1]}")
        page.select_option("#bulk-person", str(owner))
        page.select_option("#bulk-purpose", "inform")
        page.click("#bulk-forward")
        page.wait_for_url("**done=*")
        assert "ส่งต่อแล้ว 2 ฉบับ" in page.inner_text("[role=status]")
        assert page.locator("#queue-table tbody tr").count() == 2
        page.check(f"#pick-{ids[2]}")
        page.check(f"#pick-{ids[3]}")
        page.fill("#bulk-reason", "เรื่องเพื่อทราบ เก็บเข้าแฟ้มแล้ว")
        page.click("#bulk-close")
        page.wait_for_url("**done=*")
        assert "ปิดเรื่องแล้ว 2 ฉบับ" in page.inner_text("[role=status]")
        assert page.locator("#queue-empty").count() == 1
        page.goto(f"{live}/admin")
        assert page.inner_text("#count-waiting_forward strong") == "0"
    finally:
        context.close()

"""The disposal page in Chromium at 390 px and desktop: a head drafts the year's list, records a
verdict per row inline, downloads the signature copy, and carries it out after confirming."""

from __future__ import annotations

import pytest

from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401
from tests.admin_api.test_disposal_web import LATER, closed, with_file
from registry.models import Letter


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_a_committee_decides_and_carries_out_a_list(browser, live, runtime, demo, token, viewport):
    unit = demo.unit("มท 0201")
    doomed = closed(runtime, unit, "ขอเชิญร่วมงานกีฬาสีประจำปี 2563")
    kept = closed(runtime, unit, "ระเบียบการเบิกค่าเช่าบ้าน")
    stored = with_file(runtime, doomed)
    runtime.clock.set(LATER)
    w = viewport["width"]
    context, page = open_page(browser, live, token(demo.person("head")), viewport)
    try:
        page.goto(f"{live}/admin/disposal")
        page_passes(page, f"disposal-home-{w}")
        page.fill("#draft-year", "2567")
        page.click("#draft-submit")
        page.wait_for_url("**/admin/disposal/*?done=drafted")
        assert page.locator("article.disposal-item").count() == 2
        page_passes(page, f"disposal-list-{w}")
        items = page.eval_on_selector_all("article.disposal-item", "els => els.map(e => e.id.split('-')[1])")
        first, second = items  # in the order the letters were closed
        page.check(f"#item-{first} input[value=destroy]")
        page.click(f"#save-{first}")
        page.wait_for_url("**done=verdict*")
        assert page.inner_text(f"#verdict-{first}") == "ทำลาย"
        page.check(f"#item-{second} input[value=keep]")
        page.fill(f"#years-{second}", "5")
        page.fill(f"#note-{second}", "ยังใช้อ้างอิงในการเบิกจ่าย")
        page.click(f"#save-{second}")
        page.wait_for_url("**done=verdict*")
        assert page.inner_text(f"#verdict-{second}") == "เก็บไว้ต่อ 5 ปี"
        assert "2/2" in page.inner_text("#decided-count")

        with page.expect_download() as download:
            page.click("#export-xlsx")
        assert download.value.suggested_filename.endswith(".xlsx")
        with page.expect_download() as download:
            page.click("#export-pdf")
        assert download.value.suggested_filename.endswith(".pdf")

        page.click("#carry-out-submit")  # not confirmed: the browser does not send the form
        assert "done=carried_out" not in page.url
        with runtime.read() as s:
            assert s.get(Letter, doomed).status == "closed"
        page.check("#carry-out-confirm")
        page.click("#carry-out-submit")
        page.wait_for_url("**done=carried_out")
        assert "ดำเนินการแล้ว" in page.inner_text("#list-status")
        assert page.locator("#carry-out-form").count() == 0
        page_passes(page, f"disposal-done-{w}")
        assert not stored.exists()
        with runtime.read() as s:
            assert s.get(Letter, doomed).status == "destroyed" and s.get(Letter, kept).status == "closed"
        page.goto(f"{live}/admin/letters/{kept}")
        assert page.inner_text("#retention") == "1 ปี"
        assert page.locator("#records").count() == 1
        page_passes(page, f"disposal-letter-{w}")
    finally:
        context.close()

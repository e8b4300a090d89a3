"""Searching letters in Chromium at 390 px and desktop (issue 13 point 9): a clerk types an
abbreviation without its dots and a word from inside a sender's name, narrows by the letter date
typed in พ.ศ., meets an empty result that names its filters, drops one and finds the letter again."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401
from tests.admin_api.conftest import register

STH = "ขอความร่วมมือรายงานผลการเบิกจ่ายเงินอุดหนุน"
CGD = "ซักซ้อมแนวทางการเบิกจ่ายเงินงบประมาณ"


def _rows(page) -> str:
    return page.inner_text("#letters-table tbody")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_search_by_abbreviation_compound_word_and_date_range(browser, live, runtime, demo, token, viewport):
    unit = demo.unit("มท 0201")
    register(runtime, unit, subject=STH, sender="สถ.", ref_no="มท 0808.2/ว 1095", letter_date=dt.date(2026, 1, 5))
    register(runtime, unit, subject=CGD, sender="กรมบัญชีกลาง", ref_no="กค 0402.2/ว 55", letter_date=dt.date(2026, 2, 20))
    context, page = open_page(browser, live, token(demo.person("clerk")), viewport)
    w = viewport["width"]
    try:
        page.goto(f"{live}/admin/letters")
        page.fill("#q", "สถ")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**q=*")
        assert STH in _rows(page) and CGD not in _rows(page)
        assert "พบ 1 รายการ" in page.inner_text("#result-count")
        page_passes(page, f"search-abbreviation-{w}")

        page.fill("#q", "บัญชีกลาง")
        page.fill("#f-lfrom", "1/2/2569")
        page.fill("#f-lto", "28 ก.พ. 69")
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state()
        assert CGD in _rows(page) and STH not in _rows(page)
        assert page.input_value("#f-lfrom") == "1/2/2569"
        page_passes(page, f"search-compound-date-{w}")

        page.fill("#f-lfrom", "1/1/2569")
        page.fill("#f-lto", "31/1/2569")
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state()
        hint = page.inner_text("#no-result")
        assert "ไม่พบหนังสือตามตัวกรองที่ใช้อยู่" in hint
        assert "คำค้น “บัญชีกลาง”" in hint and "ลงวันที่ตั้งแต่ 1/1/2569" in hint and "ลงวันที่ถึง 31/1/2569" in hint
        page_passes(page, f"search-empty-hint-{w}")

        page.click("#no-result a:has-text('คำค้น')")  # drop the word, keep the January range
        page.wait_for_load_state()
        assert STH in _rows(page) and CGD not in _rows(page)
        assert page.input_value("#q") == "" and page.input_value("#f-lto") == "31/1/2569"

        page.fill("#f-lfrom", "1/3/2569")
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state()
        page.click("#clear-filters")
        page.wait_for_load_state()
        assert STH in _rows(page) and CGD in _rows(page)
    finally:
        context.close()

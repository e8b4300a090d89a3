"""The public receipt check (/verify/<code>) in a real browser at phone and desktop widths: a secret
letter's receipt shows its number, date and unit and nothing of what it says."""

from __future__ import annotations

import pytest

from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401
from tests.admin_api.conftest import register

SUBJECT = "แผนรักษาความปลอดภัยสถานที่ราชการ"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_a_secret_letters_receipt_checks_out_and_shows_no_content(browser, live, runtime, demo, viewport):
    from registry import verification

    _, reg_id = register(runtime, demo.unit("มท 0201"), subject=SUBJECT, secrecy="secret", sender="สำนักข่าวกรองแห่งชาติ")
    with runtime.read() as s:
        code = verification.code_of(s, reg_id)
    context, page = open_page(browser, live, None, viewport)  # nobody signed in
    try:
        page.goto(f"{live}/verify")
        page.fill("#code", code.lower().replace("-", " "))  # as retyped from paper
        page.click("button[type=submit]")
        page.wait_for_url(f"**/verify/*")
        body = page.inner_text("main")
        assert "ถูกต้อง" in body and "กองกลาง สป.มท." in body and f"1/{runtime.clock.now().year + 543}" in body
        assert SUBJECT not in page.content() and "ข่าวกรอง" not in page.content()
        page_passes(page, f"verify-{viewport['width']}")
        page.goto(f"{live}/verify/ZZ-AAAA-AAAA")
        assert "ไม่พบรหัสตรวจสอบ" in page.inner_text("main")
    finally:
        context.close()

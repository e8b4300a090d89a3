"""Signing in and out in a real browser (Debian's chromium) at phone and desktop widths: a password
sign-in, the account page, sign-out, and the old cookie refused afterwards."""

from __future__ import annotations

import pytest

from registry import signin
from registry.events import Actor
from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401

PASSWORD = "ทะเบียน-รับ-2569"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_sign_in_with_a_password_then_sign_out_and_the_old_cookie_is_refused(browser, live, runtime, demo, viewport):
    with runtime.transaction() as s:
        signin.set_password(s, demo.person("clerk"), PASSWORD, username="somjai", actor=Actor(None, "test"),
                            clock=runtime.clock)
    context, page = open_page(browser, live, None, viewport)
    try:
        page.goto(f"{live}/admin/letters")
        assert "/admin/login" in page.url
        page_passes(page, f"signin-form-{viewport['width']}")
        page.fill("#username", "somjai")
        page.fill("#password", "not-my-password")
        page.click("#signin")
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.inner_text("[role=alert]")
        page.fill("#password", PASSWORD)
        page.click("#signin")
        page.wait_for_url(f"{live}/admin/letters")
        cookie = next(c for c in context.cookies() if c["name"] == "saraban_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert page.evaluate("document.cookie") == ""  # not readable by scripts

        page.goto(f"{live}/admin/account")
        assert "somjai" in page.inner_text("main")
        page_passes(page, f"account-{viewport['width']}")

        if viewport is PHONE:  # the navigation (and the sign-out button) is behind the menu button
            page.click(".nav-toggle-label")
        page.click("header .who button[type=submit]")
        page.wait_for_url("**/admin/login")
        assert not [c for c in context.cookies() if c["name"] == "saraban_session"]

        context.add_cookies([{**cookie}])  # the old cookie, replayed
        page.goto(f"{live}/admin")
        assert "/admin/login" in page.url
    finally:
        context.close()

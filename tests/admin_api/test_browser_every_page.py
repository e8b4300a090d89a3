"""Every page, for phones and for everyone (issue 13 point 8): at 390 px and at a desktop width,
each page passes axe-core (no serious or critical violations), has no horizontal overflow on the
phone, sets all Thai text in the Sarabun web font (the web chat too), and marks the current page in
the navigation. Screenshots of each are kept under test-artifacts/."""

from __future__ import annotations

import pytest

from tests.admin_api.browser_support import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    live,
    no_horizontal_overflow,
    open_page,
    page_passes,
    uses_sarabun,
)
from tests.admin_api.conftest import ADMIN_TOKEN, forward_to, register


def _world(runtime, demo):
    unit = demo.unit("มท 0201")
    first, _ = register(runtime, unit, subject="ขอเชิญประชุมคณะกรรมการพัฒนาระบบบริหารราชการ ครั้งที่ 3/2569")
    forward_to(runtime, first, demo.person("owner"))
    register(runtime, unit, subject="ลับ: รายงานการสืบสวน", secrecy="confidential")
    from registry.audits import AuditRequest, create_audit
    from tests.admin_api.conftest import SYSTEM
    import datetime as dt

    with runtime.transaction() as s:
        audit = create_audit(s, AuditRequest(unit_ids=(unit,), period_from=dt.date(2026, 1, 1),
                                             period_to=dt.date(2026, 12, 31), sample_size=2, seed=3),
                             actor=SYSTEM, clock=runtime.clock)
        audit_id = audit.id
    return first, audit_id


PAGES = [
    ("dashboard", "/admin", "ภาพรวม"),
    ("letters-in", "/admin/letters", "หนังสือ"),
    ("letters-out", "/admin/letters?direction=outgoing", "หนังสือ"),
    ("letter", "/admin/letters/{letter}", "หนังสือ"),
    ("correct", "/admin/letters/{letter}/correct", "หนังสือ"),
    ("register", "/admin/register", "ลงรับ"),
    ("outgoing", "/admin/outgoing", "ออกเลขส่ง"),
    ("import", "/admin/import", "นำเข้าทะเบียน"),
    ("queues", "/admin/queues", "งานค้าง"),
    ("audits", "/admin/audits", "สุ่มตรวจ"),
    ("audit", "/admin/audits/{audit}", "สุ่มตรวจ"),
    ("reports", "/admin/reports", "รายงาน"),
    ("exports", "/admin/exports", "ส่งออก"),
    ("disposal", "/admin/disposal", "ทำลายหนังสือ"),
    ("acting", "/admin/acting", "รักษาราชการแทน"),
    ("link-codes", "/admin/link-codes", "รหัสผูกบัญชี"),
    ("process", "/process", "แผนผังขั้นตอน"),
    ("manual", "/manual", "คู่มือ"),
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_every_admin_page_is_usable_and_accessible(browser, live, runtime, demo, viewport):
    letter, audit = _world(runtime, demo)
    context, page = open_page(browser, live, ADMIN_TOKEN, viewport)
    try:
        for name, path, nav in PAGES:
            page.goto(live + path.format(letter=letter, audit=audit))
            assert page.url.startswith(live + path.split("?")[0].format(letter=letter, audit=audit)), page.url
            page_passes(page, f"page-{name}-{viewport['width']}")
            current = page.locator('header.top nav a[aria-current="page"]')
            assert current.count() == 1 and current.inner_text() == nav, (name, current.all_inner_texts())
        # signed out: the sign-in page
        context.clear_cookies()
        page.goto(f"{live}/admin/login")
        page_passes(page, f"page-login-{viewport['width']}")
    finally:
        context.close()


def test_phone_navigation_collapses_behind_a_menu_button(browser, live, runtime, demo):
    context, page = open_page(browser, live, ADMIN_TOKEN, PHONE)
    try:
        page.goto(f"{live}/admin")
        nav = page.locator("header.top nav")
        assert not nav.is_visible()
        assert page.locator("header.top").bounding_box()["height"] < 80  # not a third of the screen
        page.click("label.nav-toggle-label")
        assert nav.is_visible()
        page.click("header.top nav >> text=งานค้าง")
        page.wait_for_url("**/admin/queues")
    finally:
        context.close()


def test_flowchart_labels_stay_legible_on_a_phone(browser, live):
    context, page = open_page(browser, live, None, PHONE)
    try:
        page.goto(f"{live}/process")
        # the drawing keeps its size and scrolls inside its own box: labels at 13 px stay ≥ 11 px
        scale = page.evaluate("""() => { const s = document.querySelector('svg.flowchart');
            return s.getBoundingClientRect().width / s.viewBox.baseVal.width; }""")
        assert scale * 13 >= 11
        no_horizontal_overflow(page)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_web_chat_uses_the_thai_font_and_keeps_its_composer_on_screen(browser, live, demo, viewport):
    context, page = open_page(browser, live, None, viewport)
    try:
        page.goto(f"{live}/chat")
        page.wait_for_selector("#person option", state="attached")
        page.click("#start")
        page.wait_for_selector("#say:not([hidden])")
        uses_sarabun(page)
        box = page.locator("#say").bounding_box()
        assert box["y"] + box["height"] <= viewport["height"] + 1, box  # the message box is fully on screen
        button = page.locator("#say button[type=submit]").bounding_box()
        assert button["x"] + button["width"] <= viewport["width"] + 1
        if viewport["width"] <= 400:
            no_horizontal_overflow(page)
        from tests.admin_api.browser_support import axe_violations, shot

        violations = axe_violations(page)
        assert violations == [], violations
        shot(page, f"page-chat-{viewport['width']}")
    finally:
        context.close()

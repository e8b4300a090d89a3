"""จัดการองค์กร in Chromium at 390 px and at a desktop width: a signed-in admin goes from the
dashboard to the hub, creates a unit under กองกลาง and a person in it, gives a second role and a
clearance, sets a password (which then signs in), adds a holiday and issues an API token. Every page
passes axe-core and has no horizontal overflow on the phone."""

from __future__ import annotations

import pytest

from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401
from tests.admin_api.conftest import events_of


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_admin_builds_a_unit_and_a_person(browser, live, runtime, demo, token, viewport):
    w = viewport["width"]
    kk = demo.unit("มท 0201")
    context, page = open_page(browser, live, token(demo.person("admin", "มท 02")), viewport)
    try:
        page.goto(f"{live}/admin")
        page.click("#org-links a[href='/admin/org/units']")  # the dashboard's card (the menu is folded on a phone)
        page.wait_for_url("**/admin/org/units")
        page.goto(f"{live}/admin/org")
        page_passes(page, f"org-hub-{w}")
        page.click("#hub-units")
        page.wait_for_url("**/admin/org/units")
        page_passes(page, f"org-units-{w}")

        # a code in the wrong form is refused with the rule, and nothing typed is lost
        page.fill("#f-code", "0201.7")
        page.fill("#f-name", "ฝ่ายพัฒนาระบบงาน กองกลาง")
        page.select_option("#f-parent_id", str(kk))
        page.click("#new-unit-save")
        assert "รหัสหน่วยงานต้องเป็นอักษรย่อภาษาไทย" in page.inner_text("#org-error")
        assert page.input_value("#f-name") == "ฝ่ายพัฒนาระบบงาน กองกลาง"
        page_passes(page, f"org-units-error-{w}")
        page.fill("#f-code", "มท 0201.7")
        page.select_option("#f-parent_id", str(kk))
        page.click("#new-unit-save")
        page.wait_for_url("**done=*")
        assert "เพิ่มหน่วยงาน มท 0201.7 แล้วค่ะ" in page.inner_text("#org-done")
        (created,) = events_of(runtime, "unit.created")
        unit = created.entity_id
        assert page.locator(f"#unit-{unit}.depth-3").count() == 1

        page.goto(f"{live}/admin/org/people")
        page_passes(page, f"org-people-{w}")
        page.fill("#f-name", "นางสาวทดลอง ใช้ระบบ")
        page.fill("#f-position", "เจ้าพนักงานธุรการ")
        page.select_option("#f-unit_id", str(unit))
        page.select_option("#f-role", "clerk")
        page.click("#new-person-save")
        page.wait_for_url("**/admin/org/people/*done=*")
        (person,) = events_of(runtime, "person.created")
        pid = person.entity_id
        assert "เพิ่มผู้ใช้ นางสาวทดลอง ใช้ระบบ แล้วค่ะ" in page.inner_text("#org-done")
        page_passes(page, f"org-person-{w}")

        page.select_option("#f-grant-unit", str(unit))
        page.select_option("#f-grant-role", "owner")
        page.click("#role-grant-save")
        page.wait_for_url("**done=*")
        assert "เจ้าของเรื่อง · มท 0201.7" in page.inner_text("#role-list")
        page.select_option("#f-clearance", "secret")
        page.click("#person-clearance-save")
        page.wait_for_url("**done=*")
        assert page.input_value("#f-clearance") == "secret"

        page.fill("#f-username", "thodlong")
        page.fill("#f-password", "short")
        page.fill("#f-password2", "short")
        page.click("#person-password-save")
        assert "อย่างน้อย 10 ตัวอักษร" in page.inner_text("#error-password")
        page_passes(page, f"org-person-error-{w}")
        page.fill("#f-password", "นกกระจอกบินสูง-2569")
        page.fill("#f-password2", "นกกระจอกบินสูง-2569")
        page.click("#person-password-save")
        page.wait_for_url("**done=*")
        assert page.inner_text("#current-username") == "thodlong"
        assert [(e.data["unit_id"], e.data["role"]) for e in events_of(runtime, "role.granted")] == [
            (unit, "clerk"), (unit, "owner")]
        assert events_of(runtime, "person.updated")[-1].data["after"]["clearance"] == "secret"
        from registry.signin import sign_in

        with runtime.transaction() as s:
            assert sign_in(s, "thodlong", "นกกระจอกบินสูง-2569", address="127.0.0.1",
                           clock=runtime.clock).signed_in.person_id == pid

        page.goto(f"{live}/admin/org/holidays?year=2569")
        page_passes(page, f"org-holidays-{w}")
        page.fill("#f-day", "15/5/2569")
        page.fill("#f-name", "วันหยุดพิเศษ")
        page.click("#new-holiday-save")
        page.wait_for_url("**done=*")
        assert page.locator("#holiday-2026-05-15").count() == 1

        page.goto(f"{live}/admin/org/tokens")
        page_passes(page, f"org-tokens-{w}")
        page.select_option("#f-person_id", str(pid))
        page.fill("#f-label", "สคริปต์รายงาน")
        page.click("#new-token-save")
        assert len(page.input_value("#new-token-value")) > 30
        page_passes(page, f"org-token-issued-{w}")
    finally:
        context.close()

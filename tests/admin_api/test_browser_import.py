"""Issue 13 point 7 in Chromium at a 390 px phone and a desktop width: a clerk uploads a register
with one bad row (the problem is shown by its row, nothing is written), uploads the fixed file
(imported), and the web register then continues after the last imported number; a paper book's
next number is set by hand. Every page passes axe and the overflow check; screenshots are kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.models import Event, Letter
from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401

HEADER = "วันที่ลงรับ,เลขทะเบียนรับ,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ\r\n"
ROWS = [
    "5 ม.ค. 2569,1,มท 0808.2/ว 11,2 ม.ค. 2569,กรมส่งเสริมการปกครองท้องถิ่น,ปลัดกระทรวงมหาดไทย,ขอเชิญประชุมชี้แจง,ส่ง กองคลัง,\r\n",
    "6 ม.ค. 2569,2,กค 0402/ว 5,3 ม.ค. 2569,กรมบัญชีกลาง,ปลัดกระทรวงมหาดไทย,แนวทางการเบิกจ่าย,,\r\n",
    "7 ม.ค. 2569,3,มท 0201/1,4 ม.ค. 2569,สถ.,ผู้อำนวยการกองกลาง,รายงานผลการดำเนินงาน,,ต้นฉบับในแฟ้ม\r\n",
]
BAD = ROWS[:1] + ["31 ก.พ. 2569,2,กค 0402/ว 5,3 ม.ค. 2569,กรมบัญชีกลาง,ปลัดกระทรวงมหาดไทย,แนวทางการเบิกจ่าย,,\r\n"] + ROWS[2:]


def _count(runtime):
    with runtime.read() as s:
        return (s.execute(select(func.count()).select_from(Letter)).scalar_one(),
                s.execute(select(func.count()).select_from(Event)).scalar_one())


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_clerk_imports_a_register_and_numbering_continues(browser, live, demo, token, runtime, viewport, tmp_path):
    tag = f"{viewport['width']}"
    context, page = open_page(browser, live, token(demo.person("clerk")), viewport)
    try:
        page.goto(f"{live}/admin/import")
        page_passes(page, f"import-empty-{tag}")
        before = _count(runtime)

        bad = tmp_path / "ทะเบียนรับ.csv"
        bad.write_bytes(("\ufeff" + HEADER + "".join(BAD)).encode())
        page.fill("#f-year", "2569")
        page.set_input_files("#f-file", str(bad))
        page.click("#check-file")
        page.wait_for_load_state()
        problems = page.inner_text("#problems")
        assert "3" in problems and "31 ก.พ. 2569" in problems  # the bad row, by its line in the file
        assert page.locator("#confirm-import").count() == 0
        assert _count(runtime) == before  # nothing written
        page_passes(page, f"import-problems-{tag}")

        good = tmp_path / "ทะเบียนรับ-แก้แล้ว.csv"
        good.write_bytes(("\ufeff" + HEADER + "".join(ROWS)).encode())
        page.set_input_files("#f-file", str(good))
        page.click("#check-file")
        page.wait_for_load_state()
        assert page.locator("#problems").count() == 0
        assert "แนวทางการเบิกจ่าย" in page.inner_text("#preview")
        page_passes(page, f"import-checked-{tag}")
        assert _count(runtime) == before  # checking writes nothing either
        page.click("#confirm-import")
        page.wait_for_load_state()
        assert "นำเข้าแล้ว 3 รายการ" in page.inner_text("#import-done")
        assert page.inner_text("#next-number") == "4"
        page_passes(page, f"import-done-{tag}")

        # the web register continues after the last imported number
        page.goto(f"{live}/admin/register")
        page.fill("#f-sender", "กรมการปกครอง")
        page.fill("#f-subject", "หนังสือฉบับแรกที่ลงรับในระบบ")
        page.click("#submit-letter")
        page.wait_for_url("**/admin/letters/*?receipt=1")
        assert page.inner_text("#receipt-number") == "4/2569"

        # the outgoing book kept on paper up to 120: the system issues 121 next
        page.goto(f"{live}/admin/import")
        page.select_option("#f-n-book", "outgoing")
        page.fill("#f-n-year", "2569")
        page.fill("#f-next_number", "121")
        page.fill("#f-reason", "ทะเบียนส่งกระดาษถึงเลข 120")
        page.click("#set-next")
        page.wait_for_load_state()
        assert "121" in page.inner_text("#next-done")
        page_passes(page, f"import-next-number-{tag}")
        page.goto(f"{live}/admin/outgoing")
        page.fill("#f-addressee", "ผู้ว่าราชการจังหวัดนครราชสีมา")
        page.fill("#f-subject", "ขอส่งรายงาน")
        page.click("#submit-letter")
        page.wait_for_url("**/admin/letters/*")
        assert "/121" in page.inner_text("main")
    finally:
        context.close()

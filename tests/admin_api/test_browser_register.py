"""Issue 13 points 1 and 2 in Chromium, at a 390 px phone and a desktop width: a clerk pastes a
header, the form fills through the chat's parser, registers with a scan, is warned of a duplicate,
issues an outgoing number, corrects a letter; the letters are listed apart and the letter page
shows the whole route. Every page passes axe and the overflow check; screenshots are kept."""

from __future__ import annotations

import pytest

from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401
from tests.admin_api.conftest import acknowledge, forward_to, register

HEADER = ("ที่ มท 0808.2/ว 1095\nลงวันที่ 27 กุมภาพันธ์ 2569\nจาก กรมส่งเสริมการปกครองท้องถิ่น\n"
          "เรื่อง ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณ\nเรียน ปลัดกระทรวงมหาดไทย")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_clerk_registers_corrects_and_issues_a_number_in_the_browser(browser, live, demo, token, viewport, tmp_path):
    tag = f"{viewport['width']}"
    context, page = open_page(browser, live, token(demo.person("clerk")), viewport)
    try:
        page.goto(f"{live}/admin/register")
        page_passes(page, f"register-empty-{tag}")
        page.fill("#f-header", HEADER)
        page.click("#parse-header")
        page.wait_for_load_state()
        assert page.input_value("#f-ref_no") == "มท 0808.2/ว 1095"
        assert page.input_value("#f-letter_date") == "27/02/2569"
        assert page.input_value("#f-sender") == "กรมส่งเสริมการปกครองท้องถิ่น"
        assert "ขอเชิญประชุมชี้แจงแนวทาง" in page.input_value("#f-subject")
        page_passes(page, f"register-parsed-{tag}")
        scan = tmp_path / "scan.png"
        scan.write_bytes(_png())
        page.set_input_files("#f-scan", str(scan))
        page.click("#submit-letter")
        page.wait_for_url("**/admin/letters/*?receipt=1")
        assert page.inner_text("#receipt-number") == "1/2569"
        assert page.locator("img.thumb").count() == 1  # the scan, previewed
        page.locator("img.thumb").scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('img.thumb').complete && document.querySelector('img.thumb').naturalWidth === 40")
        page_passes(page, f"register-receipt-{tag}")

        # the same letter again: the chat's duplicate warning before any number is taken
        page.goto(f"{live}/admin/register")
        page.fill("#f-header", HEADER)
        page.click("#parse-header")
        page.wait_for_load_state()
        page.click("#submit-letter")
        page.wait_for_load_state()
        assert "เลขรับ 1/2569" in page.inner_text("#duplicate-warning")
        page_passes(page, f"register-duplicate-{tag}")
        page.click("#submit-letter")  # ยืนยันลงรับ
        page.wait_for_url("**/admin/letters/*?receipt=1")
        assert page.inner_text("#receipt-number") == "2/2569"
        assert "1/2569" in page.inner_text("#receipt-duplicates")

        # correct the subject: reason required, the number stays, the timeline shows before → after
        page.click("#correct-link")
        page.fill("#f-subject", "ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณ ปี 2570")
        page.click("#save-correction")  # no reason: the browser itself asks (required)
        assert "/correct" in page.url
        page.fill("#f-reason", "ตรวจกับต้นฉบับแล้ว ชื่อเรื่องไม่ครบ")
        page_passes(page, f"correct-{tag}")
        page.click("#save-correction")
        page.wait_for_url("**/admin/letters/*?done=correct")
        assert page.inner_text("#letter-subject").endswith("ปี 2570")
        timeline = page.inner_text("#timeline")
        assert "แก้ไขรายละเอียด" in timeline and "ตรวจกับต้นฉบับแล้ว" in timeline and "→" in timeline
        assert "2/2569" in page.inner_text("h1")

        page.goto(f"{live}/admin/outgoing")
        page_passes(page, f"outgoing-{tag}")
        page.fill("#f-subject", "ขอความอนุเคราะห์ข้อมูลสถิติ")
        page.fill("#f-addressee", "ผู้ว่าราชการจังหวัดทุกจังหวัด")
        page.click("#submit-letter")
        page.wait_for_url("**/admin/letters/*?receipt=1")
        assert page.inner_text("#receipt-number") == "มท 0201/1"
        body = page.inner_text("main")
        assert "วันที่ออกเลข" in body and "ลงรับแล้ว" not in body and "ส่งต่อ" not in body

        page.goto(f"{live}/admin/letters?direction=outgoing")
        assert page.locator("#letters-table tbody tr").count() == 1
        assert "ทะเบียนส่ง 2569" in page.inner_text("#letters-table")
        page_passes(page, f"letters-outgoing-{tag}")
        page.goto(f"{live}/admin/letters")
        assert page.locator("#letters-table tbody tr").count() == 2
        assert "มท 0201/1" not in page.inner_text("#letters-table")
        page_passes(page, f"letters-incoming-{tag}")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_letter_page_shows_the_whole_route_and_the_viewers_actions(browser, live, runtime, demo, token, viewport):
    unit = demo.unit("มท 0201")
    owner, clerk = demo.person("owner"), demo.person("clerk")
    letter_id, _ = register(runtime, unit, subject="ขอให้รายงานผลการดำเนินงาน")
    first = forward_to(runtime, letter_id, owner)
    from registry.assignments import return_assignment
    from registry.events import Actor

    with runtime.transaction() as s:
        return_assignment(s, first, "เป็นงานของฝ่ายแผนงาน", actor=Actor(owner, "web"), clock=runtime.clock)
    head = demo.person("head")
    second = forward_to(runtime, letter_id, head)
    acknowledge(runtime, second, head)

    context, page = open_page(browser, live, token(clerk), viewport)
    try:
        page.goto(f"{live}/admin/letters/{letter_id}")
        route = page.inner_text("#route")
        names = demo.names
        assert names[owner] in route and names[head] in route
        assert "เหตุผลที่ส่งคืน: เป็นงานของฝ่ายแผนงาน" in route
        assert "เพื่อดำเนินการ" in route and "รับทราบแล้ว" in route and "ส่งคืน" in route
        assert "sent" not in route.split()  # never the English status word
        page_passes(page, f"letter-route-{viewport['width']}")
    finally:
        context.close()
    # the owner sees the letter with their own answer buttons, and no forward form
    letter2, _ = register(runtime, unit, subject="ขอเชิญร่วมงาน")
    forward_to(runtime, letter2, owner)
    context, page = open_page(browser, live, token(owner), viewport)
    try:
        page.goto(f"{live}/admin/letters/{letter2}")
        assert page.locator("#acknowledge").count() == 1 and page.locator("#forward-form").count() == 0
        page.click("#acknowledge")
        page.wait_for_url("**done=acknowledge")
        assert "รับทราบแล้ว" in page.inner_text("#route")
    finally:
        context.close()


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xcc\x88\x44" * 40 for _ in range(30))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 30, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

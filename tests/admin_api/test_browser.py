"""The admin web in a real browser (Playwright driving Debian's chromium, headless, loopback only):
sign in, create an audit, record verdicts, close it, download exports; screenshots of the dashboard,
/process and /manual under test-artifacts/, each with the Sarabun font loaded and Thai text shown."""

from __future__ import annotations

import io

import pytest

# Debian's chromium (skips the module where it is missing), one browser per module and the app on a
# loopback port: shared with the other browser tests.
from tests.admin_api.browser_support import ARTIFACTS, browser, live  # noqa: F401
from tests.admin_api.conftest import forward_to, register


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915}, device_scale_factor=1, locale="th-TH",
                                  accept_downloads=True)  # a phone-sized window
    pg = context.new_page()
    yield pg
    context.close()


def _font_and_thai(pg, words: str) -> None:
    pg.evaluate("document.fonts.ready")
    pg.wait_for_function("document.fonts.check('16px Sarabun')", timeout=10_000)
    assert pg.evaluate("document.fonts.check('16px Sarabun')") is True
    loaded = pg.evaluate("[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Sarabun' && f.status === 'loaded').length")
    assert loaded >= 1
    assert words in pg.inner_text("body")
    # every visible piece of Thai text is set in Sarabun (a monospace fallback would show boxes)
    strays = pg.evaluate("""() => {
        const out = [];
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            if (!/[\u0e00-\u0e7f]/.test(n.textContent)) continue;
            const family = getComputedStyle(n.parentElement).fontFamily;
            if (!family.includes('Sarabun')) out.push(n.parentElement.tagName + ': ' + n.textContent.slice(0, 30));
        }
        return out;
    }""")
    assert strays == []


def test_audit_workflow_and_exports_in_the_browser(live, page, runtime, demo, token):
    kk = demo.unit("มท 0201")
    for i in range(6):
        letter_id, _ = register(runtime, kk, subject=f"ขอเชิญประชุมคณะทำงาน ครั้งที่ {i + 1}")
        if i % 2 == 0:
            forward_to(runtime, letter_id, demo.person("owner"))
    from registry.events import Actor
    from registry.signin import set_password

    with runtime.transaction() as s:
        set_password(s, demo.person("auditor", "มท 02"), "ตรวจสอบ-2569-ok", username="auditor.kk",
                     actor=Actor(None, "test"), clock=runtime.clock)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live}/admin")
    assert "/admin/login" in page.url
    page.fill("#username", "auditor.kk")
    page.fill("#password", "wrong-password-1")
    page.click("#signin")
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.inner_text("[role=alert]")
    page.fill("#password", "ตรวจสอบ-2569-ok")
    page.click("#signin")
    page.wait_for_url(f"{live}/admin")
    _font_and_thai(page, "ภาพรวมการรับ–ส่งหนังสือ")
    assert page.locator("#compliance svg").count() == 1 and page.locator("#backlog svg").count() == 1
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    page.goto(f"{live}/admin/audits")
    page.check(f"input[name=units][value='{kk}']")
    assert "/25" in page.input_value("input[name=period_from]")  # shown in พ.ศ., day first (25xx)
    page.fill("input[name=period_from]", "1/3/2569")
    page.fill("input[name=period_to]", "31 มี.ค. 2569")
    page.fill("input[name=sample_size]", "3")
    page.fill("input[name=seed]", "77")
    page.click("#create-audit")
    page.wait_for_url("**/admin/audits/*")
    assert "seed 77" in page.inner_text("main")
    items = page.locator("section.item")
    assert items.count() == 3
    # each item shows what the auditor compares with the paper
    first = page.locator("section.item").first.inner_text()
    assert "มท 0808.2/ว 1095" in first and "กรมส่งเสริมการปกครองท้องถิ่น" in first and "ขอเชิญประชุมคณะทำงาน" in first
    page.evaluate("window.__no_reload = true")  # gone if the page reloads
    verdicts = ["correct", "correct", "needs_fix"]
    for n, verdict in enumerate(verdicts):
        form = page.locator("section.item form.verdict").nth(n)
        form.locator(f"input[value={verdict}]").check()
        form.locator("input[name=note]").fill("ไม่มีไฟล์สแกน" if verdict == "needs_fix" else "")
        form.locator("button").click()
        form.locator(".saved", has_text="บันทึกแล้ว").wait_for()
    assert page.evaluate("window.__no_reload === true")  # saved inline, no reload per item
    assert "ตรวจแล้ว 3/3" in page.inner_text("main")
    assert page.locator(".badge.verdict-needs_fix").count() == 1
    page.click("#close-audit")
    page.wait_for_load_state()
    assert page.inner_text("#audit-status") == "ปิดการตรวจแล้ว"
    assert page.inner_text("td.pass-rate") == "66.7%"
    assert page.locator("form.verdict").count() == 0  # closed: nothing left to edit
    page.screenshot(path=str(ARTIFACTS / "audit-closed.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#export-xlsx")
    saved = ARTIFACTS / "audit-result.xlsx"
    info.value.save_as(saved)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "ต้องแก้ไข" in values and "ไม่มีไฟล์สแกน" in values
    assert any("ช่วงความเชื่อมั่น 95%" in str(v) for v in values)

    page.goto(f"{live}/admin/exports")
    page.select_option("#register-export select[name=format]", "pdf")
    with page.expect_download() as info:
        page.click("#download-register")
    pdf = ARTIFACTS / "register-from-browser.pdf"
    assert info.value.suggested_filename == "ทะเบียนหนังสือรับ มท 0201 ปี 2569.pdf"  # the auditor's default unit
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_process_and_manual_pages_render_thai_with_sarabun(live, page):
    from registry.lifecycle import STATE_TH

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{live}/process")
    _font_and_thai(page, "แผนผังขั้นตอนการรับและส่งต่อหนังสือราชการ")
    svg_text = page.text_content("svg.flowchart")
    assert all(label in svg_text for label in STATE_TH.values())
    page.screenshot(path=str(ARTIFACTS / "process.png"), full_page=True)

    page.goto(f"{live}/manual")
    _font_and_thai(page, "คู่มือการใช้งานระบบทะเบียนหนังสือราชการผ่านแชต")
    assert "ผูกบัญชี K7M4Q2XP" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "manual.png"), full_page=True)

"""In Chromium at 390 px and desktop: an admin issues a link code on /admin/link-codes (shown once,
with a QR code and the Telegram deep link), the code links a chat; the admin names an acting officer
on /admin/acting and the next forward's notice reaches the acting officer's chat ("แทน …"), whose
answer shows on the letter page as (รักษาราชการแทน …)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.models import ChatAccount, Delegation, Event
from tests.admin_api.browser_support import DESKTOP, PHONE, browser, live, open_page, page_passes  # noqa: F401
from tests.admin_api.conftest import ADMIN_TOKEN, forward_to, register
from tests.handlers.conftest import Chat, notices_for


@pytest.fixture
def app(database_url, runtime):
    from saraban.app import create_app
    from saraban.settings import Settings

    return create_app(Settings(_env_file=None, database_url=database_url, admin_token=ADMIN_TOKEN, demo=True,
                               run_worker=False, telegram_bot_username="saraban_test_bot", line_basic_id="@saraban"),
                      runtime=runtime)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_link_code_then_acting_officer_gets_the_forward(browser, live, runtime, demo, token, viewport):
    owner, stand_in = demo.person("owner"), demo.person("owner", "มท 0202")
    context, page = open_page(browser, live, token(demo.person("admin", "มท 02")), viewport)
    try:
        # 1. a link code for the stand-in (นายธนา การคลัง), used from a Telegram chat
        page.goto(f"{live}/admin/link-codes")
        page_passes(page, f"link-codes-{viewport['width']}")
        page.select_option("#f-person_id", str(stand_in))
        page.click("#issue-code")
        page.wait_for_selector("#link-code")
        code = page.inner_text("#link-code").strip()
        assert len(code) == 8
        assert page.get_attribute("#telegram-link", "href") == f"https://t.me/saraban_test_bot?start={code}"
        assert page.inner_text("#line-text") == f"ผูกบัญชี {code}"
        assert page.locator("#issued svg").count() == 1  # the QR code, inline
        page_passes(page, f"link-code-issued-{viewport['width']}")
        chat = Chat(runtime, f"tg-{viewport['width']}", channel="telegram")
        assert "ผูกบัญชีเรียบร้อยแล้ว" in chat.say(f"/start {code}")[0].text
        with runtime.read() as s:
            assert s.execute(select(ChatAccount.person_id).where(
                ChatAccount.external_id == chat.account)).scalar_one() == stand_in
        page.goto(f"{live}/admin/link-codes")
        assert code not in page.content()  # shown once only
        assert "ใช้แล้ว" in page.inner_text("#codes")

        # 2. name the stand-in as acting officer for the owner (first a mistake, then right)
        page.goto(f"{live}/admin/acting")
        page_passes(page, f"acting-{viewport['width']}")
        page.select_option("#f-principal_id", str(owner))
        page.select_option("#f-delegate_id", str(owner))
        page.fill("#f-starts", "2/3/2569")
        page.fill("#f-ends", "4/3/2569")
        page.click("#acting-submit")
        assert "คนละคน" in page.inner_text("#acting-error")
        page.select_option("#f-delegate_id", str(stand_in))
        page.fill("#f-reason", "ไปราชการต่างจังหวัด")
        page.click("#acting-submit")
        page.wait_for_url("**/admin/acting?done=named")
        row = page.inner_text("#acting-list tbody tr")
        assert "นายสมชาย รักงาน" in row and "นายธนา การคลัง" in row and "กำลังรักษาราชการแทน" in row
        page_passes(page, f"acting-named-{viewport['width']}")
        assert "รักษาราชการแทน นายสมชาย รักงาน" in notices_for(runtime, chat, "acting_named")[0].text

        # 3. a forward to the owner reaches the acting officer's chat; they acknowledge it
        letter_id, _ = register(runtime, demo.unit("มท 0201"), subject="ขอเชิญประชุมคณะทำงาน")
        forward_to(runtime, letter_id, owner)
        notice = notices_for(runtime, chat, "assignment")
        assert len(notice) == 1 and "แทน นายสมชาย รักงาน" in notice[0].text
        chat.last = notice
        assert "รับทราบ" in chat.tap("รับทราบ")[0].text
        page.goto(f"{live}/admin/letters/{letter_id}")
        assert "(รักษาราชการแทน นายสมชาย รักงาน)" in page.inner_text("body")

        # 4. end it now: the next forward reaches the owner only
        page.goto(f"{live}/admin/acting")
        page.click("#acting-list tbody tr button")
        page.wait_for_url("**/admin/acting?done=ended")
        assert "สิ้นสุดแล้ว" in page.inner_text("#acting-list tbody tr")
        other, _ = register(runtime, demo.unit("มท 0201"), subject="ขอเชิญประชุมครั้งที่สอง")
        forward_to(runtime, other, owner)
        assert len(notices_for(runtime, chat, "assignment")) == 1
        with runtime.read() as s:
            d = s.execute(select(Delegation)).scalar_one()
            assert d.ended_early_at is not None and d.reason == "ไปราชการต่างจังหวัด"
            kinds = [e.kind for e in s.execute(select(Event).where(Event.kind.like("delegation.%"))).scalars()]
            assert kinds == ["delegation.named", "delegation.ended"]
    finally:
        context.close()


def test_pages_refuse_people_without_the_right(browser, live, runtime, demo, token):
    context, page = open_page(browser, live, token(demo.person("clerk")), PHONE)
    try:
        for path in ("/admin/acting", "/admin/link-codes"):
            response = page.goto(f"{live}{path}")
            assert response.status == 403 and "ไม่มีสิทธิ์" in page.inner_text("h1")
        # a head sees the acting page, limited to their unit's people
        context.close()
        context, page = open_page(browser, live, token(demo.person("head")), PHONE)
        page.goto(f"{live}/admin/acting")
        options = page.locator("#f-principal_id option").all_inner_texts()
        assert "นายสมชาย รักงาน" in options and "นายธนา การคลัง" not in options
        assert page.goto(f"{live}/admin/link-codes").status == 403
    finally:
        context.close()

"""The mailbox on the web: the clerks' list (drafts and messages set aside, with their reasons),
the files and the original .eml as downloads, and [ยืนยันลงรับ] from the page."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from tests.admin_api.conftest import ADMIN_TOKEN, bearer
from tests.mail import messages
from tests.web_forms import sign_in


@pytest.fixture
def client(database_url, runtime):
    from saraban.app import create_app
    from saraban.settings import Settings

    app = create_app(Settings(database_url=database_url, admin_token=ADMIN_TOKEN, demo=True, run_worker=False),
                     runtime=runtime)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def token(runtime):
    from registry.admin import issue_token
    from registry.events import Actor

    def make(person_id: int) -> str:
        with runtime.transaction() as s:
            return issue_token(s, person_id, actor=Actor(None, "test"), label="test", clock=runtime.clock)[1]

    return make


def test_the_clerks_list_downloads_and_confirm_from_the_web(client, runtime, demo, token, mail_settings, imap_server,
                                                            smtp_server):
    from bot.mail import MailboxReader

    pdf = messages.letter_pdf()
    imap_server.append(messages.with_pdf(pdf=pdf, message_id="<web@dla.go.th>"))
    imap_server.append(messages.broken_mime())
    MailboxReader(runtime, mail_settings).poll()

    clerk = bearer(token(demo.person("clerk")))
    listed = client.get("/api/v1/mail", headers=clerk)
    assert listed.status_code == 200, listed.text
    rows = {m["status"]: m for m in listed.json()}
    assert set(rows) == {"draft", "set_aside"}
    assert "โครงสร้างอีเมลเสียหาย" in rows["set_aside"]["reason"]
    draft = rows["draft"]
    assert draft["fields"]["ref_no"] == "มท 0808.2/ว 1095"
    # a clerk of another unit sees none of it
    stranger = bearer(token(demo.person("clerk", "มท 0202")))
    assert client.get("/api/v1/mail", headers=stranger).json() == []
    assert client.get(f"/api/v1/mail/{draft['id']}/files/0", headers=stranger).status_code == 404

    # the letter's PDF and the original e-mail, as received, as downloads
    got = client.get(f"/api/v1/mail/{draft['id']}/files/0", headers=clerk)
    assert got.content == pdf and hashlib.sha256(got.content).hexdigest() == draft["files"][0]["sha256"]
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("attachment")
    eml = client.get(f"/api/v1/mail/{rows['set_aside']['id']}/files/0", headers=clerk)
    assert eml.headers["content-type"].startswith("message/rfc822") and b"Broken" in eml.content

    # the page lists both, with [ยืนยันลงรับ] on the draft; confirming registers and redirects
    sign_in(client, token(demo.person("clerk")))
    html = client.get("/admin/mail").text
    assert "ยืนยันลงรับ" in html and "โครงสร้างอีเมลเสียหาย" in html and "อีเมลต้นฉบับ (.eml)" in html
    done = client.post(f"/admin/mail/{draft['id']}/act", data={"action": "confirm"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/admin/letters/")
    letter_page = client.get(done.headers["location"]).text
    assert "สำเนาประทับตรารับ" in letter_page
    again = client.post(f"/api/v1/mail/{draft['id']}/confirm", headers=clerk)
    assert again.status_code in (409, 422) and "ลงรับไปแล้ว" in again.json()["detail"]

"""Web sign-in at the HTTP edge: passwords, chat links, the bootstrap token, CSRF and the Origin,
sessions that end. Real app, real database (both engines), the TestClient as the browser."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from registry import signin
from registry.accounts import issue_link_code
from registry.events import Actor
from registry.models import Audit, Event, OutboxMessage, SignInFailure, WebSession
from tests.admin_api.conftest import ADMIN_TOKEN, register
from tests.handlers.conftest import Chat
from tests.web_forms import csrf_of

SYSTEM = Actor(None, "test")
PASSWORD = "สารบรรณ-2569-ดี"
ADMIN_UNIT = "มท 02"  # the demo admin (นายอดิศร ดูแลระบบ) sits in สป.มท.


def _password(runtime, person_id: int, username: str, password: str = PASSWORD) -> None:
    with runtime.transaction() as s:
        signin.set_password(s, person_id, password, username=username, actor=SYSTEM, clock=runtime.clock)


def _login(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/admin/login", data={"username": username, "password": password, **extra},
                       follow_redirects=False)


def _count(runtime, model, *where) -> int:
    with runtime.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_password_sign_in_opens_a_server_side_session_and_sign_out_ends_it(client, runtime, demo, token):
    admin = demo.person("admin", ADMIN_UNIT)
    _password(runtime, admin, "admin.kk")
    ok = _login(client, "admin.kk", next="/admin/letters")
    assert ok.status_code == 303 and ok.headers["location"] == "/admin/letters"
    cookie = client.cookies.get("saraban_session")
    assert cookie and len(cookie) >= 40
    with runtime.read() as s:  # only the digest is stored
        assert s.execute(select(WebSession.token_hash)).scalars().all() == [signin._digest(cookie)]
    assert client.get("/admin").status_code == 200
    html = client.get("/admin/account").text
    assert "admin.kk" in html
    client.post("/admin/logout", data={"csrf": csrf_of(html)}, headers={"origin": "http://testserver"})
    assert client.cookies.get("saraban_session") is None
    client.cookies.set("saraban_session", cookie)  # the old cookie, replayed
    assert client.get("/admin", follow_redirects=False).status_code == 303
    with runtime.read() as s:
        kinds = s.execute(select(Event.kind).where(Event.kind.like("web.%")).order_by(Event.id)).scalars().all()
    assert kinds == ["web.signed_in", "web.signed_out"]


def test_the_eleventh_wrong_password_in_a_minute_is_refused_without_being_checked(client, runtime, demo):
    _password(runtime, demo.person("clerk"), "clerk.kk")
    for i in range(signin.MAX_FAILURES_PER_ACCOUNT):
        r = _login(client, "clerk.kk", f"wrong-password-{i}")
        assert r.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in r.text
    eleventh = _login(client, "clerk.kk")  # even the right password: not checked inside the window
    assert eleventh.status_code == 429 and "รอสักหนึ่งนาที" in eleventh.text
    assert "saraban_session" not in client.cookies and _count(runtime, WebSession) == 0
    runtime.clock.advance(seconds=61)
    assert _login(client, "clerk.kk").status_code == 303


def test_a_cross_origin_post_with_a_valid_session_is_refused_and_changes_nothing(client, runtime, demo):
    for _ in range(3):  # the clock stands at 2 มี.ค. 2569
        register(runtime, demo.unit("มท 0201"))
    _password(runtime, demo.person("admin", ADMIN_UNIT), "admin.kk")
    assert _login(client, "admin.kk").status_code == 303
    page = client.get("/admin/audits").text
    form = {"units": [str(demo.unit("มท 0201"))], "period_from": "1/3/2569", "period_to": "31/3/2569",
            "sample_size": "2", "seed": "9", "csrf": csrf_of(page)}
    evil = client.post("/admin/audits", data=form, headers={"origin": "https://evil.example"}, follow_redirects=False)
    assert evil.status_code == 403 and "เว็บไซต์อื่น" in evil.text
    no_token = client.post("/admin/audits", data={**form, "csrf": ""}, headers={"origin": "http://testserver"},
                           follow_redirects=False)
    assert no_token.status_code == 403
    other_session = client.post("/admin/audits", data={**form, "csrf": signin.csrf_token("someone-elses-session")},
                                headers={"origin": "http://testserver"}, follow_redirects=False)
    assert other_session.status_code == 403
    assert _count(runtime, Audit) == 0
    good = client.post("/admin/audits", data=form, headers={"origin": "http://testserver"}, follow_redirects=False)
    assert good.status_code == 303 and _count(runtime, Audit) == 1


def test_a_cookie_is_never_a_bearer_token_and_the_api_takes_it_only_for_reads(client, runtime, demo, token):
    clerk = demo.person("clerk")
    bearer = token(clerk)
    _password(runtime, clerk, "clerk.kk")
    _login(client, "clerk.kk")
    cookie = client.cookies.get("saraban_session")
    assert cookie != bearer and cookie != ADMIN_TOKEN
    assert client.get("/api/v1/letters").status_code == 200  # reading with the cookie (downloads)
    assert client.get("/api/v1/letters", headers={"Authorization": f"Bearer {cookie}"},
                      cookies={}).status_code == 401
    client.cookies.clear()
    client.cookies.set("saraban_session", bearer)  # a bearer token in the cookie signs nobody in
    assert client.get("/admin", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/letters").status_code == 401


def test_the_bootstrap_token_signs_in_only_until_an_admin_has_a_password(client, runtime, demo):
    assert 'id="bootstrap"' in client.get("/admin/login").text
    wrong = client.post("/admin/login", data={"token": "not-the-token"}, follow_redirects=False)
    assert wrong.status_code == 401 and "saraban_session" not in client.cookies
    ok = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert ok.status_code == 303
    cookie = client.cookies.get("saraban_session")
    assert cookie != ADMIN_TOKEN and client.get("/admin").status_code == 200

    _password(runtime, demo.person("admin", ADMIN_UNIT), "admin.kk")  # the first real admin account
    assert client.get("/admin", follow_redirects=False).status_code == 303  # the bootstrap session is over
    client.cookies.clear()
    assert 'id="bootstrap"' not in client.get("/admin/login").text
    retired = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert retired.status_code == 401 and "โทเคนเริ่มต้นจึงใช้เข้าสู่ระบบทางเว็บไม่ได้" in retired.text
    assert "saraban_session" not in client.cookies
    # scripts keep the token
    assert client.get("/api/v1/letters", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).status_code == 200


def test_changing_the_password_ends_every_session(client, runtime, demo):
    from fastapi.testclient import TestClient

    _password(runtime, demo.person("owner"), "owner.kk")
    _login(client, "owner.kk")
    with TestClient(client.app) as phone:  # the same person on another device
        assert _login(phone, "owner.kk").status_code == 303
        html = client.get("/admin/account").text
        weak = client.post("/admin/account/password", data={"csrf": csrf_of(html), "current": PASSWORD,
                                                             "password": "short", "again": "short"})
        assert weak.status_code == 400 and "อย่างน้อย" in weak.text
        changed = client.post("/admin/account/password", data={
            "csrf": csrf_of(html), "current": PASSWORD, "password": "รหัสใหม่-ของ-สมชาย", "again": "รหัสใหม่-ของ-สมชาย"})
        assert changed.status_code == 200 and "เปลี่ยนรหัสผ่านแล้ว" in changed.text
        assert phone.get("/admin", follow_redirects=False).status_code == 303
    assert client.get("/admin", follow_redirects=False).status_code == 303
    assert _login(client, "owner.kk").status_code == 401
    assert _login(client, "owner.kk", "รหัสใหม่-ของ-สมชาย").status_code == 303


def test_a_sign_in_link_from_the_chat_signs_in_once(client, runtime, demo):
    owner = demo.person("owner")
    with runtime.transaction() as s:
        code = issue_link_code(s, owner, actor=SYSTEM, clock=runtime.clock).code
    chat = Chat(runtime, "U-owner-web")
    chat.say(f"ผูกบัญชี {code}")
    reply = chat.say("ขอลิงก์เข้าเว็บค่ะ")[0].text
    path = re.search(r"/admin/signin/[A-Za-z0-9_-]+", reply).group(0)
    assert "ครั้งเดียว" in reply
    # a chat app's link preview fetches the page: that spends nothing
    for _ in range(2):
        preview = client.get(path)
        assert preview.status_code == 200 and 'id="use-link"' in preview.text
    used = client.post(path, follow_redirects=False)
    assert used.status_code == 303 and client.get("/admin").status_code == 200
    with runtime.read() as s:
        assert s.execute(select(WebSession.person_id, WebSession.via)).all() == [(owner, "chat_link")]
    client.cookies.clear()
    again = client.post(path, follow_redirects=False)
    assert again.status_code == 400 and "ใช้ไปแล้วหรือหมดอายุ" in again.text
    # at most MAX_LINKS_PER_TTL links in LINK_TTL; never in a group
    for _ in range(signin.MAX_LINKS_PER_TTL - 1):
        assert "/admin/signin/" in chat.say("เข้าเว็บ")[0].text
    assert "หลายครั้งแล้ว" in chat.say("เข้าเว็บ")[0].text
    group = Chat(runtime, "U-owner-web", chat_id="C-group", is_group=True)
    assert "แชตส่วนตัว" in group.say("เข้าเว็บ")[0].text


def test_the_sign_in_form_sends_a_link_to_the_linked_chat_and_tells_nobody_who_exists(client, runtime, demo):
    owner = demo.person("owner")
    with runtime.transaction() as s:
        code = issue_link_code(s, owner, actor=SYSTEM, clock=runtime.clock).code
    Chat(runtime, "U-owner-link").say(f"ผูกบัญชี {code}")
    _password(runtime, owner, "owner.kk")
    known = client.post("/admin/login/link", data={"username": "owner.kk"})
    unknown = client.post("/admin/login/link", data={"username": "nobody.here"})
    assert known.status_code == unknown.status_code == 200
    assert re.sub(r'name="csrf" value="\w*"', "", known.text) == re.sub(r'name="csrf" value="\w*"', "", unknown.text)
    with runtime.read() as s:
        rows = s.execute(select(OutboxMessage).where(OutboxMessage.kind == "sign_in_link")).scalars().all()
    assert [(r.chat_id, r.person_id) for r in rows] == [("U-owner-link", owner)]
    from handlers.notices import render

    with runtime.read() as s:  # what the chat shows when the outbox delivers it
        shown = render(s, s.get(OutboxMessage, rows[0].id), now=runtime.clock.now())
    assert len(shown) == 1 and "/admin/signin/" in shown[0].text and "ครั้งเดียว" in shown[0].text
    assert _count(runtime, SignInFailure) == 0

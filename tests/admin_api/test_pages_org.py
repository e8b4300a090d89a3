"""จัดการองค์กร over HTTP (issue 12 point 2): units as a tree, people, holidays, API tokens. Every
action writes its event; every refusal is a Thai message and changes nothing; only admins get in."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.admin_api.conftest import events_of, register
from tests.web_forms import csrf_of, sign_in


def _as(client, token_value):
    sign_in(client, token_value)
    return client


def _post(client, page_url: str, url: str, data: dict):
    """Post a page's form as a browser would: the CSRF token comes from the page (when a session has one)."""
    html = client.get(page_url).text
    data = {**data, "csrf": csrf_of(html)}
    return client.post(url, data=data, follow_redirects=False, headers={"x-csrf-token": ""})


def _admin(client, demo, token):
    return _as(client, token(demo.person("admin", "มท 02")))


def _unit_id(runtime, code: str) -> int:
    from registry.models import Unit

    with runtime.read() as s:
        return s.execute(select(Unit.id).where(Unit.code == code)).scalar_one()


# ---------------------------------------------------------------- who gets in

def test_only_admins_get_the_hub_and_its_links(client, demo, token, runtime):
    admin = _admin(client, demo, token)
    dash = admin.get("/admin").text
    assert 'id="nav-org"' in dash and 'id="org-links"' in dash
    hub = admin.get("/admin/org")
    assert hub.status_code == 200
    for href in ("/admin/org/units", "/admin/org/people", "/admin/org/holidays", "/admin/org/tokens",
                 "/admin/acting", "/admin/link-codes"):
        assert f'href="{href}"' in hub.text

    for role, code in (("clerk", "มท 0201"), ("auditor", "มท 02"), ("head", "มท 0201")):
        other = _as(client, token(demo.person(role, code)))
        assert 'id="nav-org"' not in other.get("/admin").text
        for url in ("/admin/org", "/admin/org/units", "/admin/org/people", "/admin/org/holidays", "/admin/org/tokens",
                    f"/admin/org/people/{demo.person('owner')}", f"/admin/org/units/{demo.unit('มท 0201')}"):
            r = other.get(url)
            assert r.status_code == 403 and "สำหรับผู้ดูแลระบบเท่านั้น" in r.text, url
        r = other.post("/admin/org/units", data={"code": "มท 0299", "name": "กองทดสอบ"})
        assert r.status_code == 403
        r = other.post(f"/admin/org/people/{demo.person('owner')}/clearance", data={"clearance": "top_secret"})
        assert r.status_code == 403
    assert events_of(runtime, "unit.created") == [] and events_of(runtime, "person.updated") == []

    client.cookies.clear()
    r = client.get("/admin/org/units", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/login")


def test_a_cross_site_post_changes_nothing(client, demo, token, runtime):
    admin = _admin(client, demo, token)
    r = admin.post("/admin/org/units", data={"code": "มท 0299", "name": "กองทดสอบ"},
                   headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and events_of(runtime, "unit.created") == []


# ---------------------------------------------------------------- units

def test_units_are_created_with_valid_codes_and_shown_as_a_tree(client, demo, token, runtime):
    admin = _admin(client, demo, token)
    kk = demo.unit("มท 0201")
    for bad in ("0201 มท", "MT 0201", "มท 02a1", "มทมทมท 0201"):
        r = _post(admin, "/admin/org/units", "/admin/org/units", {"code": bad, "name": "ฝ่ายทดสอบ", "parent_id": kk})
        assert r.status_code == 422, bad
        assert "รหัสหน่วยงานต้องเป็นอักษรย่อภาษาไทย" in r.text and 'value="ฝ่ายทดสอบ"' in r.text  # nothing typed is lost
    r = _post(admin, "/admin/org/units", "/admin/org/units", {"code": "", "name": "ฝ่ายทดสอบ"})
    assert r.status_code == 422 and "กรุณาระบุ" in r.text
    assert events_of(runtime, "unit.created") == []

    r = _post(admin, "/admin/org/units", "/admin/org/units",
              {"code": "มท๐๒๐๑.๙", "name": "ฝ่ายทดสอบระบบ  กองกลาง", "short_name": "ฝ่ายทดสอบ", "parent_id": kk})
    assert r.status_code == 303 and "done=" in r.headers["location"]
    (created,) = events_of(runtime, "unit.created")
    assert created.data["after"]["code"] == "มท 0201.9" and created.data["after"]["parent_id"] == kk
    assert created.data["after"]["name"] == "ฝ่ายทดสอบระบบ กองกลาง"
    page = admin.get(r.headers["location"]).text
    assert "เพิ่มหน่วยงาน มท 0201.9 แล้วค่ะ" in page
    new_id = created.entity_id
    # the tree: กระทรวง (0) → สป. (1) → กองกลาง (2) → the new unit (3), right below its parent
    assert re.search(rf'<li class="depth-3" id="unit-{new_id}">', page)
    order = re.findall(r'id="unit-(\d+)"', page)
    assert order.index(str(new_id)) > order.index(str(kk))

    r = _post(admin, "/admin/org/units", "/admin/org/units", {"code": "มท 0201.9", "name": "ซ้ำ"})
    assert r.status_code == 409 and "มีหน่วยงานรหัส มท 0201.9 ที่ยังใช้งานอยู่แล้ว" in r.text
    assert len(events_of(runtime, "unit.created")) == 1


def test_rename_move_refuses_cycles_and_deactivate_gives_reasons(client, demo, token, runtime):
    admin = _admin(client, demo, token)
    kk, kc = demo.unit("มท 0201"), demo.unit("มท 0202")
    _post(admin, "/admin/org/units", "/admin/org/units", {"code": "มท 0201.8", "name": "ฝ่ายแปด", "parent_id": kk})
    eight = _unit_id(runtime, "มท 0201.8")
    _post(admin, "/admin/org/units", "/admin/org/units", {"code": "มท 0201.81", "name": "งานย่อย", "parent_id": eight})
    child = _unit_id(runtime, "มท 0201.81")
    page_url = f"/admin/org/units/{eight}"

    r = _post(admin, page_url, f"{page_url}/rename", {"code": "มท 0201.8", "name": "ฝ่ายแปด (ใหม่)", "short_name": "ฝ.8"})
    assert r.status_code == 303
    (renamed,) = events_of(runtime, "unit.updated")
    assert renamed.data["before"]["name"] == "ฝ่ายแปด" and renamed.data["after"]["name"] == "ฝ่ายแปด (ใหม่)"
    r = _post(admin, page_url, f"{page_url}/rename", {"code": "8", "name": "ฝ่ายแปดพิมพ์ใหม่"})
    assert r.status_code == 422 and "รหัสหน่วยงาน" in r.text
    assert 'value="8"' in r.text and 'value="ฝ่ายแปดพิมพ์ใหม่"' in r.text  # what was typed stays

    # the move form does not offer the unit itself or its children; posting one anyway is refused
    form = admin.get(page_url).text.split('id="unit-move"')[1].split("</form>")[0]
    assert f'value="{child}"' not in form and f'value="{eight}"' not in form and f'value="{kc}"' in form
    for target in (child, eight):
        r = _post(admin, page_url, f"{page_url}/move", {"parent_id": target})
        assert r.status_code == 409 and "หน่วยงานแม่ต้องไม่เป็นตัวเองหรือหน่วยงานลูกของตัวเอง" in r.text
    r = _post(admin, page_url, f"{page_url}/move", {"parent_id": ""})
    assert r.status_code == 422 and "กรุณาเลือกหน่วยงานแม่" in r.text
    assert len(events_of(runtime, "unit.updated")) == 1
    r = _post(admin, page_url, f"{page_url}/move", {"parent_id": kc})
    assert r.status_code == 303
    assert events_of(runtime, "unit.updated")[-1].data["after"]["parent_id"] == kc

    # deactivation: refused while people hold roles, letters are open, or a unit below is in use
    r = _post(admin, f"/admin/org/units/{kk}", f"/admin/org/units/{kk}/deactivate", {})
    assert r.status_code == 409 and "ยังมีผู้ใช้ที่มีบทบาทในหน่วยงานนี้" in r.text
    r = _post(admin, page_url, f"{page_url}/deactivate", {})
    assert r.status_code == 409 and "หน่วยงานย่อย มท 0201.81" in r.text
    letter, _ = register(runtime, child, subject="หนังสือค้างในหน่วยงานย่อย")
    r = _post(admin, f"/admin/org/units/{child}", f"/admin/org/units/{child}/deactivate", {})
    assert r.status_code == 409 and "ยังมีหนังสือที่ยังไม่ปิดเรื่อง 1 ฉบับ" in r.text
    assert events_of(runtime, "unit.deactivated") == []

    from registry.events import Actor
    from registry.queues import bulk_close

    with runtime.transaction() as s:
        bulk_close(s, [letter], "เก็บเข้าแฟ้ม", actor=Actor(None, "test"), clock=runtime.clock)
    for unit in (child, eight):
        r = _post(admin, f"/admin/org/units/{unit}", f"/admin/org/units/{unit}/deactivate", {})
        assert r.status_code == 303, r.text
    assert [e.entity_id for e in events_of(runtime, "unit.deactivated")] == [child, eight]
    page = admin.get("/admin/org/units").text
    assert re.search(rf'id="unit-{eight}">.*?ปิดการใช้งาน', page, re.DOTALL)
    r = _post(admin, page_url, f"{page_url}/deactivate", {})
    assert r.status_code == 409 and "ปิดการใช้งานแล้ว" in r.text
    r = _post(admin, page_url, f"{page_url}/reactivate", {})
    assert r.status_code == 303 and len(events_of(runtime, "unit.reactivated")) == 1
    history = admin.get(page_url).text.split('id="history"')[1].split("</ol>")[0]
    for line in ("เพิ่มหน่วยงาน", "แก้ไขหน่วยงาน", "ปิดการใช้งานหน่วยงาน", "เปิดใช้งานหน่วยงานอีกครั้ง"):
        assert line in history, line


# ---------------------------------------------------------------- people

def test_people_are_created_filtered_edited_and_given_roles_and_clearance(client, demo, token, runtime):
    admin = _admin(client, demo, token)
    kk, kc, kj = demo.unit("มท 0201"), demo.unit("มท 0202"), demo.unit("มท 0203")
    r = _post(admin, "/admin/org/people", "/admin/org/people", {"name": "", "position": "นิติกร"})
    assert r.status_code == 422 and "กรุณาระบุ" in r.text and 'value="นิติกร"' in r.text
    r = _post(admin, "/admin/org/people", "/admin/org/people", {"name": "นายทดสอบ ระบบใหม่", "role": "clerk"})
    assert r.status_code == 422 and "กรุณาเลือกทั้งหน่วยงานและบทบาท" in r.text
    r = _post(admin, "/admin/org/people", "/admin/org/people", {"name": "นายทดสอบ ระบบใหม่", "clearance": "cosmic"})
    assert r.status_code == 422 and "ชั้นความลับ" in r.text
    assert events_of(runtime, "person.created") == []

    r = _post(admin, "/admin/org/people", "/admin/org/people",
              {"name": "นายทดสอบ ระบบใหม่", "position": "นักจัดการงานทั่วไป", "clearance": "confidential",
               "unit_id": kk, "role": "clerk"})
    assert r.status_code == 303
    (created,) = events_of(runtime, "person.created")
    pid = created.entity_id
    assert r.headers["location"].startswith(f"/admin/org/people/{pid}")
    assert created.data["after"]["clearance"] == "confidential"
    assert [(e.data["unit_id"], e.data["role"]) for e in events_of(runtime, "role.granted")] == [(kk, "clerk")]

    listing = admin.get("/admin/org/people", params={"q": "ทดสอบ"}).text
    assert "นายทดสอบ ระบบใหม่" in listing and demo.names[demo.person("owner")] not in listing
    assert "นายทดสอบ ระบบใหม่" in admin.get("/admin/org/people", params={"unit": kk, "role": "clerk"}).text
    assert "นายทดสอบ ระบบใหม่" not in admin.get("/admin/org/people", params={"role": "auditor"}).text

    me = f"/admin/org/people/{pid}"
    r = _post(admin, me, f"{me}/edit", {"name": "นายทดสอบ ระบบดี", "position": "นักจัดการงานทั่วไปชำนาญการ"})
    assert r.status_code == 303
    (edited,) = events_of(runtime, "person.updated")
    assert edited.data["after"]["name"] == "นายทดสอบ ระบบดี"
    assert edited.data["after"]["position"] == "นักจัดการงานทั่วไปชำนาญการ"
    r = _post(admin, me, f"{me}/edit", {"name": " ", "position": "ตำแหน่งที่พิมพ์ไว้"})
    assert r.status_code == 422 and 'id="error-edit"' in r.text and 'value="ตำแหน่งที่พิมพ์ไว้"' in r.text

    r = _post(admin, me, f"{me}/clearance", {"clearance": "cosmic"})
    assert r.status_code == 422 and 'id="error-clearance"' in r.text
    r = _post(admin, me, f"{me}/clearance", {"clearance": "top_secret"})
    assert r.status_code == 303
    assert events_of(runtime, "person.updated")[-1].data["after"]["clearance"] == "top_secret"

    r = _post(admin, me, f"{me}/grant", {"unit_id": kc, "role": "boss"})
    assert r.status_code == 422 and "บทบาทต้องเป็น" in r.text
    r = _post(admin, me, f"{me}/grant", {"unit_id": "", "role": "owner"})
    assert r.status_code == 422 and "กรุณาเลือกหน่วยงาน" in r.text
    r = _post(admin, me, f"{me}/grant", {"unit_id": kk, "role": "owner"})
    assert r.status_code == 303 and events_of(runtime, "role.granted")[-1].data == {"unit_id": kk, "role": "owner"}
    r = _post(admin, me, f"{me}/grant", {"unit_id": kc, "role": "head"})
    assert r.status_code == 303

    # a unit move takes every role held in the old unit to the new one, as one event
    r = _post(admin, me, f"{me}/move", {"from_unit": kk, "to_unit": kj})
    assert r.status_code == 303
    (moved,) = events_of(runtime, "person.moved")
    assert moved.data == {"from_unit_id": kk, "to_unit_id": kj, "roles": ["clerk", "owner"]}
    from registry.permissions import roles_of

    with runtime.read() as s:
        assert sorted(roles_of(s, pid)) == sorted([(kj, "clerk"), (kj, "owner"), (kc, "head")])
    r = _post(admin, me, f"{me}/move", {"from_unit": kk, "to_unit": kj})
    assert r.status_code == 422 and "ไม่มีบทบาทใน" in r.text
    r = _post(admin, me, f"{me}/move", {"from_unit": kj, "to_unit": kj})
    assert r.status_code == 422 and "ไม่ใช่หน่วยงานเดิม" in r.text

    r = _post(admin, me, f"{me}/revoke", {"unit_id": kc, "role": "head"})
    assert r.status_code == 303 and events_of(runtime, "role.revoked")[-1].data == {"unit_id": kc, "role": "head"}
    page = admin.get(me).text
    assert "ผู้บังคับบัญชา ·" not in page and 'id="revoke-' + str(kj) + '-clerk"' in page
    history = page.split('id="history"')[1].split("</ol>")[0]
    admin_name = demo.names[demo.person("admin", "มท 02")]
    for line in ("เพิ่มผู้ใช้", "ให้บทบาท (เจ้าหน้าที่สารบรรณ)", "ย้ายหน่วยงาน", "ถอนบทบาท (ผู้บังคับบัญชา)",
                 f"โดย {admin_name}"):
        assert line in history, line

    # an admin cannot take away their own admin role (the registry refuses, the page says why)
    admin_id = demo.person("admin", "มท 02")
    mine = f"/admin/org/people/{admin_id}"
    r = _post(admin, mine, f"{mine}/revoke", {"unit_id": demo.unit("มท 02"), "role": "admin"})
    assert r.status_code == 422 and "ไม่สามารถถอนสิทธิ์ผู้ดูแลระบบของตนเองได้" in r.text


def test_password_reset_shows_the_rule_and_ends_sessions(client, demo, token, runtime):
    from registry.signin import session_person, sign_in

    admin = _admin(client, demo, token)
    owner = demo.person("owner")
    me = f"/admin/org/people/{owner}"
    page = admin.get(me).text
    assert "อย่างน้อย 10 ตัวอักษร" in page and 'type="password"' in page
    r = _post(admin, me, f"{me}/password", {"username": "somchai", "password": "short", "password2": "short"})
    assert r.status_code == 422 and "รหัสผ่านต้องยาวอย่างน้อย 10 ตัวอักษร" in r.text and 'value="somchai"' in r.text
    r = _post(admin, me, f"{me}/password", {"username": "Som Chai!", "password": "ม้าลายกินหญ้า2569",
                                            "password2": "ม้าลายกินหญ้า2569"})
    assert r.status_code == 422 and "ชื่อผู้ใช้ต้องเป็นตัวอักษรอังกฤษพิมพ์เล็ก" in r.text
    r = _post(admin, me, f"{me}/password", {"username": "somchai", "password": "ม้าลายกินหญ้า2569",
                                            "password2": "ม้าลายกินหญ้า2570"})
    assert r.status_code == 422 and "ไม่ตรงกัน" in r.text
    assert events_of(runtime, "person.password_set") == []

    r = _post(admin, me, f"{me}/password", {"username": "somchai", "password": "ม้าลายกินหญ้า2569",
                                            "password2": "ม้าลายกินหญ้า2569"})
    assert r.status_code == 303
    (first,) = events_of(runtime, "person.password_set")
    assert first.data == {"username": "somchai", "sessions_ended": 0}
    assert "ม้าลายกินหญ้า2569" not in str(first.data)
    with runtime.transaction() as s:
        signed = sign_in(s, "somchai", "ม้าลายกินหญ้า2569", address="127.0.0.1", clock=runtime.clock).signed_in
    assert signed is not None
    assert 'id="current-username">somchai<' in admin.get(me).text

    r = _post(admin, me, f"{me}/password", {"username": "somchai", "password": "ยีราฟคอยาว-2569",
                                            "password2": "ยีราฟคอยาว-2569"})
    assert r.status_code == 303 and events_of(runtime, "person.password_set")[-1].data["sessions_ended"] == 1
    with runtime.read() as s:
        assert session_person(s, signed.token, clock=runtime.clock) is None
    # the same username cannot be given to a second person
    other = f"/admin/org/people/{demo.person('clerk')}"
    r = _post(admin, other, f"{other}/password", {"username": "somchai", "password": "ยีราฟคอยาว-2570",
                                                  "password2": "ยีราฟคอยาว-2570"})
    assert r.status_code == 422 and "ชื่อผู้ใช้ somchai มีผู้ใช้แล้ว" in r.text


def test_deactivating_a_person_ends_their_sessions_and_their_token(client, demo, token, runtime):
    from registry.events import Actor
    from registry.signin import session_person, set_password, sign_in

    owner = demo.person("owner")
    owner_token = token(owner)
    with runtime.transaction() as s:
        set_password(s, owner, "ม้าลายกินหญ้า2569", username="somchai", actor=Actor(None, "test"), clock=runtime.clock)
    with runtime.transaction() as s:
        signed = sign_in(s, "somchai", "ม้าลายกินหญ้า2569", address="127.0.0.1", clock=runtime.clock).signed_in
    admin_id = demo.person("admin", "มท 02")
    admin = _admin(client, demo, token)
    me = f"/admin/org/people/{admin_id}"
    r = _post(admin, me, f"{me}/deactivate", {})
    assert r.status_code == 422 and "ไม่สามารถปิดการใช้งานบัญชีของตนเองได้" in r.text

    page = f"/admin/org/people/{owner}"
    r = _post(admin, page, f"{page}/deactivate", {})
    assert r.status_code == 303
    (off,) = events_of(runtime, "person.deactivated")
    assert off.entity_id == owner and off.data == {"sessions_ended": 1}
    with runtime.read() as s:
        assert session_person(s, signed.token, clock=runtime.clock) is None
    assert client.get("/api/v1/units", headers={"Authorization": f"Bearer {owner_token}"}).status_code == 401
    assert "นายสมชาย" not in admin.get("/admin/org/people").text
    assert "ปิดการใช้งาน" in admin.get("/admin/org/people", params={"state": "inactive"}).text
    r = _post(admin, page, f"{page}/deactivate", {})
    assert r.status_code == 409
    r = _post(admin, page, f"{page}/reactivate", {})
    assert r.status_code == 303 and len(events_of(runtime, "person.reactivated")) == 1


def test_linked_chats_are_listed_and_unlinked(client, demo, token, runtime):
    from registry.accounts import link_directly
    from registry.events import Actor

    owner = demo.person("owner")
    with runtime.transaction() as s:
        line = link_directly(s, "line", "U0123456789abcdef", owner, actor=Actor(None, "test"),
                             display_name="สมชาย LINE", clock=runtime.clock).id
        link_directly(s, "telegram", "987654", owner, actor=Actor(None, "test"), clock=runtime.clock)
    admin = _admin(client, demo, token)
    me = f"/admin/org/people/{owner}"
    chats = admin.get(me).text.split('id="chat-list"')[1].split("</ul>")[0]
    assert "LINE · สมชาย LINE" in chats and "Telegram" in chats
    r = _post(admin, me, f"{me}/unlink", {"account_id": line})
    assert r.status_code == 303
    (gone,) = events_of(runtime, "chat_account.unlinked")
    assert gone.entity_id == owner and gone.data["channel"] == "line"
    chats = admin.get(me).text.split('id="chat-list"')[1].split("</ul>")[0]
    assert "LINE" not in chats and "Telegram" in chats
    # another person's account, or one already unlinked, is refused with a reason
    r = _post(admin, me, f"{me}/unlink", {"account_id": line})
    assert r.status_code == 422 and "ไม่พบบัญชีแชตนี้ของผู้ใช้" in r.text
    assert len(events_of(runtime, "chat_account.unlinked")) == 1


# ---------------------------------------------------------------- holidays

def test_holidays_by_year_added_and_removed(client, demo, token, runtime):
    admin = _admin(client, demo, token)
    page = admin.get("/admin/org/holidays", params={"year": "2569"}).text
    assert "วันขึ้นปีใหม่" in page and "1 ม.ค. 2569" in page  # the official calendar saraban init loads
    r = _post(admin, "/admin/org/holidays", "/admin/org/holidays",
              {"day": "31/2/2569", "name": "วันหยุดทดสอบ", "year": "2569"})
    assert r.status_code == 422 and "วันที่อ่านไม่ได้" in r.text and 'value="วันหยุดทดสอบ"' in r.text
    r = _post(admin, "/admin/org/holidays", "/admin/org/holidays", {"day": "15/5/2569", "name": " ", "year": "2569"})
    assert r.status_code == 422 and "กรุณาระบุ" in r.text
    assert events_of(runtime, "holiday.set") == []

    r = _post(admin, "/admin/org/holidays", "/admin/org/holidays",
              {"day": "15/5/2569", "name": "วันหยุดพิเศษตามมติคณะรัฐมนตรี", "year": "2569"})
    assert r.status_code == 303 and "year=2569" in r.headers["location"]
    (added,) = events_of(runtime, "holiday.set")
    assert added.data["day"] == "2026-05-15" and added.data["after"] == "วันหยุดพิเศษตามมติคณะรัฐมนตรี"
    page = admin.get(r.headers["location"]).text
    assert 'id="holiday-2026-05-15"' in page and "15 พ.ค. 2569" in page

    r = _post(admin, "/admin/org/holidays?year=2569", "/admin/org/holidays/remove", {"day": "2026-05-15", "year": "2569"})
    assert r.status_code == 303
    assert events_of(runtime, "holiday.removed")[-1].data["before"] == "วันหยุดพิเศษตามมติคณะรัฐมนตรี"
    r = _post(admin, "/admin/org/holidays?year=2569", "/admin/org/holidays/remove", {"day": "2026-05-15", "year": "2569"})
    assert r.status_code == 404 and "ไม่พบวันหยุด" in r.text
    with runtime.read() as s:
        from registry.models import Holiday

        assert s.get(Holiday, __import__("datetime").date(2026, 5, 15)) is None


# ---------------------------------------------------------------- API tokens

def test_tokens_are_shown_once_listed_without_the_secret_and_revoked(client, demo, token, runtime):
    admin = _admin(client, demo, token)
    owner = demo.person("owner")
    r = _post(admin, "/admin/org/tokens", "/admin/org/tokens", {"person_id": "", "label": "สคริปต์"})
    assert r.status_code == 422 and "กรุณาเลือกผู้ใช้" in r.text
    r = _post(admin, "/admin/org/tokens", "/admin/org/tokens", {"person_id": owner, "label": "สคริปต์รายงานประจำเดือน"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    value = re.search(r'id="new-token-value" class="token" readonly value="([^"]+)"', r.text).group(1)
    created = events_of(runtime, "token.created")[-1]
    assert created.entity_id == owner and created.data["label"] == "สคริปต์รายงานประจำเดือน"
    assert value not in str(created.data)
    assert client.get("/api/v1/units", headers={"Authorization": f"Bearer {value}"}).status_code == 200

    listing = admin.get("/admin/org/tokens").text
    assert "สคริปต์รายงานประจำเดือน" in listing and value not in listing
    assert value not in admin.get(f"/admin/org/people/{owner}").text
    tid = created.data["token_id"]
    r = _post(admin, "/admin/org/tokens", f"/admin/org/tokens/{tid}/revoke", {})
    assert r.status_code == 303
    assert events_of(runtime, "token.revoked")[-1].data == {"token_id": tid}
    assert client.get("/api/v1/units", headers={"Authorization": f"Bearer {value}"}).status_code == 401
    r = _post(admin, "/admin/org/tokens", f"/admin/org/tokens/{tid}/revoke", {})
    assert r.status_code == 409 and "ถูกยกเลิกไปแล้ว" in r.text
    assert re.search(rf'id="token-{tid}">.*?ยกเลิกแล้ว', admin.get("/admin/org/tokens").text, re.DOTALL)


def test_with_a_web_session_every_org_form_needs_its_csrf_token(client, demo, token, runtime):
    """Once the session cookie is there, a post without the page's CSRF token is refused (403, nothing
    written) and the token every form of these pages carries lets it through."""
    from registry.events import Actor
    from registry.signin import set_password, sign_in

    admin_id = demo.person("admin", "มท 02")
    with runtime.transaction() as s:
        set_password(s, admin_id, "ม้าลายกินหญ้า2569", username="adisorn", actor=Actor(None, "test"), clock=runtime.clock)
    with runtime.transaction() as s:
        signed = sign_in(s, "adisorn", "ม้าลายกินหญ้า2569", address="127.0.0.1", clock=runtime.clock).signed_in
    admin = _admin(client, demo, token)
    admin.cookies.set("saraban_session", signed.token)
    for url in ("/admin/org/units", "/admin/org/people", "/admin/org/holidays", "/admin/org/tokens",
                f"/admin/org/people/{demo.person('owner')}", f"/admin/org/units/{demo.unit('มท 0201')}"):
        html = admin.get(url).text
        forms = re.findall(r'<form method="post"[^>]*>(.{0,120})', html)
        assert forms and all(f.startswith('<input type="hidden" name="csrf"') for f in forms), url
    r = admin.post("/admin/org/units", data={"code": "มท 0299", "name": "กองทดสอบ"})
    assert r.status_code == 403 and events_of(runtime, "unit.created") == []
    r = _post(admin, "/admin/org/units", "/admin/org/units", {"code": "มท 0299", "name": "กองทดสอบ"})
    assert r.status_code == 303 and len(events_of(runtime, "unit.created")) == 1

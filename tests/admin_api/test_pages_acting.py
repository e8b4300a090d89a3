"""The acting-officer and link-code pages over HTTP: Thai validation with nothing written, who may
use them (registry.access), the code shown once and stored only as its sha256."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from registry.models import Delegation, Event, LinkCode
from tests.web_forms import post_form, sign_in


def _as(client, token_value):
    sign_in(client, token_value)
    return client


def _post(client, path, data):
    """The page's form, posted as a browser would (its CSRF token, our Origin)."""
    page = path.rsplit("/", 2)[0] if path.endswith("/end") else path
    return post_form(client, path, data, page=page, follow_redirects=False)


def test_head_names_within_their_unit_with_thai_messages(client, demo, token, runtime):
    owner, clerk, finance = demo.person("owner"), demo.person("clerk"), demo.person("owner", "มท 0202")
    head = _as(client, token(demo.person("head")))
    page = head.get("/admin/acting")
    assert page.status_code == 200
    assert f'value="{owner}"' in page.text.split('id="f-delegate_id"')[0]  # their unit's owner may be absent
    assert f'value="{finance}"' not in page.text.split('id="f-delegate_id"')[0]  # not another unit's
    unit = str(demo.unit("มท 0201"))
    bad = [
        (dict(principal_id=str(owner), delegate_id=str(clerk), unit_id=unit, starts="4/3/2569", ends="2/3/2569"),
         "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"),
        (dict(principal_id=str(owner), delegate_id=str(clerk), unit_id=unit, starts="วันจันทร์", ends="2/3/2569"),
         "วันเริ่มอ่านไม่ได้"),
        (dict(principal_id="", delegate_id=str(clerk), unit_id=unit, starts="2/3/2569", ends="3/3/2569"),
         "กรุณาเลือกผู้ที่ไม่อยู่"),
        (dict(principal_id=str(owner), delegate_id=str(clerk), unit_id=unit, starts="1/1/2569", ends="2/1/2569"),
         "ผ่านไปแล้ว"),
    ]
    for data, message in bad:
        res = _post(head, "/admin/acting", data)
        assert res.status_code == 422 and message in res.text, (message, res.status_code)
        assert 'value="' + data["starts"] + '"' in res.text  # what was typed stays in the form
    res = _post(head, "/admin/acting", dict(principal_id=str(finance), delegate_id=str(clerk),
                                            unit_id=str(demo.unit("มท 0202")), starts="2/3/2569", ends="3/3/2569"))
    assert res.status_code == 403  # not a head of กองคลัง
    with runtime.read() as s:
        assert s.execute(select(Delegation)).first() is None
    res = _post(head, "/admin/acting", dict(principal_id=str(owner), delegate_id=str(clerk), unit_id=unit,
                                            starts="2/3/2569", ends="6/3/2569", reason="ลาพักผ่อน"))
    assert res.status_code == 303 and res.headers["location"] == "/admin/acting?done=named"
    listed = head.get("/admin/acting").text
    assert "2 มี.ค. 2569 – 6 มี.ค. 2569" in listed and "ลาพักผ่อน" in listed
    res = _post(head, "/admin/acting", dict(principal_id=str(owner), delegate_id=str(demo.person("owner", "มท 0201") + 1),
                                            unit_id=unit, starts="5/3/2569", ends="8/3/2569"))
    assert res.status_code == 422 and "ทับกัน" in res.text
    with runtime.read() as s:
        d = s.execute(select(Delegation)).scalar_one()
    res = _post(head, f"/admin/acting/{d.id}/end", {})
    assert res.status_code == 303
    with runtime.read() as s:
        assert s.get(Delegation, d.id).ended_early_at is not None
        assert [e.kind for e in s.execute(select(Event).where(Event.kind.like("delegation.%")).order_by(Event.seq)).scalars()] \
            == ["delegation.named", "delegation.ended"]


def test_clerks_and_auditors_may_not(client, demo, token):
    for role, unit in (("clerk", "มท 0201"), ("auditor", "มท 02")):
        c = _as(client, token(demo.person(role, unit)))
        assert c.get("/admin/acting").status_code == 403
        assert c.get("/admin/link-codes").status_code == 403
        assert _post(c, "/admin/link-codes", {"person_id": str(demo.person("owner"))}).status_code == 403


def test_link_code_is_shown_once_and_stored_hashed(client, demo, token, runtime):
    admin = _as(client, token(demo.person("admin", "มท 02")))
    res = _post(admin, "/admin/link-codes", {"person_id": str(demo.person("owner"))})
    assert res.status_code == 200 and res.headers["cache-control"] == "no-store"
    code = re.search(r'id="link-code">([A-Z0-9]{8})<', res.text).group(1)
    assert f"ผูกบัญชี {code}" in res.text and "<svg" in res.text
    assert "t.me/" not in res.text  # no bot username configured: the /start text instead
    with runtime.read() as s:
        row = s.execute(select(LinkCode)).scalar_one()
        assert row.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert code not in admin.get("/admin/link-codes").text
    res = _post(admin, "/admin/link-codes", {"person_id": ""})
    assert res.status_code == 422 and "กรุณาเลือกผู้ใช้" in res.text

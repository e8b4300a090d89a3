"""Who may do what through the API: tokens, units, auditors, secrecy."""

from __future__ import annotations

from registry.models import Letter
from tests.admin_api.conftest import ADMIN, bearer, forward_to, person_named, register


def test_no_token_bad_token_and_revoked_token_are_refused(client, demo, token):
    assert client.get("/api/v1/letters").status_code == 401
    r = client.get("/api/v1/letters", headers=bearer("not-a-token"))
    assert r.status_code == 401 and "โทเคน" in r.json()["detail"]
    clerk = token(demo.person("clerk"))
    assert client.get("/api/v1/letters", headers=bearer(clerk)).status_code == 200
    # revoke it through the API: the same token stops working at once
    created = client.post(f"/api/v1/people/{demo.person('clerk')}/tokens", headers=ADMIN, json={"label": "x"}).json()
    assert client.get("/api/v1/letters", headers=bearer(created["token"])).status_code == 200
    assert client.delete(f"/api/v1/tokens/{created['id']}", headers=ADMIN).status_code == 204
    assert client.get("/api/v1/letters", headers=bearer(created["token"])).status_code == 401


def test_owner_cannot_read_another_units_letters(client, runtime, demo, token):
    kk, kc = demo.unit("มท 0201"), demo.unit("มท 0202")
    mine, _ = register(runtime, kk, subject="หนังสือของกองกลาง")
    theirs, _ = register(runtime, kc, subject="หนังสือของกองคลัง")
    owner = bearer(token(demo.person("owner")))

    assert client.get(f"/api/v1/letters/{mine}", headers=owner).status_code == 200
    r = client.get(f"/api/v1/letters/{theirs}", headers=owner)
    assert r.status_code == 404  # not even its existence
    assert client.get(f"/api/v1/letters?unit={kc}", headers=owner).status_code == 403
    listed = client.get("/api/v1/letters", headers=owner).json()
    assert {i["id"] for i in listed["items"]} == {mine}
    # exporting the other unit's register is refused too
    assert client.get(f"/api/v1/exports/register?unit={kc}&year=2569&format=csv", headers=owner).status_code == 403
    # the admin and the auditor see both
    auditor = bearer(token(demo.person("auditor", "มท 02")))
    for who in (ADMIN, auditor):
        assert client.get(f"/api/v1/letters/{theirs}", headers=who).status_code == 200


def test_auditor_cannot_change_a_letter(client, runtime, demo, token):
    kk = demo.unit("มท 0201")
    letter_id, _ = register(runtime, kk)
    assignment = forward_to(runtime, letter_id, demo.person("owner"))
    auditor = bearer(token(demo.person("auditor", "มท 02")))
    attempts = [
        ("post", f"/api/v1/letters/{letter_id}/forward", {"recipients": [{"person_id": demo.person("head")}]}),
        ("post", f"/api/v1/letters/{letter_id}/close", {}),
        ("post", f"/api/v1/letters/{letter_id}/cancel", {"reason": "ทดสอบ"}),
        ("post", f"/api/v1/assignments/{assignment}/acknowledge", None),
        ("post", f"/api/v1/assignments/{assignment}/return", {"reason": "ทดสอบ"}),
        ("post", "/api/v1/letters/incoming", {"unit": kk, "subject": "ลงรับโดยผู้ตรวจ"}),
    ]
    for method, path, body in attempts:
        r = client.request(method, path, headers=auditor, json=body)
        assert r.status_code == 403, (path, r.text)
        assert "สิทธิ์" in r.json()["detail"]
    with runtime.read() as s:
        assert s.get(Letter, letter_id).status == "forwarded"
    # the auditor reads it fine
    assert client.get(f"/api/v1/letters/{letter_id}", headers=auditor).json()["status"] == "forwarded"


def test_owner_of_another_unit_cannot_act_on_a_letter(client, runtime, demo, token):
    kc_letter, _ = register(runtime, demo.unit("มท 0202"))
    owner = bearer(token(demo.person("owner")))
    r = client.post(f"/api/v1/letters/{kc_letter}/close", headers=owner, json={})
    assert r.status_code == 404


def test_secret_subject_is_withheld_without_clearance(client, runtime, demo, token):
    kk = demo.unit("มท 0201")
    letter_id, _ = register(runtime, kk, subject="ผลการสอบสวนวินัยร้ายแรง", secrecy="secret", sender="สำนักกฎหมาย")
    cleared = bearer(token(person_named(runtime, "สมชาย")))  # owner, clearance "secret"
    uncleared_id = person_named(runtime, "วิภาวดี")  # owner, clearance "none"
    uncleared = bearer(token(uncleared_id))

    seen = client.get(f"/api/v1/letters/{letter_id}", headers=uncleared).json()
    assert seen["withheld"] is True and seen["subject"] is None and seen["sender"] is None
    assert seen["registration"]["number"] == 1  # the number and secrecy class still show
    assert all(e["data"] == {} for e in seen["events"])  # the timeline does not leak it either
    listed = client.get("/api/v1/letters", headers=uncleared).json()["items"]
    assert listed[0]["subject"] is None
    csv = client.get(f"/api/v1/exports/register?unit={kk}&year=2569&format=csv", headers=uncleared).content.decode("utf-8-sig")
    assert "ผลการสอบสวน" not in csv and "สงวนเนื้อหา" in csv

    assert client.get(f"/api/v1/letters/{letter_id}", headers=cleared).json()["subject"] == "ผลการสอบสวนวินัยร้ายแรง"
    # once the letter is forwarded to the uncleared owner, they are its owner and may read it
    forward_to(runtime, letter_id, uncleared_id)
    assert client.get(f"/api/v1/letters/{letter_id}", headers=uncleared).json()["subject"] == "ผลการสอบสวนวินัยร้ายแรง"


def test_roles_are_checked_for_admin_and_audit_endpoints(client, demo, token):
    clerk = bearer(token(demo.person("clerk")))
    auditor = bearer(token(demo.person("auditor", "มท 02")))
    assert client.post("/api/v1/units", headers=auditor, json={"code": "มท 0299", "name": "กองทดสอบ"}).status_code == 403
    assert client.post("/api/v1/units", headers=clerk, json={"code": "มท 0299", "name": "กองทดสอบ"}).status_code == 403
    assert client.post("/api/v1/link-codes", headers=clerk, json={"person_id": demo.person("owner")}).status_code == 403
    assert client.get("/api/v1/audits", headers=clerk).status_code == 403
    assert client.get("/api/v1/audits", headers=auditor).status_code == 200
    assert client.get("/api/v1/reports/indicator", headers=clerk).status_code == 403
    assert client.get("/api/v1/integrity", headers=auditor).json()["ok"] is True


def test_admin_person_token_is_an_admin(client, demo, token):
    admin = bearer(token(demo.person("admin", "มท 02")))
    r = client.post("/api/v1/units", headers=admin, json={"code": "มท 0299", "name": "กองทดสอบระบบ"})
    assert r.status_code == 201

"""Units, people and roles, books, link codes, holidays: each change answered and evented."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.errors import LinkCodeInvalid
from tests.admin_api.conftest import ADMIN, bearer, events_of, register


def test_units_create_read_update_and_refuse_duplicates(client, demo, runtime):
    parent = demo.unit("มท 0201")
    r = client.post("/api/v1/units", headers=ADMIN, json={
        "code": "มท 0201.3", "name": "ฝ่ายช่วยอำนวยการ กองกลาง", "short_name": "ฝ่ายช่วยอำนวยการ",
        "aliases": ["ฝอก."], "parent": parent, "valid_from": "2026-01-01"})
    assert r.status_code == 201, r.text
    unit = r.json()
    assert unit["parent"] == parent and unit["aliases"] == ["ฝอก."]
    assert client.get(f"/api/v1/units/{unit['id']}", headers=ADMIN).json()["name"] == "ฝ่ายช่วยอำนวยการ กองกลาง"
    listed = client.get("/api/v1/units", headers=ADMIN).json()
    assert any(u["code"] == "มท 0201.3" for u in listed)

    dup = client.post("/api/v1/units", headers=ADMIN, json={"code": "มท 0201.3", "name": "ซ้ำ"})
    assert dup.status_code == 409 and "มท 0201.3" in dup.json()["detail"]

    r = client.patch(f"/api/v1/units/{unit['id']}", headers=ADMIN, json={"valid_to": "2026-12-31", "book_reset": "fiscal"})
    assert r.status_code == 200 and r.json()["valid_to"] == "2026-12-31" and r.json()["book_reset"] == "fiscal"
    # a unit cannot become its own ancestor
    r = client.patch(f"/api/v1/units/{parent}", headers=ADMIN, json={"parent": unit["id"]})
    assert r.status_code == 409 and "หน่วยงานแม่" in r.json()["detail"]  # a conflict with the tree as it stands

    kinds = [(e.kind, e.entity_id) for e in events_of(runtime, "unit.created") + events_of(runtime, "unit.updated")]
    assert ("unit.created", unit["id"]) in kinds and ("unit.updated", unit["id"]) in kinds
    updated = events_of(runtime, "unit.updated")[0]
    assert updated.data["before"]["valid_to"] is None and updated.data["after"]["valid_to"] == "2026-12-31"
    assert client.get("/api/v1/units/999999", headers=ADMIN).status_code == 404


def test_people_and_roles(client, demo, runtime, token):
    kk = demo.unit("มท 0201")
    r = client.post("/api/v1/people", headers=ADMIN, json={
        "name": "นางสาวทดลอง ใจเย็น", "position": "เจ้าพนักงานธุรการ", "clearance": "confidential",
        "roles": [{"unit": kk, "role": "clerk"}]})
    assert r.status_code == 201, r.text
    person = r.json()
    assert person["roles"] == [{"unit_id": kk, "unit_code": "มท 0201", "role": "clerk"}]

    r = client.post(f"/api/v1/people/{person['id']}/roles", headers=ADMIN, json={"unit": kk, "role": "owner"})
    assert r.status_code == 201 and {x["role"] for x in r.json()["roles"]} == {"clerk", "owner"}
    r = client.delete(f"/api/v1/people/{person['id']}/roles/{kk}/clerk", headers=ADMIN)
    assert r.status_code == 200 and [x["role"] for x in r.json()["roles"]] == ["owner"]
    assert client.delete(f"/api/v1/people/{person['id']}/roles/{kk}/clerk", headers=ADMIN).status_code == 404
    bad = client.post(f"/api/v1/people/{person['id']}/roles", headers=ADMIN, json={"unit": kk, "role": "king"})
    assert bad.status_code == 422 and "ข้อมูลไม่ถูกต้อง" in bad.json()["detail"]

    # a deactivated person's token stops working
    their = bearer(token(person["id"]))
    assert client.get("/api/v1/letters", headers=their).status_code == 200
    r = client.patch(f"/api/v1/people/{person['id']}", headers=ADMIN, json={"active": False, "clearance": "secret"})
    assert r.json()["active"] is False and r.json()["clearance"] == "secret"
    assert client.get("/api/v1/letters", headers=their).status_code == 401

    kinds = {e.kind for k in ("person.created", "role.granted", "role.revoked", "person.updated", "token.created")
             for e in events_of(runtime, k)}
    assert kinds == {"person.created", "role.granted", "role.revoked", "person.updated", "token.created"}
    people = client.get(f"/api/v1/people?unit={kk}", headers=ADMIN).json()
    assert person["id"] in {p["id"] for p in people}


def test_books_list_with_completeness(client, runtime, demo, token):
    kk = demo.unit("มท 0201")
    first, _ = register(runtime, kk, subject="หนึ่ง")
    register(runtime, kk, subject="สอง")
    r = client.post(f"/api/v1/letters/{first}/cancel", headers=ADMIN, json={"reason": "ลงซ้ำ"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    books = client.get(f"/api/v1/books?unit={kk}", headers=ADMIN).json()
    assert len(books) == 1
    book = books[0]
    assert (book["direction"], book["year"], book["last_number"], book["registered"]) == ("incoming", 2569, 2, 2)
    assert book["complete"] is True and book["gaps"] == []
    assert [(c["number"], c["reason"]) for c in book["cancellations"]] == [(1, "ลงซ้ำ")]
    # an owner of another unit sees no books of กองกลาง
    other = bearer(token(demo.person("clerk", "มท 0202")))
    assert client.get(f"/api/v1/books?unit={kk}", headers=other).json() == []


def test_link_code_is_single_use_and_expires_in_30_minutes(client, runtime, demo, clock):
    from registry.accounts import link_account

    owner = demo.person("owner")
    r = client.post("/api/v1/link-codes", headers=ADMIN, json={"person_id": owner})
    assert r.status_code == 201
    code = r.json()
    assert len(code["code"]) == 8
    expires = dt.datetime.fromisoformat(code["expires_at"].replace("Z", "+00:00"))
    assert expires - clock.now() == dt.timedelta(minutes=30)
    listed = client.get(f"/api/v1/link-codes?person={owner}", headers=ADMIN).json()
    assert listed[0]["code"] is None  # the code is shown once only
    assert all(code["code"] not in str(e.data) for e in events_of(runtime, "link_code.issued"))

    with runtime.transaction() as s:
        assert link_account(s, "telegram", "9001", code["code"], clock=runtime.clock).id == owner
    with pytest.raises(LinkCodeInvalid), runtime.transaction() as s:
        link_account(s, "telegram", "9002", code["code"], clock=runtime.clock)
    assert client.get(f"/api/v1/link-codes?person={owner}", headers=ADMIN).json()[0]["used_at"] is not None

    late = client.post("/api/v1/link-codes", headers=ADMIN, json={"person_id": owner}).json()
    clock.advance(minutes=31)
    with pytest.raises(LinkCodeInvalid), runtime.transaction() as s:
        link_account(s, "line", "U1", late["code"], clock=runtime.clock)


def test_holidays_set_list_and_remove(client, runtime, demo):
    day = "2026-06-15"
    r = client.put(f"/api/v1/holidays/{day}", headers=ADMIN, json={"name": "วันหยุดชดเชยทดสอบ"})
    assert r.status_code == 200 and r.json()["display"] == "15 มิถุนายน 2569"
    listed = client.get("/api/v1/holidays?year=2569", headers=ADMIN).json()
    assert {"day": day, "name": "วันหยุดชดเชยทดสอบ", "display": "15 มิถุนายน 2569"} in listed
    assert all(h["day"].startswith("2026-") for h in listed)
    assert client.delete(f"/api/v1/holidays/{day}", headers=ADMIN).status_code == 204
    assert client.delete(f"/api/v1/holidays/{day}", headers=ADMIN).status_code == 404
    assert [e.data["day"] for e in events_of(runtime, "holiday.set")] == [day]
    assert [e.data["before"] for e in events_of(runtime, "holiday.removed")] == ["วันหยุดชดเชยทดสอบ"]

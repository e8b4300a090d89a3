"""Recall and opened on the letter page and in the API (issue 17 point 2): the sender recalls an
unanswered forward by the page's button or the API; only the sender may; an acknowledged one
cannot be; a recipient viewing the page has opened it, apart from acknowledging."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Event
from tests.admin_api.conftest import acknowledge, bearer, register
from tests.admin_api.test_disposal_web import _as, _post


def _forward_as(client, page_html, letter_id, person_id, role="principal"):
    return _post(client, f"/admin/letters/{letter_id}/act", page_html,
                 {"action": "forward", "person_id": str(person_id), "role": role, "purpose": "inform"})


def test_the_sender_recalls_on_the_letter_page_and_forwards_again(client, demo, token, runtime):
    unit, owner, clerk_id = demo.unit("มท 0201"), demo.person("owner"), demo.person("clerk")
    letter, _ = register(runtime, unit, subject="ขอเชิญประชุมคณะทำงาน")
    clerk = _as(client, token(clerk_id))
    page = clerk.get(f"/admin/letters/{letter}").text
    assert _forward_as(clerk, page, letter, owner).status_code == 303
    detail = client.get(f"/api/v1/letters/{letter}", headers=bearer(token(clerk_id))).json()
    aid = detail["assignments"][0]["id"]
    page = clerk.get(f"/admin/letters/{letter}").text
    assert f'id="recall-{aid}"' in page and f'id="opened-{aid}">ยังไม่เปิดอ่าน' in page

    head = _as(client, token(demo.person("head")))  # not the sender: no button, and refused if posted
    head_page = head.get(f"/admin/letters/{letter}").text
    assert f'id="recall-{aid}"' not in head_page
    r = _post(head, f"/admin/letters/{letter}/act", head_page, {"action": "recall", "assignment_id": str(aid)})
    assert r.status_code == 409 and "ไม่มีสิทธิ์" in r.text

    clerk = _as(client, token(clerk_id))  # a new session: its page carries its own CSRF token
    page = clerk.get(f"/admin/letters/{letter}").text
    r = _post(clerk, f"/admin/letters/{letter}/act", page, {"action": "recall", "assignment_id": str(aid)})
    assert r.status_code == 303
    page = clerk.get(f"/admin/letters/{letter}").text
    assert "ถูกเรียกคืน" in page and f'id="recall-{aid}"' not in page and "ลงรับแล้ว" in page
    with runtime.read() as s:
        assert s.execute(select(Event.kind).where(Event.kind == "assignment.recalled")).scalars().all() == [
            "assignment.recalled"]
    assert _forward_as(clerk, page, letter, owner).status_code == 303  # forwarded again
    statuses = [a["status"] for a in client.get(f"/api/v1/letters/{letter}", headers=bearer(token(clerk_id))
                                                ).json()["assignments"]]
    assert statuses == ["recalled", "sent"]


def test_api_recall_rules_and_opened_apart_from_acknowledged(client, demo, token, runtime):
    unit, clerk_id = demo.unit("มท 0201"), demo.person("clerk")
    owner, head_id = demo.person("owner"), demo.person("head")
    letter, _ = register(runtime, unit, subject="หนังสือเวียนแจ้งวันหยุดราชการ", ref_no="มท 0201/ว 5")
    clerk = bearer(token(clerk_id))
    r = client.post(f"/api/v1/letters/{letter}/forward", headers=clerk, json={
        "recipients": [{"person_id": owner, "role": "copy"}, {"person_id": head_id, "role": "copy"}],
        "purpose": "inform"})
    assert r.status_code in (200, 201), r.text
    ids = {a["person_id"]: a["id"] for a in client.get(f"/api/v1/letters/{letter}", headers=clerk).json()["assignments"]}

    # the owner opens the page (a circular's "read"), the head acknowledges without opening it
    reader = _as(client, token(owner))
    assert reader.get(f"/admin/letters/{letter}").status_code == 200
    client.cookies.clear()
    acknowledge(runtime, ids[head_id], head_id)
    got = {a["person_id"]: a for a in client.get(f"/api/v1/letters/{letter}", headers=clerk).json()["assignments"]}
    assert got[owner]["opened_at"] is not None and got[owner]["acknowledged_at"] is None
    assert got[head_id]["opened_at"] is None and got[head_id]["acknowledged_at"] is not None
    page = _as(client, token(clerk_id)).get(f"/admin/letters/{letter}").text
    assert f'id="opened-{ids[owner]}">เปิดอ่านแล้ว' in page and f'id="opened-{ids[head_id]}">ยังไม่เปิดอ่าน' in page
    client.cookies.clear()
    with runtime.read() as s:
        opened = s.execute(select(Event).where(Event.kind == "assignment.opened")).scalars().all()
        assert [(e.data["assignment_id"], e.data["via"]) for e in opened] == [(ids[owner], "page")]

    assert client.post(f"/api/v1/assignments/{ids[owner]}/recall", headers=bearer(token(owner))).status_code == 403
    r = client.post(f"/api/v1/assignments/{ids[head_id]}/recall", headers=clerk)
    assert r.status_code == 409 and "รับทราบแล้ว" in r.json()["detail"]  # answered: too late to recall
    r = client.post(f"/api/v1/assignments/{ids[owner]}/recall", headers=clerk, json={"reason": "ส่งผิดคน"})
    assert r.status_code == 200 and r.json()["status"] == "recalled" and r.json()["recalled_at"]
    assert client.post(f"/api/v1/assignments/{ids[owner]}/recall", headers=clerk).status_code == 409

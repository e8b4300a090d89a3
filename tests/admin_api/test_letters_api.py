"""Acting on letters through the API uses the registry services: forward, acknowledge, return,
close, cancel, attachments; the detail shows the timeline."""

from __future__ import annotations

from tests.admin_api.conftest import ADMIN, bearer, register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_register_forward_acknowledge_close_through_the_api(client, runtime, demo, token):
    clerk = bearer(token(demo.person("clerk")))
    owner_id = demo.person("owner")
    owner = bearer(token(owner_id))
    r = client.post("/api/v1/letters/incoming", headers=clerk, json={
        "unit": "มท 0201", "ref_no": "มท 0603/ว 2075", "letter_date": "2026-02-27", "sender": "ปภ.",
        "subject": "การเตรียมความพร้อมรับมือสถานการณ์อุทกภัย", "priority": "most_urgent"})
    assert r.status_code == 201, r.text
    letter_id = r.json()["id"]
    assert r.json()["registration"]["display"] == "1/2569"

    r = client.post(f"/api/v1/letters/{letter_id}/forward", headers=clerk, json={
        "recipients": [{"person_id": owner_id}, {"unit_id": demo.unit("มท 0202"), "role": "copy"}],
        "purpose": "act", "instruction": "โปรดดำเนินการด่วน"})
    assert r.status_code == 201, r.text
    principal_assignment = r.json()["assignment_ids"][0]
    assert len(r.json()["unit_letter_ids"]) == 1  # กองคลัง got its own registration

    # the owner cannot close before acknowledging; the clerk may not acknowledge for the owner
    assert client.post(f"/api/v1/assignments/{principal_assignment}/acknowledge", headers=clerk).status_code == 403
    r = client.post(f"/api/v1/assignments/{principal_assignment}/acknowledge", headers=owner)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    again = client.post(f"/api/v1/assignments/{principal_assignment}/acknowledge", headers=owner)
    assert again.status_code == 409 and "แล้ว" in again.json()["detail"]
    r = client.post(f"/api/v1/letters/{letter_id}/close", headers=owner, json={"note": "ดำเนินการแล้ว"})
    assert r.status_code == 200 and r.json()["status"] == "closed"

    detail = client.get(f"/api/v1/letters/{letter_id}", headers=clerk).json()
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds == ["letter.registered", "assignment.sent", "assignment.sent", "assignment.acknowledged", "letter.closed"]
    assert detail["assignments"][0]["acknowledged_at"] is not None
    # a letter in the wrong state is refused with the lifecycle's Thai message
    r = client.post(f"/api/v1/letters/{letter_id}/cancel", headers=clerk, json={"reason": "ผิด"})
    assert r.status_code == 409 and "ปิดเรื่องแล้ว" in r.json()["detail"]


def test_return_and_cancel(client, runtime, demo, token):
    kk = demo.unit("มท 0201")
    letter_id, _ = register(runtime, kk)
    clerk = bearer(token(demo.person("clerk")))
    owner_id = demo.person("owner")
    fwd = client.post(f"/api/v1/letters/{letter_id}/forward", headers=clerk,
                      json={"recipients": [{"person_id": owner_id}]}).json()
    r = client.post(f"/api/v1/assignments/{fwd['assignment_ids'][0]}/return", headers=bearer(token(owner_id)),
                    json={"reason": "ไม่ใช่งานของฝ่าย"})
    assert r.status_code == 200 and r.json()["return_reason"] == "ไม่ใช่งานของฝ่าย"
    r = client.post(f"/api/v1/letters/{letter_id}/cancel", headers=clerk, json={"reason": "ส่งผิดหน่วยงาน"})
    assert r.status_code == 200
    assert r.json()["registration"]["cancel_reason"] == "ส่งผิดหน่วยงาน"
    r = client.post(f"/api/v1/letters/{letter_id}/cancel", headers=clerk, json={"reason": ""})
    assert r.status_code == 422


def test_attachments_upload_detail_and_download(client, runtime, demo, token):
    kk = demo.unit("มท 0201")
    letter_id, _ = register(runtime, kk)
    clerk = bearer(token(demo.person("clerk")))
    r = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                    files={"file": ("scan.png", PNG, "image/png")})
    assert r.status_code == 201, r.text
    att = r.json()
    detail = client.get(f"/api/v1/letters/{letter_id}", headers=clerk).json()
    assert [a["filename"] for a in detail["attachments"]] == ["scan.png"]
    assert "attachment.added" in [e["kind"] for e in detail["events"]]
    body = client.get(f"/api/v1/letters/{letter_id}/attachments/{att['id']}", headers=clerk)
    assert body.status_code == 200 and body.content == PNG
    bad = client.post(f"/api/v1/letters/{letter_id}/attachments", headers=clerk,
                      files={"file": ("virus.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert bad.status_code == 422 and "PDF" in bad.json()["detail"]


def test_list_filters(client, runtime, demo):
    kk = demo.unit("มท 0201")
    register(runtime, kk, subject="การเตรียมความพร้อมรับมืออุทกภัย", ref_no="มท 0603/ว 2075")
    register(runtime, kk, subject="แนวทางการจัดซื้อจัดจ้าง", ref_no="กค 0402.2/ว 195", priority="urgent")
    page = client.get("/api/v1/letters?q=อุทกภัย", headers=ADMIN).json()
    assert [i["subject"] for i in page["items"]] == ["การเตรียมความพร้อมรับมืออุทกภัย"]
    assert client.get("/api/v1/letters?number=2", headers=ADMIN).json()["items"][0]["subject"] == "แนวทางการจัดซื้อจัดจ้าง"
    assert client.get("/api/v1/letters?ref_no=กค0402.2/ว195", headers=ADMIN).json()["total"] == 1
    assert client.get("/api/v1/letters?priority=urgent", headers=ADMIN).json()["total"] == 1
    assert client.get("/api/v1/letters?status=forwarded", headers=ADMIN).json()["total"] == 0


def test_outgoing_and_circular_numbers_through_the_api(client, demo, token):
    clerk = bearer(token(demo.person("clerk")))
    r = client.post("/api/v1/letters/outgoing", headers=clerk, json={
        "unit": "มท 0201", "subject": "ขอเชิญประชุม", "addressee": "ผู้ว่าราชการจังหวัดทุกจังหวัด"})
    assert r.status_code == 201 and r.json()["registration"]["display"] == "มท 0201/1"
    r = client.post("/api/v1/letters/outgoing", headers=clerk, json={"unit": "มท 0201", "subject": "แจ้งเวียน",
                                                                     "circular": True})
    assert r.json()["registration"]["display"] == "มท 0201/ว 1"
    other = bearer(token(demo.person("clerk", "มท 0202")))
    assert client.post("/api/v1/letters/outgoing", headers=other, json={"unit": "มท 0201"}).status_code == 403

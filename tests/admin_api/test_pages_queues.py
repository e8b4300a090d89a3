"""Work queues (issue 13 point 3) over HTTP: the five queues count what they should, the dashboard
links to them, bulk forward and bulk close are all-or-nothing with one reason."""

from __future__ import annotations

import datetime as dt
import re

from tests.admin_api.conftest import events_of, forward_to, register
from tests.web_forms import sign_in


def _as(client, token_value):
    sign_in(client, token_value)
    return client


def _counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'id="count-(\w+)"><strong>(\d+)</strong>', html)}


def test_queues_count_and_list_what_waits(client, demo, token, runtime, clock):
    unit, owner = demo.unit("มท 0201"), demo.person("owner")
    waiting, _ = register(runtime, unit, subject="รอส่งต่อฉบับหนึ่ง")
    returned, _ = register(runtime, unit, subject="ฉบับที่ถูกส่งคืน")
    a = forward_to(runtime, returned, owner)
    from registry.assignments import return_assignment
    from registry.events import Actor

    with runtime.transaction() as s:
        return_assignment(s, a, "ไม่ใช่งานของฝ่ายนี้", actor=Actor(owner, "test"), clock=clock)
    late, _ = register(runtime, unit, subject="ฉบับที่เลยกำหนด", priority="urgent")
    forward_to(runtime, late, owner)
    old, _ = register(runtime, unit, subject="ฉบับปีก่อน", received_at=dt.datetime(2025, 12, 20, 3, tzinfo=dt.UTC))
    clock.advance(days=10)

    clerk = _as(client, token(demo.person("clerk")))
    counts = _counts(clerk.get("/admin").text)
    assert counts == {"waiting_forward": 2, "returned": 1, "overdue": 1, "mine": 0, "old_year": 1}
    page = clerk.get("/admin/queues?queue=waiting_forward").text
    assert "รอส่งต่อฉบับหนึ่ง" in page and "ฉบับปีก่อน" in page and "ฉบับที่ถูกส่งคืน" not in page
    assert "ไม่ใช่งานของฝ่ายนี้" not in page
    assert "ฉบับที่ถูกส่งคืน" in clerk.get("/admin/queues?queue=returned").text
    assert "ฉบับที่เลยกำหนด" in clerk.get("/admin/queues?queue=overdue").text
    assert "ฉบับปีก่อน" in clerk.get("/admin/queues?queue=old_year").text
    per_person = clerk.get("/admin/queues?queue=waiting_forward").text
    assert demo.names[owner] in per_person.split('id="per-person"')[1]

    me = _as(client, token(owner))
    assert _counts(me.get("/admin").text)["mine"] == 1
    assert "ฉบับที่เลยกำหนด" in me.get("/admin/queues?queue=mine").text


def test_bulk_forward_and_bulk_close_are_all_or_nothing(client, demo, token, runtime):
    unit, owner = demo.unit("มท 0201"), demo.person("owner")
    ids = [register(runtime, unit, subject=f"เวียนแจ้งเพื่อทราบ {i}")[0] for i in range(3)]
    clerk = _as(client, token(demo.person("clerk")))
    r = clerk.post("/admin/queues/bulk", data={"action": "close", "queue": "waiting_forward", "letter_id": ids[:2],
                                              "reason": ""})
    assert r.status_code == 422 and "กรุณาระบุเหตุผล" in r.text
    r = clerk.post("/admin/queues/bulk", data={"action": "forward", "queue": "waiting_forward", "letter_id": ids[:2],
                                              "person_id": str(owner), "purpose": "inform"}, follow_redirects=False)
    assert r.status_code == 303 and len(events_of(runtime, "assignment.sent")) == 2
    # a forwarded letter cannot be closed by the clerk: the whole batch is refused, naming it
    r = clerk.post("/admin/queues/bulk", data={"action": "close", "queue": "waiting_forward", "letter_id": [ids[2], ids[0]],
                                              "reason": "เรื่องเพื่อทราบ เก็บเข้าแฟ้ม"})
    assert r.status_code == 409 and "เลขรับ 1/2569" in r.text
    assert events_of(runtime, "letter.closed") == []
    r = clerk.post("/admin/queues/bulk", data={"action": "close", "queue": "waiting_forward", "letter_id": [ids[2]],
                                              "reason": "เรื่องเพื่อทราบ เก็บเข้าแฟ้ม"}, follow_redirects=False)
    assert r.status_code == 303
    (closed,) = events_of(runtime, "letter.closed")
    assert closed.data["note"] == "เรื่องเพื่อทราบ เก็บเข้าแฟ้ม"


def test_an_auditor_sees_queues_but_gets_no_bulk_actions(client, demo, token, runtime):
    register(runtime, demo.unit("มท 0201"), subject="ให้ผู้ตรวจเห็น")
    auditor = _as(client, token(demo.person("auditor", "มท 02")))
    page = auditor.get("/admin/queues?queue=waiting_forward").text
    assert "ให้ผู้ตรวจเห็น" in page and 'id="bulk-form"' in page and 'id="bulk-forward"' not in page


def test_medians_never_read_zero_hours(client, demo, token, runtime):
    from admin_api.pages_support import duration_th

    assert duration_th(None) == "ยังไม่มีข้อมูล" and duration_th(0.0) == "ไม่ถึง 1 นาที"
    assert duration_th(0.5) == "30 นาที" and duration_th(5) == "5.0 ชม." and duration_th(72) == "3.0 วัน"
    letter_id, _ = register(runtime, demo.unit("มท 0201"))
    forward_to(runtime, letter_id, demo.person("owner"))
    html = _as(client, token(demo.person("clerk"))).get("/admin").text
    assert "0.0 ชม." not in html and "ไม่ถึง 1 นาที" in html

"""A receipt the sender can check: verification codes from the hash chain and the public /verify page."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from registry import verification
from registry.models import Event
from tests.admin_api.conftest import register

SECRET_SUBJECT = "แผนรักษาความปลอดภัยสถานที่ราชการ"


def _code(runtime, registration_id: int) -> str:
    with runtime.read() as s:
        return verification.code_of(s, registration_id)


def test_code_round_trips_and_forgives_typing(runtime, demo):
    _, reg_id = register(runtime, demo.unit("มท 0201"))
    code = _code(runtime, reg_id)
    assert verification.parse(code)[0] == reg_id
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    with runtime.read() as s:
        found = verification.check(s, typed)
    assert found is not None and found.display_no.startswith("1/") and found.unit_name == "กองกลาง สป.มท."


def test_codes_are_not_guessable_from_the_number(runtime, demo):
    """Same number in two books, neighbouring registrations: unrelated tags; a tag for another id fails."""
    (_, a), (_, b) = register(runtime, demo.unit("มท 0201")), register(runtime, demo.unit("มท 0202"))
    code_a, code_b = _code(runtime, a), _code(runtime, b)
    assert code_a.split("-", 1)[1] != code_b.split("-", 1)[1]
    forged = code_a.split("-", 1)[0] + "-" + code_b.split("-", 1)[1]
    with runtime.read() as s:
        assert verification.check(s, forged) is None
        assert verification.check(s, "ZZZZ-0000-0000") is None
        for junk in ("", "-", "!!!!", "x" * 300, "' OR 1=1 --", "१२३"):
            assert verification.check(s, junk) is None


def test_rewriting_the_chain_voids_old_receipts(runtime, demo):
    letter_id, reg_id = register(runtime, demo.unit("มท 0201"))
    code = _code(runtime, reg_id)
    with runtime.transaction() as s:  # someone edits the registering event's hash in the database
        s.execute(update(Event).where(Event.entity_id == letter_id, Event.kind == "letter.registered")
                  .values(hash="f" * 64))
    with runtime.read() as s:
        assert verification.check(s, code) is None


def test_practice_numbers_have_no_code(runtime, demo):
    from registry.commands import RegisterIncoming
    from registry.events import Actor
    from registry.intake import register_incoming

    with runtime.transaction() as s:
        done = register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="ฝึก", sandbox=True),
                                 actor=Actor(None, "test"), clock=runtime.clock)
    assert _code(runtime, done.registration_id) is None


def test_page_shows_the_number_and_nothing_of_a_secret_letter(client, runtime, demo):
    _, reg_id = register(runtime, demo.unit("มท 0201"), subject=SECRET_SUBJECT, secrecy="secret",
                         ref_no="มท 0201/ลับ 7", sender="สำนักข่าวกรองแห่งชาติ")
    res = client.get(f"/verify/{_code(runtime, reg_id)}")
    assert res.status_code == 200
    be_year = runtime.clock.now().year + 543
    assert "ถูกต้อง" in res.text and f"1/{be_year}" in res.text and "กองกลาง สป.มท." in res.text
    for content in (SECRET_SUBJECT, "ลับ 7", "ข่าวกรอง", "secret"):
        assert content not in res.text


def test_unknown_code_is_a_thai_404_and_the_form_redirects(client):
    res = client.get("/verify/7-ABCD-EFGH")
    assert res.status_code == 404 and "ไม่พบรหัสตรวจสอบ" in res.text
    assert client.get("/verify").status_code == 200
    res = client.get("/verify", params={"code": " 7-ABCD-EFGH "}, follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/verify/7-ABCD-EFGH"


def test_lookups_are_rate_limited_per_address(client):
    statuses = [client.get(f"/verify/{n}-AAAA-AAAA").status_code for n in range(1, 36)]
    assert statuses[:30] == [404] * 30 and set(statuses[30:]) == {429}


@pytest.fixture(autouse=True)
def _fresh_limiter():
    from admin_api.routes import verify

    verify._storage.reset()
    yield


def test_the_letters_api_returns_the_code(client, demo):
    from tests.admin_api.conftest import ADMIN

    created = client.post("/api/v1/letters/incoming", headers=ADMIN,
                          json={"unit": demo.unit("มท 0201"), "subject": "ขอเชิญประชุม", "sender": "สถ."})
    assert created.status_code == 201, created.text
    code = created.json()["registration"]["verification_code"]
    detail = client.get(f"/api/v1/letters/{created.json()['id']}", headers=ADMIN).json()
    assert detail["registration"]["verification_code"] == code
    assert client.get(f"/verify/{code}").status_code == 200

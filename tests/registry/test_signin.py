"""Web sign-in in the register: argon2id passwords, sessions stored hashed, the throttle, links."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from registry import signin
from registry.errors import InvalidInput
from registry.events import Actor
from registry.models import Credential, Event, SignInFailure, WebSession

SYSTEM = Actor(None, "cli")
GOOD = "ม้าลาย-วิ่งเร็ว-42"


def _set(runtime, person_id, password=GOOD, username="somchai"):
    with runtime.transaction() as s:
        return signin.set_password(s, person_id, password, username=username, actor=SYSTEM, clock=runtime.clock)


def _sign_in(runtime, username="somchai", password=GOOD, address="10.0.0.1"):
    with runtime.transaction() as s:
        return signin.sign_in(s, username, password, address=address, clock=runtime.clock)


def test_password_is_stored_as_argon2id_and_signs_in(runtime, demo):
    owner = demo.person("owner")
    _set(runtime, owner, username=" SomChai ")
    with runtime.read() as s:
        cred = s.get(Credential, owner)
        assert cred.username == "somchai" and cred.password_hash.startswith("$argon2id$") and GOOD not in cred.password_hash
    result = _sign_in(runtime, "SOMCHAI")
    assert result.signed_in is not None and result.signed_in.person_id == owner
    token = result.signed_in.token
    with runtime.read() as s:
        assert signin.session_person(s, token, clock=runtime.clock) == owner
        stored = s.execute(select(WebSession.token_hash)).scalars().all()
        assert token not in stored  # only its digest is kept
        kinds = s.execute(select(Event.kind).order_by(Event.seq)).scalars().all()
        assert kinds[-2:] == ["person.password_set", "web.signed_in"]
        assert GOOD not in str(s.execute(select(Event.data)).scalars().all())


@pytest.mark.parametrize("password, field", [("short", "password"), ("aaaaaaaaaaaa", "password"),
                                             ("somchai-2569-xx", "password")])
def test_weak_passwords_are_refused_in_thai(runtime, demo, password, field):
    with pytest.raises(InvalidInput) as err:
        _set(runtime, demo.person("owner"), password=password)
    assert err.value.detail.get("field", field) == field and "รหัสผ่าน" in err.value.message_th


def test_username_rules_and_uniqueness(runtime, demo):
    _set(runtime, demo.person("owner"))
    with pytest.raises(InvalidInput, match="มีผู้ใช้แล้ว"):
        _set(runtime, demo.person("clerk"), username="somchai")
    with pytest.raises(InvalidInput, match="ชื่อผู้ใช้"):
        _set(runtime, demo.person("clerk"), username="สมใจ")


def test_wrong_password_and_unknown_user_get_the_same_answer(runtime, demo):
    _set(runtime, demo.person("owner"))
    wrong = _sign_in(runtime, password="not-the-password")
    unknown = _sign_in(runtime, username="nobody")
    assert wrong.signed_in is None and unknown.signed_in is None
    assert wrong.refusal == unknown.refusal == signin.WRONG


def test_eleventh_wrong_password_in_a_minute_is_refused_unchecked(runtime, demo, clock):
    _set(runtime, demo.person("owner"))
    for _ in range(signin.MAX_FAILURES_PER_ACCOUNT):
        assert _sign_in(runtime, password="guess-guess-1").refusal == signin.WRONG
    assert _sign_in(runtime).refusal == signin.THROTTLED  # even the right password waits out the window
    assert _sign_in(runtime, address="10.9.9.9").refusal == signin.THROTTLED  # per account, from anywhere
    clock.advance(seconds=signin.THROTTLE_WINDOW.total_seconds() + 1)
    assert _sign_in(runtime).signed_in is not None


def test_one_address_guessing_many_accounts_is_throttled(runtime, demo):
    _set(runtime, demo.person("owner"))
    _sign_in(runtime, username="user0", password="guess-guess-1", address="203.0.113.7")
    with runtime.transaction() as s:  # the rest of the spray as the rows it leaves (argon2 is slow on purpose)
        s.add_all(SignInFailure(username=f"user{n}", address="203.0.113.7", at=runtime.clock.now())
                  for n in range(1, signin.MAX_FAILURES_PER_ADDRESS))
    assert _sign_in(runtime, address="203.0.113.7").refusal == signin.THROTTLED
    assert _sign_in(runtime, address="203.0.113.8").signed_in is not None


def test_sessions_end_on_sign_out_expiry_and_password_change(runtime, demo, clock):
    owner = demo.person("owner")
    _set(runtime, owner)
    first, second, third = (_sign_in(runtime).signed_in.token for _ in range(3))
    with runtime.transaction() as s:
        assert signin.sign_out(s, first, clock=clock)
        assert not signin.sign_out(s, first, clock=clock)
    with runtime.read() as s:
        assert signin.session_person(s, first, clock=clock) is None
        assert signin.session_person(s, second, clock=clock) == owner
    _set(runtime, owner, password="ม้าลาย-เดินช้า-43")
    with runtime.read() as s:
        assert signin.session_person(s, second, clock=clock) is None and signin.session_person(s, third, clock=clock) is None
    fresh = _sign_in(runtime, password="ม้าลาย-เดินช้า-43").signed_in.token
    clock.advance(seconds=signin.SESSION_TTL.total_seconds() + 1)
    with runtime.read() as s:
        assert signin.session_person(s, fresh, clock=clock) is None
        assert signin.session_person(s, "", clock=clock) is None and signin.session_person(s, "x" * 500, clock=clock) is None


def test_sign_in_link_is_single_use_and_expires(runtime, demo, clock):
    owner = demo.person("owner")
    with runtime.transaction() as s:
        token = signin.issue_sign_in_link(s, owner, clock=clock)
        late = signin.issue_sign_in_link(s, owner, clock=clock)
    with runtime.transaction() as s:
        session = signin.use_sign_in_link(s, token, clock=clock)
    assert session is not None and session.person_id == owner
    with runtime.transaction() as s:
        assert signin.use_sign_in_link(s, token, clock=clock) is None
    clock.advance(seconds=signin.LINK_TTL.total_seconds())
    with runtime.transaction() as s:
        assert signin.use_sign_in_link(s, late, clock=clock) is None
        assert signin.use_sign_in_link(s, "made-up", clock=clock) is None


def test_csrf_token_belongs_to_its_session():
    a, b = "session-token-a", "session-token-b"
    assert signin.csrf_ok(a, signin.csrf_token(a))
    assert not signin.csrf_ok(b, signin.csrf_token(a))
    assert not signin.csrf_ok(None, signin.csrf_token(a)) and not signin.csrf_ok(a, None) and not signin.csrf_ok(a, "")


def test_bootstrap_token_retires_once_an_admin_has_a_password(runtime, demo):
    with runtime.read() as s:
        assert not signin.admin_can_sign_in(s)
    _set(runtime, demo.person("owner"))
    with runtime.read() as s:
        assert not signin.admin_can_sign_in(s)  # an owner's password is not an admin's
    _set(runtime, demo.person("admin", "มท 02"), username="adisorn")
    with runtime.read() as s:
        assert signin.admin_can_sign_in(s)


def test_old_failures_are_purged(runtime, demo, clock):
    _sign_in(runtime, username="nobody", password="x" * 12)
    clock.advance(days=2)
    with runtime.transaction() as s:
        assert signin.purge_failures(s, clock=clock) == 1
        assert s.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_cli_sets_the_first_admin_password_from_stdin(runtime, demo, database_url):
    import os
    import subprocess
    import sys

    admin = demo.person("admin", "มท 02")
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url}
    cli = [sys.executable, "-m", "saraban.cli", "admin", "password", str(admin)]
    weak = subprocess.run([*cli, "--username", "adisorn"], input="short\n", env=env, capture_output=True, text=True)
    assert weak.returncode == 1 and "อย่างน้อย" in weak.stderr
    done = subprocess.run([*cli, "--username", "adisorn"], input=GOOD + "\n", env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert GOOD not in done.stdout + done.stderr
    result = _sign_in(runtime, "adisorn")
    assert result.signed_in is not None and result.signed_in.person_id == admin

"""`saraban setup line` against the fake LINE API: webhook, quota, one rich menu per role through
aliases, linked users' menus; a second run changes nothing; a refusal is a Thai message and exit 1.
And the menus follow the person: linked on link and on a change of roles, taken away on unlink
(outbox rows of kind ``richmenu``, delivered by the LINE gateway)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from PIL import Image

from bot import richmenu
from registry.events import Actor
from tests.bot.harness import LINE_SECRET, LINE_TOKEN

URL = "https://saraban.example.go.th/webhooks/line"
SYSTEM = Actor(None, "cli")
OTHER_MENU = {"size": {"width": 2500, "height": 843}, "selected": False, "name": "another tool's menu",
              "chatBarText": "menu", "areas": [{"bounds": {"x": 0, "y": 0, "width": 2500, "height": 843},
                                                "action": {"type": "message", "text": "hi"}}]}


def run_setup(line_api, database_url, *args: str, token: str = LINE_TOKEN) -> subprocess.CompletedProcess:
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url, "SARABAN_LINE_CHANNEL_SECRET": LINE_SECRET,
           "SARABAN_LINE_CHANNEL_ACCESS_TOKEN": token, "SARABAN_LINE_API_BASE_URL": line_api.url}
    return subprocess.run([sys.executable, "-m", "saraban.cli", "setup", "line", "--webhook-url", URL, *args],
                          env=env, capture_output=True, text=True, timeout=120)


def link(runtime, user_id: str, person_id: int) -> None:
    from registry.accounts import link_directly

    with runtime.transaction() as s:
        link_directly(s, "line", user_id, person_id, actor=SYSTEM, clock=runtime.clock)


def test_setup_creates_menus_links_users_and_a_second_run_changes_nothing(runtime, demo, line_api, database_url):
    clerk, head = "U" + "c" * 32, "U" + "h" * 32
    link(runtime, clerk, demo.person("clerk"))
    link(runtime, head, demo.person("head"))
    fake = line_api.setup

    first = run_setup(line_api, database_url)
    assert first.returncode == 0, first.stderr
    assert fake.webhook_endpoint == URL
    assert "ทดสอบ webhook ผ่าน" in first.stdout and "ใช้ไป 37 จากโควตา 500" in first.stdout
    assert "สารบรรณ (@123abcde)" in first.stdout
    # one menu per role, each with its image at the menu's size, each behind its alias
    assert sorted(fake.aliases) == ["saraban-admin", "saraban-clerk", "saraban-head", "saraban-owner"]
    for alias, menu_id in fake.aliases.items():
        menu = fake.menus[menu_id]
        assert menu["name"].startswith(f"saraban {alias.removeprefix('saraban-')} ")
        data, ctype = fake.images[menu_id]
        assert ctype == "image/png"
        assert Image.open(io.BytesIO(data)).size == (menu["size"]["width"], menu["size"]["height"])
    assert fake.user_menus == {clerk: fake.aliases["saraban-clerk"], head: fake.aliases["saraban-head"]}
    made = len(fake.changes())
    assert made == 1 + 4 + 4 + 4 + 2  # webhook, menus, images, aliases, two users

    second = run_setup(line_api, database_url)
    assert second.returncode == 0, second.stderr
    assert len(fake.changes()) == made, [(r.method, r.path) for r in fake.changes()[made:]]
    assert "ไม่มีอะไรต้องเปลี่ยน" in second.stdout


def test_dry_run_changes_nothing_and_says_what_it_would_do(runtime, demo, line_api, database_url):
    link(runtime, "U" + "d" * 32, demo.person("clerk"))
    done = run_setup(line_api, database_url, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert line_api.setup.changes() == []
    assert "[ทดลอง] จะสร้าง rich menu clerk" in done.stdout
    assert "[ทดลอง] จะตั้ง webhook" in done.stdout
    assert line_api.setup.menus == {} and line_api.setup.webhook_endpoint is None


def test_a_refused_call_is_a_thai_message_and_exit_1(runtime, demo, line_api, database_url):
    done = run_setup(line_api, database_url, token="a-revoked-token")
    assert done.returncode == 1
    assert "LINE ปฏิเสธการอ่านข้อมูลบอต (HTTP 401)" in done.stderr
    for n in range(1000):  # the channel is full: LINE keeps at most 1,000 rich menus
        line_api.setup.menus[f"richmenu-other-{n}"] = {**OTHER_MENU, "richMenuId": f"richmenu-other-{n}"}
    done = run_setup(line_api, database_url)
    assert done.returncode == 1
    assert "LINE ปฏิเสธการสร้าง rich menu clerk (เจ้าหน้าที่สารบรรณ) (HTTP 400): The maximum number of rich menus" \
        in done.stderr, done.stderr


def test_a_failed_webhook_test_is_reported_and_exit_1(runtime, demo, line_api, database_url):
    line_api.setup.webhook_test = {"success": False, "statusCode": 502, "reason": "ERROR_STATUS_CODE",
                                   "detail": "Bad Gateway"}
    done = run_setup(line_api, database_url)
    assert done.returncode == 1
    assert "ทดสอบ webhook ไม่ผ่าน: HTTP 502" in done.stdout and "ตรวจ Caddy" in done.stderr


def test_a_changed_drawing_makes_new_menus_moves_aliases_and_users_and_drops_the_old(runtime, demo, line_api,
                                                                                      monkeypatch):
    from bot.setup_line import LineSetup

    user = "U" + "e" * 32
    link(runtime, user, demo.person("clerk"))
    accounts = [(user, ["clerk"])]
    job = LineSetup(line_api.url, LINE_TOKEN, say=lambda _: None)
    job.run(URL, accounts)
    old = dict(line_api.setup.aliases)
    monkeypatch.setattr(richmenu, "DRAWING_VERSION", "test-next")
    job = LineSetup(line_api.url, LINE_TOKEN, say=lambda _: None)
    job.run(URL, accounts)
    assert set(line_api.setup.aliases.values()).isdisjoint(old.values())
    assert line_api.setup.user_menus[user] == line_api.setup.aliases["saraban-clerk"]
    assert set(line_api.setup.menus) == set(line_api.setup.aliases.values())  # the old four deleted


def test_the_fake_keeps_lines_rich_menu_rules(line_api):
    """The fake refuses what LINE refuses (so the tests above would catch a menu LINE would not take)."""
    from tests.fakes.line_api import rich_menu_problem

    menu = dict(richmenu.rich_menu_object(richmenu.menus("https://x.example")[0]), name="saraban clerk x")
    assert rich_menu_problem(menu) is None
    for broken in (
        {"size": {"width": 2500, "height": 2000}},
        {"chatBarText": "เมนูสารบรรณของหน่วยงาน"},
        {"areas": [{"bounds": {"x": 2000, "y": 0, "width": 600, "height": 843}, "action": {"type": "message", "text": "x"}}]},
        {"areas": [{"bounds": {"x": 0, "y": 0, "width": 10, "height": 10}, "action": {"type": "message", "text": "x",
                                                                                     "label": "ป้ายยาวเกินยี่สิบตัวอักษรแน่นอน"}}]},
    ):
        assert rich_menu_problem({**menu, **broken}) is not None, broken


@pytest.fixture
def set_up_menus(line_api):
    from bot.setup_line import LineSetup

    job = LineSetup(line_api.url, LINE_TOKEN, say=lambda _: None)
    job.run(URL, [])
    job.close()
    return line_api.setup


def test_menus_follow_link_role_change_and_unlink(stack, set_up_menus):
    from registry.accounts import unlink_account
    from registry.admin import grant_role, revoke_role

    fake = set_up_menus
    runtime, demo = stack.runtime, stack.demo
    person = demo.person("owner")
    user = stack.line_user()
    code = stack.link_code(person)
    user.say(f"ผูกบัญชี {code}")
    stack.deliver_until_quiet()
    assert fake.user_menus.get(user.user_id) == fake.aliases["saraban-owner"]

    admin = Actor(next(p for k, p in demo.people.items() if k.startswith("admin@")), "web")
    with runtime.transaction() as s:
        grant_role(s, person, demo.unit("มท 0201"), "head", actor=admin, clock=runtime.clock)
    stack.deliver_until_quiet()
    assert fake.user_menus[user.user_id] == fake.aliases["saraban-head"]
    with runtime.transaction() as s:
        revoke_role(s, person, demo.unit("มท 0201"), "head", actor=admin, clock=runtime.clock)
    stack.deliver_until_quiet()
    assert fake.user_menus[user.user_id] == fake.aliases["saraban-owner"]
    links = len(line_api_links(fake))
    with runtime.transaction() as s:  # a refresh with nothing new links nothing
        from registry.accounts import queue_menu_refresh

        queue_menu_refresh(s, person_id=person, at=runtime.clock.now())
    stack.deliver_until_quiet()
    assert len(line_api_links(fake)) == links

    with runtime.transaction() as s:
        unlink_account(s, "line", user.user_id, actor=SYSTEM, clock=runtime.clock)
    stack.deliver_until_quiet()
    assert user.user_id not in fake.user_menus


def line_api_links(fake):
    return [r for r in fake.fake.calls("/v2/bot/user/", ok=True) if r.method == "POST"]


def test_admin_unlink_from_the_command_line(runtime, demo, database_url):
    from registry.models import ChatAccount, OutboxMessage

    user = "U" + "f" * 32
    link(runtime, user, demo.person("clerk"))
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-m", "saraban.cli", "admin", "unlink", "line", user], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with runtime.read() as s:
        account = s.query(ChatAccount).filter_by(channel="line", external_id=user).one()
        assert account.person_id is None
        assert s.query(OutboxMessage).filter_by(chat_id=user, kind="richmenu").count() == 2  # link, unlink
    again = subprocess.run([sys.executable, "-m", "saraban.cli", "admin", "unlink", "line", user], env=env,
                           capture_output=True, text=True)
    assert again.returncode == 1 and "ยังไม่ได้ผูก" in again.stderr

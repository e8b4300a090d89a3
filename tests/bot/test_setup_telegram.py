"""`saraban setup telegram` against the fake Bot API: webhook with secret and update types, Thai
commands for private chats and groups (th and default), the menu button, getWebhookInfo reported;
a second run sets nothing; a refusal is a Thai message and exit 1."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

from tests.bot.harness import TG_SECRET, TG_TOKEN

URL = "https://saraban.example.go.th/webhooks/telegram"


def run_setup(tg_api, *args: str, url: str = URL, secret: str = TG_SECRET) -> subprocess.CompletedProcess:
    env = {**os.environ, "SARABAN_TELEGRAM_BOT_TOKEN": TG_TOKEN, "SARABAN_TELEGRAM_SECRET_TOKEN": secret,
           "SARABAN_TELEGRAM_API_BASE_URL": tg_api.base_url, "SARABAN_DATABASE_URL": "sqlite:///:memory:"}
    return subprocess.run([sys.executable, "-m", "saraban.cli", "setup", "telegram", "--webhook-url", url, *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_setup_sets_webhook_commands_and_menu_once(tg_api):
    first = run_setup(tg_api)
    assert first.returncode == 0, first.stderr
    assert tg_api.webhook["url"] == URL and tg_api.webhook_secret == TG_SECRET
    assert sorted(tg_api.webhook["allowed_updates"]) == ["callback_query", "message"]
    scopes = {(json.loads(scope)["type"], lang) for scope, lang in tg_api.commands}
    assert scopes == {("all_private_chats", "th"), ("all_private_chats", ""), ("all_group_chats", "th"),
                      ("all_group_chats", "")}
    private = tg_api.commands[(json.dumps({"type": "all_private_chats"}), "th")]
    assert [c["command"] for c in private] == ["start", "mytasks", "search", "status", "help"]
    assert all("\u0e00" <= c["description"][0] <= "\u0e7f" for c in private)  # Thai descriptions
    assert tg_api.menu_button == {"type": "commands"}
    assert "สารบรรณ (@saraban_test_bot)" in first.stdout and "รอส่ง 0 รายการ" in first.stdout
    made = len(tg_api.changes())
    assert made == 1 + 4 + 1

    tg_api.webhook.update(pending_update_count=3, last_error_date=int(dt.datetime(2026, 12, 6, 1, 0).timestamp()),
                          last_error_message="Wrong response from the webhook: 502 Bad Gateway")
    second = run_setup(tg_api)
    assert second.returncode == 0, second.stderr
    assert len(tg_api.changes()) == made
    assert "ไม่มีอะไรต้องเปลี่ยน" in second.stdout
    assert "รอส่ง 3 รายการ" in second.stdout and "502 Bad Gateway" in second.stdout and "/2569" in second.stdout

    forced = run_setup(tg_api, "--force")  # after a new secret: the webhook is set again, nothing else
    assert forced.returncode == 0, forced.stderr
    assert [r.path.rsplit("/", 1)[-1] for r in tg_api.changes()[made:]] == ["setWebhook"]


def test_dry_run_sets_nothing(tg_api):
    done = run_setup(tg_api, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert tg_api.changes() == []
    assert "[ทดลอง] จะตั้ง webhook" in done.stdout and "[ทดลอง] จะตั้งคำสั่งสำหรับกลุ่ม (th)" in done.stdout


def test_refusals_are_thai_messages_and_exit_1(tg_api):
    done = run_setup(tg_api, url="https://saraban.example.go.th:9443/webhooks/telegram")
    assert done.returncode == 1
    assert "Telegram ปฏิเสธการตั้ง webhook" in done.stderr and "ports 80, 88, 443 or 8443" in done.stderr
    done = run_setup(tg_api, secret="มีอักษรไทย")  # refused by our own settings before Telegram is asked
    assert done.returncode == 2 and "ต้องเป็นตัวอักษร A-Z" in done.stderr
    done = run_setup(tg_api, url="http://saraban.example.go.th/webhooks/telegram")
    assert done.returncode == 1 and "HTTPS" in done.stderr
    assert tg_api.changes() == []


def test_the_fake_keeps_the_bot_api_command_rules(tg_api):
    import httpx

    call = f"{tg_api.base_url}{TG_TOKEN}/setMyCommands"
    long_name = httpx.post(call, json={"commands": [{"command": "x" * 33, "description": "ยาว"}]})
    upper = httpx.post(call, json={"commands": [{"command": "Help", "description": "ช่วยเหลือ"}]})
    long_text = httpx.post(call, json={"commands": [{"command": "help", "description": "ก" * 257}]})
    assert [r.status_code for r in (long_name, upper, long_text)] == [400, 400, 400]

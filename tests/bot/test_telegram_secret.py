"""A Telegram webhook without its secret token never starts outside demo mode (hardening finding 1:
a forged update with no header, as a linked head's Telegram id, issued an outgoing number)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from saraban.settings import Settings

TOKEN = "123456:forged-update-test-token"


def settings(**values) -> Settings:
    return Settings(_env_file=None, database_url="sqlite:///:memory:", telegram_bot_token=TOKEN, **values)


def test_webhook_mode_without_secret_is_refused_outside_demo():
    with pytest.raises(ValidationError, match="SARABAN_TELEGRAM_SECRET_TOKEN"):
        settings()
    with pytest.raises(ValidationError, match="SARABAN_TELEGRAM_SECRET_TOKEN"):
        settings(telegram_mode="webhook", telegram_secret_token="")


def test_secret_polling_or_demo_is_accepted():
    assert settings(telegram_secret_token="s3cret_Token-1-for-webhooks").telegram_enabled
    assert settings(telegram_mode="polling").telegram_enabled  # no webhook to forge
    assert settings(demo=True).telegram_enabled


@pytest.mark.parametrize("secret", ["has space", "ไทย", "x" * 257, "semi;colon"])
def test_secret_telegram_would_refuse_is_refused(secret):
    with pytest.raises(ValidationError, match="1-256"):
        settings(telegram_secret_token=secret)


def test_channel_itself_refuses_an_unsigned_webhook(runtime):
    from bot.telegram import TelegramChannel

    with pytest.raises(ValueError, match="secret"):
        TelegramChannel(runtime, token=TOKEN, secret_token=None, api_base_url="http://127.0.0.1:9/bot")
    TelegramChannel(runtime, token=TOKEN, secret_token=None, api_base_url="http://127.0.0.1:9/bot", mode="polling")


def test_serve_exits_with_a_thai_message_and_no_secret_in_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SARABAN_")}
    env.update(SARABAN_DATABASE_URL=f"sqlite:///{tmp_path}/s.db", SARABAN_TELEGRAM_BOT_TOKEN=TOKEN)
    cli = os.path.join(os.path.dirname(sys.executable), "saraban")
    done = subprocess.run([cli, "serve", "--port", "9"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    assert "ต้องตั้ง SARABAN_TELEGRAM_SECRET_TOKEN" in done.stderr
    assert TOKEN not in done.stderr + done.stdout and "Traceback" not in done.stderr

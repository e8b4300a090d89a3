"""SARABAN_TELEGRAM_MODE=polling: the app polls getUpdates and answers through the same path."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select

from registry.models import ProcessedInbound
from tests.bot.conftest import make_settings
from tests.bot.harness import Stack


def test_polling_mode_answers_and_has_no_webhook(runtime, demo, clock, tg_api, database_url, tmp_path):
    from saraban.app import create_app

    app = create_app(make_settings(database_url, tmp_path, tg_api=tg_api, telegram_mode="polling"), runtime=runtime)
    s = Stack(app, runtime, clock, None, tg_api)
    try:
        assert s.http.post("/webhooks/telegram", json={}).status_code == 404
        user = s.tg_user()
        update = user.text_update("ช่วยเหลือ")
        with tg_api._lock:
            tg_api.updates.append(update)
        tg_api.wait_for(lambda: tg_api.sent(chat_id=user.user_id), what="the polled update to be answered")
        assert "ผูกบัญชี" in tg_api.sent_texts(user.user_id)[0]
        assert tg_api.calls("/deleteWebhook")
        # the update is served again by the fake until acknowledged by offset; it is acted on once
        tg_api.wait_for(lambda: any(int(r.body.get("offset") or 0) > update["update_id"]
                                    for r in tg_api.calls("/getUpdates")), what="the offset to move on")
        with runtime.read() as db:
            assert db.execute(select(func.count()).select_from(ProcessedInbound)).scalar_one() == 1
        assert len(tg_api.sent(chat_id=user.user_id)) == 1
    finally:
        s.close()


def test_polling_with_several_workers_is_refused(database_url, engine, tmp_path):
    # every worker would poll getUpdates, and Telegram ends all calls but one (409 Conflict)
    env = dict(os.environ, SARABAN_DATABASE_URL=database_url, SARABAN_DEMO="1", SARABAN_TELEGRAM_MODE="polling",
               SARABAN_TELEGRAM_BOT_TOKEN="123456:TEST-telegram-token", SARABAN_ATTACHMENTS_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "saraban.cli", "serve", "--port", "9", "--workers", "2"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "polling" in done.stderr and "worker เดียว" in done.stderr

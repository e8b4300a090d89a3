"""Issue 16, findings 6 and 9: no secret content or bot token in the logs; no weak bootstrap secrets;
stale pooled PostgreSQL connections recovered without a 500."""

from __future__ import annotations

import asyncio
import io
import logging
import logging.config

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from registry.models import Letter

SECRET_SUBJECT = "แผนย้ายกำลังพลลับมากชุดพิเศษ-7731"
SECRET_SENDER = "หน่วยข่าวกรองลับเฉพาะ-4410"
TOKEN = "7123456789:AAH-edge-secret-token-for-log-tests_XYZ"


def test_a_failing_insert_of_a_secret_letter_keeps_its_content_out_of_the_error(runtime, demo, caplog):
    """The error a failed statement raises (and the handlers log at ERROR) carries no bound values."""
    now = runtime.clock.now()
    with pytest.raises(IntegrityError) as caught:
        with runtime.transaction() as s:
            s.execute(insert(Letter).values(unit_id=987654321, direction="incoming", kind="external",
                                            subject=SECRET_SUBJECT, sender=SECRET_SENDER, ref_no="ลม 0001/ลับ 99",
                                            secrecy="top_secret", priority="normal", retention="10y",
                                            status="registered", sandbox=False, search_text="",
                                            created_at=now, updated_at=now))
    with caplog.at_level(logging.ERROR):
        logging.getLogger("saraban.handlers").exception("handler failed", exc_info=caught.value)
    logged = str(caught.value) + caplog.text
    assert "INSERT INTO letters" in logged  # the statement is still named, for the operator
    assert SECRET_SUBJECT not in logged and SECRET_SENDER not in logged and "ลับ 99" not in logged


def test_debug_logs_of_the_telegram_client_do_not_show_the_bot_token():
    """With SARABAN_LOG_LEVEL=DEBUG, httpx/httpcore/python-telegram-bot log the Bot API URL, which
    carries the token: the server's log handler (saraban.logs) redacts it."""
    from telegram import Bot

    from saraban.logs import uvicorn_log_config
    from tests.fakes.telegram_api import FakeTelegramApi

    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "telegram")})
    buf = io.StringIO()
    fake = FakeTelegramApi(TOKEN).start()
    try:
        config = uvicorn_log_config()
        config["root"]["level"] = "DEBUG"
        config["loggers"]["httpx"] = {"level": "DEBUG"}
        logging.config.dictConfig(config)
        handler = next(h for h in root.handlers if isinstance(h, logging.StreamHandler))
        handler.setStream(buf)

        async def call() -> None:
            async with Bot(TOKEN, base_url=fake.base_url) as bot:
                await bot.get_me()
                logging.getLogger("saraban.bot").warning("calling %s/sendMessage", f"{fake.base_url}{TOKEN}")
                try:
                    raise RuntimeError(f"failed POST {fake.base_url}{TOKEN}/sendMessage")
                except RuntimeError:
                    logging.getLogger("saraban.bot").exception("delivery failed")

        asyncio.run(call())
    finally:
        fake.stop()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)
    out = buf.getvalue()
    assert "getMe" in out and "delivery failed" in out  # the calls were logged at DEBUG …
    assert TOKEN not in out and TOKEN.split(":")[1] not in out  # … without the token
    assert "<redacted>" in out


@pytest.mark.parametrize("token", ["abc", "demo-admin-token", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "short-but-random-1"])
def test_weak_bootstrap_admin_tokens_are_refused_outside_demo(token):
    from pydantic import ValidationError

    from saraban.settings import Settings

    with pytest.raises(ValidationError, match="ADMIN_TOKEN"):
        Settings(_env_file=None, admin_token=token, demo=False)
    assert Settings(_env_file=None, admin_token=token, demo=True).admin_token is not None  # the demo may


def test_a_strong_admin_token_and_weak_telegram_secret():
    import secrets

    from pydantic import ValidationError

    from saraban.settings import Settings

    assert Settings(_env_file=None, admin_token=secrets.token_urlsafe(32), demo=False).admin_token
    with pytest.raises(ValidationError, match="TELEGRAM_SECRET_TOKEN"):
        Settings(_env_file=None, telegram_secret_token="abc", demo=False)


def test_stale_pooled_postgres_connections_are_replaced_without_an_error(runtime, demo):
    """A PostgreSQL restart ends every pooled connection; the next requests must not fail (finding 9).
    pg_terminate_backend ends them the same way, from the server side."""
    engine = runtime.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (SQLite has no server to restart)")
    from sqlalchemy import create_engine

    from registry.db import normalise_url

    held = [engine.connect() for _ in range(5)]  # fill the pool with live connections
    for c in held:
        c.execute(text("SELECT 1"))
        c.close()
    killer = create_engine(normalise_url(str(engine.url.render_as_string(hide_password=False))))
    try:
        with killer.connect() as k:
            ended = k.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    finally:
        killer.dispose()
    assert ended >= 1
    for _ in range(10):  # each would have met a dead connection
        with runtime.read() as s:
            assert s.execute(text("SELECT 1")).scalar_one() == 1

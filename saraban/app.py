"""The app factory: one ASGI app with the webhooks, the admin API and pages, and the web chat."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from registry.clock import Clock
from registry.runtime import Runtime
from saraban.settings import Settings, get_settings

log = logging.getLogger("saraban")


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or get_settings()
    if runtime is None:  # a server's own (tests hand theirs in)
        runtime = Runtime.from_url(settings.database_url, attachments_dir=settings.attachments_dir)
        _refuse_an_old_schema(runtime)
    if clock is not None:
        runtime.clock = clock
    if runtime.public_url is None:  # links in notices (the stamped copy of a letter's file)
        runtime.public_url = settings.public_url
    app = FastAPI(
        title="ระบบทะเบียนหนังสือราชการผ่านแชต (saraban)",
        version="0.1.0",
        description="ลงรับ ส่งต่อ รับทราบ และสุ่มตรวจหนังสือราชการ — API สำหรับผู้ดูแลระบบและผู้ตรวจสอบ",
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.admin_token = settings.admin_token

    import admin_api

    # The chat webhooks first: routes are matched in order, and a webhook that came after the ~70
    # admin routes spent more CPU on finding its route than on checking its signature.
    _install_channels(app, runtime, settings)
    admin_api.install(app)
    from saraban.limits import BodyLimit

    app.add_middleware(BodyLimit, webhook_bytes=settings.max_webhook_bytes, upload_bytes=settings.max_upload_bytes,
                       body_bytes=settings.max_body_bytes)
    return app


def _refuse_an_old_schema(runtime: Runtime) -> None:
    """A server must not start on a database ``saraban init`` has not upgraded (see registry.schema)."""
    from registry.schema import upgrade_needed

    problem = upgrade_needed(runtime.engine)
    if problem is not None:
        raise SystemExit(problem)


def _install_channels(app: FastAPI, runtime: Runtime, settings: Settings) -> None:
    """Mount the chat channels when the bot room is present (LINE/Telegram only with credentials)."""
    import importlib
    import importlib.util

    spec = importlib.util.find_spec("bot")
    if spec is None or spec.origin is None:  # no bot room in this checkout (an empty folder is a namespace)
        return
    bot = importlib.import_module("bot")
    bot.install(app, runtime, settings)

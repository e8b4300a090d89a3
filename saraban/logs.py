"""Structured logs: one JSON object per line on stderr (what log shippers expect)."""

from __future__ import annotations

import logging
import os
import re

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# uvicorn adds a copy of each message with terminal colour codes; it has no place in a log line.
HIDDEN = [*RESERVED_ATTRS, "color_message"]


# A Telegram bot token travels in the Bot API's URL path (``…/bot<id>:<secret>/sendMessage``), and
# httpx, httpcore and python-telegram-bot log those URLs at DEBUG (and in some exceptions).
_BOT_TOKEN = re.compile(r"\b(bot)?\d{5,}:[A-Za-z0-9_-]{30,}")


class RedactSecrets(logging.Filter):
    """Removes secrets from every record a handler writes: Telegram bot tokens wherever they appear,
    and the configured secret values (channel secret and token, admin token, Telegram secret).

    On the handler rather than on a logger, so it covers records of every library that propagate
    to it (httpx, httpcore, telegram, uvicorn), at every level, including exception text."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._secrets: list[str] | None = None

    def _known(self) -> list[str]:
        if self._secrets is None:
            try:
                from saraban.settings import get_settings

                s = get_settings()
                values = [getattr(s, n) for n in ("line_channel_secret", "line_channel_access_token",
                                                    "telegram_bot_token", "telegram_secret_token", "admin_token")]
                self._secrets = sorted({v.get_secret_value() for v in values if v is not None
                                        and len(v.get_secret_value()) >= 8}, key=len, reverse=True)
            except Exception:  # noqa: BLE001 - settings that do not load must not silence the log
                self._secrets = []
        return self._secrets

    def redact(self, text: str) -> str:
        text = _BOT_TOKEN.sub(lambda m: (m.group(1) or "") + "<redacted>", text)
        for secret in self._known():
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logged as it is
            return True
        record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def configure(level: str | None = None) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                                       json_ensure_ascii=False, reserved_attrs=HIDDEN))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("SARABAN_LOG_LEVEL", "INFO"))
    for noisy in ("httpx", "httpcore", "telegram.ext", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def uvicorn_log_config() -> dict:
    """uvicorn's own loggers through the same JSON formatter."""
    fmt = {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
           "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}, "json_ensure_ascii": False,
           "reserved_attrs": HIDDEN}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": fmt},
        "filters": {"redact": {"()": "saraban.logs.RedactSecrets"}},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr",
                                 "filters": ["redact"]}},
        "root": {"handlers": ["default"], "level": os.environ.get("SARABAN_LOG_LEVEL", "INFO")},
        "loggers": {"uvicorn": {"level": "INFO"}, "uvicorn.error": {"level": "INFO"},
                    "uvicorn.access": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
    }

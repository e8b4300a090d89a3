"""Structured logs: one JSON object per line on stderr (what log shippers expect)."""

from __future__ import annotations

import logging
import os

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# uvicorn adds a copy of each message with terminal colour codes; it has no place in a log line.
HIDDEN = [*RESERVED_ATTRS, "color_message"]


def configure(level: str | None = None) -> None:
    handler = logging.StreamHandler()
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
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["default"], "level": os.environ.get("SARABAN_LOG_LEVEL", "INFO")},
        "loggers": {"uvicorn": {"level": "INFO"}, "uvicorn.error": {"level": "INFO"},
                    "uvicorn.access": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
    }

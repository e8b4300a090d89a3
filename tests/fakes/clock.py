"""A clock the test moves by hand (the Clock port of registry/clock.py)."""

from __future__ import annotations

import datetime as dt
import threading


class FakeClock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Mon 09:00 Bangkok
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> dt.datetime:
        with self._lock:
            self._now += dt.timedelta(**delta)
            return self._now

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when

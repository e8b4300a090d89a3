"""Rate limits for chats nobody has linked (web chat): per chat id and per client address.

A sliding one-minute window of timestamps per key, in memory, per server process. Hand-written
rather than a library: it is twenty lines, needs no storage, and its memory is bounded here
(at most MAX_KEYS keys, the least recently used forgotten first), which a flood of made-up chat
ids would otherwise grow without end. Linked officers are never limited by it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

MAX_KEYS = 10_000
WINDOW = 60.0


class SlidingWindow:
    def __init__(self, per_minute: int, *, clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, key: str, now: float) -> float | None:
        """Count one message for *key*; None when allowed, else the seconds until the next is."""
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            while len(self._hits) > MAX_KEYS:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - WINDOW:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return hits[0] + WINDOW - now
        hits.append(now)
        return None


class AnonymousLimits:
    """Both limits at once: a message counts against its chat id and its client address."""

    def __init__(self, *, per_chat: int, per_address: int, clock=time.monotonic) -> None:
        self.clock = clock
        self.chats = SlidingWindow(per_chat)
        self.addresses = SlidingWindow(per_address)
        self._lock = threading.Lock()  # routes run in FastAPI's thread pool

    def check(self, chat_id: str, address: str) -> int | None:
        """None when the message may be answered; else the whole seconds to wait (Retry-After)."""
        with self._lock:
            now = self.clock()
            wait = self.addresses.hit(address, now)
            if wait is None:
                wait = self.chats.hit(chat_id, now)
            return None if wait is None else max(1, math.ceil(wait))

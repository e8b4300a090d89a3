"""After a server has started: load what would otherwise load on the first chat message, then put
the start-up heap out of the garbage collector's sight.

CPython's full (generation 2) collection walks every container object alive. Right after start-up
that is the whole import graph plus the parser's word lists, hundreds of thousands of objects
that will live as long as the process. ``bench webhook`` caught full collections of 15 to 195 ms
while chat events were being answered, the longest ones holding the GIL while a few replies
waited (p99 from the 200 to the reply about 200 ms instead of about 55), each finding nothing
to free. ``gc.freeze()`` moves everything alive at that moment into a permanent generation that
collections skip (the standard remedy for long-lived servers, and it spares copy-on-write in
pre-forked workers too). Garbage is collected first, so nothing unreachable is kept.

Only real servers do this (``saraban.asgi``); tests start many apps in one process and would keep
each one's start-up heap for good.
"""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

log = logging.getLogger("saraban")

# A header like the ones clerks paste: parsing it once loads the parser's dictionaries and rules
SAMPLE = "ที่ มท 0808.2/ว 1234\nลงวันที่ 1 มกราคม 2569\nจาก กรมส่งเสริมการปกครองท้องถิ่น\nเรื่อง ขอเชิญประชุม"


def warm_and_freeze() -> int:
    """Load the lazy parts, collect garbage, freeze the rest; how many objects were frozen."""
    from nlp.parse import parse_message

    parse_message(SAMPLE)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def after_startup(app: FastAPI) -> None:
    """Run warm_and_freeze once the app's own start-up (database, channels) has finished."""
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any):
        async with previous(a) as state:
            frozen = warm_and_freeze()
            log.info("start-up heap frozen: %d objects the garbage collector no longer walks", frozen)
            yield state

    app.router.lifespan_context = lifespan

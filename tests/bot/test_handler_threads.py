"""Chat events are handled on the channel's own few threads, not on asyncio's default pool."""

from __future__ import annotations

import asyncio
import threading

from bot.intake import HandlerThreads


def test_events_run_on_a_bounded_pool_of_named_threads(runtime):
    threads = HandlerThreads(runtime, "line")
    expected = 2 if runtime.engine.dialect.name == "sqlite" else 4
    assert threads.size == expected
    gate = threading.Barrier(expected, timeout=5)

    def work(_n: int) -> str:
        gate.wait()  # all `size` threads are busy at once: the pool really has that many
        return threading.current_thread().name

    async def run() -> list[str]:
        try:
            return await asyncio.gather(*(threads.run(work, n) for n in range(expected * 3)))
        finally:
            threads.close()

    names = asyncio.run(run())
    assert all(n.startswith("saraban-line") for n in names)
    assert len(set(names)) == expected


def test_a_closed_pool_starts_again_when_used(runtime):
    threads = HandlerThreads(runtime, "telegram")

    async def once() -> str:
        return await threads.run(lambda: threading.current_thread().name)

    assert asyncio.run(once()).startswith("saraban-telegram")
    threads.close()
    assert asyncio.run(once()).startswith("saraban-telegram")
    threads.close()

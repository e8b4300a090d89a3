"""SQLite writers of one process take turns first come, first served (registry.runtime.WriterQueue)."""

from __future__ import annotations

import threading
import time

from registry.runtime import WriterQueue


def _waiters(queue: WriterQueue) -> int:
    with queue._mutex:  # noqa: SLF001 - the test waits until each thread is really queued
        return len(queue._waiting)  # noqa: SLF001


def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_turns_go_in_arrival_order():
    queue, order = WriterQueue(), []
    first = queue.turn()
    first.__enter__()

    def writer(name: str) -> None:
        with queue.turn():
            order.append(name)

    threads = []
    for n, name in enumerate("abcde", start=1):
        threads.append(threading.Thread(target=writer, args=(name,)))
        threads[-1].start()
        _until(lambda n=n: _waiters(queue) == n)  # queued before the next one arrives
    first.__exit__(None, None, None)
    for t in threads:
        t.join(5)
    assert order == list("abcde")


def test_a_turn_ended_on_another_thread_passes_on():
    """FastAPI may end a dependency's transaction on another thread than the one that began it."""
    queue = WriterQueue()
    turn = queue.turn()
    threading_started = threading.Thread(target=turn.__enter__)
    threading_started.start()
    threading_started.join(5)
    got = threading.Event()
    waiter = threading.Thread(target=lambda: (queue.turn().__enter__(), got.set()))
    waiter.start()
    _until(lambda: _waiters(queue) == 1)
    turn.__exit__(None, None, None)  # here, not on the thread that entered
    assert got.wait(5)


def test_a_writer_inside_another_on_the_same_thread_goes_on_after_the_wait(monkeypatch):
    monkeypatch.setattr(WriterQueue, "WAIT", 0.05)
    queue = WriterQueue()
    with queue.turn():
        with queue.turn():  # SQLite's own lock decides from here, as before the queue
            pass
    assert _waiters(queue) == 0
    with queue.turn():  # and the queue is free again
        pass

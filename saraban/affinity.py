"""Run a lone server process on one CPU core.

The server is one CPython process: the event loop thread and the chat handler threads take turns
holding the GIL, so the process never computes on more than about one core anyway. Left free to
roam, its threads are scheduled on different cores and pass the GIL (and their caches) across
them at every hand-off. ``bench webhook`` (A/B, same code, alternating runs) measured the server's
CPU per LINE event at 2.19-3.77 ms pinned against 3.55-4.32 ms unpinned on SQLite (131-225 against
107-131 registrations/s), and 4.08-4.41 against 4.72-5.89 ms on PostgreSQL.

Only a lone process is pinned, and only by ``saraban serve`` with one worker: with
``--workers N`` the kernel spreads uvicorn's children over the cores (choosing one core each would
need a worker index uvicorn does not give), and a server that imports ``saraban.asgi`` itself
(gunicorn with uvicorn workers, say) may run several copies that must not share one core.
``SARABAN_PIN_CPU=0`` turns it off (a machine shared with busy neighbours pinned to the same
core, or heavy exports wanting a second core for SQLite's C code).
"""

from __future__ import annotations

import logging
import multiprocessing
import os

log = logging.getLogger("saraban")


def pin_to_one_cpu() -> int | None:
    """Pin this process — the threads it has and those it starts later — to one of the CPUs it may
    use; the CPU, or None when there is nothing to choose from or the platform cannot pin."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    # The last core: the kernel tends to start work on the first ones (the database, the shell)
    cpu = allowed[-1]
    tids = [int(t) for t in os.listdir("/proc/self/task")] if os.path.isdir("/proc/self/task") else [0]
    for tid in tids:  # sched_setaffinity(0) would move only the calling thread
        try:
            os.sched_setaffinity(tid, {cpu})
        except OSError:  # a thread that ended meanwhile
            pass
    return cpu


def pin_lone_server(enabled: bool) -> int | None:
    """At server start: pin when enabled and this process is not one of several uvicorn workers."""
    if not enabled or multiprocessing.parent_process() is not None:
        return None
    cpu = pin_to_one_cpu()
    if cpu is not None:
        log.info("server pinned to CPU %d (SARABAN_PIN_CPU=0 turns this off)", cpu)
    return cpu

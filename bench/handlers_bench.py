"""``saraban bench handlers``: the conversation layer alone, without HTTP or a chat platform.

Each pair is what ``bench webhook`` sends through the server — a pasted header, then its
[ยืนยัน] — handed to ``bot.intake.process`` (the call the LINE adapter makes in its worker thread)
and drawn for LINE. Reported per pair: CPU time of this process (one thread, then several, as in
the server's thread pool), wall time, and the SQL statements and commits it took. Subtracting this
from ``bench webhook``'s CPU per event shows what HTTP, the SDK and the event loop cost.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import pstats
import threading
import time
import uuid

from sqlalchemy import event, select

from bench.common import demo_runtime, fresh_databases
from bench.webhook_bench import header
from registry.runtime import Runtime


def _link(rt: Runtime, users: list[str]) -> None:
    from registry.accounts import link_directly
    from registry.events import Actor
    from registry.models import Membership

    with rt.transaction() as s:
        clerk = s.execute(select(Membership.person_id).where(Membership.role == "clerk")
                          .order_by(Membership.id)).scalars().first()
        for u in users:
            link_directly(s, "line", u, clerk, actor=Actor(None, "cli"))


def _payloads(replies) -> list[str]:
    return [b.payload for r in replies for b in ((r.card.buttons if r.card else ()) + r.quick_replies)]


def _pair(rt: Runtime, user: str, n: int) -> None:
    from bot import intake, render_line
    from handlers.models import Inbound

    now = dt.datetime.now(dt.UTC)
    card = intake.process(rt, Inbound(channel="line", event_id=f"line:{uuid.uuid4().hex}", account_id=user,
                                      chat_id=user, kind="text", at=now, text=header(n)))
    render_line.render(card)
    confirm = [p for p in _payloads(card) if p.startswith("cf:")]
    if not confirm:
        raise RuntimeError(f"no confirmation card: {card!r}")
    receipt = intake.process(rt, Inbound(channel="line", event_id=f"line:{uuid.uuid4().hex}", account_id=user,
                                         chat_id=user, kind="button", at=now, payload=confirm[-1]))
    render_line.render(receipt)
    if not any(p.startswith("fw:") for p in _payloads(receipt)):
        raise RuntimeError(f"no receipt: {receipt!r}")


def _measure(rt: Runtime, users: list[str], pairs: int, threads: int, start: int) -> tuple[float, float]:
    per = pairs // threads

    def work(t: int) -> None:
        for i in range(per):
            _pair(rt, users[t], start + t * 100_000 + i)

    cpu, wall = time.process_time(), time.perf_counter()
    if threads == 1:  # on this thread: what --profile's cProfile (this thread only) can see
        work(0)
    else:
        runners = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
        for r in runners:
            r.start()
        for r in runners:
            r.join()
    done = per * threads
    return (time.process_time() - cpu) / done * 1000, (time.perf_counter() - wall) / done * 1000


def _statements(rt: Runtime, user: str) -> tuple[int, int]:
    counts = {"sql": 0, "commit": 0}

    def on_sql(*_args) -> None:
        counts["sql"] += 1

    def on_commit(*_args) -> None:
        counts["commit"] += 1

    event.listen(rt.engine, "before_cursor_execute", on_sql)
    event.listen(rt.engine, "commit", on_commit)
    try:
        _pair(rt, user, 9_000_000)
    finally:
        event.remove(rt.engine, "before_cursor_execute", on_sql)
        event.remove(rt.engine, "commit", on_commit)
    return counts["sql"], counts["commit"]


def bench_engine(label: str, url: str, *, pairs: int, threads: int, profile: int) -> dict:
    rt = demo_runtime(url)
    users = ["U" + uuid.uuid4().hex for _ in range(threads)]
    _link(rt, users)
    for i in range(20):  # warm the caches (parser, unit directory, prepared statements)
        _pair(rt, users[0], 8_000_000 + i)
    sql, commits = _statements(rt, users[0])
    one = _measure(rt, users, pairs, 1, 0)
    many = _measure(rt, users, pairs, threads, 1_000_000)
    print(f"{label:<11} {sql:>10} {commits:>8} | {one[0]:>9.2f} {one[1]:>9.2f} | {many[0]:>9.2f} {many[1]:>9.2f}")
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        _measure(rt, users, min(pairs, 200), 1, 2_000_000)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(r"/(handlers|registry|nlp|bot)/", profile)
    rt.engine.dispose()
    return {"engine": label, "statements": sql, "commits": commits, "cpu_ms": one[0], "cpu_ms_threads": many[0]}


def main(*, pairs: int = 400, threads: int = 6, postgres_url: str | None = None, profile: int = 0) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    targets = fresh_databases("saraban_handlers_bench", postgres_url)
    print(f"ลงรับ through the handlers, no HTTP: {pairs} pairs (a pasted header, then its [ยืนยัน]), "
          f"on 1 thread and on {threads}")
    print(f"{'engine':<11} {'SQL/pair':>10} {'commits':>8} | {'CPU ms':>9} {'wall ms':>9} | "
          f"{'CPU ms':>9} {'wall ms':>9}   (per pair: 1 thread | {threads} threads)")
    for label, url in targets:
        bench_engine(label, url, pairs=pairs, threads=threads, profile=profile)
    return 0

"""``saraban bench registry``: registrations/s and latency of the one writer, beside bare SQL.

For SQLite (a file, WAL) and PostgreSQL, with 1 and 8 writer threads: each registration is one
transaction through ``registry.intake.register_incoming`` (letter, book lock, registration,
hash-chained event). The baseline does the same row writes with hand-written SQL in the same
run, so the figures show what the domain layer costs over the database itself. Then search
p50/p95 over 100,000 letters (bulk-loaded; the same terms and index the service writes) for the
ways clerks type: plain words, a word inside a compound name (word parts), an abbreviation without
its dots, a ref_no typed without spaces or in Thai digits (exact ref_no first), and date ranges.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bench.common import demo_runtime, fresh_databases, percentile, unit_id
from registry.commands import RegisterIncoming
from registry.db import make_engine, normalise_url
from registry.demo import load_demo, load_holidays
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Unit
from registry.runtime import Runtime
from registry.schema import upgrade
from registry.refkey import ref_key
from registry.search import LetterQuery, index_terms, search_letters

SUBJECTS = [
    "ขอเชิญประชุมคณะกรรมการบริหารงานจังหวัดแบบบูรณาการ ครั้งที่ {n}/2569",
    "ขอความร่วมมือรายงานผลการเบิกจ่ายงบประมาณ ไตรมาสที่ {q}",
    "แนวทางปฏิบัติในการจัดซื้อจัดจ้างด้วยวิธีเฉพาะเจาะจง",
    "การเตรียมความพร้อมรับมือสถานการณ์อุทกภัยและวาตภัย",
    "ขอส่งรายชื่อผู้เข้ารับการฝึกอบรมหลักสูตรนักบริหาร รุ่นที่ {n}",
    "ขออนุมัติเดินทางไปราชการต่างจังหวัด",
    "ประกาศรับสมัครบุคคลเพื่อเลือกสรรเป็นพนักงานราชการ",
    "การตรวจสอบภายในประจำปีงบประมาณ พ.ศ. 2569",
    "ขอเชิญร่วมพิธีเนื่องในวันคล้ายวันสถาปนากระทรวงมหาดไทย",
    "การป้องกันและแก้ไขปัญหายาเสพติดในพื้นที่",
]
SENDERS = ["กรมบัญชีกลาง", "สำนักงานจังหวัดระยอง", "กรมการปกครอง", "กรมป้องกันและบรรเทาสาธารณภัย",
           "สำนักงาน ก.พ.", "กรมส่งเสริมการปกครองท้องถิ่น", "สำนักงบประมาณ", "กรมที่ดิน", "สถ.",
           "สถานีตำรวจภูธรเมืองระยอง"]
# (ref_no prefix; the letter's number follows "/ว ")
REFS = ["กค 0402.2", "มท 0201", "มท ๐๘๐๘.๒", "นร 1008", "รย 0017.3", "มท 0310.1"]
QUERIES = ["ประชุม", "งบประมาณ", "อุทกภัย", "จัดซื้อจัดจ้าง", "กรมบัญชีกลาง", "ระยอง", "ฝึกอบรม", "ยาเสพติด",
           "ตรวจสอบภายใน", "คณะกรรมการ จังหวัด", "พนักงานราชการ", "๒๕๖๙", "1234", "เดินทาง ราชการ"]
# the ways clerks type (issue 13 point 9), each timed apart as well
CLERK_QUERIES = {
    "part": ["บัญชีกลาง", "ปกครอง", "ท้องถิ่น", "สาธารณภัย", "ตำรวจภูธร", "บูรณาการ", "ปฏิบัติ"],
    "abbreviation": ["สถ", "สถ.", "กพ", "ก.พ."],
    "ref": ["มท0201", "มท ๐๒๐๑/ว 15", "กค0402.2/ว1234", "0808.2"],
}
# (q, registered from/to as days before the newest, letter date from/to as days before the newest)
DATED = [("ประชุม", (30, 0), None), (None, (7, 0), None), ("บัญชีกลาง", None, (90, 60)), (None, None, (200, 170)),
         ("สถ", (365, 180), None), ("งบประมาณ จังหวัด", (60, 30), (90, 30))]


def _prepare(url: str) -> tuple[Runtime, int]:
    rt = demo_runtime(url)
    return rt, unit_id(rt, "มท 0201")


def _run(writers: int, per_writer: int, op) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()

    def work(w: int) -> None:
        mine = []
        for i in range(per_writer):
            t0 = time.perf_counter()
            op(w, i)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(work, range(writers)))
    elapsed = time.perf_counter() - t0
    return {"rate": len(latencies) / elapsed, "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000}


def _service_op(rt: Runtime, unit_id: int):
    actor = Actor(None, "bench")

    def op(w: int, i: int) -> None:
        with rt.transaction() as s:
            register_incoming(s, RegisterIncoming(
                unit_id=unit_id, subject=SUBJECTS[i % len(SUBJECTS)].format(n=i, q=i % 4 + 1),
                sender=SENDERS[w % len(SENDERS)], ref_no=f"กค 0402.{w}/ว {i}", letter_date=dt.date(2026, 2, 27)), actor=actor)
    return op


def _bare_op(rt: Runtime, unit_id: int, book_id: int):
    """The same rows with hand-written SQL: letter, lock/bump the book, registration, chained event."""
    pg = rt.engine.dialect.name == "postgresql"
    terms = " ".join(index_terms(SUBJECTS[0], SENDERS[0]))

    def op(w: int, i: int) -> None:
        now = dt.datetime.now(dt.UTC)
        stamp = now if pg else now.replace(tzinfo=None)
        with rt.engine.begin() as c:  # in the service's order: the letter, then the book's lock
            letter_id = c.execute(text(
                "INSERT INTO letters (unit_id, direction, kind, ref_no, ref_no_norm, letter_date, sender, subject, priority,"
                " retention, status, sandbox, search_text, created_at, updated_at) VALUES (:u, 'incoming', 'external', :r, :rn,"
                " :d, :s, :subj, 'normal', '10y', 'registered', false, :t, :now, :now) RETURNING id"),
                {"u": unit_id, "r": f"bare {w}/{i}", "rn": f"bare{w}/{i}", "d": dt.date(2026, 2, 27), "s": SENDERS[0], "subj": SUBJECTS[0],
                 "t": terms, "now": stamp}).scalar_one()
            number = c.execute(text("UPDATE books SET last_number = last_number + 1 WHERE id = :b RETURNING last_number"),
                               {"b": book_id}).scalar_one()
            c.execute(text("INSERT INTO registrations (book_id, number, letter_id, received_at, created_at)"
                           " VALUES (:b, :n, :l, :now, :now)"), {"b": book_id, "n": number, "l": letter_id, "now": stamp})
            head = c.execute(text("SELECT seq, hash FROM chain_head WHERE id = 1" + (" FOR UPDATE" if pg else ""))).one()
            h = hashlib.sha256(f"{head.hash}{letter_id}".encode()).hexdigest()
            c.execute(text("INSERT INTO events (seq, occurred_at, channel, kind, entity, entity_id, data, prev_hash, hash)"
                           " VALUES (:q, :now, 'bench', 'bare', 'letter', :l, '{}', :p, :h)"),
                      {"q": head.seq + 1, "now": stamp, "l": letter_id, "p": head.hash, "h": h})  # moves the head
    return op


def bench_engine(label: str, url: str, *, per_writer_1: int, per_writer_8: int) -> list[dict]:
    rt, unit_id = _prepare(url)
    rows = []
    for writers, per in ((1, per_writer_1), (8, per_writer_8)):
        svc = _run(writers, per, _service_op(rt, unit_id))
        with rt.read() as s:
            book_id = s.execute(text("SELECT id FROM books WHERE unit_id = :u AND direction = 'incoming'"), {"u": unit_id}).scalar_one()
        bare = _run(writers, per, _bare_op(rt, unit_id, book_id))
        rows.append({"engine": label, "writers": writers, "service": svc, "bare": bare})
    rt.engine.dispose()
    return rows


def load_letters(rt: Runtime, unit_ids: list[int], n: int) -> None:
    """Bulk-load *n* letters with registrations (the same columns and index the service writes)."""
    rng = random.Random(7)
    pg = rt.engine.dialect.name == "postgresql"
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    stamp = now if pg else now.replace(tzinfo=None)
    variants = []
    for subj in SUBJECTS:
        for k in range(20):
            s = subj.format(n=k + 1, q=k % 4 + 1)
            for sender in SENDERS:
                variants.append((s, sender, " ".join(index_terms(s, sender))))
    refs = [(prefix, " ".join(index_terms(prefix + "/ว"))) for prefix in REFS]
    with rt.engine.begin() as c:
        book_ids = {}
        for u in unit_ids:
            book_ids[u] = c.execute(text("INSERT INTO books (unit_id, direction, year, reset, sandbox, last_number, created_at)"
                                         " VALUES (:u, 'incoming', 2568, 'calendar', false, :n, :now) RETURNING id"),
                                    {"u": u, "n": n, "now": stamp}).scalar_one()
        first = c.execute(text("SELECT coalesce(max(id), 0) FROM letters")).scalar_one() + 1
        batch = 5000
        for start in range(0, n, batch):
            letters, regs = [], []
            for j in range(start, min(n, start + batch)):
                subj, sender, terms = variants[rng.randrange(len(variants))]
                prefix, ref_terms = refs[j % len(refs)]
                u = unit_ids[j % len(unit_ids)]
                lid = first + j
                at = stamp - dt.timedelta(minutes=5 * j)  # a year of a busy ministry
                ref_no = f"{prefix}/ว {j}"
                letters.append({"id": lid, "u": u, "r": ref_no, "rn": ref_key(ref_no), "s": sender, "subj": subj,
                                "t": f"{terms} {ref_terms} {j}", "at": at,
                                "d": (at - dt.timedelta(days=rng.randrange(1, 15))).date()})
                regs.append({"b": book_ids[u], "n": j // len(unit_ids) + 1, "l": lid, "at": at})
            c.execute(text("INSERT INTO letters (id, unit_id, direction, kind, ref_no, ref_no_norm, letter_date, sender, subject,"
                           " priority, retention, status, sandbox, search_text, created_at, updated_at) VALUES (:id, :u,"
                           " 'incoming', 'external', :r, :rn, :d, :s, :subj, 'normal', '10y', 'registered', false, :t, :at,"
                           " :at)"), letters)
            c.execute(text("INSERT INTO registrations (book_id, number, letter_id, received_at, created_at)"
                           " VALUES (:b, :n, :l, :at, :at)"), regs)
        if pg:
            c.execute(text("SELECT setval(pg_get_serial_sequence('letters', 'id'), (SELECT max(id) FROM letters))"))
    if pg:  # what autovacuum does to a register in steady state: statistics and the visibility map
        with rt.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))


def _searches(units: list[int], newest: dt.date) -> list[tuple[str, LetterQuery]]:
    """(kind, query) of one round: each query without and with a unit filter."""
    out = []
    for rep, unit in enumerate((None, units[0], units[3 % len(units)])):
        for q in QUERIES[rep::3] if unit else QUERIES:
            out.append(("word", LetterQuery(q=q, unit_id=unit, limit=20)))
        for kind, qs in CLERK_QUERIES.items():
            for q in qs:
                out.append((kind, LetterQuery(q=q, unit_id=unit, limit=20)))
        for q, received, dated in DATED:
            days = dt.timedelta(days=1)
            out.append(("date range", LetterQuery(
                q=q, unit_id=unit, limit=20,
                received_from=newest - received[0] * days if received else None,
                received_to=newest - received[1] * days if received else None,
                letter_from=newest - dated[0] * days if dated else None,
                letter_to=newest - dated[1] * days if dated else None)))
    return out


def bench_search(label: str, url: str, n: int, rounds: int = 5) -> dict:
    rt, unit_id = _prepare(url)
    with rt.read() as s:
        units = list(s.execute(select(Unit.id).order_by(Unit.id)).scalars())[:6]
    t0 = time.perf_counter()
    load_letters(rt, units, n)
    load_s = time.perf_counter() - t0
    searches = _searches(units, dt.date(2026, 6, 1))
    with rt.read() as s:  # warm the caches and the tokenizer once, untimed
        for _, query in searches:
            search_letters(s, query)
    timings: dict[str, list[float]] = {}
    # CPU per search, this process's plus (PostgreSQL) its server process's: what a search costs
    # whatever else the machine runs (wall time on a shared machine is mostly waiting for a core)
    cpu: dict[str, list[float]] = {}
    pg = rt.engine.dialect.name == "postgresql"
    for _ in range(rounds):
        for kind, query in searches:
            with rt.read() as s:
                backend = s.execute(text("SELECT pg_backend_pid()")).scalar_one() if pg else None
                server = _cpu_seconds(backend)
                t1, c1 = time.perf_counter(), time.process_time()
                search_letters(s, query)
                timings.setdefault(kind, []).append(time.perf_counter() - t1)
                cpu.setdefault(kind, []).append(time.process_time() - c1 + _cpu_seconds(backend) - server)
    rt.engine.dispose()
    every = [t for ts in timings.values() for t in ts]
    every_cpu = [t for ts in cpu.values() for t in ts]
    kinds = {k: {"queries": len(ts), "p50_ms": percentile(ts, 50) * 1000, "p95_ms": percentile(ts, 95) * 1000,
                 "max_ms": max(ts) * 1000, "cpu_p50_ms": percentile(cpu[k], 50) * 1000,
                 "cpu_p95_ms": percentile(cpu[k], 95) * 1000} for k, ts in timings.items()}
    return {"engine": label, "letters": n, "load_s": load_s, "queries": len(every),
            "p50_ms": percentile(every, 50) * 1000, "p95_ms": percentile(every, 95) * 1000,
            "max_ms": max(every) * 1000, "kinds": kinds, "cpu_p50_ms": percentile(every_cpu, 50) * 1000,
            "cpu_p95_ms": percentile(every_cpu, 95) * 1000, "load": os.getloadavg()[0]}


def _cpu_seconds(pid: int | None) -> float:
    """CPU time of a local PostgreSQL server process (Linux schedstat, nanoseconds); 0 without one."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0  # a remote server: only wall time and the client's CPU


def main(*, search_letters: int = 100_000, postgres_url: str | None = None, quick: bool = False,
         search_only: bool = False, db_name: str = "saraban_bench") -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    per1, per8 = (200, 40) if quick else (2000, 300)
    searches = dict(fresh_databases(f"{db_name}_search", postgres_url))
    if search_only:
        targets = [(label, None, url) for label, url in searches.items()]
    else:
        targets = [(label, url, searches[label]) for label, url in fresh_databases(db_name, postgres_url)
                   if label in searches]
    if not search_only:
        _bench_registrations(targets, per1, per8)
    print(f"\nsearch over {search_letters:,} letters, as clerks type (count + first page of 20; without and with a"
          " unit filter)")
    for label, _, url in targets:
        r = bench_search(label, url, search_letters)
        print(f"{label:<11} load {r['load_s']:.1f} s | {r['queries']} queries: p50 {r['p50_ms']:.1f} ms, "
              f"p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms | CPU (client + local server) p50 {r['cpu_p50_ms']:.1f} ms,"
              f" p95 {r['cpu_p95_ms']:.1f} ms | machine load average {r['load']:.1f} on {os.cpu_count()} CPUs")
        for kind, k in r["kinds"].items():
            print(f"{'':<11}   {kind:<13} {k['queries']:>4} queries: p50 {k['p50_ms']:.1f} ms, p95 {k['p95_ms']:.1f} ms,"
                  f" max {k['max_ms']:.1f} ms | CPU p50 {k['cpu_p50_ms']:.1f} ms, p95 {k['cpu_p95_ms']:.1f} ms")
    print("\ntargets: ≥ 500 registrations/s with 1 writer on SQLite; ≥ 300/s with 8 writers on PostgreSQL; search p95 < 50 ms")
    return 0


def _bench_registrations(targets, per1: int, per8: int) -> None:
    print("registrations (each one transaction: letter, book lock, registration, chained event)")
    print(f"{'engine':<11} {'writers':>7} | {'service/s':>9} {'p50 ms':>7} {'p99 ms':>7} | {'bare SQL/s':>10} {'p50 ms':>7} {'p99 ms':>7}")
    for label, url, _ in targets:
        for row in bench_engine(label, url, per_writer_1=per1, per_writer_8=per8):
            s, b = row["service"], row["bare"]
            print(f"{label:<11} {row['writers']:>7} | {s['rate']:>9.0f} {s['p50_ms']:>7.2f} {s['p99_ms']:>7.2f} | "
                  f"{b['rate']:>10.0f} {b['p50_ms']:>7.2f} {b['p99_ms']:>7.2f}")

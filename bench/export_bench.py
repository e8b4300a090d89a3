"""``saraban bench exports``: a year of N incoming letters (half forwarded) in one unit's book, the
register exported as CSV, XLSX and PDF (size, wall and CPU seconds), then each of CSV and XLSX
imported into an empty database (wall and CPU seconds) and exported again (identical or not).

The year is loaded with bulk inserts (the rows the register would hold, not the service that
writes them: registry_bench measures that); the exports and the import are the real code.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time

from sqlalchemy import insert, update

from admin_api.cli_export import SYSTEM as EXPORTER
from admin_api.exports import render
from admin_api.exports.builders import register_table
from admin_api.register_import import check_file
from registry.events import Actor
from registry.importing import import_register
from registry.intake import build_search_text
from registry.models import Assignment, Book, Letter, Membership, Person, Registration, Unit
from registry.runtime import Runtime
from registry.schema import upgrade
from registry.timeutil import BANGKOK

WORDS = ("ขอความร่วมมือ", "รายงานผล", "การเบิกจ่าย", "งบประมาณ", "ประจำปี", "โครงการ", "พัฒนา", "ศักยภาพ", "บุคลากร",
         "กระทรวงมหาดไทย", "การประชุม", "คณะกรรมการ", "ขอเชิญ", "เข้าร่วม", "สัมมนา", "เชิงปฏิบัติการ", "แจ้งเวียน",
         "หนังสือสั่งการ", "ตรวจสอบ", "ข้อมูล")
SENDERS = ("สำนักงานปลัดกระทรวงมหาดไทย", "กรมส่งเสริมการปกครองท้องถิ่น", "กรมบัญชีกลาง", "จังหวัดนครราชสีมา",
           "กรมการปกครอง", "สถ.")
ACTOR = Actor(None, "bench")
YEAR = 2569


def _fresh(tmp: str, name: str) -> tuple[Runtime, int, int]:
    rt = Runtime.from_url(f"sqlite:///{tmp}/{name}.db")
    upgrade(rt.engine)
    with rt.transaction() as s:
        now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        u = Unit(code="มท 0201", name="กองกลาง", short_name="กก.", aliases=[], book_reset="calendar")
        p = Person(name="นายสมชาย ใจดี", clearance="none", created_at=now)
        s.add_all([u, p])
        s.flush()
        s.add(Membership(person_id=p.id, unit_id=u.id, role="owner"))
        return rt, u.id, p.id


def _load_year(rt: Runtime, unit_id: int, person_id: int, n: int) -> None:
    rng = random.Random(2)
    start = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC)
    step = dt.timedelta(seconds=364 * 86400 / n)
    with rt.transaction() as s:
        book = s.execute(insert(Book).values(unit_id=unit_id, direction="incoming", year=YEAR, reset="calendar",
                                             sandbox=False, last_number=n, created_at=start).returning(Book.id)).scalar_one()
        letters, regs, assigns = [], [], []
        for i in range(n):
            at = start + step * i
            subject = "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8)))
            sender = rng.choice(SENDERS)
            ref = f"มท 0808.{i % 9}/ว {1000 + i}"
            letters.append(dict(id=i + 1, unit_id=unit_id, direction="incoming", kind="external", ref_no=ref,
                                letter_date=(at - dt.timedelta(days=2)).astimezone(BANGKOK).date(), sender=sender,
                                addressee="ผู้อำนวยการกองกลาง", subject=subject, priority="normal", retention="10y",
                                status="forwarded" if i % 2 == 0 else "registered", sandbox=False,
                                search_text=build_search_text(subject, sender, ref), created_at=at, updated_at=at,
                                legal_hold=False))
            regs.append(dict(book_id=book, number=i + 1, letter_id=i + 1, received_at=at, created_at=at))
            if i % 2 == 0:
                assigns.append(dict(letter_id=i + 1, person_id=person_id, role="principal", purpose="act",
                                    instruction="ดำเนินการ", status="sent", sent_at=at + dt.timedelta(hours=1),
                                    reminders=0))
        s.execute(insert(Letter), letters)
        s.execute(insert(Registration), regs)
        s.execute(insert(Assignment), assigns)
        s.execute(update(Book).where(Book.id == book).values(last_number=n))


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main(*, letters: int = 10_000) -> int:
    tmp = tempfile.mkdtemp(prefix="export-bench-")
    rt, unit_id, person_id = _fresh(tmp, "year")
    _load_year(rt, unit_id, person_id, letters)
    print(f"a year of {letters:,} incoming letters (half forwarded) in one book, SQLite")
    files = {}
    for fmt in ("csv", "xlsx", "pdf"):
        def export(fmt=fmt):
            with rt.read() as s:
                return render(register_table(s, EXPORTER, unit_id=unit_id, direction="incoming", year=YEAR), fmt)
        files[fmt], wall, cpu = _timed(export)
        print(f"export {fmt:4}: {len(files[fmt]) / 1e6:6.2f} MB  wall {wall:6.1f} s  cpu {cpu:6.1f} s", flush=True)
    for fmt in ("csv", "xlsx"):
        rt2, unit2, _ = _fresh(tmp, f"import-{fmt}")

        def run(rt2=rt2, unit2=unit2, fmt=fmt):
            with rt2.transaction() as s:
                _sheet, plan = check_file(s, files[fmt], f"year.{fmt}", unit=s.get(Unit, unit2), direction="incoming",
                                          year=YEAR, mapping=None, today=dt.date(2026, 12, 31))
                if plan.problems:
                    return plan.problems
                return import_register(s, plan, actor=ACTOR, source=f"year.{fmt}")
        done, wall, cpu = _timed(run)
        if isinstance(done, list):
            print(f"import {fmt}: {len(done)} problems, e.g. {done[:3]}")
            return 1
        with rt2.read() as s:
            again = render(register_table(s, EXPORTER, unit_id=unit2, direction="incoming", year=YEAR), "csv")
        print(f"import {fmt:4}: {done.count:,} rows  wall {wall:6.1f} s  cpu {cpu:6.1f} s  "
              f"re-export identical: {again == files['csv']}", flush=True)
    return 0

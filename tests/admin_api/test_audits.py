"""Sample audits: the statistics, a reproducible stratified sample, the automatic checks, verdicts,
closing with Wilson intervals, and immutability afterwards."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import select

from registry import audits
from registry.events import Actor
from registry.models import Book, Registration
from tests.admin_api.conftest import ADMIN, acknowledge, bearer, events_of, forward_to, register

SYSTEM = Actor(None, "test")


# ---------------------------------------------------------------- the statistics

def test_sample_size_with_finite_population_correction():
    # Cochran: n0 = 1.96² · 0.25 / 0.05² = 384.15; FPC for N = 1000 gives 277.7 → 278
    assert audits.sample_size(1000, 0.05, 0.95) == 278
    assert audits.sample_size(1_000_000, 0.05, 0.95) == 384  # 384.15 / (1 + 383.15 / 10⁶) = 383.999…
    assert audits.sample_size(50, 0.05, 0.95) == 45
    assert audits.sample_size(10, 0.5, 0.95) <= 10
    assert audits.sample_size(0, 0.05) == 0
    assert audits.sample_size(1000, 0.03, 0.99) > audits.sample_size(1000, 0.05, 0.95)


def test_proportional_allocation_uses_largest_remainder():
    # exact shares 5.5, 3.3, 1.2 → floors 5, 3, 1 (9); the one left goes to the largest remainder (unit 1)
    assert audits.allocate({1: 55, 2: 33, 3: 12}, 10) == {1: 6, 2: 3, 3: 1}
    assert sum(audits.allocate({1: 7, 2: 11, 3: 13, 4: 1}, 17).values()) == 17
    assert audits.allocate({1: 3, 2: 5}, 100) == {1: 3, 2: 5}  # never more than a stratum holds


def test_equal_allocation_moves_what_a_small_unit_cannot_take():
    assert audits.allocate({1: 100, 2: 100, 3: 100}, 10, "equal") == {1: 4, 2: 3, 3: 3}
    assert audits.allocate({1: 2, 2: 100, 3: 100}, 12, "equal") == {1: 2, 2: 5, 3: 5}
    assert audits.allocate({1: 0, 2: 10}, 4, "equal") == {1: 0, 2: 4}


def test_wilson_interval_known_values():
    low, high = audits.wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    low, high = audits.wilson(10, 10)
    assert round(low, 3) == 0.722 and high == pytest.approx(1.0)
    assert audits.wilson(0, 0) == (0.0, 1.0)


def test_draw_is_a_function_of_seed_and_ids_not_of_their_order():
    pool = {1: list(range(100, 200)), 2: list(range(500, 530))}
    shuffled = {1: list(reversed(pool[1])), 2: random.Random(3).sample(pool[2], 30)}
    quota = {1: 7, 2: 3}
    assert audits.draw(pool, quota, 99) == audits.draw(shuffled, quota, 99)
    assert audits.draw(pool, quota, 99) != audits.draw(pool, quota, 100)


# ---------------------------------------------------------------- the audit through the API

def _populate(runtime, demo, clock) -> dict[int, list[int]]:
    """25 letters in กองกลาง and 10 in กองคลัง over two weeks; returns registration ids per unit."""
    kk, kc = demo.unit("มท 0201"), demo.unit("มท 0202")
    out: dict[int, list[int]] = {kk: [], kc: []}
    for i in range(35):
        unit = kk if i % 7 < 5 else kc
        _lid, rid = register(runtime, unit, subject=f"เรื่องที่ {i}")
        out[unit].append(rid)
        clock.advance(hours=9)
    return out


def _expected(regs: dict[int, list[int]], quota: dict[int, int], seed: int) -> list[int]:
    rng = random.Random(seed)
    ids = []
    for unit in sorted(regs):
        ids += sorted(rng.sample(sorted(regs[unit]), quota[unit]))
    return ids


def test_same_seed_same_sample_and_it_follows_from_seed_and_data(client, runtime, demo, clock):
    regs = _populate(runtime, demo, clock)
    kk, kc = demo.unit("มท 0201"), demo.unit("มท 0202")
    body = {"units": [kc, kk], "period_from": "2026-03-01", "period_to": "2026-03-31", "sample_size": 7,
            "seed": 20260302}
    first = client.post("/api/v1/audits", headers=ADMIN, json=body)
    second = client.post("/api/v1/audits", headers=ADMIN, json=body)
    assert first.status_code == second.status_code == 201, first.text
    a, b = first.json(), second.json()
    ids = [i["registration_id"] for i in a["items"]]
    assert ids == [i["registration_id"] for i in b["items"]]
    assert a["seed"] == 20260302 and a["sample_size"] == 7
    # proportional: 25 and 10 of 35 → 5 and 2 — and exactly the ids Random(seed) picks from the ordered ids
    per_unit = {u: sum(1 for i in a["items"] if i["unit_id"] == u) for u in (kk, kc)}
    assert per_unit == {kk: 5, kc: 2}
    assert ids == _expected(regs, per_unit, 20260302)
    other = client.post("/api/v1/audits", headers=ADMIN, json={**body, "seed": 7}).json()
    assert [i["registration_id"] for i in other["items"]] == _expected(regs, per_unit, 7)
    # without a seed one is chosen and recorded, and replaying it gives the same sample
    fresh = client.post("/api/v1/audits", headers=ADMIN, json={k: v for k, v in body.items() if k != "seed"}).json()
    replay = client.post("/api/v1/audits", headers=ADMIN, json={**body, "seed": fresh["seed"]}).json()
    assert [i["registration_id"] for i in fresh["items"]] == [i["registration_id"] for i in replay["items"]]
    created = events_of(runtime, "audit.created")[0]
    assert created.data["seed"] == 20260302 and created.data["registration_ids"] == ids


def test_margin_and_confidence_compute_the_size_and_equal_allocation(client, runtime, demo, clock):
    _populate(runtime, demo, clock)
    kk, kc = demo.unit("มท 0201"), demo.unit("มท 0202")
    r = client.post("/api/v1/audits", headers=ADMIN, json={
        "units": [kk, kc], "period_from": "2026-03-01", "period_to": "2026-03-31", "margin": 0.1,
        "confidence": 0.95, "allocation": "equal", "seed": 1})
    assert r.status_code == 201, r.text
    audit = r.json()
    assert audit["sample_size"] == audits.sample_size(35, 0.1, 0.95) == 26
    per_unit = {u: sum(1 for i in audit["items"] if i["unit_id"] == u) for u in (kk, kc)}
    assert per_unit == {kk: 16, kc: 10}  # 13 each, but กองคลัง has only 10


def test_checks_verdicts_close_and_immutability(client, runtime, demo, clock, token):
    kk = demo.unit("มท 0201")
    owner = demo.person("owner")
    good, _ = register(runtime, kk, subject="ครบถ้วน")  # forwarded at once, acknowledged, with a scan
    a = forward_to(runtime, good, owner)
    acknowledge(runtime, a, owner)
    from registry.attachments import attach_file

    with runtime.transaction() as s:
        attach_file(s, good, b"%PDF-1.4 test", directory=runtime.attachments_dir, actor=SYSTEM, clock=runtime.clock)
    late, _ = register(runtime, kk, subject=None, ref_no=None)  # missing fields, forwarded a week later
    clock.advance(days=7)
    forward_to(runtime, late, owner)
    idle, _ = register(runtime, kk, subject="ยังไม่ส่งต่อ")
    auditor = bearer(token(demo.person("auditor", "มท 02")))

    r = client.post("/api/v1/audits", headers=auditor, json={
        "units": [kk], "period_from": "2026-03-01", "period_to": "2026-03-31", "sample_size": 3, "seed": 5,
        "title": "สุ่มตรวจกองกลาง มีนาคม"})
    assert r.status_code == 201, r.text
    audit = r.json()
    by_letter = {i["letter_id"]: i for i in audit["items"]}
    assert by_letter[good]["checks"] == {"fields_complete": True, "forwarded": True, "forwarded_on_time": True,
                                         "acknowledged": True, "attachment_present": True, "number_continuity": True}
    assert by_letter[late]["checks"]["fields_complete"] is False
    assert by_letter[late]["checks"]["forwarded"] is True and by_letter[late]["checks"]["forwarded_on_time"] is False
    assert by_letter[idle]["checks"]["forwarded"] is False and by_letter[idle]["checks"]["acknowledged"] is False

    audit_id = audit["id"]
    url = f"/api/v1/audits/{audit_id}"
    item = lambda lid: f"{url}/items/{by_letter[lid]['id']}"  # noqa: E731
    assert client.put(item(good), headers=auditor, json={"verdict": "correct"}).status_code == 200
    early = client.post(f"{url}/close", headers=auditor)
    assert early.status_code == 409 and "2 รายการ" in early.json()["detail"]
    r = client.put(item(late), headers=auditor, json={"verdict": "needs_fix", "note": "ไม่ระบุเรื่อง"})
    assert r.json()["verdict"] == "needs_fix" and r.json()["note"] == "ไม่ระบุเรื่อง"
    assert client.put(item(idle), headers=auditor, json={"verdict": "bogus"}).status_code == 422
    assert client.put(item(idle), headers=auditor, json={"verdict": "no_evidence"}).status_code == 200
    # a clerk may not review
    clerk = bearer(token(demo.person("clerk")))
    assert client.put(item(idle), headers=clerk, json={"verdict": "correct"}).status_code == 403

    closed = client.post(f"{url}/close", headers=auditor)
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    unit = result["units"][0]
    assert (unit["sampled"], unit["correct"], unit["needs_fix"], unit["no_evidence"]) == (3, 1, 1, 1)
    assert unit["pass_rate"] == pytest.approx(1 / 3)
    low, high = audits.wilson(1, 3)
    assert (unit["wilson_low"], unit["wilson_high"]) == (pytest.approx(low), pytest.approx(high))
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]

    # closed is closed: no verdict changes, no second close; the stored result stays
    r = client.put(item(good), headers=auditor, json={"verdict": "needs_fix"})
    assert r.status_code == 409 and "ปิดแล้ว" in r.json()["detail"]
    assert client.post(f"{url}/close", headers=auditor).status_code == 409
    assert client.get(url, headers=auditor).json()["result"] == result
    assert [e.kind for e in events_of(runtime, "audit.item_reviewed")].count("audit.item_reviewed") == 3
    assert events_of(runtime, "audit.closed")[0].data["result"]["overall"]["correct"] == 1
    assert client.get("/api/v1/audits", headers=auditor).json()["total"] == 1

    # the export carries the verdicts and the Wilson interval
    csv = client.get(f"{url}/export.csv", headers=auditor).content.decode("utf-8-sig")
    assert "ต้องแก้ไข" in csv and "ไม่พบหลักฐาน" in csv and "ไม่ระบุเรื่อง" in csv
    xlsx = client.get(f"{url}/export.xlsx", headers=auditor)
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = client.get(f"{url}/export.pdf", headers=auditor)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # and the per-unit report picks up the pass rate
    report = client.get("/api/v1/reports/units?from=2026-03-01&to=2026-03-31", headers=auditor).json()
    kk_row = next(u for u in report["units"] if u["unit_id"] == kk)
    assert kk_row["audit_reviewed"] == 3 and kk_row["audit_pass_pct"] == pytest.approx(100 / 3)


def test_number_continuity_flags_a_gap(runtime, demo):
    kk = demo.unit("มท 0201")
    ids = [register(runtime, kk, subject=f"เรื่อง {i}")[1] for i in range(3)]
    with runtime.transaction() as s:  # simulate a number that vanished from the book (fraud or damage)
        s.delete(s.get(Registration, ids[1]))
    with runtime.read() as s:
        checks = audits.run_checks(s, [ids[0], ids[2]], now=runtime.clock.now())
        last = s.execute(select(Book.last_number)).scalar_one()
    assert last == 3
    assert checks[ids[0]]["number_continuity"] is False  # number 2 is missing after it
    assert checks[ids[2]]["number_continuity"] is False  # and before number 3


def test_audit_refusals(client, runtime, demo):
    kk = demo.unit("มท 0201")
    base = {"units": [kk], "period_from": "2026-03-01", "period_to": "2026-03-31"}
    r = client.post("/api/v1/audits", headers=ADMIN, json={**base, "sample_size": 5})
    assert r.status_code == 422 and "ไม่พบหนังสือ" in r.json()["detail"]
    register(runtime, kk)
    r = client.post("/api/v1/audits", headers=ADMIN, json=base)
    assert r.status_code == 422 and "ขนาดตัวอย่าง" in r.json()["detail"]
    r = client.post("/api/v1/audits", headers=ADMIN, json={**base, "period_to": "2026-02-01", "sample_size": 1})
    assert r.status_code == 422
    assert client.get("/api/v1/audits/12345", headers=ADMIN).status_code == 404


def test_start_audit_by_text_for_the_chat(runtime, demo, clock):
    kk = demo.unit("มท 0201")
    for i in range(30):
        register(runtime, kk, subject=f"เรื่อง {i}")
    with runtime.transaction() as s:
        audit = audits.start_audit_by_text(s, "กองกลาง", 20, actor=SYSTEM, clock=runtime.clock, seed=11)
        audit_id, size, units = audit.id, audit.sample_size, audit.unit_ids
        today = clock.now().date()
        assert (audit.period_from, audit.period_to) == (today - dt.timedelta(days=90), today)
    with runtime.read() as s:
        assert len(audits.audit_items(s, audit_id)) == size == 20
    assert units == [kk]


def test_the_same_request_draws_the_same_sample_on_this_engine_and_on_sqlite(runtime, demo, clock, tmp_path):
    """Under SARABAN_TEST_DATABASE_URL this compares PostgreSQL with a private SQLite database."""
    from registry.db import make_engine, make_sessionmaker
    from registry.runtime import Runtime
    from tests.db import create_schema
    from tests.fakes.clock import FakeClock
    from tests.fixtures import load_demo_org

    def fill(rt, org, clk) -> list[tuple[str, int, int]]:
        units = [org.unit("มท 0201"), org.unit("มท 0202"), org.unit("มท 0205")]
        for i in range(40):
            register(rt, units[i % 3] if i % 5 else units[0], subject=f"เรื่อง {i}")
            clk.advance(hours=5)
        with rt.transaction() as s:
            audit = audits.create_audit(s, audits.AuditRequest(
                unit_ids=tuple(units), period_from=dt.date(2026, 3, 1), period_to=dt.date(2026, 3, 31),
                sample_size=9, seed=424242), actor=SYSTEM, clock=rt.clock)
            items = audits.audit_items(s, audit.id)
            regs = {r.id: r for r in s.execute(select(Registration)).unique().scalars()}
            return sorted((regs[i.registration_id].book.unit.code, regs[i.registration_id].book.year,
                           regs[i.registration_id].number) for i in items)

    here = fill(runtime, demo, clock)
    engine = make_engine(f"sqlite:///{tmp_path}/other.db")
    create_schema(engine)
    other_clock = FakeClock()
    other = Runtime(engine, make_sessionmaker(engine), other_clock, tmp_path / "att")
    there = fill(other, load_demo_org(other), other_clock)
    engine.dispose()
    assert len(here) == 9 and here == there

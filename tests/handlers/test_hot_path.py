"""The ลงรับ hot path stays lean: a header and its [ยืนยัน] cost a bounded number of statements
and one commit each (bench handlers measures the time; this guards what the time depends on)."""

from __future__ import annotations

from bench.handlers_bench import bench_engine
from tests import db


def test_a_registration_pair_takes_two_commits_and_few_statements(tmp_path, worker_id):
    url = db.test_database_url(str(tmp_path), f"{worker_id}_hot")  # its own fresh database
    figures = bench_engine("test", url, pairs=4, threads=2, profile=0)
    assert figures["commits"] == 2  # the event key shares each event's transaction
    # header: key, who + roles, state, duplicates, state saved; confirm adds the unit, the number,
    # letter, registration, the chained event (3) and the owner index stamp: 18 (SQLite also
    # counts its two BEGIN IMMEDIATE)
    assert figures["statements"] <= 20, figures

"""saraban bench parse: runs in a fresh subprocess and reports the three figures."""

from __future__ import annotations

import json

from bench import parse_bench


def test_bench_reports_figures(capsys):
    assert parse_bench.main(["--seconds", "0.3", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["messages"] > 0 and figures["messages_per_s"] > 0
    assert 0 < figures["startup_s"] < 30
    assert 0 < figures["peak_rss_mb"] < 2000


def test_bench_prints_a_table(capsys):
    assert parse_bench.main(["--seconds", "0.2"]) == 0
    table = capsys.readouterr().out
    for row in ("throughput (one core)", "start-up (import to first parse)", "peak RSS", "messages/s"):
        assert row in table

"""schemathesis with every check (``--checks all``) over the live /openapi.json, stateful phase
included: no 500, no response outside its schema, no schema-violating request accepted, no
schema-valid request refused, documented status codes and Allow headers (issue 16, finding 10).

The schemathesis CLI itself runs (a subprocess, like ``make fuzz``) against the app served by
uvicorn on 127.0.0.1, over the suite's database (SQLite or PostgreSQL), with a fixed seed and a
bounded number of examples so it stays a suite test; ``make fuzz`` runs the same with many more.
The rules JSON Schema cannot state are in ``schemathesis.toml`` (read by both), each with its reason.
The database holds the demo organisation, letters and an audit, so ids in paths often exist.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from tests.admin_api.conftest import ADMIN_TOKEN, forward_to, register
from tests.live_server import serve

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
# The operations under contract: the admin API, health and metrics, and the web chat's JSON API.
OPERATIONS = r"^/(api/v1/|healthz|metrics|chat/api/)"
SEED = "20261206"
EXAMPLES = "6"  # per operation and phase; `make fuzz` uses many more


def command(url: str, *, examples: str = EXAMPLES, seed: str = SEED) -> list[str]:
    return [SCHEMATHESIS, "run", f"{url}/openapi.json", "--checks", "all",
            "--phases", "examples,coverage,fuzzing,stateful", "-H", f"Authorization: Bearer {ADMIN_TOKEN}",
            "--include-path-regex", OPERATIONS, "--seed", seed, "--max-examples", examples, "--workers", "1",
            "--continue-on-failure", "--no-color", "--wait-for-schema", "30",
            # the first PDF export loads PyThaiNLP's dictionary (several seconds on a busy machine)
            "--request-timeout", "60"]


def test_api_keeps_its_contract_under_every_check(app, runtime, demo):
    kk = demo.unit("มท 0201")
    for i in range(4):
        letter_id, _ = register(runtime, kk, subject=f"หนังสือทดสอบสคีมา {i}", secrecy="confidential" if i == 3 else None)
        if i % 2:
            forward_to(runtime, letter_id, demo.person("owner"))
    from registry.audits import AuditRequest, create_audit
    from registry.events import Actor

    with runtime.transaction() as s:
        create_audit(s, AuditRequest(unit_ids=(kk,), period_from=dt.date(2026, 3, 1), period_to=dt.date(2026, 3, 31),
                                     sample_size=2, seed=1), actor=Actor(None, "test"), clock=runtime.clock)
    with serve(app) as url:
        run = subprocess.run(command(url), cwd=ROOT, capture_output=True, text=True, timeout=900,
                             env={**os.environ, "NO_COLOR": "1"})
    report = run.stdout[-12000:] + run.stderr[-3000:]
    assert "Operations:" in run.stdout and "Stateful" in run.stdout, report  # it really ran, stateful too
    assert run.returncode == 0, report

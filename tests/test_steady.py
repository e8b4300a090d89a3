"""A real server freezes its start-up heap once the app has started (saraban.steady)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, json
from fastapi.testclient import TestClient
import saraban.asgi
before = gc.get_freeze_count()
with TestClient(saraban.asgi.app) as client:
    during = gc.get_freeze_count()
    status = client.get("/healthz").status_code
print(json.dumps({"before": before, "during": during, "status": status}))
"""


def test_the_server_freezes_its_start_up_heap_after_start_up(runtime):
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1", "SARABAN_DATABASE_URL": runtime.engine.url.render_as_string(False),
           "SARABAN_RUN_WORKER": "0"}
    for key in [k for k in env if k.startswith(("SARABAN_LINE", "SARABAN_TELEGRAM"))]:
        env.pop(key)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] == 0  # importing the app freezes nothing: tests build apps without it
    assert got["during"] > 10_000 and got["status"] == 200

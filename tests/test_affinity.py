"""A lone server process runs on one CPU core; uvicorn's worker children and SARABAN_PIN_CPU=0 do not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                                reason="needs a platform that pins and at least two CPUs")

PROBE = """
import json, os, threading
from saraban.affinity import pin_lone_server
go, seen = threading.Event(), {{}}
def early():  # a thread that was running before the pin
    go.wait()
    seen["early"] = sorted(os.sched_getaffinity(0))
e = threading.Thread(target=early)
e.start()
pinned = pin_lone_server({enabled})
go.set()
e.join()
t = threading.Thread(target=lambda: seen.update(later=sorted(os.sched_getaffinity(0))))
t.start()
t.join()
print(json.dumps({{"cpu": pinned, "main": sorted(os.sched_getaffinity(0)), **seen}}))
"""


def _probe(enabled: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE.format(enabled=enabled)], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHAINLP_OFFLINE": "1"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_lone_server_and_the_threads_it_starts_run_on_one_core():
    got = _probe(True)
    assert got["cpu"] == max(os.sched_getaffinity(0))
    assert got["main"] == got["early"] == got["later"] == [got["cpu"]]


def test_pinning_can_be_turned_off():
    got = _probe(False)
    assert got["cpu"] is None and got["main"] == got["early"] == got["later"] == sorted(os.sched_getaffinity(0))


def test_a_worker_child_is_left_to_the_kernel(tmp_path):
    script = tmp_path / "spawn_probe.py"  # spawn re-imports __main__ from a file in the child
    script.write_text("import multiprocessing as mp, json, os\n"
                      "from saraban.affinity import pin_lone_server\n"
                      "def child(q):\n    q.put((pin_lone_server(True), sorted(os.sched_getaffinity(0))))\n"
                      "if __name__ == '__main__':\n"
                      "    ctx = mp.get_context('spawn'); q = ctx.Queue(); p = ctx.Process(target=child, args=(q,))\n"
                      "    p.start(); print(json.dumps(q.get(timeout=60))); p.join()\n")
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    cpu, allowed = json.loads(out.stdout.strip().splitlines()[-1])
    assert cpu is None and allowed == sorted(os.sched_getaffinity(0))


def test_saraban_serve_runs_on_one_core(runtime):
    import time
    import urllib.request

    from tests.live_server import free_port

    port = free_port()
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1", "SARABAN_DATABASE_URL": runtime.engine.url.render_as_string(False),
           "SARABAN_RUN_WORKER": "0"}
    for key in [k for k in env if k.startswith(("SARABAN_LINE", "SARABAN_TELEGRAM", "SARABAN_PIN"))]:
        env.pop(key)
    proc = subprocess.Popen([sys.executable, "-c", "from saraban.cli import main; main()", "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "saraban serve exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline, "saraban serve did not answer"
                time.sleep(0.2)
        seen = set()
        for tid in os.listdir(f"/proc/{proc.pid}/task"):
            try:
                seen.add(frozenset(os.sched_getaffinity(int(tid))))
            except ProcessLookupError:  # a thread that ended meanwhile
                pass
        assert seen == {frozenset({max(os.sched_getaffinity(0))})}
    finally:
        proc.terminate()
        proc.wait(20)

"""A real ``saraban serve`` in a subprocess on 127.0.0.1, watched from outside (issue 16).

The body, slow-client and flood tests measure the server the way an operator would: its resident
memory from ``/proc/<pid>/status`` (VmRSS now, VmHWM the peak) and the latency of ``/healthz`` and
of an officer's request, from another process. Figures are written to ``test-artifacts/edge/`` for
docs/guarantees.md; the tests assert behaviour (413, closed connections, no rows, 200s), never time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
SARABAN = str(Path(sys.executable).with_name("saraban"))
ADMIN_TOKEN = "edge-tests-admin-token-7f3c9a1e5b2d"
ARTIFACTS = ROOT / "test-artifacts" / "edge"


@dataclass
class Server:
    url: str
    pid: int
    database_url: str
    log: Path

    def rss_kb(self) -> int:
        return _status(self.pid, "VmRSS")

    def peak_kb(self) -> int:
        return _status(self.pid, "VmHWM")


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def server_database(database_url: str, tmp_path: Path, name: str) -> str:
    """A database of its own for the served process: a SQLite file, or a fresh PostgreSQL database
    beside the suite's when the suite runs on PostgreSQL."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/{name}.db"
    from sqlalchemy.engine import make_url

    from registry.db import recreate_database

    url = make_url(database_url)
    return recreate_database(database_url, f"{url.database}_{name}")


@contextmanager
def saraban_serve(database_url: str, tmp_path: Path, *, demo: bool = False, env: dict[str, str] | None = None,
                  settled: bool = False) -> Iterator[Server]:
    """A ``saraban serve`` in its own process. *settled*: also wait until its background start-up
    work (the page reader's warm-up, when a channel reads photos) is done, so memory stands still."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SARABAN_")}
    environ.update(SARABAN_DATABASE_URL=database_url, SARABAN_ADMIN_TOKEN=ADMIN_TOKEN, SARABAN_PIN_CPU="0",
                   SARABAN_RUN_WORKER="0", SARABAN_ATTACHMENTS_DIR=str(tmp_path / "att"),
                   SARABAN_DEMO="1" if demo else "0", PYTHAINLP_OFFLINE="1", PYTHAINLP_READ_ONLY="1")
    environ.update(env or {})
    subprocess.run([SARABAN, "init", "--demo"], env=environ, check=True, capture_output=True, cwd=tmp_path)
    log = tmp_path / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([SARABAN, "serve", "--host", "127.0.0.1", "--port", str(port)], env=environ,
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("saraban serve did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        if settled:
            from bot import READER_READY

            while READER_READY not in log.read_text(errors="replace"):
                if proc.poll() is not None or time.monotonic() > deadline + 60:
                    raise RuntimeError("the page reader did not warm up:\n" + log.read_text(errors="replace")[-3000:])
                time.sleep(0.2)
        yield Server(url, proc.pid, database_url, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def record(name: str, figures: dict) -> None:
    """Keep a test's measured figures (test-artifacts/edge/<name>.json) and show them in -s output."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(f"\n[{name}] " + json.dumps(figures, ensure_ascii=False))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

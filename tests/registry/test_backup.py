"""`saraban backup` writes a snapshot that opens and verifies on its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from registry.commands import RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming


def test_backup_snapshot_has_the_register(runtime, demo, database_url, tmp_path):
    with runtime.transaction() as s:
        register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="สำรองข้อมูล"), actor=Actor(None, "test"),
                          clock=runtime.clock)
    if not database_url.startswith("sqlite") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here (Debian package postgresql-client)")
    target = tmp_path / "snap.bin"
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-m", "saraban.cli", "backup", str(target)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 0
    if database_url.startswith("sqlite"):
        check = subprocess.run([sys.executable, "-m", "saraban.cli", "verify"],
                               env={**os.environ, "SARABAN_DATABASE_URL": f"sqlite:///{target}"}, capture_output=True, text=True)
        assert check.returncode == 0 and "1 เหตุการณ์" in check.stdout, check.stdout + check.stderr

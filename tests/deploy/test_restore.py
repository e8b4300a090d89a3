"""`saraban restore` puts a `saraban backup` back: what was written after the backup is gone, the
chain verifies, and a broken or missing file is refused with a Thai message, the database untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from registry.commands import RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Registration


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SARABAN_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "saraban.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def register(runtime, demo, subject: str) -> None:
    with runtime.transaction() as s:
        register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject=subject),
                          actor=Actor(None, "test"), clock=runtime.clock)


def count(runtime) -> int:
    with runtime.read() as s:
        return s.execute(select(func.count(Registration.id))).scalar_one()


def test_restore_puts_the_backup_back(runtime, demo, database_url, tmp_path):
    if not database_url.startswith("sqlite") and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed here (Debian package postgresql-client)")
    register(runtime, demo, "ก่อนสำรอง")
    snapshot = tmp_path / "snap.dump"
    done = cli(database_url, "backup", str(snapshot))
    assert done.returncode == 0, done.stderr
    register(runtime, demo, "หลังสำรอง")
    assert count(runtime) == 2
    runtime.engine.dispose()

    refused = cli(database_url, "restore", str(snapshot))
    assert refused.returncode == 2 and "--yes" in refused.stderr  # asks before overwriting
    done = cli(database_url, "restore", str(snapshot), "--yes")
    assert done.returncode == 0, done.stderr
    assert "กู้คืนฐานข้อมูล" in done.stdout
    assert count(runtime) == 1
    check = cli(database_url, "verify")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_broken_backup_is_refused_and_nothing_changes(runtime, demo, database_url, tmp_path):
    register(runtime, demo, "ต้องไม่หาย")
    runtime.engine.dispose()
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"this is not a backup" * 100)
    done = cli(database_url, "restore", str(junk), "--yes")
    assert done.returncode == 1
    assert "ไม่ใช่ไฟล์สำรอง" in done.stderr or "pg_restore ไม่สำเร็จ" in done.stderr, done.stderr
    missing = cli(database_url, "restore", str(tmp_path / "nothing.dump"), "--yes")
    assert missing.returncode == 1 and "ไม่พบไฟล์สำรอง" in missing.stderr
    assert count(runtime) == 1

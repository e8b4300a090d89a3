"""Consistent snapshots of the register (``saraban backup``).

SQLite: the online backup API copies a consistent image while the service keeps writing.
PostgreSQL: ``pg_dump`` (one repeatable-read snapshot) in its custom format, for pg_restore.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine


def backup(engine: Engine, target: Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = engine.url.database
        if not source or source == ":memory:":
            raise ValueError("an in-memory database has nothing to back up")
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return target
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise RuntimeError("pg_dump is not installed (Debian package postgresql-client)")
    url = engine.url.set(drivername="postgresql")
    subprocess.run([pg_dump, "--format=custom", "--file", str(target), url.render_as_string(hide_password=False)],
                   check=True, capture_output=True)
    return target

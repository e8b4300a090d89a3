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


class RestoreFailed(Exception):
    """The backup could not be put back; the message is Thai, for the officer."""


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with *source* (a file ``backup`` wrote), all or nothing.

    Every ``saraban serve`` and ``saraban worker`` must be stopped first (docs/deploy.md): a
    server writing during the restore would mix two histories."""
    source = Path(source)
    if not source.is_file():
        raise RestoreFailed(f"ไม่พบไฟล์สำรอง {source}")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        target = engine.url.database
        if not target or target == ":memory:":
            raise RestoreFailed("ฐานข้อมูลในหน่วยความจำกู้คืนไม่ได้")
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
                if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise RestoreFailed(f"ไฟล์สำรอง {source} เสียหาย (integrity_check)")
                with sqlite3.connect(target) as dst:
                    src.backup(dst)  # page by page inside one write transaction of the target
        except sqlite3.DatabaseError as exc:
            raise RestoreFailed(f"ไฟล์ {source} ไม่ใช่ไฟล์สำรอง SQLite ที่อ่านได้: {exc}") from None
        return
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise RestoreFailed("ไม่พบ pg_restore (ติดตั้งแพ็กเกจ postgresql-client)")
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    # --clean --if-exists drops what the dump will create; --single-transaction makes it all or nothing
    done = subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           "--exit-on-error", "--dbname", url, str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RestoreFailed(f"pg_restore ไม่สำเร็จ (ฐานข้อมูลเดิมไม่ถูกแตะ): {done.stderr.strip()[:500]}")

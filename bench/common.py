"""What the benches share: percentiles, a fresh demo database, a PostgreSQL bench database."""

from __future__ import annotations

import tempfile

from sqlalchemy import select

from registry.db import recreate_database
from registry.demo import load_demo, load_holidays
from registry.models import Unit
from registry.runtime import Runtime
from registry.schema import upgrade


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def demo_runtime(url: str) -> Runtime:
    """A migrated database with the demo organisation and holidays."""
    rt = Runtime.from_url(url)
    upgrade(rt.engine)
    with rt.transaction() as s:
        load_holidays(s)
        load_demo(s)
    return rt


def unit_id(rt: Runtime, code: str) -> int:
    with rt.read() as s:
        return s.execute(select(Unit.id).where(Unit.code == code)).scalar_one()


def pg_database(base_url: str, name: str) -> str | None:
    """A fresh PostgreSQL database for a bench, or None (with the reason printed) if there is none."""
    try:
        return recreate_database(base_url, name)
    except Exception as exc:  # the bench reports a missing engine instead of failing the other half
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {exc}")
        return None


def fresh_databases(name: str, postgres_url: str | None) -> list[tuple[str, str]]:
    """(engine, URL) of a fresh SQLite file and, when a PostgreSQL URL is given and answers, a
    fresh PostgreSQL database called *name*: where a bench runs on both engines."""
    tmp = tempfile.mkdtemp(prefix=f"{name.replace('_', '-')}-")
    targets = [("sqlite", f"sqlite:///{tmp}/bench.db")]
    if postgres_url:
        pg = pg_database(postgres_url, name)
        if pg:
            targets.append(("postgresql", pg))
    return targets

"""Test databases: a SQLite file by default, PostgreSQL when SARABAN_TEST_DATABASE_URL is set.

Under pytest-xdist each worker gets its own PostgreSQL database (``<name>_<worker>``) so
workers never see each other's rows.
"""

from __future__ import annotations

import os

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from registry import memo
from registry.db import normalise_url, recreate_database
from registry.models import Base
import registry.chain_trigger  # noqa: F401  (creates the chain-head trigger with the events table)
import registry.search_index  # noqa: F401  (creates the full-text index with the tables)


def test_database_url(tmp_dir: str, worker: str) -> str:
    base = os.environ.get("SARABAN_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir}/saraban-test-{worker}.db"
    url = make_url(normalise_url(base))
    return recreate_database(base, f"{url.database}_{worker}".replace("-", "_"))


def create_schema(engine: Engine) -> None:
    memo.forget()
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def wipe(engine: Engine) -> None:
    """Remove every row between tests (faster than recreating the schema)."""
    memo.forget()  # the same URL now holds another database: caches derived from it are void
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text("DELETE FROM sqlite_sequence")) if _has_sequence(conn) else None


def _has_sequence(conn) -> bool:
    return conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() is not None

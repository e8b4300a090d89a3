"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


# The one PostgreSQL driver we ship is psycopg2 (see pyproject.toml for why). A URL naming no driver,
# or psycopg 3 (which earlier versions shipped, so existing settings name it), is served by it.
_OUR_POSTGRES = {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"}


def normalise_url(url: str) -> str:
    """PostgreSQL URLs go through the driver we ship, psycopg2."""
    u = make_url(url)
    if u.drivername in _OUR_POSTGRES:
        u = u.set(drivername="postgresql+psycopg2")
    return u.render_as_string(hide_password=False)


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    # hide_parameters: a failing statement's error (logged at ERROR by the handlers) would otherwise
    # carry its bound values, the subject, sender and ref_no of a ลับมาก letter among them.
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60}, hide_parameters=True)
        _configure_sqlite(engine)
        return engine
    # pool_pre_ping: after a PostgreSQL restart every pooled connection is dead, and without a ping
    # each one answered its next request with a 500 (34 of them in the probe). The ping is one
    # round trip per checkout; docs/guarantees.md gives its measured cost on the hot path (a web
    # chat message, a report read), which is small next to the request. A retry on
    # ``connection_invalidated`` instead would have to re-run a whole unit of work from the route,
    # which the one-writer design (a transaction per service call) does not allow safely.
    return create_engine(url, pool_size=pool_size, max_overflow=40, pool_recycle=1800, pool_pre_ping=True,
                         hide_parameters=True)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite opens transactions lazily and as DEFERRED, so two writers can both read a book's
    # counter and then collide. We take the write lock at BEGIN (BEGIN IMMEDIATE) instead, which
    # serialises writers the way SELECT … FOR UPDATE does on PostgreSQL.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    # Read-only work asks for ``sqlite_begin="DEFERRED"`` so readers never queue behind writers (WAL).
    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN " + conn.get_execution_options().get("sqlite_begin", "IMMEDIATE"))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with factory() as session, session.begin():
        yield session


def recreate_database(base_url: str, name: str) -> str:
    """Drop and create PostgreSQL database *name* on *base_url*'s server; return its URL.

    For test runs and benches only: it ends every connection to that database first.
    """
    from sqlalchemy import text

    url = make_url(normalise_url(base_url))
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)

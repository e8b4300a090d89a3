"""Creating and upgrading the database through Alembic (``saraban init``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent: a current database is left alone)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


def behind(engine: Engine) -> tuple[str, str] | None:
    """(the database's revision, this code's newest) when ``saraban init`` has not yet upgraded the
    database to what this code needs; None when it has, or when Alembic does not manage it (a
    schema made by ``create_all``, as the tests make theirs).

    Code run against an older schema fails in ways that say nothing of the cause (an event
    appended without the chain-head trigger of 0002 collides with the last one), so the commands
    that write check first."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        current = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False))).get_current_head()
    return None if current == head else (current or "-", head or "-")


def upgrade_needed(engine: Engine) -> str | None:
    """What to tell whoever starts this code on a database it has outgrown (see :func:`behind`)."""
    lag = behind(engine)
    if lag is None:
        return None
    return (f"ฐานข้อมูลยังเป็นรุ่น {lag[0]} แต่โปรแกรมรุ่นนี้ต้องใช้รุ่น {lag[1]}: กรุณารัน “saraban init” "
            f"เพื่อปรับฐานข้อมูลก่อน (the database is at {lag[0]}, this version needs {lag[1]}: run `saraban init`)")

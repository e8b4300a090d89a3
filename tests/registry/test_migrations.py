"""Alembic builds exactly the schema the models describe, and `saraban init` is idempotent."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from registry.db import make_engine
from registry.models import Base
from registry.schema import upgrade
from registry.search_index import include_name


def _fresh_url(database_url: str, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/migrated.db"
    from tests.db import test_database_url

    return test_database_url(str(tmp_path), "migrations_" + os.environ.get("PYTEST_XDIST_WORKER", "main"))


def test_migrations_match_models(database_url, tmp_path):
    engine = make_engine(_fresh_url(database_url, tmp_path))
    upgrade(engine)
    upgrade(engine)  # a second run changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False, "include_name": include_name}), Base.metadata)
        assert diff == []
        # the full-text index came with the migration
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("SELECT name FROM sqlite_master WHERE name='letters_fts'")).first()
        else:
            assert conn.execute(text("SELECT 1 FROM pg_indexes WHERE indexname='ix_letters_search'")).first()
        # and so did the trigger that moves the chain head with every inserted event
        catalogue = ("SELECT 1 FROM sqlite_master WHERE type='trigger' AND name='events_move_head'"
                     if engine.dialect.name == "sqlite" else "SELECT 1 FROM pg_trigger WHERE tgname='events_move_head'")
        assert conn.execute(text(catalogue)).first()
    engine.dispose()


def test_init_demo_twice_then_people_json(database_url, tmp_path):
    url = _fresh_url(database_url, tmp_path)
    env = {**os.environ, "SARABAN_DATABASE_URL": url}
    cli = [sys.executable, "-m", "saraban.cli"]
    first = subprocess.run([*cli, "init", "--demo"], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([*cli, "init", "--demo"], env=env, capture_output=True, text=True)
    assert second.returncode == 0 and "โหลดข้อมูลตัวอย่าง" not in second.stdout
    people = json.loads(subprocess.run([*cli, "admin", "people", "--json"], env=env, capture_output=True, text=True, check=True).stdout)
    roles = {r["role"] for p in people for r in p["roles"]}
    assert {"clerk", "owner", "head", "admin", "auditor"} <= roles
    assert all({"id", "name", "unit", "roles"} <= p.keys() for p in people)
    verify = subprocess.run([*cli, "verify"], env=env, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr


def test_commands_that_write_refuse_a_database_saraban_init_has_not_upgraded(database_url, tmp_path):
    from alembic import command

    from registry.schema import alembic_config, behind

    url = _fresh_url(database_url, tmp_path)
    env = {**os.environ, "SARABAN_DATABASE_URL": url}
    cli = [sys.executable, "-m", "saraban.cli"]
    subprocess.run([*cli, "init", "--demo"], env=env, capture_output=True, text=True, check=True)
    engine = make_engine(url)
    with engine.begin() as conn:  # back to the first revision, as a database of the previous release
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001_initial")
    assert behind(engine)[0] == "0001_initial"

    chat = subprocess.run([*cli, "chat", "--as", "1"], env=env, input="สวัสดีค่ะ\n", capture_output=True, text=True)
    assert chat.returncode == 1 and "saraban init" in chat.stderr and "บอท>" not in chat.stdout
    serve = subprocess.run([*cli, "serve", "--port", "9"], env=env, capture_output=True, text=True, timeout=60)
    assert serve.returncode == 1 and "saraban init" in serve.stderr
    # so does any other server importing the app (uvicorn saraban.asgi:app, gunicorn)
    other = subprocess.run([sys.executable, "-c", "import saraban.asgi"], env=env, capture_output=True, text=True,
                           timeout=60)
    assert other.returncode == 1 and "saraban init" in other.stderr
    # reading, verifying and backing up the old database stay possible: that is what one does first
    assert subprocess.run([*cli, "verify"], env=env, capture_output=True, text=True).returncode == 0

    subprocess.run([*cli, "init"], env=env, capture_output=True, text=True, check=True)
    assert behind(engine) is None
    chat = subprocess.run([*cli, "chat", "--as", "1"], env=env, input="สวัสดีค่ะ\n", capture_output=True, text=True)
    assert chat.returncode == 0 and "สวัสดีค่ะ คุณสมใจ" in chat.stdout, chat.stderr
    engine.dispose()


def test_the_search_migration_reindexes_letters_written_before_it(database_url, tmp_path):
    """0014_search: a letter indexed by the earlier rules ("สถ." as ส, ถ; no word parts) is found
    as clerks type once the database is upgraded."""
    import datetime as dt

    from alembic import command

    from registry.models import Book, Letter, Registration, Unit
    from registry.schema import alembic_config
    from registry.search import LetterQuery, search_letters
    from sqlalchemy.orm import Session

    engine = make_engine(_fresh_url(database_url, tmp_path))
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0013_records")
    now = dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC)
    with Session(engine) as s, s.begin():  # (0014 changes no column: today's models fit 0013)
        unit = Unit(code="มท 0201", name="กองกลาง")
        book = Book(unit=unit, direction="incoming", year=2569, last_number=1, created_at=now)
        letter = Letter(unit=unit, direction="incoming", kind="external", ref_no="กค 0402/ว 1", ref_no_norm="กค0402/ว1",
                        sender="กรมบัญชีกลาง จาก สถ.", subject="ขอความร่วมมือ", priority="normal", retention="10y",
                        status="registered", sandbox=False, created_at=now, updated_at=now,
                        search_text="กรมบัญชีกลาง จาก ส ถ ขอความร่วมมือ กค 0402 ว 1")  # the earlier rules
        s.add_all([unit, book, letter])
        s.flush()
        s.add(Registration(book_id=book.id, number=1, letter_id=letter.id, received_at=now, created_at=now))
    with Session(engine) as s:
        assert search_letters(s, LetterQuery(q="บัญชีกลาง"))[0] == 0  # not yet
    upgrade(engine)
    with Session(engine) as s:
        assert [search_letters(s, LetterQuery(q=q))[0] for q in ("บัญชีกลาง", "สถ", "ขอความร่วมมือ")] == [1, 1, 1]
    engine.dispose()

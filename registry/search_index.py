"""Full-text index over the pre-tokenised ``letters.search_text`` (Thai words split by PyThaiNLP).

SQLite: an FTS5 external-content table kept by triggers; the ``ascii`` tokenizer splits only on
ASCII punctuation and spaces, so Thai words (with their combining vowels and tone marks,
which ``unicode61`` treats as separators) stay whole. PostgreSQL: a GIN index over
``to_tsvector('simple', search_text)``. Both are created by the migration and by create_all.
"""

from __future__ import annotations

from sqlalchemy import DDL

from registry import ddl
from registry.models import Letter

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS letters_fts USING fts5("
    "search_text, content='letters', content_rowid='id', tokenize='ascii')",
    "CREATE TRIGGER IF NOT EXISTS letters_fts_ai AFTER INSERT ON letters BEGIN "
    "INSERT INTO letters_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS letters_fts_ad AFTER DELETE ON letters BEGIN "
    "INSERT INTO letters_fts(letters_fts, rowid, search_text) VALUES('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS letters_fts_au AFTER UPDATE OF search_text ON letters BEGIN "
    "INSERT INTO letters_fts(letters_fts, rowid, search_text) VALUES('delete', old.id, old.search_text); "
    "INSERT INTO letters_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
POSTGRES_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_letters_search ON letters USING gin (to_tsvector('simple', search_text))",
)


def install(connection) -> None:
    """Create the index for the connection's engine (idempotent)."""
    ddl.run(connection, sqlite=SQLITE_DDL, postgresql=POSTGRES_DDL)


def drop(connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in ("letters_fts_ai", "letters_fts_ad", "letters_fts_au"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql("DROP TABLE IF EXISTS letters_fts")
    else:
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_letters_search")


ddl.with_table(Letter.__table__, install, drop)


__all__ = ["install", "drop", "include_name", "DDL"]


def include_name(name, type_, parent_names) -> bool:
    """Alembic autogenerate hook: the index is managed here, not by the models."""
    return not (name or "").startswith(("letters_fts", "ix_letters_search"))

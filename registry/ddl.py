"""Database objects the models cannot describe (triggers, full-text indexes), kept with their table.

The migrations create them by calling the owning module's ``install``; ``create_all`` (the tests)
creates them through :func:`with_table`, right after the table, and ``drop_all`` removes them first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Table, event


def run(connection, *, sqlite: Sequence[str], postgresql: Sequence[str]) -> None:
    """Run the statements written for the connection's engine."""
    for sql in sqlite if connection.dialect.name == "sqlite" else postgresql:
        connection.exec_driver_sql(sql)


def with_table(table: Table, install: Callable, drop: Callable) -> None:
    """Call *install(connection)* after *table* is created and *drop(connection)* before it is dropped."""
    event.listen(table, "after_create", lambda _target, connection, **_kw: install(connection))
    event.listen(table, "before_drop", lambda _target, connection, **_kw: drop(connection))

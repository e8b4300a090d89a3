"""The chain head follows the events table by a trigger: every inserted event moves it.

``append_event`` reads the head (locking it), computes the new link and inserts the event; the
database then sets the head to that event in the same statement. The head can therefore never
disagree with the newest event, and an append costs one statement less (a round trip on
PostgreSQL). Deleting events does not move the head back, which is how ``verify_chain`` notices
events removed from the end. Created by the migration and, for tests, with the table.
"""

from __future__ import annotations

from registry import ddl
from registry.models import Event

SQLITE_DDL = (
    "CREATE TRIGGER IF NOT EXISTS events_move_head AFTER INSERT ON events BEGIN "
    "UPDATE chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END",
)
POSTGRES_DDL = (
    "CREATE OR REPLACE FUNCTION events_move_head() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE chain_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS events_move_head ON events",
    "CREATE TRIGGER events_move_head AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_move_head()",
)


def install(connection) -> None:
    """Create the trigger for the connection's engine (idempotent)."""
    ddl.run(connection, sqlite=SQLITE_DDL, postgresql=POSTGRES_DDL)


def drop(connection) -> None:
    ddl.run(connection, sqlite=("DROP TRIGGER IF EXISTS events_move_head",),
            postgresql=("DROP TRIGGER IF EXISTS events_move_head ON events", "DROP FUNCTION IF EXISTS events_move_head()"))


ddl.with_table(Event.__table__, install, drop)

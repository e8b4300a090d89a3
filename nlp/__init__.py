"""Thai text understanding: pure functions, no database, no network, no I/O at import time."""

"""Process-wide caches of things derived from the database (the unit directory, owner indexes).

Each cache is checked against a cheap stamp read from the database when used, so a change made by
another worker process is seen. A database *replaced* under a running process (tests wiping
every row, an in-place restore) can repeat an old stamp with different contents; whoever
replaces one calls :func:`forget`.
"""

from __future__ import annotations

from typing import Any

_CACHES: dict[str, dict[Any, Any]] = {}


def cache(name: str) -> dict[Any, Any]:
    """The process-wide cache called *name* (created empty on first use)."""
    return _CACHES.setdefault(name, {})


def forget(*names: str) -> None:
    """Empty the named caches (a change this process made to what they hold), or every cache
    when no name is given (the database behind them was replaced)."""
    for name, entries in _CACHES.items():
        if not names or name in names:
            entries.clear()


UNIT_DIRECTORY = "unit_directory"  # the units' names, codes and aliases, for matching senders

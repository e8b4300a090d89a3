"""Due times from priority on a working-day calendar (Mon–Fri minus Thai public holidays as data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from registry.timeutil import BANGKOK

# Defaults from the product spec; a deployment may override them.
DUE_HOURS = {"most_urgent": 1, "very_urgent": 4}
DUE_WORKING_DAYS = {"urgent": 1, "normal": 3}


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.datetime, days: int, holidays: Iterable[dt.date]) -> dt.datetime:
    """The same local time *days* working days later (a weekend start counts from Monday)."""
    hol = set(holidays)
    local = start.astimezone(BANGKOK)
    day = local.date()
    moved = 0
    while moved < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, hol):
            moved += 1
    return dt.datetime.combine(day, local.timetz()).astimezone(dt.UTC)


def due_at(priority: str, sent_at: dt.datetime, holidays: Iterable[dt.date]) -> dt.datetime:
    if priority in DUE_HOURS:
        return sent_at + dt.timedelta(hours=DUE_HOURS[priority])
    return add_working_days(sent_at, DUE_WORKING_DAYS.get(priority, 3), holidays)

"""Meeting test helpers: times in a zone by zoneinfo alone, calendars busy except given stretches, and
plans checked by validate."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from matcher.domain.availability import Interval, subtract
from matcher.domain.model import Person
from matcher.engines.meetings import validate

AMSTERDAM, NEW_YORK, KOLKATA = "Europe/Amsterdam", "America/New_York", "Asia/Kolkata"
HOUR = dt.timedelta(hours=1)
MONDAY = dt.date(2026, 5, 4)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def local(zone: str, *parts: int) -> dt.datetime:
    """A wall-clock time somewhere, in UTC, by zoneinfo alone."""
    return dt.datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def busy_except(*free: tuple[dt.datetime, dt.datetime], first: dt.date, days: int = 60) -> list[Interval]:
    """Busy all the time from ``first`` for ``days`` days, except the given stretches."""
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), dt.UTC)
    whole = Interval(start, start + dt.timedelta(days=days + 2))
    return subtract([whole], [Interval(*stretch) for stretch in free])


def people_of(*people: Person) -> dict[str, Person]:
    return {p.id: p for p in people}


def assert_valid(units, people, agenda, config, plan) -> None:
    assert validate(units, people, agenda, config, plan.meetings) == []

"""Shared working time of two people who may live in different time zones.

Working hours are kept in each person's own wall-clock time. To compare them
we place both on one reference week in UTC. The reference week is fixed, in
mid-January, far from any daylight-saving change, so the answer does not
shift with the date the map is built: it is "a usual week", not a forecast.

>>> from matcher.domain.model import office_hours
>>> amsterdam = utc_week(office_hours(), "Europe/Amsterdam")
>>> new_york = utc_week(office_hours(), "America/New_York")
>>> overlap_minutes(amsterdam, new_york) // 60
10
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from matcher.domain.intervals import Span, intersect, merge
from matcher.domain.model import WEEKDAYS, WorkingHours

WEEK_MINUTES = 7 * 24 * 60
REFERENCE_MONDAY = dt.date(2024, 1, 15)


@cache
def utc_week(hours: WorkingHours, timezone: str) -> tuple[Span, ...]:
    """Working hours as sorted, disjoint minute intervals of the reference week in UTC.

    Minute 0 is Monday 00:00 UTC. The week is treated as a circle, because it
    repeats: Monday morning in Auckland is Sunday evening in UTC, and lands at
    the end of the same week rather than before its start.
    """
    zone = ZoneInfo(timezone)
    week_start = dt.datetime.combine(REFERENCE_MONDAY, dt.time(), tzinfo=dt.UTC)
    pieces: list[Span] = []
    for offset, day in enumerate(WEEKDAYS):
        midnight = dt.datetime.combine(REFERENCE_MONDAY + dt.timedelta(days=offset), dt.time(), tzinfo=zone)
        for part in hours.on(day):
            start = midnight + dt.timedelta(minutes=part.start)
            first = int((start - week_start).total_seconds() // 60)
            pieces.extend(_wrap(first, part.minutes))
    return tuple(merge(pieces))


def overlap_minutes(a: tuple[Span, ...], b: tuple[Span, ...]) -> int:
    """Minutes that two sorted, disjoint interval lists have in common."""
    return sum(end - start for start, end in intersect(a, b))


def _wrap(first: int, length: int) -> list[Span]:
    start = first % WEEK_MINUTES
    end = start + length
    if end <= WEEK_MINUTES:
        return [(start, end)]
    return [(start, WEEK_MINUTES), (0, end - WEEK_MINUTES)]

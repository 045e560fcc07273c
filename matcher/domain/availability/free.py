"""Free time: working hours without holidays and busy time, what a group has in common, and slots in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from matcher.domain.availability.hours import working_intervals
from matcher.domain.intervals import Interval, Window, clip, intersect, merge, subtract, utc_window
from matcher.domain.model import Person

_GRID_ORIGIN = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def free_time(
    person: Person, window: Window, *, busy: Iterable[Interval] = (), holidays: Iterable[dt.date] = ()
) -> list[Interval]:
    """A person's working hours in the window, without their holidays and busy time."""
    return subtract(working_intervals(person.working_hours, person.timezone, window, holidays), list(busy))


def common_free(*free_lists: list[Interval]) -> list[Interval]:
    """The time that is free in every list: their intersection, sorted and disjoint."""
    if not free_lists:
        raise ValueError("common_free needs at least one list of free time")
    common = merge(free_lists[0])
    for other in free_lists[1:]:
        common = intersect(common, merge(other))
    return common


def slots(
    free: list[Interval],
    length: dt.timedelta,
    *,
    grid: dt.timedelta = dt.timedelta(minutes=15),
    window: Window | None = None,
) -> Iterator[dt.datetime]:
    """Start times for a meeting of ``length`` that fits wholly inside one free interval.

    Starts lie on a grid counted from midnight UTC (quarter hours by default),
    in time order. Slots may overlap each other: each is one possible start.

    >>> at = lambda hour, minute=0: dt.datetime(2026, 5, 4, hour, minute, tzinfo=dt.UTC)
    >>> [f"{start:%H:%M}" for start in slots([Interval(at(9, 10), at(10, 30))], dt.timedelta(hours=1))]
    ['09:15', '09:30']
    """
    if length <= dt.timedelta(0) or grid <= dt.timedelta(0):
        raise ValueError(f"slot length and grid must be positive, got {length} and {grid}")
    pieces = merge(free) if window is None else clip(merge(free), *utc_window(window))
    return _slot_starts(pieces, length, grid)


def _slot_starts(pieces: list[Interval], length: dt.timedelta, grid: dt.timedelta) -> Iterator[dt.datetime]:
    for piece in pieces:
        start = piece.start + (-(piece.start - _GRID_ORIGIN) % grid)
        while start + length <= piece.end:
            yield start
            start += grid

"""Half-open stretches of time and the arithmetic on lists of them, for all of meeloop.

A stretch is a pair ``(start, end)`` that stands for ``[start, end)``: an
:class:`Interval` of aware datetimes in UTC on real dates (working hours,
calendars, meetings), or a plain pair of whole minutes where an engine or the
reference week of :mod:`matcher.domain.overlap` counts in minutes. An Interval
is such a pair too, so every function here takes either kind and gives back the
kind it was given.

A list is *merged* when it is sorted and no stretch in it overlaps or touches
the next: what :func:`merge` makes, and what the other functions expect.

>>> merge([(9, 12), (1, 3), (3, 5)])
[(1, 5), (9, 12)]
>>> subtract([(0, 10)], [(2, 4), (3, 6)])
[(0, 2), (6, 10)]
>>> intersect([(0, 4), (6, 10)], [(3, 8)])
[(3, 4), (6, 8)]
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

#: A half-open range of aware datetimes to look at: a week, a round, a search window.
Window = tuple[dt.datetime, dt.datetime]
#: A half-open stretch of whole minutes.
Span = tuple[int, int]
#: A moment: an aware datetime, or a whole minute.
Moment = dt.datetime | int

_start = itemgetter(0)


class _Bounds(NamedTuple):
    start: dt.datetime
    end: dt.datetime


class Interval(_Bounds):
    """A half-open stretch of time ``[start, end)``, stored in UTC."""

    __slots__ = ()

    def __new__(cls, start: dt.datetime, end: dt.datetime) -> Interval:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError(f"an interval needs timezone-aware times, got {start} and {end}")
        if end <= start:
            raise ValueError(f"an interval must end after it starts, got {start} to {end}")
        return super().__new__(cls, start.astimezone(dt.UTC), end.astimezone(dt.UTC))

    def __str__(self) -> str:
        if self.start.date() == self.end.date():
            return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"
        return f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M} UTC"


Stretch = TypeVar("Stretch", bound=tuple)


def merge(pieces: Iterable[Stretch]) -> list[Stretch]:
    """Sort stretches and join the ones that overlap or touch."""
    merged: list = []
    for piece in sorted(pieces):
        if merged and piece[0] <= merged[-1][1]:
            if piece[1] > merged[-1][1]:
                merged[-1] = _like(piece, merged[-1][0], piece[1])
        else:
            merged.append(piece)
    return merged


def subtract(free: Iterable[Stretch], busy: Iterable[Stretch]) -> list[Stretch]:
    """The parts of ``free`` that no busy stretch touches: merged, inside ``free``.

    >>> at = lambda hour: dt.datetime(2026, 5, 4, hour, tzinfo=dt.UTC)
    >>> [str(i) for i in subtract([Interval(at(8), at(16))], [Interval(at(10), at(11))])]
    ['2026-05-04 08:00–10:00 UTC', '2026-05-04 11:00–16:00 UTC']
    """
    blocked = merge(busy)
    result: list = []
    first = 0
    for piece in merge(free):
        while first < len(blocked) and blocked[first][1] <= piece[0]:
            first += 1
        cursor = piece[0]
        for block in blocked[first:]:
            if block[0] >= piece[1]:
                break
            if block[0] > cursor:
                result.append(_like(piece, cursor, block[0]))
            cursor = max(cursor, block[1])
        if cursor < piece[1]:
            result.append(_like(piece, cursor, piece[1]))
    return result


def intersect(a: Sequence[Stretch], b: Sequence[Stretch]) -> list[Stretch]:
    """The time two merged lists have in common, merged."""
    result: list = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append(_like(a[i], start, end))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return result


def clip(pieces: Sequence[Stretch], start: Moment, end: Moment) -> list[Stretch]:
    """The parts of a merged list inside ``[start, end)``, found by bisection."""
    first = bisect_right(pieces, (start, start))
    if first and pieces[first - 1][1] > start:
        first -= 1
    result: list = []
    for piece in pieces[first:]:
        if piece[0] >= end:
            break
        a, b = max(piece[0], start), min(piece[1], end)
        if a < b:
            result.append(_like(piece, a, b))
    return result


def overlaps(pieces: Sequence[Stretch], start: Moment, end: Moment) -> bool:
    """Whether any stretch of a merged list shares time with ``[start, end)``."""
    i = bisect_right(pieces, (start, start))
    return (i > 0 and pieces[i - 1][1] > start) or (i < len(pieces) and pieces[i][0] < end)


def covered(pieces: Sequence[Stretch], start: Moment, end: Moment) -> bool:
    """Whether ``[start, end)`` lies wholly inside one stretch of a merged list."""
    i = bisect_right(pieces, start, key=_start) - 1
    return i >= 0 and pieces[i][0] <= start and end <= pieces[i][1]


def utc_window(window: Window) -> Window:
    """A window in UTC; refused when its times are naive or it ends before it starts."""
    start, end = window
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError(f"a window needs timezone-aware times, got {start} and {end}")
    if end < start:
        raise ValueError(f"a window must not end before it starts, got {start} to {end}")
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _like(piece: tuple, start: Any, end: Any) -> Any:
    """A stretch of the same kind as ``piece``: an Interval from an Interval, else a plain pair."""
    return Interval(start, end) if isinstance(piece, Interval) else (start, end)

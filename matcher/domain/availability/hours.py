"""Working hours on real dates: each person's wall-clock hours placed in their own time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from matcher.domain.intervals import Interval, Window, clip, merge, utc_window
from matcher.domain.model import WEEKDAYS, WorkingHours


def local_interval(start: dt.date, end: dt.date, zone: ZoneInfo) -> Interval | None:
    """An interval from iCalendar-style bounds: a date is local midnight, a naive time is local."""
    start_utc, end_utc = to_utc(start, zone), to_utc(end, zone)
    return Interval(start_utc, end_utc) if start_utc < end_utc else None


def to_utc(moment: dt.date, zone: ZoneInfo) -> dt.datetime:
    """A date or time in UTC: a date is local midnight, a naive time is local."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def working_intervals(
    person_hours: WorkingHours, timezone: str, window: Window, holidays: Iterable[dt.date] = ()
) -> list[Interval]:
    """Working hours placed on the real dates of a window.

    Parameters
    ----------
    person_hours
        Wall-clock hours per weekday, in ``timezone``.
    timezone
        An IANA time zone name such as ``"Europe/Amsterdam"``.
    window
        A half-open range of aware datetimes; the result is cut to it.
    holidays
        Local dates on which nobody works.

    Returns
    -------
    list of Interval
        Sorted and disjoint, in UTC. On a daylight-saving day a range keeps its
        wall-clock times, so 01:00–04:00 lasts two or four hours in Europe.
    """
    start, end = utc_window(window)
    zone = ZoneInfo(timezone)
    days_off = set(holidays)
    pieces = []
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        if day not in days_off:
            for part in person_hours.on(WEEKDAYS[day.weekday()]):
                midnight = dt.datetime.combine(day, dt.time())
                begin, finish = (midnight + dt.timedelta(minutes=m) for m in (part.start, part.end))
                span = local_interval(begin, finish, zone)
                if span is not None:
                    pieces.append(span)
        day += dt.timedelta(days=1)
    return clip(merge(pieces), start, end)

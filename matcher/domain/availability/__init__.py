"""Free and busy time: working hours minus calendars, holidays and what meeloop already planned.

Plain data in and out. Every time is a timezone-aware datetime in UTC and every
stretch of time a half-open :class:`Interval`. Working hours stay in the
person's own wall-clock time until they are placed on real dates, so each
daylight-saving change lands on the day it happens in that person's time zone.

Busy time comes from an uploaded calendar (:func:`read_busy`: events, their
repetitions, and VFREEBUSY blocks), from the organisation's holidays and from
what meeloop itself already scheduled. :func:`free_time` takes them away from
the working hours; :func:`common_free` and :func:`slots` find a moment for a
group.

>>> import datetime as dt
>>> from matcher.domain.model import office_hours
>>> week = (dt.datetime(2026, 3, 27, tzinfo=dt.UTC), dt.datetime(2026, 3, 31, tzinfo=dt.UTC))
>>> for stretch in working_intervals(office_hours(), "Europe/Amsterdam", week):
...     print(stretch)
2026-03-27 08:00–16:00 UTC
2026-03-30 07:00–15:00 UTC
"""

from matcher.domain.availability.agenda import Agenda
from matcher.domain.availability.calendar_file import MAX_FILE_BYTES, read_busy
from matcher.domain.availability.free import common_free, free_time, slots
from matcher.domain.availability.hours import working_intervals
from matcher.domain.intervals import Interval, Window, merge, subtract

__all__ = [
    "MAX_FILE_BYTES",
    "Agenda",
    "Interval",
    "Window",
    "common_free",
    "free_time",
    "merge",
    "read_busy",
    "slots",
    "subtract",
    "working_intervals",
]

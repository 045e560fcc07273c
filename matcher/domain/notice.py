"""The notice period: nothing is planned in the past, nor before people have had time to make room.

A plan of any kind (meetings, shadowing slots, lunch & learn sessions) places nothing before
:func:`earliest_start`: the start of the first working day after ``days`` working days, counted
from the day after today in the organisation's time zone. Working days are Monday to Friday
except the organisation's holidays. With ``days`` 0 there is no notice, only never in the past:
the earliest start is ``now`` itself.

>>> thursday_evening = dt.datetime(2026, 12, 3, 22, 30, tzinfo=dt.UTC)  # 23:30 in Amsterdam
>>> print(earliest_start(thursday_evening, 2, frozenset(), "Europe/Amsterdam"))
2026-12-07 23:00:00+00:00
>>> first_day_after_notice(thursday_evening, 2, frozenset(), "Europe/Amsterdam")
datetime.date(2026, 12, 8)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from matcher.domain.phrases import counted, phrase
from matcher.domain.problems import SETTINGS, InvalidInput, Location, Problem

#: Working days of notice when nothing else is set.
DEFAULT_NOTICE_DAYS = 2
#: The organisation's time zone when nothing else is set.
DEFAULT_TIMEZONE = "Europe/Amsterdam"
#: More notice than this is a typing error, not a wish.
MAX_NOTICE_DAYS = 60
#: The environment variables :meth:`Notice.from_env` reads.
ENV_DAYS, ENV_TIMEZONE = "MEELOOP_NOTICE_DAYS", "MEELOOP_TIMEZONE"


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    """Monday to Friday, and not one of the organisation's holidays."""
    return day.weekday() < 5 and day not in holidays


def first_day_after_notice(
    now: dt.datetime, notice_days: int, holidays: Collection[dt.date], timezone: str
) -> dt.date:
    """The first local date anything may be planned on: the first working day after ``notice_days``
    working days, counted from the day after ``now``'s local date; with no notice, today when it is
    a working day, else the next working day."""
    day = now.astimezone(ZoneInfo(timezone)).date()
    if notice_days <= 0:
        while not is_working_day(day, holidays):
            day += dt.timedelta(days=1)
        return day
    left = notice_days
    while left:
        day += dt.timedelta(days=1)
        left -= is_working_day(day, holidays)
    day += dt.timedelta(days=1)
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def earliest_start(
    now: dt.datetime, notice_days: int, holidays: Collection[dt.date], timezone: str
) -> dt.datetime:
    """The first moment (in UTC) anything may start: local midnight of :func:`first_day_after_notice`
    in the organisation's time zone, and never before ``now``.

    Each person's working hours still apply on top of it, in their own time zone.
    """
    day = first_day_after_notice(now, notice_days, holidays, timezone)
    midnight = dt.datetime.combine(day, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)
    return max(midnight, now.astimezone(dt.UTC))


@dataclass(frozen=True)
class Cutoff:
    """Where the notice period ends for one plan made at one moment."""

    #: The first moment (UTC) anything may start.
    moment: dt.datetime
    #: Its local date in the organisation's time zone: the first day anything may be planned on.
    day: dt.date
    #: The working days of notice it was counted with.
    days: int

    def reason(self) -> str:
        """Why time before :attr:`moment` does not count, as a clause of a left-out reason."""
        if self.days <= 0:
            return phrase("nothing is planned in the past")
        return counted(
            self.days,
            "nothing is planned before {day}, after the notice period of {n} working day",
            "nothing is planned before {day}, after the notice period of {n} working days",
            day=self.day,
        )


@dataclass(frozen=True)
class Notice:
    """The organisation's notice period: ``days`` working days (default 2) in ``timezone``."""

    days: int = DEFAULT_NOTICE_DAYS
    timezone: str = DEFAULT_TIMEZONE

    def problems(self) -> list[Problem]:
        """Every setting out of range, as problems to report at once."""
        found = []
        if not 0 <= self.days <= MAX_NOTICE_DAYS:
            message = phrase(
                "the notice period must be a whole number of working days from 0 to {most}",
                most=MAX_NOTICE_DAYS,
            )
            found.append(Problem(Location(SETTINGS, None, "notice_days"), message))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            message = phrase("'{timezone}' is not a known time zone", timezone=self.timezone)
            found.append(Problem(Location(SETTINGS, None, "timezone"), message))
        return found

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Notice:
        """``MEELOOP_NOTICE_DAYS`` (default 2) and ``MEELOOP_TIMEZONE`` (default Europe/Amsterdam).

        Raises :class:`InvalidInput` naming the variable when a value cannot be used.

        >>> Notice.from_env({"MEELOOP_NOTICE_DAYS": "3"})
        Notice(days=3, timezone='Europe/Amsterdam')
        """
        environ = os.environ if environ is None else environ
        text = environ.get(ENV_DAYS, "").strip()
        timezone = environ.get(ENV_TIMEZONE, "").strip() or DEFAULT_TIMEZONE
        if text and not text.isdigit():
            message = phrase(
                "'{value}' is not a number of working days; use a whole number from 0 to {most}",
                value=text,
                most=MAX_NOTICE_DAYS,
            )
            raise InvalidInput([Problem(Location(ENV_DAYS), message)])
        notice = cls(int(text) if text else DEFAULT_NOTICE_DAYS, timezone)
        problems = notice.problems()
        if problems:
            names = {"notice_days": ENV_DAYS, "timezone": ENV_TIMEZONE}
            raise InvalidInput([Problem(Location(names[p.where.field or ""]), p.message) for p in problems])
        return notice

    def first_day(self, now: dt.datetime, holidays: Collection[dt.date]) -> dt.date:
        """The first local date anything may be planned on (the default first day of a plan)."""
        return first_day_after_notice(now, self.days, holidays, self.timezone)

    def earliest(self, now: dt.datetime, holidays: Collection[dt.date]) -> dt.datetime:
        """The first moment anything may start."""
        return earliest_start(now, self.days, holidays, self.timezone)

    def cutoff(self, now: dt.datetime, holidays: Collection[dt.date]) -> Cutoff:
        """Where the notice period ends for a plan made at ``now``."""
        moment = self.earliest(now, holidays)
        return Cutoff(moment, moment.astimezone(ZoneInfo(self.timezone)).date(), self.days)

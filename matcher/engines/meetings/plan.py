"""A meeting plan: each unit's first meeting, its series, and who could not meet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Meeting:
    unit_id: str
    members: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime
    #: The organiser's time zone: the series keeps its wall-clock time here.
    timezone: str
    #: Every meeting of the series in UTC, the first included; just the first without a series.
    occurrences: tuple[tuple[dt.datetime, dt.datetime], ...]
    #: Occurrences at which some members are not free, and who.
    clashes: tuple[tuple[dt.datetime, tuple[str, ...]], ...]
    #: ``FREQ=WEEKLY;INTERVAL=n;UNTIL=...Z`` for a series with DTSTART in ``timezone``; None for one meeting.
    rrule: str | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "members": list(self.members),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "timezone": self.timezone,
            "local_start": self.start.astimezone(ZoneInfo(self.timezone)).isoformat(),
            "occurrences": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in self.occurrences],
            "clashes": [{"start": s.isoformat(), "members": list(who)} for s, who in self.clashes],
            "rrule": self.rrule,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class MeetingPlan:
    """Meetings for a round's units and how good the plan is.

    ``objective`` is the number of units with a meeting and ``bound`` the number that could have one
    at all (every member known and a start at which all are free); ``gap = (bound - objective) /
    bound``. ``status`` is "optimal" when they meet, else "feasible": units that could each meet
    alone crowded each other out.
    """

    #: In the order the units were given.
    meetings: tuple[Meeting, ...]
    #: (unit id, why it has no meeting), in the order the units were given.
    unplaced: tuple[tuple[str, str], ...]
    bound: int

    @property
    def objective(self) -> int:
        return len(self.meetings)

    @property
    def gap(self) -> float:
        return (self.bound - self.objective) / self.bound if self.bound else 0.0

    @property
    def status(self) -> str:
        return "optimal" if self.objective == self.bound else "feasible"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "meetings": [m.as_dict() for m in self.meetings],
            "unplaced": [{"unit_id": unit, "reason": reason} for unit, reason in self.unplaced],
        }


def occurrence_starts(
    first: dt.datetime, timezone: str, every_weeks: int | None, last_day: dt.date
) -> list[dt.datetime]:
    """The starts of a series in UTC: the first start's weekday and wall-clock time in ``timezone``,
    every ``every_weeks`` weeks up to and including ``last_day``; only ``first`` without a series.

    >>> first = dt.datetime(2026, 3, 23, 9, tzinfo=dt.UTC)  # 10:00 in Amsterdam, winter time
    >>> [f"{s:%m-%d %H:%M}" for s in occurrence_starts(first, "Europe/Amsterdam", 2, dt.date(2026, 4, 10))]
    ['03-23 09:00', '04-06 08:00']
    """
    first = first.astimezone(dt.UTC)
    if not every_weeks:
        return [first]
    zone = ZoneInfo(timezone)
    local = first.astimezone(zone)
    starts, day = [], local.date()
    while day <= last_day:
        starts.append(dt.datetime.combine(day, local.time(), zone).astimezone(dt.UTC))
        day += dt.timedelta(weeks=every_weeks)
    return starts

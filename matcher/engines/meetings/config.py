"""When a round's meetings may be: the round's dates, the length and grid, and an optional series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from matcher.domain.intervals import Window
from matcher.domain.model import TimeRange
from matcher.domain.phrases import phrase

#: A pair or group to meet: its id and its members, the organiser first.
Unit = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class MeetingConfig:
    """When a round's meetings may be; every default is documented beside it."""

    #: The round's first local date: the first meeting is searched from here.
    first_day: dt.date
    #: The round's last local date: no meeting after it, and a series runs until it.
    last_day: dt.date
    #: How long each meeting lasts.
    minutes: int = 60
    #: Starts lie on this grid of minutes, counted from midnight UTC.
    grid_minutes: int = 15
    #: None for only a first meeting, or repeat every this many weeks (2 or 4, say).
    every_weeks: int | None = None
    #: The first meeting falls in this many days from ``first_day``.
    search_days: int = 14
    #: Wall-clock hours each member prefers (their own time zone), or None for no such wish.
    preferred: TimeRange | None = None
    #: Keep clear of the first and last this many minutes of each member's working day when possible.
    avoid_edge_minutes: int = 60
    #: Kept for a uniform interface; the planner makes no random choices, ties go to the earlier time.
    seed: int = 0

    def __post_init__(self) -> None:
        """Settings out of range raise a ValueError whose message (``args[0]``) says which."""
        if self.last_day < self.first_day:
            raise ValueError(
                phrase(
                    "the round ends ({last}) before it starts ({first})",
                    last=self.last_day,
                    first=self.first_day,
                )
            )
        if self.minutes <= 0 or self.grid_minutes <= 0 or self.search_days <= 0:
            raise ValueError(phrase("the meeting length, the grid and the search days must be positive"))
        if self.every_weeks is not None and self.every_weeks < 1:
            raise ValueError(
                phrase("a series repeats every 1 or more weeks, not {weeks}", weeks=self.every_weeks)
            )
        if self.avoid_edge_minutes < 0:
            raise ValueError(phrase("the minutes kept clear at the edges of the day must not be negative"))

    @property
    def length(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)

    def search_window(self, timezone: str) -> Window:
        """Where a first meeting may start: ``search_days`` from ``first_day``, from local midnight."""
        end_day = min(
            self.first_day + dt.timedelta(days=self.search_days), self.last_day + dt.timedelta(days=1)
        )
        return _midnight(self.first_day, timezone), _midnight(end_day, timezone)


def _midnight(day: dt.date, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)

"""What a lunch & learn plan looks for: the horizon, the lunch window and the limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.domain.model import Level, TimeRange
from matcher.domain.phrases import phrase

DEFAULT_LUNCH = TimeRange(12 * 60, 13 * 60)


@dataclass(frozen=True)
class LunchConfig:
    """What a lunch & learn plan looks for; every default is documented beside it."""

    #: The horizon: the first and last local date a session may fall on, both included.
    first_day: dt.date
    last_day: dt.date
    #: At most this many sessions in one ISO week.
    per_week: int = 1
    #: The lunch window in each presenter's own wall-clock time.
    lunch: TimeRange = DEFAULT_LUNCH
    #: How long a session lasts; it must fit in the lunch window.
    minutes: int = 60
    #: Possible starts lie this many minutes apart, counted from the lunch window's start.
    grid_minutes: int = 15
    #: A presenter holds the skill at least at this level; a colleague who does is not its audience.
    min_level: int = Level.PROFICIENT
    #: How often one person may present over the horizon.
    max_sessions_per_presenter: int = 1
    #: At most this many sessions in the plan; None for as many as the horizon holds.
    max_topics: int | None = None
    #: A topic needs at least this many interested colleagues.
    min_demand: int = 2
    #: Plan for one site (presenters and audience who work there), or None for the whole organisation.
    site: str | None = None
    #: A presenter taking part in more than this many pairings or groups is overloaded.
    busy_load: int = 2
    #: The solver's random seed.
    seed: int = 0

    def __post_init__(self) -> None:
        """Settings out of range raise a ValueError whose message (``args[0]``) says which."""
        if self.last_day < self.first_day:
            raise ValueError(
                phrase(
                    "the horizon ends ({last}) before it starts ({first})",
                    last=self.last_day,
                    first=self.first_day,
                )
            )
        if self.minutes <= 0 or self.grid_minutes <= 0:
            raise ValueError(phrase("the session length and the grid must be positive"))
        if self.minutes > self.lunch.minutes:
            raise ValueError(
                phrase(
                    "a session of {minutes} minutes does not fit in the lunch window {window}",
                    minutes=self.minutes,
                    window=str(self.lunch),
                )
            )
        if self.per_week < 1 or self.max_sessions_per_presenter < 1 or self.min_demand < 1:
            raise ValueError(
                phrase(
                    "the sessions per week, the sessions per presenter and the interested colleagues "
                    "a topic needs must each be at least 1"
                )
            )
        if self.max_topics is not None and self.max_topics < 0:
            raise ValueError(phrase("the maximum number of topics must not be negative"))

    def days(self) -> list[dt.date]:
        span = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=n) for n in range(span)]

    def starts(self) -> range:
        """Session starts in the lunch window, as minutes after local midnight."""
        return range(self.lunch.start, self.lunch.end - self.minutes + 1, self.grid_minutes)

"""The domain: plain, frozen data about people, skills and what they know.

Nothing here touches a database, a file or the web. Storage and importers
convert to and from these classes at their own edge.

Experience is tenure in the organisation and years in the field. Age is not
part of the model, on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from matcher.domain.phrases import term


class Level(IntEnum):
    """One proficiency scale, used for every skill everywhere in meeloop."""

    NONE = 0
    AWARE = 1
    WORKING = 2
    PROFICIENT = 3
    EXPERT = 4

    @property
    def label(self) -> str:
        """The level's word, said in the reader's language inside a sentence."""
        return LEVEL_LABELS[self]

    @property
    def meaning(self) -> str:
        return LEVEL_MEANINGS[self]


LEVEL_LABELS: dict[Level, str] = {
    Level.NONE: term("none"),
    Level.AWARE: term("aware"),
    Level.WORKING: term("working"),
    Level.PROFICIENT: term("proficient"),
    Level.EXPERT: term("expert"),
}

LEVEL_MEANINGS: dict[Level, str] = {
    Level.NONE: "no knowledge of it",
    Level.AWARE: "knows what it is and when it matters, has not done it on their own",
    Level.WORKING: "does it in daily work, with an occasional question to someone else",
    Level.PROFICIENT: "does it independently, also in harder cases, and can explain it to others",
    Level.EXPERT: "the person others go to; handles the exceptional cases and teaches it",
}

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

MIN_PRIORITY, MAX_PRIORITY = 1, 3


@dataclass(frozen=True, order=True)
class TimeRange:
    """A stretch of one day in local wall-clock time, as minutes after midnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class WorkingHours:
    """Working hours per weekday in the person's own time zone.

    ``days`` maps a weekday key from :data:`WEEKDAYS` to its time ranges,
    sorted and not overlapping. A weekday that is absent is a day off.
    """

    days: tuple[tuple[str, tuple[TimeRange, ...]], ...] = ()

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Sequence[TimeRange]]) -> WorkingHours:
        return cls(tuple((day, tuple(sorted(mapping[day]))) for day in WEEKDAYS if mapping.get(day)))

    def on(self, day: str) -> tuple[TimeRange, ...]:
        for key, ranges in self.days:
            if key == day:
                return ranges
        return ()

    def as_dict(self) -> dict[str, list[str]]:
        return {day: [str(r) for r in ranges] for day, ranges in self.days}

    @property
    def weekly_minutes(self) -> int:
        return sum(r.minutes for _, ranges in self.days for r in ranges)


def office_hours() -> WorkingHours:
    """Monday to Friday, 09:00 to 17:00: the default when a file gives no hours."""
    return WorkingHours.from_mapping({day: [TimeRange(9 * 60, 17 * 60)] for day in WEEKDAYS[:5]})


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str
    department: str = ""
    function: str = ""
    site: str = ""
    team: str = ""
    manager_id: str | None = None
    start_date: dt.date | None = None
    years_experience: float = 0.0
    languages: tuple[str, ...] = ("nl",)
    timezone: str = "Europe/Amsterdam"
    working_hours: WorkingHours = field(default_factory=office_hours)
    leaving_date: dt.date | None = None
    intern: bool = False
    newcomer: bool = False
    ask_me: bool = True
    mentor_capacity: int = 0
    host_capacity: int = 0
    #: Opted in to present at lunch & learn sessions.
    presenter: bool = False

    @property
    def is_mentor(self) -> bool:
        return self.mentor_capacity > 0

    @property
    def is_host(self) -> bool:
        return self.host_capacity > 0

    def tenure_years(self, today: dt.date) -> float:
        if self.start_date is None:
            return 0.0
        return max(0.0, (today - self.start_date).days / 365.25)

    def experience_years(self, today: dt.date) -> float:
        """Experience: years in the field, or tenure when that is longer. Never age."""
        return max(self.years_experience, self.tenure_years(today))


@dataclass(frozen=True, order=True)
class RelatedSkill:
    skill_id: str
    strength: float = 0.5


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    category: str = ""
    aliases: tuple[str, ...] = ()
    parent_id: str | None = None
    related: tuple[RelatedSkill, ...] = ()


@dataclass(frozen=True, order=True)
class Holding:
    person_id: str
    skill_id: str
    level: Level


@dataclass(frozen=True, order=True)
class Wish:
    person_id: str
    skill_id: str
    priority: int = 2


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier pairing or group: who was together, in which round and when.

    For pair kinds with a direction (mentor, reverse, buddy) the first member
    is the one who teaches or guides.
    """

    round: str
    kind: str
    members: tuple[str, ...]
    started: dt.date
    ended: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.started <= day and (self.ended is None or day <= self.ended)


@dataclass(frozen=True)
class Organisation:
    """Everything the talent map is built from, as plain data."""

    name: str = ""
    people: tuple[Person, ...] = ()
    skills: tuple[Skill, ...] = ()
    holdings: tuple[Holding, ...] = ()
    wishes: tuple[Wish, ...] = ()
    history: tuple[HistoryEntry, ...] = ()

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def skill(self, skill_id: str) -> Skill | None:
        return next((s for s in self.skills if s.id == skill_id), None)

"""An agenda: busy time per person and the organisation's holidays, what free time is computed from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matcher.domain.availability.free import free_time
from matcher.domain.intervals import Interval, Window, merge
from matcher.domain.model import Person


@dataclass(frozen=True)
class Agenda:
    """Busy time per person and the organisation's holidays: what free time is computed from.

    ``busy`` holds, per person id, everything that blocks them: their uploaded
    calendar and what meeloop already scheduled.
    """

    busy: dict[str, list[Interval]] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()

    def free(self, person: Person, window: Window) -> list[Interval]:
        return free_time(person, window, busy=self.busy.get(person.id, ()), holidays=self.holidays)

    def with_busy(self, person_id: str, *intervals: Interval) -> Agenda:
        """A new agenda in which the person is also busy at these times."""
        return self.adding({person_id: intervals})

    def adding(self, extra: Mapping[str, Iterable[Interval]]) -> Agenda:
        """A new agenda in which these people are also busy at these times."""
        busy = dict(self.busy)
        for person_id, intervals in extra.items():
            busy[person_id] = merge([*busy.get(person_id, ()), *intervals])
        return Agenda(busy, self.holidays)

"""An agenda: busy time per person and the organisation's holidays, what free time is computed from."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matcher.domain.availability.free import free_time
from matcher.domain.intervals import Interval, Window, clip, merge
from matcher.domain.model import Person
from matcher.domain.notice import Cutoff


@dataclass(frozen=True)
class Agenda:
    """Busy time per person and the organisation's holidays: what free time is computed from.

    ``busy`` holds, per person id, everything that blocks them: their uploaded
    calendar and what meeloop already scheduled.
    """

    busy: dict[str, list[Interval]] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()
    #: Nobody is free before this moment: now plus the notice period (see :mod:`matcher.domain.notice`).
    not_before: Cutoff | None = None

    def free(self, person: Person, window: Window) -> list[Interval]:
        free = free_time(person, window, busy=self.busy.get(person.id, ()), holidays=self.holidays)
        if self.not_before is None or self.not_before.moment <= window[0]:
            return free
        moment = self.not_before.moment
        return clip(free, moment, max(moment, window[1]))

    def after_notice(self, cutoff: Cutoff) -> Agenda:
        """A new agenda in which nobody is free before the cutoff (now plus the notice period)."""
        return dataclasses.replace(self, not_before=cutoff)

    def notice_cuts(self, start: dt.datetime) -> str | None:
        """When the notice period hides time from ``start`` on, a clause that says so, else None."""
        if self.not_before is None or self.not_before.moment <= start:
            return None
        return self.not_before.reason()

    def with_busy(self, person_id: str, *intervals: Interval) -> Agenda:
        """A new agenda in which the person is also busy at these times."""
        return self.adding({person_id: intervals})

    def adding(self, extra: Mapping[str, Iterable[Interval]]) -> Agenda:
        """A new agenda in which these people are also busy at these times."""
        busy = dict(self.busy)
        for person_id, intervals in extra.items():
            busy[person_id] = merge([*busy.get(person_id, ()), *intervals])
        return dataclasses.replace(self, busy=busy)

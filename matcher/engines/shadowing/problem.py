"""A shadowing round as a problem: the requests, who may host each, and when.

Inside the engine every moment is a whole number of minutes since 1970-01-01
00:00 UTC, and every stretch a half-open ``(start, end)`` pair of such minutes;
the grid counts from the same midnight, as in :func:`matcher.domain.availability.slots`.
Free time comes from :meth:`matcher.domain.availability.Agenda.free` (working hours
minus busy time and holidays, each person in their own time zone), read once
per person over the whole horizon.

The options of a request with one host are all its valid starts, kept as
ranges: ``(a, b)`` stands for the starts ``a, a + grid, ..., b - grid``. The
candidates the solver sees are all of them, or on large problems a spread-out
few (see :mod:`matcher.engines.shadowing.candidates`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda
from matcher.domain.intervals import Interval, Span, merge
from matcher.domain.model import Level, Person
from matcher.domain.phrases import phrase
from matcher.domain.talentmap import TalentMap
from matcher.domain.wording import month_words
from matcher.engines.shadowing.config import PERIOD_WORDS, SCALE, ShadowConfig, ShadowRequest

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MINUTE = dt.timedelta(minutes=1)


def minute_of(moment: dt.datetime, *, up: bool = False) -> int:
    """Minutes since the epoch, rounded down (or ``up``) to a whole minute."""
    return -((EPOCH - moment) // _MINUTE) if up else (moment - EPOCH) // _MINUTE


def moment_of(minute: int) -> dt.datetime:
    return EPOCH + minute * _MINUTE


def _spans(intervals: list[Interval], *, inward: bool) -> list[Span]:
    """Intervals as merged minute spans: shrunk to whole minutes (``inward``, for free time) or grown."""
    spans = ((minute_of(piece.start, up=inward), minute_of(piece.end, up=not inward)) for piece in intervals)
    return merge(span for span in spans if span[0] < span[1])


@dataclass(frozen=True)
class PersonTime:
    """One person's time over the horizon, in minutes: free time, busy time and local days."""

    timezone: str
    #: Working hours minus busy time and holidays, sorted and disjoint.
    free: list[Span]
    #: Busy time, sorted and merged: travel must not touch it.
    busy: list[Span]
    #: The minute each local day of the horizon begins, and the first of those days.
    midnights: list[int]
    first_day: dt.date

    def day(self, minute: int) -> dt.date:
        """The local date at a minute."""
        return self.first_day + dt.timedelta(days=bisect.bisect_right(self.midnights, minute) - 1)

    def midnight(self, day: dt.date) -> int:
        """The minute the local date begins (clamped to the horizon)."""
        index = min(max((day - self.first_day).days, 0), len(self.midnights) - 1)
        return self.midnights[index]


def person_time(person: Person, agenda: Agenda, first: dt.date, last: dt.date) -> PersonTime:
    """A person's free and busy time on the local dates ``first`` to ``last``, and a day either side."""
    zone = ZoneInfo(person.timezone)
    days = [first + dt.timedelta(days=n) for n in range(-1, (last - first).days + 3)]
    midnights = [minute_of(dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)) for day in days]
    window = (moment_of(midnights[0]), moment_of(midnights[-1]))
    busy = [piece for piece in agenda.busy.get(person.id, ()) if piece.end > window[0]]
    return PersonTime(
        timezone=person.timezone,
        free=_spans(agenda.free(person, window), inward=True),
        busy=_spans(sorted(busy), inward=False),
        midnights=midnights,
        first_day=days[0],
    )


@dataclass(frozen=True)
class Candidate:
    """One choice the solver may make: this host, at this start, for this request."""

    request_id: str
    host_id: str
    start: int
    points: int


@dataclass
class ShadowProblem:
    tmap: TalentMap
    agenda: Agenda
    config: ShadowConfig
    requests: dict[str, ShadowRequest]
    #: Request id to the colleagues who may host it, best level first.
    hosts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: (request id, host id) to every valid start, as grid ranges; pairs without any are absent.
    options: dict[tuple[str, str], tuple[Span, ...]] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    times: dict[str, PersonTime] = field(default_factory=dict)
    #: Whether the candidates are a spread-out part of the valid starts rather than all of them.
    pruned: bool = False
    #: Host id to the slots they hosted in recent plans (see ``weights.recent_load``).
    recent_hosting: dict[str, int] = field(default_factory=dict)
    #: Looked up often: each host's capacity periods, and each request and host's points.
    _periods: dict[str, tuple[list[int], list[tuple[int, int]]]] = field(default_factory=dict, repr=False)
    _points: dict[tuple[str, str], Callable[[int], int]] = field(default_factory=dict, repr=False)

    def person(self, person_id: str) -> Person:
        person = self.tmap.person(person_id)
        if person is None:
            raise KeyError(f"unknown person {person_id!r}")
        return person

    def name(self, person_id: str) -> str:
        person = self.tmap.person(person_id)
        return person.name if person else person_id

    def skill_name(self, skill_id: str | None) -> str:
        skill = self.tmap.skill(skill_id) if skill_id else None
        return skill.name if skill else str(skill_id)

    def level(self, request: ShadowRequest, host_id: str) -> Level:
        if request.skill_id is None:
            return Level.NONE
        return Level(self.tmap.levels_of(host_id).get(request.skill_id, Level.NONE))

    def capacity(self, host_id: str) -> int:
        person = self.tmap.person(host_id)
        return person.host_capacity if person else 0

    def travel(self, request: ShadowRequest, host_id: str) -> int:
        """Minutes the guest keeps free before and after: when both sites are known and differ."""
        guest, host = self.person(request.guest_id), self.person(host_id)
        different = bool(guest.site and host.site and guest.site != host.site)
        return self.config.travel_minutes if different else 0

    def window(self, request: ShadowRequest, person_id: str) -> Span:
        """The request's dates as minutes, in one person's own time zone."""
        time = self.times[person_id]
        return time.midnight(request.first_day), time.midnight(request.last_day + dt.timedelta(days=1))

    def pair_window(self, request: ShadowRequest, host_id: str) -> Span:
        (a, b), (c, d) = self.window(request, request.guest_id), self.window(request, host_id)
        return max(a, c), min(b, d)

    def period(self, host_id: str, start: int) -> tuple[int, int]:
        """The host's capacity period of a start: (ISO year, ISO week) or (year, month), host's time."""
        table = self.period_table(host_id)
        index = bisect.bisect_right(table[0], start) - 1
        return table[1][index] if index >= 0 else self._period_of(host_id, start)

    def period_table(self, host_id: str) -> tuple[list[int], list[tuple[int, int]]]:
        """The minutes the host's periods begin within the horizon, and the periods: asked for
        every start of every request, so looked up rather than worked out each time."""
        table = self._periods.get(host_id)
        if table is None:
            table = self._periods[host_id] = self._make_period_table(host_id)
        return table

    def _make_period_table(self, host_id: str) -> tuple[list[int], list[tuple[int, int]]]:
        time, starts, keys = self.times[host_id], [], list[tuple[int, int]]()
        for minute in time.midnights:
            key = self._period_of(host_id, minute)
            if not keys or key != keys[-1]:
                starts.append(minute)
                keys.append(key)
        return starts, keys

    def _period_of(self, host_id: str, start: int) -> tuple[int, int]:
        day = self.times[host_id].day(start)
        if self.config.capacity_period == "week":
            year, week, _ = day.isocalendar()
            return year, week
        return day.year, day.month

    def period_words(self, period: tuple[int, int]) -> str:
        year, number = period
        if self.config.capacity_period == "week":
            return phrase("week {number} of {year}", number=number, year=str(year))
        return month_words(year, number)

    def period_word(self) -> str:
        """The capacity period as a word in a sentence: "week" or "month"."""
        return PERIOD_WORDS.get(self.config.capacity_period, self.config.capacity_period)

    def starts(self, request_id: str, host_id: str) -> Iterator[int]:
        """Every valid start of the request with this host, in time order."""
        grid = self.config.grid_minutes
        for a, b in self.options.get((request_id, host_id), ()):
            yield from range(a, b, grid)

    def points(self, request: ShadowRequest, host_id: str, start: int) -> int:
        """What the choice adds to the plan's score, in SCALE units: level, wish, site, earliness,
        less the host's recent load."""
        return self.pair_points(request, host_id)(start)

    def pair_points(self, request: ShadowRequest, host_id: str) -> Callable[[int], int]:
        """:meth:`points` of this request and host as a function of the start: all but the
        earliness is worked out once per pair."""
        found = self._points.get((request.id, host_id))
        if found is None:
            found = self._points[request.id, host_id] = self._pair_points(request, host_id)
        return found

    def _pair_points(self, request: ShadowRequest, host_id: str) -> Callable[[int], int]:
        w, config = self.config.weights, self.config
        total = -w.recent_load * self.recent_hosting.get(host_id, 0)
        if request.skill_id is not None:
            total += w.level * max(0, self.level(request, host_id) - config.min_host_level)
            total += w.wish * self.tmap.wished_by(request.guest_id).get(request.skill_id, 0)
        if not self.travel(request, host_id):
            total += w.same_site
        first, last = self.pair_window(request, host_id)
        end, width, early = last - request.minutes, max(1, last - first - request.minutes), w.early
        return partial(_points_at, total, early, end, width)


def _points_at(total: float, early: float, end: int, width: int, start: int) -> int:
    return round(SCALE * (total + early * (end - start) / width))

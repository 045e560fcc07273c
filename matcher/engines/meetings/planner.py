"""Placing the meetings: the most constrained unit first, each at the best start its members share."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from matcher.domain.availability import Agenda, common_free, slots
from matcher.domain.intervals import Interval, Window, clip, covered, merge, overlaps
from matcher.domain.model import WEEKDAYS, Person
from matcher.domain.phrases import clauses, counted, phrase, term
from matcher.domain.wording import duration
from matcher.engines.meetings.config import MeetingConfig, Unit
from matcher.engines.meetings.plan import Meeting, MeetingPlan, occurrence_starts

_DAY_NAMES = (
    term("Monday"),
    term("Tuesday"),
    term("Wednesday"),
    term("Thursday"),
    term("Friday"),
    term("Saturday"),
    term("Sunday"),
)


def plan_meetings(
    units: Sequence[Unit], people: Mapping[str, Person], agenda: Agenda, config: MeetingConfig
) -> MeetingPlan:
    """A first meeting, and with ``every_weeks`` a series, for each unit; who could not meet, and why.

    Raises ValueError for a unit id given twice or a unit that names a member twice.
    """
    _check_units(units)
    planner = _Planner(people, agenda, config)
    unplaced: dict[str, str] = {}
    ready = []
    for index, (unit_id, members) in enumerate(units):
        unknown = [m for m in members if m not in people]
        if unknown:
            unplaced[unit_id] = counted(
                len(unknown), "unknown person {ids}", "unknown people {ids}", ids=", ".join(unknown)
            )
        else:
            ready.append((planner.count_starts(tuple(members)), index, unit_id, tuple(members)))
    placed: dict[str, Meeting] = {}
    for _, _, unit_id, members in sorted(ready):
        result = planner.place(unit_id, members)
        if isinstance(result, Meeting):
            placed[unit_id] = result
        else:
            unplaced[unit_id] = result
    return MeetingPlan(
        tuple(placed[unit_id] for unit_id, _ in units if unit_id in placed),
        tuple((unit_id, unplaced[unit_id]) for unit_id, _ in units if unit_id in unplaced),
        bound=sum(1 for starts, *_ in ready if starts),
    )


def _check_units(units: Sequence[Unit]) -> None:
    ids = Counter(unit_id for unit_id, _ in units)
    twice = sorted(unit_id for unit_id, n in ids.items() if n > 1)
    if twice:
        raise ValueError(f"unit ids must be unique; given more than once: {', '.join(twice)}")
    for unit_id, members in units:
        if not members or len(set(members)) != len(members):
            raise ValueError(f"unit {unit_id} must name one or more different people, got {list(members)}")


@dataclass(frozen=True)
class _Candidate:
    start: dt.datetime
    #: How many members would meet outside their preferred hours.
    uncomfortable: int
    occurrences: tuple[dt.datetime, ...]
    #: Per occurrence, the members who are not free then.
    busy: tuple[tuple[str, ...], ...]

    @property
    def clear(self) -> int:
        return sum(1 for who in self.busy if not who)

    @property
    def rank(self) -> tuple[int, int, dt.datetime]:
        """Lower is better: most clear occurrences, then fewest uncomfortable members, then earliest."""
        return -self.clear, self.uncomfortable, self.start


class _Planner:
    """Places units one by one; remembers what it planned so nobody is booked twice."""

    def __init__(self, people: Mapping[str, Person], agenda: Agenda, config: MeetingConfig) -> None:
        self.people = people
        self.config = config
        self.agenda = agenda
        self.booked = agenda
        self.planned: dict[str, list[Interval]] = defaultdict(list)
        self._base: dict[str, list[Interval]] = {}
        first = dt.datetime.combine(config.first_day - dt.timedelta(days=1), dt.time(), dt.UTC)
        last = dt.datetime.combine(config.last_day + dt.timedelta(days=2), dt.time(), dt.UTC)
        # Wide enough for every time zone's dates in the round.
        self.span: Window = (first, last)

    def base_free(self, person_id: str) -> list[Interval]:
        """Free time over the round in the agenda as given, before anything was planned."""
        if person_id not in self._base:
            self._base[person_id] = self.agenda.free(self.people[person_id], self.span)
        return self._base[person_id]

    def free_now(self, person_id: str) -> list[Interval]:
        return self.booked.free(self.people[person_id], self.span)

    def starts(self, members: tuple[str, ...], free: list[list[Interval]]) -> list[dt.datetime]:
        window = self.config.search_window(self.people[members[0]].timezone)
        grid = dt.timedelta(minutes=self.config.grid_minutes)
        return list(slots(common_free(*free), self.config.length, grid=grid, window=window))

    def count_starts(self, members: tuple[str, ...]) -> int:
        return len(self.starts(members, [self.base_free(m) for m in members]))

    def place(self, unit_id: str, members: tuple[str, ...]) -> Meeting | str:
        """The unit's meeting, booked into the plan, or why there is none."""
        starts = self.starts(members, [self.free_now(m) for m in members])
        if not starts:
            return self._why_no_start(members)
        best = self._best(members, starts)
        if best is None:
            return self._why_no_series(members, starts[0])
        meeting = self._meeting(unit_id, members, best)
        booked = [Interval(*o) for o in meeting.occurrences]
        for member in members:
            self.planned[member] = merge([*self.planned[member], *booked])
        self.booked = self.booked.adding({member: booked for member in members})
        return meeting

    def _best(self, members: tuple[str, ...], starts: list[dt.datetime]) -> _Candidate | None:
        """The best candidate: most clear occurrences, then fewest uncomfortable members, then earliest.

        Starts come in time order and a later start never has more occurrences
        (the series ends on ``last_day``), so the scan stops once no later start
        could win even with every occurrence clear and everyone comfortable.
        """
        config, zone = self.config, self.people[members[0]].timezone
        best: _Candidate | None = None
        for start in starts:
            occurrences = occurrence_starts(start, zone, config.every_weeks, config.last_day)
            if best is not None and (len(occurrences), 0) <= (best.clear, -best.uncomfortable):
                break
            candidate = self._candidate(members, start, occurrences)
            if candidate is not None and (best is None or candidate.rank < best.rank):
                best = candidate
        return best

    def _candidate(
        self, members: tuple[str, ...], start: dt.datetime, occurrences: list[dt.datetime]
    ) -> _Candidate | None:
        config = self.config
        busy = []
        for occurrence in occurrences:
            end = occurrence + config.length
            if any(overlaps(self.planned[m], occurrence, end) for m in members):
                return None
            busy.append(tuple(m for m in members if not covered(self.base_free(m), occurrence, end)))
        end = start + config.length
        uncomfortable = sum(1 for m in members if not _comfortable(self.people[m], start, end, config))
        return _Candidate(start, uncomfortable, tuple(occurrences), tuple(busy))

    def _meeting(self, unit_id: str, members: tuple[str, ...], chosen: _Candidate) -> Meeting:
        config, organiser = self.config, self.people[members[0]]
        length = config.length
        occurrences = tuple((s, s + length) for s in chosen.occurrences)
        clashes = tuple((s, who) for s, who in zip(chosen.occurrences, chosen.busy, strict=True) if who)
        rrule = None
        if config.every_weeks:
            rrule = f"FREQ=WEEKLY;INTERVAL={config.every_weeks};UNTIL={occurrences[-1][0]:%Y%m%dT%H%M%SZ}"
        names = self._names(members)
        if len(members) == 1:
            free = phrase("{names:list} is free then, within working hours", names=names)
        elif len(members) == 2:
            free = phrase("{names:list} are both free then, within working hours", names=names)
        else:
            free = phrase("{names:list} are all free then, within working hours", names=names)
        reasons = [
            free,
            _local_times(chosen.start, chosen.start + length, [self.people[m] for m in members]),
            self._comfort_reason(members, chosen),
        ]
        if config.every_weeks:
            reasons.extend(self._series_reasons(organiser, chosen, clashes))
        return Meeting(
            unit_id,
            members,
            chosen.start,
            chosen.start + length,
            organiser.timezone,
            occurrences,
            clashes,
            rrule,
            tuple(reasons),
        )

    def _comfort_reason(self, members: tuple[str, ...], chosen: _Candidate) -> str:
        first, last = self._search_days(members[0])
        if not chosen.uncomfortable:
            return phrase("the earliest such time within everyone's preferred hours")
        end = chosen.start + self.config.length
        outside = [m for m in members if not _comfortable(self.people[m], chosen.start, end, self.config)]
        return phrase(
            "no common free time between {first} and {last} lies within everyone's preferred hours; "
            "this one is outside those of {names:list}",
            first=first,
            last=last,
            names=self._names(outside),
        )

    def _series_reasons(
        self, organiser: Person, chosen: _Candidate, clashes: tuple[tuple[dt.datetime, tuple[str, ...]], ...]
    ) -> list[str]:
        zone = ZoneInfo(organiser.timezone)
        local = chosen.start.astimezone(zone)
        total = len(chosen.occurrences)
        words = {
            "day": _DAY_NAMES[local.weekday()],
            "time": f"{local:%H:%M}",
            "timezone": organiser.timezone,
            "name": organiser.name,
            "last": self.config.last_day,
            "clear": chosen.clear,
            "total": total,
        }
        if self.config.every_weeks == 1:
            series = counted(
                total,
                "every week on {day} at {time} {timezone} ({name}'s time zone) until {last}: "
                "{clear} of {total} meeting has everyone free",
                "every week on {day} at {time} {timezone} ({name}'s time zone) until {last}: "
                "{clear} of {total} meetings have everyone free",
                **words,
            )
        else:
            series = counted(
                total,
                "every {every} weeks on {day} at {time} {timezone} ({name}'s time zone) until {last}: "
                "{clear} of {total} meeting has everyone free",
                "every {every} weeks on {day} at {time} {timezone} ({name}'s time zone) until {last}: "
                "{clear} of {total} meetings have everyone free",
                every=self.config.every_weeks,
                **words,
            )
        reasons = [series]
        for start, who in clashes:
            day = start.astimezone(zone).date()
            reasons.append(
                counted(
                    len(who),
                    "on {day} {names:list} is not free",
                    "on {day} {names:list} are not free",
                    day=day,
                    names=self._names(who),
                )
            )
        offsets = {s.astimezone(zone).utcoffset() for s in chosen.occurrences}
        if len(offsets) > 1:
            reasons.append(
                phrase(
                    "the series stays at {time} in {timezone} across the daylight-saving change, "
                    "so its time in UTC moves with it",
                    time=f"{local:%H:%M}",
                    timezone=organiser.timezone,
                )
            )
        return reasons

    def _why_no_start(self, members: tuple[str, ...]) -> str:
        first, last = self._search_days(members[0])
        words = {
            "length": _length_words(self.config.minutes),
            "names": self._names(members),
            "first": first,
            "last": last,
        }
        window = self.config.search_window(self.people[members[0]].timezone)
        if self.starts(members, [self.base_free(m) for m in members]):
            taken = [m for m in members if overlaps(self.planned[m], *window)]
            return phrase(
                "every common free {length} of {names:list} between {first} and {last} "
                "is taken by meetings already planned for {taken:list}",
                taken=self._names(taken),
                **words,
            )
        notice = self.agenda.notice_cuts(window[0])
        if notice:
            return clauses([self._no_free_time(members, window, words), notice])
        return self._no_free_time(members, window, words)

    def _no_free_time(self, members: tuple[str, ...], window: Window, words: dict[str, object]) -> str:
        minutes = {m: _minutes_in(self.base_free(m), window) for m in members}
        if len(members) == 1:
            return phrase("{names:list} has no free {length} between {first} and {last}", **words)
        head = phrase("{names:list} have no common free {length} between {first} and {last}", **words)
        least = min(minutes.values())
        fewest = [m for m in members if minutes[m] == least]
        if len(fewest) == len(members) and least == 0 and len(members) == 2:
            tail = phrase("neither of them has free working time then")
        elif len(fewest) == len(members) and least == 0:
            tail = phrase("none of them has free working time then")
        elif len(fewest) == len(members):
            tail = phrase("each has {duration} of free working time then", duration=duration(least))
        elif least == 0:
            tail = counted(
                len(fewest),
                "{names:list} has no free working time then",
                "{names:list} have no free working time then",
                names=self._names(fewest),
            )
        else:
            tail = counted(
                len(fewest),
                "{names:list} has the least free time ({duration})",
                "{names:list} have the least free time ({duration})",
                names=self._names(fewest),
                duration=duration(least),
            )
        return clauses([head, tail])

    def _why_no_series(self, members: tuple[str, ...], start: dt.datetime) -> str:
        first, last = self._search_days(members[0])
        length = self.config.length
        occurrences = occurrence_starts(
            start, self.people[members[0]].timezone, self.config.every_weeks, self.config.last_day
        )
        taken = [m for m in members if any(overlaps(self.planned[m], s, s + length) for s in occurrences)]
        return phrase(
            "every common free time of {names:list} between {first} and {last} would, in a later week "
            "of the series, meet at the same time as another meeting of {taken:list}",
            names=self._names(members),
            first=first,
            last=last,
            taken=self._names(taken),
        )

    def _search_days(self, organiser: str) -> tuple[dt.date, dt.date]:
        start, end = self.config.search_window(self.people[organiser].timezone)
        zone = ZoneInfo(self.people[organiser].timezone)
        return start.astimezone(zone).date(), (end.astimezone(zone) - dt.timedelta(days=1)).date()

    def _names(self, ids: Iterable[str]) -> list[str]:
        """Names to put in a sentence as a ``{names:list}``."""
        return [self.people[i].name for i in ids]


def _comfortable(person: Person, start: dt.datetime, end: dt.datetime, config: MeetingConfig) -> bool:
    """Inside the person's preferred hours and clear of the edges of their working day."""
    zone = ZoneInfo(person.timezone)
    local = start.astimezone(zone)
    begin = local.hour * 60 + local.minute
    finish = begin + (end - start) // dt.timedelta(minutes=1)
    if config.preferred is not None and not (
        config.preferred.start <= begin and finish <= config.preferred.end
    ):
        return False
    day = person.working_hours.on(WEEKDAYS[local.weekday()])
    edge = config.avoid_edge_minutes
    return not day or (day[0].start + edge <= begin and finish <= day[-1].end - edge)


def _local_times(start: dt.datetime, end: dt.datetime, members: list[Person]) -> str:
    """The meeting in each member's wall-clock time, once per distinct local time: the weekday, the
    local date and the times, then the time zones (and, with more than one local time, whose)."""
    by_time: dict[tuple[dt.date, str, str], list[Person]] = defaultdict(list)
    for member in members:
        zone = ZoneInfo(member.timezone)
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        by_time[(local_start.date(), f"{local_start:%H:%M}", f"{local_end:%H:%M}")].append(member)
    parts = []
    for (day, first, last), group in by_time.items():
        words = {
            "weekday": _DAY_NAMES[day.weekday()],
            "day": day,
            "start": first,
            "end": last,
            "zones": list(dict.fromkeys(m.timezone for m in group)),
        }
        if len(by_time) == 1:
            parts.append(phrase("{weekday} {day} {start}–{end} {zones:list}", **words))
        else:
            parts.append(
                phrase(
                    "{weekday} {day} {start}–{end} {zones:list} for {names:list}",
                    names=[m.name for m in group],
                    **words,
                )
            )
    return clauses(parts)


def _minutes_in(free: list[Interval], window: Window) -> int:
    within = clip(free, *window)
    return sum((piece.end - piece.start) // dt.timedelta(minutes=1) for piece in within)


def _length_words(minutes: int) -> str:
    if minutes in (60, 30):
        return term("hour") if minutes == 60 else term("half hour")
    return counted(minutes, "{n} minute", "{n} minutes")

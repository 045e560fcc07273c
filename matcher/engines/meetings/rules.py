"""Every rule of a meeting plan, as :func:`validate` lists what a set of meetings breaks."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

from matcher.domain.availability import Agenda, working_intervals
from matcher.domain.intervals import Interval
from matcher.domain.model import Person
from matcher.domain.phrases import phrase, term
from matcher.domain.wording import duration
from matcher.engines.meetings.config import MeetingConfig, Unit
from matcher.engines.meetings.plan import Meeting, occurrence_starts
from matcher.engines.results import Violation

_GRID_ORIGIN = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def validate(
    units: Sequence[Unit],
    people: Mapping[str, Person],
    agenda: Agenda,
    config: MeetingConfig,
    meetings: Iterable[Meeting],
) -> list[Violation]:
    """Every rule a set of meetings breaks; an empty list means they may be sent out.

    ``agenda`` is the one the meetings were planned against: without them.
    Each meeting: of a known unit with its members, on the grid and of the
    configured length, starting in the search window, within every member's
    working hours, everyone free for the first meeting, the series repeating as
    configured and every later occurrence where someone is not free reported
    as a clash. Together: one meeting per unit and nobody in two meetings at once.
    """
    meetings = list(meetings)
    members_of = {unit_id: tuple(members) for unit_id, members in units}
    found = []
    for unit_id, n in sorted(Counter(m.unit_id for m in meetings).items()):
        if n > 1:
            message = phrase("{id} meets {n}×", id=unit_id, n=n)
            found.append(Violation(term("one meeting per unit"), members_of.get(unit_id, ()), message))
    for meeting in meetings:
        if members_of.get(meeting.unit_id) != meeting.members:
            message = phrase(
                "{id} is not a unit of the round with members {members}",
                id=meeting.unit_id,
                members=", ".join(meeting.members),
            )
            found.append(Violation(term("unit"), meeting.members, message))
        elif any(m not in people for m in meeting.members):
            found.append(Violation(term("known people"), meeting.members, phrase("names an unknown person")))
        else:
            found.extend(_meeting_violations(people, agenda, config, meeting))
    found.extend(_double_booked(people, meetings))
    return found


def _meeting_violations(
    people: Mapping[str, Person], agenda: Agenda, config: MeetingConfig, meeting: Meeting
) -> list[Violation]:
    found = []
    who, start, end = meeting.members, meeting.start, meeting.end
    organiser = people[meeting.members[0]]
    if end - start != config.length:
        message = phrase(
            "{id} lasts {length}, not {expected}",
            id=meeting.unit_id,
            length=duration((end - start) // dt.timedelta(minutes=1)),
            expected=duration(config.minutes),
        )
        found.append(Violation(term("length"), who, message))
    if (start - _GRID_ORIGIN) % dt.timedelta(minutes=config.grid_minutes):
        message = phrase(
            "{id} starts at {time} UTC, off the grid",
            id=meeting.unit_id,
            time=f"{start.astimezone(dt.UTC):%H:%M:%S}",
        )
        found.append(Violation(term("grid"), who, message))
    window = config.search_window(organiser.timezone)
    if not window[0] <= start < window[1]:
        message = phrase(
            "{id} starts at {day} {time} UTC, outside the search window",
            id=meeting.unit_id,
            day=start.astimezone(dt.UTC).date(),
            time=f"{start.astimezone(dt.UTC):%H:%M}",
        )
        found.append(Violation(term("window"), who, message))
    for member in (people[m] for m in meeting.members):
        if working_intervals(member.working_hours, member.timezone, (start, end)) != [Interval(start, end)]:
            message = phrase("{id} is outside {name}'s working hours", id=meeting.unit_id, name=member.name)
            found.append(Violation(term("working hours"), who, message))
        elif not _free_for(agenda, member, start, end):
            message = phrase(
                "{name} is not free for {id}'s first meeting", name=member.name, id=meeting.unit_id
            )
            found.append(Violation(term("free"), who, message))
    found.extend(_series_violations(people, agenda, config, meeting))
    return found


SERIES = term("series")


def _series_violations(
    people: Mapping[str, Person], agenda: Agenda, config: MeetingConfig, meeting: Meeting
) -> list[Violation]:
    who = meeting.members
    found = []
    if meeting.timezone != people[meeting.members[0]].timezone:
        message = phrase("{id} is not shown in its organiser's time zone", id=meeting.unit_id)
        found.append(Violation(SERIES, who, message))
    starts = occurrence_starts(meeting.start, meeting.timezone, config.every_weeks, config.last_day)
    lengths_ok = all(e - s == config.length for s, e in meeting.occurrences)
    if [s for s, _ in meeting.occurrences] != starts or not lengths_ok:
        message = phrase("{id}'s occurrences do not follow the series rule", id=meeting.unit_id)
        found.append(Violation(SERIES, who, message))
    if (meeting.rrule is None) != (config.every_weeks is None):
        if meeting.rrule is None:
            message = phrase("{id} has no RRULE", id=meeting.unit_id)
        else:
            message = phrase("{id} is one meeting but has an RRULE", id=meeting.unit_id)
        found.append(Violation(SERIES, who, message))
    expected = []
    for start, end in meeting.occurrences[1:]:  # the first meeting is checked on its own: everyone free
        busy = tuple(m for m in meeting.members if not _free_for(agenda, people[m], start, end))
        if busy:
            expected.append((start, busy))
    if tuple(expected) != meeting.clashes:
        message = phrase(
            "{id}'s clashes are not the occurrences at which members are not free", id=meeting.unit_id
        )
        found.append(Violation(term("clash reported"), who, message))
    return found


def _double_booked(people: Mapping[str, Person], meetings: list[Meeting]) -> list[Violation]:
    taken: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = defaultdict(list)
    for meeting in meetings:
        for member in meeting.members:
            taken[member].extend((s, e, meeting.unit_id) for s, e in meeting.occurrences)
    found = []
    for member, times in sorted(taken.items()):
        for (_, first_end, first), (second_start, _, second) in pairwise(sorted(times)):
            if second_start < first_end:
                name = people[member].name if member in people else member
                message = phrase(
                    "{name} is in {first} and {second} at once on {day} {time} UTC",
                    name=name,
                    first=first,
                    second=second,
                    day=second_start.astimezone(dt.UTC).date(),
                    time=f"{second_start.astimezone(dt.UTC):%H:%M}",
                )
                found.append(Violation(term("double booked"), (member,), message))
    return found


def _free_for(agenda: Agenda, person: Person, start: dt.datetime, end: dt.datetime) -> bool:
    return agenda.free(person, (start, end)) == [Interval(start, end)]

"""Meetings: properties of plans for random rounds (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain.availability import Agenda, Interval, working_intervals
from matcher.domain.model import Person, TimeRange
from matcher.engines.meetings import MeetingConfig, plan_meetings, validate
from matcher.io.fields import parse_working_hours
from tests.orgs import person
from tests.unit.meetings_support import AMSTERDAM, KOLKATA, NEW_YORK

# --- properties -------------------------------------------------------------------------------------

ZONES = (AMSTERDAM, NEW_YORK, KOLKATA, "Europe/London")
HOURS = (
    "mon-fri 09:00-17:00",
    "mon-thu 08:30-17:00; fri 08:30-12:30",
    "mon-wed 07:00-15:30",
    "tue-fri 10:00-18:00",
)


@st.composite
def rounds(draw: st.DrawFn) -> tuple:
    size = draw(st.integers(2, 6))
    people = {}
    for n in range(size):
        pid = f"p{n}"
        people[pid] = person(
            pid,
            timezone=draw(st.sampled_from(ZONES)),
            working_hours=parse_working_hours(draw(st.sampled_from(HOURS))),
        )
    first_day = dt.date(2026, 3, 2) + dt.timedelta(days=draw(st.integers(0, 240)))
    last_day = first_day + dt.timedelta(days=draw(st.integers(0, 70)))
    origin = dt.datetime.combine(first_day, dt.time(), dt.UTC)
    busy = {}
    for pid in people:
        blocks = draw(st.lists(st.tuples(st.integers(0, 14 * 96), st.integers(1, 48)), max_size=12))
        busy[pid] = [
            Interval(origin + dt.timedelta(minutes=15 * s), origin + dt.timedelta(minutes=15 * (s + n)))
            for s, n in blocks
        ]
    holidays = frozenset(
        first_day + dt.timedelta(days=d) for d in draw(st.lists(st.integers(0, 20), max_size=3))
    )
    ids = sorted(people)
    units = []
    for n in range(draw(st.integers(1, 5))):
        members = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True))
        units.append((f"u{n}", tuple(members)))
    config = MeetingConfig(
        first_day=first_day,
        last_day=last_day,
        minutes=draw(st.sampled_from((30, 60, 90))),
        every_weeks=draw(st.sampled_from((None, 1, 2, 4))),
        search_days=draw(st.integers(1, 14)),
        preferred=draw(st.sampled_from((None, TimeRange(10 * 60, 16 * 60)))),
    )
    return units, people, Agenda(busy, holidays), config


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_every_plan_passes_validate_and_no_first_meeting_touches_busy_time(case: tuple) -> None:
    units, people, agenda, config = case
    plan = plan_meetings(units, people, agenda, config)
    assert validate(units, people, agenda, config, plan.meetings) == []
    assert {m.unit_id for m in plan.meetings} | {u for u, _ in plan.unplaced} == {u for u, _ in units}
    for meeting in plan.meetings:
        for member in meeting.members:
            assert not any(b.start < meeting.end and meeting.start < b.end for b in agenda.busy[member])
            who = people[member]
            hours = working_intervals(who.working_hours, who.timezone, (meeting.start, meeting.end))
            assert hours == [Interval(meeting.start, meeting.end)]
            assert meeting.start.astimezone(ZoneInfo(who.timezone)).date() not in agenda.holidays
    for _, reason in plan.unplaced:
        assert reason


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_nobody_is_in_two_meetings_at_once_over_the_whole_series(case: tuple) -> None:
    units, people, agenda, config = case
    plan = plan_meetings(units, people, agenda, config)
    seen: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for meeting in plan.meetings:
        for member in meeting.members:
            seen.setdefault(member, []).extend(meeting.occurrences)
    for times in seen.values():
        times.sort()
        assert all(a[1] <= b[0] for a, b in pairwise(times))


def comfortable(member: Person, start: dt.datetime, config: MeetingConfig) -> bool:
    begin = start.astimezone(ZoneInfo(member.timezone))
    first = begin.hour * 60 + begin.minute
    last = first + config.minutes
    if config.preferred and not config.preferred.start <= first <= last <= config.preferred.end:
        return False
    day = member.working_hours.on(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[begin.weekday()])
    edge = config.avoid_edge_minutes
    return not day or (day[0].start + edge <= first and last <= day[-1].end - edge)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_a_single_unit_gets_the_earliest_most_comfortable_start_a_plain_scan_finds(case: tuple) -> None:
    units, people, agenda, config = case
    config = dataclasses.replace(config, every_weeks=None)
    unit_id, members = units[0]
    plan = plan_meetings([(unit_id, members)], people, agenda, config)
    organiser = ZoneInfo(people[members[0]].timezone)
    start = dt.datetime.combine(config.first_day, dt.time(), organiser).astimezone(dt.UTC)
    end_day = min(
        config.first_day + dt.timedelta(days=config.search_days), config.last_day + dt.timedelta(days=1)
    )
    end = dt.datetime.combine(end_day, dt.time(), organiser).astimezone(dt.UTC)
    length = dt.timedelta(minutes=config.minutes)
    start += -(start - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) % dt.timedelta(minutes=15)
    found = []
    while start < end:
        if all(
            agenda.free(people[m], (start, start + length)) == [Interval(start, start + length)]
            for m in members
        ):
            found.append((sum(not comfortable(people[m], start, config) for m in members), start))
        start += dt.timedelta(minutes=15)
    if found:
        assert [m.start for m in plan.meetings] == [min(found)[1]]
    else:
        assert [u for u, _ in plan.unplaced] == [unit_id]

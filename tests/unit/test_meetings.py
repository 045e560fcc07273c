"""Meeting times for pairs and groups: planted calendars, daylight saving, time zones and properties.

Expected times are worked out by hand or with zoneinfo directly, never with the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import json
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain.availability import Agenda, Interval, subtract, working_intervals
from matcher.domain.model import Person, TimeRange
from matcher.engines import meetings
from matcher.engines.meetings import Meeting, MeetingConfig, occurrence_starts, plan_meetings, validate
from matcher.io.fields import parse_working_hours
from tests.orgs import person

AMSTERDAM, NEW_YORK, KOLKATA = "Europe/Amsterdam", "America/New_York", "Asia/Kolkata"
HOUR = dt.timedelta(hours=1)
MONDAY = dt.date(2026, 5, 4)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def local(zone: str, *parts: int) -> dt.datetime:
    """A wall-clock time somewhere, in UTC, by zoneinfo alone."""
    return dt.datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def busy_except(*free: tuple[dt.datetime, dt.datetime], first: dt.date, days: int = 60) -> list[Interval]:
    """Busy all the time from ``first`` for ``days`` days, except the given stretches."""
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), dt.UTC)
    whole = Interval(start, start + dt.timedelta(days=days + 2))
    return subtract([whole], [Interval(*stretch) for stretch in free])


def people_of(*people: Person) -> dict[str, Person]:
    return {p.id: p for p in people}


def assert_valid(units, people, agenda, config, plan) -> None:
    assert validate(units, people, agenda, config, plan.meetings) == []


# --- planted calendars -----------------------------------------------------------------------------


def test_a_pair_meets_at_the_earliest_time_both_are_free_in_their_preferred_hours() -> None:
    people = people_of(person("anna"), person("bram"))
    agenda = Agenda(
        {
            # Anna is out on Monday; Bram's Tuesday is full until 14:00.
            "anna": [Interval(local(AMSTERDAM, 2026, 5, 4, 0), local(AMSTERDAM, 2026, 5, 5, 0))],
            "bram": [Interval(local(AMSTERDAM, 2026, 5, 5, 0), local(AMSTERDAM, 2026, 5, 5, 14))],
        }
    )
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 6, 30))
    units = [("pair-1", ("anna", "bram"))]
    plan = plan_meetings(units, people, agenda, config)
    (meeting,) = plan.meetings
    assert (meeting.start, meeting.end) == (
        local(AMSTERDAM, 2026, 5, 5, 14),
        local(AMSTERDAM, 2026, 5, 5, 15),
    )
    assert meeting.occurrences == ((meeting.start, meeting.end),)
    assert meeting.rrule is None and meeting.clashes == ()
    assert meeting.timezone == AMSTERDAM
    assert meeting.reasons[:3] == (
        "Anna and Bram are both free then, within working hours",
        "Tuesday 2026-05-05 14:00–15:00 Europe/Amsterdam",
        "the earliest such time within everyone's preferred hours",
    )
    assert_valid(units, people, agenda, config, plan)


def test_the_first_and_last_hour_of_the_working_day_are_used_only_when_nothing_else_is_free() -> None:
    people = people_of(person("anna"), person("bram"))
    # On Monday both are free only 09:00-10:00; from Tuesday on they are free all day.
    agenda = Agenda({"anna": [Interval(local(AMSTERDAM, 2026, 5, 4, 10), local(AMSTERDAM, 2026, 5, 5, 0))]})
    short = MeetingConfig(first_day=MONDAY, last_day=MONDAY)
    (early,) = plan_meetings([("p", ("anna", "bram"))], people, agenda, short).meetings
    assert early.start == local(AMSTERDAM, 2026, 5, 4, 9)
    assert "outside those of Anna and Bram" in early.reasons[2]
    longer = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31))
    (comfortable,) = plan_meetings([("p", ("anna", "bram"))], people, agenda, longer).meetings
    assert comfortable.start == local(AMSTERDAM, 2026, 5, 5, 10)


def test_preferred_hours_are_each_members_own_wall_clock() -> None:
    people = people_of(person("anna"), person("bram"))
    config = MeetingConfig(
        first_day=MONDAY, last_day=dt.date(2026, 5, 31), preferred=TimeRange(13 * 60, 15 * 60)
    )
    (meeting,) = plan_meetings([("p", ("anna", "bram"))], people, Agenda(), config).meetings
    assert meeting.start == local(AMSTERDAM, 2026, 5, 4, 13)


def test_a_mentor_with_three_learners_is_never_double_booked_and_the_most_constrained_go_first() -> None:
    day = dt.date(2026, 5, 4)
    at = lambda hour, minute=0: local(AMSTERDAM, 2026, 5, 4, hour, minute)  # noqa: E731
    people = people_of(person("mentor"), person("lea"), person("li"), person("luc"))
    agenda = Agenda(
        {
            "mentor": busy_except((at(10), at(14)), first=day),
            "lea": busy_except((at(12), at(13)), first=day),  # one start: 12:00
            "li": busy_except((at(11), at(12)), first=day),  # one start: 11:00
            "luc": busy_except((at(10, 45), at(14)), first=day),  # 10:45 would block Li; 13:00 is left
        }
    )
    # Planned in the order given, Luc would take 10:45 and leave Li nothing.
    units = [("luc", ("mentor", "luc")), ("li", ("mentor", "li")), ("lea", ("mentor", "lea"))]
    config = MeetingConfig(first_day=day, last_day=dt.date(2026, 5, 31))
    plan = plan_meetings(units, people, agenda, config)
    assert plan.unplaced == ()
    assert [(m.unit_id, m.start) for m in plan.meetings] == [("luc", at(13)), ("li", at(11)), ("lea", at(12))]
    assert_valid(units, people, agenda, config, plan)


def test_a_pair_without_common_free_time_is_left_out_naming_who_has_least() -> None:
    day = dt.date(2026, 5, 4)
    people = people_of(person("anna"), person("bram"))
    agenda = Agenda(
        {
            # Anna is free only on Monday 05-04 09:00-12:00, Bram only on Tuesday.
            "anna": busy_except(
                (local(AMSTERDAM, 2026, 5, 4, 9), local(AMSTERDAM, 2026, 5, 4, 12)), first=day
            ),
            "bram": busy_except(
                (local(AMSTERDAM, 2026, 5, 5, 9), local(AMSTERDAM, 2026, 5, 5, 17)), first=day
            ),
        }
    )
    config = MeetingConfig(first_day=day, last_day=dt.date(2026, 5, 31))
    plan = plan_meetings([("pair-1", ("anna", "bram"))], people, agenda, config)
    assert plan.meetings == ()
    assert plan.unplaced == (
        (
            "pair-1",
            "Anna and Bram have no common free hour between 2026-05-04 and 2026-05-17; "
            "Anna has the least free time (3 h)",
        ),
    )


def test_a_second_unit_finds_its_only_common_hour_taken_by_the_first() -> None:
    day = dt.date(2026, 5, 4)
    hour = (local(AMSTERDAM, 2026, 5, 4, 11), local(AMSTERDAM, 2026, 5, 4, 12))
    people = people_of(person("anna"), person("bram"), person("chen"))
    agenda = Agenda({pid: busy_except(hour, first=day) for pid in people})
    config = MeetingConfig(first_day=day, last_day=dt.date(2026, 5, 31))
    plan = plan_meetings([("a", ("anna", "bram")), ("b", ("chen", "anna"))], people, agenda, config)
    assert [m.unit_id for m in plan.meetings] == ["a"]
    assert plan.unplaced == (
        (
            "b",
            "every common free hour of Chen and Anna between 2026-05-04 and 2026-05-17 "
            "is taken by meetings already planned for Anna",
        ),
    )


def test_holidays_are_never_meeting_days() -> None:
    people = people_of(person("anna"), person("bram"))
    agenda = Agenda(holidays=frozenset({MONDAY}))
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31))
    (meeting,) = plan_meetings([("p", ("anna", "bram"))], people, agenda, config).meetings
    assert meeting.start == local(AMSTERDAM, 2026, 5, 5, 10)


def test_a_group_of_three_meets_when_all_three_are_free() -> None:
    people = people_of(person("anna"), person("bram"), person("chen"))
    agenda = Agenda(
        {
            "anna": [Interval(local(AMSTERDAM, 2026, 5, 4, 9), local(AMSTERDAM, 2026, 5, 4, 12))],
            "bram": [Interval(local(AMSTERDAM, 2026, 5, 4, 12), local(AMSTERDAM, 2026, 5, 4, 14, 30))],
            "chen": [Interval(local(AMSTERDAM, 2026, 5, 4, 14, 45), local(AMSTERDAM, 2026, 5, 4, 16))],
        }
    )
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31), minutes=30)
    (meeting,) = plan_meetings([("tank", ("anna", "bram", "chen"))], people, agenda, config).meetings
    # 14:30-15:00 would overlap Chen from 14:45; 16:00 is the last hour, so Tuesday 10:00 comes first.
    assert meeting.start == local(AMSTERDAM, 2026, 5, 5, 10)
    assert meeting.reasons[0] == "Anna, Bram and Chen are all free then, within working hours"


# --- series and daylight saving --------------------------------------------------------------------


def test_a_fortnightly_series_across_the_autumn_clock_change_keeps_its_wall_clock_time() -> None:
    people = people_of(person("anna"), person("bram"))
    config = MeetingConfig(first_day=dt.date(2026, 10, 12), last_day=dt.date(2026, 11, 30), every_weeks=2)
    units = [("pair-1", ("anna", "bram"))]
    plan = plan_meetings(units, people, Agenda(), config)
    (meeting,) = plan.meetings
    expected = [local(AMSTERDAM, 2026, m, d, 10) for m, d in ((10, 12), (10, 26), (11, 9), (11, 23))]
    assert [s for s, _ in meeting.occurrences] == expected
    # Summer time is UTC+2, winter time UTC+1: the same 10:00 is 08:00 and then 09:00 UTC.
    assert [s.hour for s in expected] == [8, 9, 9, 9]
    assert all(e - s == HOUR for s, e in meeting.occurrences)
    assert meeting.rrule == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261123T090000Z"
    assert meeting.clashes == ()
    assert any("across the daylight-saving change" in reason for reason in meeting.reasons)
    assert_valid(units, people, Agenda(), config, plan)


def test_the_rrule_and_time_zone_give_back_every_occurrence_in_an_independent_reader() -> None:
    people = people_of(person("anna"), person("bram"))
    config = MeetingConfig(first_day=dt.date(2026, 3, 16), last_day=dt.date(2026, 5, 29), every_weeks=2)
    (meeting,) = plan_meetings([("p", ("anna", "bram"))], people, Agenda(), config).meetings
    zone = ZoneInfo(meeting.timezone)
    dtstart = meeting.start.astimezone(zone)
    expanded = [s.astimezone(dt.UTC) for s in rrulestr(meeting.rrule, dtstart=dtstart)]
    assert expanded == [s for s, _ in meeting.occurrences]
    # Across the spring change on 2026-03-29 the wall-clock time stays, the UTC time moves an hour earlier.
    assert {s.astimezone(zone).strftime("%H:%M") for s in expanded} == {"10:00"}
    assert expanded[0].hour - expanded[-1].hour == 1


def test_a_series_prefers_the_time_with_the_most_free_occurrences() -> None:
    people = people_of(person("anna"), person("bram"))
    # Bram is away on Monday 05-18: a Monday series would lose that meeting, a Tuesday one loses none.
    agenda = Agenda({"bram": [Interval(local(AMSTERDAM, 2026, 5, 18, 0), local(AMSTERDAM, 2026, 5, 19, 0))]})
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 6, 30), every_weeks=2)
    units = [("p", ("anna", "bram"))]
    plan = plan_meetings(units, people, agenda, config)
    (meeting,) = plan.meetings
    assert meeting.start == local(AMSTERDAM, 2026, 5, 5, 10)
    assert meeting.clashes == ()
    assert_valid(units, people, agenda, config, plan)


def test_a_series_reports_the_week_someone_is_busy_instead_of_dropping_it() -> None:
    people = people_of(person("anna"), person("bram"))
    # Bram is away all of week 21, which every fortnightly series from week 19 meets in.
    away = Interval(local(AMSTERDAM, 2026, 5, 18, 0), local(AMSTERDAM, 2026, 5, 25, 0))
    agenda = Agenda({"bram": [away]})
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 6, 30), every_weeks=2, search_days=5)
    units = [("p", ("anna", "bram"))]
    plan = plan_meetings(units, people, agenda, config)
    (meeting,) = plan.meetings
    assert meeting.start == local(AMSTERDAM, 2026, 5, 4, 10)
    assert len(meeting.occurrences) == 5
    assert meeting.clashes == ((local(AMSTERDAM, 2026, 5, 18, 10), ("bram",)),)
    assert "4 of 5 meetings have everyone free" in meeting.reasons[3]
    assert "on 2026-05-18 Bram is not free" in meeting.reasons
    assert_valid(units, people, agenda, config, plan)


def test_a_series_never_lands_on_another_units_meeting_in_a_later_week() -> None:
    # The mentor is free in the first week only on Monday 03-02, 09:00-12:00 UTC; Lea only at 09:00 UTC,
    # so her unit goes first and meets every Monday at 10:00 Amsterdam. Li organises from New York,
    # where summer time starts on 03-08, three weeks before Amsterdam's: a series at 10:00 UTC
    # (05:00 in New York) would fall on Lea's 09:00 UTC in those weeks, so 11:00 UTC is the first
    # start whose whole series stays clear of her.
    first = dt.date(2026, 3, 2)
    li = person("li", timezone=NEW_YORK, working_hours=parse_working_hours("mon-fri 04:00-12:00"))
    people = people_of(person("mentor"), person("lea"), li)
    agenda = Agenda(
        {
            "mentor": busy_except((utc(2026, 3, 2, 9), utc(2026, 3, 2, 12)), first=first, days=5),
            "lea": busy_except((utc(2026, 3, 2, 9), utc(2026, 3, 2, 10)), first=first, days=5),
        }
    )
    config = MeetingConfig(first_day=first, last_day=dt.date(2026, 3, 27), every_weeks=1)
    units = [("li", ("li", "mentor")), ("lea", ("mentor", "lea"))]
    plan = plan_meetings(units, people, agenda, config)
    by_unit = {m.unit_id: m for m in plan.meetings}
    assert by_unit["lea"].start == utc(2026, 3, 2, 9)
    assert by_unit["li"].start == utc(2026, 3, 2, 11)
    assert by_unit["li"].timezone == NEW_YORK
    assert utc(2026, 3, 9, 9) in occurrence_starts(utc(2026, 3, 2, 10), NEW_YORK, 1, config.last_day)
    assert_valid(units, people, agenda, config, plan)


# --- time zones ------------------------------------------------------------------------------------


def test_amsterdam_and_new_york_meet_only_in_the_hours_their_working_days_share() -> None:
    people = people_of(person("anna"), person("nick", timezone=NEW_YORK))
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31))
    units = [("p", ("anna", "nick"))]
    plan = plan_meetings(units, people, Agenda(), config)
    (meeting,) = plan.meetings
    # In May Amsterdam works 07:00-15:00 UTC and New York 13:00-21:00 UTC. Every shared hour is in
    # Nick's first or Anna's last working hour, so the earliest shared one is chosen.
    assert meeting.start == utc(2026, 5, 4, 13)
    assert meeting.reasons[1] == (
        "Monday 2026-05-04 15:00–16:00 Europe/Amsterdam for Anna; "
        "Monday 2026-05-04 09:00–10:00 America/New_York for Nick"
    )
    assert_valid(units, people, Agenda(), config, plan)


def test_a_series_between_time_zones_reports_the_weeks_the_clocks_part() -> None:
    # From 2026-03-08 New York is on summer time, Amsterdam only from 2026-03-29; Anna organises
    # 16:00 Amsterdam, which is 10:00 in New York in winter but 11:00 during those three weeks.
    nick = person("nick", timezone=NEW_YORK, working_hours=parse_working_hours("mon-fri 10:00-11:00"))
    people = people_of(person("anna"), nick)
    config = MeetingConfig(
        first_day=dt.date(2026, 3, 2), last_day=dt.date(2026, 4, 10), every_weeks=1, avoid_edge_minutes=0
    )
    units = [("p", ("anna", "nick"))]
    plan = plan_meetings(units, people, Agenda(), config)
    (meeting,) = plan.meetings
    assert meeting.start == local(AMSTERDAM, 2026, 3, 2, 16)
    assert [day for day, _ in meeting.clashes] == [local(AMSTERDAM, 2026, 3, d, 16) for d in (9, 16, 23)]
    assert all(who == ("nick",) for _, who in meeting.clashes)
    assert_valid(units, people, Agenda(), config, plan)


# --- input and output ------------------------------------------------------------------------------


def test_unknown_people_leave_their_unit_unplaced() -> None:
    people = people_of(person("anna"))
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31))
    plan = plan_meetings([("p", ("anna", "ghost"))], people, Agenda(), config)
    assert plan.unplaced == (("p", "unknown person ghost"),)


def test_a_unit_id_given_twice_or_a_member_named_twice_is_refused() -> None:
    people = people_of(person("anna"), person("bram"))
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31))
    with pytest.raises(ValueError, match="given more than once: p"):
        plan_meetings([("p", ("anna", "bram")), ("p", ("bram", "anna"))], people, Agenda(), config)
    with pytest.raises(ValueError, match="different people"):
        plan_meetings([("p", ("anna", "anna"))], people, Agenda(), config)


def test_a_config_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends"):
        MeetingConfig(first_day=MONDAY, last_day=MONDAY - dt.timedelta(days=1))


def test_as_dict_gives_iso_times_in_utc_and_the_time_zone() -> None:
    people = people_of(person("anna"), person("bram"))
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31), every_weeks=2)
    plan = plan_meetings([("p", ("anna", "bram")), ("q", ("anna", "ghost"))], people, Agenda(), config)
    data = json.loads(json.dumps(plan.as_dict()))
    meeting = data["meetings"][0]
    assert meeting["start"] == "2026-05-04T08:00:00+00:00"
    assert meeting["local_start"] == "2026-05-04T10:00:00+02:00"
    assert meeting["timezone"] == AMSTERDAM
    assert meeting["rrule"] == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260518T080000Z"
    assert [o["start"] for o in meeting["occurrences"]][-1] == "2026-05-18T08:00:00+00:00"
    assert data["unplaced"] == [{"unit_id": "q", "reason": "unknown person ghost"}]


def test_occurrence_starts_without_a_series_is_just_the_first() -> None:
    first = utc(2026, 5, 4, 8)
    assert occurrence_starts(first, AMSTERDAM, None, dt.date(2026, 12, 31)) == [first]


# --- validate ---------------------------------------------------------------------------------------


def hand_made(unit_id: str, members: tuple[str, ...], start: dt.datetime, minutes: int = 60) -> Meeting:
    end = start + dt.timedelta(minutes=minutes)
    return Meeting(unit_id, members, start, end, AMSTERDAM, ((start, end),), (), None, ())


def test_validate_reports_busy_time_working_hours_the_grid_and_double_booking() -> None:
    people = people_of(person("anna"), person("bram"), person("chen"))
    busy = Interval(local(AMSTERDAM, 2026, 5, 4, 10), local(AMSTERDAM, 2026, 5, 4, 11))
    agenda = Agenda({"bram": [busy]})
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31))
    units = [("a", ("anna", "bram")), ("b", ("anna", "chen")), ("c", ("bram", "chen"))]
    meetings = [
        hand_made("a", ("anna", "bram"), local(AMSTERDAM, 2026, 5, 4, 10, 30)),  # Bram busy
        hand_made("b", ("anna", "chen"), local(AMSTERDAM, 2026, 5, 4, 10, 50)),  # off grid, overlaps a
        hand_made("c", ("bram", "chen"), local(AMSTERDAM, 2026, 5, 4, 7)),  # before work
    ]
    rules = sorted({v.rule for v in validate(units, people, agenda, config, meetings)})
    assert rules == ["double booked", "free", "grid", "working hours"]


def test_validate_reports_a_series_that_hides_its_clashes_and_a_start_outside_the_window() -> None:
    people = people_of(person("anna"), person("bram"))
    agenda = Agenda({"bram": [Interval(local(AMSTERDAM, 2026, 5, 18, 0), local(AMSTERDAM, 2026, 5, 19, 0))]})
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 5, 31), every_weeks=2)
    units = [("a", ("anna", "bram"))]
    start = local(AMSTERDAM, 2026, 5, 4, 10)
    occurrences = tuple((s, s + HOUR) for s in (start, local(AMSTERDAM, 2026, 5, 18, 10)))
    silent = Meeting(
        "a", ("anna", "bram"), start, start + HOUR, AMSTERDAM, occurrences, (), "FREQ=WEEKLY", ()
    )
    assert [v.rule for v in validate(units, people, agenda, config, [silent])] == ["clash reported"]
    late = local(AMSTERDAM, 2026, 5, 25, 10)
    too_late = Meeting(
        "a", ("anna", "bram"), late, late + HOUR, AMSTERDAM, ((late, late + HOUR),), (), "x", ()
    )
    assert [v.rule for v in validate(units, people, agenda, config, [too_late])] == ["window"]


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


def test_the_same_input_gives_the_same_plan() -> None:
    people = people_of(person("anna"), person("bram"), person("chen", timezone=NEW_YORK))
    units = [("a", ("anna", "bram")), ("b", ("chen", "anna")), ("c", ("bram", "chen"))]
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 7, 31), every_weeks=2)
    assert plan_meetings(units, people, Agenda(), config) == plan_meetings(units, people, Agenda(), config)


def test_the_examples_in_the_module_run() -> None:
    assert doctest.testmod(meetings).failed == 0

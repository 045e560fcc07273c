"""Meeting times for pairs and groups: planted calendars, input and output, and validate.

Expected times are worked out by hand or with zoneinfo directly, never with the code under test.
"""

from __future__ import annotations

import datetime as dt
import doctest
import json

import pytest

from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import TimeRange
from matcher.engines import meetings
from matcher.engines.meetings import Meeting, MeetingConfig, occurrence_starts, plan_meetings, validate
from tests.orgs import person
from tests.unit.meetings_support import (
    AMSTERDAM,
    HOUR,
    MONDAY,
    NEW_YORK,
    assert_valid,
    busy_except,
    local,
    people_of,
    utc,
)

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
            "Anna has the least free time (3 hours)",
        ),
    )
    assert (plan.status, plan.objective, plan.bound, plan.gap) == ("optimal", 0, 0, 0.0)


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
    # Each could meet alone, so the bound is 2: the plan reports the one it could not place.
    assert (plan.status, plan.objective, plan.bound, plan.gap) == ("feasible", 1, 2, 0.5)
    assert plan.as_dict()["bound"] == 2


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


def test_the_same_input_gives_the_same_plan() -> None:
    people = people_of(person("anna"), person("bram"), person("chen", timezone=NEW_YORK))
    units = [("a", ("anna", "bram")), ("b", ("chen", "anna")), ("c", ("bram", "chen"))]
    config = MeetingConfig(first_day=MONDAY, last_day=dt.date(2026, 7, 31), every_weeks=2)
    assert plan_meetings(units, people, Agenda(), config) == plan_meetings(units, people, Agenda(), config)


def test_the_examples_in_the_module_run() -> None:
    assert doctest.testmod(meetings).failed == 0

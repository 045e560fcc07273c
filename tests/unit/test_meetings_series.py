"""Meeting series across daylight-saving changes, and members in other time zones.

Expected times are worked out by hand or with zoneinfo directly, never with the code under test.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from matcher.domain.availability import Agenda, Interval
from matcher.engines.meetings import MeetingConfig, occurrence_starts, plan_meetings
from matcher.io.fields import parse_working_hours
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

"""Shadowing across daylight-saving weeks and time zones, and validate, the solver's own check.

Expected times are worked out by hand from the time zones' offsets (see the comments), never with
the code under test."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from matcher.domain.model import Holding, Level
from matcher.engines.shadowing import LENGTHS, ShadowSlot, build_problem, validate
from matcher.io.fields import parse_working_hours
from tests.orgs import person
from tests.unit.shadowing_support import (
    AMSTERDAM,
    CONFIG,
    MONDAY,
    NEW_YORK,
    ask,
    busy_except,
    local,
    placed,
    reasons,
    solved,
    utc,
    world,
)

# -- time zones and daylight saving ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("friday", "monday", "friday_utc", "monday_utc"),
    [
        # Summer time starts on Sunday 29 March: 09:00 is 08:00 UTC before and 07:00 UTC after.
        (dt.date(2026, 3, 27), dt.date(2026, 3, 30), 8, 7),
        # Summer time ends on Sunday 25 October: 09:00 is 07:00 UTC before and 08:00 UTC after.
        (dt.date(2026, 10, 23), dt.date(2026, 10, 26), 7, 8),
    ],
)
def test_slots_keep_their_local_hour_across_a_daylight_saving_change(
    friday: dt.date, monday: dt.date, friday_utc: int, monday_utc: int
) -> None:
    people = [person("ann"), person("dan"), person("bea", host_capacity=4)]
    busy = {"bea": busy_except(friday, (9, 10)) + busy_except(monday, (9, 10))}
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)], busy=busy)
    result = solved(tmap, [ask("fri", "ann", first=friday), ask("mon", "dan", first=monday)], agenda)
    assert placed(result) == {
        "fri": ("bea", utc(friday.year, friday.month, friday.day, friday_utc)),
        "mon": ("bea", utc(monday.year, monday.month, monday.day, monday_utc)),
    }
    for slot in result.slots:
        assert slot.as_dict()["local_start"].startswith(
            f"{slot.start.astimezone(ZoneInfo(AMSTERDAM)):%Y-%m-%d}T09:00"
        )


def test_a_host_in_new_york_overlaps_an_amsterdam_guest_two_hours_in_may() -> None:
    # In May, 09-17 in Amsterdam is 07-15 UTC and 09-17 in New York is 13-21 UTC: 13-15 UTC in common.
    people = [person("ann"), person("bea", host_capacity=2, timezone=NEW_YORK, site="New York")]
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)])
    requests = [ask("hour", "ann"), ask("half", "ann", minutes=LENGTHS["half-day"])]
    result = solved(tmap, requests, agenda, travel_minutes=0)
    (slot,) = result.slots
    assert (slot.request_id, slot.start, slot.end) == ("hour", utc(2026, 5, 4, 13), utc(2026, 5, 4, 14))
    assert (slot.timezone, slot.host_timezone) == (AMSTERDAM, NEW_YORK)
    assert "09:00–10:00 for Bea (America/New_York)" in slot.reasons
    assert slot.as_dict()["start"] == "2026-05-04T13:00:00Z"
    assert slot.as_dict()["local_start"] == "2026-05-04T15:00:00+02:00"
    assert reasons(result)["half"].startswith("no common free time of Ann and Bea")


def test_the_week_between_europe_and_america_changing_clocks_gives_three_hours_in_common() -> None:
    # From 26 October Amsterdam is UTC+1 (09-17 is 08-16 UTC); New York stays UTC-4 until
    # 1 November (13-21 UTC): three hours in common, 13-16 UTC, for that week only. A three-hour
    # slot fits then and only then; the earliest is Monday 26 October 13:00 UTC.
    people = [person("ann"), person("bea", host_capacity=2, timezone=NEW_YORK)]
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)])
    request = ask("r1", "ann", minutes=180, first=dt.date(2026, 10, 19), last=dt.date(2026, 11, 6))
    result = solved(tmap, [request], agenda)
    assert placed(result) == {"r1": ("bea", utc(2026, 10, 26, 13))}


def test_the_window_is_read_in_each_persons_own_time_zone() -> None:
    # Both work round the clock (00:00-23:45 local). Monday 4 May is 22:00 UTC Sunday to 22:00 UTC
    # Monday in Amsterdam and 04:00 UTC Monday to 04:00 UTC Tuesday in New York: the earliest slot
    # is at 04:00 UTC, midnight for the host; 22:00 UTC Sunday would still be Sunday in New York.
    always = parse_working_hours("mon-sun 00:00-23:45")
    people = [
        person("ann", working_hours=always),
        person("bea", host_capacity=1, timezone=NEW_YORK, working_hours=always),
    ]
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)])
    result = solved(tmap, [ask("r1", "ann")], agenda)
    assert placed(result) == {"r1": ("bea", utc(2026, 5, 4, 4))}
    assert result.slots[0].as_dict()["local_start"] == "2026-05-04T06:00:00+02:00"


# -- validate, the solver's own check ---------------------------------------------------------------


def test_validate_names_every_rule_a_hand_made_plan_breaks() -> None:
    people = [person("ann"), person("dan"), person("bea", host_capacity=1), person("cor")]
    tmap, agenda = world(
        people, [Holding("bea", "sql", Level.EXPERT)], busy={"bea": busy_except(MONDAY, (9, 12))}
    )
    problem = build_problem(tmap, [ask("r1", "ann"), ask("r2", "dan"), ask("r3", "dan")], agenda, CONFIG)

    def slot(
        rid: str, guest: str, host: str, hour: int, minute: int = 0, minutes: int = 60, day: dt.date = MONDAY
    ) -> ShadowSlot:
        start = local(AMSTERDAM, day, hour, minute)
        return ShadowSlot(
            rid, guest, host, "sql", start, start + dt.timedelta(minutes=minutes), AMSTERDAM, AMSTERDAM
        )

    assert validate(problem, [slot("r1", "ann", "bea", 9)]) == []
    found = validate(
        problem,
        [
            slot("r1", "ann", "bea", 9),
            slot("r2", "dan", "bea", 9, 30),
            slot("r3", "dan", "cor", 10),
            slot("r1", "ann", "bea", 13),
            slot("r4", "ann", "bea", 10),
            slot("r2", "ann", "bea", 10),
            slot("r3", "dan", "bea", 10, 5),
            slot("r3", "dan", "bea", 10, minutes=30),
            slot("r2", "dan", "bea", 9, day=MONDAY + dt.timedelta(days=1)),
        ],
    )
    rules = sorted({v.rule for v in found})
    assert rules == [
        "capacity",
        "double booking",
        "eligible host",
        "free time",
        "grid",
        "known request",
        "length",
        "one slot per request",
        "own request",
        "window",
    ]


def test_pruned_candidates_still_give_a_valid_plan_filled_in_afterwards() -> None:
    people = [person(f"g{i}") for i in range(6)] + [
        person("bea", host_capacity=9),
        person("cor", host_capacity=9),
    ]
    holdings = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "sql", Level.EXPERT)]
    tmap, agenda = world(people, holdings)
    requests = [
        ask(f"r{i}", f"g{i}", minutes=LENGTHS["half-day"], last=dt.date(2026, 5, 5)) for i in range(6)
    ]
    result = solved(tmap, requests, agenda, max_candidates=1, starts_per_host=1)
    assert result.objective == result.bound == 6


def test_both_ways_of_keeping_people_apart_place_as_many() -> None:
    people = [person(f"g{i}") for i in range(5)] + [person("bea", host_capacity=9)]
    tmap, agenda = world(
        people, [Holding("bea", "sql", Level.EXPERT)], busy={"bea": busy_except(MONDAY, (9, 13))}
    )
    requests = [ask(f"r{i}", f"g{i}", minutes=60 + 30 * (i % 2)) for i in range(5)]
    counts = {
        mode: solved(tmap, requests, agenda, no_overlap=mode).objective for mode in ("cliques", "intervals")
    }
    assert counts == {"cliques": 3, "intervals": 3}


def test_the_same_problem_gives_the_same_plan() -> None:
    people = [person(f"g{i}") for i in range(8)] + [
        person(h, host_capacity=2) for h in ("bea", "cor", "dirk")
    ]
    holdings = [Holding(h, "sql", Level.EXPERT) for h in ("bea", "cor", "dirk")]
    busy = {h: busy_except(MONDAY, (9, 11), (14, 16)) for h in ("bea", "cor", "dirk")}
    tmap, agenda = world(people, holdings, busy=busy)
    requests = [ask(f"r{i}", f"g{i}", minutes=60 * (1 + i % 3)) for i in range(8)]
    first, second = solved(tmap, requests, agenda), solved(tmap, requests, agenda)
    assert first.slots == second.slots and first.unplaced == second.unplaced

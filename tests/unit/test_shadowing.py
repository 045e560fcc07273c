"""Shadowing: planted instances with one right answer, reasons for what is left out, capacity, travel,
daylight-saving weeks, people in other time zones, and properties of every plan (hypothesis).

Expected times are worked out by hand from the time zones' offsets (see the comments), never with
the code under test. The property tests check plans against the agenda directly, not through the
engine's own rule functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher.engines.shadowing.candidates
import matcher.engines.shadowing.config
from bench.shadowing import as_slots, busy_share, greedy, instance, run
from matcher.domain.availability import Agenda, Interval, working_intervals
from matcher.domain.model import Holding, Level, Organisation, Person, Skill, Wish
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.shadowing import (
    LENGTHS,
    ShadowConfig,
    ShadowPlan,
    ShadowRequest,
    ShadowSlot,
    build_problem,
    plan,
    validate,
)
from matcher.io.fields import parse_working_hours
from tests.orgs import person

AMSTERDAM, NEW_YORK, LONDON = "Europe/Amsterdam", "America/New_York", "Europe/London"
MONDAY = dt.date(2026, 5, 4)  # Amsterdam is UTC+2 and New York UTC-4 in May
SKILLS = (Skill("sql", "SQL"), Skill("python", "Python"), Skill("archief", "Archiefwet"))
CONFIG = ShadowConfig(time_limit=5.0)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def local(zone: str, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def busy_except(day: dt.date, *free_hours: tuple[int, int], zone: str = AMSTERDAM) -> list[Interval]:
    """Busy the whole local working day (08:00-18:00) except the given hours."""
    busy, cursor = [], 8
    for start, end in sorted(free_hours):
        if start > cursor:
            busy.append(Interval(local(zone, day, cursor), local(zone, day, start)))
        cursor = end
    if cursor < 18:
        busy.append(Interval(local(zone, day, cursor), local(zone, day, 18)))
    return busy


def world(
    people: list[Person], holdings: list[Holding], wishes: list[Wish] = (), busy: dict | None = None
) -> tuple[TalentMap, Agenda]:
    org = Organisation("Wadloo", tuple(people), SKILLS, tuple(holdings), tuple(wishes))
    return TalentMap(org, today=dt.date(2026, 1, 1)), Agenda(busy or {})


def ask(
    rid: str,
    guest: str,
    skill: str | None = "sql",
    host: str | None = None,
    minutes: int = LENGTHS["hour"],
    first: dt.date = MONDAY,
    last: dt.date | None = None,
) -> ShadowRequest:
    return ShadowRequest(rid, guest, skill, host, minutes, first, last or first)


def solved(tmap: TalentMap, requests: list[ShadowRequest], agenda: Agenda, **config: object) -> ShadowPlan:
    problem = build_problem(tmap, requests, agenda, dataclasses.replace(CONFIG, **config))
    result = plan(problem)
    assert result.violations == ()
    assert validate(problem, result.slots) == []
    return result


def placed(result: ShadowPlan) -> dict[str, tuple[str, dt.datetime]]:
    return {s.request_id: (s.host_id, s.start) for s in result.slots}


def reasons(result: ShadowPlan) -> dict[str, str]:
    return dict(result.unplaced)


# -- the pieces -------------------------------------------------------------------------------------


def test_the_doctests_pass() -> None:
    for module in (matcher.engines.shadowing.config, matcher.engines.shadowing.candidates):
        assert doctest.testmod(module).failed == 0


def test_lengths_are_an_hour_half_a_day_and_a_day() -> None:
    assert LENGTHS == {"hour": 60, "half-day": 240, "day": 480}


def test_malformed_requests_are_refused_all_at_once() -> None:
    tmap, agenda = world([person("ann"), person("bea", host_capacity=1)], [])
    requests = [
        ask("r1", "nobody"),
        ask("r1", "ann", skill="cooking"),
        ask("r2", "ann", skill=None),
        ask("r3", "ann", minutes=0, last=MONDAY - dt.timedelta(days=1)),
        ask("r4", "ann", skill=None, host="ghost"),
    ]
    with pytest.raises(InvalidInput) as caught:
        build_problem(tmap, requests, agenda, ShadowConfig(capacity_period="year"))
    text = caught.value.report()
    for expected in (
        "'nobody' is not a known colleague",
        "'cooking' is not a known skill",
        "is used by another request too",
        "a request names a skill, a host or both",
        "must be a positive number of minutes",
        "is before the first day",
        "'ghost' is not a known colleague",
        "capacity_period",
    ):
        assert expected in text
    assert caught.value.total == 8


# -- planted instances with one right answer -------------------------------------------------------


def test_two_guests_get_the_only_hosts_that_fit_them() -> None:
    # Bea is free 10-11 and Cor 14-15 (Amsterdam, UTC+2). Ann is busy from 13:00, so only Bea fits
    # her; Dan could take either, but placing both leaves him Cor.
    tmap, agenda = world(
        [person("ann"), person("bea", host_capacity=1), person("cor", host_capacity=1), person("dan")],
        [Holding("bea", "sql", Level.EXPERT), Holding("cor", "sql", Level.PROFICIENT)],
        busy={
            "ann": [Interval(local(AMSTERDAM, MONDAY, 13), local(AMSTERDAM, MONDAY, 17))],
            "bea": busy_except(MONDAY, (10, 11)),
            "cor": busy_except(MONDAY, (14, 15)),
        },
    )
    result = solved(tmap, [ask("r1", "dan"), ask("r2", "ann")], agenda)
    assert placed(result) == {"r1": ("cor", utc(2026, 5, 4, 12)), "r2": ("bea", utc(2026, 5, 4, 8))}
    assert (result.status, result.objective, result.bound, result.gap) == ("optimal", 2, 2, 0.0)


def test_a_host_full_this_week_takes_the_third_guest_next_week() -> None:
    # Capacity two a week. Ann and Dan can only come on Monday 4 May; Eva's window runs into
    # the next week, so she goes there: Monday 11 May at 09:00 (07:00 UTC), the earliest.
    people = [person(p) for p in ("ann", "dan", "eva")] + [person("bea", host_capacity=2)]
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)])
    requests = [ask("r1", "ann"), ask("r2", "dan"), ask("r3", "eva", last=dt.date(2026, 5, 11))]
    result = solved(tmap, requests, agenda, capacity_period="week")
    assert placed(result)["r3"] == ("bea", utc(2026, 5, 11, 7))
    assert {placed(result)[r][1].date() for r in ("r1", "r2")} == {MONDAY}
    assert result.objective == result.bound == 3


def test_capacity_per_month_leaves_the_last_guest_out_with_the_reason() -> None:
    people = [person(p) for p in ("ann", "dan", "eva")] + [person("bea", host_capacity=2)]
    tmap, agenda = world(people, [Holding("bea", "sql", Level.EXPERT)])
    requests = [ask("r1", "ann"), ask("r2", "dan"), ask("r3", "eva", last=dt.date(2026, 5, 29))]
    result = solved(tmap, requests, agenda)
    assert result.objective == result.bound == 2
    ((_, why),) = result.unplaced
    assert why == "Bea is full in May 2026 (capacity 2 guests a month)"


def test_the_guest_travels_to_another_site_outside_the_slot() -> None:
    # Bea (Gemeentewerf) is free 09-10 and 11-12. Ann (Stadhuis) has a meeting 08-09, so 09:00
    # leaves no hour to travel; 11:00 does (10-11 there, 12-13 back).
    tmap, agenda = world(
        [person("ann", site="Stadhuis"), person("bea", site="Gemeentewerf", host_capacity=1)],
        [Holding("bea", "sql", Level.EXPERT)],
        busy={
            "ann": [Interval(local(AMSTERDAM, MONDAY, 8), local(AMSTERDAM, MONDAY, 9))],
            "bea": busy_except(MONDAY, (9, 10), (11, 12)),
        },
    )
    result = solved(tmap, [ask("r1", "ann")], agenda)
    assert placed(result) == {"r1": ("bea", utc(2026, 5, 4, 9))}
    assert any("60 minutes kept free to travel" in r for r in result.slots[0].reasons)


def test_travel_may_fall_outside_working_hours_but_never_on_busy_time() -> None:
    # Bea is free only 09-10: Ann travels 08-09, before her working day, which is allowed...
    people = [person("ann", site="Stadhuis"), person("bea", site="Gemeentewerf", host_capacity=1)]
    holdings = [Holding("bea", "sql", Level.EXPERT)]
    tmap, agenda = world(people, holdings, busy={"bea": busy_except(MONDAY, (9, 10))})
    assert placed(solved(tmap, [ask("r1", "ann")], agenda)) == {"r1": ("bea", utc(2026, 5, 4, 7))}
    # ... unless she has an early call at 08:30.
    early = {"ann": [Interval(local(AMSTERDAM, MONDAY, 8, 30), local(AMSTERDAM, MONDAY, 8, 45))]}
    tmap, agenda = world(people, holdings, busy={**early, "bea": busy_except(MONDAY, (9, 10))})
    result = solved(tmap, [ask("r1", "ann")], agenda)
    assert reasons(result) == {
        "r1": "no common free time of Ann and Bea on 2026-05-04 for an hour "
        "with 60 minutes to travel before and after"
    }


def test_two_slots_at_other_sites_keep_their_travel_apart() -> None:
    # Bea and Cor work elsewhere and are each free 09-10 and 11-12 only; Ann wants to shadow both.
    # With an hour of travel each way, a slot at 09:00 keeps her away 08-11 and one at 11:00 10-13:
    # they overlap, so only one fits. The model holds every start, so its bound of one is proven.
    people = [
        person("ann", site="Stadhuis"),
        person("bea", site="Gemeentewerf", host_capacity=1),
        person("cor", site="Wijkkantoor", host_capacity=1),
    ]
    holdings = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "python", Level.EXPERT)]
    busy = {"bea": busy_except(MONDAY, (9, 10), (11, 12)), "cor": busy_except(MONDAY, (9, 10), (11, 12))}
    tmap, agenda = world(people, holdings, busy=busy)
    result = solved(tmap, [ask("r1", "ann"), ask("r2", "ann", skill="python")], agenda)
    assert result.objective == result.bound == 1
    assert "clash with other placed slots" in result.unplaced[0][1]
    # Without travel (everyone at one site) both fit.
    same = [dataclasses.replace(p, site="Stadhuis") for p in people]
    tmap, agenda = world(same, holdings, busy=busy)
    assert solved(tmap, [ask("r1", "ann"), ask("r2", "ann", skill="python")], agenda).objective == 2


def test_the_higher_level_wins_then_the_same_site_then_the_earliest_time() -> None:
    people = [
        person("ann", site="Stadhuis"),
        person("bea", site="Stadhuis", host_capacity=3),
        person("cor", site="Stadhuis", host_capacity=3),
        person("dirk", site="Stadhuis", host_capacity=3),
    ]
    levels = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "sql", Level.PROFICIENT)]
    tmap, agenda = world(people, [*levels, Holding("dirk", "sql", Level.WORKING)])
    friday = dt.date(2026, 5, 8)
    # All free all week: Bea (level 4) over Cor (level 3), on Monday at 09:00 (07:00 UTC).
    assert placed(solved(tmap, [ask("r1", "ann", last=friday)], agenda)) == {
        "r1": ("bea", utc(2026, 5, 4, 7))
    }
    # Two experts: Cor works at Ann's site, Bea at another.
    elsewhere = [people[0], dataclasses.replace(people[1], site="Gemeentewerf"), people[2]]
    experts = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "sql", Level.EXPERT)]
    tmap, agenda = world(elsewhere, experts)
    result = solved(tmap, [ask("r1", "ann", last=friday)], agenda)
    assert placed(result) == {"r1": ("cor", utc(2026, 5, 4, 7))}
    assert "both work at Stadhuis" in result.slots[0].reasons


def test_load_is_spread_over_hosts_and_guests() -> None:
    people = [person("ann"), person("dan"), person("bea", host_capacity=4), person("cor", host_capacity=4)]
    holdings = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "sql", Level.EXPERT)]
    tmap, agenda = world(people, holdings)
    result = solved(tmap, [ask("r1", "ann"), ask("r2", "dan")], agenda)
    assert {s.host_id for s in result.slots} == {"bea", "cor"}
    # One host with room for one guest, Ann asking twice and Dan once: Dan's first comes before Ann's second.
    people = [person("ann"), person("dan"), person("bea", host_capacity=2)]
    tmap, agenda = world(people, holdings[:1])
    requests = [ask("r1", "ann"), ask("r2", "ann", first=MONDAY + dt.timedelta(days=1)), ask("r3", "dan")]
    result = solved(tmap, requests, agenda)
    assert {s.guest_id for s in result.slots} == {"ann", "dan"}


def test_a_named_host_is_the_one_placed_and_a_wish_is_given_as_a_reason() -> None:
    people = [person("ann"), person("bea", host_capacity=1), person("cor", host_capacity=1)]
    holdings = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "sql", Level.PROFICIENT)]
    tmap, agenda = world(people, holdings, wishes=[Wish("ann", "sql", 3)])
    result = solved(tmap, [ask("r1", "ann", host="cor")], agenda)
    assert placed(result)["r1"][0] == "cor"
    assert result.slots[0].reasons[:3] == (
        "Ann asked for Cor",
        "Cor holds SQL at level 3 (proficient)",
        "Ann wants to learn SQL (priority 3)",
    )


# -- why a request is left unplaced ----------------------------------------------------------------


def test_each_unplaced_request_says_why() -> None:
    people = [
        person("ann"),
        person("bea", host_capacity=1),
        person("cor"),
        person("dirk", host_capacity=1),
        person("eva", host_capacity=1),
    ]
    holdings = [
        Holding("bea", "sql", Level.EXPERT),
        Holding("cor", "python", Level.EXPERT),
        Holding("dirk", "sql", Level.WORKING),
        Holding("ann", "archief", Level.EXPERT),
    ]
    busy = {"eva": busy_except(MONDAY, (9, 10))}
    tmap, agenda = world(people, holdings, busy=busy)
    requests = [
        ask("python", "ann", skill="python"),
        ask("archief", "ann", skill="archief"),
        ask("archief-dirk", "dirk", skill="archief"),
        ask("named", "ann", skill=None, host="cor"),
        ask("low", "ann", host="dirk"),
        ask("self", "bea", host="bea"),
        ask("day", "ann", skill=None, host="eva", minutes=LENGTHS["day"]),
    ]
    result = solved(tmap, requests, agenda)
    assert reasons(result) == {
        "python": "no colleague who holds Python at level 3 or more hosts guests",
        "archief": "no colleague besides Ann holds Archiefwet at level 3 or more",
        "archief-dirk": "no colleague who holds Archiefwet at level 3 or more hosts guests",
        "named": "Cor does not host guests",
        "low": "Dirk holds SQL at level 2, below 3",
        "self": "Bea cannot shadow themselves",
        "day": "no common free time of Ann and Eva on 2026-05-04 for a day",
    }
    stats = dict(result.stats)
    assert (stats["unplaced: no host"], stats["unplaced: no common free time"]) == (6, 1)


def test_a_request_that_fits_only_where_others_are_placed_says_it_clashes() -> None:
    people = [person("ann"), person("dan"), person("bea", host_capacity=5)]
    tmap, agenda = world(
        people, [Holding("bea", "sql", Level.EXPERT)], busy={"bea": busy_except(MONDAY, (9, 10))}
    )
    result = solved(tmap, [ask("r1", "ann"), ask("r2", "dan")], agenda)
    assert result.objective == result.bound == 1
    ((_, why),) = result.unplaced
    assert why.startswith("the common free times of ") and why.endswith("clash with other placed slots")


def test_nobody_shadows_on_a_holiday_and_no_requests_make_an_empty_plan() -> None:
    tmap, _ = world([person("ann"), person("bea", host_capacity=1)], [Holding("bea", "sql", Level.EXPERT)])
    agenda = Agenda(holidays=frozenset({MONDAY}))
    result = solved(tmap, [ask("r1", "ann", last=dt.date(2026, 5, 5))], agenda)
    assert placed(result) == {"r1": ("bea", utc(2026, 5, 5, 7))}
    empty = solved(tmap, [], agenda)
    assert (empty.slots, empty.unplaced, empty.status, empty.bound, empty.gap) == ((), (), "optimal", 0, 0.0)


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


# -- properties of every plan -----------------------------------------------------------------------

ZONES = (AMSTERDAM, AMSTERDAM, LONDON, NEW_YORK)
HOURS = (
    "mon-fri 09:00-17:00",
    "mon-thu 08:00-16:30",
    "mon-fri 08:30-12:30,13:00-17:30",
    "tue-fri 10:00-18:00",
)
DAYS = (dt.date(2026, 3, 26), dt.date(2026, 5, 4), dt.date(2026, 10, 22), dt.date(2026, 10, 29))


@st.composite
def instances(draw: st.DrawFn) -> tuple[TalentMap, list[ShadowRequest], Agenda]:
    n = draw(st.integers(3, 9))
    first = draw(st.sampled_from(DAYS))
    people, holdings, busy = [], [], {}
    for i in range(n):
        pid = f"p{i}"
        people.append(
            person(
                pid,
                timezone=draw(st.sampled_from(ZONES)),
                site=draw(st.sampled_from(("A", "B", ""))),
                working_hours=parse_working_hours(draw(st.sampled_from(HOURS))),
                host_capacity=draw(st.integers(0, 3)),
            )
        )
        for skill in ("sql", "python"):
            level = draw(st.integers(0, 4))
            if level:
                holdings.append(Holding(pid, skill, Level(level)))
        blocks = []
        for _ in range(draw(st.integers(0, 6))):
            start = dt.datetime.combine(first, dt.time(), dt.UTC) + dt.timedelta(
                minutes=draw(st.integers(0, 5 * 24 * 4)) * 15 + draw(st.sampled_from((0, 0, 7)))
            )
            blocks.append(Interval(start, start + dt.timedelta(minutes=draw(st.integers(10, 300)))))
        busy[pid] = blocks
    requests = []
    for r in range(draw(st.integers(1, 14))):
        guest = draw(st.integers(0, n - 1))
        named = draw(st.integers(0, 2)) == 0
        start = first + dt.timedelta(days=draw(st.integers(0, 4)))
        requests.append(
            ShadowRequest(
                f"r{r}",
                f"p{guest}",
                draw(st.sampled_from(("sql", "python", None)))
                if named
                else draw(st.sampled_from(("sql", "python"))),
                f"p{draw(st.integers(0, n - 1))}" if named else None,
                draw(st.sampled_from((60, 60, 90, 240, 480))),
                start,
                start + dt.timedelta(days=draw(st.integers(0, 5))),
            )
        )
    org = Organisation("Wadloo", tuple(people), SKILLS, tuple(holdings))
    return TalentMap(org, today=dt.date(2026, 1, 1)), requests, Agenda(busy)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instances(),
    st.sampled_from((0, 60)),
    st.sampled_from(("week", "month")),
    st.sampled_from(("cliques", "intervals")),
)
def test_every_plan_passes_validate_and_keeps_to_the_calendars(
    instance: tuple[TalentMap, list[ShadowRequest], Agenda], travel: int, period: str, no_overlap: str
) -> None:
    tmap, requests, agenda = instance
    config = ShadowConfig(
        time_limit=2.0, travel_minutes=travel, capacity_period=period, no_overlap=no_overlap, work_limit=5.0
    )
    problem = build_problem(tmap, requests, agenda, config)
    result = plan(problem)
    assert result.violations == ()
    assert validate(problem, result.slots) == []
    assert result.objective == len(result.slots) <= result.bound
    assert len(result.slots) + len(result.unplaced) == len(requests)
    assert all(why for _, why in result.unplaced)
    by_id = {r.id: r for r in requests}
    taken: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for slot in result.slots:
        request, guest, host = by_id[slot.request_id], tmap.person(slot.guest_id), tmap.person(slot.host_id)
        assert slot.guest_id == request.guest_id != slot.host_id
        assert slot.end - slot.start == dt.timedelta(minutes=request.minutes)
        assert slot.start.timestamp() % (15 * 60) == 0
        for someone in (guest, host):
            # Inside working hours on the request's dates, in the person's own time zone ...
            zone = ZoneInfo(someone.timezone)
            assert request.first_day <= slot.start.astimezone(zone).date() <= request.last_day
            day = (slot.start - dt.timedelta(days=1), slot.end + dt.timedelta(days=1))
            hours = working_intervals(someone.working_hours, someone.timezone, day)
            assert any(h.start <= slot.start and slot.end <= h.end for h in hours)
            # ... and touching none of their busy time.
            assert not any(b.start < slot.end and slot.start < b.end for b in agenda.busy[someone.id])
        away = travel if guest.site and host.site and guest.site != host.site else 0
        before, after = slot.start - dt.timedelta(minutes=away), slot.end + dt.timedelta(minutes=away)
        assert not any(b.start < after and before < b.end for b in agenda.busy[guest.id])
        taken.setdefault(guest.id, []).append((before, after))
        taken.setdefault(host.id, []).append((slot.start, slot.end))
        assert host.host_capacity > 0
        if request.skill_id:
            assert tmap.levels_of(host.id).get(request.skill_id, 0) >= 3
    for spans in taken.values():  # nobody double booked, travel included
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    if result.status == "optimal":
        assert result.objective == result.bound


# -- the benchmark's pieces -------------------------------------------------------------------------


def test_the_benchmark_instance_is_seeded_and_every_plan_in_it_passes_validate() -> None:
    tmap, requests, agenda, window = instance(requests=60, hosts=15, weeks=2, seed=3)
    again = instance(requests=60, hosts=15, weeks=2, seed=3)
    assert requests == again[1] and agenda == again[2]
    assert window == (dt.date(2026, 10, 12), dt.date(2026, 10, 25))
    assert 0.35 < busy_share(tmap, agenda, window) < 0.65
    assert sum(p.is_host for p in tmap.organisation.people) == 15
    problem = build_problem(tmap, requests, agenda, CONFIG)
    assert validate(problem, as_slots(problem, greedy(problem))) == []
    figures = run(requests=60, hosts=15, weeks=2, seed=3, time_limit=3.0)
    engine, baseline = figures["engine"], figures["greedy"]
    assert engine["violations"] == baseline["violations"] == 0
    assert baseline["placed"] <= engine["placed"] <= figures["bound"]
    assert engine["peak_mib"] > 0 and figures["build"]["candidates"] > 0

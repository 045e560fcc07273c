"""Shadowing: the pieces, planted instances with one right answer, capacity, travel, and the reasons
for what is left out.

Expected times are worked out by hand from the time zones' offsets (see the comments), never with
the code under test."""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest

import pytest

import matcher.engines.shadowing.candidates
import matcher.engines.shadowing.config
from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import Holding, Level, Wish
from matcher.domain.problems import InvalidInput
from matcher.engines.shadowing import LENGTHS, ShadowConfig, build_problem
from tests.orgs import person
from tests.unit.shadowing_support import (
    AMSTERDAM,
    MONDAY,
    ask,
    busy_except,
    local,
    placed,
    reasons,
    solved,
    utc,
    world,
)

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

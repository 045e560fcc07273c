"""Shadowing: a guest's requests of which no two fit apart share one unit of the upper bound."""

from __future__ import annotations

import datetime as dt
import itertools
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain.availability import Interval
from matcher.domain.model import Holding, Level
from matcher.engines.shadowing import LENGTHS, ShadowRequest, build_problem
from matcher.engines.shadowing.bounds import upper_bound
from matcher.engines.shadowing.disjoint import Choices, never_together
from matcher.engines.shadowing.model import Model
from tests.orgs import person
from tests.unit.shadowing_support import CONFIG, MONDAY, ask, busy_except, local, solved, world
from tests.unit.test_shadowing_apart import GRID, choices, tried_every_way
from tests.unit.test_shadowing_bounds import EXACT, Instance


@st.composite
def crowded(draw: st.DrawFn) -> Instance:
    """Few guests asking for long slots on a few days of few hosts with little room: where a
    guest's requests often cannot all fit together and hosts are contested."""
    guests, hosts = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    people = [person(f"g{i}") for i in range(guests)]
    people += [person(f"h{i}", host_capacity=draw(st.integers(1, 2))) for i in range(hosts)]
    holdings = [
        Holding(f"h{i}", draw(st.sampled_from(("sql", "python"))), Level.EXPERT) for i in range(hosts)
    ]
    busy: dict[str, list[Interval]] = {}
    for p in people:
        blocks = []
        for _ in range(draw(st.integers(0, 3))):
            day = MONDAY + dt.timedelta(days=draw(st.integers(0, 2)))
            hour = draw(st.integers(8, 16))
            blocks.append(
                Interval(local("Europe/Amsterdam", day, hour), local("Europe/Amsterdam", day, hour + 2))
            )
        busy[p.id] = blocks
    requests = []
    for r in range(draw(st.integers(3, 9))):
        first = MONDAY + dt.timedelta(days=draw(st.integers(0, 2)))
        named = draw(st.booleans())
        requests.append(
            ShadowRequest(
                f"r{r}",
                f"g{draw(st.integers(0, guests - 1))}",
                None if named else draw(st.sampled_from(("sql", "python"))),
                f"h{draw(st.integers(0, hosts - 1))}" if named else None,
                draw(st.sampled_from((60, 240, 480, 480))),
                first,
                first + dt.timedelta(days=draw(st.integers(0, 1))),
            )
        )
    tmap, agenda = world(people, holdings, busy=busy)
    return tmap, requests, agenda


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(choices(), min_size=1, max_size=2), min_size=1, max_size=5))
def test_no_two_requests_of_a_group_fit_apart_and_no_request_is_in_two_groups(
    lists: list[list[Choices]],
) -> None:
    requests = {f"r{i}": cs for i, cs in enumerate(lists)}
    groups = never_together(requests, GRID)
    members = [r for group in groups for r in group]
    assert len(members) == len(set(members))
    for group in groups:
        assert len(group) > 1
        for a, b in itertools.combinations(group, 2):
            assert tried_every_way({a: requests[a], b: requests[b]}, 2) < 2


def test_two_requests_of_a_guest_on_one_day_leave_the_guests_other_unit_to_a_full_host() -> None:
    # Ann asks for a whole Monday with Bea and with Cor (never both), and for an hour with Dan on
    # Tuesday, which fits with either. Dan hosts one guest a month and Eva asks for him too. Ann
    # counts two units, but the flow can spend both on Monday and Dan's on Eva: 3. At most 2 fit.
    tuesday = MONDAY + dt.timedelta(days=1)
    people = [person(p) for p in ("ann", "eva")] + [
        person("bea", host_capacity=2),
        person("cor", host_capacity=2),
        person("dan", host_capacity=1),
    ]
    busy = {"dan": busy_except(MONDAY) + busy_except(tuesday, (9, 12))}
    holdings = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "python", Level.EXPERT)]
    tmap, agenda = world(people, [*holdings, Holding("dan", "archief", Level.EXPERT)], busy=busy)
    day = LENGTHS["day"]
    requests = [
        ask("r1", "ann", "sql", minutes=day),
        ask("r2", "ann", "python", minutes=day),
        ask("r3", "ann", None, host="dan", first=tuesday),
        ask("r4", "eva", None, host="dan", first=tuesday),
    ]
    problem = build_problem(tmap, requests, agenda, CONFIG)
    assert upper_bound(problem, apart=False) == 3
    assert upper_bound(problem) == 2
    result = solved(tmap, requests, agenda)
    assert (result.objective, result.bound, result.status) == (2, 2, "optimal")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_the_bound_never_falls_below_the_most_requests_cp_sat_proves_placeable(instance: Instance) -> None:
    problem = build_problem(*instance, EXACT)
    if not problem.candidates:
        assert upper_bound(problem) == 0
        return
    placed, status, _ = Model(problem).place([], time.perf_counter() + 60)
    assert status == "optimal"
    assert upper_bound(problem) >= len(placed)


def test_two_guests_of_a_host_on_one_morning_leave_the_hosts_other_unit_to_a_third() -> None:
    # Bea hosts three guests a month, free on Monday only 09:00-13:00: Ann and Dan each ask her
    # for those four hours (never both). Fay asks her for an hour on Tuesday, and Eva for an hour
    # of Python on Tuesday, which Cor (one guest a month) also teaches. Three fit apart on Bea's
    # time, so the flow can give Bea Ann, Dan and Fay, and Cor Eva: 4. At most 3 fit.
    tuesday = MONDAY + dt.timedelta(days=1)
    people = [person(p) for p in ("ann", "dan", "eva", "fay")]
    people += [person("bea", host_capacity=3), person("cor", host_capacity=1)]
    holdings = [Holding(p, "python", Level.EXPERT) for p in ("bea", "cor")]
    tmap, agenda = world(people, holdings, busy={"bea": busy_except(MONDAY, (9, 13))})
    requests = [
        ask("r1", "ann", None, host="bea", minutes=240),
        ask("r2", "dan", None, host="bea", minutes=240),
        ask("r3", "eva", "python", first=tuesday),
        ask("r4", "fay", None, host="bea", first=tuesday),
    ]
    problem = build_problem(tmap, requests, agenda, CONFIG)
    assert upper_bound(problem, apart=False) == 4
    assert upper_bound(problem) == 3
    result = solved(tmap, requests, agenda)
    assert (result.objective, result.bound, result.status) == (3, 3, "optimal")

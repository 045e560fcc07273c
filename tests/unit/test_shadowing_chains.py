"""Shadowing: open requests placed by moving one or two placed requests elsewhere."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.shadowing import as_slots
from matcher.domain.model import Holding, Level
from matcher.engines.shadowing import build_problem, validate
from matcher.engines.shadowing.chains import place_by_chains
from matcher.engines.shadowing.placing import greedy
from matcher.engines.shadowing.problem import minute_of
from tests.orgs import person
from tests.unit.shadowing_support import AMSTERDAM, CONFIG, MONDAY, ask, busy_except, local, world
from tests.unit.test_shadowing_bounds import EXACT, Instance
from tests.unit.test_shadowing_properties import instances
from tests.unit.test_shadowing_together import crowded

NO_END = 1e12  # the chains' deadline, far off: the tests never stop them on the clock


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(), crowded()))
def test_chains_never_break_a_rule_nor_unplace_a_request(instance: Instance) -> None:
    problem = build_problem(*instance, EXACT)
    start = greedy(problem)
    chosen = place_by_chains(problem, start, sorted(problem.requests), NO_END)
    assert validate(problem, as_slots(problem, chosen)) == []
    assert {r for r, _, _ in start} <= {r for r, _, _ in chosen}
    assert len({r for r, _, _ in chosen}) == len(chosen)


def test_an_open_request_is_placed_by_moving_two_others_one_after_the_other() -> None:
    # Bea (one guest a month) is Ann's only host and has Dan, who could learn Python from Cor on
    # Monday 10:00-11:00, but Cor then hosts Eva, who could learn SQL from Fay. Two moves make
    # room for Ann.
    people = [person(p) for p in ("ann", "dan", "eva")]
    people += [person(h, host_capacity=1) for h in ("bea", "cor", "fay")]
    busy = {"cor": busy_except(MONDAY, (10, 11)), "fay": busy_except(MONDAY, (14, 15))}
    holdings = [Holding("bea", "python", Level.EXPERT), Holding("fay", "sql", Level.EXPERT)]
    holdings += [Holding("cor", skill, Level.EXPERT) for skill in ("python", "sql")]
    tmap, agenda = world(people, holdings, busy=busy)
    requests = [ask("ann1", "ann", None, host="bea"), ask("dan1", "dan", "python"), ask("eva1", "eva", "sql")]
    problem = build_problem(tmap, requests, agenda, CONFIG)
    chosen = [("dan1", "bea", _minute(9)), ("eva1", "cor", _minute(10))]
    assert validate(problem, as_slots(problem, chosen)) == []
    placed = place_by_chains(problem, chosen, ["ann1"], time.perf_counter() + 60)
    assert validate(problem, as_slots(problem, placed)) == []
    assert {(r, h) for r, h, _ in placed} == {("ann1", "bea"), ("dan1", "cor"), ("eva1", "fay")}


def _minute(hour: int) -> int:
    """The minute (as the problem counts) of Monday ``hour``:00 in Amsterdam."""
    return minute_of(local(AMSTERDAM, MONDAY, hour))

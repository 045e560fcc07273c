"""Shadowing: the most-constrained greedy, the bounds the engine reports, and large rounds solved in
parts, checked against exact optima on instances small enough to solve exactly."""

from __future__ import annotations

import dataclasses
import time

from hypothesis import HealthCheck, given, settings

from bench.shadowing import as_slots
from matcher.domain.availability import Agenda
from matcher.domain.talentmap import TalentMap
from matcher.engines.shadowing import ShadowConfig, ShadowRequest, build_problem, plan, validate
from matcher.engines.shadowing.bounds import score_bound, upper_bound
from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.model import Model
from matcher.engines.shadowing.solver import greedy, score
from tests.unit.test_shadowing_properties import instances

Instance = tuple[TalentMap, list[ShadowRequest], Agenda]
EXACT = ShadowConfig(time_limit=60.0, travel_minutes=60)


def exact(problem: object) -> tuple[int, int]:
    """The most requests any plan places and the best score among plans placing that many, both
    proven optimal by CP-SAT with every valid start as a candidate."""
    assert not problem.pruned  # type: ignore[attr-defined]
    count_model = Model(problem)  # type: ignore[arg-type]
    placed, status, _ = count_model.place([], time.perf_counter() + 60)
    assert status == "optimal"
    score_model = Model(problem)  # type: ignore[arg-type]
    best, status, _ = score_model.improve(placed, time.perf_counter() + 60)
    assert status == "optimal" and len(best) == len(placed)
    return len(best), score(problem, best)  # type: ignore[arg-type]


SMALL = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SMALL
@given(instances())
def test_the_most_constrained_greedy_never_breaks_a_rule(instance: Instance) -> None:
    problem = build_problem(*instance, EXACT)
    assert validate(problem, as_slots(problem, greedy(problem))) == []


@SMALL
@given(instances())
def test_every_reported_bound_is_at_least_the_exact_optimum(instance: Instance) -> None:
    problem = build_problem(*instance, EXACT)
    if not problem.candidates:
        assert upper_bound(problem) == 0
        return
    most, best = exact(problem)
    bound = upper_bound(problem)
    assert upper_bound(problem, apart=False) >= bound >= most
    flow = score_bound(problem, most, bound)
    assert flow is not None and flow >= best
    result = plan(build_problem(*instance, dataclasses.replace(EXACT, work_limit=5.0)))
    assert result.bound >= most
    # The plan's score bound is for plans placing at least as many as it does, never more than most.
    assert result.objective <= most
    assert result.score_bound is not None and round(result.score_bound * SCALE) >= best


@SMALL
@given(instances())
def test_solving_in_parts_keeps_every_rule_and_never_places_fewer_than_the_greedy(instance: Instance) -> None:
    whole = build_problem(*instance, EXACT)
    parts_config = dataclasses.replace(EXACT, time_limit=3.0, model_candidates=1, part_candidates=8)
    in_parts = plan(build_problem(*instance, parts_config))
    assert in_parts.violations == ()
    assert len(greedy(whole)) <= in_parts.objective <= upper_bound(whole)
    if whole.candidates:
        most, _ = exact(whole)
        assert in_parts.objective <= most

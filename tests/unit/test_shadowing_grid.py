"""Shadowing: the valid starts worked out for all hosts of a request at once (numpy, on the grid)
are exactly the ones worked out on ranges one host at a time, and so are the candidates."""

from __future__ import annotations

import copy
import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.shadowing import instance
from matcher.domain.intervals import Span, merge
from matcher.engines.shadowing import ShadowConfig, ShadowProblem, ShadowRequest, build_problem
from matcher.engines.shadowing.candidates import add_candidates, spread, spread_starts, start_ranges
from tests.unit.test_shadowing_properties import instances

Instance = tuple[object, list[ShadowRequest], object]


def one_host_at_a_time(problem: ShadowProblem) -> dict[tuple[str, str], tuple[Span, ...]]:
    """Every valid start of every request and host, on ranges (adjacent ranges joined)."""
    found = {}
    for request in problem.requests.values():
        for host_id in problem.hosts[request.id]:
            ranges = merge(start_ranges(problem, request, host_id))
            if ranges:
                found[request.id, host_id] = tuple(ranges)
    return found


def candidates_from(problem: ShadowProblem, options: dict[tuple[str, str], tuple[Span, ...]]) -> list:
    again = copy.copy(problem)
    again.options, again.candidates = options, []
    add_candidates(again)
    return [(c.request_id, c.host_id, c.start, c.points) for c in again.candidates]


def assert_same_starts_and_candidates(problem: ShadowProblem) -> None:
    reference = one_host_at_a_time(problem)
    assert problem.options == reference
    assert list(problem.options) == list(reference)  # the same order too: requests, then their hosts
    built = [(c.request_id, c.host_id, c.start, c.points) for c in problem.candidates]
    assert built == candidates_from(problem, reference)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instances(),
    st.lists(st.sampled_from((15, 50, 60, 61, 90, 135, 240, 480)), min_size=14, max_size=14),
    st.sampled_from((0, 45, 60, 97)),
    st.sampled_from((15, 30, 60)),
    st.booleans(),
)
def test_the_starts_of_all_hosts_at_once_are_the_ones_worked_out_one_host_at_a_time(
    case: Instance, lengths: list[int], travel: int, grid: int, pruned: bool
) -> None:
    tmap, requests, agenda = case
    # Lengths off the grid and travel times that are not whole grid steps, to find every edge.
    requests = [dataclasses.replace(r, minutes=m) for r, m in zip(requests, lengths, strict=False)]
    config = ShadowConfig(travel_minutes=travel, grid_minutes=grid, max_candidates=40 if pruned else 100_000)
    assert_same_starts_and_candidates(build_problem(tmap, requests, agenda, config))  # type: ignore[arg-type]


def test_the_starts_on_the_benchmark_instance_are_the_ones_worked_out_one_host_at_a_time() -> None:
    for seed in (1, 2):
        tmap, requests, agenda, _ = instance(requests=150, hosts=40, weeks=3, seed=seed)
        for max_candidates in (100_000, 2_000):  # every start, and a spread-out few
            problem = build_problem(tmap, requests, agenda, ShadowConfig(max_candidates=max_candidates))
            assert problem.pruned == (max_candidates == 2_000)
            assert len(problem.options) > 100
            assert_same_starts_and_candidates(problem)


def spread_day_by_day(problem: ShadowProblem, request: ShadowRequest, host_id: str, keep: int) -> list[int]:
    """The spread-out starts as first written: every day's order made, then taken round by round."""
    grid, time = problem.config.grid_minutes, problem.times[request.guest_id]
    days: dict[object, list[Span]] = {}
    for a, b in problem.options.get((request.id, host_id), ()):
        days.setdefault(time.day(a), []).append((a, b))
    per_day = list(days.values())
    orders = [spread(sum((b - a) // grid for a, b in ranges)) for ranges in per_day]
    day_order = list(spread(len(per_day)))
    firsts: dict[tuple[int, int], int] = {}
    for d in day_order:
        firsts.setdefault(problem.period(host_id, per_day[d][0][0]), d)
    day_order = [*firsts.values(), *(d for d in day_order if d not in firsts.values())]
    chosen: list[int] = []
    while len(chosen) < keep and day_order:
        still = []
        for d in day_order:
            index = next(orders[d], None)
            if index is None:
                continue
            still.append(d)
            chosen.append(_nth(per_day[d], index, grid))
            if len(chosen) == keep:
                break
        day_order = still
    return sorted(chosen)


def _nth(ranges: list[Span], index: int, grid: int) -> int:
    return [s for a, b in ranges for s in range(a, b, grid)][index]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from((15, 30)), st.sampled_from(("week", "month")))
def test_the_spread_out_starts_are_the_ones_taken_day_by_day(case: Instance, grid: int, period: str) -> None:
    config = ShadowConfig(travel_minutes=60, grid_minutes=grid, capacity_period=period)
    problem = build_problem(*case, config)  # type: ignore[arg-type]
    for request_id, host_id in problem.options:
        request = problem.requests[request_id]
        for keep in (1, 2, 3, 8, 1000):
            expected = spread_day_by_day(problem, request, host_id, keep)
            assert spread_starts(problem, request, host_id, keep) == expected


def test_the_spread_out_starts_on_the_benchmark_instance_are_the_ones_taken_day_by_day() -> None:
    tmap, requests, agenda, _ = instance(requests=150, hosts=40, weeks=3, seed=1)
    problem = build_problem(tmap, requests, agenda, ShadowConfig(capacity_period="week"))
    for request_id, host_id in problem.options:
        request = problem.requests[request_id]
        for keep in (1, 2, 3, 8):
            expected = spread_day_by_day(problem, request, host_id, keep)
            assert spread_starts(problem, request, host_id, keep) == expected

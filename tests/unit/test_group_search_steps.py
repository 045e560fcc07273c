"""The group search's aimed steps and the bound on rounds with the newer criteria: no plan that
keeps every rule beats the bound (all plans of small rounds tried), a group short of shared working
time swaps the member whose week does not fit, and the first groups start within a hard count
range and a balance's tolerance."""

from __future__ import annotations

import datetime as dt
import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.groups.round import criteria_instance
from matcher.domain.model import WEEKDAYS, Holding, Level, Organisation, Skill, TimeRange, WorkingHours
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups import Criterion, GroupConfig, build_problem, validate
from matcher.engines.groups.aimed import BalanceStep, SharedStep, join_alone
from matcher.engines.groups.bound import upper_bound
from matcher.engines.groups.criteria import Balance, CountRange, SharedTime
from matcher.engines.groups.problem import hours_of, isolated_members, objective
from matcher.engines.groups.rules import BALANCE, RANGE
from matcher.engines.groups.solver import construct
from matcher.engines.groups.state import State
from tests.orgs import person
from tests.unit.test_groups import partitions

TODAY = dt.date(2026, 11, 2)


def days(start: int, end: int, count: int = 5) -> WorkingHours:
    return WorkingHours.from_mapping({day: [TimeRange(start * 60, end * 60)] for day in WEEKDAYS[:count]})


WEEKS = (days(9, 17), days(8, 12), days(13, 17), days(9, 17, 3))


@st.composite
def criteria_rounds(draw):
    """Eight people in two groups of four with a count range, a balance and shared time, each hard
    or soft, on top of a diverse and a similar criterion, with or without nobody the only one of
    their site."""
    people = [
        person(
            f"q{i}",
            function=f"f{draw(st.integers(0, 2))}",
            site=f"s{draw(st.integers(0, 1))}",
            years_experience=draw(st.integers(0, 30)),
            working_hours=WEEKS[draw(st.integers(0, len(WEEKS) - 1))],
        )
        for i in range(8)
    ]
    experts = draw(st.lists(st.sampled_from([p.id for p in people]), unique=True, max_size=6))
    org = Organisation(
        "Test",
        tuple(people),
        (Skill("ai", "AI"),),
        tuple(Holding(e, "ai", Level.EXPERT) for e in experts),
        (),
        (),
    )
    config = GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(
            Criterion("function", "diverse", float(draw(st.integers(0, 3)))),
            Criterion("site", "similar", float(draw(st.integers(0, 2)))),
        ),
        counts=(
            CountRange(
                "skill:ai",
                level=3,
                min=draw(st.integers(0, 1)),
                max=draw(st.integers(1, 3)),
                hard=draw(st.booleans()),
                weight=2.0,
            ),
        ),
        balance=(Balance("experience", 0.5, draw(st.sampled_from([None, 4.0, 8.0]))),),
        shared_time=SharedTime(float(draw(st.sampled_from([4, 12, 24]))), hard=draw(st.booleans())),
        worst_group=draw(st.sampled_from([0.0, 0.5])),
        no_isolated=("site",) if draw(st.booleans()) else (),
    )
    return org, config


@settings(max_examples=60, deadline=None)
@given(criteria_rounds())
def test_no_plan_keeping_the_rules_beats_the_bound_with_count_ranges_balances_and_shared_time(case):
    org, config = case
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    kept = [plan for plan in partitions(problem.people, 4) if not validate(problem, plan)]
    if kept:  # with no plan keeping every rule there is no optimum to stay above
        assert max(objective(problem, plan) for plan in kept) <= upper_bound(problem) + 1e-6


def crew() -> Organisation:
    """Eight at one site: four working mornings (08:00-12:00) and four afternoons (13:00-17:00), so
    a morning and an afternoon person share no hour."""
    people = [
        person(f"p{i}", function=f"f{i % 4}", site="s0", working_hours=days(8, 12) if i < 4 else days(13, 17))
        for i in range(8)
    ]
    return Organisation("Test", tuple(people), (Skill("ai", "AI"),), (), (), ())


def test_a_group_short_of_shared_time_swaps_the_member_whose_week_does_not_fit():
    config = GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(Criterion("function", "diverse", 1.0),),
        shared_time=SharedTime(10.0, hard=False, weight=1.0),
    )
    problem = build_problem(TalentMap(crew(), today=TODAY), config, today=TODAY)
    # Each group holds one person of the other half of the day: neither shares an hour.
    state = State(problem, [["p0", "p1", "p2", "p4"], ["p5", "p6", "p7", "p3"]])
    assert [hours_of(parts.shared) for parts in state.parts] == [0.0, 0.0]
    assert state.objective() == -24.0  # 10 hours short in each group
    move = SharedStep(state, set()).pick(state, random.Random(1))
    assert move is not None
    assert {move.p, move.q} == {"p3", "p4"}
    state.apply(move)
    assert [hours_of(parts.shared) for parts in state.parts] == [20.0, 20.0]
    # Nobody is short any more, and each group now mixes all four functions: 3 + 3 + the worst, 3.
    assert state.objective() == 9.0


def test_the_first_groups_of_the_benchmark_round_keep_the_count_range_and_nearly_every_balance():
    problem = criteria_instance(500, 1, time_limit=1)
    groups, _ = construct(problem)
    broken = State(problem, groups).broken_by_rule()
    assert broken[RANGE] == 0
    # Dealt without evening out, 26 of the 72 groups were further off than the tolerance.
    assert broken[BALANCE] <= 2


def test_a_group_off_the_balance_swaps_a_member_it_leans_to_for_one_on_the_other_side():
    people = [person(f"p{i}", function="f0", years_experience=2 if i < 4 else 20) for i in range(8)]
    config = GroupConfig(size_min=4, size_max=4, criteria=(), balance=(Balance("experience", 1.0),))
    org = Organisation("Test", tuple(people), (Skill("ai", "AI"),), (), (), ())
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    # Newcomers together, old hands together: each group 9 years off the round's 11.
    state = State(problem, [["p0", "p1", "p2", "p3"], ["p4", "p5", "p6", "p7"]])
    assert state.objective() == -18.0 - 9.0
    move = BalanceStep(state, set()).pick(state, random.Random(1))
    assert move is not None
    assert {int(move.p[1:]) < 4, int(move.q[1:]) < 4} == {True, False}
    state.apply(move)
    # One old hand and one newcomer changed places: each group 4.5 years off.
    assert state.objective() == -9.0 - 4.5


def test_two_people_each_alone_in_their_site_end_in_one_group():
    sites = {"x1": "x", "x2": "x", "y1": "y", "y2": "y", "y3": "y", "y4": "y", "y5": "y"}
    people = [person(pid, site=site) for pid, site in sites.items()]
    config = GroupConfig(
        size_min=3, size_max=4, criteria=(Criterion("site", "similar", 1.0),), no_isolated=("site",)
    )
    org = Organisation("Test", tuple(people), (Skill("ai", "AI"),), (), (), ())
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    # Nobody holds three of x, so the rule lets x1 and x2 be alone; the score does not.
    state = State(problem, [["x1", "y1", "y2", "y3"], ["x2", "y4", "y5"]])
    assert state.broken == 0
    before = state.objective()
    assert join_alone(state, set(), random.Random(1), deadline=time.perf_counter() + 60) == 1
    assert sorted(map(sorted, state.groups)) == [["x1", "x2", "y4", "y5"], ["y1", "y2", "y3"]]
    assert not any(isolated_members(problem, g) for g in state.groups)
    assert state.broken == 0 and state.objective() > before

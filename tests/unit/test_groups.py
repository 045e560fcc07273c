"""Group rounds: sizes, diversity and similarity, rules, the bound."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import generate_organisation
from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Skill
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups import Criterion, GroupConfig, build_problem, propose, validate
from matcher.engines.groups.bound import upper_bound
from matcher.engines.groups.problem import objective
from tests.orgs import person

TODAY = dt.date(2026, 11, 2)


def org_of(people, holdings=(), history=()) -> Organisation:
    skills = (Skill("ai", "AI"), Skill("wmo", "Wmo"))
    return Organisation(
        "Test",
        tuple(people),
        skills,
        tuple(Holding(p, s, Level(lv)) for p, s, lv in holdings),
        (),
        tuple(history),
    )


def run(org: Organisation, config: GroupConfig):
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    return problem, propose(problem, round_name="test")


def twelve(**extra) -> list:
    """Twelve people: four functions, three of each, spread over three departments."""
    return [
        person(f"p{i:02d}", function=f"f{i % 4}", department=f"d{i % 3}", team=f"t{i // 3}", **extra)
        for i in range(12)
    ]


def test_the_number_of_groups_fits_the_sizes_and_nobody_is_dropped_silently():
    config = GroupConfig(size_min=5, size_max=7)
    assert config.group_count(14) == (2, 0)
    assert config.group_count(8) == (1, 1)
    assert config.group_count(4) == (0, 4)
    _, proposal = run(org_of(twelve()[:8]), config)
    placed = [m for g in proposal.groups for m in g.members]
    assert len(placed) + len(proposal.unmatched) == 8
    assert all("do not divide" in u.reason for u in proposal.unmatched)


def test_think_tanks_mix_every_function():
    config = GroupConfig(
        size_min=4, size_max=4, criteria=(Criterion("function", "diverse", 1.0),), time_limit=5
    )
    problem, proposal = run(org_of(twelve()), config)
    assert not validate(problem, [g.members for g in proposal.groups])
    for group in proposal.groups:
        assert len({problem.values["function"][m] for m in group.members}) == 4
    assert proposal.status == "optimal"  # every group mixes all four: the bound is reached


def test_intervision_groups_share_a_function():
    config = GroupConfig(
        size_min=3, size_max=3, criteria=(Criterion("function", "similar", 1.0),), time_limit=5
    )
    problem, proposal = run(org_of(twelve()), config)
    for group in proposal.groups:
        assert len({problem.values["function"][m] for m in group.members}) == 1
    assert proposal.gap == 0


def test_forbidden_people_are_apart_and_locked_people_together():
    config = GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(Criterion("function", "diverse", 1.0),),
        forbidden=(("p00", "p01"),),
        locked=(("p02", "p06"),),
        time_limit=5,
    )
    problem, proposal = run(org_of(twelve()), config)
    groups = [set(g.members) for g in proposal.groups]
    assert not any({"p00", "p01"} <= g for g in groups)
    assert any({"p02", "p06"} <= g for g in groups)
    assert not validate(problem, [g.members for g in proposal.groups])


def test_every_think_tank_on_a_topic_has_someone_who_knows_it():
    holdings = [("p00", "ai", 4), ("p05", "ai", 3), ("p10", "ai", 3)]
    config = GroupConfig.for_kind("think-tank", size_min=4, size_max=4, topic_skills=("ai",), time_limit=5)
    problem, proposal = run(org_of(twelve(), holdings), config)
    for group in proposal.groups:
        assert {"p00", "p05", "p10"} & set(group.members)
        assert any("holds AI at level 3 or more" in r for r in group.reasons)
    assert not validate(problem, [g.members for g in proposal.groups])


def test_too_few_topic_holders_are_reported_as_a_conflict():
    config = GroupConfig(size_min=4, size_max=4, topic_skills=("ai",), time_limit=1)
    _, proposal = run(org_of(twelve(), [("p00", "ai", 4)]), config)
    assert any("1 person at level 3 or more for 3 groups" in c for c in proposal.conflicts)


def test_recent_groupmates_are_not_put_together_again():
    history = [HistoryEntry("r1", "think-tank", ("p00", "p04", "p08"), dt.date(2026, 6, 1))]
    config = GroupConfig(
        size_min=4, size_max=4, criteria=(Criterion("function", "similar", 1.0),), time_limit=5
    )
    problem, proposal = run(org_of(twelve(), history=history), config)
    assert not validate(problem, [g.members for g in proposal.groups])
    together = [g for g in proposal.groups if len({"p00", "p04", "p08"} & set(g.members)) >= 2]
    assert not together


def test_validate_names_each_broken_rule():
    config = GroupConfig(size_min=4, size_max=4, forbidden=(("p00", "p01"),), locked=(("p02", "p03"),))
    problem, _ = run(org_of(twelve()), config)
    bad = [("p00", "p01", "p02", "p04"), ("p03", "p05", "p06"), ("p00", "ghost", "p07", "p08")]
    rules = {v.rule for v in validate(problem, bad)}
    assert {"forbidden", "size", "locked", "one group each", "taking part"} <= rules


def test_the_bound_is_never_below_a_plan_on_a_real_organisation():
    org = generate_organisation(300, seed=4, today=TODAY)
    tmap = TalentMap(org, today=TODAY)
    for kind in ("think-tank", "intervision", "community"):
        problem = build_problem(tmap, GroupConfig.for_kind(kind, time_limit=2), today=TODAY)
        proposal = propose(problem)
        assert proposal.objective <= upper_bound(problem) + 1e-9
        assert not validate(problem, [g.members for g in proposal.groups])
        sizes = Counter(len(g.members) for g in proposal.groups)
        assert set(sizes) <= set(range(problem.config.size_min, problem.config.size_max + 1))


def partitions(people: tuple[str, ...], size: int):
    """Every way to split ``people`` into groups of ``size``."""
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    for others in combinations(rest, size - 1):
        remaining = tuple(p for p in rest if p not in others)
        for tail in partitions(remaining, size):
            yield [(first, *others), *tail]


def test_the_bound_sees_that_pure_sites_cannot_mix_departments():
    # Department and site coincide: a group pure in site holds one department. The best plan mixes
    # two and two (8 + half of the worst group, 4); each criterion on its own would promise 10.
    people = [person(f"p{i}", department=f"d{i % 2}", site=f"s{i % 2}") for i in range(8)]
    config = GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(Criterion("department", "diverse", 2.0), Criterion("site", "similar", 1.0)),
        worst_group=0.5,
    )
    problem = build_problem(TalentMap(org_of(people), today=TODAY), config, today=TODAY)
    best = max(objective(problem, plan) for plan in partitions(problem.people, 4))
    assert best == pytest.approx(10.0)
    assert upper_bound(problem) == pytest.approx(best)


@st.composite
def small_rounds(draw):
    size = draw(st.sampled_from([2, 3, 4]))
    n = size * draw(st.integers(2, 9 // size if size > 2 else 4))
    people = [
        person(
            f"q{i}",
            function=f"f{draw(st.integers(0, 3))}",
            department=f"d{draw(st.integers(0, 3))}",
            site=f"s{draw(st.integers(0, 2))}",
        )
        for i in range(n)
    ]
    goals = st.sampled_from(["diverse", "similar", "ignore"])
    criteria = tuple(
        Criterion(attribute, draw(goals), float(draw(st.integers(0, 3))))
        for attribute in ("function", "department", "site")
    )
    config = GroupConfig(
        size_min=size, size_max=size, criteria=criteria, worst_group=draw(st.sampled_from([0, 1]))
    )
    return org_of(people), config


@settings(max_examples=40, deadline=None)
@given(small_rounds())
def test_no_plan_beats_the_bound(case):
    org, config = case
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    best = max(objective(problem, plan) for plan in partitions(problem.people, config.size_max))
    assert best <= upper_bound(problem) + 1e-6


def test_config_errors_say_which_field():
    with pytest.raises(InvalidInput) as caught:
        GroupConfig.from_mapping(
            {"kind": "party", "criteria": [{"attribute": "age", "goal": "diverse"}], "size_min": "five"},
            source="groups.json",
        )
    report = caught.value.report()
    for expected in ("'kind'", "'criteria[0].attribute'", "'size_min'", "groups.json"):
        assert expected in report


@st.composite
def rounds(draw):
    n = draw(st.integers(4, 30))
    people = [
        person(
            f"q{i:02d}",
            function=f"f{draw(st.integers(0, 4))}",
            department=f"d{draw(st.integers(0, 3))}",
            site=f"s{draw(st.integers(0, 2))}",
        )
        for i in range(n)
    ]
    size_min = draw(st.integers(2, 4))
    size_max = draw(st.integers(size_min, size_min + 3))
    ids = [p.id for p in people]
    forbidden = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=4))
    config = GroupConfig.for_kind(
        draw(st.sampled_from(["think-tank", "intervision", "community"])),
        size_min=size_min,
        size_max=size_max,
        no_isolated=("site",) if draw(st.booleans()) else (),
        forbidden=tuple((a, b) for a, b in forbidden if a != b),
        time_limit=0.5,
        seed=draw(st.integers(0, 3)),
    )
    return org_of(people), config


@settings(max_examples=25, deadline=None)
@given(rounds())
def test_every_group_plan_keeps_the_sizes_places_everyone_once_and_stays_under_the_bound(case):
    org, config = case
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    try:
        proposal = propose(problem, round_name="test")
    except InvalidInput as refused:  # HR's forbidden pairs cannot all be kept
        assert "field 'forbidden'" in refused.report()
        return
    placed = Counter(m for g in proposal.groups for m in g.members)
    left_out = {u.person_id for u in proposal.unmatched}
    assert set(placed) | left_out == {p.id for p in org.people} and not set(placed) & left_out
    assert all(n == 1 for n in placed.values())
    assert all(config.size_min <= len(g.members) <= config.size_max for g in proposal.groups)
    assert len(left_out) == config.group_count(len(org.people))[1]
    assert proposal.objective <= upper_bound(problem) + 1e-6
    broken = validate(problem, [g.members for g in proposal.groups])
    # Forbidden pairs can outnumber the ways to keep them apart: then the plan says so.
    assert list(proposal.violations) == broken
    assert (proposal.status == "infeasible") == bool(broken)

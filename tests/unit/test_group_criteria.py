"""The criteria HR teams ask for beside diversity: counts per group. Each is read from the settings
with messages for what is wrong, kept (hard) or scored (soft) by the search, checked by validate(),
counted in the bound, refused before solving when no plan can keep it, and said in the reasons."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from matcher.domain.model import Holding, Level, Organisation, Skill
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups import Criterion, GroupConfig, build_problem, propose, validate
from matcher.engines.groups.bound import upper_bound
from matcher.engines.groups.criteria import Balance, CountRange
from matcher.engines.groups.problem import group_parts
from matcher.engines.groups.rules import broken_by_rule
from matcher.engines.results import times_broken
from tests.orgs import person

TODAY = dt.date(2026, 11, 2)


def org_of(people, experts=()) -> Organisation:
    holdings = tuple(Holding(p, "ai", Level.EXPERT) for p in experts)
    return Organisation("Test", tuple(people), (Skill("ai", "AI"),), holdings, (), ())


def problem_of(org: Organisation, config: GroupConfig):
    return build_problem(TalentMap(org, today=TODAY), config, today=TODAY)


def twelve():
    return [person(f"p{i:02d}", function=f"f{i % 4}", department=f"d{i % 3}", site="s0") for i in range(12)]


# -- count ranges ---------------------------------------------------------------------------------


def test_count_ranges_are_read_from_the_settings_and_written_back_the_same():
    data = {
        "counts": [
            {"attribute": "skill:ai", "level": 3, "min": 1, "max": 2},
            {"attribute": "department", "max": 2, "hard": False, "weight": 2},
            {"attribute": "site", "value": "Stadhuis", "min": 1},
        ]
    }
    config = GroupConfig.from_mapping(data)
    assert config.counts == (
        CountRange("skill:ai", level=3, min=1, max=2),
        CountRange("department", max=2, hard=False, weight=2.0),
        CountRange("site", value="Stadhuis", min=1),
    )
    assert GroupConfig.from_mapping(config.as_dict()) == config


def test_count_ranges_that_make_no_sense_are_refused_naming_the_field():
    bad = {
        "size_min": 4,
        "size_max": 4,
        "counts": [
            {"attribute": "shoe size", "max": 1},
            {"attribute": "skill:ai", "min": -1, "level": 9},
            {"attribute": "department", "min": 1},
            {"attribute": "site", "value": "s0", "min": 3, "max": 2},
            {"attribute": "skill:ai", "min": 5, "hard": "yes"},
            {"attribute": "skill:ai", "min": 5},
            {"attribute": "team", "often": 1},
            "x",
        ],
    }
    with pytest.raises(InvalidInput) as refused:
        GroupConfig.from_mapping(bad)
    where = {p.where.field for p in refused.value.problems}
    assert where == {
        "counts[0].attribute",
        "counts[1].min",
        "counts[1].level",
        "counts[2].value",
        "counts[3].max",
        "counts[4].hard",
        "counts[5].min",
        "counts[6]",
        "counts[7]",
    }
    with pytest.raises(InvalidInput):
        GroupConfig.from_mapping({"counts": "x"})


def test_hard_count_ranges_hold_in_every_group_and_are_explained():
    experts = ("p00", "p01", "p02", "p03", "p04")
    config = GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(Criterion("function", "diverse", 1.0),),
        counts=(CountRange("skill:ai", level=3, min=1, max=2), CountRange("department", max=2)),
        time_limit=2,
    )
    problem = problem_of(org_of(twelve(), experts), config)
    proposal = propose(problem)
    assert proposal.status in ("feasible", "optimal")
    assert not validate(problem, [g.members for g in proposal.groups])
    for group in proposal.groups:
        held = sum(1 for m in group.members if m in experts)
        assert 1 <= held <= 2
        assert max(Counter(problem.values["department"][m] for m in group.members).values()) <= 2
        said = "person" if held == 1 else "people"
        assert f"{held} {said} at level 3 or more in AI (wanted: 1 to 2)" in group.reasons
        assert any("with department 'd" in r and "(wanted: at most 2)" in r for r in group.reasons)


def test_validate_names_each_group_out_of_a_hard_range():
    config = GroupConfig(size_min=4, size_max=4, counts=(CountRange("department", max=1),), time_limit=1)
    problem = problem_of(org_of(twelve()), config)
    plan = [tuple(f"p{i:02d}" for i in range(k, k + 4)) for k in (0, 4, 8)]
    broken = validate(problem, plan)
    assert {v.rule for v in broken} == {"count per group"}
    # Each group of four over three departments holds two of one of them.
    assert [v.message for v in broken[:1]] == ["2 people with department 'd0' (wanted: at most 1)"]
    assert len(broken) == 3


def test_a_group_far_out_of_a_range_is_said_once_and_counts_once_per_person_off():
    config = GroupConfig(
        size_min=6, size_max=6, counts=(CountRange("skill:ai", level=3, min=1, max=2),), time_limit=1
    )
    problem = problem_of(org_of(twelve(), experts=[f"p{i:02d}" for i in range(6)]), config)
    plan = [tuple(f"p{i:02d}" for i in range(k, k + 6)) for k in (0, 6)]
    broken = validate(problem, plan)
    # The first group holds all six experts: four over; the second none: one short.
    assert [(v.members, v.count) for v in broken] == [(plan[0], 4), (plan[1], 1)]
    assert times_broken(broken) == 5 == broken_by_rule(problem, plan)["count per group"]
    assert broken[0].as_dict()["count"] == 4 and "count" not in broken[1].as_dict()


def test_too_few_people_of_a_kind_for_every_group_is_refused_before_solving_naming_them():
    config = GroupConfig(size_min=4, size_max=4, counts=(CountRange("skill:ai", min=1),))
    with pytest.raises(InvalidInput) as refused:
        propose(problem_of(org_of(twelve(), ("p00", "p01")), config))
    report = refused.value.report()
    assert "field 'counts'" in report
    assert "3 groups need at least 3 people at level 3 or more in AI, and 2 take part" in report


def test_ranges_no_plan_can_keep_end_infeasible_saying_which_rule_and_group():
    # Four at site s1 must be two to a group, but one of them may sit with none of the others.
    crew = [person(f"p{i:02d}", site="s1" if i < 4 else "s0") for i in range(8)]
    config = GroupConfig(
        size_min=4,
        size_max=4,
        counts=(CountRange("site", value="s1", min=2, max=2),),
        forbidden=(("p00", "p01"), ("p00", "p02"), ("p00", "p03")),
        time_limit=5,
    )
    proposal = propose(problem_of(org_of(crew), config))
    assert proposal.status == "infeasible"
    assert proposal.notes == ("the solver proved that no plan keeps every rule",)
    assert {v.rule for v in proposal.violations} <= {"count per group", "forbidden"}
    assert all(v.members for v in proposal.violations)


def test_a_soft_range_costs_each_person_short_and_the_bound_counts_what_no_plan_escapes():
    config = GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(),
        counts=(CountRange("skill:ai", min=2, hard=False, weight=1.5),),
        time_limit=1,
    )
    problem = problem_of(org_of(twelve(), ("p00",)), config)
    # Three groups need six holders and there is one: five short in any plan.
    assert upper_bound(problem) == pytest.approx(-5 * 1.5 * (1 + 1 / 3))
    proposal = propose(problem)
    assert proposal.status in ("feasible", "optimal")
    assert sorted(g.score for g in proposal.groups) == [-3.0, -3.0, -1.5]
    group = next(g for g in proposal.groups if "p00" in g.members)
    assert group_parts(problem, group.members) == [("count skill:ai", -1.5)]
    assert "1 person at level 3 or more in AI (wanted: at least 2)" in group.reasons


# -- balance ----------------------------------------------------------------------------------------


def seasoned(years):
    return [person(f"p{i:02d}", function=f"f{i % 4}", years_experience=y) for i, y in enumerate(years)]


def test_balances_are_read_from_the_settings_and_written_back_the_same():
    data = {"balance": [{"attribute": "experience", "weight": 2, "tolerance": 3}, {"attribute": "level:ai"}]}
    config = GroupConfig.from_mapping(data)
    assert config.balance == (Balance("experience", 2.0, 3.0), Balance("level:ai", 1.0, None))
    assert GroupConfig.from_mapping(config.as_dict()) == config
    with pytest.raises(InvalidInput) as refused:
        GroupConfig.from_mapping(
            {"balance": [{"attribute": "age"}, {"attribute": "tenure", "weight": -1, "tolerance": "x"}, 3]}
        )
    where = {p.where.field for p in refused.value.problems}
    assert where == {"balance[0].attribute", "balance[1].weight", "balance[1].tolerance", "balance[2]"}


def test_a_balance_within_a_tolerance_holds_in_every_group_and_each_average_is_said():
    years = [1, 2, 3, 4, 10, 12, 14, 16, 20, 25, 30, 35]
    config = GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(Criterion("function", "diverse", 1.0),),
        balance=(Balance("experience", 1.0, 2.0),),
        time_limit=2,
    )
    problem = problem_of(org_of(seasoned(years)), config)
    proposal = propose(problem)
    assert proposal.status in ("feasible", "optimal")
    assert not validate(problem, [g.members for g in proposal.groups])
    mean = sum(years) / len(years)
    for group in proposal.groups:
        average = sum(years[int(m[1:])] for m in group.members) / 4
        assert abs(average - mean) <= 2.0
        said = f"{round(average, 1)} years of experience on average (the round: {round(mean, 1)})"
        assert said in group.reasons


def test_a_soft_balance_costs_the_years_a_group_is_off():
    config = GroupConfig(
        size_min=2, size_max=2, criteria=(), balance=(Balance("experience", 2.0),), time_limit=1
    )
    problem = problem_of(org_of(seasoned([0, 0, 10, 10])), config)
    assert group_parts(problem, ("p00", "p01")) == [("balance experience", -10.0)]
    proposal = propose(problem)
    # Each group mixes one newcomer with one old hand: both on the round's average.
    assert [g.score for g in proposal.groups] == [0.0, 0.0]


def test_a_tolerance_no_plan_can_keep_ends_infeasible_naming_the_group():
    config = GroupConfig(
        size_min=4, size_max=4, criteria=(), balance=(Balance("experience", 1.0, 0.5),), time_limit=5
    )
    proposal = propose(problem_of(org_of(seasoned([0] * 7 + [8])), config))
    assert proposal.status == "infeasible"
    assert proposal.notes == ("the solver proved that no plan keeps every rule",)
    # The group with the one old hand is two years up, the other one year down.
    assert {v.rule for v in proposal.violations} == {"balance"}
    said = {v.message: "p07" in v.members for v in proposal.violations}
    assert said == {
        "2.0 years of experience on average (the round: 1.0): more than 0.5 off": True,
        "0.0 years of experience on average (the round: 1.0): more than 0.5 off": False,
    }


# -- bands of experience ----------------------------------------------------------------------------


def test_bands_of_experience_follow_the_organisations_own_spread():
    # Everyone has worked more than ten years: fixed bands would put them all in '10+ years'.
    years = [11, 12, 14, 15, 18, 20, 22, 25, 28, 31, 35, 40]
    config = GroupConfig(
        size_min=4, size_max=4, criteria=(Criterion("experience", "diverse", 1.0),), time_limit=1
    )
    problem = problem_of(org_of(seasoned(years)), config)
    # Four bands of three people each.
    assert problem.bands == (15, 22, 31)
    assert sorted(Counter(problem.values["experience"].values()).items()) == [
        ("0-15 years", 3),
        ("15-22 years", 3),
        ("22-31 years", 3),
        ("31+ years", 3),
    ]
    proposal = propose(problem)
    said = "mixes 4 bands of experience (0-15 years, 15-22 years, 22-31 years and 31+ years)"
    assert all(said in g.reasons for g in proposal.groups)


def test_bands_of_experience_hr_sets_are_kept_and_wrong_ones_refused():
    config = GroupConfig.from_mapping({"experience_bands": [2, 5, 10], "band_count": 3})
    assert (config.experience_bands, config.band_count) == ((2.0, 5.0, 10.0), 3)
    assert GroupConfig.from_mapping(config.as_dict()) == config
    problem = problem_of(org_of(seasoned([1, 3, 7, 12])), config.replace(size_min=2, size_max=2))
    assert [problem.values["experience"][f"p0{i}"] for i in range(4)] == [
        "0-2 years",
        "2-5 years",
        "5-10 years",
        "10+ years",
    ]
    with pytest.raises(InvalidInput) as refused:
        GroupConfig.from_mapping({"experience_bands": [5, 2], "band_count": 1})
    assert {p.where.field for p in refused.value.problems} == {"experience_bands", "band_count"}

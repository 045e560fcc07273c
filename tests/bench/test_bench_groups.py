"""``meeloop bench-groups`` is fair to its baselines and reports true figures.

Correctness only, on 60 people; the timings are the benchmark's business, not the tests'.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest
from click.testing import CliRunner

from bench.groups import (
    command,
    groupeng_style,
    instance,
    random_best_of,
    random_groups,
    rule_failures,
    run,
    table,
)
from matcher.engines.groups import GroupProblem, validate
from matcher.engines.groups.problem import group_score, repeated_pairs

PEOPLE, SEED = 60, 1


@pytest.fixture(scope="module")
def problem() -> GroupProblem:
    return instance(PEOPLE, SEED, time_limit=1.0)


def placed_once_in_legal_sizes(problem: GroupProblem, groups: tuple[tuple[str, ...], ...]) -> None:
    config = problem.config
    assert len(groups) == problem.groups
    assert all(config.size_min <= len(g) <= config.size_max for g in groups)
    placed = Counter(m for g in groups for m in g)
    assert set(placed) == set(problem.people)
    assert set(placed.values()) == {1}


def total(problem: GroupProblem, groups: Any) -> float:
    return sum(group_score(problem, g) for g in groups)


def keeps_the_cooldown(problem: GroupProblem, groups: list[list[str]]) -> bool:
    return all(len(repeated_pairs(problem, g)) <= problem.config.max_repeats for g in groups)


def test_the_round_has_a_topic_that_every_group_can_hold(problem):
    config = problem.config
    (skill,) = config.topic_skills
    assert len(problem.topic_holders[skill]) >= problem.groups
    assert not problem.conflicts
    assert [(c.attribute, c.goal) for c in config.criteria] == [
        ("function", "diverse"),
        ("department", "diverse"),
        ("site", "similar"),
    ]
    assert config.no_isolated == ("site",)


def test_both_baselines_place_everyone_once_in_groups_of_legal_size(problem):
    placed_once_in_legal_sizes(problem, random_best_of(problem, shuffles=10, seed=SEED).groups)
    placed_once_in_legal_sizes(problem, groupeng_style(problem, seed=SEED, time_limit=1.0).groups)


def test_random_best_of_keeps_the_shuffle_with_the_best_total_that_keeps_the_cooldown(problem):
    rng = random.Random(SEED)
    shuffles = [random_groups(problem, rng)[0] for _ in range(25)]
    best = max(total(problem, g) for g in shuffles if keeps_the_cooldown(problem, g))
    plan = random_best_of(problem, shuffles=25, seed=SEED)
    assert total(problem, plan.groups) == best
    assert dict(plan.facts)["valid shuffles"] == sum(keeps_the_cooldown(problem, g) for g in shuffles)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_best_of_many_shuffles_is_at_least_as_good_as_one(problem, seed):
    def rank(groups: Any) -> tuple[bool, float]:
        return keeps_the_cooldown(problem, groups), total(problem, groups)

    one = random_best_of(problem, shuffles=1, seed=seed)
    many = random_best_of(problem, shuffles=30, seed=seed)
    assert rank(many.groups) >= rank(one.groups)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_groupeng_style_never_ends_with_more_rule_failures_than_its_start(problem, seed):
    start, _ = random_groups(problem, random.Random(seed))
    plan = groupeng_style(problem, seed=seed, time_limit=0.5)
    before, after = rule_failures(problem, start), rule_failures(problem, plan.groups)
    assert list(before) == list(after)  # the same rules, in priority order
    assert tuple(after.values()) <= tuple(before.values())
    # Its bookkeeping of swaps agrees with the rules judged afresh.
    assert dict(plan.facts)["rule failures"] == after


def test_groupeng_style_fixes_the_hard_rules_on_a_small_round(problem):
    plan = groupeng_style(problem, seed=SEED, time_limit=2.0)
    failures = rule_failures(problem, plan.groups)
    assert failures["apart"] == failures["cluster site"] == 0
    assert all(n == 0 for rule, n in failures.items() if rule.startswith("topic"))


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "groups.json"
    result = CliRunner().invoke(
        command,
        [
            "--people",
            str(PEOPLE),
            "--seed",
            str(SEED),
            "--time-limit",
            "1",
            "--shuffles",
            "20",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "| people | method | seconds | total | worst group | violations | gap | peak MiB |" in result.output
    )
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_report_has_a_row_for_every_method(figures):
    (result,) = figures["instances"]
    methods = [r["method"] for r in result["rows"]]
    assert methods == ["engine propose()", "random best of 20", "random, 1 shuffle", "GroupEng-style swaps"]
    lines = table(figures).splitlines()
    for method in methods:
        assert sum(1 for line in lines if line.startswith(f"| {PEOPLE} | {method} |")) == 1


def test_every_reported_figure_is_recomputed_from_its_plan(figures, problem):
    (result,) = figures["instances"]
    assert result["bound"] > 0
    for row in result["rows"]:
        groups = [tuple(g) for g in row["plan"]]
        placed_once_in_legal_sizes(problem, tuple(groups))
        scores = [group_score(problem, g) for g in groups]
        assert row["total"] == pytest.approx(sum(scores)), row["method"]
        assert row["worst"] == pytest.approx(min(scores)), row["method"]
        assert row["violations"] == len(validate(problem, groups)), row["method"]
        objective = sum(scores) + problem.config.worst_group * min(scores)
        assert row["gap"] == pytest.approx(max(0.0, 1 - objective / result["bound"])), row["method"]
        assert row["peak_mib"] > 0


def test_the_large_run_measures_the_engine_and_random_shuffles_only():
    results = run((), seed=SEED, shuffles=5, big=PEOPLE, big_time_limit=1.0)
    (result,) = results["instances"]
    assert [r["method"] for r in result["rows"]] == [
        "engine propose()",
        "random best of 5",
        "random, 1 shuffle",
    ]
    assert any("feasible within" in g["goal"] for g in result["goals"])

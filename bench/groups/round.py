"""The benchmark's round: a realistic think tank on a synthetic organisation, plans as plain
groups, and lunch-roulette's method of best-of-N random shuffles."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.synthetic import generate_organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups import Criterion, GroupConfig, GroupProblem, build_problem, validate
from matcher.engines.groups.bound import upper_bound
from matcher.engines.groups.criteria import Balance, CountRange, SharedTime
from matcher.engines.groups.problem import group_score, repeated_pairs
from matcher.engines.results import times_broken

TODAY = dt.date(2026, 11, 2)


# -- the round --------------------------------------------------------------------------------------


def realistic_config(
    time_limit: float, *, topic: str | None = None, topic_level: int = 3, seed: int = 0
) -> GroupConfig:
    """A think tank as HR would set it up: groups of 5-7 mixing functions (weight 3) and
    departments (weight 2), around a topic that someone in every group knows.

    The one similar attribute is the site (weight 1): think tanks meet in person, so a group that
    shares a site can actually meet. Sites are few and large in the synthetic organisation (at
    2,000 people three sites hold four in five people), so gathering by site still leaves room to
    mix functions and departments; ``interest:<skill>`` was the alternative, but it is a yes/no
    value that puts everyone without the interest in groups of their own. Where a site's people do
    not fill whole groups, nobody is the only one from their site (``no_isolated``), so nobody
    travels alone. :func:`instance` picks the topic with :func:`choose_topic`.
    """
    return GroupConfig.for_kind(
        "think-tank",
        size_min=5,
        size_max=7,
        criteria=(
            Criterion("function", "diverse", 3.0),
            Criterion("department", "diverse", 2.0),
            Criterion("site", "similar", 1.0),
        ),
        topic_skills=(topic,) if topic else (),
        topic_level=topic_level,
        no_isolated=("site",),
        time_limit=time_limit,
        seed=seed,
    )


def choose_topic(tmap: TalentMap, people: tuple[str, ...], groups: int, level: int = 3) -> tuple[str, int]:
    """The skill most participants hold at ``level`` or more (ties: the first id), and the highest
    level, from ``level`` down, at which it has a holder for every group.

    The synthetic organisation has too few people at level 3 in any skill for a group round of
    2,000 (167 for 286 groups), so the level drops to 2 there; below the number of groups
    :func:`~matcher.engines.groups.validate` would not count the topic as a hard rule at all.
    """
    held = Counter(s for p in people for s, lv in tmap.levels_of(p).items() if lv >= level)
    if not held:
        return "", level
    skill = min(held, key=lambda s: (-held[s], s))
    for lv in range(level, 0, -1):
        if sum(1 for p in people if tmap.levels_of(p).get(skill, 0) >= lv) >= groups:
            return skill, lv
    return skill, level


def instance(people: int, seed: int, *, time_limit: float = 30.0) -> GroupProblem:
    """The round on a synthetic organisation of ``people``, built by the project's build_problem."""
    tmap = TalentMap(generate_organisation(people, seed=seed, today=TODAY), today=TODAY)
    plain = build_problem(tmap, realistic_config(time_limit, seed=seed), today=TODAY)
    topic, level = choose_topic(tmap, plain.people, plain.groups)
    config = realistic_config(time_limit, topic=topic, topic_level=level, seed=seed)
    return build_problem(tmap, config, today=TODAY)


def criteria_config(
    time_limit: float,
    *,
    topic: str = "",
    topic_level: int = 3,
    tolerance: float = 3.0,
    hours: float = 24.0,
    seed: int = 0,
) -> GroupConfig:
    """The think tank of :func:`realistic_config` with a rule of each of the newer kinds: one
    or two people who know the topic in every group (a hard count range on ``skill:<topic>`` at
    ``topic_level``, in place of the topic rule, so no group gathers all the experts), each
    group's average experience within ``tolerance`` years of the round's (a balance, weight 0.5
    for each year off) and ``hours`` of shared working time a week (soft, 1 point an hour short).
    """
    ranges = (CountRange(f"skill:{topic}", level=topic_level, min=1, max=2, hard=True),) if topic else ()
    return realistic_config(time_limit, seed=seed).replace(
        counts=ranges,
        balance=(Balance("experience", weight=0.5, tolerance=tolerance),),
        shared_time=SharedTime(hours, hard=False, weight=1.0),
    )


def criteria_instance(people: int, seed: int, *, time_limit: float = 30.0) -> GroupProblem:
    """The round of :func:`criteria_config` on the same synthetic organisation as :func:`instance`;
    the topic is :func:`choose_topic`'s, at the level it finds a holder for every group."""
    tmap = TalentMap(generate_organisation(people, seed=seed, today=TODAY), today=TODAY)
    plain = build_problem(tmap, realistic_config(time_limit, seed=seed), today=TODAY)
    topic, level = choose_topic(tmap, plain.people, plain.groups)
    config = criteria_config(time_limit, topic=topic, topic_level=level, seed=seed)
    return build_problem(tmap, config, today=TODAY)


# -- plans ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    groups: tuple[tuple[str, ...], ...]
    left_out: tuple[str, ...] = ()
    facts: tuple[tuple[str, Any], ...] = ()


def sizes(problem: GroupProblem) -> list[int]:
    """Legal sizes for the engine's number of groups, as even as they can be."""
    if not problem.groups:
        return []
    base, extra = divmod(len(problem.people) - problem.left_over, problem.groups)
    return [base + (i < extra) for i in range(problem.groups)]


def random_groups(problem: GroupProblem, rng: random.Random) -> tuple[list[list[str]], list[str]]:
    """One shuffle cut into the legal sizes; who does not fit is left out at random."""
    order = list(problem.people)
    rng.shuffle(order)
    groups, start = [], 0
    for size in sizes(problem):
        groups.append(order[start : start + size])
        start += size
    return groups, order[start:]


def total_score(problem: GroupProblem, groups: list[list[str]] | tuple[tuple[str, ...], ...]) -> float:
    return sum(group_score(problem, g) for g in groups)


def random_best_of(problem: GroupProblem, shuffles: int = 1000, seed: int = 0) -> Plan:
    """Lunch-roulette's method: shuffle everyone, deal them into groups, score every group, and
    keep the shuffle with the best total score (lunch-roulette sums its groups' scores into the
    set's score and keeps the set with the highest). Like lunch-roulette it first throws away
    shuffles in which a group repeats earlier companions (here: more earlier groupmates than
    ``max_repeats``); only if every shuffle does is the best of them kept. Other hard rules are
    unknown to it and left to validate()."""
    rng = random.Random(seed)
    best: tuple[tuple[bool, float], list[list[str]], list[str]] | None = None
    valid = 0
    for _ in range(shuffles):
        groups, left_out = random_groups(problem, rng)
        ok = all(len(repeated_pairs(problem, g)) <= problem.config.max_repeats for g in groups)
        valid += ok
        key = (ok, total_score(problem, groups))
        if best is None or key > best[0]:
            best = (key, groups, left_out)
    assert best is not None, "at least one shuffle"
    _, groups, left_out = best
    return Plan(frozen(groups), tuple(left_out), (("shuffles", shuffles), ("valid shuffles", valid)))


def row(
    problem: GroupProblem,
    method: str,
    plan: Plan,
    seconds: float,
    memory: tuple[float | None, float | None] = (None, None),
) -> dict[str, Any]:
    """A plan's figures, all recomputed here from its groups."""
    scores = [group_score(problem, g) for g in plan.groups]
    violations = validate(problem, plan.groups)
    total, worst = sum(scores), min(scores, default=0.0)
    objective = total + problem.config.worst_group * worst
    bound = upper_bound(problem)
    return {
        "method": method,
        "seconds": seconds,
        "total": total,
        "worst": worst,
        "mean": total / len(scores) if scores else 0.0,
        "objective": objective,
        "gap": max(0.0, (bound - objective) / abs(bound)) if bound else 0.0,
        "violations": times_broken(violations),
        "violated_groups": len({v.members for v in violations}),
        "broken_rules": dict(sum((Counter({v.rule: v.count}) for v in violations), Counter())),
        "peak_mib": memory[0],
        "growth_mib": memory[1],
        "groups": len(plan.groups),
        "left_out": len(plan.left_out),
        "facts": dict(plan.facts),
        "plan": [list(g) for g in plan.groups],
    }


def frozen(groups: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(sorted(g)) for g in groups)

"""``meeloop bench-groups --criteria``: the group engine on a round with a rule of each kind.

The round is :func:`~bench.groups.round.criteria_config`: function and department diverse, site
similar, one or two people who know the topic in every group (a hard count range), each group's
average experience within a tolerance of the round's (a balance), nobody the only one of their
site, and shared working time (soft). Side by side, on the same problem:

- the engine, :func:`matcher.engines.groups.propose`;
- the GroupEng-style rule-priority swaps (:func:`~bench.groups.groupeng.groupeng_style`), whose
  rules take in the count range and the balance;
- a hill climber (:func:`hill_climb`) on the engine's own objective, through the engine's search
  state, so it judges a move exactly as the engine's score and rules do.

Every plan is valued by :func:`~matcher.engines.groups.problem.group_score` and checked by
:func:`~matcher.engines.groups.validate`; beside the score, each criterion is tallied as the number
of groups that meet it (:func:`criteria_met`).
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from bench.groups.groupeng import groupeng_style
from bench.groups.round import Plan, criteria_instance, frozen, random_groups, row
from bench.measuring import MethodFailed, measured
from matcher.engines.groups import GroupProblem, propose
from matcher.engines.groups.bound import upper_bound
from matcher.engines.groups.problem import deviation, hours_of, isolated_members, range_off, range_tally
from matcher.engines.groups.state import State

#: A method still running after this many seconds is stopped and reported as such.
METHOD_TIMEOUT = 600.0
GOALS = {"gap": 0.03, "seconds": 30.0}
ENGINE = "engine propose()"
GROUPENG = "GroupEng-style swaps"
HILL = "hill climber"
#: The criteria tallied per group, in the order the table shows them.
CRITERIA = ("count range", "balance", "shared time", "no isolated")


def engine(problem: GroupProblem) -> Plan:
    proposal = propose(problem)
    return Plan(
        frozen([list(g.members) for g in proposal.groups]),
        tuple(u.person_id for u in proposal.unmatched),
        (("status", proposal.status), ("gap", proposal.gap), ("solve seconds", proposal.seconds)),
    )


def hill_climb(problem: GroupProblem, seed: int = 0, time_limit: float = 30.0) -> Plan:
    """A plain hill climber: random groups, then random swaps of two people in different groups,
    each taken when it breaks fewer hard rules, or as many and raises the engine's objective
    (total + worst_group x the worst group), until ``time_limit``. Moves are judged by the engine's
    search state, the same figures :func:`group_score` and :func:`validate` give."""
    deadline = time.perf_counter() + time_limit
    rng = random.Random(seed)
    groups, left_out = random_groups(problem, rng)
    state = State(problem, groups)
    tried = taken = 0
    g = len(groups)
    while g > 1 and time.perf_counter() < deadline:
        for _ in range(200):
            a, b = rng.sample(range(g), 2)
            p, q = rng.choice(state.groups[a]), rng.choice(state.groups[b])
            move = state.judge(p, a, q, b)
            tried += 1
            if (move.broken, -move.value) < (state.broken, -state.objective()):
                state.apply(move)
                taken += 1
    return Plan(frozen(state.groups), tuple(left_out), (("swaps tried", tried), ("swaps taken", taken)))


def criteria_met(problem: GroupProblem, groups: list[tuple[str, ...]]) -> dict[str, int]:
    """Per criterion, the groups meeting it: within every count range, within every balance's
    tolerance, sharing at least the shared time's hours, and nobody the only one of their value of
    a ``no_isolated`` attribute (whether or not it could be avoided)."""
    config, people = problem.config, len(problem.people)
    met = dict.fromkeys(CRITERIA, 0)
    for members in groups:
        size = len(members)
        met["count range"] += all(
            not range_off(rule, range_tally(problem, r, members)) for r, rule in enumerate(config.counts)
        )
        met["balance"] += all(
            rule.tolerance is None
            or deviation(sum(problem.numbers[b][m] for m in members), size, problem.whole(b), people)
            <= rule.tolerance
            for b, rule in enumerate(config.balance)
        )
        wanted = config.shared_time
        met["shared time"] += wanted is None or hours_of(problem.shared_slots(members)) >= wanted.hours
        met["no isolated"] += not isolated_members(problem, members)
    return met


def bench(people: int, seed: int, time_limit: float) -> dict[str, Any]:
    """The three methods on the round of ``people``, each given ``time_limit`` seconds."""
    started = time.perf_counter()
    problem = criteria_instance(people, seed, time_limit=time_limit)
    build_seconds = time.perf_counter() - started
    click.echo(f"… {people:,} people: {problem.groups} groups, built in {build_seconds:.1f} s", err=True)
    methods: list[tuple[str, Callable[[], Plan]]] = [
        (ENGINE, lambda: engine(problem)),
        (GROUPENG, lambda: groupeng_style(problem, seed, time_limit)),
        (HILL, lambda: hill_climb(problem, seed, time_limit)),
    ]
    rows, notes = [], []
    for name, work in methods:
        click.echo(f"… {people:,} people: {name}", err=True)
        try:
            plan, seconds, growth, peak = measured(work, METHOD_TIMEOUT)
        except MethodFailed as failure:
            notes.append(f"{name}: {failure}")
            continue
        found = row(problem, name, plan, seconds, (peak, growth))
        found["met"] = criteria_met(problem, [tuple(g) for g in plan.groups])
        rows.append(found)
    result = {
        "people": people,
        "participants": len(problem.people),
        "groups": problem.groups,
        "time_limit": time_limit,
        "bound": upper_bound(problem),
        "build_seconds": build_seconds,
        "config": problem.config.as_dict(),
        "conflicts": list(problem.conflicts),
        "rows": rows,
        "notes": notes,
    }
    result["goals"] = goals(result)
    return result


def goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's goals, each with the figure it is judged on."""
    rows = {r["method"]: r for r in result["rows"]}
    mine = rows.get(ENGINE)
    if mine is None:
        return [{"goal": "the engine ran", "value": "; ".join(result["notes"]), "pass": False}]

    def goal(text: str, value: Any, ok: bool) -> dict[str, Any]:
        return {"goal": text, "value": value, "pass": bool(ok)}

    found = [goal("no hard rule broken", mine["violations"], mine["violations"] == 0)]
    others = [r for name, r in rows.items() if name != ENGINE]
    for criterion in CRITERIA:
        figures = " vs ".join(str(r["met"][criterion]) for r in [mine, *others])
        # Met in every group, it cannot be met in more.
        everywhere = mine["met"][criterion] == result["groups"]
        found.append(
            goal(
                f"{criterion} met in more groups than {' and '.join(r['method'] for r in others)}, or in all",
                f"{figures} of {result['groups']}",
                everywhere or all(mine["met"][criterion] > r["met"][criterion] for r in others),
            )
        )
    search = mine["facts"].get("solve seconds", mine["seconds"])
    found.append(
        goal(
            f"gap to the bound under {GOALS['gap']:.0%} within {GOALS['seconds']:.0f} s",
            f"{mine['gap']:.2%}, search {search:.1f} s",
            mine["gap"] < GOALS["gap"] and search <= GOALS["seconds"] + 1.0,
        )
    )
    return found


def run(sizes: tuple[int, ...] = (500, 2000), seed: int = 1, time_limit: float = 30.0) -> dict[str, Any]:
    """The three methods at each size."""
    return {
        "seed": seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "instances": [bench(n, seed, time_limit) for n in sizes],
    }


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table for the README, then the goals and notes."""
    lines = [
        "| people | method | seconds | total | worst group | gap | groups failing a hard rule "
        "| count range met | balance met | shared time met | nobody isolated |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results["instances"]:
        for r in result["rows"]:
            met = " | ".join(f"{r['met'][c]}/{result['groups']}" for c in CRITERIA)
            lines.append(
                f"| {result['people']:,} | {r['method']} | {r['seconds']:.1f} | {r['total']:.1f} "
                f"| {r['worst']:.1f} | {r['gap']:.2%} | {r['violated_groups']} | {met} |"
            )
    lines.append("")
    for result in results["instances"]:
        config = result["config"]
        (count,) = config["counts"] or [{"attribute": "none", "level": 0}]
        (balance,) = config["balance"]
        lines.append(
            f"{result['people']:,} people: {result['groups']} groups of {config['size_min']}-"
            f"{config['size_max']}, 1-2 at level {count['level']} in {count['attribute']}, experience "
            f"within {balance['tolerance']} years, {config['shared_time']['hours']:.0f} h shared (soft), "
            f"bound {result['bound']:.1f}"
        )
        lines += [f"  - note: {text}" for text in [*result["conflicts"], *result["notes"]]]
        for r in result["rows"]:
            if r["broken_rules"]:
                broken = ", ".join(f"{k} {v}" for k, v in r["broken_rules"].items())
                lines.append(f"  - {r['method']}: hard rules broken: {broken}")
        for g in result["goals"]:
            lines.append(f"  - [{'pass' if g['pass'] else 'FAIL'}] {g['goal']}: {g['value']}")
    return "\n".join(lines)

"""``meeloop bench-groups``: the group engine beside the usual ways of forming groups.

One realistic think-tank round (:func:`realistic_config`) on a synthetic organisation, groups of
5-7, formed side by side by:

- the engine, :func:`matcher.engines.groups.propose`;
- best of N random shuffles, lunch-roulette's method (:func:`random_best_of`);
- a GroupEng-style rule-priority swap heuristic written for this benchmark
  (:func:`~bench.groups.groupeng.groupeng_style`).

Every plan is valued the same way, by the project's own :func:`~matcher.engines.groups.problem.group_score`
and checked by its own :func:`~matcher.engines.groups.validate`: the total (the sum of the groups' scores,
the "diversity" of the round), the worst group's score (CATME Team-Maker's criterion), the hard rules
broken, and the gap of ``total + worst_group x worst`` (the engine's objective) to
:func:`~matcher.engines.groups.bound.upper_bound`. The large run (``big``) measures the engine and random
shuffles only; the report names the N used.

Each method runs in a child process forked after the instance is built, so it starts from the same
memory. Seconds are wall time inside the child; "peak MiB" is the child's high-water resident set
while the method ran (measured as the pairing benchmark does): the problem held in memory plus what
the method needed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bench.groups import criteria
from bench.groups.groupeng import groupeng_style, rule_failures
from bench.groups.round import (
    TODAY,
    Plan,
    choose_topic,
    criteria_instance,
    frozen,
    instance,
    random_best_of,
    random_groups,
    realistic_config,
    row,
    total_score,
)
from bench.measuring import MethodFailed, measured
from matcher.engines.groups import GroupProblem, propose
from matcher.engines.groups.bound import upper_bound

__all__ = [
    "TODAY",
    "Plan",
    "choose_topic",
    "command",
    "criteria_instance",
    "groupeng_style",
    "instance",
    "random_best_of",
    "random_groups",
    "realistic_config",
    "row",
    "rule_failures",
    "run",
    "table",
    "total_score",
]

BIG_TIME_LIMIT = 120.0
#: A method still running after this many seconds is stopped and reported as such.
METHOD_TIMEOUT = 1800.0
GOALS = {"gap": 0.02, "seconds": 30.0, "big gap": 0.03}


def engine(problem: GroupProblem) -> Plan:
    proposal = propose(problem)
    return Plan(
        frozen([list(g.members) for g in proposal.groups]),
        tuple(u.person_id for u in proposal.unmatched),
        (
            ("status", proposal.status),
            ("objective", proposal.objective),
            ("gap", proposal.gap),
            ("solve seconds", proposal.seconds),
        ),
    )


# -- one instance, every method ---------------------------------------------------------------------


ENGINE = "engine propose()"
ONE_SHUFFLE = "random, 1 shuffle"


def bench(people: int, seed: int, time_limit: float, shuffles: int, *, big: bool = False) -> dict[str, Any]:
    """Every method on one instance of ``people``; ``big``: the engine and random shuffles only."""
    started = time.perf_counter()
    problem = instance(people, seed, time_limit=time_limit)
    build_seconds = time.perf_counter() - started
    config = problem.config
    click.echo(
        f"… {people:,} people: {problem.groups} groups, topic {', '.join(config.topic_skills)} at level "
        f"{config.topic_level}, built in {build_seconds:.1f} s",
        err=True,
    )
    methods: list[tuple[str, Callable[[], Plan]]] = [
        (ENGINE, lambda: engine(problem)),
        (f"random best of {shuffles:,}", lambda: random_best_of(problem, shuffles, seed)),
        (ONE_SHUFFLE, lambda: random_best_of(problem, 1, seed)),
    ]
    if not big:
        methods.append(("GroupEng-style swaps", lambda: groupeng_style(problem, seed, time_limit)))
    rows, notes = [], []
    for name, work in methods:
        click.echo(f"… {people:,} people: {name}", err=True)
        try:
            plan, seconds, growth, peak = measured(work, METHOD_TIMEOUT)
        except MethodFailed as failure:
            notes.append(f"{name}: {failure}")
            continue
        rows.append(row(problem, name, plan, seconds, (peak, growth)))
    result = {
        "people": people,
        "participants": len(problem.people),
        "groups": problem.groups,
        "left_over": problem.left_over,
        "time_limit": time_limit,
        "shuffles": shuffles,
        "bound": upper_bound(problem),
        "build_seconds": build_seconds,
        "config": config.as_dict(),
        "conflicts": list(problem.conflicts),
        "rows": rows,
        "notes": notes,
    }
    result["goals"] = goals(result, big=big)
    return result


def goals(result: dict[str, Any], *, big: bool = False) -> list[dict[str, Any]]:
    """The issue's goals, each with the figure it is judged on. Time is the engine's search as it
    reports it (``GroupProposal.seconds``), with a second's grace for the move in hand."""
    rows = {r["method"]: r for r in result["rows"]}
    mine = rows.get(ENGINE)
    if mine is None:
        return [{"goal": "the engine ran", "value": "; ".join(result["notes"]), "pass": False}]

    def goal(text: str, value: Any, ok: bool) -> dict[str, Any]:
        return {"goal": text, "value": value, "pass": bool(ok)}

    found = [goal("no hard rule broken", mine["violations"], mine["violations"] == 0)]
    for other in (r for name, r in rows.items() if name not in (ENGINE, ONE_SHUFFLE)):
        for key, label in (("total", "total score"), ("worst", "worst group's score")):
            found.append(
                goal(
                    f"{label} above {other['method']}",
                    f"{mine[key]:.1f} vs {other[key]:.1f}",
                    mine[key] > other[key],
                )
            )
    search = mine["facts"].get("solve seconds", mine["seconds"])
    if big:
        limit = result["time_limit"]
        found.append(
            goal(
                f"{result['people']:,} people feasible within {limit:.0f} s",
                f"{mine['violations']} broken, search {search:.1f} s, propose() {mine['seconds']:.1f} s",
                mine["violations"] == 0 and search <= limit + 1.0,
            )
        )
        found.append(
            goal(
                f"gap to the bound ≤ {GOALS['big gap']:.0%} within {limit:.0f} s",
                f"{mine['gap']:.2%}, search {search:.1f} s",
                mine["gap"] <= GOALS["big gap"] and search <= limit + 1.0,
            )
        )
    else:
        limit = GOALS["seconds"]
        found.append(
            goal(
                f"gap to the bound ≤ {GOALS['gap']:.0%} within {limit:.0f} s",
                f"{mine['gap']:.2%}, search {search:.1f} s",
                mine["gap"] <= GOALS["gap"] and search <= limit + 1.0,
            )
        )
    return found


def run(
    sizes: tuple[int, ...] = (2000,),
    seed: int = 1,
    time_limit: float = 30.0,
    shuffles: int = 1000,
    big: int | None = None,
    big_shuffles: int | None = None,
    big_time_limit: float = BIG_TIME_LIMIT,
) -> dict[str, Any]:
    """Every method at each size; with ``big``, also that many people for the engine (with
    ``big_time_limit``, 120 s) and random best of ``big_shuffles`` (default: ``shuffles``; a
    shuffle of 20,000 people is scored in about 0.05 s, so 1,000 take under a minute, less than
    the engine's limit)."""
    instances = [bench(n, seed, time_limit, shuffles) for n in sizes]
    if big:
        instances.append(bench(big, seed, big_time_limit, big_shuffles or shuffles, big=True))
    return {
        "seed": seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "memory": "high-water resident set of the child process forked for each method, while it ran; "
        "growth: over the child's resident set when the method began",
        "instances": instances,
    }


# -- report -----------------------------------------------------------------------------------------


def _mib(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table for the README, then the goals and notes."""
    lines = [
        "| people | method | seconds | total | worst group | violations | gap | peak MiB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results["instances"]:
        for r in result["rows"]:
            broken = f"{r['violations']} ({r['violated_groups']} groups)" if r["violations"] else "0"
            lines.append(
                f"| {result['people']:,} | {r['method']} | {r['seconds']:.1f} | {r['total']:.1f} "
                f"| {r['worst']:.1f} | {broken} | {r['gap']:.2%} | {_mib(r['peak_mib'])} |"
            )
    lines += [
        "",
        "total = sum of the groups' scores; gap = (bound − total − worst_group × worst) ÷ bound, the "
        "engine's objective against its proven upper bound; violations = hard rules validate() finds "
        "(groups with one or more); peak = the high-water resident set of the method's forked process.",
    ]
    for result in results["instances"]:
        config = result["config"]
        lines.append(
            f"{result['people']:,} people: {result['groups']} groups of {config['size_min']}-"
            f"{config['size_max']}, topic {', '.join(config['topic_skills']) or 'none'} at level "
            f"{config['topic_level']}, bound {result['bound']:.1f}, built in {result['build_seconds']:.1f} s"
        )
        lines += [f"  - note: {text}" for text in [*result["conflicts"], *result["notes"]]]
        growth = ", ".join(f"{r['method']} {_mib(r['growth_mib'])}" for r in result["rows"])
        lines.append(f"  - memory growth during each method (MiB): {growth}")
        for r in result["rows"]:
            if "rule failures" in r["facts"]:
                failing = ", ".join(f"{k} {v}" for k, v in r["facts"]["rule failures"].items())
                lines.append(f"  - {r['method']}: groups failing each GroupEng rule: {failing}")
            if "valid shuffles" in r["facts"]:
                lines.append(
                    f"  - {r['method']}: {r['facts']['valid shuffles']:,} of {r['facts']['shuffles']:,} "
                    "shuffles keep the cooldown"
                )
        for g in result["goals"]:
            lines.append(f"  - [{'pass' if g['pass'] else 'FAIL'}] {g['goal']}: {g['value']}")
    return "\n".join(lines)


@click.command("bench-groups")
@click.option("--people", default="2000", show_default=True, help="Sizes, comma separated.")
@click.option("--seed", default=1, show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True)
@click.option("--shuffles", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option(
    "--big", type=click.IntRange(min=10), help="Also this many people: the engine and shuffles only."
)
@click.option(
    "--big-time-limit",
    type=click.FloatRange(min=0.1),
    default=BIG_TIME_LIMIT,
    show_default=True,
    help="The engine's time limit at --big people.",
)
@click.option(
    "--criteria",
    "with_criteria",
    is_flag=True,
    help="Instead: the round with a rule of each kind (count range, balance, shared time); the engine, "
    "GroupEng-style swaps and a hill climber, each --time-limit seconds at every size and --big.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Also write the figures as JSON.")
def command(
    people: str,
    seed: int,
    time_limit: float,
    shuffles: int,
    big: int | None,
    big_time_limit: float,
    with_criteria: bool,
    out: Path | None,
) -> None:
    """Compare the group engine with best-of-N random shuffles and GroupEng-style swaps."""
    try:
        found = tuple(int(n) for n in people.split(","))
    except ValueError:
        raise click.BadParameter("expected sizes like 60,2000", param_hint="--people") from None
    if with_criteria:
        results = criteria.run((*found, big) if big else found, seed, time_limit)
        click.echo(criteria.table(results))
    else:
        results = run(found, seed, time_limit, shuffles, big, big_time_limit=big_time_limit)
        click.echo(table(results))
    if out:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

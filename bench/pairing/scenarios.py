"""The scenarios of each size, every method on one instance, and the goals each scenario is held to."""

from __future__ import annotations

import gc
import time
from collections import Counter
from typing import Any

import click

from bench.measuring import MethodFailed, measured, peak_mib, reset_peak, status_mib
from bench.pairing.baselines import BASELINES, EXACT, ONE_ROLE, skip_reason
from bench.pairing.instances import (
    TODAY,
    Instance,
    instance_of,
    named,
    plan_points,
    reference_instance,
    stand_in,
)
from bench.synthetic import generate_organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import (
    PairingConfig,
    PairingProblem,
    Rules,
    Weights,
    build_problem,
    propose,
    validate,
)
from matcher.engines.pairing.problem import SCALE
from matcher.engines.pairing.solver import solve

#: From this many people on, "every rule on" keeps this many candidate teachers per learner.
LARGE, LARGE_PRUNE = 20_000, 20
#: From this many people on (central government), only "every rule on" is measured (every pair of
#: a pure-capacity round would be a candidate), with the bound tightened until the plan is proven
#: within ``HUGE_GAP_LIMIT``, a fifth of the goal's gap.
HUGE, HUGE_GAP_LIMIT = 100_000, 0.001
#: The scale issue's goals for "every rule on", from this many people: the gap to the proven bound,
#: the round's seconds (build + propose) and its peak memory in GiB (None: no goal).
ROUND_GOALS = (
    (HUGE, 0.005, 120.0, 4.0),
    (LARGE, 0.001, 15.0, 1.5),
    (2_000, 0.0, 2.0, None),
    (0, 0.01, None, None),
)
#: Exchange rounds are measured up to this many people.
EXCHANGE_MAX_PEOPLE = 5_000
#: A baseline still running after this many seconds is stopped and reported as such.
BASELINE_TIMEOUT = 900.0
GOALS = {"time ratio": 2.0, "networkx slower": 10.0}


def _engine(problem: PairingProblem) -> dict[str, Any]:
    proposal = propose(problem)
    return {
        "pairs": [tuple(p.members) for p in proposal.pairs],
        "objective": proposal.objective,
        "bound": proposal.bound,
        "status": proposal.status,
        "solver": proposal.solver,
        "solve_seconds": proposal.seconds,
    }


def _engine_solve_only(problem: PairingProblem) -> dict[str, Any]:
    outcome = solve(problem)
    return {
        "pairs": [tuple(p) for p in outcome.chosen],
        "objective": outcome.objective / SCALE,
        "bound": outcome.bound / SCALE,
        "status": outcome.status,
        "solver": outcome.solver,
        "solve_seconds": outcome.seconds,
    }


# -- one instance, every method ---------------------------------------------------------------------


def run_instance(scenario: str, problem: PairingProblem, inst: Instance, *, real: bool) -> dict[str, Any]:
    """Every method on one instance. ``real``: a problem built from an organisation (then the
    engine runs propose() and every plan is validated); else a stand-in and solve() only."""
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    try:
        engine, seconds, growth, peak = measured(
            lambda: _engine(problem) if real else _engine_solve_only(problem)
        )
    except MethodFailed as failure:
        raise click.ClickException(f"{scenario}: the engine failed: {failure}") from None
    solve_seconds = engine["solve_seconds"]
    label = "engine propose()" if real else "engine solve() on a stand-in"
    rows.append(_row(label, engine["pairs"], seconds, growth, peak, solver=engine["solver"]))
    if real:
        rows.append(
            _row("engine solve()", engine["pairs"], solve_seconds, None, None, solver=engine["solver"])
        )
    for name, method in BASELINES.items():
        reason = skip_reason(name, inst)
        if reason:
            notes.append(reason)
            continue
        try:
            result, seconds, growth, peak = measured(lambda method=method: method(inst), BASELINE_TIMEOUT)
        except MethodFailed as failure:
            notes.append(f"{name}: {failure}")
            continue
        plan, extra = result if isinstance(result, tuple) else (result, {})
        rows.append(_row(name, named(inst, plan), seconds, growth, peak))
        if "solve_seconds" in extra:
            rows.append(_row(f"{name}, solve only", rows[-1]["pairs"], extra["solve_seconds"], None, None))
    for row in rows:
        row["objective"] = plan_points(problem, row["pairs"]) / SCALE
        row["time_ratio"] = row["seconds"] / solve_seconds if solve_seconds else None
        if real:
            broken = Counter(v.rule for v in validate(problem, row["pairs"]))
            row["violations"] = sum(broken.values())
            row["broken_rules"] = dict(broken)
    valid = [r["objective"] for r in rows if not r.get("violations")]
    best = max(valid) if valid else None
    bound = engine["bound"]
    for row in rows:
        row["ratio"] = row["objective"] / best if best else None
        row["gap"] = (bound - row["objective"]) / abs(bound) if bound else 0.0
    return {
        "scenario": scenario,
        "engine": {k: v for k, v in engine.items() if k != "pairs"},
        "best_valid": best,
        "rows": rows,
        "notes": notes,
    }


def _row(
    method: str,
    pairs: list[tuple[str, str]],
    seconds: float,
    growth: float | None,
    peak: float | None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "method": method,
        "pairs": sorted(pairs),
        "seconds": seconds,
        "peak_mib": growth,
        "process_peak_mib": peak,
        **extra,
    }


def _rows(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["method"]: row for row in result["rows"]}


# -- scenarios --------------------------------------------------------------------------------------


def configs(people: int, time_limit: float | None) -> dict[str, PairingConfig]:
    every_rule = PairingConfig(time_limit=time_limit or (60.0 if people >= LARGE else 10.0))
    if people >= LARGE:
        every_rule = every_rule.replace(candidates_per_learner=LARGE_PRUNE)
    if people >= HUGE:
        return {"every rule on": every_rule.replace(gap_limit=HUGE_GAP_LIMIT)}
    found = {
        "every rule on": every_rule,
        "pure capacity": PairingConfig(weights=Weights(spread=0), rules=Rules(one_role=False)),
    }
    if people <= EXCHANGE_MAX_PEOPLE:
        found["exchange"] = PairingConfig(mode="exchange", odd_one_out="report")
    return found


def _built(tmap: TalentMap, config: PairingConfig) -> tuple[PairingProblem, dict[str, Any]]:
    """Build the problem in this process, measuring time and the high-water mark of the build."""
    gc.collect()
    reset = reset_peak()
    before = status_mib("VmRSS")
    started = time.perf_counter()
    problem = build_problem(tmap, config, today=TODAY)
    seconds, peak = time.perf_counter() - started, peak_mib(reset)
    figures = {
        "build_seconds": seconds,
        "build_peak_mib": peak - before,
        "build_process_peak_mib": peak,
        "teachers": len(problem.teachers),
        "capacity": sum(problem.teachers.values()),
        "learners": len(problem.learners),
        "candidates": len(problem.candidates),
        "pruned": problem.pruned_count,
    }
    return problem, figures


def bench_people(people: int, seed: int, time_limit: float | None) -> list[dict[str, Any]]:
    org = generate_organisation(people, seed=seed, today=TODAY)
    tmap = TalentMap(org, today=TODAY)
    results = []
    for scenario, config in configs(people, time_limit).items():
        problem, figures = _built(tmap, config)
        click.echo(
            f"… {people:,} people, {scenario}: {figures['candidates']:,} candidates "
            f"({figures['pruned']:,} pruned), built in {figures['build_seconds']:.1f} s",
            err=True,
        )
        result = run_instance(scenario, problem, instance_of(problem), real=True)
        result |= {"people": people, "config": config.as_dict(), "instance": figures}
        result["goals"] = goals(result)
        results.append(result)
        del problem
    if people >= HUGE:
        click.echo(f"… from {HUGE:,} people only 'every rule on' is measured", err=True)
    elif people > EXCHANGE_MAX_PEOPLE:
        click.echo(f"… exchange mode is measured up to {EXCHANGE_MAX_PEOPLE:,} people; skipped", err=True)
    return results


def bench_reference(learners: int, teachers: int, capacity: int, seed: int) -> dict[str, Any]:
    inst = reference_instance(learners, teachers, capacity, seed)
    problem = stand_in(inst)
    scenario = f"reference {learners:,} × {teachers:,}, capacity {capacity}"
    click.echo(f"… {scenario}: {len(inst.tail):,} candidates", err=True)
    result = run_instance(scenario, problem, inst, real=False)
    result |= {
        "people": None,
        "instance": {"teachers": teachers, "capacity": capacity * teachers, "learners": learners},
    }
    result["notes"].append(
        "the engine's solve() runs on a stand-in problem whose people have nothing but an id and whose "
        "candidates are the instance's pairs; propose() would explain pairs without skills, so it is not run"
    )
    result["goals"] = goals(result)
    return result


def goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows, engine = _rows(result), result["engine"]
    scenario = result["scenario"]
    engine_row = rows.get("engine propose()") or rows["engine solve() on a stand-in"]
    found = []

    def goal(text: str, value: Any, ok: bool | None) -> None:
        """``ok`` None: a figure to read beside the goals, not a goal."""
        found.append({"goal": text, "value": value, "pass": None if ok is None else bool(ok)})

    if scenario == "pure capacity" or scenario.startswith("reference"):
        exact = [rows[n] for n in EXACT if n in rows]
        optimum = max(r["objective"] for r in exact)
        goal(
            "engine equals the exact optimum",
            f"{engine_row['objective']} vs {optimum}",
            abs(engine_row["objective"] - optimum) < 1e-9,
        )
        fastest = min(r["seconds"] for r in exact)
        ratio = engine["solve_seconds"] / fastest
        goal(
            f"engine solve() ≤ {GOALS['time ratio']}x the fastest exact baseline (build + solve)",
            round(ratio, 2),
            ratio <= GOALS["time ratio"],
        )
    elif scenario == "every rule on":
        limit, seconds, gib = next(g[1:] for g in ROUND_GOALS if result["people"] >= g[0])
        goal("engine plan breaks no rule", engine_row["violations"], engine_row["violations"] == 0)
        if limit:
            goal(
                f"engine gap to its bound < {limit:.1%}",
                f"{engine_row['gap']:.3%}",
                engine_row["gap"] < limit,
            )
        else:
            goal("engine plan proven optimal", engine["status"], engine["status"] == "optimal")
        beaten = all(engine_row["objective"] >= r["objective"] for r in result["rows"] if not r["violations"])
        goal("engine ≥ every baseline plan that breaks no rule", result["best_valid"], beaten)
        for name in ONE_ROLE:
            if name in rows and rows[name]["objective"] > 0:
                goal(
                    f"engine ÷ {name}, a plan that keeps one role per round (above 1: the engine is better)",
                    round(engine_row["objective"] / rows[name]["objective"], 4),
                    None,
                )
        relaxed = max((rows[n]["objective"] for n in EXACT if n in rows), default=None)
        if relaxed:
            goal(
                "engine below the exact optimum without one role, over the kept candidates",
                f"{1 - engine_row['objective'] / relaxed:.2%}",
                None,
            )
        instance = result["instance"]
        wall = instance["build_seconds"] + engine_row["seconds"]
        goal(
            f"round wall time, build + propose (s){f' < {seconds:.0f}' if seconds else ''}",
            round(wall, 1),
            wall < seconds if seconds else None,
        )
        peak = max(instance["build_process_peak_mib"], engine_row["process_peak_mib"]) / 1024
        goal(
            f"peak RSS of the round (GiB){f' < {gib}' if gib else ''}",
            round(peak, 2),
            peak < gib if gib else None,
        )
    elif scenario == "exchange":
        nx_row = rows.get("networkx max_weight_matching")
        rx_row = rows.get("rustworkx max_weight_matching")
        if rx_row:
            goal(
                "engine objective = rustworkx called directly on the same edges",
                f"{engine_row['objective']} vs {rx_row['objective']}",
                abs(engine_row["objective"] - rx_row["objective"]) < 1e-9,
            )
            goal(
                "engine solve() ÷ rustworkx called directly on the same edges (the library the "
                "engine's solve calls: 1 is the limit; lower is better)",
                round(engine["solve_seconds"] / rx_row["seconds"], 2),
                None,
            )
        if nx_row:
            goal(
                "engine objective ≥ networkx",
                round(engine_row["objective"] / nx_row["objective"], 4),
                engine_row["objective"] >= nx_row["objective"] - 1e-9,
            )
            ratio = nx_row["seconds"] / engine["solve_seconds"]
            goal(
                f"engine solve() ≥ {GOALS['networkx slower']:.0f}x faster than networkx "
                "(rustworkx's speed: the engine calls it)",
                round(ratio, 1),
                ratio >= GOALS["networkx slower"],
            )
    return found

"""``meeloop bench-pairing``: the pairing engine beside the usual ways of pairing people.

Every method gets the same scored candidate pairs, taken from
:func:`matcher.engines.pairing.build_problem`, and every plan is valued the same way:
the points of its pairs minus the load penalty (a teacher's k-th learner costs
``spread * (k - 1)``), recomputed here from the plan itself, and re-checked
with :func:`matcher.engines.pairing.validate`. The baselines:

- greedy, a spreadsheet's way: pairs by points, best first, taken while the
  learner is free and the teacher has room;
- networkx ``max_weight_matching`` (what Yelp's "beans" uses). In directed modes
  each teacher is expanded into ``capacity`` copies, copy j weighing the pair's
  points minus ``spread * j``, which makes the matching exact for capacities;
- stable matching (Gale–Shapley): learners propose in order of points, teachers
  keep their best by points up to capacity;
- exact polynomial solvers for the directed modes: scipy ``linear_sum_assignment``
  on the dense capacity-expanded matrix (when it fits), scipy
  ``min_weight_full_bipartite_matching`` on the sparse one (a dummy column per
  learner lets anyone stay unpaired), and OR-Tools' ``SimpleMinCostFlow`` built
  from numpy arrays, timed on the solve alone and on build plus solve.

None of the baselines knows the rule "one role per round", so where it is on
their plans may break it; the report counts what :func:`validate` finds. The
exact baselines then solve the round without that rule: an upper bound for
any plan over the same candidates.

Scenarios, for each ``--people`` size: "every rule on" (the default config;
from 20,000 people with ``candidates_per_learner=20``), "pure capacity"
(spread 0, one role off: a transportation problem the engine solves exactly),
and exchange (up to 5,000 people, the odd one out reported rather than added
as a third, so the round is a plain matching). Besides, the reference instance
of 2,000 learners × 500 teachers of capacity 4 with random points on every
pair; it has no organisation, so the engine's ``solve()`` runs on a stand-in.

Every method runs in a child process forked from the benchmark, so it starts
from the same memory and its figures are its own. Time is wall time inside the
child. Memory is the growth of the child's resident set over the method: the
kernel's high-water mark (``VmHWM``) is reset through ``/proc/self/clear_refs``
before the method and read after it. "Process peak" is the child's whole
high-water mark, i.e. the problem held in memory plus the method.
"""

from __future__ import annotations

import datetime as dt
import gc
import heapq
import importlib.util
import json
import multiprocessing
import os
import resource
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import networkx as nx
import numpy as np
from ortools.graph.python import min_cost_flow

from bench.synthetic import generate_organisation
from matcher.domain.model import Organisation, Person
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
from matcher.engines.pairing.problem import SCALE, Candidate
from matcher.engines.pairing.solver import load_penalty, solve

TODAY = dt.date(2026, 11, 2)
#: From this many people on, "every rule on" keeps this many candidate teachers per learner.
LARGE, LARGE_PRUNE = 20_000, 20
#: Exchange rounds are measured up to this many people.
EXCHANGE_MAX_PEOPLE = 5_000
#: Beyond these sizes a baseline is skipped with a note: networkx's pure-Python blossom on the
#: (expanded) graph, and a dense matrix for linear_sum_assignment.
NETWORKX_MAX_EDGES = 250_000
DENSE_MAX_CELLS = 200_000_000
#: A baseline still running after this many seconds is stopped and reported as such.
BASELINE_TIMEOUT = 900.0
GOALS = {"time ratio": 2.0, "gap": 0.01, "large gap": 0.03, "peak GiB": 4.0, "networkx slower": 10.0}


# -- the candidates as plain arrays -----------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """Candidate pairs as arrays. Directed: ``tail`` teaches ``head``. Exchange: ``tail`` and
    ``head`` both index ``people`` (= ``teachers`` = ``learners``) and ``capacity`` is all ones."""

    directed: bool
    teachers: tuple[str, ...]
    learners: tuple[str, ...]
    capacity: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    points: np.ndarray
    step: int  # points the k-th learner of one teacher costs, times (k - 1)


def instance_of(problem: PairingProblem) -> Instance:
    """The candidates the engine searches (``problem.candidates``), as arrays."""
    directed = problem.config.directed
    learners = tuple(sorted(set(problem.learners)))
    teachers = tuple(sorted(problem.teachers)) if directed else learners
    t_index = {p: i for i, p in enumerate(teachers)}
    l_index = {p: i for i, p in enumerate(learners)}
    keys = sorted(problem.candidates)
    return Instance(
        directed=directed,
        teachers=teachers,
        learners=learners,
        capacity=np.array([problem.teachers[t] for t in teachers], dtype=np.int64),
        tail=np.array([t_index[a] for a, _ in keys], dtype=np.int64),
        head=np.array([l_index[b] for _, b in keys], dtype=np.int64),
        points=np.array([problem.candidates[k].points for k in keys], dtype=np.int64),
        step=round(SCALE * problem.config.weights.spread) if directed else 0,
    )


def reference_instance(learners: int, teachers: int, capacity: int, seed: int) -> Instance:
    """The issue's reference: every learner may pair with every teacher, points drawn at random."""
    rng = np.random.default_rng(seed)
    tail, head = np.meshgrid(np.arange(teachers), np.arange(learners))
    return Instance(
        directed=True,
        teachers=tuple(f"t{i:04d}" for i in range(teachers)),
        learners=tuple(f"l{i:05d}" for i in range(learners)),
        capacity=np.full(teachers, capacity, dtype=np.int64),
        tail=tail.ravel().astype(np.int64),
        head=head.ravel().astype(np.int64),
        points=rng.integers(1, 1_001, size=learners * teachers).astype(np.int64),
        step=0,
    )


def stand_in(inst: Instance) -> PairingProblem:
    """A real problem for an instance without an organisation: its people exist with nothing
    but their ids, and its candidates are the instance's pairs and points."""
    people = tuple(Person(pid, pid, f"{pid}@example.org") for pid in (*inst.teachers, *inst.learners))
    problem = PairingProblem(
        config=PairingConfig(weights=Weights(spread=inst.step / SCALE), rules=Rules(one_role=False)),
        tmap=TalentMap(Organisation("reference", people), today=TODAY),
        today=TODAY,
        teachers=dict(zip(inst.teachers, inst.capacity.tolist(), strict=True)),
        learners=inst.learners,
    )
    for t, h, p in zip(inst.tail.tolist(), inst.head.tolist(), inst.points.tolist(), strict=True):
        members = (inst.teachers[t], inst.learners[h])
        problem.candidates[members] = Candidate(members, p, ())
    problem.arcs()
    return problem


Plan = list[tuple[int, int]]  # (tail, head) index pairs


def plan_points(problem: PairingProblem, pairs: list[tuple[str, str]]) -> int:
    """A plan's value in points, from the problem's own candidates and load penalty."""
    points = sum(problem.candidates[p].points for p in pairs)
    if problem.config.mode == "exchange":
        return points
    loads = Counter(teacher for teacher, _ in pairs)
    return points - sum(load_penalty(problem, n) for n in loads.values())


def named(inst: Instance, plan: Plan) -> list[tuple[str, str]]:
    return sorted((inst.teachers[t], inst.learners[h]) for t, h in plan)


# -- baselines --------------------------------------------------------------------------------------


def greedy(inst: Instance) -> Plan:
    """Best pairs first; take one while both sides are free (the teacher: has room)."""
    room = inst.capacity.tolist()
    taken = [False] * len(inst.learners)
    tail, head = inst.tail.tolist(), inst.head.tolist()
    plan = []
    for c in np.lexsort((inst.head, inst.tail, -inst.points)).tolist():
        t, h = tail[c], head[c]
        if taken[h] or (room[t] <= 0 if inst.directed else taken[t]):
            continue
        plan.append((t, h))
        taken[h] = True
        if inst.directed:
            room[t] -= 1
        else:
            taken[t] = True
    return plan


def stable(inst: Instance) -> Plan:
    """Gale–Shapley: learners propose best first; a full teacher keeps the better learner."""
    order = np.lexsort((inst.tail, -inst.points, inst.head))
    counts = np.bincount(inst.head, minlength=len(inst.learners))
    choices = [c.tolist() for c in np.split(order, np.cumsum(counts)[:-1])]
    tail, head, points, room = inst.tail.tolist(), inst.head.tolist(), inst.points.tolist(), inst.capacity
    held: list[list[tuple[int, int]]] = [[] for _ in inst.teachers]  # min-heaps of (points, -candidate)
    proposed = [0] * len(inst.learners)
    free = list(range(len(inst.learners) - 1, -1, -1))
    while free:
        learner = free.pop()
        if proposed[learner] == len(choices[learner]):
            continue
        c = choices[learner][proposed[learner]]
        proposed[learner] += 1
        kept, offer = held[tail[c]], (points[c], -c)
        if len(kept) < room[tail[c]]:
            heapq.heappush(kept, offer)
        elif offer > kept[0]:
            free.append(head[-heapq.heapreplace(kept, offer)[1]])
        else:
            free.append(learner)
    return [(tail[-c], head[-c]) for kept in held for _, c in kept]


@dataclass(frozen=True)
class Expansion:
    """Each teacher as ``capacity`` slots; edge e joins learner ``head[e]`` to ``slot[e]``."""

    slot_teacher: np.ndarray
    head: np.ndarray
    slot: np.ndarray
    weight: np.ndarray


def expand(inst: Instance) -> Expansion:
    """Slot j of a teacher is worth the pair's points minus ``step * j``; slots beyond the
    teacher's number of candidates, and edges worth nothing, are left out."""
    slots = np.minimum(inst.capacity, np.bincount(inst.tail, minlength=len(inst.teachers)))
    start = np.cumsum(slots) - slots
    repeat = slots[inst.tail]
    candidate = np.repeat(np.arange(len(inst.tail)), repeat)
    rank = np.arange(len(candidate)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    weight = inst.points[candidate] - inst.step * rank
    keep = weight > 0
    return Expansion(
        slot_teacher=np.repeat(np.arange(len(inst.teachers)), slots),
        head=inst.head[candidate][keep],
        slot=(start[inst.tail[candidate]] + rank)[keep],
        weight=weight[keep],
    )


def networkx_matching(inst: Instance) -> Plan:
    """networkx's blossom, on the capacity-expanded graph in directed modes."""
    graph = nx.Graph()
    if inst.directed:
        x = expand(inst)
        offset = len(x.slot_teacher)  # learner nodes follow the slot nodes
        graph.add_weighted_edges_from(
            zip(x.slot.tolist(), (x.head + offset).tolist(), x.weight.tolist(), strict=True)
        )
        matching = nx.max_weight_matching(graph)
        return [(int(x.slot_teacher[min(a, b)]), max(a, b) - offset) for a, b in matching]
    graph.add_weighted_edges_from(
        zip(inst.tail.tolist(), inst.head.tolist(), inst.points.tolist(), strict=True)
    )
    return [(min(a, b), max(a, b)) for a, b in nx.max_weight_matching(graph)]


def scipy_dense(inst: Instance) -> Plan:
    """linear_sum_assignment on learners × slots; a zero cell means "not paired"."""
    from scipy.optimize import linear_sum_assignment  # the bench extra: pip install meeloop[bench]

    x = expand(inst)
    values = np.zeros((len(inst.learners), len(x.slot_teacher)))
    values[x.head, x.slot] = x.weight
    rows, cols = linear_sum_assignment(values, maximize=True)
    used = values[rows, cols] > 0
    return list(zip(x.slot_teacher[cols[used]].tolist(), rows[used].tolist(), strict=True))


def scipy_sparse(inst: Instance) -> Plan:
    """min_weight_full_bipartite_matching needs every learner matched: each gets a dummy column
    that costs what being unpaired is worth, so a real edge costs less by the pair's weight."""
    x = expand(inst)
    learners, slots = len(inst.learners), len(x.slot_teacher)
    most = int(x.weight.max(initial=0)) + 1
    cost = np.concatenate([most - x.weight, np.full(learners, most)])
    rows = np.concatenate([x.head, np.arange(learners)])
    cols = np.concatenate([x.slot, slots + np.arange(learners)])
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    matrix = csr_matrix((cost.astype(float), (rows, cols)), shape=(learners, slots + learners))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(matrix)
    real = matched_cols < slots
    return list(zip(x.slot_teacher[matched_cols[real]].tolist(), matched_rows[real].tolist(), strict=True))


def ortools_flow(inst: Instance) -> tuple[Plan, dict[str, float]]:
    """Source → learner → teacher → sink, one arc per load step of a teacher, and a bypass arc
    from source to sink for learners left unpaired. Returns the plan and the solve's own time."""
    learners, teachers = len(inst.learners), len(inst.teachers)
    first_teacher = 2 + learners
    slots = np.minimum(inst.capacity, np.bincount(inst.tail, minlength=teachers))
    slot_teacher = np.repeat(np.arange(teachers), slots)
    slot_rank = np.arange(len(slot_teacher)) - np.repeat(np.cumsum(slots) - slots, slots)
    tails = np.concatenate([np.zeros(learners + 1), 2 + inst.head, first_teacher + slot_teacher])
    heads = np.concatenate(
        [2 + np.arange(learners), [1], first_teacher + inst.tail, np.ones_like(slot_teacher)]
    )
    caps = np.concatenate([np.ones(learners), [learners], np.ones(len(inst.tail) + len(slot_teacher))])
    costs = np.concatenate([np.zeros(learners + 1), -inst.points, inst.step * slot_rank])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    flow.set_nodes_supplies(np.array([0, 1], dtype=np.int32), np.array([learners, -learners], dtype=np.int64))
    started = time.perf_counter()
    status = flow.solve()
    solve_seconds = time.perf_counter() - started
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    first = learners + 1
    used = np.flatnonzero(flow.flows(np.arange(first, first + len(inst.tail))))
    plan = list(zip(inst.tail[used].tolist(), inst.head[used].tolist(), strict=True))
    return plan, {"solve_seconds": solve_seconds}


BASELINES: dict[str, Callable[[Instance], Any]] = {
    "greedy": greedy,
    "stable matching": stable,
    "networkx max_weight_matching": networkx_matching,
    "scipy linear_sum_assignment": scipy_dense,
    "scipy min_weight_full_bipartite": scipy_sparse,
    "or-tools min-cost flow": ortools_flow,
}
EXACT = ("scipy linear_sum_assignment", "scipy min_weight_full_bipartite", "or-tools min-cost flow")


def skip_reason(name: str, inst: Instance) -> str | None:
    """Why a baseline does not run on this instance, or None."""
    if name.startswith("scipy") and importlib.util.find_spec("scipy") is None:
        return f"{name}: scipy is not installed (pip install 'meeloop[bench]')"
    if not inst.directed and name in ("stable matching", *EXACT):
        return f"{name}: bipartite only; an exchange round is a matching in a general graph"
    if name == "networkx max_weight_matching":
        edges = len(expand(inst).head) if inst.directed else len(inst.tail)
        if edges > NETWORKX_MAX_EDGES:
            return (
                f"{name}: skipped, {edges:,} edges in the {'capacity-expanded ' if inst.directed else ''}"
                f"graph (limit {NETWORKX_MAX_EDGES:,}; its pure-Python blossom is roughly cubic)"
            )
    if name == "scipy linear_sum_assignment":
        cells = len(inst.learners) * int(inst.capacity.sum())
        if cells > DENSE_MAX_CELLS:
            return f"{name}: skipped, the dense matrix would have {cells:,} cells (limit {DENSE_MAX_CELLS:,})"
    return None


# -- measuring in a child process -------------------------------------------------------------------


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> bool:
    """Set the kernel's high-water mark (VmHWM) back to the current resident set."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mib(reset: bool) -> float:
    """The high-water mark since the reset; without one, since the process began (an overestimate)."""
    return _status_mib("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(work: Callable[[], Any], pipe: Any) -> None:
    try:
        gc.collect()
        reset = _reset_peak()
        before = _status_mib("VmRSS")
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        peak = _peak_mib(reset)
        pipe.send(("ok", result, seconds, peak - before, peak))
    except BaseException:  # the parent reports it
        pipe.send(("error", traceback.format_exc(), 0.0, 0.0, 0.0))
    finally:
        pipe.close()


class MethodFailed(Exception):
    """A measured method ran out of time, raised, or its process died."""


def measured(work: Callable[[], Any], timeout: float | None = None) -> tuple[Any, float, float, float]:
    """Run ``work`` in a forked child: its result, seconds, memory growth and process peak in MiB."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, send))
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            child.kill()
            raise MethodFailed(f"stopped after {timeout:.0f} s without an answer")
        outcome, result, seconds, growth, peak = receive.recv()
    except EOFError:
        raise MethodFailed("its process died (out of memory?)") from None
    finally:
        child.join()
        receive.close()
    if outcome != "ok":
        raise MethodFailed(result)
    return result, seconds, growth, peak


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
    reset = _reset_peak()
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    problem = build_problem(tmap, config, today=TODAY)
    seconds, peak = time.perf_counter() - started, _peak_mib(reset)
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
    if people > EXCHANGE_MAX_PEOPLE:
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
        large = result["people"] >= LARGE
        limit = GOALS["large gap" if large else "gap"]
        goal("engine plan breaks no rule", engine_row["violations"], engine_row["violations"] == 0)
        goal(
            f"engine gap to its bound ≤ {limit:.0%}", round(engine_row["gap"], 5), engine_row["gap"] <= limit
        )
        beaten = all(engine_row["objective"] >= r["objective"] for r in result["rows"] if not r["violations"])
        goal("engine ≥ every baseline plan that breaks no rule", result["best_valid"], beaten)
        relaxed = max((rows[n]["objective"] for n in EXACT if n in rows), default=None)
        if relaxed:
            goal(
                "engine below the exact optimum without one role, over the kept candidates",
                f"{1 - engine_row['objective'] / relaxed:.2%}",
                None,
            )
        instance = result["instance"]
        goal(
            "round wall time, build + propose (s)",
            round(instance["build_seconds"] + engine_row["seconds"], 1),
            None,
        )
        if large:
            peak = max(instance["build_process_peak_mib"], engine_row["process_peak_mib"]) / 1024
            goal(f"peak RSS of the round < {GOALS['peak GiB']} GiB", round(peak, 2), peak < GOALS["peak GiB"])
    elif scenario == "exchange":
        nx_row = rows.get("networkx max_weight_matching")
        if nx_row:
            goal(
                "engine objective ≥ networkx",
                round(engine_row["objective"] / nx_row["objective"], 4),
                engine_row["objective"] >= nx_row["objective"] - 1e-9,
            )
            ratio = nx_row["seconds"] / engine["solve_seconds"]
            goal(
                f"engine solve() ≥ {GOALS['networkx slower']:.0f}x faster than networkx",
                round(ratio, 1),
                ratio >= GOALS["networkx slower"],
            )
    return found


# -- report -----------------------------------------------------------------------------------------


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def report(results: dict[str, Any]) -> str:
    lines = [
        f"seed {results['seed']}, Python {results['python']}, {results['cpus']} CPUs",
        "time ratio = seconds ÷ engine solve(); ratio = objective ÷ best plan that breaks no rule; "
        "gap to the engine's proven bound; peak = resident-set growth during the method, in its own "
        "forked process; breaks = rule violations found by validate()",
        "",
        "| scenario | method | objective | ratio | gap | seconds | time ratio | peak MiB | breaks |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results["instances"]:
        where = (
            result["scenario"] if result["people"] is None else f"{result['people']:,}: {result['scenario']}"
        )
        for row in result["rows"]:
            breaks = row.get("violations")
            lines.append(
                f"| {where} | {row['method']} | {row['objective']:.2f} | {_fmt(row['ratio'], '.4f')} "
                f"| {_fmt(row['gap'], '.2%')} | {row['seconds']:.3f} | {_fmt(row['time_ratio'], '.2f')} "
                f"| {_fmt(row['peak_mib'], '.1f')} | {'–' if breaks is None else breaks} |"
            )
    lines.append("")
    for result in results["instances"]:
        where = (
            result["scenario"] if result["people"] is None else f"{result['people']:,}: {result['scenario']}"
        )
        instance = result["instance"]
        lines.append(
            f"{where}: {instance['learners']:,} learners, {instance.get('teachers', 0):,} teachers "
            f"(capacity {instance['capacity']:,}), engine {result['engine']['solver']} "
            f"{result['engine']['status']}"
            + (
                f", build {instance['build_seconds']:.2f} s, peak {instance['build_peak_mib']:.0f} MiB"
                if "build_seconds" in instance
                else ""
            )
        )
        lines += [f"  - note: {note}" for note in result["notes"]]
        for g in result["goals"]:
            verdict = "info" if g["pass"] is None else "pass" if g["pass"] else "FAIL"
            lines.append(f"  - [{verdict}] {g['goal']}: {g['value']}")
    return "\n".join(lines)


@click.command("bench-pairing")
@click.option(
    "--people", default=None, help="Sizes, comma separated.  [default: 200,2000,20000; --quick: 200]"
)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    help="Seconds for the engine's search with every rule on.  [default: 10, from 20,000 people 60]",
)
@click.option("--out", type=click.Path(path_type=Path), help="Also write the figures as JSON.")
@click.option("--plans", is_flag=True, help="Put every method's pairs in the JSON too.")
@click.option("--quick", is_flag=True, help="Small and fast, for tests: 200 people, a 100 × 25 reference.")
def command(
    people: str | None, seed: int, time_limit: float | None, out: Path | None, plans: bool, quick: bool
) -> None:
    """Compare the pairing engine with greedy, stable matching, networkx and exact solvers."""
    try:
        sizes = [int(n) for n in (people or ("200" if quick else "200,2000,20000")).split(",")]
    except ValueError:
        raise click.BadParameter("expected sizes like 200,2000", param_hint="--people") from None
    results: dict[str, Any] = {
        "seed": seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "memory": "resident-set growth during each method in a forked child (VmHWM reset via clear_refs)",
        "instances": [],
    }
    reference = (100, 25, 4) if quick else (2_000, 500, 4)
    results["instances"].append(bench_reference(*reference, seed=seed))
    for size in sizes:
        results["instances"] += bench_people(size, seed, time_limit or (2.0 if quick else None))
    click.echo(report(results))
    if out:
        if not plans:
            for result in results["instances"]:
                for row in result["rows"]:
                    row.pop("pairs")
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

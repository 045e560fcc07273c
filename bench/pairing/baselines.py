"""The usual ways of pairing people, each on an :class:`~bench.pairing.instances.Instance`."""

from __future__ import annotations

import heapq
import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import networkx as nx
import numpy as np
import rustworkx as rx
from ortools.graph.python import min_cost_flow

from bench.pairing.instances import Instance, Plan

#: Beyond these sizes a baseline is skipped with a note: networkx's pure-Python blossom and
#: rustworkx's on the (expanded) graph, and a dense matrix for linear_sum_assignment.
NETWORKX_MAX_EDGES = 250_000
RUSTWORKX_MAX_EDGES = 1_000_000
DENSE_MAX_CELLS = 200_000_000


def greedy(inst: Instance, *, one_role: bool = False) -> Plan:
    """Best pairs first; take one while both sides are free (the teacher: has room). With
    ``one_role`` (directed rounds), "one role per round" is kept as well: a pair is skipped when
    its learner already teaches or its teacher already learns."""
    room = inst.capacity.tolist()
    taken = [False] * len(inst.learners)
    tail, head = inst.tail.tolist(), inst.head.tolist()
    teaching: set[str] = set()  # people, by id: a person may be both a teacher and a learner index
    learning: set[str] = set()
    plan = []
    for c in np.lexsort((inst.head, inst.tail, -inst.points)).tolist():
        t, h = tail[c], head[c]
        if taken[h] or (room[t] <= 0 if inst.directed else taken[t]):
            continue
        if one_role and (inst.learners[h] in teaching or inst.teachers[t] in learning):
            continue
        plan.append((t, h))
        taken[h] = True
        if inst.directed:
            room[t] -= 1
        else:
            taken[t] = True
        if one_role:
            teaching.add(inst.teachers[t])
            learning.add(inst.learners[h])
    return plan


def teachers_only_flow(inst: Instance) -> tuple[Plan, dict[str, float]]:
    """One role per round kept by choosing the roles first: everyone who can teach teaches and
    learns from nobody, and one exact min-cost flow pairs them with everyone else."""
    teachers = set(inst.teachers)
    keep = np.array([inst.learners[h] not in teachers for h in inst.head.tolist()], dtype=bool)
    return ortools_flow(
        replace(inst, tail=inst.tail[keep], head=inst.head[keep], points=inst.points[keep], one_role=True)
    )


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


def _blossom_graph(
    inst: Instance,
) -> tuple[int, list[tuple[int, int, int]], Callable[[int, int], tuple[int, int]]]:
    """What both blossom baselines solve: the number of nodes, the weighted edges (the
    capacity-expanded graph in directed modes) and how a matched edge reads as a (tail, head) pair."""
    if inst.directed:
        x = expand(inst)
        offset = len(x.slot_teacher)  # learner nodes follow the slot nodes
        edges = list(zip(x.slot.tolist(), (x.head + offset).tolist(), x.weight.tolist(), strict=True))
        return (
            offset + len(inst.learners),
            edges,
            lambda a, b: (int(x.slot_teacher[min(a, b)]), max(a, b) - offset),
        )
    edges = list(zip(inst.tail.tolist(), inst.head.tolist(), inst.points.tolist(), strict=True))
    return len(inst.learners), edges, lambda a, b: (min(a, b), max(a, b))


def networkx_matching(inst: Instance) -> Plan:
    """networkx's blossom, on the capacity-expanded graph in directed modes."""
    _, edges, pair = _blossom_graph(inst)
    graph = nx.Graph()
    graph.add_weighted_edges_from(edges)
    return [pair(a, b) for a, b in nx.max_weight_matching(graph)]


def rustworkx_matching(inst: Instance) -> Plan:
    """rustworkx's blossom (the library the engine calls for exchange rounds) on the same edges,
    capacity-expanded in directed modes: the solve alone, nothing around it."""
    nodes, edges, pair = _blossom_graph(inst)
    graph = rx.PyGraph()
    graph.add_nodes_from(range(nodes))
    graph.add_edges_from(edges)
    return [pair(a, b) for a, b in rx.max_weight_matching(graph, weight_fn=int)]


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
    "greedy, one role": partial(greedy, one_role=True),
    "stable matching": stable,
    "networkx max_weight_matching": networkx_matching,
    "rustworkx max_weight_matching": rustworkx_matching,
    "scipy linear_sum_assignment": scipy_dense,
    "scipy min_weight_full_bipartite": scipy_sparse,
    "or-tools min-cost flow": ortools_flow,
    "teachers-only min-cost flow": teachers_only_flow,
}
#: The baselines that keep "one role per round" by construction.
ONE_ROLE = ("greedy, one role", "teachers-only min-cost flow")
EXACT = ("scipy linear_sum_assignment", "scipy min_weight_full_bipartite", "or-tools min-cost flow")


def skip_reason(name: str, inst: Instance) -> str | None:
    """Why a baseline does not run on this instance, or None."""
    if name.startswith("scipy") and importlib.util.find_spec("scipy") is None:
        return f"{name}: scipy is not installed (pip install 'meeloop[bench]')"
    if not inst.directed and name in ("stable matching", *EXACT, *ONE_ROLE):
        return f"{name}: bipartite only; an exchange round is a matching in a general graph"
    if name in ONE_ROLE and not inst.one_role:
        return f"{name}: the round does not ask for one role per round"
    limits = {
        "networkx max_weight_matching": NETWORKX_MAX_EDGES,
        "rustworkx max_weight_matching": RUSTWORKX_MAX_EDGES,
    }
    if name in limits:
        edges = len(expand(inst).head) if inst.directed else len(inst.tail)
        if edges > limits[name]:
            return (
                f"{name}: skipped, {edges:,} edges in the {'capacity-expanded ' if inst.directed else ''}"
                f"graph (limit {limits[name]:,}; a blossom algorithm is roughly cubic)"
            )
    if name == "scipy linear_sum_assignment":
        cells = len(inst.learners) * int(inst.capacity.sum())
        if cells > DENSE_MAX_CELLS:
            return f"{name}: skipped, the dense matrix would have {cells:,} cells (limit {DENSE_MAX_CELLS:,})"
    return None

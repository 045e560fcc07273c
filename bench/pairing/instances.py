"""The candidate pairs as plain arrays: from a built problem, the random reference, and back."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np

from matcher.domain.model import Organisation, Person
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, PairingProblem, Rules, Weights
from matcher.engines.pairing.problem import SCALE, Candidate, pair_points
from matcher.engines.pairing.solver import load_penalty

TODAY = dt.date(2026, 11, 2)


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
    one_role: bool = False  # the round's rule "one role per round": a person teaches or learns


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
        one_role=directed and problem.config.rules.one_role,
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
    """A plan's value in points, from the problem's own candidates and load penalty. A pair that
    pricing added to the candidates in the engine's own process is scored anew."""
    points = sum(pair_points(problem, p) for p in pairs)
    if problem.config.mode == "exchange":
        return points
    loads = Counter(teacher for teacher, _ in pairs)
    return points - sum(load_penalty(problem, n) for n in loads.values())


def named(inst: Instance, plan: Plan) -> list[tuple[str, str]]:
    return sorted((inst.teachers[t], inst.learners[h]) for t, h in plan)

"""The CP-SAT model of a shadowing round, or of part of one with the rest of the plan fixed."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matcher.domain.phrases import phrase
from matcher.engines.results import status_word
from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.placing import Choice, score
from matcher.engines.shadowing.problem import Candidate, ShadowProblem
from matcher.engines.shadowing.rules import capacity_key, occupied

PHASE_ONE_SHARE = 0.6
#: The part of phase two's time for finding it a better-scoring start (see :meth:`Model.solve`).
REHINT_SHARE = 0.5
Rehint = Callable[[list[Choice], float], list[Choice]]


@dataclass
class Fixed:
    """The part of a plan that stays as it is while a model places the rest: what it uses of each
    host's capacity per period, and how many slots each host and guest already has."""

    load: Counter[tuple[str, tuple[int, int]]] = field(default_factory=Counter)
    hosts: Counter[str] = field(default_factory=Counter)
    guests: Counter[str] = field(default_factory=Counter)


class Model:
    """The CP-SAT model of some candidates, around a fixed part of the plan (which the candidates
    must not clash with); OR-Tools objects stay inside this class."""

    def __init__(
        self, problem: ShadowProblem, candidates: list[Candidate] | None = None, fixed: Fixed | None = None
    ) -> None:
        self.problem = problem
        self.candidates = problem.candidates if candidates is None else candidates
        self.fixed = fixed or Fixed()
        self.model = model = cp_model.CpModel()
        self.x = [model.new_bool_var(f"x{i}") for i in range(len(self.candidates))]
        self.stats: dict[str, int] = {}
        self.by_request: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(self.candidates):
            self.by_request[c.request_id].append(i)
        for indices in self.by_request.values():
            model.add_at_most_one(self.x[i] for i in indices)
        self._no_overlap()
        self._capacity()
        self.count = cp_model.LinearExpr.sum(self.x)
        self.notes: list[str] = []
        self.best_score = math.inf

    def _no_overlap(self) -> None:
        problem, origin = self.problem, min(c.start for c in self.candidates)
        spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        requests: dict[str, set[str]] = defaultdict(set)
        for i, c in enumerate(self.candidates):
            request = problem.requests[c.request_id]
            for person_id, a, b in occupied(problem, request, c.host_id, c.start):
                spans[person_id].append((i, a - origin, b - a))
                requests[person_id].add(c.request_id)
        intervals = cliques = 0
        for person_id, items in sorted(spans.items()):
            if len(requests[person_id]) < 2:
                continue  # at most one per request already keeps them apart
            if problem.config.no_overlap == "intervals":
                self.model.add_no_overlap(
                    self.model.new_optional_fixed_size_interval_var(
                        start, size, self.x[i], f"i{person_id}_{i}"
                    )
                    for i, start, size in items
                )
                intervals += len(items)
                continue
            for clique in _cliques(items):
                if len({self.candidates[i].request_id for i in clique}) > 1:
                    self.model.add_at_most_one(self.x[i] for i in clique)
                    cliques += 1
        self.stats.update(intervals=intervals, cliques=cliques)

    def _capacity(self) -> None:
        problem = self.problem
        groups: dict[tuple[str, tuple[int, int]], list[int]] = defaultdict(list)
        for i, c in enumerate(self.candidates):
            groups[capacity_key(problem, c.host_id, c.start)].append(i)
        for (host_id, _), indices in sorted(groups.items()):
            requests = {self.candidates[i].request_id for i in indices}
            room = problem.capacity(host_id) - self.fixed.load[host_id, _]
            if len(requests) > room:
                self.model.add(sum(self.x[i] for i in indices) <= room)

    def _fairness(self) -> tuple[list[cp_model.IntVar], list[int], list[tuple[list[int], list]]]:
        """Cost terms for each host's and guest's second and later slots, and the places behind them."""
        problem, w = self.problem, self.problem.config.weights
        hosts: dict[str, list[int]] = defaultdict(list)
        guests: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(self.candidates):
            hosts[c.host_id].append(i)
            guests[problem.requests[c.request_id].guest_id].append(i)
        variables: list[cp_model.IntVar] = []
        costs: list[int] = []
        places: list[tuple[list[int], list]] = []
        for kind, groups, weight in (("h", hosts, w.host_spread), ("g", guests, w.guest_repeat)):
            step = round(SCALE * weight)
            before = self.fixed.hosts if kind == "h" else self.fixed.guests
            for person_id, indices in sorted(groups.items()):
                most, already = len({self.candidates[i].request_id for i in indices}), before[person_id]
                if not step or most + already < 2:
                    continue
                # Place j is taken only after place j-1, which also breaks the symmetry between places.
                # The fixed part's slots come first: place j here is the person's (already + j)-th.
                z = [self.model.new_bool_var(f"{kind}{person_id}_{j}") for j in range(most)]
                for j in range(most - 1):
                    self.model.add_implication(z[j + 1], z[j])
                self.model.add(sum(self.x[i] for i in indices) == sum(z))
                variables.extend(z[j] for j in range(most) if already + j)
                costs.extend(step * (already + j) for j in range(most) if already + j)
                places.append((indices, z))
        return variables, costs, places

    def solve(
        self, hint: list[Choice], bound: int, deadline: float, rehint: Rehint | None = None
    ) -> tuple[list[Choice], int]:
        """Phase one (count), then phase two (score): the plan, and the most the model can place.

        Phase one's plan places the most but its score is anybody's guess. ``rehint(plan, until)``
        may give a better-scoring plan placing as many; phase two then starts from whichever of
        the two scores higher."""
        chosen, proven = hint, bound
        self.model.add(self.count <= bound)  # true of every plan; lets CP-SAT stop on reaching it
        if len(hint) < bound:
            now = time.perf_counter()
            chosen, first, best = self.place(hint, now + PHASE_ONE_SHARE * max(0.0, deadline - now))
            self.stats["phase_one_ms"] = round(1000 * (time.perf_counter() - now))
            if math.isfinite(best):
                proven = min(bound, math.floor(best + 1e-6))
            self.notes.append(
                phrase(
                    "placing: {status}, {n} placed, at most {most} with these candidates",
                    status=status_word(first),
                    n=len(chosen),
                    most=proven,
                )
            )
        self.stats["phase_one"] = len(chosen)
        if rehint is not None and len(chosen) > len(hint):
            now = time.perf_counter()
            other = rehint(chosen, now + REHINT_SHARE * max(0.0, deadline - now))
            if len(other) >= len(chosen) and score(self.problem, other) > score(self.problem, chosen):
                chosen = other
        chosen, second, best = self.improve(chosen, deadline)
        if second == "feasible":
            self.notes.append(
                phrase(
                    "score: {status} for {n} placed, at most {points} points",
                    status=status_word(second),
                    n=len(chosen),
                    points=round(best / SCALE, 2),
                )
            )
        else:
            self.notes.append(
                phrase("score: {status} for {n} placed", status=status_word(second), n=len(chosen))
            )
        return chosen, proven

    def place(self, hint: list[Choice], deadline: float) -> tuple[list[Choice], str, float]:
        """The most requests placed, from the hint: the plan (the hint unless better), the status
        and CP-SAT's bound on the count."""
        self.model.maximize(self.count)
        self._hint(hint, [])
        found, status, best = self._run(deadline)
        return (found if found is not None and len(found) > len(hint) else hint), status, best

    def improve(self, hint: list[Choice], deadline: float) -> tuple[list[Choice], str, float]:
        """The best score among plans placing as many as the hint (the score of the fixed part's
        slots left out): the plan, the status and CP-SAT's bound on the score (``best_score``)."""
        self.model.add(self.count >= len(hint))
        self.model.clear_objective()
        variables, costs, places = self._fairness()
        points = [c.points for c in self.candidates]
        self.model.maximize(
            cp_model.LinearExpr.weighted_sum(self.x, points)
            - cp_model.LinearExpr.weighted_sum(variables, costs)
        )
        self._hint(hint, places)
        found, status, best = self._run(deadline)
        self.best_score = best
        return (hint if found is None else found), status, best

    def _hint(self, chosen: list[Choice], places: list[tuple[list[int], list]]) -> None:
        self.model.clear_hints()
        picked = set(chosen)
        taken = [(c.request_id, c.host_id, c.start) in picked for c in self.candidates]
        for var, value in zip(self.x, taken, strict=True):
            self.model.add_hint(var, value)
        for indices, z in places:
            load = sum(taken[i] for i in indices)
            for j, var in enumerate(z):
                self.model.add_hint(var, j < load)

    def _run(self, deadline: float) -> tuple[list[Choice] | None, str, float]:
        """One CP-SAT search: the plan found (None if none), its status and the best bound."""
        config = self.problem.config
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = config.workers
        params.random_seed = config.seed
        params.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        if config.work_limit:
            params.max_deterministic_time = config.work_limit / 2
        code = solver.solve(self.model)
        words = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}
        if code not in words:
            self.notes.append(
                phrase(
                    "CP-SAT ended with {status}; the plan before it stands", status=solver.status_name(code)
                )
            )
            return None, solver.status_name(code).lower(), math.inf
        chosen = [
            (c.request_id, c.host_id, c.start)
            for var, c in zip(self.x, self.candidates, strict=True)
            if solver.boolean_value(var)
        ]
        return chosen, words[code], solver.best_objective_bound


def _cliques(items: list[tuple[int, int, int]]) -> list[list[int]]:
    """The largest sets of one person's candidate slots that share a moment; items are
    (candidate index, start, size).

    The slots have fixed starts, so they overlap pairwise exactly when they share a moment, and
    "no overlap" is "at most one of each such set". A sweep over starts and ends finds them all;
    a set is written out when a slot ends after one has started since the last set.
    """
    events = sorted(
        [(start, 1, i) for i, start, _ in items] + [(start + size, 0, i) for i, start, size in items]
    )
    active: set[int] = set()
    grown, found = False, []
    for _, starts, i in events:  # at one moment, ends come before starts: the spans are half-open
        if starts:
            active.add(i)
            grown = True
        else:
            if grown:
                found.append(sorted(active))
            grown = False
            active.discard(i)
    return found

"""Placing requests: a greedy start, an upper bound, CP-SAT in two phases, and a fill-in pass.

1. :func:`greedy` places the most constrained requests first (fewest
   candidates), each at its best-scoring candidate that still fits. It is the
   hint CP-SAT starts from and the plan returned should CP-SAT find nothing.
2. :func:`upper_bound`: a maximum flow from requests (1 each) through
   (host, capacity period) nodes, with an arc wherever the request has any
   valid start with that host in that period, to the sink (the host's
   capacity). Time conflicts are ignored and every start counts, pruned or
   not, so no plan can place more. A request without any valid start has no
   arc at all. When the candidates are every valid start (not pruned), the
   bound CP-SAT proves in phase one holds for the whole problem too, and the
   smaller of the two is reported.
3. CP-SAT, one Boolean per candidate: at most one per request; host capacity
   per period; and nobody in two places at once. Each candidate takes a span
   of the guest's time (travel included) and of the host's, from
   :func:`~matcher.engines.shadowing.rules.occupied`; for everyone with candidates from
   two requests or more these spans may not overlap: by default as one
   at-most-one constraint per largest set of their spans that share a moment
   (exact, since the spans are fixed), or with ``no_overlap="intervals"`` as
   optional fixed intervals under CP-SAT's no-overlap constraint. The
   objective is lexicographic, which is what a dominant weight on the count
   means: phase one places as many requests as it can; phase two keeps that
   many and maximises the score, i.e. the candidates' points (level, wish,
   same site, earliness) less the fairness costs: a host's k-th guest costs
   ``host_spread * (k - 1)`` and a guest's k-th placed request
   ``guest_repeat * (k - 1)``. Phase one is skipped when the greedy plan
   already reaches the bound, ends as soon as it does, and gets at most
   60% of the time left.
4. :func:`fill` then tries every start of every request still unplaced, pruned
   or not, against the plan: whatever fits is added. So an unplaced request
   has no valid start left that is free of clashes and within capacity.

With one worker and a fixed seed CP-SAT searches deterministically; a run that
ends on the clock rather than on ``work_limit`` or a proof may differ between
runs. With more workers it is not deterministic.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ortools.graph.python import max_flow
from ortools.sat.python import cp_model

from matcher.domain.intervals import Span, overlaps
from matcher.domain.phrases import counted, phrase
from matcher.engines.results import status_word
from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.problem import Candidate, ShadowProblem
from matcher.engines.shadowing.rules import capacity_key, occupied

Choice = tuple[str, str, int]  # request id, host id, start minute
PHASE_ONE_SHARE = 0.6
#: The part of the time limit kept back for the fill-in pass and the explanations after CP-SAT.
EXPLAIN_SHARE = 0.03


@dataclass
class Outcome:
    chosen: list[Choice]
    status: str
    bound: int
    score: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


class Ledger:
    """A plan being built: whose time is taken when, and each host's guests per period."""

    def __init__(self, problem: ShadowProblem) -> None:
        self.problem = problem
        self.taken: dict[str, list[Span]] = defaultdict(list)
        self.load: Counter[tuple[str, tuple[int, int]]] = Counter()
        self.chosen: list[Choice] = []

    def blocker(self, request_id: str, host_id: str, start: int) -> str | None:
        """What keeps this choice out of the plan: "capacity", "clash", or None when it fits."""
        problem = self.problem
        if self.load[capacity_key(problem, host_id, start)] >= problem.capacity(host_id):
            return "capacity"
        request = problem.requests[request_id]
        if any(overlaps(self.taken[p], a, b) for p, a, b in occupied(problem, request, host_id, start)):
            return "clash"
        return None

    def book(self, request_id: str, host_id: str, start: int) -> None:
        request = self.problem.requests[request_id]
        for person_id, a, b in occupied(self.problem, request, host_id, start):
            bisect.insort(self.taken[person_id], (a, b))
        self.load[capacity_key(self.problem, host_id, start)] += 1
        self.chosen.append((request_id, host_id, start))


def greedy(problem: ShadowProblem) -> list[Choice]:
    """Most constrained requests first, each at its best candidate that still fits."""
    by_request: dict[str, list[Candidate]] = defaultdict(list)
    for c in problem.candidates:
        by_request[c.request_id].append(c)
    order = sorted(by_request, key=lambda r: (len(by_request[r]), problem.requests[r].first_day, r))
    ledger = Ledger(problem)
    for request_id in order:
        for c in sorted(by_request[request_id], key=lambda c: (-c.points, c.start, c.host_id)):
            if ledger.blocker(c.request_id, c.host_id, c.start) is None:
                ledger.book(c.request_id, c.host_id, c.start)
                break
    return ledger.chosen


def fill(problem: ShadowProblem, chosen: list[Choice]) -> list[Choice]:
    """The plan with every unplaced request added at its first valid start that still fits."""
    ledger = Ledger(problem)
    for choice in chosen:
        ledger.book(*choice)
    placed = {request_id for request_id, _, _ in chosen}
    waiting = [r for r in problem.requests if r not in placed]
    options = {r: sum(len(problem.options.get((r, h), ())) for h in problem.hosts[r]) for r in waiting}
    for request_id in sorted(waiting, key=lambda r: (options[r], r)):
        found = next(
            (
                (host_id, start)
                for host_id in problem.hosts[request_id]
                for start in problem.starts(request_id, host_id)
                if ledger.blocker(request_id, host_id, start) is None
            ),
            None,
        )
        if found:
            ledger.book(request_id, *found)
    return ledger.chosen


def upper_bound(problem: ShadowProblem) -> int:
    """The most requests any plan can place (see the module docstring)."""
    grid = problem.config.grid_minutes
    periods: dict[tuple[str, tuple[int, int]], int] = {}
    arcs: set[tuple[str, int]] = set()
    for (request_id, host_id), ranges in problem.options.items():
        clock = problem.times[host_id]
        for a, b in ranges:
            day, last = clock.day(a), clock.day(b - grid)
            while day <= last:  # a range crosses midnight only for hours that do
                key = capacity_key(problem, host_id, max(a, clock.midnight(day)))
                arcs.add((request_id, periods.setdefault(key, len(periods))))
                day += dt.timedelta(days=1)
    if not arcs:
        return 0
    requests = {r: i for i, r in enumerate(sorted({r for r, _ in arcs}))}
    source, sink, first_period = 0, 1, 2 + len(requests)
    flow = max_flow.SimpleMaxFlow()
    for index in requests.values():
        flow.add_arc_with_capacity(source, 2 + index, 1)
    for request_id, period in sorted(arcs):
        flow.add_arc_with_capacity(2 + requests[request_id], first_period + period, 1)
    for (host_id, _), period in periods.items():
        flow.add_arc_with_capacity(first_period + period, sink, problem.capacity(host_id))
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("the maximum flow for the bound did not solve")
    return flow.optimal_flow()


def score(problem: ShadowProblem, chosen: list[Choice]) -> int:
    """A plan's points less its fairness costs, in SCALE units (what phase two maximises)."""
    w = problem.config.weights
    total = sum(problem.points(problem.requests[r], h, s) for r, h, s in chosen)
    hosts = Counter(h for _, h, _ in chosen)
    guests = Counter(problem.requests[r].guest_id for r, _, _ in chosen)
    for counts, weight in ((hosts, w.host_spread), (guests, w.guest_repeat)):
        step = round(SCALE * weight)
        total -= sum(step * n * (n - 1) // 2 for n in counts.values())
    return total


def solve(problem: ShadowProblem) -> Outcome:
    """The plan with the most requests placed, then the best score; see the module docstring."""
    started = time.perf_counter()
    config = problem.config
    hint = greedy(problem)
    bound = upper_bound(problem)
    stats = {"candidates": len(problem.candidates), "greedy": len(hint), "flow_bound": bound}
    notes: list[str] = []
    if problem.candidates:
        model = _Model(problem)
        deadline = started + (1 - EXPLAIN_SHARE) * config.time_limit
        chosen, proven = model.solve(hint, bound, deadline)
        if not problem.pruned:  # the model holds every valid start: its bound is the problem's
            bound = min(bound, proven)
        stats.update(model.stats)
        notes.extend(model.notes)
    else:
        chosen = hint
    filled = fill(problem, chosen)
    if len(filled) > len(chosen):
        notes.append(
            counted(
                len(filled) - len(chosen),
                "{n} request added afterwards at a start the model left out",
                "{n} requests added afterwards at starts the model left out",
            )
        )
    return Outcome(
        chosen=filled,
        status="optimal" if len(filled) >= bound else "feasible",
        bound=bound,
        score=score(problem, filled),
        seconds=time.perf_counter() - started,
        notes=notes,
        stats=stats,
    )


class _Model:
    """The CP-SAT model; OR-Tools objects stay inside this class."""

    def __init__(self, problem: ShadowProblem) -> None:
        self.problem = problem
        self.candidates = problem.candidates
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
            if len(requests) > problem.capacity(host_id):
                self.model.add(sum(self.x[i] for i in indices) <= problem.capacity(host_id))

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
            for person_id, indices in sorted(groups.items()):
                most = len({self.candidates[i].request_id for i in indices})
                if not step or most < 2:
                    continue
                # Place j is taken only after place j-1, which also breaks the symmetry between places.
                z = [self.model.new_bool_var(f"{kind}{person_id}_{j}") for j in range(most)]
                for j in range(most - 1):
                    self.model.add_implication(z[j + 1], z[j])
                self.model.add(sum(self.x[i] for i in indices) == sum(z))
                variables.extend(z[1:])
                costs.extend(step * j for j in range(1, most))
                places.append((indices, z))
        return variables, costs, places

    def solve(self, hint: list[Choice], bound: int, deadline: float) -> tuple[list[Choice], int]:
        """Phase one (count), then phase two (score): the plan, and the most the model can place."""
        chosen, proven = hint, bound
        self.model.add(self.count <= bound)  # true of every plan; lets CP-SAT stop on reaching it
        if len(hint) < bound:
            self.model.maximize(self.count)
            self._hint(hint, [])
            now = time.perf_counter()
            found, first, best = self._run(now + PHASE_ONE_SHARE * max(0.0, deadline - now))
            self.stats["phase_one_ms"] = round(1000 * (time.perf_counter() - now))
            if found is not None and len(found) > len(chosen):
                chosen = found
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
        self.model.add(self.count >= len(chosen))
        self.model.clear_objective()
        variables, costs, places = self._fairness()
        points = [c.points for c in self.candidates]
        self.model.maximize(
            cp_model.LinearExpr.weighted_sum(self.x, points)
            - cp_model.LinearExpr.weighted_sum(variables, costs)
        )
        self._hint(chosen, places)
        found, second, best = self._run(deadline)
        if found is not None:
            chosen = found
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

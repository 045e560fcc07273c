"""A plan being built, the greedy that starts every search, the fill-in pass, and a plan's score."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict

from matcher.domain.intervals import Span, overlaps
from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.problem import Candidate, ShadowProblem
from matcher.engines.shadowing.rules import capacity_key, occupied

Choice = tuple[str, str, int]  # request id, host id, start minute


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
    """Most constrained requests first (fewest candidates), each at the candidate that still fits
    with the most points less what it adds to its host's fairness cost (a host's k-th guest costs
    ``host_spread * (k - 1)``; the guest's cost is the same whichever candidate)."""
    by_request: dict[str, list[Candidate]] = defaultdict(list)
    for c in problem.candidates:
        by_request[c.request_id].append(c)
    order = sorted(by_request, key=lambda r: (len(by_request[r]), problem.requests[r].first_day, r))
    ledger, hosted = Ledger(problem), Counter[str]()
    step = round(SCALE * problem.config.weights.host_spread)
    for request_id in order:
        best: tuple[int, Candidate] | None = None
        for c in sorted(by_request[request_id], key=lambda c: (-c.points, c.start, c.host_id)):
            if best is not None and c.points <= best[0]:
                break  # the cost only lowers a candidate's points: none after this one can win
            value = c.points - step * hosted[c.host_id]
            if (best is None or value > best[0]) and ledger.blocker(request_id, c.host_id, c.start) is None:
                best = value, c
        if best is not None:
            ledger.book(request_id, best[1].host_id, best[1].start)
            hosted[best[1].host_id] += 1
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

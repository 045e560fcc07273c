"""Large rounds: CP-SAT on one part of the plan at a time, the rest of the plan fixed.

One model of every candidate of a round of ten thousand requests would hold
half a million Booleans and take gigabytes. So the greedy plan is improved a
part at a time: a part is a set of requests whose slots are free to change,
everything else stays where it is (its slots block their people's time and
use their hosts' capacity), and the part's model keeps out every candidate
that clashes with the fixed slots. The plan never gets worse: a part's answer
is kept only when it places more, or as many with a higher score.

- Placing more (:func:`place_more`): some requests still open, with the
  placed requests in their way (sharing a person at an overlapping time, or a
  host's full period): what a better plan would move.
- A better score (:func:`improve_score`): every request that has a
  candidate with one of a few hosts, hosts taken in a seeded random order, so
  each host's guests can be reshuffled among them.
"""

from __future__ import annotations

import bisect
import random
import time
from collections import defaultdict
from collections.abc import Collection, Iterable

from matcher.engines.shadowing.model import Fixed, Model
from matcher.engines.shadowing.placing import Choice, Ledger, score
from matcher.engines.shadowing.problem import Candidate, ShadowProblem
from matcher.engines.shadowing.rules import capacity_key, occupied

#: Stop looking for more placed requests after this many parts in a row that placed none more.
STALE_PARTS = 12


def by_request(problem: ShadowProblem) -> dict[str, list[Candidate]]:
    found: dict[str, list[Candidate]] = defaultdict(list)
    for c in problem.candidates:
        found[c.request_id].append(c)
    return found


def solve_part(
    problem: ShadowProblem,
    chosen: list[Choice],
    free: set[str],
    candidates: dict[str, list[Candidate]],
    deadline: float,
    *,
    better_score: bool,
) -> list[Choice]:
    """The plan with the ``free`` requests placed again by CP-SAT around the rest; the plan as it
    was unless the part places more (or, with ``better_score``, as many at a higher score)."""
    ledger, fixed = Ledger(problem), Fixed()
    for request_id, host_id, start in chosen:
        if request_id not in free:
            ledger.book(request_id, host_id, start)
            fixed.hosts[host_id] += 1
            fixed.guests[problem.requests[request_id].guest_id] += 1
    fixed.load = ledger.load
    part = [
        c
        for request_id in sorted(free)
        for c in candidates.get(request_id, ())
        if ledger.blocker(c.request_id, c.host_id, c.start) is None
    ]
    hint = [choice for choice in chosen if choice[0] in free]
    # A slot the fill-in pass found at a start the candidates left out stays open to the model.
    known = {(c.request_id, c.host_id, c.start) for c in part}
    for request_id, host_id, start in hint:
        if (request_id, host_id, start) not in known:
            points = problem.points(problem.requests[request_id], host_id, start)
            part.append(Candidate(request_id, host_id, start, points))
    if not part:
        return chosen
    model = Model(problem, part, fixed)
    if better_score:
        found, _, _ = model.improve(hint, deadline)
    else:
        found, _, _ = model.place(hint, deadline)
    plan = ledger.chosen + found
    if len(plan) != len(chosen):
        return plan if len(plan) > len(chosen) else chosen
    return plan if better_score and score(problem, plan) > score(problem, chosen) else chosen


def in_the_way(problem: ShadowProblem, chosen: list[Choice], waiting: Iterable[Candidate]) -> set[str]:
    """The placed requests that keep any of these candidates out: a slot sharing a person at an
    overlapping time (travel included), or a slot in a host's period that is full."""
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    periods: dict[tuple[str, tuple[int, int]], list[str]] = defaultdict(list)
    for request_id, host_id, start in chosen:
        request = problem.requests[request_id]
        for person_id, a, b in occupied(problem, request, host_id, start):
            spans[person_id].append((a, b, request_id))
        periods[capacity_key(problem, host_id, start)].append(request_id)
    for items in spans.values():
        items.sort()  # one person's slots in a valid plan do not overlap: sorted by start and by end
    found: set[str] = set()
    for c in waiting:
        for person_id, a, b in occupied(problem, problem.requests[c.request_id], c.host_id, c.start):
            items = spans.get(person_id, [])
            i = max(0, bisect.bisect_left(items, (a,)) - 1)
            while i < len(items) and items[i][0] < b:
                if items[i][1] > a:
                    found.add(items[i][2])
                i += 1
        key = capacity_key(problem, c.host_id, c.start)
        if len(periods.get(key, ())) >= problem.capacity(c.host_id):
            found.update(periods[key])
    return found


def place_more(
    problem: ShadowProblem,
    chosen: list[Choice],
    bound: int,
    deadline: float,
    rng: random.Random,
    routed: Collection[str] = (),
) -> tuple[list[Choice], int]:
    """The plan with more requests placed where parts allow, until it reaches ``bound``, the
    deadline, or :data:`STALE_PARTS` parts in a row place none more; and the parts solved.

    The open requests in ``routed`` (those the bound's flow places) are tried first: on the
    benchmark's large round most open requests cannot be placed in any plan, and parts built
    around them in random order found half as many more."""
    candidates, limit = by_request(problem), problem.config.part_candidates
    stale = parts = 0
    while len(chosen) < bound and stale < STALE_PARTS and time.perf_counter() < deadline:
        placed = {request_id for request_id, _, _ in chosen}
        waiting = [r for r in sorted(candidates) if r not in placed]
        rng.shuffle(waiting)
        waiting.sort(key=lambda r: r not in routed)  # stable: shuffled within either kind
        free: set[str] = set()
        size = 0
        for request_id in waiting:
            around = in_the_way(problem, chosen, candidates[request_id]) | {request_id}
            more = sum(len(candidates[r]) for r in around - free)
            if free and size + more > limit:
                break
            free |= around
            size += more
        left = deadline - time.perf_counter()
        better = solve_part(
            problem, chosen, free, candidates, time.perf_counter() + left / 2, better_score=False
        )
        parts += 1
        stale = 0 if len(better) > len(chosen) else stale + 1
        chosen = better
    return chosen, parts


def improve_score(
    problem: ShadowProblem, chosen: list[Choice], deadline: float, rng: random.Random
) -> tuple[list[Choice], int]:
    """The plan with a higher score where parts allow, as many placed; and the parts solved."""
    candidates, limit = by_request(problem), problem.config.part_candidates
    hosting: dict[str, set[str]] = defaultdict(set)
    for c in problem.candidates:
        hosting[c.host_id].add(c.request_id)
    hosts = sorted(hosting)
    rng.shuffle(hosts)
    parts = 0
    while hosts and time.perf_counter() < deadline:
        free: set[str] = set()
        size = 0
        while hosts:
            more = sum(len(candidates[r]) for r in hosting[hosts[-1]] - free)
            if free and size + more > limit:
                break
            free |= hosting[hosts.pop()]
            size += more
        left = deadline - time.perf_counter()
        # Each part gets its share of the time left, as if the hosts not yet taken made parts this size.
        share = left * size / max(size, size + sum(len(hosting[h]) for h in hosts) * _per_request(candidates))
        chosen = solve_part(
            problem, chosen, free, candidates, time.perf_counter() + max(share, 0.5), better_score=True
        )
        parts += 1
    return chosen, parts


def _per_request(candidates: dict[str, list[Candidate]]) -> float:
    return sum(len(c) for c in candidates.values()) / max(1, len(candidates))

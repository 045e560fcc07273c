"""A proven bound over every pair, the pruned ones included, without searching them all.

The round without "one role per round" is a linear programme whose dual has a price v_t >= 0
per teacher and a value u_l >= 0 per learner with u_l + v_t >= points(t, l) for every pair. For
any prices v, every plan scores at most

    B(v) = sum over learners of max(0, max over pairs (points - v_t))
         + sum over teachers and places j of max(0, v_t - cost of place j)

(weak duality), whatever pairs were left out. With the prices of the optimal flow over the kept
candidates, B(v) equals that flow's value unless a pruned pair has a positive reduced cost:
such pairs are added to the candidates and the flow solved again (column generation), so the
bound proves that no pair left out could improve the relaxed plan.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matcher.engines.pairing.problem import SCALE, Candidate, PairingProblem
from matcher.engines.pairing.pruned import Block

#: At most this many times are pruned pairs added and the flow solved again; the bound holds after any.
ROUNDS = 6
#: The one-role bound stops after this many steps in a row that did not lower it.
STALLED = 4


def within(problem: PairingProblem, bound: int, value: int, constant: int, share: float = 1.0) -> bool:
    """Whether a plan worth ``value`` is proven within ``share`` of the round's ``gap_limit`` of
    ``bound``; both leave out the points of HR's locks (``constant``), which the gap reported
    counts, so the limit is judged on the same totals."""
    return bound - value <= share * problem.config.gap_limit * abs(constant + bound)


def priced_flow(
    problem: PairingProblem, free: dict[str, int], loads: dict[str, int], constant: int = 0
) -> tuple[list[tuple[str, str]], int, int]:
    """The relaxed assignment over the candidates (with every pruned pair that prices positive
    added), its value, and the bound B(v) over all pairs. With a ``gap_limit``, pricing stops
    once the pairs left out could add at most half that gap (the other half is the one-role
    bound's, see :func:`role_bound`); ``constant``: the points of HR's locks."""
    from matcher.engines.pairing.solver import flow_with_prices  # the solver calls this module

    capacity = _capacity(problem, free)
    for _ in range(ROUNDS):
        pairs, value, prices = flow_with_prices(problem, free, loads)
        pruned = problem.pruned
        if pruned is None or not pruned.size:
            return pairs, value, value
        # One pass over the pruned pairs: the bound, and the pairs that could improve the flow
        # (above what their learner gets from the candidates).
        values = _learner_values(problem, prices, capacity)
        positive = pruned.price(values, _reduced(capacity, prices))
        total = _total(problem, prices, capacity, loads, values)
        if not len(positive) or within(problem, total, value, constant, share=0.5):
            return pairs, value, total
        _add(problem, positive)
    return pairs, value, bound(problem, prices, free, loads)


def bound(
    problem: PairingProblem,
    prices: np.ndarray,
    free: dict[str, int],
    loads: dict[str, int],
    toll: np.ndarray | None = None,
) -> int:
    """B(v) for the teacher prices ``prices`` (per person index): an upper bound on every plan
    over all pairs, kept and pruned, for any prices >= 0. With one-role multipliers ``toll``
    (see :func:`role_bound`), the Lagrangian bound of the round with one role per person."""
    capacity = _capacity(problem, free)
    toll = np.zeros(len(prices), dtype=np.int64) if toll is None else toll
    values = _learner_values(problem, prices, capacity, toll)
    pruned = problem.pruned
    if pruned is not None and pruned.size:
        pruned.price(values, _reduced(capacity, prices, toll * capacity))
    return _total(problem, prices, capacity, loads, values, toll)


def _reduced(
    capacity: np.ndarray, prices: np.ndarray, learning_toll: np.ndarray | None = None
) -> Callable[[Block, np.ndarray], np.ndarray]:
    """A pruned pair's reduced cost: its points less the teacher's price (and the learner's
    one-role toll); none for a teacher without places."""

    def reduced(block: Block, learner: np.ndarray) -> np.ndarray:
        found = block.points - prices[block.teacher]
        if learning_toll is not None:
            found -= learning_toll[learner]
        found[capacity[block.teacher] == 0] = np.iinfo(np.int64).min // 2
        return found

    return reduced


def _total(
    problem: PairingProblem,
    prices: np.ndarray,
    capacity: np.ndarray,
    loads: dict[str, int],
    values: np.ndarray,
    toll: np.ndarray | None = None,
) -> int:
    """B(v) from each learner's value: what the learners get, the tolls, and what each
    teacher's places are worth at their price."""
    toll = np.zeros(len(prices), dtype=np.int64) if toll is None else toll
    total = int(values.sum()) + int((toll * capacity).sum())
    step = round(SCALE * problem.config.weights.spread)
    index = problem.codes().index
    base = np.zeros(len(index), dtype=np.int64)
    for name, n in loads.items():
        base[index[name]] = n
    for teacher in np.flatnonzero((prices > 0) & (capacity > 0)).tolist():
        # Place j of a teacher with ``base`` locked learners costs spread * (base + j).
        places = np.arange(int(capacity[teacher]), dtype=np.int64)
        cost = step * (base[teacher] + places) + toll[teacher]
        total += int(np.maximum(0, prices[teacher] - cost).sum())
    return total


def role_bound(
    problem: PairingProblem,
    free: dict[str, int],
    loads: dict[str, int],
    relaxed: tuple[list[tuple[str, str]], int],
    target: int,
    iterations: int,
    constant: int = 0,
) -> int:
    """A bound that counts one role per person: for each person who could both teach and learn,
    "places taken + places x learning <= places" is moved into the score with a multiplier (a
    toll on each place taken and on learning), which keeps the round a flow. Every toll >= 0 gives
    a bound (Lagrangian relaxation). The tolls are improved by subgradient steps towards
    ``target`` (the best plan known), judged on the candidates alone; the best tolls are then
    priced over every pair, pruned ones included. ``relaxed``: the plan without the rule (tolls
    0) and its bound over every pair, which is returned when nothing lower is found."""
    from matcher.engines.pairing.solver import assign_with_toll, flow_with_prices

    pairs, best = relaxed
    capacity = _capacity(problem, free)
    arcs = problem.arcs()
    both = np.zeros(len(capacity), dtype=bool)
    both[np.intersect1d(arcs.first[capacity[arcs.first] > 0], arcs.second)] = True
    if not both.any() or best <= target:
        return best
    toll = np.zeros(len(capacity), dtype=np.int64)
    index = problem.codes().index
    found = lowest = best
    chosen: np.ndarray | None = None
    scale, stalled = 1.0, 0
    for _ in range(iterations):
        load = np.zeros(len(capacity), dtype=np.int64)
        learns = np.zeros(len(capacity), dtype=np.int64)
        for teacher, learner in pairs:
            load[index[teacher]] += 1
            learns[index[learner]] = 1
        # The slack of each relaxed constraint; negative where someone teaches and learns.
        slack = np.where(both, capacity - load - capacity * learns, 0)
        norm = float((slack.astype(np.float64) ** 2).sum())
        if not norm:
            break
        toll = np.maximum(0, np.rint(toll - scale * (found - target) / norm * slack)).astype(np.int64)
        pairs, value = assign_with_toll(problem, free, loads, toll)
        found = value + int((toll * capacity).sum())
        if found < lowest:
            lowest, chosen, stalled = found, toll, 0
        else:
            stalled += 1
            if stalled > 1:
                scale /= 2  # the steps overshoot: make them shorter
            if stalled == STALLED:
                break
        if lowest <= target or within(problem, lowest, target, constant, share=0.5):
            break  # proven optimal, or within the one-role bound's half of the gap HR accepts
    if chosen is None:
        return best
    _, _, prices = flow_with_prices(problem, free, loads, chosen)
    return min(best, bound(problem, prices, free, loads, chosen))


def _capacity(problem: PairingProblem, free: dict[str, int]) -> np.ndarray:
    """Places per person index (without the capacity rule ``free`` already counts every pair a
    teacher has, pruned or not: :func:`~matcher.engines.pairing.solver.free_capacity`)."""
    index = problem.codes().index
    capacity = np.zeros(len(index), dtype=np.int64)
    for teacher, n in free.items():
        capacity[index[teacher]] = n
    return capacity


def price_in(
    problem: PairingProblem,
    free: dict[str, int],
    loads: dict[str, int],
    allowed: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> None:
    """For a flow over only the pairs ``allowed`` (teacher and learner person indices -> mask)
    keeps, as "why not X?" solves around a fixed pair: move every pruned pair that could improve
    that flow into the candidates, until none can, so the flow over the candidates is the best over
    every allowed pair, pruned or not."""
    from matcher.engines.pairing.solver import flow_with_prices  # the solver calls this module

    capacity = _capacity(problem, free)
    for _ in range(ROUNDS):
        pruned = problem.pruned
        if pruned is None or not pruned.size:
            return
        arcs = problem.arcs()
        use = allowed(arcs.first, arcs.second)
        _, _, prices = flow_with_prices(problem, free, loads, use=use)
        kept = _learner_values(problem, prices, capacity, use=use)
        positive = pruned.where(_improves(capacity, prices, kept, allowed))
        if not len(positive):
            return
        _add(problem, positive)


def _improves(
    capacity: np.ndarray,
    prices: np.ndarray,
    kept: np.ndarray,
    allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Callable[[Block, np.ndarray], np.ndarray]:
    """Which pruned pairs could improve the flow: a teacher with places and points above the
    teacher's price plus what the learner gets from the candidates (a positive reduced cost)."""

    def test(block: Block, learner: np.ndarray) -> np.ndarray:
        found = (capacity[block.teacher] > 0) & (block.points - prices[block.teacher] > kept[learner])
        if allowed is not None:
            found &= allowed(block.teacher, learner)
        return found

    return test


def _learner_values(
    problem: PairingProblem,
    prices: np.ndarray,
    capacity: np.ndarray,
    toll: np.ndarray | None = None,
    use: np.ndarray | None = None,
) -> np.ndarray:
    """u_l = max(0, the best points - price over the learner's candidates (those ``use`` marks)),
    per person index."""
    arcs = problem.arcs()
    values = np.zeros(len(prices), dtype=np.int64)
    ok = capacity[arcs.first] > 0
    if use is not None:
        ok &= use
    reduced = arcs.points[ok] - prices[arcs.first[ok]]
    if toll is not None:
        reduced = reduced - toll[arcs.second[ok]] * capacity[arcs.second[ok]]
    np.maximum.at(values, arcs.second[ok], reduced)
    return values


def _add(problem: PairingProblem, positions: np.ndarray) -> None:
    """Move the pruned pairs at ``positions`` into the candidates (their learning credit is
    worked out again only if they are explained)."""
    pruned = problem.pruned
    assert pruned is not None
    names = problem.arcs().names
    learners, teachers, points = pruned.take(positions)
    found = [
        Candidate((names[t], names[lr]), p, gain=None, problem=problem)
        for lr, t, p in zip(learners.tolist(), teachers.tolist(), points.tolist(), strict=True)
    ]
    problem.add_candidates(found, teachers, learners)
    problem.pruned_count = pruned.size

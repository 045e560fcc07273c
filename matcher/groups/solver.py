"""Forming groups: a construction that already mixes or gathers by the weightiest criteria,
then a seeded local search of moves and swaps (late acceptance hill climbing) that stops at the
time limit or when nothing improves.

The objective is the sum of the groups' scores plus ``worst_group`` times the lowest group
score (CATME Team-Maker's criterion: no group is left with the leftovers).
"""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.groups.problem import REPEAT_PENALTY, GroupProblem, group_score


@dataclass(frozen=True)
class GroupOutcome:
    groups: tuple[tuple[str, ...], ...]
    left_out: tuple[str, ...]
    objective: float
    moves: int
    seconds: float


_NONE: frozenset[str] = frozenset()
#: What breaking a hard rule costs in the search: more than any group can score.
BROKEN = 1000.0
#: What an isolated member costs in the search: more than any one move can gain, so the search
#: keeps people of a rare value together wherever it can (the reported score takes less off).
ISOLATED_SEARCH = 50.0
#: Late acceptance: a move may score as low as the plan this many steps ago.
LATE = 50
#: Steps without a new best plan before the search stops (at least, and per person who may move).
PATIENCE_MIN = 20_000
PATIENCE_PER_PERSON = 150


class _State:
    """Groups with per-attribute value counts, so a move is scored by looking at two groups."""

    def __init__(self, problem: GroupProblem, groups: list[list[str]]) -> None:
        self.problem = problem
        config = problem.config
        self.criteria = [c for c in config.criteria if c.goal != "ignore" and c.weight]
        self.attributes = sorted({c.attribute for c in self.criteria} | set(config.no_isolated))
        self.groups = groups
        self.where = {m: i for i, g in enumerate(groups) for m in g}
        self.counts = [{a: Counter(problem.values[a][m] for m in g) for a in self.attributes} for g in groups]
        self.recent: dict[str, set[str]] = {}
        for pair in problem.recent:
            a, b = tuple(pair)
            self.recent.setdefault(a, set()).add(b)
            self.recent.setdefault(b, set()).add(a)
        self.forbidden: dict[str, set[str]] = {}
        for pair in problem.forbidden:
            a, b = tuple(pair)
            self.forbidden.setdefault(a, set()).add(b)
            self.forbidden.setdefault(b, set()).add(a)
        self.scores = [self.score(i) for i in range(len(groups))]
        self.settle()

    def settle(self) -> None:
        """Recompute the total and the three lowest scores after a change; with these, a move is
        judged without looking at the groups it leaves alone."""
        self.total = sum(self.scores)
        self.lowest = heapq.nsmallest(3, ((score, i) for i, score in enumerate(self.scores)))

    def lowest_other(self, a: int, b: int) -> float | None:
        return next((score for score, i in self.lowest if i not in (a, b)), None)

    def score(
        self, i: int, counts: dict[str, Counter[str]] | None = None, members: list[str] | None = None
    ) -> float:
        counts = counts or self.counts[i]
        members = members if members is not None else self.groups[i]
        size = len(members)
        total = 0.0
        for c in self.criteria:
            k = sum(1 for n in counts[c.attribute].values() if n)
            total += c.weight * ((k - 1) if c.goal == "diverse" else (size - k))
        total -= ISOLATED_SEARCH * self.isolated(counts)
        total -= REPEAT_PENALTY * self.repeats(members)
        return total - BROKEN * self.broken(members)

    def isolated(self, counts: dict[str, Counter[str]]) -> int:
        return sum(1 for a in self.problem.config.no_isolated for n in counts[a].values() if n == 1)

    def repeats(self, members: list[str]) -> int:
        inside = set(members)
        return sum(len(self.recent.get(m, _NONE) & inside) for m in members) // 2

    def broken(self, members: list[str]) -> int:
        """Hard rules a group breaks: forbidden pairs in it, more recent groupmates than allowed,
        topics it lacks (when there are enough holders). The search pays dearly for each, so it
        moves away from them first."""
        inside = set(members)
        count = sum(len(self.forbidden.get(m, _NONE) & inside) for m in members) // 2
        count += max(0, self.repeats(members) - self.problem.config.max_repeats)
        for holders in self.problem.topic_holders.values():
            if len(holders) >= self.problem.groups and not holders & inside:
                count += 1
        return count

    def objective(self) -> float:
        if not self.scores:
            return 0.0
        return self.total + self.problem.config.worst_group * self.lowest[0][0]

    def apply(self, move: _Candidate) -> None:
        a, b = move.a, move.b
        self.groups[a], self.groups[b] = move.groups
        self.counts[a], self.counts[b] = move.counts
        self.scores[a], self.scores[b] = move.scores
        self.where[move.p] = b
        if move.q is not None:
            self.where[move.q] = a
        self.settle()

    def counts_after(self, i: int, out: str | None, into: str | None) -> dict[str, Counter[str]]:
        values = self.problem.values
        changed = {a: Counter(c) for a, c in self.counts[i].items()}
        for a in self.attributes:
            if out is not None:
                changed[a][values[a][out]] -= 1
            if into is not None:
                changed[a][values[a][into]] += 1
        return changed


def construct(problem: GroupProblem) -> tuple[list[list[str]], list[str]]:
    """First groups: locked people together; then, ordered by the weightiest similar criterion
    (so groups gather it) and the weightiest diverse one (so dealing spreads it), people are
    dealt round the groups. Who cannot be placed because the sizes do not divide comes last."""
    config = problem.config
    sizes = _sizes(len(problem.people) - problem.left_over, problem.groups)
    groups: list[list[str]] = [[] for _ in sizes]
    locked = [list(dict.fromkeys(m for m in lock if m in problem.people)) for lock in config.locked]
    placed: set[str] = set()
    for lock in sorted(locked, key=len, reverse=True):
        room = [i for i in range(len(groups)) if sizes[i] - len(groups[i]) >= len(lock)]
        if not room or any(m in placed for m in lock):
            problem.conflicts.append(f"locked group {', '.join(lock)} does not fit; kept apart")
            continue
        target = max(room, key=lambda i: sizes[i] - len(groups[i]))
        groups[target] += lock
        placed.update(lock)
    similar = max((c for c in config.criteria if c.goal == "similar"), key=lambda c: c.weight, default=None)
    diverse = max((c for c in config.criteria if c.goal == "diverse"), key=lambda c: c.weight, default=None)
    rest = [p for p in problem.people if p not in placed]
    holders = set().union(*problem.topic_holders.values()) if problem.topic_holders else set()

    def key(p: str) -> tuple:
        return (
            problem.values[similar.attribute][p] if similar else "",
            p not in holders,
            problem.values[diverse.attribute][p] if diverse else "",
            p,
        )

    rest.sort(key=key)
    left_out = rest[len(rest) - problem.left_over :] if problem.left_over else []
    rest = rest[: len(rest) - len(left_out)]
    if similar:
        # Gather: fill groups one after the other in this order.
        order = [i for i in range(len(groups)) for _ in range(sizes[i] - len(groups[i]))]
    else:
        # Spread: deal round the groups.
        room = [sizes[i] - len(groups[i]) for i in range(len(groups))]
        order = []
        while any(room):
            for i in range(len(groups)):
                if room[i]:
                    order.append(i)
                    room[i] -= 1
    for person, i in zip(rest, order, strict=False):
        groups[i].append(person)
    _cover_topics(problem, groups, placed)
    return groups, left_out


def _cover_topics(problem: GroupProblem, groups: list[list[str]], locked: set[str]) -> None:
    """Swap a holder of each topic skill into every group without one, from a group with two."""
    for holders in problem.topic_holders.values():
        if len(holders) < len(groups):
            continue
        for lacking in groups:
            if holders & set(lacking):
                continue
            donor = next(g for g in groups if len(holders & set(g)) >= 2)
            giver = next(m for m in donor if m in holders and m not in locked)
            taker = next((m for m in lacking if m not in locked), None)
            if taker is None:
                continue
            donor[donor.index(giver)], lacking[lacking.index(taker)] = taker, giver


def _sizes(people: int, groups: int) -> list[int]:
    if not groups:
        return []
    base, extra = divmod(people, groups)
    return [base + (1 if i < extra else 0) for i in range(groups)]


def improve(
    problem: GroupProblem, groups: list[list[str]], *, deadline: float
) -> tuple[list[list[str]], int]:
    """Moves and swaps between two groups, accepted by late acceptance hill climbing.

    A move is kept when it scores at least as well as the current plan or as the plan of
    ``LATE`` steps ago, so the search can cross small dips between local optima. The best plan
    seen is returned. It stops at the deadline, or when the best has not improved for a while;
    only a search cut off by the deadline depends on the machine's speed.
    """
    state = _State(problem, groups)
    rng = random.Random(problem.config.seed)
    fixed = {m for lock in problem.config.locked for m in lock}
    movable = [p for g in groups for p in g if p not in fixed]
    if len(groups) < 2 or not movable:
        return state.groups, 0
    while _repair_isolation(state, fixed):
        pass
    history = [state.objective()] * LATE
    best_value, best, best_is_current = state.objective(), None, True
    accepted, step, idle = 0, 0, 0
    patience = max(PATIENCE_MIN, PATIENCE_PER_PERSON * len(movable))
    while idle < patience and time.perf_counter() < deadline:
        step += 1
        idle += 1
        move = _pick(state, rng, movable, fixed)
        if move is None:
            continue
        candidate = _candidate(state, *move)
        current = state.objective()
        slot = step % LATE
        if candidate.value >= current - 1e-9 or candidate.value >= history[slot]:
            if best_is_current and candidate.value < current - 1e-9:
                best, best_is_current = [list(g) for g in state.groups], False
            state.apply(candidate)
            accepted += 1
            if state.objective() > best_value + 1e-9:
                best_value, best_is_current, idle = state.objective(), True, 0
        history[slot] = state.objective()
    return (state.groups if best_is_current or best is None else best), accepted


def _pick(
    state: _State, rng: random.Random, movable: list[str], fixed: set[str]
) -> tuple[str, int, str | None, int] | None:
    """A random move: someone to another group, in exchange for one of its members (mostly)."""
    config = state.problem.config
    p = rng.choice(movable)
    a = state.where[p]
    b = rng.randrange(len(state.groups) - 1)
    b += b >= a
    q = rng.choice(state.groups[b]) if rng.random() < 0.8 else None
    if q is not None and q in fixed:
        return None
    if q is None and not (len(state.groups[a]) > config.size_min and len(state.groups[b]) < config.size_max):
        return None
    return p, a, q, b


@dataclass
class _Candidate:
    a: int
    b: int
    p: str
    q: str | None
    groups: tuple[list[str], list[str]]
    counts: tuple[dict[str, Counter[str]], dict[str, Counter[str]]]
    scores: tuple[float, float]
    value: float


def _candidate(state: _State, p: str, a: int, q: str | None, b: int) -> _Candidate:
    """The plan's value after moving ``p`` from group ``a`` to ``b`` (and ``q`` back), unapplied."""
    new_a = [m for m in state.groups[a] if m != p] + ([q] if q else [])
    new_b = [m for m in state.groups[b] if m != q] + [p]
    counts_a = state.counts_after(a, p, q)
    counts_b = state.counts_after(b, q, p)
    score_a = state.score(a, counts_a, new_a)
    score_b = state.score(b, counts_b, new_b)
    total = state.total - state.scores[a] - state.scores[b] + score_a + score_b
    lowest = min(x for x in (state.lowest_other(a, b), score_a, score_b) if x is not None)
    value = total + state.problem.config.worst_group * lowest
    return _Candidate(a, b, p, q, (new_a, new_b), (counts_a, counts_b), (score_a, score_b), value)


def _repair_isolation(state: _State, fixed: set[str]) -> int:
    """For a member alone with their value, bring in one of the same value from a group that has
    three or more, sending someone else the other way, wherever that leaves fewer people alone
    and breaks no further rule. Returns the swaps made."""
    problem = state.problem
    swaps = 0
    for attribute in problem.config.no_isolated:
        values = problem.values[attribute]
        for a in range(len(state.groups)):
            for m in list(state.groups[a]):
                value = values[m]
                if state.counts[a][attribute][value] != 1 or m in fixed:
                    continue
                donor = next(
                    (
                        b
                        for b in range(len(state.groups))
                        if b != a and state.counts[b][attribute][value] >= 3
                    ),
                    None,
                )
                if donor is None:
                    continue
                d = next((x for x in state.groups[donor] if values[x] == value and x not in fixed), None)
                # Bring a second one of the value in, send someone else out in exchange.
                for x in list(state.groups[a]):
                    if (
                        d is not None
                        and x != m
                        and x not in fixed
                        and _swap_if_fewer_isolated(state, d, donor, x, a)
                    ):
                        swaps += 1
                        break
    return swaps


def _swap_if_fewer_isolated(state: _State, p: str, a: int, q: str, b: int) -> bool:
    new_a = [m for m in state.groups[a] if m != p] + [q]
    new_b = [m for m in state.groups[b] if m != q] + [p]
    if state.broken(new_a) + state.broken(new_b) > state.broken(state.groups[a]) + state.broken(
        state.groups[b]
    ):
        return False
    move = _candidate(state, p, a, q, b)
    before = state.isolated(state.counts[a]) + state.isolated(state.counts[b])
    if state.isolated(move.counts[0]) + state.isolated(move.counts[1]) >= before:
        return False
    state.apply(move)
    return True


def objective(problem: GroupProblem, groups: Iterable[Iterable[str]]) -> float:
    """What a plan scores: the groups' scores summed, plus ``worst_group`` times the lowest."""
    scores = [group_score(problem, g) for g in groups]
    return sum(scores) + problem.config.worst_group * min(scores) if scores else 0.0


def solve(problem: GroupProblem) -> GroupOutcome:
    started = time.perf_counter()
    groups, left_out = construct(problem)
    groups, moves = improve(problem, groups, deadline=started + problem.config.time_limit)
    return GroupOutcome(
        groups=tuple(tuple(sorted(g)) for g in groups),
        left_out=tuple(left_out),
        objective=objective(problem, groups),
        moves=moves,
        seconds=time.perf_counter() - started,
    )

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from matcher.domain.phrases import phrase
from matcher.engines.groups.problem import REPEAT_PENALTY, GroupProblem, group_score


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
PATIENCE_PER_PERSON = 500
#: Called with (objective of the best plan so far, seconds since the search started).
Progress = Callable[[float, float], None]
#: At most one progress report per this many seconds: new bests come thousands at a time early on.
REPORT_EVERY = 0.25


class _State:
    """Groups with, per group, the value counts of every attribute and the parts of its score
    kept up to date, so a move is scored from the two groups it touches without copying them."""

    def __init__(self, problem: GroupProblem, groups: list[list[str]]) -> None:
        self.problem = problem
        config = problem.config
        attributes = sorted(
            {c.attribute for c in config.criteria if c.goal != "ignore" and c.weight}
            | set(config.no_isolated)
        )
        at = {a: i for i, a in enumerate(attributes)}
        #: (attribute index, weight, diverse?) per criterion that counts.
        self.criteria = [
            (at[c.attribute], c.weight, c.goal == "diverse")
            for c in config.criteria
            if c.goal != "ignore" and c.weight
        ]
        self.isolating = [at[a] for a in config.no_isolated]
        codes: dict[tuple[str, str], int] = {}
        self.code = {
            m: tuple(codes.setdefault((a, problem.values[a][m]), len(codes)) for a in attributes)
            for g in groups
            for m in g
        }
        #: Per similar criterion: its attribute index, and the people of each value.
        self.alike: list[tuple[int, dict[int, list[str]]]] = []
        for k in sorted({k for k, _, diverse in self.criteria if not diverse}):
            by_value: dict[int, list[str]] = {}
            for m, code in self.code.items():
                by_value.setdefault(code[k], []).append(m)
            self.alike.append((k, by_value))
        self.recent = _neighbours(problem.recent)
        self.forbidden = _neighbours(problem.forbidden)
        self.topics = [h for h in problem.topic_holders.values() if len(h) >= problem.groups]
        self.groups = groups
        self.members = [set(g) for g in groups]
        self.where = {m: i for i, g in enumerate(groups) for m in g}
        self.counts: list[list[Counter[int]]] = []
        self.distinct: list[list[int]] = []
        self.alone: list[list[int]] = []
        for g in groups:
            counts = [Counter(self.code[m][i] for m in g) for i in range(len(attributes))]
            self.counts.append(counts)
            self.distinct.append([len(c) for c in counts])
            self.alone.append([sum(1 for n in c.values() if n == 1) for c in counts])
        self.repeats = [_pairs_inside(self.recent, g) for g in groups]
        self.clashes = [_pairs_inside(self.forbidden, g) for g in groups]
        self.holders = [[len(h & set(g)) for h in self.topics] for g in groups]
        self.scores = [self._score(*self._parts(i, None, None)) for i in range(len(groups))]
        self.settle()

    def settle(self) -> None:
        """Recompute the total and the three lowest scores after a change; with these, a move is
        judged without looking at the groups it leaves alone."""
        self.total = sum(self.scores)
        self.lowest = heapq.nsmallest(3, ((score, i) for i, score in enumerate(self.scores)))

    def lowest_other(self, a: int, b: int) -> float | None:
        return next((score for score, i in self.lowest if i not in (a, b)), None)

    def objective(self) -> float:
        if not self.scores:
            return 0.0
        return self.total + self.problem.config.worst_group * self.lowest[0][0]

    def _parts(self, i: int, out: str | None, into: str | None) -> tuple:
        """Group ``i``'s score parts after ``out`` leaves and ``into`` joins (either may be None)."""
        distinct, alone = list(self.distinct[i]), list(self.alone[i])
        counts = self.counts[i]
        code_out = self.code[out] if out is not None else None
        code_in = self.code[into] if into is not None else None
        for k, count in enumerate(counts):
            gone = code_out[k] if code_out is not None else None
            come = code_in[k] if code_in is not None else None
            if gone == come:
                continue
            if gone is not None:
                n = count[gone]
                if n == 1:
                    distinct[k] -= 1
                    alone[k] -= 1
                elif n == 2:
                    alone[k] += 1
            if come is not None:
                n = count[come]
                if n == 0:
                    distinct[k] += 1
                    alone[k] += 1
                elif n == 1:
                    alone[k] -= 1
        size = len(self.groups[i]) + (into is not None) - (out is not None)
        inside = self.members[i]
        repeats = self.repeats[i] + _pair_change(self.recent, inside, out, into)
        clashes = self.clashes[i] + _pair_change(self.forbidden, inside, out, into)
        lacking = sum(
            1
            for holders, n in zip(self.topics, self.holders[i], strict=True)
            if n - (out in holders) + (into in holders) == 0
        )
        return size, distinct, alone, repeats, clashes, lacking

    def _score(
        self,
        size: int,
        distinct: list[int],
        alone: list[int],
        repeats: int,
        clashes: int,
        lacking: int,
    ) -> float:
        total = 0.0
        for k, weight, diverse in self.criteria:
            total += weight * ((distinct[k] - 1) if diverse else (size - distinct[k]))
        total -= ISOLATED_SEARCH * sum(alone[k] for k in self.isolating)
        total -= REPEAT_PENALTY * repeats
        broken = clashes + max(0, repeats - self.problem.config.max_repeats) + lacking
        return total - BROKEN * broken

    def after(self, i: int, out: str | None, into: str | None) -> float:
        return self._score(*self._parts(i, out, into))

    def apply(self, move: _Candidate) -> None:
        for i, out, into, score in (
            (move.a, move.p, move.q, move.scores[0]),
            (move.b, move.q, move.p, move.scores[1]),
        ):
            _, self.distinct[i], self.alone[i], self.repeats[i], self.clashes[i], _ = self._parts(
                i, out, into
            )
            counts = self.counts[i]
            if out is not None:
                self.groups[i].remove(out)
                self.members[i].discard(out)
                for k, code in enumerate(self.code[out]):
                    counts[k][code] -= 1
                    if not counts[k][code]:
                        del counts[k][code]
            if into is not None:
                self.groups[i].append(into)
                self.members[i].add(into)
                self.where[into] = i
                for k, code in enumerate(self.code[into]):
                    counts[k][code] += 1
            self.holders[i] = [
                n - (out in h) + (into in h) for h, n in zip(self.topics, self.holders[i], strict=True)
            ]
            self.scores[i] = score
        self.settle()


def _neighbours(pairs: frozenset[frozenset[str]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for pair in pairs:
        a, b = tuple(pair)
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


def _pairs_inside(neighbours: dict[str, set[str]], members: list[str]) -> int:
    if not neighbours:
        return 0
    inside = set(members)
    return sum(len(neighbours.get(m, _NONE) & inside) for m in members) // 2


def _pair_change(neighbours: dict[str, set[str]], inside: set[str], out: str | None, into: str | None) -> int:
    """How the number of such pairs in a group changes when ``out`` leaves and ``into`` joins."""
    if not neighbours:
        return 0
    change = 0
    if out is not None:
        change -= len(neighbours.get(out, _NONE) & inside)
    if into is not None:
        partners = neighbours.get(into, _NONE)
        change += len(partners & inside) - (out in partners)
    return change


def construct(problem: GroupProblem) -> tuple[list[list[str]], list[str]]:
    """First groups: locked people together; then, ordered by the weightiest similar criterion
    (so groups gather it) and the weightiest diverse one (so dealing spreads it), people are
    dealt round a few groups at a time, or round all of them when nothing is to be gathered.
    Who cannot be placed because the sizes do not divide comes last."""
    config = problem.config
    sizes = _sizes(len(problem.people) - problem.left_over, problem.groups)
    groups: list[list[str]] = [[] for _ in sizes]
    locked = [list(dict.fromkeys(m for m in lock if m in problem.people)) for lock in config.locked]
    placed: set[str] = set()
    for lock in sorted(locked, key=len, reverse=True):
        room = [i for i in range(len(groups)) if sizes[i] - len(groups[i]) >= len(lock)]
        if not room or any(m in placed for m in lock):
            problem.conflicts.append(
                phrase("locked group {ids} does not fit; kept apart", ids=", ".join(lock))
            )
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
    room = [sizes[i] - len(groups[i]) for i in range(len(groups))]
    # Gather: deal round a few groups at a time, so each few hold one similar value and still mix
    # the diverse one. Spread: deal round all groups.
    order = _dealing(room, config.size_max if similar else len(groups))
    for person, i in zip(rest, order, strict=False):
        groups[i].append(person)
    _cover_topics(problem, groups, placed)
    return groups, left_out


def _dealing(room: list[int], block: int) -> list[int]:
    """Group indexes for people in order: round the groups of each block of ``block`` groups in turn."""
    order = []
    for first in range(0, len(room), block):
        left = room[first : first + block]
        while any(left):
            for j, places in enumerate(left):
                if places:
                    order.append(first + j)
                    left[j] -= 1
    return order


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
    problem: GroupProblem,
    groups: list[list[str]],
    *,
    deadline: float,
    on_progress: Progress | None = None,
    started: float | None = None,
) -> tuple[list[list[str]], int]:
    """Moves and swaps between two groups, accepted by late acceptance hill climbing.

    A move is kept when it scores at least as well as the current plan or as the plan of
    ``LATE`` steps ago, so the search can cross small dips between local optima. The best plan
    seen is returned. It stops at the deadline, or when the best has not improved for a while;
    only a search cut off by the deadline depends on the machine's speed. ``on_progress`` hears
    of a better plan (its reported objective) at most every :data:`REPORT_EVERY` seconds.
    """
    started = time.perf_counter() if started is None else started
    state = _State(problem, groups)
    rng = random.Random(problem.config.seed)
    fixed = {m for lock in problem.config.locked for m in lock}
    movable = [p for g in groups for p in g if p not in fixed]
    if len(groups) < 2 or not movable:
        return state.groups, 0
    history = [state.objective()] * LATE
    best_value, best, best_is_current = state.objective(), None, True
    accepted, step, idle = 0, 0, 0
    patience = max(PATIENCE_MIN, PATIENCE_PER_PERSON * len(movable))
    reported, unreported = time.perf_counter(), False
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
                unreported = True
        history[slot] = state.objective()
        if on_progress and unreported and best_is_current and time.perf_counter() - reported >= REPORT_EVERY:
            # The search's own objective weighs broken rules and isolation more; report the plan's.
            reported, unreported = time.perf_counter(), False
            on_progress(objective(problem, state.groups), reported - started)
    return (state.groups if best_is_current or best is None else best), accepted


def _pick(
    state: _State, rng: random.Random, movable: list[str], fixed: set[str]
) -> tuple[str, int, str | None, int] | None:
    """A random move: someone to another group, in exchange for one of its members (mostly).

    Most of the time, when groups should be similar in something, the other group is one that
    holds someone of the same value, and the one sent back differs in it: random groups seldom
    offer a move that gathers.
    """
    config = state.problem.config
    p = rng.choice(movable)
    a = state.where[p]
    b = a
    q: str | None = None
    if state.alike and rng.random() < 0.7:
        k, by_value = state.alike[rng.randrange(len(state.alike))]
        same = by_value[state.code[p][k]]
        b = state.where[same[rng.randrange(len(same))]]
        # Send back someone who does not share the value, so b gathers it.
        others = [m for m in state.groups[b] if state.code[m][k] != state.code[p][k]]
        q = rng.choice(others) if others else None
    if b == a:
        b = rng.randrange(len(state.groups) - 1)
        b += b >= a
        q = None
    if q is None:
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
    scores: tuple[float, float]
    value: float


def _candidate(state: _State, p: str, a: int, q: str | None, b: int) -> _Candidate:
    """The plan's value after moving ``p`` from group ``a`` to ``b`` (and ``q`` back), unapplied."""
    score_a = state.after(a, p, q)
    score_b = state.after(b, q, p)
    total = state.total - state.scores[a] - state.scores[b] + score_a + score_b
    lowest = min(x for x in (state.lowest_other(a, b), score_a, score_b) if x is not None)
    value = total + state.problem.config.worst_group * lowest
    return _Candidate(a, b, p, q, (score_a, score_b), value)


def objective(problem: GroupProblem, groups: Iterable[Iterable[str]]) -> float:
    """What a plan scores: the groups' scores summed, plus ``worst_group`` times the lowest."""
    scores = [group_score(problem, g) for g in groups]
    return sum(scores) + problem.config.worst_group * min(scores) if scores else 0.0


def solve(problem: GroupProblem, *, on_progress: Progress | None = None) -> GroupOutcome:
    """Construct, then improve until the time limit; ``on_progress`` hears of better plans as
    (objective, seconds), the constructed plan and the final one included."""
    started = time.perf_counter()
    groups, left_out = construct(problem)
    if on_progress:
        on_progress(objective(problem, groups), time.perf_counter() - started)
    groups, moves = improve(
        problem,
        groups,
        deadline=started + problem.config.time_limit,
        on_progress=on_progress,
        started=started,
    )
    value = objective(problem, groups)
    if on_progress:
        on_progress(value, time.perf_counter() - started)
    return GroupOutcome(
        groups=tuple(tuple(sorted(g)) for g in groups),
        left_out=tuple(left_out),
        objective=value,
        moves=moves,
        seconds=time.perf_counter() - started,
    )

"""The search's plan: groups with the tallies the score and the hard rules are made of, kept up to
date move by move, so that a move is judged from the two groups it touches.

Per group: value counts of every attribute (and from them distinct values and members alone in
their value), pairs of recent groupmates and forbidden pairs inside, topic holders, and the
tallies of count ranges, balances and shared working time (:mod:`matcher.engines.groups.tallies`).
Across the plan, per value of each ``no_isolated`` attribute: how many groups hold exactly one of it and how
many hold :data:`~matcher.engines.groups.rules.CROWDED` or more. The score parts come from
:func:`~matcher.engines.groups.problem.criterion_points` and
:func:`~matcher.engines.groups.problem.penalty`, the rules broken from the measures in
:mod:`matcher.engines.groups.rules`: the same functions :func:`group_score` and :func:`validate`
use, so a recount of the groups gives the same figures (a property test holds it to that).
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from matcher.engines.groups.problem import GroupProblem, criterion_points, penalty
from matcher.engines.groups.rules import (
    COOLDOWN,
    CROWDED,
    FORBIDDEN,
    ISOLATED,
    SIZE,
    TOPIC,
    cooldown_broken,
    counted_topics,
    forbidden_broken,
    isolation_broken,
    size_broken,
    topic_broken,
)
from matcher.engines.groups.tallies import Held, Tallies

_NONE: frozenset[str] = frozenset()


class Parts(NamedTuple):
    """One group's tallies: what its score and its rules are made of."""

    size: int
    distinct: tuple[int, ...]
    alone: tuple[int, ...]
    repeats: int
    clashes: int
    holders: tuple[int, ...]
    #: Per count range: people of its kind, or for a range per value the people over its maximum.
    held: tuple[int, ...] = ()
    #: Per balance: the members' numbers summed, in tenths.
    sums: tuple[int, ...] = ()
    #: With a shared time: the half hours a week every member works.
    shared: int = 0

    @property
    def tallied(self) -> Held:
        """Its tallies of count ranges, balances and shared time, as :class:`Tallies` takes them."""
        return self.held, self.sums, self.shared


@dataclass
class Move:
    """Person ``p`` from group ``a`` to ``b``, and ``q`` (if any) back, judged but not applied."""

    a: int
    b: int
    p: str
    q: str | None
    parts: tuple[Parts, Parts]
    scores: tuple[float, float]
    broken: int
    isolation: int
    value: float

    def better_than(self, other: Move | None) -> bool:
        """Fewer broken rules, then a higher value: the order every search step picks moves by."""
        return other is None or (self.broken, -self.value) < (other.broken, -other.value)


class State:
    def __init__(self, problem: GroupProblem, groups: list[list[str]]) -> None:
        self.problem = problem
        config = problem.config
        attributes = sorted(
            {c.attribute for c in config.criteria if c.goal != "ignore" and c.weight}
            | set(config.no_isolated)
            | {c.attribute for c in config.counts if c.each_value}
        )
        at = {a: i for i, a in enumerate(attributes)}
        #: (attribute index, weight, diverse?) per criterion that counts.
        self.criteria = [
            (at[c.attribute], c.weight, c.goal == "diverse")
            for c in config.criteria
            if c.goal != "ignore" and c.weight
        ]
        self.isolating = [at[a] for a in config.no_isolated]
        #: The attribute index of every diverse criterion.
        self.mixing = [k for k, _, diverse in self.criteria if diverse]
        self.tallies = Tallies(problem, at)
        self.ranges, self.balances = self.tallies.ranges, self.tallies.balances
        codes: dict[tuple[str, str], int] = {}
        self.code = {
            m: tuple(codes.setdefault((a, problem.values[a][m]), len(codes)) for a in attributes)
            for g in groups
            for m in g
        }
        #: Per similar criterion: its attribute index, and the people of each value.
        self.alike: list[tuple[int, dict[int, list[str]]]] = []
        for k in sorted({k for k, _, diverse in self.criteria if not diverse}):
            self.alike.append((k, self.people_by_value(k)))
        #: Per ``no_isolated`` attribute: the people of each value.
        self.isolating_values = [self.people_by_value(k) for k in self.isolating]
        self.recent = _neighbours(problem.recent)
        self.forbidden = _neighbours(problem.forbidden)
        self.topics = [holders for _, holders in counted_topics(problem, len(groups))]
        self.groups = groups
        self.members = [set(g) for g in groups]
        self.where = {m: i for i, g in enumerate(groups) for m in g}
        self.counts: list[list[Counter[int]]] = [
            [Counter(self.code[m][k] for m in g) for k in range(len(attributes))] for g in groups
        ]
        self.parts = [self._count(i) for i in range(len(groups))]
        self.scores = [self.score(parts) for parts in self.parts]
        self.group_broken = [self.broken_in(parts) for parts in self.parts]
        #: Per ``no_isolated`` attribute: value -> groups holding exactly one, and CROWDED or more.
        self.lone: list[Counter[int]] = [Counter() for _ in self.isolating]
        self.crowded: list[Counter[int]] = [Counter() for _ in self.isolating]
        for counts in self.counts:
            for j, k in enumerate(self.isolating):
                for code, n in counts[k].items():
                    self.lone[j][code] += n == 1
                    self.crowded[j][code] += n >= CROWDED
        #: When not None: each group's members before the first change since it was reset (the
        #: search keeps its best plan this way without copying every group).
        self.before: dict[int, tuple[str, ...]] | None = None
        self.isolation = sum(
            isolation_broken(n, self.crowded[j][code])
            for j, lone in enumerate(self.lone)
            for code, n in lone.items()
        )
        self.settle()

    def people_by_value(self, k: int) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for m, code in self.code.items():
            found.setdefault(code[k], []).append(m)
        return found

    def _count(self, i: int) -> Parts:
        """Group ``i``'s tallies, counted afresh."""
        members, counts = self.members[i], self.counts[i]
        held, sums, shared = self.tallies.count(members, counts)
        return Parts(
            size=len(self.groups[i]),
            distinct=tuple(len(c) for c in counts),
            alone=tuple(sum(1 for n in c.values() if n == 1) for c in counts),
            repeats=_pairs_inside(self.recent, members),
            clashes=_pairs_inside(self.forbidden, members),
            holders=tuple(len(h & members) for h in self.topics),
            held=held,
            sums=sums,
            shared=shared,
        )

    def settle(self) -> None:
        """Recount the totals and the three lowest scores after a change; with these, a move is
        judged without looking at the groups it leaves alone (:meth:`apply` keeps them up to date
        itself)."""
        self.total = sum(self.scores)
        self.broken = sum(self.group_broken) + self.isolation
        #: (score, group) for every group, and for scores it no longer has: those are dropped when
        #: they come to the top.
        self.heap = list(zip(self.scores, range(len(self.scores)), strict=True))
        heapq.heapify(self.heap)
        self._lowest()

    def _lowest(self) -> None:
        """The three lowest (score, group) from the heap, leaving them in it."""
        if len(self.heap) > 4 * len(self.scores) + 16:
            self.heap = list(zip(self.scores, range(len(self.scores)), strict=True))
            heapq.heapify(self.heap)
        found: list[tuple[float, int]] = []
        while self.heap and len(found) < 3:
            score, i = heapq.heappop(self.heap)
            if self.scores[i] == score and all(i != j for _, j in found):
                found.append((score, i))
        for entry in found:
            heapq.heappush(self.heap, entry)
        self.lowest = found

    def lowest_other(self, a: int, b: int) -> float | None:
        return next((score for score, i in self.lowest if i not in (a, b)), None)

    def objective(self) -> float:
        if not self.scores:
            return 0.0
        return self.total + self.problem.config.worst_group * self.lowest[0][0]

    def score(self, parts: Parts) -> float:
        total = 0.0
        for k, weight, diverse in self.criteria:
            total += weight * criterion_points(diverse, parts.size, parts.distinct[k])
        total -= self.tallies.points(parts.size, parts.tallied)
        return total - penalty(sum(parts.alone[k] for k in self.isolating), parts.repeats)

    def broken_in(self, parts: Parts) -> int:
        """The rules a group breaks on its own (isolation is counted across the plan)."""
        config = self.problem.config
        found = (
            size_broken(config, parts.size)
            + forbidden_broken(parts.clashes)
            + cooldown_broken(config, parts.repeats)
            + self.tallies.broken(parts.size, parts.tallied)
        )
        for n in parts.holders:
            found += topic_broken(n)
        return found

    def broken_by_rule(self) -> Counter[str]:
        """The rules broken, by rule, as :func:`~matcher.engines.groups.rules.broken_by_rule`
        counts them."""
        config = self.problem.config
        found: Counter[str] = Counter()
        for parts in self.parts:
            found[SIZE] += size_broken(config, parts.size)
            found[FORBIDDEN] += forbidden_broken(parts.clashes)
            found[COOLDOWN] += cooldown_broken(config, parts.repeats)
            found[TOPIC] += sum(topic_broken(n) for n in parts.holders)
            found += self.tallies.by_rule(parts.size, parts.tallied)
        found[ISOLATED] += self.isolation
        return +found

    def after(self, i: int, out: str | None, into: str | None) -> Parts:
        """Group ``i``'s tallies after ``out`` leaves and ``into`` joins (either may be None)."""
        old = self.parts[i]
        distinct, alone = list(old.distinct), list(old.alone)
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
        inside = self.members[i]
        holders = old.holders
        if holders:
            holders = tuple(n - (out in h) + (into in h) for h, n in zip(self.topics, holders, strict=True))
        held, sums, shared = self.tallies.after(old.tallied, counts, inside, (out, code_out), (into, code_in))
        return Parts(
            size=old.size + (into is not None) - (out is not None),
            distinct=tuple(distinct),
            alone=tuple(alone),
            repeats=old.repeats + _pair_change(self.recent, inside, out, into),
            clashes=old.clashes + _pair_change(self.forbidden, inside, out, into),
            holders=holders,
            held=held,
            sums=sums,
            shared=shared,
        )

    def judge(self, p: str, a: int, q: str | None, b: int) -> Move:
        """The plan after moving ``p`` from group ``a`` to ``b`` (and ``q`` back), unapplied."""
        parts_a, parts_b = self.after(a, p, q), self.after(b, q, p)
        score_a, score_b = self.score(parts_a), self.score(parts_b)
        isolation = self.isolation + self._isolation_change(p, a, q, b)
        broken = (
            self.broken
            - self.group_broken[a]
            - self.group_broken[b]
            + self.broken_in(parts_a)
            + self.broken_in(parts_b)
            + isolation
            - self.isolation
        )
        total = self.total - self.scores[a] - self.scores[b] + score_a + score_b
        lowest = min(x for x in (self.lowest_other(a, b), score_a, score_b) if x is not None)
        value = total + self.problem.config.worst_group * lowest
        return Move(a, b, p, q, (parts_a, parts_b), (score_a, score_b), broken, isolation, value)

    def _isolation_change(self, p: str, a: int, q: str | None, b: int) -> int:
        change = 0
        code_p = self.code[p]
        code_q = self.code[q] if q is not None else None
        for j, k in enumerate(self.isolating):
            x = code_p[k]
            y = code_q[k] if code_q is not None else None
            if x == y:
                continue
            change += self._value_change(j, x, self.counts[a][k][x], -1, self.counts[b][k][x], 1)
            if y is not None:
                change += self._value_change(j, y, self.counts[b][k][y], -1, self.counts[a][k][y], 1)
        return change

    def _value_change(self, j: int, code: int, n_from: int, d_from: int, n_to: int, d_to: int) -> int:
        """How the isolation measure of one value changes when one group's count of it goes from
        ``n_from`` by ``d_from`` and another's from ``n_to`` by ``d_to``."""
        lone, crowded = self.lone[j][code], self.crowded[j][code]
        new_lone, new_crowded = lone, crowded
        for n, d in ((n_from, d_from), (n_to, d_to)):
            new_lone += (n + d == 1) - (n == 1)
            new_crowded += (n + d >= CROWDED) - (n >= CROWDED)
        return isolation_broken(new_lone, new_crowded) - isolation_broken(lone, crowded)

    def apply(self, move: Move) -> None:
        if self.before is not None:
            for i in (move.a, move.b):
                self.before.setdefault(i, tuple(self.groups[i]))
        lowest = [i for _, i in self.lowest]
        self.total += sum(move.scores) - self.scores[move.a] - self.scores[move.b]
        for i, out, into, parts, score in (
            (move.a, move.p, move.q, move.parts[0], move.scores[0]),
            (move.b, move.q, move.p, move.parts[1], move.scores[1]),
        ):
            if out is not None:
                self.groups[i].remove(out)
                self.members[i].discard(out)
                self._recount(i, out, -1)
            if into is not None:
                self.groups[i].append(into)
                self.members[i].add(into)
                self.where[into] = i
                self._recount(i, into, 1)
            self.parts[i] = parts
            self.scores[i] = score
            self.group_broken[i] = self.broken_in(parts)
        self.isolation = move.isolation
        self.broken = move.broken
        # The three lowest change only if a group among them changed or one fell below them.
        heapq.heappush(self.heap, (move.scores[0], move.a))
        heapq.heappush(self.heap, (move.scores[1], move.b))
        if move.a in lowest or move.b in lowest or min(move.scores) <= self.lowest[-1][0]:
            self._lowest()

    def _recount(self, i: int, person: str, change: int) -> None:
        counts = self.counts[i]
        code = self.code[person]
        for k, value in enumerate(code):
            before = counts[k][value]
            after = before + change
            if after:
                counts[k][value] = after
            else:
                del counts[k][value]
        for j, k in enumerate(self.isolating):
            value = code[k]
            after = counts[k][value]
            before = after - change
            self.lone[j][value] += (after == 1) - (before == 1)
            self.crowded[j][value] += (after >= CROWDED) - (before >= CROWDED)

    def regroup(self, changed: dict[int, list[str]]) -> None:
        """Give the groups in ``changed`` new members (people already placed in them), and count
        those groups afresh."""
        values = [{self.code[m][k] for i in changed for m in self.groups[i]} for k in self.isolating]
        self.isolation -= self._isolation_of(values)
        for i, members in changed.items():
            self._spread(i, -1)
            self.groups[i] = list(members)
            self.members[i] = set(members)
            self.where.update((m, i) for m in members)
            self.counts[i] = [Counter(self.code[m][k] for m in members) for k in range(len(self.counts[i]))]
            self._spread(i, 1)
            self.parts[i] = self._count(i)
            self.scores[i] = self.score(self.parts[i])
            self.group_broken[i] = self.broken_in(self.parts[i])
        self.isolation += self._isolation_of(values)
        self.settle()

    def _spread(self, i: int, sign: int) -> None:
        for j, k in enumerate(self.isolating):
            for code, n in self.counts[i][k].items():
                self.lone[j][code] += sign * (n == 1)
                self.crowded[j][code] += sign * (n >= CROWDED)

    def _isolation_of(self, values: list[set[int]]) -> int:
        return sum(
            isolation_broken(self.lone[j][code], self.crowded[j][code])
            for j, codes in enumerate(values)
            for code in codes
        )

    def isolated_now(self) -> list[tuple[str, int]]:
        """(person, index of the ``no_isolated`` attribute) for everyone whose isolation the
        rule counts."""
        found = []
        for j, k in enumerate(self.isolating):
            for code, n in self.lone[j].items():
                if isolation_broken(n, self.crowded[j][code]):
                    people = self.isolating_values[j][code]
                    found += [(m, j) for m in people if self.counts[self.where[m]][k][code] == 1]
        return found


def _neighbours(pairs: frozenset[frozenset[str]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for pair in pairs:
        if len(pair) != 2:
            continue  # someone paired with themselves: nothing to keep apart
        a, b = tuple(pair)
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


def _pairs_inside(neighbours: dict[str, set[str]], inside: set[str]) -> int:
    if not neighbours:
        return 0
    return sum(len(neighbours.get(m, _NONE) & inside) for m in inside) // 2


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

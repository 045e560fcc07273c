"""The search's tallies of the criteria HR sets beside diversity and likeness: count ranges,
balances and shared working time, per group, counted afresh or after one person leaves and
another joins.

A count range of one kind counts its people, a range per value the people over its maximum
(from the group's value counts the search state keeps); a balance sums its numbers. Shared
working time is no count: a group's shared half hours are the AND of its members' weeks, so a
move recounts it from the members (a few ANDs of 336-bit numbers). Points and rules broken come
from the functions :func:`~matcher.engines.groups.problem.group_score` and
:func:`~matcher.engines.groups.rules.validate` use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from matcher.engines.groups.problem import (
    GroupProblem,
    balance_points,
    deviation,
    range_points,
    shared_points,
)
from matcher.engines.groups.rules import (
    BALANCE,
    RANGE,
    SHARED,
    balance_broken,
    range_broken,
    shared_broken,
)
from matcher.engines.groups.shared import common

#: A group's tallies of them: per count range what it holds, per balance the members' numbers
#: summed (in tenths), and its shared half hours a week.
Held = tuple[tuple[int, ...], tuple[int, ...], int]


class Tallies:
    def __init__(self, problem: GroupProblem, at: dict[str, int]) -> None:
        config = problem.config
        #: Per count range: the range, its attribute index (a range per value) or its people.
        self.ranges = [
            (rule, at[rule.attribute] if kind is None else None, kind or frozenset())
            for rule, kind in zip(config.counts, problem.kinds, strict=True)
        ]
        #: Per balance: the rule, everyone's number, and the round's sum (all in tenths).
        self.balances = [
            (rule, problem.numbers[b], problem.whole(b)) for b, rule in enumerate(config.balance)
        ]
        self.people = len(problem.people)
        self.shared = config.shared_time
        self.available = problem.available
        # What can cost points and what can break a rule, by place: judging a move asks both of
        # every group it touches, and the rest would only add noughts.
        self.scored_ranges = [(r, rule) for r, (rule, _, _) in enumerate(self.ranges) if not rule.hard]
        self.hard_ranges = [(r, rule) for r, (rule, _, _) in enumerate(self.ranges) if rule.hard]
        self.scored_balances = [
            (b, rule, whole) for b, (rule, _, whole) in enumerate(self.balances) if rule.weight
        ]
        self.hard_balances = [
            (b, rule, whole) for b, (rule, _, whole) in enumerate(self.balances) if rule.tolerance is not None
        ]
        self.scored_shared = self.shared is not None and not self.shared.hard
        self.hard_shared = self.shared is not None and self.shared.hard

    def count(self, members: set[str], counts: list[Counter[int]]) -> Held:
        """A group's tallies, counted afresh from its members and value counts."""
        held = tuple(
            len(kind & members) if k is None else sum(max(0, n - (rule.max or 0)) for n in counts[k].values())
            for rule, k, kind in self.ranges
        )
        sums = tuple(sum(numbers[m] for m in members) for _, numbers, _ in self.balances)
        return held, sums, self.common(members)

    def common(self, members: Iterable[str]) -> int:
        """The half hours a week every one of ``members`` works (0 without a shared time)."""
        if self.shared is None:
            return 0
        return common(self.available[m] for m in members).bit_count()

    def after(
        self,
        old: Held,
        counts: list[Counter[int]],
        members: set[str],
        moving: tuple[str | None, tuple[int, ...] | None],
        coming: tuple[str | None, tuple[int, ...] | None],
    ) -> Held:
        """A group's tallies after ``moving`` (a person and their value codes) leaves and
        ``coming`` joins (either may be None)."""
        (out, code_out), (into, code_in) = moving, coming
        held = list(old[0])
        for r, (rule, at, kind) in enumerate(self.ranges):
            if at is None:
                held[r] += (into in kind) - (out in kind)
                continue
            gone = code_out[at] if code_out is not None else None
            come = code_in[at] if code_in is not None else None
            most = rule.max or 0
            if gone == come:
                continue
            if gone is not None and counts[at][gone] > most:
                held[r] -= 1
            if come is not None and counts[at][come] >= most:
                held[r] += 1
        sums = tuple(
            summed + (numbers[into] if into is not None else 0) - (numbers[out] if out is not None else 0)
            for (_, numbers, _), summed in zip(self.balances, old[1], strict=True)
        )
        shared = old[2]
        if self.shared is not None and out != into:
            stay = (m for m in members if m != out)
            shared = self.common([*stay, into] if into is not None else stay)
        return tuple(held), sums, shared

    def points(self, size: int, held: Held) -> float:
        """Points these criteria take off a group of ``size``."""
        total = 0.0
        for r, rule in self.scored_ranges:
            total += range_points(rule, held[0][r])
        for b, balance, whole in self.scored_balances:
            total += balance_points(balance, deviation(held[1][b], size, whole, self.people))
        return total + (shared_points(self.shared, held[2]) if self.scored_shared else 0.0)

    def broken(self, size: int, held: Held) -> int:
        """How many times a group of ``size`` breaks the rules of these criteria."""
        found = 0
        for r, rule in self.hard_ranges:
            found += range_broken(rule, held[0][r])
        for b, balance, whole in self.hard_balances:
            found += balance_broken(balance, held[1][b], size, whole, self.people)
        return found + (shared_broken(self.shared, held[2]) if self.hard_shared else 0)

    def by_rule(self, size: int, held: Held) -> Counter[str]:
        """The same, by rule."""
        found: Counter[str] = Counter()
        for (rule, _, _), n in zip(self.ranges, held[0], strict=True):
            found[RANGE] += range_broken(rule, n)
        for (balance, _, whole), summed in zip(self.balances, held[1], strict=True):
            found[BALANCE] += balance_broken(balance, summed, size, whole, self.people)
        found[SHARED] += shared_broken(self.shared, held[2])
        return found

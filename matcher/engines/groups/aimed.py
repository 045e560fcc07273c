"""Search steps aimed at one criterion: a group short of shared working time swaps the member
who keeps the others from sharing the most for someone whose week fits theirs.

Random swaps seldom mend shared time: among 2,000 people with 29 kinds of working week, a random
newcomer fits the rest of a short group about one time in ten, and the diversity criteria then
judge the swap against a random member. This step picks both ends: the member without whom the
others share the most, and newcomers whose week gives the others enough (alike in the weightiest
similar criterion first, so the gathering stays). The best swap of a few is judged by the search
state like any other, so it breaks no more rules and is taken on the search's own terms.
"""

from __future__ import annotations

import math
import random
import time

from matcher.engines.groups.problem import hours_of
from matcher.engines.groups.shared import SLOT, common
from matcher.engines.groups.state import Move, State

#: Groups looked at to find one short of shared time, and newcomers judged for it.
LOOKS = 12
NEWCOMERS = 8
#: Third groups tried for each member making room for someone alone in their value.
THIRD_GROUPS = 20


class SharedStep:
    def __init__(self, state: State, fixed: set[str]) -> None:
        rule = state.tallies.shared
        #: Half hours a group must share to be short of nothing (None: no shared time is set).
        self.needed = math.ceil(rule.hours * 60 / SLOT) if rule is not None and rule.hours else None
        available = state.problem.available
        similar = state.alike[0][0] if state.alike else None
        #: Movable people by their week, and by their week and value of the similar criterion.
        self.by_week: dict[int, list[str]] = {}
        self.by_week_alike: dict[tuple[int, int], list[str]] = {}
        for group in state.groups if self.needed is not None else ():
            for m in group:
                if m in fixed:
                    continue
                self.by_week.setdefault(available[m], []).append(m)
                code = state.code[m][similar] if similar is not None else 0
                self.by_week_alike.setdefault((available[m], code), []).append(m)
        self.similar = similar
        self.fixed = fixed

    def short(self, state: State, i: int) -> bool:
        """Group ``i`` shares less working time than the rule wants (its own measure)."""
        rule = state.tallies.shared
        return rule is not None and rule.short(hours_of(state.parts[i].shared)) > 0

    def pick(self, state: State, rng: random.Random) -> Move | None:
        """The best judged swap for a group short of shared time, or None when none is found."""
        if self.needed is None or len(state.groups) < 2:
            return None
        a = next(
            (
                i
                for i in rng.sample(range(len(state.groups)), min(LOOKS, len(state.groups)))
                if self.short(state, i)
            ),
            None,
        )
        if a is None:
            return None
        members = state.groups[a]
        without = {
            m: state.tallies.common(o for o in members if o != m) for m in members if m not in self.fixed
        }
        if not without:
            return None
        most = max(without.values())
        p = rng.choice([m for m, n in without.items() if n == most])
        rest = common(state.problem.available[o] for o in members if o != p)
        fitting = [week for week in self.by_week if (week & rest).bit_count() >= self.needed]
        if not fitting:
            return None
        code = state.code[p][self.similar] if self.similar is not None else 0
        alike = [m for week in fitting for m in self.by_week_alike.get((week, code), ())]
        anyone = [m for week in fitting for m in self.by_week[week]]
        # Alike ones first: anyone else would often be the only one of their site in group a.
        newcomers = rng.sample(alike, min(len(alike), NEWCOMERS))
        if len(newcomers) < NEWCOMERS // 2:
            newcomers += rng.sample(anyone, min(len(anyone), NEWCOMERS // 2))
        best: Move | None = None
        for q in newcomers:
            b = state.where[q]
            if b == a:
                continue
            move = state.judge(p, a, q, b)
            if move.better_than(best):
                best = move
        return best


class BalanceStep:
    """A group whose average is off the round's swaps a member on the side it leans to for someone
    alike in the similar criterion on the other side: the members a random swap picks seldom pull
    the average back, and one alike keeps the gathering."""

    def __init__(self, state: State, fixed: set[str]) -> None:
        self.balances = [b for b, (rule, _, _) in enumerate(state.balances) if rule.weight or rule.tolerance]
        similar = state.alike[0][0] if state.alike else None
        self.alike: dict[int, list[str]] = {}
        for group in state.groups:
            for m in group:
                if m not in fixed:
                    self.alike.setdefault(state.code[m][similar] if similar is not None else 0, []).append(m)
        self.similar = similar
        self.fixed = fixed

    def pick(self, state: State, rng: random.Random) -> Move | None:
        """The best judged swap for the group furthest off of a few, or None when none is found."""
        if not self.balances or len(state.groups) < 2:
            return None
        b = self.balances[rng.randrange(len(self.balances))]
        _, numbers, whole = state.balances[b]
        people = state.tallies.people

        def off(i: int) -> int:
            # How far group i's sum is from its share of the round's, scaled by the round's size.
            return people * state.parts[i].sums[b] - whole * state.parts[i].size

        looked = rng.sample(range(len(state.groups)), min(LOOKS, len(state.groups)))
        a = max(looked, key=lambda i: abs(off(i)))
        lean = off(a)
        if not lean:
            return None
        high = lean > 0
        leaning = [
            m for m in state.groups[a] if m not in self.fixed and (people * numbers[m] > whole) == high
        ]
        if not leaning:
            return None
        p = rng.choice(leaning)
        pool = self.alike.get(state.code[p][self.similar] if self.similar is not None else 0, [])
        best: Move | None = None
        for q in rng.sample(pool, min(len(pool), 2 * NEWCOMERS)):
            other = state.where[q]
            # Someone on the other side of p: the swap moves group a's average back.
            if other == a or (numbers[q] < numbers[p]) != high:
                continue
            move = state.judge(p, a, q, other)
            if move.better_than(best):
                best = move
        return best


def join_alone(state: State, fixed: set[str], rng: random.Random, *, deadline: float) -> int:
    """After the search: each member who is the only one of their value of a ``no_isolated``
    attribute in their group (the rule allows it where no group holds three of it, the score
    takes :data:`~matcher.engines.groups.problem.ISOLATED_PENALTY` off) is moved into a group
    holding that value (:func:`_join`) when that breaks no more rules and raises the plan. Random
    steps seldom pair two such people: one must move into the one group that holds the other,
    and whoever makes room there must go where their own value is. Stops at ``deadline``;
    returns the members joined."""
    taken = 0
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for j, k in enumerate(state.isolating):
            alone = [
                m for i, g in enumerate(state.groups) for m in g if state.counts[i][k][state.code[m][k]] == 1
            ]
            for p in alone:
                if time.perf_counter() >= deadline:
                    return taken
                still = p not in fixed and state.counts[state.where[p]][k][state.code[p][k]] == 1
                if still and _join(state, p, j, fixed, rng):
                    taken += 1
                    improved = True
    return taken


def _join(state: State, p: str, j: int, fixed: set[str], rng: random.Random) -> bool:
    """Move ``p`` into a group holding their value of ``no_isolated`` attribute ``j``: alone
    where the sizes allow, or for one of its members, or for one who then swaps with someone of
    a third group that holds the member's own value. Taken when the plan breaks no more rules and
    scores more; returns whether it was."""
    k, config = state.isolating[j], state.problem.config
    a = state.where[p]
    broken, value = state.broken, state.objective()
    holding = sorted({state.where[m] for m in state.isolating_values[j][state.code[p][k]]} - {a})
    best = None
    for b in holding:
        options: list[str | None] = [q for q in state.groups[b] if q not in fixed]
        if len(state.groups[a]) > config.size_min and len(state.groups[b]) < config.size_max:
            options.append(None)  # join without sending anyone back
        for q in options:
            move = state.judge(p, a, q, b)
            if move.better_than(best):
                best = move
    if best is not None and best.broken <= broken and best.value > value + 1e-9:
        state.apply(best)
        return True
    for b in holding:
        for q in [q for q in state.groups[b] if q not in fixed]:
            state.apply(state.judge(p, a, q, b))
            # q is in a now: swap them with someone of a group that holds q's value.
            theirs = sorted({state.where[m] for m in state.isolating_values[j][state.code[q][k]]} - {a, b})
            second = None
            for c in rng.sample(theirs, min(len(theirs), THIRD_GROUPS)):
                for r in state.groups[c]:
                    if r in fixed:
                        continue
                    move = state.judge(q, a, r, c)
                    if move.better_than(second):
                        second = move
            if second is not None and second.broken <= broken and second.value > value + 1e-9:
                state.apply(second)
                return True
            state.apply(state.judge(q, a, p, b))
    return False

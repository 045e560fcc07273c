"""Repairs: moves aimed at the rules a plan breaks, taken while they lower the count.

For each broken rule the people who could mend it are tried against the groups that could take
them: someone in a forbidden pair or a pair of recent groupmates against other groups; a topic
holder from a group with two against the group without one; someone who is the only one of their
value against the groups that hold that value, and one of that value from a crowded group against
their group; for a group sharing too little working time, the members without whom the rest share
the most against other groups. Groups are tried in turn until one offers a move that breaks fewer
rules than the plan does; the best move there (fewest rules broken, then the best plan) is taken.
What this cannot mend is left to the exact repair (:mod:`matcher.engines.groups.exact`).
"""

from __future__ import annotations

import random
import time

from matcher.engines.groups.rules import (
    CROWDED,
    balance_broken,
    cooldown_broken,
    range_broken,
    shared_broken,
    topic_broken,
)
from matcher.engines.groups.state import Move, State

#: How many groups each person is tried against, at most.
TARGETS = 40


def repair(state: State, rng: random.Random, fixed: set[str], *, deadline: float) -> int:
    """Mend what can be mended by single moves and swaps; returns the moves taken."""
    taken = 0
    while state.broken and time.perf_counter() < deadline:
        progress = False
        tries = _tries(state, rng, fixed)
        rng.shuffle(tries)
        for person, targets in tries:
            if not state.broken or time.perf_counter() >= deadline:
                break
            if person in fixed:
                continue
            move = best_move(state, person, targets, fixed)
            if move is not None and move.broken < state.broken:
                state.apply(move)
                taken += 1
                progress = True
        if not progress:
            break
    return taken


def best_move(state: State, person: str, targets: list[int], fixed: set[str]) -> Move | None:
    """The best move of ``person`` into the first of ``targets`` where one breaks fewer rules,
    alone or in exchange for a member; else the best move found."""
    config = state.problem.config
    a = state.where[person]
    best: Move | None = None
    for b in targets:
        if b == a:
            continue
        options: list[str | None] = [q for q in state.groups[b] if q not in fixed]
        if len(state.groups[a]) > config.size_min and len(state.groups[b]) < config.size_max:
            options.append(None)
        for q in options:
            move = state.judge(person, a, q, b)
            if move.better_than(best):
                best = move
        if best is not None and best.broken < state.broken:
            break
    return best


def _tries(state: State, rng: random.Random, fixed: set[str]) -> list[tuple[str, list[int]]]:
    """(person, groups to try them in) for every broken rule."""
    tries: list[tuple[str, list[int]]] = []
    count = len(state.groups)
    for i, broken in enumerate(state.group_broken):
        if not broken:
            continue
        members = state.members[i]
        culprits = [m for m in members if state.forbidden.get(m, set()) & members]
        if cooldown_broken(state.problem.config, state.parts[i].repeats):
            culprits += [m for m in members if state.recent.get(m, set()) & members]
        for m in dict.fromkeys(culprits):
            tries.append((m, _sample(rng, count, TARGETS)))
        tries += _range_tries(state, rng, i, fixed)
        tries += _balance_tries(state, rng, i)
        tries += _shared_tries(state, rng, i)
        for t, n in enumerate(state.parts[i].holders):
            if topic_broken(n):
                givers = donors(state, t, i, fixed)
                tries += [(h, [i]) for h in rng.sample(givers, min(len(givers), TARGETS))]
    for person, j in state.isolated_now():
        k = state.isolating[j]
        value = state.code[person][k]
        alike = state.isolating_values[j][value]
        holding = sorted({state.where[m] for m in alike} - {state.where[person]})
        tries.append((person, rng.sample(holding, min(len(holding), TARGETS))))
        home = state.where[person]
        crowded = [m for m in alike if state.counts[state.where[m]][k][value] >= CROWDED]
        for m in rng.sample(crowded, min(len(crowded), 3)):
            tries.append((m, [home]))
    return tries


def _range_tries(state: State, rng: random.Random, i: int, fixed: set[str]) -> list[tuple[str, list[int]]]:
    """For each hard count range group ``i`` is out of, moves of one person at a time: over it,
    its people of the kind (or of a value it holds too many of) against the groups with room for
    one more (those short first); short of it, people of the kind from groups holding more than the
    minimum (those over first) against group ``i``."""
    tries: list[tuple[str, list[int]]] = []
    parts = state.parts[i]
    for r, (rule, k, kind) in enumerate(state.ranges):
        if not range_broken(rule, parts.held[r]):
            continue
        most = rule.max or 0
        if k is not None:
            for m in state.groups[i]:
                value = state.code[m][k]
                if state.counts[i][k][value] > most:
                    room = [j for j in range(len(state.groups)) if state.counts[j][k][value] < most]
                    tries.append((m, _first(rng, room, [])))
        elif parts.held[r] > rule.min:
            held = [p.held[r] for p in state.parts]
            short = [j for j, n in enumerate(held) if n < rule.min]
            room = [j for j, n in enumerate(held) if rule.min <= n and (rule.max is None or n < rule.max)]
            tries += [(m, _first(rng, short, room)) for m in state.groups[i] if m in kind]
        else:
            over: list[str] = []
            spare: list[str] = []
            for m in sorted(kind):
                if m in state.where and m not in fixed and state.parts[state.where[m]].held[r] > rule.min:
                    n = state.parts[state.where[m]].held[r]
                    (over if rule.max is not None and n > rule.max else spare).append(m)
            for people in (over, spare):
                tries += [(m, [i]) for m in rng.sample(people, min(len(people), TARGETS))]
    return tries


def _first(rng: random.Random, first: list[int], then: list[int]) -> list[int]:
    """Up to :data:`TARGETS` groups: a sample of ``first``, topped up from ``then``."""
    chosen = rng.sample(first, min(len(first), TARGETS))
    return chosen + rng.sample(then, min(len(then), TARGETS - len(chosen)))


def _balance_tries(state: State, rng: random.Random, i: int) -> list[tuple[str, list[int]]]:
    """For each balance group ``i`` is too far off in: its members on the side it leans to,
    against other groups."""
    tries: list[tuple[str, list[int]]] = []
    parts, people = state.parts[i], len(state.problem.people)
    for (rule, numbers, whole), summed in zip(state.balances, parts.sums, strict=True):
        if balance_broken(rule, summed, parts.size, whole, people):
            high = people * summed > whole * parts.size
            leaning = [m for m in state.groups[i] if (people * numbers[m] > whole) == high]
            tries += [(m, _sample(rng, len(state.groups), TARGETS)) for m in leaning]
    return tries


def _shared_tries(state: State, rng: random.Random, i: int) -> list[tuple[str, list[int]]]:
    """For a group sharing too little working time: the members without whom the others share
    the most, against other groups."""
    if not shared_broken(state.tallies.shared, state.parts[i].shared):
        return []
    members = state.groups[i]
    without = {m: state.tallies.common(o for o in members if o != m) for m in members}
    most = max(without.values())
    return [(m, _sample(rng, len(state.groups), TARGETS)) for m in members if without[m] == most]


def donors(state: State, t: int, i: int, fixed: set[str], *, alike_only: bool = False) -> list[str]:
    """Holders of topic ``t`` in groups with two or more who could join group ``i`` without being
    alone there in a value of a ``no_isolated`` attribute; if there are none (and not
    ``alike_only``), the other holders in such groups."""
    here = [set(state.counts[i][k]) for k in state.isolating]
    fitting: list[str] = []
    others: list[str] = []
    for h in sorted(state.topics[t]):
        if h in fixed or h not in state.where or state.parts[state.where[h]].holders[t] < 2:
            continue
        code = state.code[h]
        at_home = all(code[k] in values for k, values in zip(state.isolating, here, strict=True))
        (fitting if at_home else others).append(h)
    return fitting if fitting or alike_only else others


def _sample(rng: random.Random, count: int, n: int) -> list[int]:
    return rng.sample(range(count), min(count, n))

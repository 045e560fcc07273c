"""The hard rules as a CP-SAT model: a plan that keeps every rule, or a proof that none exists.

For a small round the whole round is modelled, including who is left out when the sizes do not
divide; CP-SAT then either finds a plan that keeps every rule or proves that there is none. For a
large round only the groups around each broken rule are modelled, with what the rest of the plan
holds as fixed context (for isolation: which values other groups hold alone or crowded).

The model is the rules of :mod:`matcher.engines.groups.rules` as constraints: sizes, locks,
forbidden pairs, at most ``max_repeats`` recent groupmates, every counted topic held, nobody
alone in a value of a ``no_isolated`` attribute while some group holds
:data:`~matcher.engines.groups.rules.CROWDED` or more of it, every hard count range, and
every balance's tolerance, and a hard shared working time while its model stays small
(:data:`SHARED_TERMS`); beyond that it is left out, so a plan found here may still break it (the
search and :func:`~matcher.engines.groups.rules.validate` count it; a proof that no plan keeps the
other rules is a proof for all of them). OR-Tools objects stay in this module.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from matcher.engines.groups.problem import GroupProblem, pairs_among
from matcher.engines.groups.repair import donors
from matcher.engines.groups.rules import CROWDED, counted_topics, spread, topic_broken
from matcher.engines.groups.shared import SLOT, SLOTS
from matcher.engines.groups.state import State

#: The whole round is modelled when people x groups is at most this.
WHOLE_ROUND = 6000
#: Groups modelled around each broken one (itself included), and seconds for each such model.
AROUND = 8
AROUND_SECONDS = 2.0
#: Models around one broken group, at most.
ATTEMPTS = 3
#: Shared working time is modelled when groups x kinds of half hour x people is at most this.
SHARED_TERMS = 200_000


@dataclass(frozen=True)
class Exact:
    #: The plan found (every group, and who is left out), or None.
    groups: list[list[str]] | None
    left_out: list[str]
    #: CP-SAT proved that no plan keeps every rule.
    proven_impossible: bool = False


def small_enough(problem: GroupProblem) -> bool:
    return len(problem.people) * max(problem.groups, 1) <= WHOLE_ROUND


def whole_round(problem: GroupProblem, groups: Sequence[Sequence[str]], *, seconds: float) -> Exact:
    """Every rule over the whole round, with ``groups`` as a hint."""
    people = list(problem.people)
    index = {p: i for i, p in enumerate(people)}
    # Groups are interchangeable: number them by their first member, and let person i sit only in
    # groups 0..i. The hint is numbered the same way.
    ordered = sorted((g for g in groups if g), key=lambda g: min(index[m] for m in g))
    hint = {m: i for i, g in enumerate(ordered) for m in g}
    place = len(people) - problem.left_over
    found = _solve(problem, people, problem.groups, place, {}, hint, seconds, ordered_slots=True)
    if found is None:
        return Exact(None, [])
    if found == "infeasible":
        return Exact(None, [], proven_impossible=True)
    placed = {m for g in found for m in g}
    return Exact(found, [p for p in people if p not in placed])


def around_broken(problem: GroupProblem, state: State, rng: random.Random, *, deadline: float) -> int:
    """Remodel the groups around each broken rule in turn, in ``state``; returns how many models
    found a plan that keeps every rule there. Each model keeps the people of its groups in those
    groups, within the sizes; a group that stays broken is tried again with other groups around it
    (at most :data:`ATTEMPTS` times)."""
    mended = 0
    tried: Counter[int] = Counter()
    while time.perf_counter() < deadline:
        centre = _next_centre(state, tried)
        if centre is None:
            break
        tried[centre] += 1
        chosen = [centre, *_helpers(state, centre, rng)]
        people = [m for i in chosen for m in state.groups[i]]
        hint = {m: n for n, i in enumerate(chosen) for m in state.groups[i]}
        outside = _outside(problem, state, chosen)
        seconds = min(AROUND_SECONDS, deadline - time.perf_counter())
        if seconds <= 0:
            break
        found = _solve(problem, people, len(chosen), len(people), outside, hint, seconds)
        if isinstance(found, list):
            before, was = state.broken, {i: list(state.groups[i]) for i in chosen}
            state.regroup(dict(zip(chosen, found, strict=True)))
            if state.broken > before:
                state.regroup(was)  # it broke shared working time, which the model leaves out
            mended += state.broken < before
    return mended


def _next_centre(state: State, tried: Counter[int]) -> int | None:
    broken = [i for i, n in enumerate(state.group_broken) if n]
    broken += [state.where[m] for m, _ in state.isolated_now()]
    return min((i for i in broken if tried[i] < ATTEMPTS), key=lambda i: (tried[i], i), default=None)


def _helpers(state: State, centre: int, rng: random.Random) -> list[int]:
    """Groups that could give the centre what it lacks, best first: for a missing topic, groups
    with two or more holders alike in every ``no_isolated`` value, then those with the most holders
    of any value; groups holding each ``no_isolated`` value of its members; then random ones."""
    wanted: list[int] = []
    for t, n in enumerate(state.parts[centre].holders):
        if topic_broken(n):
            alike = donors(state, t, centre, set(), alike_only=True)
            wanted += [state.where[h] for h in rng.sample(alike, min(len(alike), AROUND // 3))]
            richest = sorted(range(len(state.groups)), key=lambda g: -state.parts[g].holders[t])
            wanted += richest[: AROUND // 3]
    for j, k in enumerate(state.isolating):
        # Values few hold here first: someone alone in one needs company from elsewhere.
        counts = state.counts[centre][k]
        for m in sorted(state.groups[centre], key=lambda m: (counts[state.code[m][k]], m)):
            alike = state.isolating_values[j][state.code[m][k]]
            wanted += [state.where[p] for p in rng.sample(alike, min(len(alike), 2))]
    wanted += rng.sample(range(len(state.groups)), min(len(state.groups), AROUND))
    return [g for g in dict.fromkeys(wanted) if g != centre][: AROUND - 1]


def _outside(
    problem: GroupProblem, state: State, chosen: list[int]
) -> dict[tuple[str, str], tuple[int, int]]:
    """Per (``no_isolated`` attribute, value): groups outside ``chosen`` holding one of it, and
    holding CROWDED or more."""
    inside = [tuple(state.groups[i]) for i in chosen]
    found = {}
    for j, attribute in enumerate(problem.config.no_isolated):
        here = spread(problem, inside, attribute)
        for people in state.isolating_values[j].values():
            value = problem.values[attribute][people[0]]
            code = state.code[people[0]][state.isolating[j]]
            own = here.get(value, (0, 0))
            found[attribute, value] = (state.lone[j][code] - own[0], state.crowded[j][code] - own[1])
    return found


def _solve(
    problem: GroupProblem,
    people: list[str],
    slots: int,
    place: int,
    outside: dict[tuple[str, str], tuple[int, int]],
    hint: dict[str, int],
    seconds: float,
    *,
    ordered_slots: bool = False,
) -> list[list[str]] | Literal["infeasible"] | None:
    """The groups of ``people`` in ``slots`` groups (``place`` of them placed) keeping every rule;
    "infeasible" when CP-SAT proves there is no such plan, None when it finds none in time."""
    config = problem.config
    model = cp_model.CpModel()
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    for i, p in enumerate(people):
        for g in range(min(slots, i + 1) if ordered_slots else slots):
            x[p, g] = model.new_bool_var("")
            model.add_hint(x[p, g], int(hint.get(p) == g))
    by_slot: dict[int, list[str]] = defaultdict(list)
    for p, g in x:
        by_slot[g].append(p)
    for p in people:
        mine = [x[p, g] for g in range(slots) if (p, g) in x]
        if place == len(people):
            model.add_exactly_one(mine)
        else:
            model.add_at_most_one(mine)
    model.add(sum(x.values()) == place)
    if place < len(people) and problem.waiting:
        # Who waited longest is placed first (a wish, not a rule: locks and rules come before it).
        model.maximize(sum(problem.waiting.get(p, 0) * v for (p, _), v in x.items()))
    for g in range(slots):
        size = sum(x[p, g] for p in by_slot[g])
        model.add(size >= config.size_min)
        model.add(size <= config.size_max)
    _pairs_apart(model, x, problem, people, slots)
    for _, holders in counted_topics(problem, problem.groups):
        for g in range(slots):
            model.add_bool_or([x[h, g] for h in by_slot[g] if h in holders])
    _isolation(model, x, problem, people, slots, outside)
    _ranges(model, x, problem, by_slot, slots)
    _balances(model, x, problem, by_slot, slots)
    _shared_time(model, x, problem, people, slots)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = config.seed
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return "infeasible"
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found: list[list[str]] = [[] for _ in range(slots)]
    for (p, g), var in x.items():
        if solver.value(var):
            found[g].append(p)
    return found


def _pairs_apart(
    model: cp_model.CpModel, x: dict, problem: GroupProblem, people: list[str], slots: int
) -> None:
    """Locks together, forbidden pairs apart, and at most ``max_repeats`` recent groupmates."""
    config = problem.config
    here = set(people)
    for lock in problem.locks:
        if lock[0] in here:
            # A lock is kept only in a group: its people are never the ones left over.
            model.add_exactly_one(x[lock[0], g] for g in range(slots) if (lock[0], g) in x)
            for m in lock[1:]:
                for g in range(slots):
                    first, other = x.get((lock[0], g)), x.get((m, g))
                    if first is None or other is None:
                        # Numbered groups: the later of the two cannot sit here, so neither can.
                        for var in (first, other):
                            if var is not None:
                                model.add(var == 0)
                    else:
                        model.add(other == first)
    apart = pairs_among(problem.forbidden, here)
    recent = pairs_among(problem.recent, here)
    if not config.max_repeats:
        apart += recent
    for pair in apart:
        a, b = sorted(pair)
        for g in range(slots):
            if (a, g) in x and (b, g) in x:
                model.add_bool_or([x[a, g].Not(), x[b, g].Not()])
    if config.max_repeats and recent:
        for g in range(slots):
            both = []
            for pair in recent:
                a, b = sorted(pair)
                if (a, g) in x and (b, g) in x:
                    y = model.new_bool_var("")
                    model.add(y >= x[a, g] + x[b, g] - 1)
                    both.append(y)
            model.add(sum(both) <= config.max_repeats)


def _ranges(
    model: cp_model.CpModel, x: dict, problem: GroupProblem, by_slot: dict[int, list[str]], slots: int
) -> None:
    """Every group within each hard count range: of its kind, or of each value."""
    for rule, kind in zip(problem.config.counts, problem.kinds, strict=True):
        if not rule.hard:
            continue
        for g in range(slots):
            if kind is not None:
                held = sum(x[p, g] for p in by_slot[g] if p in kind)
                model.add(held >= rule.min)
                if rule.max is not None:
                    model.add(held <= rule.max)
                continue
            by_value: dict[str, list[str]] = defaultdict(list)
            for p in by_slot[g]:
                by_value[problem.values[rule.attribute][p]].append(p)
            for who in by_value.values():
                if len(who) > (rule.max or 0):
                    model.add(sum(x[p, g] for p in who) <= (rule.max or 0))


def _balances(
    model: cp_model.CpModel, x: dict, problem: GroupProblem, by_slot: dict[int, list[str]], slots: int
) -> None:
    """Every group's average within each balance's tolerance of the round's: with N taking part,
    S their sum and k members, |N x sum - S x k| <= tolerance x N x k, all in tenths."""
    n = len(problem.people)
    for b, rule in enumerate(problem.config.balance):
        if rule.tolerance is None:
            continue
        numbers, whole, tolerance = problem.numbers[b], problem.whole(b), round(rule.tolerance * 10)
        for g in range(slots):
            here = by_slot[g]
            model.add(sum(x[p, g] * (n * numbers[p] - whole - tolerance * n) for p in here) <= 0)
            model.add(sum(x[p, g] * (n * numbers[p] - whole + tolerance * n) for p in here) >= 0)


def _shared_time(
    model: cp_model.CpModel, x: dict, problem: GroupProblem, people: list[str], slots: int
) -> None:
    """Every group shares the hard shared time's half hours: half hours in which the same people
    work are one kind, counted as often as it occurs; a group shares a kind only when nobody in it
    is outside the kind's people. Kinds fewer than ``size_min`` work in no group shares."""
    rule = problem.config.shared_time
    if rule is None or not rule.hard:
        return
    kinds: Counter[frozenset[str]] = Counter()
    for s in range(SLOTS):
        who = frozenset(p for p in people if problem.available[p] >> s & 1)
        if len(who) >= problem.config.size_min:
            kinds[who] += 1
    if slots * len(kinds) * len(people) > SHARED_TERMS:
        return  # too costly: the search and validate() keep it
    needed = math.ceil(rule.hours * 60 / SLOT)
    if not needed:
        return
    for g in range(slots):
        shared = []
        for who, n in sorted(kinds.items(), key=lambda item: sorted(item[0])):
            y = model.new_bool_var("")
            for p in people:
                if p not in who and (p, g) in x:
                    model.add_implication(y, x[p, g].Not())
            shared.append(n * y)
        model.add(cp_model.LinearExpr.sum(shared) >= needed)


def _isolation(
    model: cp_model.CpModel,
    x: dict,
    problem: GroupProblem,
    people: list[str],
    slots: int,
    outside: dict[tuple[str, str], tuple[int, int]],
) -> None:
    """Nobody alone in a value while some group holds CROWDED or more of it."""
    for attribute in problem.config.no_isolated:
        by_value: dict[str, list[str]] = defaultdict(list)
        for p in people:
            by_value[problem.values[attribute][p]].append(p)
        for value, who in sorted(by_value.items()):
            lone_out, crowded_out = outside.get((attribute, value), (0, 0))
            crowded_any = model.new_bool_var("")
            if crowded_out:
                model.add(crowded_any == 1)
            elif lone_out:
                # Someone alone in it elsewhere: no group here may crowd it (where a group
                # elsewhere crowds it already, that isolation is not this model's to mend).
                model.add(crowded_any == 0)
            for g in range(slots):
                here = [x[p, g] for p in who if (p, g) in x]
                if not here:
                    continue
                count = sum(here)
                lone = model.new_bool_var("")
                model.add(count != 1).only_enforce_if(lone.Not())
                model.add_implication(lone, crowded_any.Not())
                if len(who) >= CROWDED:
                    crowded = model.new_bool_var("")
                    model.add(count <= CROWDED - 1).only_enforce_if(crowded.Not())
                    model.add_implication(crowded, crowded_any)

"""Forming groups, rules first: a construction that already mixes or gathers by the weightiest
criteria and evens out hard count ranges and balances, repairs until every hard rule holds, then a
seeded local search of moves and swaps (late acceptance hill climbing) that never breaks a rule the
plan keeps, until the time limit or until nothing improves. A share of its steps is aimed at one
criterion (:mod:`matcher.engines.groups.aimed`): a duplicate in a diverse value, a group short of
shared time, a group off a balance; members alone in their value are paired up at the end.

The objective is the sum of the groups' scores plus ``worst_group`` times the lowest group score
(CATME Team-Maker's criterion: no group is left with the leftovers). Plans are compared on the
rules they break first and on the objective second, so a plan that keeps every rule always beats
one that does not.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from matcher.engines.groups import exact
from matcher.engines.groups.aimed import BalanceStep, SharedStep, join_alone
from matcher.engines.groups.build import place_locks
from matcher.engines.groups.even import even_balances, even_ranges
from matcher.engines.groups.problem import GroupProblem
from matcher.engines.groups.repair import repair
from matcher.engines.groups.state import State


@dataclass(frozen=True)
class GroupOutcome:
    groups: tuple[tuple[str, ...], ...]
    left_out: tuple[str, ...]
    objective: float
    moves: int
    seconds: float
    #: Hard rules the plan breaks, as the search counts them (0: it keeps every rule).
    broken: int = 0
    #: CP-SAT proved that no plan keeps every rule.
    proven_impossible: bool = False


#: Late acceptance: a move may score as low as the plan this many steps ago.
LATE = 50
#: The share of steps that exchange two people for two (:func:`_pair_swap`) where nobody may be
#: alone in a value. On the benchmark's round of 2,000, with the site gathered and nobody alone
#: in theirs, 0.3 of them end 5% higher than single moves and swaps alone: a group can only take
#: people of another site two at a time.
PAIRS = 0.3
#: The share of the other steps aimed at a group short of shared working time
#: (:class:`~matcher.engines.groups.aimed.SharedStep`), where a shared time is set.
SHARED = 0.05
#: The share of them aimed at a group whose average is off a balance's (:class:`BalanceStep`).
BALANCE = 0.1
#: The share of single moves that send someone who shares a value of a diverse criterion in
#: their group to a group without it (:func:`_mixing_swap`).
MIX = 0.25
#: The share of the time limit kept at its end for pairing up members alone in their value
#: (:func:`~matcher.engines.groups.aimed.join_alone`).
POLISH = 0.02
#: Steps without a new best plan before the search stops (at least, and per person who may move).
PATIENCE_MIN = 20_000
PATIENCE_PER_PERSON = 500
#: Shares of the time limit by which the repairs by moves, then the exact repairs, give way.
REPAIR_SHARE, EXACT_SHARE = 0.25, 0.6
#: Called with (objective of the best plan so far, seconds since the search started).
Progress = Callable[[float, float], None]
#: At most one progress report per this many seconds: new bests come thousands at a time early on.
REPORT_EVERY = 0.25


def construct(problem: GroupProblem) -> tuple[list[list[str]], list[str]]:
    """First groups: locked people together; then, ordered by the weightiest similar criterion
    (so groups gather it) and the weightiest diverse one (so dealing spreads it), people are
    dealt round a few groups at a time, or round all of them when nothing is to be gathered.
    Who cannot be placed because the sizes do not divide comes last."""
    config = problem.config
    sizes = problem.group_sizes()
    groups: list[list[str]] = [[] for _ in sizes]
    where, _ = place_locks(sizes, problem.locks)
    for i, target in where.items():
        groups[target] += problem.locks[i]
    placed = {m for lock in problem.locks for m in lock}
    similar = max((c for c in config.criteria if c.goal == "similar"), key=lambda c: c.weight, default=None)
    diverse = max((c for c in config.criteria if c.goal == "diverse"), key=lambda c: c.weight, default=None)
    rest = [p for p in problem.people if p not in placed]

    def key(p: str) -> tuple:
        return (
            problem.values[similar.attribute][p] if similar else "",
            problem.values[diverse.attribute][p] if diverse else "",
            p,
        )

    rest.sort(key=key)
    # Who is left out comes from those who waited least (a stable sort keeps the order above).
    waited = sorted(rest, key=lambda p: -problem.waiting.get(p, 0))
    left_out = waited[len(waited) - problem.left_over :] if problem.left_over else []
    outside = set(left_out)
    rest = [p for p in rest if p not in outside]
    room = [sizes[i] - len(groups[i]) for i in range(len(groups))]
    # Gather: deal round a few groups at a time, so each few hold one similar value and still mix
    # the diverse one. Spread: deal round all groups.
    order = _dealing(room, config.size_max if similar else len(groups))
    for person, i in zip(rest, order, strict=False):
        groups[i].append(person)
    _cover_topics(problem, groups, placed)
    even_ranges(problem, groups, placed)
    even_balances(problem, groups, placed)
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
    """Give every group without a holder of a topic skill one from a group with two, in exchange
    for a member alike in every ``no_isolated`` attribute where there is one (so nobody ends up
    alone in a value), else for any member."""
    alike = problem.config.no_isolated

    def sign(person: str) -> tuple[str, ...]:
        return tuple(problem.values[a][person] for a in alike)

    for holders in problem.topic_holders.values():
        if len(holders) < len(groups):
            continue
        held = [sum(1 for m in g if m in holders) for g in groups]
        where = {m: i for i, g in enumerate(groups) for m in g}
        givers: dict[tuple[str, ...], list[str]] = {}
        for g in groups:
            for m in g:
                if m in holders and m not in locked:
                    givers.setdefault(sign(m), []).append(m)
        anyone = [m for found in givers.values() for m in found]
        for i, lacking in enumerate(groups):
            if held[i]:
                continue
            swap = None
            for taker in (m for m in lacking if m not in locked):
                swap = _giver(givers.get(sign(taker), []), held, where, taker)
                if swap is not None:
                    break
            if swap is None and (takers := [m for m in lacking if m not in locked]):
                swap = _giver(anyone, held, where, takers[0])
            if swap is None:
                continue
            giver, taker = swap
            donor = where[giver]
            groups[donor][groups[donor].index(giver)], lacking[lacking.index(taker)] = taker, giver
            where[giver], where[taker] = i, donor
            held[donor] -= 1
            held[i] += 1


def _giver(
    candidates: list[str], held: list[int], where: dict[str, int], taker: str
) -> tuple[str, str] | None:
    """The first holder among ``candidates`` whose group holds two or more (dropping those that
    no longer can give), paired with ``taker``."""
    while candidates:
        giver = candidates[-1]
        if held[where[giver]] >= 2:
            candidates.pop()
            return giver, taker
        candidates.pop()
    return None


def improve(
    state: State,
    rng: random.Random,
    fixed: set[str],
    *,
    deadline: float,
    polish: float = 0.0,
    on_progress: Progress | None = None,
    started: float | None = None,
) -> tuple[list[list[str]], int, int, float]:
    """Moves and swaps between two groups, accepted by late acceptance hill climbing.

    A move that breaks more rules than the plan is never taken, and one that breaks fewer always
    is. Otherwise a move is kept when it scores at least as well as the current plan or as the
    plan of ``LATE`` steps ago, so the search can cross small dips between local optima. Where
    nobody may be alone in a value, a share of the steps (:data:`PAIRS`) exchange two people alike
    in it for two others alike in theirs (:func:`_pair_swap`): one at a time, each would be alone
    in the other group; other shares are aimed at a duplicate in a diverse value (:data:`MIX`),
    shared time (:data:`SHARED`) and balance (:data:`BALANCE`). The best plan seen (fewest rules
    broken, then the best objective) is polished for ``polish`` seconds more by pairing up members
    alone in their value (:func:`~matcher.engines.groups.aimed.join_alone`) and returned. It stops
    at the deadline, or when the best has not improved for a while; only a
    search cut off by the deadline depends on the machine's speed. ``on_progress`` hears of a
    better plan at most every :data:`REPORT_EVERY` seconds. Returns the best plan, the moves
    taken, and the best plan's rules broken and objective.
    """
    started = time.perf_counter() if started is None else started
    groups = state.groups
    movable = [p for g in groups for p in g if p not in fixed]
    if len(groups) < 2 or not movable:
        return state.groups, 0, state.broken, state.objective()
    pairs = PAIRS if state.isolating else 0.0
    aimed, balancing = SharedStep(state, fixed), BalanceStep(state, fixed)
    history = [state.objective()] * LATE
    best_key = (state.broken, -state.objective())
    # The best plan is the current one with the groups changed since then as they were.
    state.before = {}
    best_is_current = True
    accepted, step, idle = 0, 0, 0
    patience = max(PATIENCE_MIN, PATIENCE_PER_PERSON * len(movable))
    reported, unreported = time.perf_counter(), False
    while idle < patience and time.perf_counter() < deadline:
        step += 1
        idle += 1
        slot = step % LATE
        current = state.objective()
        if pairs and rng.random() < pairs:
            taken = _pair_swap(state, rng, movable, fixed)
        else:
            taken = False
            chance = rng.random()
            if aimed.needed is not None and chance < SHARED:
                move = aimed.pick(state, rng)
            elif balancing.balances and chance > 1 - BALANCE:
                move = balancing.pick(state, rng)
            else:
                picked = _pick(state, rng, movable, fixed)
                move = state.judge(*picked) if picked is not None else None
            if move is not None and (
                move.broken < state.broken
                or (
                    move.broken == state.broken
                    and (move.value >= current - 1e-9 or move.value >= history[slot])
                )
            ):
                state.apply(move)
                taken = True
        if taken:
            accepted += 1
            key = (state.broken, -state.objective())
            if key[0] < best_key[0] or (key[0] == best_key[0] and key[1] < best_key[1] - 1e-9):
                best_key, idle = key, 0
                state.before.clear()
                unreported = True
            best_is_current = not state.before or key == best_key
        history[slot] = state.objective()
        if on_progress and unreported and best_is_current and time.perf_counter() - reported >= REPORT_EVERY:
            reported, unreported = time.perf_counter(), False
            on_progress(state.objective(), reported - started)
    if not best_is_current:
        # Back to the best plan, to polish it.
        state.regroup({i: list(g) for i, g in state.before.items()})
    state.before = None
    accepted += join_alone(state, fixed, rng, deadline=deadline + polish)
    return [list(g) for g in state.groups], accepted, state.broken, state.objective()


def _pick(
    state: State, rng: random.Random, movable: list[str], fixed: set[str]
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
    if state.mixing and rng.random() < MIX:
        found = _mixing_swap(state, rng, p, a)
        if found is not None:
            q, b = found
            return None if q in fixed else (p, a, q, b)
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


def _mixing_swap(state: State, rng: random.Random, p: str, a: int) -> tuple[str, int] | None:
    """For ``p`` who shares a value of a diverse criterion with someone in their group: someone
    alike in the similar criteria (so the swap keeps the gathering) from a group without that
    value, or None when ``p`` shares no value or the one found is in such a group."""
    k = state.mixing[rng.randrange(len(state.mixing))]
    value = state.code[p][k]
    if state.counts[a][k][value] < 2:
        return None
    if state.alike:
        s, by_value = state.alike[rng.randrange(len(state.alike))]
        same = by_value[state.code[p][s]]
        q = same[rng.randrange(len(same))]
    else:
        q = rng.choice(state.groups[rng.randrange(len(state.groups))])
    b = state.where[q]
    if b == a or state.counts[b][k][value]:
        return None
    return q, b


def _pair_swap(state: State, rng: random.Random, movable: list[str], fixed: set[str]) -> bool:
    """Two people alike in a ``no_isolated`` attribute change groups with two alike in another
    value, when that breaks no more rules and scores no less; returns whether it was done.

    Judged as two swaps in turn: the first is made, and undone if the pair is not kept."""
    k = state.isolating[rng.randrange(len(state.isolating))]
    x = rng.choice(movable)
    a, b = state.where[x], rng.randrange(len(state.groups))
    if a == b:
        return False
    y = rng.choice(state.groups[b])
    ours, yours = state.code[x][k], state.code[y][k]
    if y in fixed or ours == yours:
        return False
    mine = [m for m in state.groups[a] if m != x and m not in fixed and state.code[m][k] == ours]
    theirs = [m for m in state.groups[b] if m != y and m not in fixed and state.code[m][k] == yours]
    if not mine or not theirs:
        return False
    broken, value = state.broken, state.objective()
    state.apply(state.judge(x, a, y, b))
    second = state.judge(rng.choice(mine), a, rng.choice(theirs), b)
    if second.broken <= broken and second.value >= value - 1e-9:
        state.apply(second)
        return True
    state.apply(state.judge(y, a, x, b))
    return False


def keep_rules(
    problem: GroupProblem,
    state: State,
    left_out: list[str],
    rng: random.Random,
    fixed: set[str],
    *,
    repair_until: float,
    exact_until: float,
) -> tuple[State, list[str], bool]:
    """Mend the rules the plan breaks: by moves and swaps aimed at them until ``repair_until``,
    then with CP-SAT until ``exact_until``, over the whole round when it is small (which also
    proves when no plan keeps every rule) or around each broken rule. Returns the plan, who is
    left out, and whether no plan can keep every rule."""
    if state.broken:
        repair(state, rng, fixed, deadline=repair_until)
    if not state.broken:
        return state, left_out, False
    if exact.small_enough(problem):
        found = exact.whole_round(problem, state.groups, seconds=exact_until - time.perf_counter())
        if found.groups is not None:
            # The model leaves out shared working time: its plan may break that rule instead.
            mended = State(problem, found.groups)
            if mended.broken < state.broken:
                return mended, found.left_out, False
        return state, left_out, found.proven_impossible
    exact.around_broken(problem, state, rng, deadline=exact_until)
    return state, left_out, False


def solve(problem: GroupProblem, *, on_progress: Progress | None = None) -> GroupOutcome:
    """Construct; repair by moves, then exactly, until every rule holds; then improve until the
    time limit. ``on_progress`` hears of better plans as (objective, seconds), the constructed
    plan and the final one included."""
    started = time.perf_counter()
    limit = problem.config.time_limit
    groups, left_out = construct(problem)
    state = State(problem, groups)
    if on_progress:
        on_progress(state.objective(), time.perf_counter() - started)
    rng = random.Random(problem.config.seed)
    fixed = {m for lock in problem.locks for m in lock}
    state, left_out, proven = keep_rules(
        problem,
        state,
        left_out,
        rng,
        fixed,
        repair_until=started + REPAIR_SHARE * limit,
        exact_until=started + EXACT_SHARE * limit,
    )
    groups, accepted, broken, value = improve(
        state,
        rng,
        fixed,
        deadline=started + (1 - POLISH) * limit,
        polish=POLISH * limit,
        on_progress=on_progress,
        started=started,
    )
    if on_progress:
        on_progress(value, time.perf_counter() - started)
    return GroupOutcome(
        groups=tuple(tuple(sorted(g)) for g in groups),
        left_out=tuple(left_out),
        objective=value,
        moves=accepted,
        seconds=time.perf_counter() - started,
        broken=broken,
        proven_impossible=proven,
    )

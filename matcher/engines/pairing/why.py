"""Why these two, and why not those two: for one person of a pairing round, every partner they
could have had, with what the round would score with that pair forced, or the rule that forbids it.

A forced pair is solved again around it, not swapped in: the pair is taken as a lock and the rest of
the round is assigned anew as a min-cost flow, so every knock-on change is counted (a teacher who
now has a place less, a learner who moves to their next best teacher, someone left out). To keep
this a flow, and fast, everyone else keeps the role they have in the plan (teaches or learns; one
role per person couples the roles and needs CP-SAT otherwise), and people the plan leaves out may
take either role. The score found is reachable, so the cost said is at most what forcing the pair
costs: a full re-solve could only find a smaller one.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from matcher.domain.phrases import phrase, term
from matcher.engines.pairing.fairness import MET_BEFORE
from matcher.engines.pairing.pricing import price_in
from matcher.engines.pairing.problem import SCALE, PairingProblem, make_candidate, pair_points
from matcher.engines.pairing.rules import first_broken, mode_reason
from matcher.engines.pairing.solver import assign_by_flow, free_capacity, load_penalty, locked_loads, solve

#: Partners whose forced plan is worked out, at most, the best candidates first (the one asked
#: about always is).
SOLVED_PARTNERS = 12
#: Times the flow is run again to settle people the plan left out who took two roles.
ROLE_ROUNDS = 4
#: The rules only a why-not answer names: HR's lock on one of the two, and nothing to learn.
LOCKED, WISHES, ROLE = term("locked"), term("something to learn"), term("role")


@dataclass(frozen=True)
class Alternative:
    """One partner ``person`` could have had, as the pair (teacher first in a directed round)."""

    partner: str
    pair: tuple[str, str]
    #: Whether the rules allow the pair; when not, the rule and why, in words.
    allowed: bool
    rule: str = ""
    reason: str = ""
    #: The pair's own points, and the round's objective with it forced (None: not worked out).
    points: float | None = None
    objective: float | None = None
    #: Pairs of the plan that break up, and pairs that form, when it is forced.
    breaks_up: tuple[tuple[str, ...], ...] = ()
    forms: tuple[tuple[str, ...], ...] = ()
    #: In the plan now.
    current: bool = False

    def cost(self, objective: float) -> float | None:
        """What the round gives up for this pair, against its objective now (never below 0)."""
        return None if self.objective is None else max(0.0, round(objective - self.objective, 2))

    def as_dict(self, objective: float) -> dict[str, object]:
        return {
            "partner": self.partner,
            "pair": list(self.pair),
            "allowed": self.allowed,
            "rule": self.rule,
            "reason": self.reason,
            "points": self.points,
            "objective": self.objective,
            "cost": self.cost(objective),
            "breaks_up": [list(p) for p in self.breaks_up],
            "forms": [list(p) for p in self.forms],
            "current": self.current,
        }


def plan_value(problem: PairingProblem, pairs: Iterable[tuple[str, ...]]) -> float:
    """A plan's objective as the solver counts it: the pairs' points less the teachers' load."""
    pairs = [tuple(p) for p in pairs]
    loads: dict[str, int] = defaultdict(int)
    for pair in pairs:
        loads[pair[0]] += 1
    points = sum(pair_points(problem, p) for p in pairs)
    return (points - sum(load_penalty(problem, n) for n in loads.values())) / SCALE


def why_not(
    problem: PairingProblem,
    plan: Iterable[tuple[str, ...]],
    person: str,
    partner: str | None = None,
    *,
    solved: int = SOLVED_PARTNERS,
) -> list[Alternative]:
    """Every partner ``person`` could have in this round (or only ``partner``): the allowed ones
    with the round's objective when the pair is forced, the best first, then the ones a rule
    forbids, each with the rule in words. In exchange rounds every other participant is a possible
    partner (see :func:`exchange_why_not`); a person who does not take part has no partners."""
    if not problem.config.directed:
        return exchange_why_not(problem, plan, person, partner, solved=solved)
    plan = [tuple(p) for p in plan]
    others = [partner] if partner else sorted(set(problem.teachers) | problem.learner_set)
    pairs: list[tuple[str, str]] = []
    if person in problem.learner_set:
        pairs += [(t, person) for t in others if t != person and t in problem.teachers]
    if person in problem.teachers:
        pairs += [
            (person, learner) for learner in others if learner != person and learner in problem.learner_set
        ]
    current = {frozenset(p) for p in plan}
    found: list[Alternative] = []
    if partner and not pairs:
        teaches = partner in problem.teachers
        reason = (
            phrase(
                "{name} takes part only to teach in this round, as {person} does",
                name=problem.name(partner),
                person=problem.name(person),
            )
            if teaches
            else phrase(
                "{name} takes part only to learn in this round, as {person} does",
                name=problem.name(partner),
                person=problem.name(person),
            )
        )
        return [
            Alternative(partner, (partner, person) if teaches else (person, partner), False, ROLE, reason)
        ]
    for teacher, learner in dict.fromkeys(pairs):
        other = learner if teacher == person else teacher
        broken = _forbidding(problem, teacher, learner)
        if broken:
            found.append(Alternative(other, (teacher, learner), False, *broken))
            continue
        points = pair_points(problem, (teacher, learner)) / SCALE
        found.append(
            Alternative(
                other,
                (teacher, learner),
                True,
                points=points,
                current=frozenset((teacher, learner)) in current,
            )
        )
    allowed = sorted((a for a in found if a.allowed), key=lambda a: (-(a.points or 0.0), a.partner))
    worked = [_forced(problem, plan, a) for a in allowed[: max(solved, 1 if partner else 0)]]
    rest = allowed[len(worked) :]
    worked.sort(key=lambda a: (-(a.objective or 0.0), a.partner))
    refused = sorted((a for a in found if not a.allowed), key=lambda a: a.partner)
    return [*worked, *rest, *refused]


def _forbidding(problem: PairingProblem, teacher: str, learner: str) -> tuple[str, str] | None:
    """The rule that forbids the pair, as (rule, reason in words), or None."""
    mode = mode_reason(problem, teacher, learner)
    if mode:
        return mode
    broken = first_broken(problem, teacher, learner)
    if broken:
        return broken
    for lock in problem.locks:
        if learner in lock or (teacher in lock and lock[0] != teacher):
            held = learner if learner in lock else teacher
            return LOCKED, phrase(
                "{name} is locked with {other} by HR",
                name=problem.name(held),
                other=problem.name(next(m for m in lock if m != held)),
            )
    if make_candidate(problem, teacher, learner) is None:
        return WISHES, phrase(
            "{teacher} holds nothing {learner} wants to learn at a higher level",
            teacher=problem.name(teacher),
            learner=problem.name(learner),
        )
    return None


def _forced(problem: PairingProblem, plan: list[tuple[str, ...]], option: Alternative) -> Alternative:
    """``option`` with the round solved again around its pair (see the module's note)."""
    if option.current:
        value = plan_value(problem, plan)
        return _with(option, value, plan, plan)
    teacher, learner = option.pair
    locks = [*problem.locks, (teacher, learner)]
    loads = locked_loads(problem)
    loads[teacher] = loads.get(teacher, 0) + 1
    free = free_capacity(problem, loads)
    if free.get(teacher, 0) < 0:
        return option
    teaching = {p[0] for p in plan} | {teacher}
    learning = ({p[1] for p in plan} - {teacher}) | {learner}
    teaching.discard(learner)
    arcs = problem.arcs()
    index = problem.codes().index
    names = arcs.names
    fixed = np.zeros(len(names), dtype=bool)
    for lock in locks:
        for m in lock:
            fixed[index[m]] = True
    may_teach = np.array([n not in learning for n in names], dtype=bool)
    may_learn = np.array([n not in teaching for n in names], dtype=bool)
    followers = [index[m] for lock in locks for m in lock[1:]]

    def allowed(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return may_teach[first] & may_learn[second] & ~fixed[second] & ~np.isin(first, followers)

    # Pairs the search left out (candidates_per_learner) may be the best around the fixed pair.
    price_in(problem, free, loads, allowed)
    arcs = problem.arcs()
    planned = {tuple(p) for p in plan}
    keep = np.fromiter((m in planned for m in arcs.members), dtype=np.int64, count=arcs.size)
    pairs: list[tuple[str, str]] = []
    value = 0
    for _ in range(ROLE_ROUNDS):
        use = allowed(arcs.first, arcs.second)
        pairs, value = assign_by_flow(problem, use, free, loads, prefer=keep)
        doubled = {t for t, _ in pairs} & {learner_ for _, learner_ in pairs}
        if not doubled:
            break
        for name in doubled:  # left out in the plan and now both: they learn
            may_teach[index[name]] = False
    chosen = [*locks, *pairs]
    lock_points = sum(pair_points(problem, lock) for lock in locks)
    objective = (lock_points - sum(load_penalty(problem, n) for n in loads.values()) + value) / SCALE
    return _with(option, objective, plan, chosen)


def _with(
    option: Alternative, objective: float, plan: list[tuple[str, ...]], chosen: list[tuple[str, ...]]
) -> Alternative:
    before = {frozenset(p): p for p in plan}
    after = {frozenset(p): tuple(p) for p in chosen}
    return Alternative(
        option.partner,
        option.pair,
        True,
        points=option.points,
        objective=round(objective, 2),
        breaks_up=tuple(p for key, p in before.items() if key not in after),
        forms=tuple(p for key, p in after.items() if key not in before),
        current=option.current,
    )


# -- exchange rounds --------------------------------------------------------------------------------


def exchange_why_not(
    problem: PairingProblem,
    plan: Iterable[tuple[str, ...]],
    person: str,
    partner: str | None = None,
    *,
    solved: int = SOLVED_PARTNERS,
) -> list[Alternative]:
    """:func:`why_not` for an exchange round: each other participant as a partner, with the round
    matched again around the pair (a maximum matching, thirds joining as the round does), or the
    rule that forbids it, "met before" among them when fresh partners struck the pair."""
    plan = [tuple(p) for p in plan]
    others = [partner] if partner else sorted(problem.learner_set - {person})
    current = {frozenset(pair) for unit in plan for pair in combinations(unit, 2)}
    found: list[Alternative] = []
    for other in others:
        pair = (min(person, other), max(person, other))
        broken = _exchange_forbidding(problem, pair)
        if broken:
            found.append(Alternative(other, pair, False, *broken))
            continue
        points = pair_points(problem, pair) / SCALE
        found.append(Alternative(other, pair, True, points=points, current=frozenset(pair) in current))
    allowed = sorted((a for a in found if a.allowed), key=lambda a: (-(a.points or 0.0), a.partner))
    worked = [_exchange_forced(problem, plan, a) for a in allowed[: max(solved, 1 if partner else 0)]]
    worked.sort(key=lambda a: (-(a.objective or 0.0), a.partner))
    refused = sorted((a for a in found if not a.allowed), key=lambda a: a.partner)
    return [*worked, *allowed[len(worked) :], *refused]


def _exchange_forbidding(problem: PairingProblem, pair: tuple[str, str]) -> tuple[str, str] | None:
    a, b = pair
    broken = first_broken(problem, a, b)
    if broken:
        return broken
    for lock in problem.locks:
        if (a in lock) != (b in lock):
            held = a if a in lock else b
            return LOCKED, phrase(
                "{name} is locked with {other} by HR",
                name=problem.name(held),
                other=problem.name(next(m for m in lock if m != held)),
            )
    candidate = make_candidate(problem, a, b)
    if candidate is None:
        return WISHES, phrase(
            "{name} and {other} do not each hold something the other wants to learn",
            name=problem.name(a),
            other=problem.name(b),
        )
    # Fresh partners strike a pair that met before while one of the two has someone new left.
    struck = pair not in problem.candidates and candidate.points > 0
    if problem.config.fairness.fresh_partners and struck and frozenset(pair) in problem.rounds_ago:
        return MET_BEFORE, phrase(
            "{name} and {other} met in an earlier round of this kind, and one of them still has "
            "a partner they have not met",
            name=problem.name(a),
            other=problem.name(b),
        )
    return None


def _exchange_forced(
    problem: PairingProblem, plan: list[tuple[str, ...]], option: Alternative
) -> Alternative:
    """``option`` with the round matched again around its pair, the pair taken as a lock."""
    if option.current:
        return _with(option, plan_value(problem, plan), plan, plan)
    taken = set(option.pair)
    forced = copy.copy(problem)
    forced.candidates = {k: c for k, c in problem.candidates.items() if not taken & set(k)}
    forced.locks = (*problem.locks, option.pair)
    chosen = [tuple(unit) for unit in solve(forced).chosen]
    return _with(option, plan_value(problem, chosen), plan, chosen)

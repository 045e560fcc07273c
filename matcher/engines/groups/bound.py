"""An upper bound on a group round's objective: no plan, rule-keeping or not, scores more.

Each criterion counts at its best over all groups at once, and each similar criterion is also
bounded together with the diverse ones as a small linear programme, which also counts what members
alone in their value cost where nobody should be; the lower is taken. From it go
the penalties no plan escapes, counted with the score's own :func:`penalty`: everyone who is the
only participant of their value of a ``no_isolated`` attribute is alone in any group, and locked
people who met in a recent round are together in any plan.
"""

from __future__ import annotations

from collections import Counter

from ortools.linear_solver import pywraplp

from matcher.engines.groups.config import Criterion
from matcher.engines.groups.problem import GroupProblem, pairs_among, penalty
from matcher.engines.groups.rules import range_shortfall


def upper_bound(problem: GroupProblem) -> float:
    """A bound no plan can beat, from each criterion's best over all groups at once.

    On its own, a diverse value appears in at most min(groups, its count) groups and a group
    holds at most its size in values; a similar value spreads over at least ceil(count /
    size_max) groups. Criteria pull against each other, though: groups pure in site cannot mix
    departments that work at other sites. So each similar criterion is also bounded together with
    all diverse ones (:func:`_coupled_bound`), and the lowest of these bounds is the answer.
    The worst group scores at most the average.
    """
    g = problem.groups
    if not g:
        return 0.0
    criteria = [c for c in problem.config.criteria if c.goal != "ignore" and c.weight]
    alone = [_single_bound(problem, c) for c in criteria]
    total = sum(alone)
    diverse = [c for c in criteria if c.goal == "diverse"]
    similar = [(c, b) for c, b in zip(criteria, alone, strict=True) if c.goal == "similar"]
    for c, own in similar:
        coupled = _coupled_bound(problem, c, diverse)
        if coupled is not None:
            total = min(total, coupled + sum(b for _, b in similar) - own)
    total -= unavoidable_penalty(problem)
    return total + problem.config.worst_group * total / g


def unavoidable_penalty(problem: GroupProblem) -> float:
    """Points every plan loses: members alone in their value because nobody else taking part has
        it (when nobody is left out, so all of them are placed), recent groupmates locked together, and
        people no plan keeps within a soft count range (:func:`range_shortfall`). A soft shared time is
    left out: what no plan escapes there would need the best split of everyone's weeks, and leaving it
    out keeps the bound valid, only looser."""
    alone = 0
    if not problem.left_over:
        for attribute in problem.config.no_isolated:
            counts = Counter(problem.values[attribute].values())
            alone += sum(1 for n in counts.values() if n == 1)
    repeats = sum(len(pairs_among(problem.recent, lock)) for lock in problem.locks)
    ranges = sum(
        rule.weight * range_shortfall(problem, r)[0]
        for r, rule in enumerate(problem.config.counts)
        if not rule.hard
    )
    return penalty(alone, repeats) + ranges


def _placed(problem: GroupProblem) -> int:
    return len(problem.people) - problem.left_over


def _single_bound(problem: GroupProblem, c: Criterion) -> float:
    g, placed = problem.groups, _placed(problem)
    counts = Counter(problem.values[c.attribute].values())
    if c.goal == "diverse":
        appearances = sum(min(g, n) for n in counts.values())
        return c.weight * (min(appearances, placed) - g)
    # With people left over, fewer values may need placing: only the plain bound holds.
    spread = (
        g if problem.left_over else max(g, sum(-(-n // problem.config.size_max) for n in counts.values()))
    )
    return c.weight * (placed - min(spread, placed))


def _coupled_bound(problem: GroupProblem, similar: Criterion, diverse: list[Criterion]) -> float | None:
    """The best a plan can do on one similar criterion and every diverse one together, as a
    linear programme whose integer points include every plan.

    ``spread[s]`` counts the groups holding similar value s (the similar score is everyone placed
    less their sum; where nobody should be alone in it, the members who are cost what
    :func:`_lone_penalty` counts). A group holds diverse value d only through someone of value d who brings
    their similar value s along, so the groups holding d number at most the sum over s of
    min(people with d and s, spread[s]), and at most min(people with d, groups).
    """
    g, placed = problem.groups, _placed(problem)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    of = problem.values[similar.attribute]
    spread = {}
    for value, n in sorted(Counter(of.values()).items()):
        fewest = 0 if problem.left_over else -(-n // problem.config.size_max)
        spread[value] = solver.NumVar(fewest, min(n, g), "")
    solver.Add(solver.Sum(list(spread.values())) >= min(g, placed))
    objective = similar.weight * (placed - solver.Sum(list(spread.values())))
    objective -= _lone_penalty(problem, solver, similar, spread)
    for c in diverse:
        values = problem.values[c.attribute]
        both = Counter((values[p], of[p]) for p in problem.people)
        reach: dict[str, list] = {}
        for (value, near), n in sorted(both.items()):
            through = solver.NumVar(0, n, "")
            solver.Add(through <= spread[near])
            reach.setdefault(value, []).append(through)
        held = []
        for value, n in sorted(Counter(values.values()).items()):
            groups_with = solver.NumVar(0, min(n, g), "")
            solver.Add(groups_with <= solver.Sum(reach[value]))
            held.append(groups_with)
        appearances = solver.NumVar(0, placed, "")
        solver.Add(appearances <= solver.Sum(held))
        objective += c.weight * (appearances - g)
    solver.Maximize(objective)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return solver.Objective().Value()


def _lone_penalty(problem: GroupProblem, solver: pywraplp.Solver, similar: Criterion, spread: dict) -> object:
    """Where nobody should be the only one of their value of the similar attribute, what members
    alone in it cost: of the ``spread[s]`` groups holding value s, those holding two or more hold
    two each at least, so at least 2 x spread[s] - (people of s) hold exactly one, each costing
    :func:`penalty`. Values only one person has are left out: :func:`unavoidable_penalty` counts
    them already (when nobody is left out; otherwise they are counted here)."""
    if similar.attribute not in problem.config.no_isolated:
        return 0
    counts = Counter(problem.values[similar.attribute].values())
    lone = []
    for value, groups in spread.items():
        n = counts[value]
        if n == 1 and not problem.left_over:
            continue
        alone = solver.NumVar(0, n, "")
        solver.Add(alone >= 2 * groups - n)
        lone.append(alone)
    return penalty(1, 0) * solver.Sum(lone) if lone else 0

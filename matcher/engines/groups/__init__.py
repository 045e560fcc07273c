"""Group rounds: think tanks, intervision groups and communities of practice.

One engine, configured per round the way team-formation tools do it::

    problem = build_problem(tmap, GroupConfig.for_kind("think-tank"), today=today)
    proposal = propose(problem)
    assert not validate(problem, [g.members for g in proposal.groups])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matcher.domain.phrases import counted, phrase, term
from matcher.domain.problems import SETTINGS, Location, Problems
from matcher.engines.groups.bound import upper_bound
from matcher.engines.groups.build import build_problem
from matcher.engines.groups.config import KINDS, Criterion, GroupConfig
from matcher.engines.groups.explain import group_reasons
from matcher.engines.groups.problem import GroupProblem, group_score
from matcher.engines.groups.rules import SETTING_OF, unkeepable, validate
from matcher.engines.groups.solver import solve
from matcher.engines.results import LeftOut, ProposedGroup, Violation

__all__ = [
    "KINDS",
    "Criterion",
    "GroupConfig",
    "GroupProblem",
    "GroupProposal",
    "ProposedGroup",
    "build_problem",
    "propose",
    "refusal",
    "validate",
]

#: Called with (objective of the best plan so far, upper bound, seconds), as pairing rounds report.
Progress = Callable[[float, float, float], None]


@dataclass(frozen=True)
class GroupProposal:
    round: str
    kind: str
    status: str
    objective: float
    bound: float
    gap: float
    groups: tuple[ProposedGroup, ...]
    unmatched: tuple[LeftOut, ...]
    conflicts: tuple[str, ...]
    violations: tuple[Violation, ...]
    seconds: float
    solver: str = "local search"
    notes: tuple[str, ...] = ()

    @property
    def mode(self) -> str:
        """The group kind, under the name pairing rounds use, for storage and listings."""
        return self.kind

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "kind": self.kind,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "groups": [g.as_dict() for g in self.groups],
            "solver": self.solver,
            "unmatched": [u.as_dict() for u in self.unmatched],
            "conflicts": list(self.conflicts),
            "violations": [v.as_dict() for v in self.violations],
            "notes": list(self.notes),
        }


def refusal(problem: GroupProblem, *, source: str = SETTINGS) -> Problems:
    """Why no plan can keep the round's rules, found before solving (see
    :func:`~matcher.engines.groups.rules.unkeepable`): each problem names the rule's setting and
    the people."""
    problems = Problems()
    for rule, _people, reason in unkeepable(problem):
        problems.add(Location(source, None, SETTING_OF.get(rule, rule)), reason)
    return problems


def propose(
    problem: GroupProblem, *, round_name: str = "", on_progress: Progress | None = None
) -> GroupProposal:
    """Form the round's groups, re-check them against every hard rule, and explain them.

    Raises :class:`~matcher.domain.problems.InvalidInput` before solving when HR's forbidden pairs
    cannot all be kept (:func:`refusal`). The status is "optimal" when the plan reaches the bound,
    "feasible" when it keeps every rule, and "infeasible" when it breaks one: the violations list
    what it breaks, and a note says whether CP-SAT proved that no plan keeps them all.
    """
    refusal(problem).raise_if_any()
    bound = upper_bound(problem)
    report = None
    if on_progress is not None:

        def report(value: float, seconds: float) -> None:
            on_progress(value, bound, seconds)

    outcome = solve(problem, on_progress=report)
    groups = [tuple(g) for g in outcome.groups]
    objective = outcome.objective
    gap = max(0.0, (bound - objective) / abs(bound)) if bound else 0.0
    locks = [frozenset(lock) for lock in problem.locks]
    proposed = tuple(
        ProposedGroup(
            members,
            round(group_score(problem, members), 2),
            tuple(group_reasons(problem, members)),
            any(lock <= set(members) for lock in locks),
        )
        for members in sorted(groups, key=lambda g: (-group_score(problem, g), g))
    )
    # Listed in the order the groups are shown.
    violations = validate(problem, [g.members for g in proposed])
    reason = counted(
        len(problem.people),
        "{n} person does not divide into groups of {low}-{high}; placed last in the order",
        "{n} people do not divide into groups of {low}-{high}; placed last in the order",
        low=problem.config.size_min,
        high=problem.config.size_max,
    )
    unmatched = tuple(LeftOut(pid, term("member"), reason) for pid in outcome.left_out)
    notes: tuple[str, ...] = ()
    if violations:
        status = "infeasible"
        if outcome.proven_impossible:
            notes = (phrase("the solver proved that no plan keeps every rule"),)
        else:
            notes = (phrase("no plan that keeps every rule was found within the time limit"),)
    else:
        status = "optimal" if objective >= bound - 1e-9 else "feasible"
    return GroupProposal(
        round=round_name,
        kind=problem.config.kind,
        status=status,
        objective=round(objective, 2),
        bound=round(bound, 2),
        gap=round(gap, 6),
        groups=proposed,
        unmatched=unmatched,
        conflicts=tuple(problem.conflicts),
        violations=tuple(violations),
        seconds=outcome.seconds,
        notes=notes,
    )

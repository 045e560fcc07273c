"""Group rounds: think tanks, intervision groups and communities of practice.

One engine, configured per round the way team-formation tools do it::

    problem = build_problem(tmap, GroupConfig.for_kind("think-tank"), today=today)
    proposal = propose(problem)
    assert not validate(problem, [g.members for g in proposal.groups])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matcher.domain.phrases import phrase, term
from matcher.engines.groups.config import KINDS, Criterion, GroupConfig
from matcher.engines.groups.problem import (
    GroupProblem,
    build_problem,
    group_score,
    isolated_members,
    repeated_pairs,
    upper_bound,
    validate,
)
from matcher.engines.groups.solver import solve
from matcher.engines.pairing import LeftOut, ProposedPair
from matcher.engines.pairing.rules import Violation

__all__ = [
    "KINDS",
    "Criterion",
    "GroupConfig",
    "GroupProblem",
    "GroupProposal",
    "ProposedGroup",
    "build_problem",
    "propose",
    "validate",
]


#: A proposed group is recorded like a pair: members, score, reasons, locked.
ProposedGroup = ProposedPair

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


def group_reasons(problem: GroupProblem, members: tuple[str, ...]) -> list[str]:
    reasons = []
    for c in problem.config.criteria:
        if c.goal == "ignore" or not c.weight:
            continue
        values = Counter(problem.values[c.attribute][m] for m in members)
        label = c.attribute.split(":")[0] if ":" in c.attribute else c.attribute
        if c.goal == "diverse":
            reasons.append(
                phrase(
                    "mixes {n} {attribute} values ({values})",
                    n=len(values),
                    attribute=label,
                    values=", ".join(sorted(values)),
                )
            )
        else:
            common, n = values.most_common(1)[0]
            reasons.append(
                phrase(
                    "{n} of {size} share the {attribute} '{value}'",
                    n=n,
                    size=len(members),
                    attribute=label,
                    value=common,
                )
            )
    for skill, holders in problem.topic_holders.items():
        here = sorted(holders & set(members), key=problem.name)
        name = problem.tmap.skill(skill).name if problem.tmap.skill(skill) else skill
        if here:
            reasons.append(f"{name}: {', '.join(problem.name(m) for m in here)}")
    isolated = isolated_members(problem, members)
    for person, attribute in isolated:
        reasons.append(
            phrase(
                "{name} is the only one of their {attribute} here",
                name=problem.name(person),
                attribute=attribute,
            )
        )
    repeats = repeated_pairs(problem, members)
    if repeats:
        reasons.append(phrase("{n} pair(s) were groupmates in a recent round", n=len(repeats)))
    return reasons


def propose(
    problem: GroupProblem, *, round_name: str = "", on_progress: Progress | None = None
) -> GroupProposal:
    bound = upper_bound(problem)
    report = None
    if on_progress is not None:

        def report(value: float, seconds: float) -> None:
            on_progress(value, bound, seconds)

    outcome = solve(problem, on_progress=report)
    groups = [tuple(g) for g in outcome.groups]
    violations = validate(problem, groups)
    objective = outcome.objective
    gap = max(0.0, (bound - objective) / abs(bound)) if bound else 0.0
    locks = [frozenset(lock) for lock in problem.config.locked]
    proposed = tuple(
        ProposedGroup(
            members,
            round(group_score(problem, members), 2),
            tuple(group_reasons(problem, members)),
            any(lock <= set(members) for lock in locks),
        )
        for members in sorted(groups, key=lambda g: (-group_score(problem, g), g))
    )
    size = f"{problem.config.size_min}-{problem.config.size_max}"
    reason = phrase(
        "{n} people do not divide into groups of {size}; placed last in the order",
        n=len(problem.people),
        size=size,
    )
    unmatched = tuple(LeftOut(pid, term("member"), reason) for pid in outcome.left_out)
    return GroupProposal(
        round=round_name,
        kind=problem.config.kind,
        status="optimal" if objective >= bound - 1e-9 else "feasible",
        objective=round(objective, 2),
        bound=round(bound, 2),
        gap=round(gap, 6),
        groups=proposed,
        unmatched=unmatched,
        conflicts=tuple(problem.conflicts),
        violations=tuple(violations),
        seconds=outcome.seconds,
    )

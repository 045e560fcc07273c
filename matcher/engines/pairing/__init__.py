"""Pairing rounds: mentor rotations, reverse mentoring, exchange pairs, buddies, intern-manager pairs.

One engine, each mode a configuration of it::

    problem = build_problem(tmap, config, today=today, previous=previous)
    proposal = propose(problem)
    assert not validate(problem, [p.members for p in proposal.pairs])

:func:`propose` is a pure function: same problem and seed, same pairs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from matcher.domain.phrases import counted
from matcher.engines.pairing.candidates import Previous, build_problem
from matcher.engines.pairing.config import DIRECTED, MODES, PairingConfig, Rules, Selection, Weights
from matcher.engines.pairing.explain import left_out, pair_reasons
from matcher.engines.pairing.fairness import NO_MEMORY, Fairness, Memory, PastRound
from matcher.engines.pairing.problem import SCALE, PairingProblem, pair_points
from matcher.engines.pairing.rules import validate
from matcher.engines.pairing.solver import Progress, load_penalty, solve
from matcher.engines.results import LeftOut, ProposedPair, Violation

__all__ = [
    "DIRECTED",
    "MODES",
    "NO_MEMORY",
    "Fairness",
    "LeftOut",
    "Memory",
    "PairingConfig",
    "PairingProblem",
    "PastRound",
    "Previous",
    "Proposal",
    "ProposedPair",
    "Rules",
    "Selection",
    "Violation",
    "Weights",
    "build_problem",
    "propose",
    "validate",
]


@dataclass(frozen=True)
class Proposal:
    round: str
    mode: str
    status: str
    objective: float
    bound: float
    gap: float
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[LeftOut, ...]
    conflicts: tuple[str, ...]
    violations: tuple[Violation, ...]
    solver: str
    seconds: float
    notes: tuple[str, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "mode": self.mode,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "solver": self.solver,
            "seconds": round(self.seconds, 3),
            "pairs": [p.as_dict() for p in self.pairs],
            "unmatched": [u.as_dict() for u in self.unmatched],
            "conflicts": list(self.conflicts),
            "violations": [v.as_dict() for v in self.violations],
            "notes": list(self.notes),
            "stats": dict(self.stats),
        }


def propose(
    problem: PairingProblem, *, round_name: str = "", on_progress: Progress | None = None
) -> Proposal:
    """Solve the round, re-check the answer against every hard rule, and explain it."""
    outcome = solve(problem, on_progress=on_progress)
    chosen = [tuple(p) for p in outcome.chosen]
    violations = validate(problem, chosen)
    locked = {frozenset(lock) for lock in problem.locks}
    loads = Counter(p[0] for p in chosen) if problem.config.directed else Counter()
    points = {members: pair_points(problem, members) for members in chosen}
    pairs = tuple(
        ProposedPair(
            members=members,
            score=points[members] / SCALE,
            reasons=tuple(
                pair_reasons(problem, members, locked=frozenset(members) in locked, load=loads[members[0]])
            ),
            locked=frozenset(members) in locked,
        )
        for members in sorted(chosen, key=lambda m: (-points[m], m))
    )
    unmatched = tuple(LeftOut(pid, role, reason) for pid, role, reason in left_out(problem, chosen))
    conflicts = list(problem.conflicts)
    conflicts += [
        counted(
            n,
            "the rule '{rule}' struck out {n} candidate pair",
            "the rule '{rule}' struck out {n} candidate pairs",
            rule=rule,
        )
        for rule, n in problem.rule_counts.most_common()
    ]
    objective, bound = outcome.objective / SCALE, outcome.bound / SCALE
    gap = (bound - objective) / abs(bound) if bound else 0.0
    stats = {
        "teachers": len(problem.teachers),
        "learners": len(problem.learners),
        "candidates": len(problem.candidates),
        "pruned": problem.pruned_count,
        "load_penalty": sum(load_penalty(problem, n) for n in loads.values()) // SCALE,
    }
    return Proposal(
        round=round_name,
        mode=problem.mode,
        status=outcome.status,
        objective=objective,
        bound=bound,
        gap=round(max(0.0, gap), 6),
        pairs=pairs,
        unmatched=unmatched,
        conflicts=tuple(conflicts),
        violations=tuple(violations),
        solver=outcome.solver,
        seconds=outcome.seconds,
        notes=outcome.notes,
        stats=stats,
    )

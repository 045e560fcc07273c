"""Result data the engines share: a broken rule, a proposed pair or group, someone left out.

Plain frozen dataclasses with ``as_dict()`` for JSON and storage. This module imports nothing but
the standard library and the message model, so any engine, service or test can name these types
without loading a solver.

>>> str(Violation("forbidden", ("anna", "bram"), "HR ruled out Anna and Bram in one group"))
'forbidden: HR ruled out Anna and Bram in one group'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from matcher.domain.phrases import phrase, term

__all__ = ["LeftOut", "ProposedGroup", "ProposedPair", "Violation", "times_broken"]


@dataclass(frozen=True)
class Violation:
    """A hard rule a plan breaks: the rule's name, who it concerns, and why, in words."""

    rule: str
    members: tuple[str, ...]
    message: str
    #: How many times it counts: a group three people over a count range breaks it three times,
    #: said once.
    count: int = 1

    def __str__(self) -> str:
        return phrase("{rule}: {message}", rule=self.rule, message=self.message)

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"rule": self.rule, "members": list(self.members), "message": self.message}
        if self.count != 1:
            found["count"] = self.count
        return found


def times_broken(violations: Iterable[Violation]) -> int:
    """How many times a plan breaks its rules, each violation counted as often as it counts."""
    return sum(v.count for v in violations)


@dataclass(frozen=True)
class ProposedPair:
    """A proposed pair or group. In directed pairing modes the first member teaches or guides."""

    members: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]
    locked: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "score": self.score,
            "reasons": list(self.reasons),
            "locked": self.locked,
        }


#: A proposed group is recorded like a pair: members, score, reasons, locked.
ProposedGroup = ProposedPair


@dataclass(frozen=True)
class LeftOut:
    """Someone taking part whom the plan leaves out, in which role, and why."""

    person_id: str
    role: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "role": self.role, "reason": self.reason}


#: A solver's status as a word in sentences.
STATUS_WORDS: dict[str, str] = {
    "optimal": term("optimal"),
    "feasible": term("feasible"),
    "infeasible": term("infeasible"),
    "unknown": term("unknown"),
}
#: The methods that find plans, as words in sentences.
SOLVER_WORDS: dict[str, str] = {
    "min-cost flow": term("min-cost flow"),
    "blossom": term("maximum matching (blossom)"),
    "local search": term("local search"),
    "CP-SAT": term("CP-SAT"),
}


def status_word(status: str) -> str:
    """A solver status as a word (a status meeloop does not know, as it is)."""
    return STATUS_WORDS.get(status, status)


def solver_word(solver: str) -> str:
    """A solver's name as a word (one meeloop does not know, as it is)."""
    return SOLVER_WORDS.get(solver, solver)

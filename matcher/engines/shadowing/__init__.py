"""Shadowing (kijkstage): an employee asks to shadow a colleague; the scheduler picks host and slot.

A request names a skill or a host (or both), a length and a window of dates.
Hosts opt in with ``Person.host_capacity``, guests per week or month. The
scheduler picks host and slot together::

    problem = build_problem(tmap, requests, agenda, ShadowConfig())
    result = plan(problem)
    assert not validate(problem, result.slots)

Hard rules (:mod:`matcher.engines.shadowing.rules`): the host hosts guests, is not the
guest, holds the skill at ``min_host_level`` or more (and is the one asked
for, if any); the slot lies on the request's dates in both people's time
zones, inside both people's working hours, off their busy time and holidays,
on the grid; a guest who travels to another site keeps ``travel_minutes`` free
of busy time before and after; nobody is in two slots at once (travel
included); no host takes more guests in a period than their capacity; one slot
per request. Preferences and fairness: :mod:`matcher.engines.shadowing.solver`.
Every moment is UTC inside; each slot says the guest's time zone, in which
people see it.

:func:`plan` is a pure function: plain data in, plain data out, no IO.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from matcher.engines.results import Violation
from matcher.engines.shadowing.candidates import build_problem
from matcher.engines.shadowing.config import (
    LENGTHS,
    SCALE,
    ShadowConfig,
    ShadowRequest,
    ShadowWeights,
    length_words,
)
from matcher.engines.shadowing.explain import slot_reasons, unplaced_reason
from matcher.engines.shadowing.problem import ShadowProblem, moment_of
from matcher.engines.shadowing.rules import validate
from matcher.engines.shadowing.solver import Ledger, solve

__all__ = [
    "LENGTHS",
    "ShadowConfig",
    "ShadowPlan",
    "ShadowProblem",
    "ShadowRequest",
    "ShadowSlot",
    "ShadowWeights",
    "Violation",
    "build_problem",
    "length_words",
    "plan",
    "validate",
]


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class ShadowSlot:
    request_id: str
    guest_id: str
    host_id: str
    skill_id: str | None
    #: Aware datetimes in UTC.
    start: dt.datetime
    end: dt.datetime
    #: The guest's time zone, in which the slot is shown to people; and the host's.
    timezone: str
    host_timezone: str
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        zone = ZoneInfo(self.timezone)
        return {
            "request_id": self.request_id,
            "guest_id": self.guest_id,
            "host_id": self.host_id,
            "skill_id": self.skill_id,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "timezone": self.timezone,
            "local_start": self.start.astimezone(zone).isoformat(),
            "local_end": self.end.astimezone(zone).isoformat(),
            "host_timezone": self.host_timezone,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ShadowPlan:
    """A shadowing plan and how good it is.

    ``objective`` is the number of requests placed and ``bound`` the most any
    plan could place (see :func:`matcher.engines.shadowing.solver.upper_bound`);
    ``gap = (bound - objective) / bound``. ``status`` is "optimal" when the two
    meet, else "feasible" (which may still be the best possible: the bound
    sees what fits apart on each guest's time and on each host's, not on both
    at once). ``score`` is the plan's points for fit and fairness, what decides
    between plans that place as many; ``score_bound`` the most any plan placing
    as many can score (the smaller of a min-cost flow's, see
    :func:`matcher.engines.shadowing.bounds.score_bound`, and CP-SAT's when its
    model held every valid start), and ``score_gap = (score_bound - score) /
    |score_bound|``. ``seconds`` is the wall time of :func:`plan`, explanations
    and the check with :func:`validate` included.
    """

    slots: tuple[ShadowSlot, ...]
    unplaced: tuple[tuple[str, str], ...]
    status: str
    objective: int
    bound: int
    gap: float
    score: float
    seconds: float
    violations: tuple[Violation, ...] = ()
    #: How the search went, in words.
    notes: tuple[str, ...] = ()
    #: Counts: candidates, the greedy and flow figures, constraints, and unplaced requests per kind
    #: of reason (``"unplaced: capacity"`` ...; see :data:`matcher.engines.shadowing.explain.KINDS`).
    stats: tuple[tuple[str, int], ...] = ()
    score_bound: float | None = None

    @property
    def score_gap(self) -> float | None:
        if self.score_bound is None:
            return None
        return round((self.score_bound - self.score) / max(abs(self.score_bound), 1e-9), 6)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "score": self.score,
            "score_bound": self.score_bound,
            "score_gap": self.score_gap,
            "seconds": round(self.seconds, 3),
            "slots": [s.as_dict() for s in self.slots],
            "unplaced": [{"request_id": r, "reason": why} for r, why in self.unplaced],
            "violations": [v.as_dict() for v in self.violations],
            "notes": list(self.notes),
            "stats": dict(self.stats),
        }


def plan(problem: ShadowProblem) -> ShadowPlan:
    """Place as many requests as possible, then the best-fitting and fairest way; explain the rest.

    The answer is re-checked with :func:`validate`; what it finds (nothing,
    unless there is a bug) is in ``violations``.
    """
    started = time.perf_counter()
    outcome = solve(problem)
    hosted = Counter(host for _, host, _ in outcome.chosen)
    slots = []
    for request_id, host_id, start in sorted(outcome.chosen, key=lambda c: (c[2], c[0])):
        request = problem.requests[request_id]
        slots.append(
            ShadowSlot(
                request_id=request_id,
                guest_id=request.guest_id,
                host_id=host_id,
                skill_id=request.skill_id,
                start=moment_of(start),
                end=moment_of(start + request.minutes),
                timezone=problem.person(request.guest_id).timezone,
                host_timezone=problem.person(host_id).timezone,
                reasons=tuple(slot_reasons(problem, request, host_id, start, hosted[host_id])),
            )
        )
    ledger = Ledger(problem)
    for choice in outcome.chosen:
        ledger.book(*choice)
    placed = {s.request_id for s in slots}
    explained = [
        (request.id, *unplaced_reason(problem, request, ledger))
        for request in problem.requests.values()
        if request.id not in placed
    ]
    unplaced = tuple((request_id, words) for request_id, _, words in explained)
    kinds = Counter(kind for _, kind, _ in explained)
    stats = {**outcome.stats, **{f"unplaced: {kind}": n for kind, n in kinds.items()}}
    placed_count, bound = len(slots), outcome.bound
    violations = tuple(validate(problem, slots))
    return ShadowPlan(
        slots=tuple(slots),
        unplaced=unplaced,
        status=outcome.status,
        objective=placed_count,
        bound=bound,
        gap=round((bound - placed_count) / bound, 6) if bound else 0.0,
        score=outcome.score / SCALE,
        seconds=time.perf_counter() - started,
        violations=violations,
        notes=tuple(outcome.notes),
        stats=tuple(sorted(stats.items())),
        score_bound=None if outcome.score_bound is None else outcome.score_bound / SCALE,
    )

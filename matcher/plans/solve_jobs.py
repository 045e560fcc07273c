"""Proposals worked out in the background, and snapshots of proposals to compare.

Plain data. A :class:`SolveJob` is what HR started (a round proposed or re-proposed, a lunch
or shadowing plan) with its progress; storage converts its rows to and from this class and
:mod:`matcher.services.background` runs it. A :class:`Snapshot` is a round's pairs or groups at one
moment, kept with the job so that a re-solve, which replaces the stored proposal, can still
be compared with what came before.

>>> a = Snapshot("before", (Unit(("anna", "bram"), 3.0), Unit(("chen", "dirk"), 2.0)), ("eva",), 5.0)
>>> b = Snapshot("after", (Unit(("anna", "bram"), 3.0), Unit(("chen", "eva"), 2.5)), ("dirk",), 5.5)
>>> change = compare(a, b)
>>> [u.members for u in change.same], [u.members for u in change.only_a], [u.members for u in change.only_b]
([('anna', 'bram')], [('chen', 'dirk')], [('chen', 'eva')])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
#: A job in one of these may still change; the others are finished.
ACTIVE = (QUEUED, RUNNING)


@dataclass(frozen=True)
class SolveJob:
    id: int
    round_name: str
    #: The name of its kind of plan (:mod:`matcher.plans.kinds`).
    kind: str
    status: str
    #: What it was started with: the round's config, or the plan's settings.
    settings: dict[str, Any]
    #: Seconds searched when last heard of, and the search's limit (0 when it has none).
    elapsed: float
    limit: float
    #: The best plan so far and, once done, the proposal and what it replaced (see :class:`Snapshot`).
    best: dict[str, Any]
    message: str
    started_by: str
    created: dt.datetime
    finished: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def started(self) -> dt.datetime | None:
        raw = self.best.get("started")
        return dt.datetime.fromisoformat(raw) if raw else None

    @property
    def published(self) -> dt.datetime | None:
        """When a lunch or shadowing plan was published (a round keeps that itself)."""
        raw = self.best.get("published")
        return dt.datetime.fromisoformat(raw) if raw else None

    @property
    def attempts(self) -> int:
        """How often a worker claimed it (more than once when a worker died while running it)."""
        return int(self.best.get("attempts", 0))

    def elapsed_at(self, now: dt.datetime) -> float:
        """Seconds searched: while running, counted from its start, never beyond the limit."""
        if self.status != RUNNING or self.started is None:
            return self.elapsed
        running = max(self.elapsed, (now - self.started).total_seconds())
        return min(running, self.limit) if self.limit else running

    def snapshot(self, key: str) -> Snapshot | None:
        """The proposal this job made (``proposal``) or the one it replaced (``before``)."""
        data = self.best.get(key)
        return Snapshot.from_dict(data) if data else None


@dataclass(frozen=True)
class Unit:
    """A pair or group in a snapshot: members in the round's order, teacher first in directed modes."""

    members: tuple[str, ...]
    score: float
    locked: bool = False

    @property
    def key(self) -> frozenset[str]:
        return frozenset(self.members)


@dataclass(frozen=True)
class Snapshot:
    label: str
    units: tuple[Unit, ...]
    left_out: tuple[str, ...]
    objective: float
    at: str = ""

    @property
    def total(self) -> float:
        return round(sum(u.score for u in self.units), 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "at": self.at,
            "objective": self.objective,
            "units": [{"members": list(u.members), "score": u.score, "locked": u.locked} for u in self.units],
            "left_out": list(self.left_out),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            label=str(data.get("label", "")),
            units=tuple(
                Unit(tuple(u["members"]), float(u["score"]), bool(u.get("locked"))) for u in data["units"]
            ),
            left_out=tuple(data.get("left_out", ())),
            objective=float(data.get("objective", 0.0)),
            at=str(data.get("at", "")),
        )


def snapshot(
    label: str, units: Iterable[Any], left_out: Iterable[str], objective: float, at: dt.datetime
) -> Snapshot:
    """A snapshot of proposed pairs or groups (anything with ``members``, ``score`` and ``locked``)."""
    return Snapshot(
        label,
        tuple(Unit(tuple(u.members), float(u.score), bool(u.locked)) for u in units),
        tuple(dict.fromkeys(left_out)),
        float(objective),
        at.isoformat(),
    )


@dataclass(frozen=True)
class Comparison:
    a: Snapshot
    b: Snapshot
    same: tuple[Unit, ...]
    only_a: tuple[Unit, ...]
    only_b: tuple[Unit, ...]
    #: People left out in A and placed in B, and the other way round.
    placed_in_b: tuple[str, ...] = field(default=())
    placed_in_a: tuple[str, ...] = field(default=())


def compare(a: Snapshot, b: Snapshot) -> Comparison:
    """What changed from A to B: units in both (the same people, in any order), only in A, only in B."""
    in_b = {u.key for u in b.units}
    in_a = {u.key for u in a.units}
    placed_a = {m for u in a.units for m in u.members}
    placed_b = {m for u in b.units for m in u.members}
    return Comparison(
        a=a,
        b=b,
        same=tuple(u for u in b.units if u.key in in_a),
        only_a=tuple(u for u in a.units if u.key not in in_b),
        only_b=tuple(u for u in b.units if u.key not in in_a),
        placed_in_b=tuple(p for p in a.left_out if p in placed_b),
        placed_in_a=tuple(p for p in b.left_out if p in placed_a),
    )

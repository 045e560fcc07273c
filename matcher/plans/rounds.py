"""Pairing and group rounds as HR keeps them: a proposal, re-proposed around locked pairs or groups
until it is published. A group round's ``mode`` is its group kind and its ``pairs`` are its groups.

Plain data. Storage converts its rows to and from these classes; the services
in :mod:`matcher.services.organisation` decide what may happen to a round.

>>> config = with_locks(PairingConfig(locked=(("anna", "bram"),)), [("bram", "anna"), ("chen", "dirk")])
>>> config.locked
(('anna', 'bram'), ('chen', 'dirk'))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

from matcher.domain.phrases import Message, counted, phrase, term
from matcher.engines.groups import GroupConfig
from matcher.engines.pairing import LeftOut, PairingConfig, ProposedPair, Violation
from matcher.plans.kinds import Family, kind

Config = PairingConfig | GroupConfig


class _Lockable(Protocol):
    """A config of either kind, as far as its locked units go."""

    @property
    def locked(self) -> tuple[tuple[str, ...], ...]: ...
    def replace(self, **changes: Any) -> Self: ...


#: A config of either kind (or the union of them), the same going in as coming out.
AnyConfig = TypeVar("AnyConfig", bound=_Lockable)

#: The longest round name storage keeps.
NAME_LENGTH = 200
PROPOSED = "proposed"
PUBLISHED = "published"


class RoundError(ValueError):
    """A round cannot be proposed, changed or published as asked; the message says why.

    ``message`` is the refusal as a message (``str(error)`` is its English): the sentence, then
    each broken rule's own message on a line of its own when there are ``violations``.

    >>> broken = [Violation("size", ("anna",), phrase("too big"))]
    >>> error = RoundError(phrase("round '{name}' was not changed", name="x"), broken)
    >>> error.message.template, str(error)
    ('{first}\\n  {rest}', "round 'x' was not changed\\n  too big")
    """

    def __init__(self, message: str, violations: Iterable[Violation] = ()) -> None:
        self.violations = tuple(violations)
        self.message = listed(message, [v.message for v in self.violations])
        super().__init__(self.message)


def listed(heading: str, items: Sequence[str]) -> str:
    """The heading, then each item on a line of its own, indented by two spaces: one message.

    >>> listed(phrase("these rules are broken:"), ["one", "two", "three"])
    'these rules are broken:\\n  one\\n  two\\n  three'
    """
    lines = [heading, *items]
    return _joined(lines) if items else heading


def _joined(lines: Sequence[str]) -> str:
    # Halves, so that a long list nests only as deep as its logarithm.
    if len(lines) == 1:
        return lines[0]
    middle = len(lines) // 2
    return phrase("{first}\n  {rest}", first=_joined(lines[:middle]), rest=_joined(lines[middle:]))


def said_by(exc: BaseException) -> str:
    """What an exception says: its message as it was raised (a message keeps its structure), else
    its text."""
    if isinstance(exc, RoundError):
        return exc.message
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Message) else str(exc)


#: What happened to a round, as the round log says it.
ACTIONS: dict[str, str] = {
    "proposed": term("proposed"),
    "re-proposed": term("re-proposed"),
    "locked": term("locked"),
    "unlocked": term("unlocked"),
    "published": term("published"),
    "settings": term("settings"),
    "swapped": term("swapped"),
    "removed": term("removed"),
    "excluded": term("excluded"),
}


def unit_count(unit: str, n: int) -> str:
    """``3 pairs`` or ``3 groups``."""
    if unit == "group":
        return counted(n, "{n} group", "{n} groups")
    return counted(n, "{n} pair", "{n} pairs")


@dataclass(frozen=True)
class RoundEvent:
    at: dt.datetime
    #: proposed, re-proposed, locked, unlocked, published, settings, swapped, removed, excluded
    action: str
    #: What it did, as a message (text stored before messages were data reads back as written).
    detail: str

    @property
    def what(self) -> str:
        """The action as a word of the log (:data:`ACTIONS`)."""
        return ACTIONS.get(self.action, self.action)

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "action": self.action, "detail": self.detail}


@dataclass(frozen=True)
class RoundSummary:
    """One line of the list of rounds."""

    name: str
    mode: str
    status: str
    pairs: int
    left_out: int
    objective: float
    created: dt.datetime
    published: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.name,
            "mode": self.mode,
            "status": self.status,
            "pairs": self.pairs,
            "left_out": self.left_out,
            "objective": self.objective,
            "created": self.created.isoformat(),
            "published": self.published.isoformat() if self.published else None,
        }


@dataclass(frozen=True)
class StoredRound:
    name: str
    mode: str
    #: ``proposed`` while HR works on it, ``published`` once its pairs are in the history.
    status: str
    #: The config the pairs or groups were proposed with, HR's locks included.
    config: Config
    objective: float
    bound: float
    gap: float
    #: The solver's own status: optimal or feasible.
    solver_status: str
    solver: str
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[LeftOut, ...]
    conflicts: tuple[str, ...]
    notes: tuple[str, ...]
    created: dt.datetime
    updated: dt.datetime
    published: dt.datetime | None = None
    events: tuple[RoundEvent, ...] = ()
    #: Each pair's or group's stored position, the same for its whole life: removing one
    #: from a published round leaves the others where they were.
    positions: tuple[int, ...] = ()

    def units(self) -> list[tuple[int, ProposedPair]]:
        """(position, pair or group), in order."""
        positions = self.positions or tuple(range(1, len(self.pairs) + 1))
        return list(zip(positions, self.pairs, strict=True))

    @property
    def is_group_round(self) -> bool:
        return kind(self.mode).family is Family.GROUPS

    @property
    def unit(self) -> str:
        """What the round is made of, in words: pair or group."""
        return "group" if self.is_group_round else "pair"

    @property
    def locked_pairs(self) -> tuple[tuple[str, ...], ...]:
        return tuple(p.members for p in self.pairs if p.locked)

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.name,
            "mode": self.mode,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "solver_status": self.solver_status,
            "solver": self.solver,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
            "published": self.published.isoformat() if self.published else None,
            f"{self.unit}s": [p.as_dict() for p in self.pairs],
            "unmatched": [u.as_dict() for u in self.unmatched],
            "conflicts": list(self.conflicts),
            "notes": list(self.notes),
            "config": self.config.as_dict(),
            "events": [e.as_dict() for e in self.events],
        }


def with_locks(config: AnyConfig, locks: Iterable[tuple[str, ...]]) -> AnyConfig:
    """The config with ``locks`` added after its own; a pair already locked (in either order) is kept once."""
    merged = list(config.locked)
    seen = {frozenset(lock) for lock in merged}
    for lock in locks:
        if frozenset(lock) not in seen:
            merged.append(tuple(lock))
            seen.add(frozenset(lock))
    return config.replace(locked=tuple(merged))


def without_lock(config: AnyConfig, members: tuple[str, ...]) -> AnyConfig:
    return config.replace(
        locked=tuple(lock for lock in config.locked if frozenset(lock) != frozenset(members))
    )

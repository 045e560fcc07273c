"""What the learning loop reads of the reflections: the levels each participant reached on the
sessions of some events. Stories stay where they are.

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.storage import ReflectionRow


@dataclass(frozen=True)
class ReachedLevels:
    """The value levels one person reached on one session (their reflection without its story)."""

    id: int
    person_id: str
    event_id: int
    session_day: dt.date
    levels: tuple[str, ...]


def levels_on(
    session: Session, event_ids: Iterable[int], *, since: dt.date | None = None
) -> list[ReachedLevels]:
    """The levels reached on sessions of these events (from ``since`` when given), oldest first."""
    wanted = sorted(set(event_ids))
    found: list[ReachedLevels] = []
    for first in range(0, len(wanted), 500):  # a bounded IN list, on every database alike
        query = select(
            ReflectionRow.id,
            ReflectionRow.person_id,
            ReflectionRow.event_id,
            ReflectionRow.session_day,
            ReflectionRow.levels,
        ).where(ReflectionRow.event_id.in_(wanted[first : first + 500]))
        if since is not None:
            query = query.where(ReflectionRow.session_day >= since)
        found += [
            ReachedLevels(row_id, person, event, day, tuple(levels or ()))
            for row_id, person, event, day, levels in session.execute(query)
        ]
    return sorted(found, key=lambda r: (r.session_day, r.id))

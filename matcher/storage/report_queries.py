"""What the reports read from the database beyond the organisation, the rounds and the
reflection tallies of :mod:`matcher.services.reflections`.

Every function runs inside the caller's transaction and only reads.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.domain.reports import ReflectionFact
from matcher.storage import ReflectionRow


def reflection_facts(session: Session) -> list[ReflectionFact]:
    """Every reflection as the quarterly counts need it: its levels, its session day and whether
    it tells a story. Neither the person nor the story text leaves the database here."""
    rows = session.execute(
        select(
            ReflectionRow.levels, func.length(ReflectionRow.story) > 0, ReflectionRow.session_day
        ).order_by(ReflectionRow.id)
    )
    return [ReflectionFact(tuple(levels or ()), bool(has_story), day) for levels, has_story, day in rows]

"""Reflections in the database: what a session brought each participant.

One row per person, event and session day; saving again replaces the levels and the story.
Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.domain.reflections import Reflection
from matcher.storage import ReflectionRow, ScheduledEventRow
from matcher.storage.base import utc


def _reflection(row: ReflectionRow) -> Reflection:
    return Reflection(
        row.id,
        row.person_id,
        row.event_id,
        row.session_day,
        tuple(row.levels),
        row.story,
        utc(row.created),
        utc(row.updated),
    )


def _row(session: Session, person_id: str, event_id: int, session_day: dt.date) -> ReflectionRow | None:
    return session.scalars(
        select(ReflectionRow).where(
            ReflectionRow.person_id == person_id,
            ReflectionRow.event_id == event_id,
            ReflectionRow.session_day == session_day,
        )
    ).one_or_none()


def save(
    session: Session,
    person_id: str,
    event_id: int,
    session_day: dt.date,
    levels: tuple[str, ...],
    story: str,
    *,
    now: dt.datetime,
) -> Reflection:
    """Store the person's reflection on one session, replacing the one they wrote before."""
    row = _row(session, person_id, event_id, session_day)
    if row is None:
        row = ReflectionRow(
            person_id=person_id, event_id=event_id, session_day=session_day, created=now, updated=now
        )
        session.add(row)
    row.levels = list(levels)
    row.story = story
    row.updated = now
    session.flush()
    return _reflection(row)


def reflection(session: Session, person_id: str, event_id: int, session_day: dt.date) -> Reflection | None:
    row = _row(session, person_id, event_id, session_day)
    return _reflection(row) if row is not None else None


def of_person(session: Session, person_id: str) -> list[Reflection]:
    """The person's reflections, the latest session first."""
    rows = session.scalars(
        select(ReflectionRow)
        .where(ReflectionRow.person_id == person_id)
        .order_by(ReflectionRow.session_day.desc(), ReflectionRow.id.desc())
    )
    return [_reflection(r) for r in rows]


def levels_with_events(session: Session) -> Iterator[tuple[list[str], str, str]]:
    """(levels, event kind, event source) for every reflection: what the counts are made of.
    Levels are a JSON list, so counting happens in Python on every database alike."""
    rows = session.execute(
        select(ReflectionRow.levels, ScheduledEventRow.kind, ScheduledEventRow.source).join(
            ScheduledEventRow, ScheduledEventRow.id == ReflectionRow.event_id
        )
    )
    for levels, kind, source in rows:
        yield list(levels), kind, source

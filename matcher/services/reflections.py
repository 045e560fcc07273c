"""Reflection: what a session brought, on Wenger-Trayner's five value levels (DOMAIN.md).

After each session of something meeloop planned (a pair or group meeting, a shadowing slot, a
lunch & learn session) each participant may say which value levels it reached and tell a short
story. A session is one occurrence of a scheduled event, named by its day in the event's time
zone; only sessions that have taken place (up to today) can be reflected on. HR's reports read
the counts (:func:`reflection_counts`, :func:`reflection_tallies`), never the stories.

>>> level_counts([("potential", "applied"), ("potential",)])
{'immediate': 0, 'potential': 2, 'applied': 1, 'realised': 0, 'reframing': 0}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from matcher.domain.phrases import phrase
from matcher.domain.problems import Location
from matcher.domain.reflections import STORY_LENGTH, VALUE_LEVELS, Reflection, checked_answer
from matcher.domain.reports import ReflectionFact
from matcher.domain.schedule import PLANNED, ScheduledEvent
from matcher.io.ics import participants
from matcher.storage import Database, report_queries, schedule
from matcher.storage import reflections as store
from matcher.storage import rounds as round_storage

__all__ = [
    "STORY_LENGTH",
    "VALUE_LEVELS",
    "PastSession",
    "Reflection",
    "ReflectionTally",
    "level_counts",
    "past_sessions",
    "reflection_counts",
    "reflection_tallies",
    "reflections_of",
    "save_reflection",
    "session_of",
]

SOURCE = "reflection"


@dataclass(frozen=True)
class PastSession:
    """One occurrence of an event the person was in, with what they wrote about it (if anything)."""

    event: ScheduledEvent
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    role: str
    reflection: Reflection | None = None


def _sessions(event: ScheduledEvent, person_id: str, today: dt.date) -> list[PastSession]:
    role = participants(event).get(person_id)
    if role is None:
        return []
    zone = ZoneInfo(event.timezone)
    found = []
    for time in event.times():
        day = time.start.astimezone(zone).date()
        if day <= today:
            found.append(PastSession(event, day, time.start, time.end, role))
    return found


def past_sessions(db: Database, person_id: str, *, today: dt.date) -> list[PastSession]:
    """Every session up to today of a planned event the person is in, the latest first, each with
    the person's reflection on it."""
    with db.transaction() as session:
        events = schedule.events(session)
        # Keyed so that an event without a row id (never stored) finds no reflection.
        written: dict[tuple[int | None, dt.date], Reflection] = {
            (r.event_id, r.session_day): r for r in store.of_person(session, person_id)
        }
    found = [s for e in events for s in _sessions(e, person_id, today)]
    found.sort(key=lambda s: (s.start, s.event.id or 0), reverse=True)
    return [_with(s, written.get((s.event.id, s.day))) for s in found]


def _with(past: PastSession, reflection: Reflection | None) -> PastSession:
    return PastSession(past.event, past.day, past.start, past.end, past.role, reflection)


def session_of(
    db: Database, person_id: str, event_id: int, day: dt.date, *, today: dt.date
) -> PastSession | None:
    """The session of ``event_id`` on ``day`` when the person was in it and it has taken place;
    None otherwise (someone else's event, a day without a session, a session still to come)."""
    with db.transaction() as session:
        event = schedule.event(session, event_id)
        if event is None or event.status != PLANNED:
            return None
        written = store.reflection(session, person_id, event_id, day)
    found = next((s for s in _sessions(event, person_id, today) if s.day == day), None)
    return _with(found, written) if found else None


def save_reflection(
    db: Database,
    person_id: str,
    event_id: int,
    day: dt.date,
    levels: Iterable[str],
    story: str,
    *,
    today: dt.date,
    now: dt.datetime,
) -> Reflection:
    """Store what the session brought the person (replacing what they wrote before): at least one
    value level or a story of at most :data:`STORY_LENGTH` characters."""
    where = f"event {event_id} on {day.isoformat()}"
    ordered, story, problems = checked_answer(levels, story, SOURCE, where)
    if session_of(db, person_id, event_id, day, today=today) is None:
        problems.add(
            Location(SOURCE, where, "session"), phrase("there is no session of yours to reflect on then")
        )
    problems.raise_if_any()
    with db.transaction() as session:
        return store.save(session, person_id, event_id, day, ordered, story, now=now)


def reflections_of(db: Database, person_id: str) -> list[Reflection]:
    """The person's reflections, the latest session first."""
    with db.transaction() as session:
        return store.of_person(session, person_id)


def level_counts(levels: Iterable[Iterable[str]]) -> dict[str, int]:
    """How often each value level was reached, every level listed (in the order of the scale)."""
    counts = dict.fromkeys(VALUE_LEVELS, 0)
    for chosen in levels:
        for level in chosen:
            if level in counts:
                counts[level] += 1
    return counts


def reflection_facts(db: Database) -> list[ReflectionFact]:
    """Every reflection as a fact for the reports: when, which levels, which kind of round."""
    with db.transaction() as session:
        return report_queries.reflection_facts(session)


def reflection_counts(db: Database) -> dict[str, int]:
    """Across the organisation: how many reflections reached each value level."""
    with db.transaction() as session:
        return level_counts(levels for levels, _kind, _source in store.levels_with_events(session))


@dataclass
class ReflectionTally:
    """The reflections on one group of sessions: how many, and the count per value level.
    Stories stay with the people who wrote them."""

    reflections: int = 0
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VALUE_LEVELS, 0))


def session_group(session: Any, by: str) -> Callable[[str, str], str]:
    """How sessions are grouped for HR's counts: ``group(kind, source)`` by ``kind``, ``source`` or
    ``round_kind`` (see :func:`reflection_tallies`)."""
    if by not in ("kind", "source", "round_kind"):
        raise ValueError(f"'{by}' is not a grouping; use kind, source or round_kind")
    if by == "kind":
        return lambda kind, source: kind
    if by == "source":
        return lambda kind, source: source
    modes = {r.name: r.mode for r in round_storage.round_summaries(session)}
    return lambda kind, source: modes.get(source, kind) if kind == "meeting" else kind


def reflection_tallies(db: Database, *, by: str = "round_kind") -> dict[str, ReflectionTally]:
    """Counts per group of sessions. ``by``: ``kind`` (meeting, shadowing, lunch), ``source``
    (the round's name for its meetings, the request or lunch plan otherwise) or ``round_kind``
    (the round's mode or group kind for meetings, else ``shadowing`` or ``lunch``: the kinds
    of ``web.words.ROUND_KINDS``)."""
    with db.transaction() as session:
        rows = list(store.levels_with_events(session))
        group = session_group(session, by)
    tallies: dict[str, ReflectionTally] = {}
    for levels, kind, source in rows:
        tally = tallies.setdefault(group(kind, source), ReflectionTally())
        tally.reflections += 1
        for level in levels:
            if level in tally.levels:
                tally.levels[level] += 1
    return dict(sorted(tallies.items()))

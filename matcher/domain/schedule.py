"""What meeloop plans in people's time: calendar uploads, shadow requests, events put in calendars."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from matcher.domain.intervals import Interval
from matcher.domain.phrases import phrase

OPEN, PLANNED, CANCELLED = "open", "planned", "cancelled"


@dataclass(frozen=True)
class Upload:
    person_id: str
    filename: str
    content: str
    uploaded: dt.datetime
    busy_count: int


@dataclass(frozen=True)
class StoredRequest:
    id: int
    guest_id: str
    skill_id: str | None
    host_id: str | None
    minutes: int
    first_day: dt.date
    last_day: dt.date
    status: str
    created: dt.datetime
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "guest": self.guest_id,
            "skill": self.skill_id,
            "host": self.host_id,
            "minutes": self.minutes,
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "status": self.status,
            "created": self.created.isoformat(),
            "note": self.note,
        }


@dataclass(frozen=True)
class ScheduledEvent:
    """Something meeloop put in people's calendars: one meeting, a series, a slot or a session."""

    kind: str
    source: str
    title: str
    start: dt.datetime
    end: dt.datetime
    timezone: str
    members: tuple[str, ...]
    roles: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    rrule: str | None = None
    #: Every occurrence of a series, the first included; empty for a single event.
    occurrences: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    #: What it is within its source, the same through re-planning (see :func:`reconcile_events`).
    key: str = ""
    id: int | None = None
    status: str = PLANNED
    sequence: int = 0
    updated: dt.datetime | None = None

    def times(self) -> list[Interval]:
        return [Interval(s, e) for s, e in (self.occurrences or ((self.start, self.end),))]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "timezone": self.timezone,
            "members": list(self.members),
            "roles": dict(self.roles),
            "rrule": self.rrule,
            "occurrences": [[s.isoformat(), e.isoformat()] for s, e in self.occurrences],
            "key": self.key,
            "status": self.status,
            "sequence": self.sequence,
            "details": self.details,
        }

    def significant(self) -> tuple:
        """What a change of bumps the SEQUENCE: time, place (it follows the people) and people."""
        return (self.title, self.start, self.end, self.timezone, self.rrule, self.occurrences, self.members)


@dataclass(frozen=True)
class Reconciled:
    """What re-planning a source did to its events (ids)."""

    added: tuple[int, ...] = ()
    changed: tuple[int, ...] = ()
    cancelled: tuple[int, ...] = ()
    unchanged: tuple[int, ...] = ()

    def summary(self) -> str:
        return phrase(
            "{added} new, {changed} changed, {cancelled} cancelled, {unchanged} unchanged",
            added=len(self.added),
            changed=len(self.changed),
            cancelled=len(self.cancelled),
            unchanged=len(self.unchanged),
        )

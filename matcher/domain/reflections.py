"""Reflections: what a session brought one participant, on the value levels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reflection:
    id: int
    person_id: str
    event_id: int
    session_day: dt.date
    #: The value levels reached, in the order of the scale.
    levels: tuple[str, ...]
    story: str
    created: dt.datetime
    updated: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "session_day": self.session_day.isoformat(),
            "levels": list(self.levels),
            "story": self.story,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
        }

"""What is kept about one person outside their own record: calendar files, feed tokens and messages sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CalendarFile:
    filename: str
    uploaded: dt.datetime
    #: When a newer upload replaced it; None for the one in use.
    replaced: dt.datetime | None
    busy_count: int
    content: str


@dataclass(frozen=True)
class FeedTokens:
    active: int
    revoked: int
    #: When the token in use was made.
    active_since: dt.datetime | None


@dataclass(frozen=True)
class Message:
    event_id: int
    method: str
    subject: str
    status: str
    created: dt.datetime
    sent: dt.datetime | None

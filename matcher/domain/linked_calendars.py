"""A linked calendar as meeloop shows it: which kind, where, and how its last reads went.

The password of a CalDAV account never leaves storage; this says only whether one is kept. A
published address is itself a key to the whole calendar, so pages show only its host
(:attr:`LinkedCalendar.shown_address`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class LinkedCalendar:
    id: int
    person_id: str
    #: ics-url | caldav
    kind: str
    url: str
    username: str
    has_password: bool
    linked_by: str
    linked: dt.datetime
    last_read: dt.datetime | None
    last_failed: dt.datetime | None
    #: Why the last read failed (a message), empty after a good one.
    last_error: str
    busy_count: int
    #: Whether meeloop puts the person's events into this calendar (CalDAV only).
    push: bool = False

    @property
    def shown_address(self) -> str:
        """``https://calendar.example.org/…``: the host (and port), not the rest, which may hold a
        secret (a published address's token, a user name and password in it)."""
        parts = urlsplit(self.url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname or ''}{port}/…"

    @property
    def failing(self) -> bool:
        """Whether the last read failed (the busy time is still that of the last good read)."""
        return bool(self.last_error)

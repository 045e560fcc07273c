"""Invites and cancellations on their way to people: the messages in the outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

QUEUED, SENT, FAILED = "queued", "sent", "failed"
#: Claimed by a run that is handing it to the mail server: no other run sends it. A run that died
#: in between leaves it so, rather than risk sending it twice.
SENDING = "sending"


@dataclass(frozen=True)
class Queued:
    """A message in the outbox."""

    id: int
    event_id: int
    person_id: str
    email: str
    name: str
    method: str
    sequence: int
    subject: str
    text: str
    calendar: str
    status: str
    attempts: int
    last_error: str
    created: dt.datetime
    sent: dt.datetime | None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "person_id": self.person_id,
            "email": self.email,
            "method": self.method,
            "sequence": self.sequence,
            "subject": self.subject,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created": self.created.isoformat(),
            "sent": self.sent.isoformat() if self.sent else None,
        }

"""Replies to invites as HR sees them: each person's latest answer to an event, and the messages
from the organiser's mailbox that were not applied, with why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ACCEPTED, DECLINED, TENTATIVE, COUNTER = "ACCEPTED", "DECLINED", "TENTATIVE", "COUNTER"
#: What became of a message read from the mailbox.
APPLIED, STALE, UNMATCHED, MALFORMED = "applied", "stale", "unmatched", "malformed"


@dataclass(frozen=True)
class Answer:
    """A person's latest answer to an event, or to one occurrence (``occurrence``) of a series."""

    event_id: int
    person_id: str
    answer: str
    received: dt.datetime
    sequence: int = 0
    occurrence: dt.datetime | None = None
    #: Private: shown only to HR and the person.
    comment: str = ""
    proposed_start: dt.datetime | None = None
    proposed_end: dt.datetime | None = None


@dataclass(frozen=True)
class ReadMail:
    """A message read from the organiser's mailbox and what became of it (``reason``: a message)."""

    id: int
    read: dt.datetime
    outcome: str
    reason: str
    sender: str
    subject: str
    event_id: int | None = None

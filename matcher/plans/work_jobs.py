"""Background work other than solves: publishing a round, sending its e-mail, applying an import.

Plain data. A :class:`WorkJob` is what HR started, with its progress and, once done, its outcome;
storage converts its rows to and from this class and :mod:`matcher.services.work` runs it.

>>> created = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
>>> job = WorkJob(1, PUBLISH, "Mentoring", RUNNING, {}, {"done": 3, "total": 12}, {}, "", "hr", created)
>>> job.active, job.share
(True, 0.25)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# The same life as a solve's: queued, running, then done or failed.
from matcher.plans.solve_jobs import ACTIVE, DONE, FAILED, QUEUED, RUNNING

__all__ = ["ACTIVE", "DONE", "FAILED", "IMPORT", "KINDS", "PUBLISH", "QUEUED", "RUNNING", "SEND", "WorkJob"]

PUBLISH, SEND, IMPORT = "publish", "send", "import"
KINDS = (PUBLISH, SEND, IMPORT)


@dataclass(frozen=True)
class WorkJob:
    id: int
    #: publish, send or import
    kind: str
    #: What it works on: a round's or plan's name, or the imported file's name.
    subject: str
    status: str
    #: What it was started with (the meeting settings, the sources to send, the import's choices).
    params: dict[str, Any]
    #: ``done`` of ``total`` and a short message of the step it is at.
    progress: dict[str, Any]
    #: Once done: what the pages tell HR, as data (counts, and reasons as messages).
    outcome: dict[str, Any]
    #: Why it failed, as a message; or why it waits (the mail server did not answer).
    message: str
    started_by: str
    created: dt.datetime
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    attempts: int = 0
    #: The worker that claimed it last: host, pid and token.
    runner: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def share(self) -> float | None:
        """How much is done, 0 to 1; None while the total is not known."""
        total = self.progress.get("total")
        if not total:
            return None
        return min(1.0, self.progress.get("done", 0) / total)

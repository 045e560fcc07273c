"""The web app's side of the job queue: each app has one :class:`~matcher.services.queue.Queue`
that its requests put work on; worker processes (``meeloop worker``, or the one that ``meeloop
serve`` and ``meeloop demo`` start beside the server) take it off.

Where the queue lives follows the database and ``MEELOOP_REDIS_URL``
(:meth:`matcher.services.queue.QueueSettings.of`). With ``JOBS_INLINE`` (tests) a job runs inside
the request that started it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from flask import Flask

from matcher.plans.solve_jobs import SolveJob
from matcher.services import background, queue
from matcher.services.database import Database

#: How often a request that waits for a quick solve looks at it (seconds).
POLL = 0.1


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class JobRunner:
    """The app's solve jobs: record them and put them on the queue."""

    def __init__(self, db: Database, jobs: queue.Queue, *, clock: Callable[[], dt.datetime] = _now) -> None:
        self.db = db
        self.queue = jobs
        self.clock = clock

    @property
    def identity(self) -> dict[str, Any]:
        return queue.identity()

    def start(
        self, *, round_name: str, kind: str, settings: dict[str, Any], limit: float, started_by: str
    ) -> SolveJob:
        """Record a job and put it on the queue; immediate, it has run when this returns."""
        queued = background.start_job(
            self.db,
            round_name=round_name,
            kind=kind,
            settings=settings,
            limit=limit,
            started_by=started_by,
            runner={},
            now=self.clock(),
        )
        self.queue.enqueue("solve", str(queued.id))
        return queued

    def wait(self, job_id: int, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a job to end; whether it has. A quick solve is then
        shown at once instead of after the job page's next refresh."""
        deadline = time.monotonic() + timeout
        while True:
            found = background.job(self.db, job_id)
            if found is None or not found.active:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL)


def configure(app: Flask) -> JobRunner:
    """The app's queue and job runner, in ``app.extensions["meeloop"]``."""
    from web.round_publishing import smtp
    from web.shared_state import redis_url

    meeloop = app.extensions["meeloop"]
    settings = queue.QueueSettings.of(
        app.config["DATABASE_URL"],
        redis_url=redis_url(app.config),
        immediate=bool(app.config.get("JOBS_INLINE", False)),
    )
    with app.app_context():
        mail = smtp()
    context = queue.Context(
        db=meeloop["db"], invites=meeloop["invites"], smtp=mail, clock=_now, today=meeloop["maps"].today
    )
    jobs = queue.Queue(settings, context)
    meeloop["queue"] = jobs
    runner = JobRunner(meeloop["db"], jobs)
    meeloop["jobs"] = runner
    return runner


def runner_of(app: Flask) -> JobRunner:
    return app.extensions["meeloop"]["jobs"]


def queue_of(app: Flask) -> queue.Queue:
    return app.extensions["meeloop"]["queue"]

"""Background solving: each app owns one worker thread that runs the solve jobs one at a time.

A request that proposes a round queues a job (a row in ``solve_job``) and returns at once; the
worker runs :func:`matcher.services.background.run_job`, which writes the job's progress and result to
the database, where the job page reads it. With ``JOBS_INLINE`` (tests) the job runs inside the
request instead.

A job records which process runs it. When the app starts, queued or running jobs of a process
that is gone on this host are marked failed: a restarted server does not finish them. Jobs of
another host are left to it, until they are older than their limit plus :data:`STALE_AFTER`.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import Any

from flask import Flask

from matcher.plans.solve_jobs import SolveJob
from matcher.services import background
from matcher.services.database import Database

HOST = socket.gethostname()
#: A queued or running job this much older than its time limit is taken for abandoned anyhow.
STALE_AFTER = 3600.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_TOKENS: dict[int, str] = {}


def process_identity() -> dict[str, Any]:
    """Who runs a job: this host and process. The token tells a restarted process (the same pid
    in a container) from the one before; it is made per pid, so a forked worker gets its own."""
    pid = os.getpid()
    token = _TOKENS.setdefault(pid, uuid.uuid4().hex)
    return {"host": HOST, "pid": pid, "token": token}


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class JobRunner:
    """The app's solve jobs: start them, and run them on one worker thread (or inline)."""

    def __init__(
        self,
        db: Database,
        *,
        today: Callable[[], dt.date],
        inline: bool,
        log: Any,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self.db = db
        self.today = today
        self.inline = inline
        self.log = log
        self.clock = clock
        self._executor: ThreadPoolExecutor | None = None
        self._futures: dict[int, Future[None]] = {}
        self._lock = threading.Lock()

    @property
    def identity(self) -> dict[str, Any]:
        return process_identity()

    def start(
        self, *, round_name: str, kind: str, settings: dict[str, Any], limit: float, started_by: str
    ) -> SolveJob:
        """Queue a job and hand it to the worker; inline, it has run when this returns."""
        queued = background.start_job(
            self.db,
            round_name=round_name,
            kind=kind,
            settings=settings,
            limit=limit,
            started_by=started_by,
            runner=self.identity,
            now=self.clock(),
        )
        if self.inline:
            self.run(queued.id)
        else:
            future = self._pool().submit(self.run, queued.id)
            with self._lock:
                self._futures[queued.id] = future
                future.add_done_callback(lambda _done: self._forget(queued.id))
        return queued

    def wait(self, job_id: int, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a job this runner started; whether it has ended. A
        quick solve is then shown at once instead of after the job page's next refresh."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is None:
            return True
        try:
            future.result(timeout=timeout)
        except FuturesTimeout:
            return False
        return True

    def _forget(self, job_id: int) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    def run(self, job_id: int) -> None:
        try:
            background.run_job(self.db, job_id, today=self.today(), clock=self.clock)
        except Exception:
            self.log.exception("solve job %s failed", job_id)

    def _pool(self) -> ThreadPoolExecutor:
        # Made on first use: an app that never solves (most tests, the CLI) starts no thread.
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meeloop-solve")
            return self._executor

    def shutdown(self, *, wait: bool = True) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait)

    def may_still_run(self, job: SolveJob) -> bool:
        """Whether a queued or running job may still be finished by the process that runs it."""
        age = (self.clock() - job.created).total_seconds()
        if age > job.limit + STALE_AFTER:
            return False
        runner = job.best.get("runner") or {}
        if runner.get("token") == self.identity["token"]:
            return True
        if runner.get("host") != HOST:
            return True
        pid = runner.get("pid")
        return isinstance(pid, int) and pid != os.getpid() and _process_alive(pid)

    def fail_abandoned(self) -> list[int]:
        return background.fail_abandoned(self.db, self.may_still_run, now=self.clock())


def configure(app: Flask) -> JobRunner:
    """The app's job runner, in ``app.extensions["meeloop"]["jobs"]``; marks abandoned jobs failed."""
    meeloop = app.extensions["meeloop"]
    runner = JobRunner(
        meeloop["db"],
        today=meeloop["maps"].today,
        inline=bool(app.config.get("JOBS_INLINE", False)),
        log=app.logger,
    )
    meeloop["jobs"] = runner
    failed = runner.fail_abandoned()
    if failed:
        app.logger.warning("solve jobs %s were left unfinished by a stopped server; marked failed", failed)
    return runner


def runner_of(app: Flask) -> JobRunner:
    return app.extensions["meeloop"]["jobs"]

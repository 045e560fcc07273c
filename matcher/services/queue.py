"""The job queue: work that outlives a request, on huey.

A request that starts long work (a solve, publishing a round, sending the outbox, applying a large
import) records it in the database and puts ``(kind, key)`` on the queue; a worker process
(``meeloop worker``) takes it off and runs the handler registered for that kind. Work that comes
back on its own (reminders, check-ins, retrying failed mail) is *scheduled*: the worker's scheduler
runs it at the times of a cron line.

Where the queue lives, by the settings (:meth:`QueueSettings.of`):

* ``MEELOOP_REDIS_URL``: Redis, for production, shared by web processes and workers on any machine;
* else, a PostgreSQL database: huey's tables in that same database, shared the same way;
* else, a SQLite database in a file: a queue file beside it, for one machine with no server at all
  (the demo: ``meeloop demo`` starts a worker process beside the web server);
* an in-memory database (tests), or ``immediate``: the job runs at once inside the caller.

huey was chosen over Celery and RQ because one library gives all of these with the same code: RQ
needs a Redis server even for the demo, and Celery's SQL brokers are experimental. Its scheduler,
retries with exponential backoff and timeouts come with it.

What the queue promises, and what the handlers add:

* a job is in the queue's storage, not in a web process: restarting the web server loses nothing;
* a handler that raises :class:`TryAgain` is run again later, waiting longer each time;
* a job may still be delivered twice (a worker killed at the wrong moment, a reaper that puts a
  forgotten job back): handlers claim their database record atomically and do nothing when it is
  no longer theirs, so two workers never do the same work and a retried send never sends twice.

Handlers register themselves with :func:`handler` and :func:`scheduled` when their module is
imported; :data:`HANDLER_MODULES` lists those modules, imported when a queue is made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from matcher.domain.phrases import phrase
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.storage import Database

log = logging.getLogger(__name__)

#: The modules whose handlers the queue runs; imported when a queue is made.
HANDLER_MODULES: tuple[str, ...] = (
    "matcher.services.background",
    "matcher.services.work",
    "matcher.services.notices",
    "matcher.services.calendars",
    "matcher.services.replies",
)
#: How often a handler that says :class:`TryAgain` is run again, and the first wait (seconds),
#: doubled each time: 10 s, 20 s, 40 s ... about 2.8 hours in all.
RETRIES = 10
RETRY_DELAY = 10.0
RETRY_BACKOFF = 2.0


class TryAgain(Exception):
    """A passing failure (the mail server does not answer): the queue runs the job again later."""


@dataclass(frozen=True)
class Context:
    """What a handler works with: the database, the invite and mail settings, and the clock."""

    db: Database
    invites: InviteSettings
    smtp: SmtpSettings | None
    clock: Callable[[], dt.datetime]
    today: Callable[[], dt.date]
    #: Put a job on the queue this context belongs to (the queue sets it).
    enqueue: Callable[[str, str], None] | None = None

    def put(self, kind: str, key: str) -> None:
        if self.enqueue is None:
            raise RuntimeError("this context has no queue")
        self.enqueue(kind, key)


HOST = socket.gethostname()
_TOKENS: dict[int, str] = {}


def identity() -> dict[str, Any]:
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


def gone(runner: Mapping[str, Any] | None) -> bool:
    """Whether the process that claimed a job is known to be gone: it ran on this host and its
    process has ended. A runner on another host is judged by its job's age instead."""
    if not runner or runner.get("host") != HOST:
        return False
    if runner.get("token") == identity()["token"]:
        return False
    pid = runner.get("pid")
    return not (isinstance(pid, int) and pid != os.getpid() and _process_alive(pid))


Handler = Callable[[Context, str], None]
ScheduledWork = Callable[[Context, dt.datetime], object]


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    summary: str
    work: ScheduledWork


_HANDLERS: dict[str, Handler] = {}
_SCHEDULES: dict[str, Schedule] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``work(context, key)`` as what a worker does with a job of ``kind``."""

    def register(work: Handler) -> Handler:
        _HANDLERS[kind] = work
        return work

    return register


def scheduled(name: str, *, cron: str, summary: str) -> Callable[[ScheduledWork], ScheduledWork]:
    """Register ``work(context, now)`` to run at the times of ``cron`` (minute hour day month
    weekday, UTC), unless ``MEELOOP_SCHEDULE_<NAME>`` says other times or ``off``. ``summary`` is
    a :func:`~matcher.domain.phrases.phrase`, shown by ``meeloop worker --list``."""

    def register(work: ScheduledWork) -> ScheduledWork:
        _SCHEDULES[name] = Schedule(name, cron, summary, work)
        return work

    return register


def _load_handlers() -> None:
    for module in HANDLER_MODULES:
        importlib.import_module(module)


def schedules(env: Mapping[str, str] | None = None) -> list[Schedule]:
    """The scheduled work with the times in force: the default, or its ``MEELOOP_SCHEDULE_*``;
    switched-off work is left out. ValueError (a phrase) names a setting that is not a schedule."""
    _load_handlers()
    env = os.environ if env is None else env
    chosen = []
    for schedule in _SCHEDULES.values():
        setting = setting_name(schedule.name)
        cron = env.get(setting, schedule.cron).strip()
        if cron.lower() == "off":
            continue
        try:
            parse_cron(cron)
        except ValueError:
            raise ValueError(
                phrase(
                    "{setting}: '{value}' is not a schedule; give five fields (minute hour day month "
                    "weekday, in UTC) such as '*/15 * * * *', or 'off'",
                    setting=setting,
                    value=cron,
                )
            ) from None
        chosen.append(dataclasses.replace(schedule, cron=cron))
    return chosen


def setting_name(schedule: str) -> str:
    return "MEELOOP_SCHEDULE_" + schedule.upper().replace("-", "_")


def parse_cron(cron: str) -> Callable[[dt.datetime], bool]:
    """A five-field cron line as huey's test of a moment; ValueError when it is not one."""
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(cron)
    minute, hour, day, month, weekday = fields
    test = crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday)
    test(dt.datetime(2000, 1, 1))  # huey checks the fields when first used
    return test


@dataclass(frozen=True)
class QueueSettings:
    """Where the queue lives (see the module's doc)."""

    redis_url: str | None = None
    postgres_dsn: str | None = None
    path: Path | None = None
    immediate: bool = False
    name: str = "meeloop"

    @classmethod
    def of(cls, database_url: str, *, redis_url: str | None = None, immediate: bool = False) -> QueueSettings:
        if immediate:
            return cls(immediate=True)
        if redis_url:
            return cls(redis_url=redis_url)
        if database_url.startswith("postgresql"):
            rest = database_url.split("://", 1)[1]
            return cls(postgres_dsn=f"postgresql://{rest}")
        path = _sqlite_path(database_url)
        if path is None:
            return cls(immediate=True)
        return cls(path=path.with_name(path.name + ".queue"))

    @property
    def where(self) -> str:
        """Where the queue is, for the logs (never a password)."""
        if self.immediate:
            return "in the caller"
        if self.redis_url:
            return "redis at " + self.redis_url.rsplit("@", 1)[-1]
        if self.postgres_dsn:
            return "postgresql at " + self.postgres_dsn.rsplit("@", 1)[-1]
        return f"file {self.path}"


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[-1] if ":///" in url else ""
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def _huey(settings: QueueSettings) -> Huey:
    common: dict[str, Any] = {"results": False, "utc": True}
    if settings.immediate:
        return MemoryHuey(settings.name, immediate=True, **common)
    if settings.redis_url:
        return RedisHuey(settings.name, url=settings.redis_url, **common)
    if settings.postgres_dsn:
        found = PostgresHuey(settings.name, dsn=settings.postgres_dsn, create_tables=False, **common)
        _make_tables_one_at_a_time(found.storage)
        return found
    assert settings.path is not None
    settings.path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.name, filename=str(settings.path), **common)


#: The PostgreSQL advisory lock that processes making huey's tables take turns on ("meeloop" in ASCII).
_TABLES_LOCK = 0x6D65656C6F6F70


def _make_tables_one_at_a_time(storage: Any) -> None:
    """huey's tables in PostgreSQL, made by one process at a time. ``create table if not exists`` in
    two processes at once (gunicorn's workers starting together on a new database) fails in one of
    them on a duplicate key in PostgreSQL's catalogue, and a gunicorn worker that fails to start
    stops the whole server."""
    with storage.db(commit=True, close=True) as cursor:
        cursor.execute("select pg_advisory_xact_lock(%s)", (_TABLES_LOCK,))
        for statement in storage.ddl:
            cursor.execute(statement)


class Queue:
    """The queue of one app or worker: put jobs on it, or work them off."""

    def __init__(self, settings: QueueSettings, context: Context) -> None:
        _load_handlers()
        self.settings = settings
        self.context = dataclasses.replace(context, enqueue=self.enqueue)
        self.huey = _huey(settings)
        self._perform = self.huey.task(
            retries=RETRIES,
            retry_delay=RETRY_DELAY,
            retry_backoff=RETRY_BACKOFF,
            context=True,
            name="meeloop.perform",
        )(self._run)

    @property
    def immediate(self) -> bool:
        return self.settings.immediate

    def enqueue(self, kind: str, key: str, *, delay: float | None = None) -> None:
        """Put a job on the queue; immediate, it has run when this returns."""
        if kind not in _HANDLERS:
            raise KeyError(f"no handler for jobs of kind {kind!r}")
        if delay:
            self._perform.schedule((kind, key), delay=delay)
        else:
            self._perform(kind, key)

    def _run(self, kind: str, key: str, task: Any = None) -> None:
        work = _HANDLERS[kind]
        try:
            work(self.context, key)
        except TryAgain as exc:
            left = getattr(task, "retries", 0)
            if self.immediate or not left:
                log.error("%s job %s gave up: %s", kind, key, exc)
                return
            log.warning("%s job %s will be tried again (%d tries left): %s", kind, key, left, exc)
            raise
        except Exception:
            log.exception("%s job %s failed", kind, key)

    def run_scheduled(self, name: str, now: dt.datetime | None = None) -> object:
        """Run one piece of scheduled work now (``meeloop worker --once``, tests)."""
        _load_handlers()
        return _SCHEDULES[name].work(self.context, now or self.context.clock())

    def _add_schedules(self, env: Mapping[str, str] | None) -> list[Schedule]:
        chosen = schedules(env)
        for schedule in chosen:

            def run(schedule: Schedule = schedule) -> None:
                try:
                    schedule.work(self.context, self.context.clock())
                except TryAgain as exc:
                    log.warning("scheduled %s: %s; trying again at its next time", schedule.name, exc)
                except Exception:
                    log.exception("scheduled %s failed", schedule.name)

            # huey keeps the task in its registry; its scheduler finds it there.
            self.huey.periodic_task(parse_cron(schedule.cron), name=f"meeloop.{schedule.name}")(run)
        return chosen

    def work(self, *, workers: int = 1, scheduler: bool = True, env: Mapping[str, str] | None = None) -> None:
        """Work jobs off until stopped (SIGINT or SIGTERM), ``workers`` at a time in threads; with
        ``scheduler``, also run the scheduled work at its times."""
        if scheduler:
            for schedule in self._add_schedules(env):
                log.info("scheduled %s at %s (UTC)", schedule.name, schedule.cron)
        consumer = Consumer(
            self.huey,
            workers=workers,
            periodic=scheduler,
            worker_type="thread",
            # An idle worker looks at a SQLite queue at least every half second (Redis and
            # PostgreSQL wake it at once), so a quick solve starts before HR's page gives up waiting.
            initial_delay=0.05,
            backoff=1.5,
            max_delay=0.5,
        )
        consumer.run()

    def close(self) -> None:
        """Close the queue's connections of this thread (a PostgreSQL queue holds one)."""
        close = getattr(self.huey.storage, "close", None)
        if close is not None:
            close()

    def pending(self) -> int:
        """How many jobs wait in the queue (not those waiting for a retry)."""
        return int(self.huey.pending_count())

"""Where the queue lives, which scheduled work runs when, and what a handler's outcome does."""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from matcher.io.ics import InviteSettings
from matcher.services import queue


def test_the_queue_lives_in_redis_else_postgresql_else_a_file_beside_a_sqlite_database():
    assert queue.QueueSettings.of("sqlite:///data/m.sqlite3").path == Path("data/m.sqlite3.queue")
    assert queue.QueueSettings.of("sqlite:////srv/m.sqlite3?timeout=5").path == Path("/srv/m.sqlite3.queue")
    pg = queue.QueueSettings.of("postgresql+psycopg://u:secret@db:5432/meeloop")
    assert pg.postgres_dsn == "postgresql://u:secret@db:5432/meeloop" and "secret" not in pg.where
    on_redis = queue.QueueSettings.of("sqlite:///m.sqlite3", redis_url="redis://:secret@cache:6379/1")
    assert on_redis.redis_url == "redis://:secret@cache:6379/1" and on_redis.where == "redis at cache:6379/1"
    # a database in memory has no file to put a queue beside: jobs run in the caller
    assert (
        queue.QueueSettings.of("sqlite://").immediate
        and queue.QueueSettings.of("sqlite:///:memory:").immediate
    )
    assert queue.QueueSettings.of("sqlite:///m.sqlite3", redis_url="redis://x", immediate=True).immediate


def test_scheduled_work_runs_at_its_default_times_unless_a_setting_says_otherwise_or_off():
    names = {s.name: s.cron for s in queue.schedules({})}
    assert names["reap"] == "* * * * *" and {"reminders", "check-ins", "value-check"} <= set(names)
    changed = {s.name: s.cron for s in queue.schedules({"MEELOOP_SCHEDULE_REMINDERS": "0 8 * * 1-5"})}
    assert changed["reminders"] == "0 8 * * 1-5"
    assert "check-ins" not in {s.name for s in queue.schedules({"MEELOOP_SCHEDULE_CHECK_INS": "off"})}
    for wrong in ("61 * * * *", "every day", "* * * *"):
        with pytest.raises(ValueError, match=r"MEELOOP_SCHEDULE_VALUE_CHECK: .* is not a schedule"):
            queue.schedules({"MEELOOP_SCHEDULE_VALUE_CHECK": wrong})


def test_a_cron_line_says_when_it_is_due():
    weekday_mornings = queue.parse_cron("0 8 * * 1-5")
    assert weekday_mornings(dt.datetime(2026, 12, 3, 8, 0))  # a Thursday
    assert not weekday_mornings(dt.datetime(2026, 12, 5, 8, 0))  # a Saturday
    assert not weekday_mornings(dt.datetime(2026, 12, 3, 8, 1))


@pytest.fixture
def context(db) -> queue.Context:
    now = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    return queue.Context(
        db=db,
        invites=InviteSettings.from_env({}, served_at="http://localhost"),
        smtp=None,
        clock=lambda: now,
        today=lambda: now.date(),
    )


def test_an_immediate_queue_runs_the_job_in_the_caller_and_a_passing_failure_is_logged(context, caplog):
    seen: list[str] = []

    @queue.handler("test-echo")
    def echo(ctx: queue.Context, key: str) -> None:
        assert ctx.enqueue is not None  # a handler can put follow-up work on its own queue
        seen.append(key)

    @queue.handler("test-flaky")
    def flaky(ctx: queue.Context, key: str) -> None:
        raise queue.TryAgain("the mail server does not answer")

    @queue.handler("test-broken")
    def broken(ctx: queue.Context, key: str) -> None:
        raise RuntimeError("a bug")

    jobs = queue.Queue(queue.QueueSettings(immediate=True), context)
    jobs.enqueue("test-echo", "42")
    assert seen == ["42"]
    with caplog.at_level(logging.WARNING, logger="matcher.services.queue"):
        jobs.enqueue("test-flaky", "1")
        jobs.enqueue("test-broken", "2")
    said = [r.getMessage() for r in caplog.records]
    assert "test-flaky job 1 gave up: the mail server does not answer" in said
    assert "test-broken job 2 failed" in said
    with pytest.raises(KeyError):
        jobs.enqueue("no-such-kind", "1")


def _make_queue_storage(url: str, start: Any, outcome: Any) -> None:
    start.wait()
    try:
        queue._huey(queue.QueueSettings.of(url))
    except Exception as exc:  # the outcome of each process is what the test compares
        outcome.put(f"{type(exc).__name__}: {exc}")
    else:
        outcome.put("made")


@pytest.mark.postgres
def test_server_processes_starting_together_on_a_new_database_all_get_the_queue(empty_postgres_url):
    # gunicorn's workers make their apps at the same moment; one that fails to start stops the server
    processes = multiprocessing.get_context("fork")
    start, outcome = processes.Barrier(4), processes.Queue()
    started = [
        processes.Process(target=_make_queue_storage, args=(empty_postgres_url, start, outcome))
        for _ in range(4)
    ]
    for process in started:
        process.start()
    for process in started:
        process.join(timeout=120)
    assert [outcome.get(timeout=5) for _ in started] == ["made"] * 4

"""Solve jobs: failures, background threads, progress, a restarted server, and their storage on
SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import time

import pytest

from cli.main import demo_data_dir
from matcher.domain.model import HistoryEntry
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.plans.rounds import RoundError
from matcher.plans.solve_jobs import DONE
from matcher.services import background, organisation, queue, round_changes, rounds
from matcher.storage import solve_jobs as job_store
from tests.job_workers import start_worker, stop_worker
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org
from tests.web.rounds.support import (
    close_app,
    db_of,
    import_organisation,
    job_id,
    propose,
    start_app,
    stored_round,
)
from tests.webtools import log_in

# -- jobs: failures, threads, a restarted server -------------------------------------------------------------


def test_a_job_that_fails_shows_the_domain_message_not_a_trace(sqlite_url, tmp_path):
    org = dataclasses.replace(
        mentoring_org(),
        history=(HistoryEntry("2026 mentor", "mentor", ("marit", "pim"), dt.date(2026, 1, 5), None),),
    )
    import_organisation(sqlite_url, org, tmp_path)
    app = start_app(sqlite_url)
    try:
        client = app.test_client()
        log_in(client, "hr@wadloo.example")
        response = propose(client, name="2026 mentor")
        assert response.status_code == 302
        job = background.job(db_of(app), job_id(response))
        assert job.status == "failed"
        page = client.get(response.headers["Location"])
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "This could not be worked out" in html
        assert "the history already holds a round named &#39;2026 mentor&#39;; use a new round name" in html
        assert "Traceback" not in html and 'http-equiv="refresh"' not in html
        assert "/hr/rounds/new/mentor" in html
    finally:
        close_app(app)


def test_an_unexpected_error_in_a_job_is_logged_and_shown_without_details(app, hr, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(rounds, "propose_round", broken)
    response = propose(hr)
    job = background.job(db_of(app), job_id(response))
    assert job.status == "failed" and job.message == ""
    html = hr.get(f"/hr/rounds/jobs/{job.id}").get_data(as_text=True)
    assert "Something went wrong on our side" in html and "secret internals" not in html
    assert any("solve job" in r.getMessage() for r in caplog.records)


def test_a_queued_job_returns_at_once_and_a_worker_process_finishes_it(sqlite_url, tmp_path):
    import_organisation(sqlite_url, demo_data_dir() / "organisation.json", tmp_path)
    app = start_app(sqlite_url, JOBS_INLINE=False)
    assert app.extensions["meeloop"]["queue"].settings.path is not None  # a queue file, no server
    runner = start_worker(sqlite_url)
    try:
        client = app.test_client()
        log_in(client, "hr@wadloo.example")
        response = propose(client, name="demo mentoring", time_limit="3")
        assert response.status_code == 302
        number = job_id(response)
        # the request waited at most QUICK_SOLVE for the solve, then went to the progress page
        first = background.job(db_of(app), number)
        page = client.get(f"/hr/rounds/jobs/{number}")
        if first.active:
            assert page.status_code == 200 and '<meta http-equiv="refresh" content="1">' in page.get_data(
                as_text=True
            )
        deadline = time.monotonic() + 120
        while (job := background.job(db_of(app), number)).active:
            assert time.monotonic() < deadline, "the job did not finish"
            time.sleep(0.2)
        assert job.status == DONE, job.message
        assert job.best["units"] > 0 and job.best["objective"] > 0 and job.elapsed > 0
        assert client.get(f"/hr/rounds/jobs/{number}", query_string={"follow": 1}).status_code == 302
        assert len(stored_round(app, "demo mentoring").pairs) == job.best["units"]
        # the worker process claimed it, not the web app's process
        assert job.best["runner"]["pid"] == runner.pid and job.attempts == 1
    finally:
        stop_worker(runner)
        close_app(app)


def test_pairing_progress_reaches_the_caller(sqlite_url, tmp_path):
    """The demo mentor round is proven optimal by its flows; the caller hears of the plan all the
    same (CP-SAT's reports are checked in the engine's tests)."""
    import_organisation(sqlite_url, demo_data_dir() / "organisation.json", tmp_path)
    db = organisation.Database(sqlite_url)
    try:
        heard: list[tuple[float, float, float]] = []
        proposal = rounds.propose_round(
            db,
            round_name="progress",
            config=PairingConfig(mode="mentor", time_limit=2.0),
            today=dt.date(2026, 11, 21),
            now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
            save=False,
            on_progress=lambda *a: heard.append(a),
        )
        assert heard
        assert all(objective <= bound + 1e-6 for objective, bound, _ in heard)
        assert heard[-1][0] == pytest.approx(proposal.objective)
    finally:
        db.dispose()


def test_a_job_whose_worker_died_runs_again_once_and_is_then_reported(app, sqlite_url):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_runner = {"host": queue.HOST, "pid": int(gone.stdout), "token": "old"}
    db = db_of(app)
    now = dt.datetime.now(dt.UTC)

    def left(name: str) -> int:
        job = background.start_job(
            db,
            round_name=name,
            kind="mentor",
            settings={"config": {"mode": "mentor"}},
            limit=10.0,
            started_by="hr",
            runner={},
            now=now,
        )
        return job.id

    dead, elsewhere, ours, waiting = left("dead"), left("elsewhere"), left("ours"), left("waiting")
    with db.transaction() as session:
        job_store.mark_running(session, dead, now=now, runner=dead_runner)
        job_store.mark_running(
            session, elsewhere, now=now, runner={"host": "another-server", "pid": 1, "token": "x"}
        )
        job_store.mark_running(session, ours, now=now, runner=queue.identity())
    put: list[tuple[str, str]] = []

    reaped = background.recover(db, now=now, enqueue=lambda kind, key: put.append((kind, key)))
    assert reaped.retried == [dead] and reaped.failed == [] and put == [("solve", str(dead))]
    again = background.job(db, dead)
    assert again.status == "queued" and again.attempts == 1 and "objective" not in again.best
    # a worker on another machine, and this live process, may still finish theirs; a queued job waits
    assert [background.job(db, j).status for j in (elsewhere, ours, waiting)] == [
        "running",
        "running",
        "queued",
    ]

    # the second try's worker dies too: reported, with the reason, and not queued again
    with db.transaction() as session:
        assert job_store.mark_running(session, dead, now=now, runner=dead_runner).attempts == 2
    put.clear()
    reaped = background.recover(db, now=now, enqueue=lambda kind, key: put.append((kind, key)))
    assert reaped.failed == [dead] and reaped.retried == [] and put == []
    assert background.job(db, dead).message == background.ABANDONED

    # much later: the job on the other machine is far past its limit, the queued one was lost by the queue
    later = now + dt.timedelta(seconds=background.LOST_AFTER + 1)
    reaped = background.recover(db, now=later, enqueue=lambda kind, key: put.append((kind, key)))
    assert reaped.requeued == [waiting] and put == [("solve", str(waiting))]
    # put back once, not at every look
    assert background.recover(db, now=later, enqueue=lambda kind, key: None).requeued == []
    much_later = now + dt.timedelta(seconds=10 + background.STALE_AFTER + 1)
    reaped = background.recover(db, now=much_later, enqueue=lambda kind, key: None)
    # running ones get their second try; a queued one is never failed for waiting, only put back
    assert set(reaped.retried) == {elsewhere, ours} and reaped.failed == [] and reaped.requeued == [waiting]

    client = app.test_client()
    log_in(client, "hr@wadloo.example")
    html = client.get(f"/hr/rounds/jobs/{dead}").get_data(as_text=True)
    assert "the worker stopped before this job finished, twice" in html


# -- storage of jobs, on SQLite and PostgreSQL ------------------------------------------------------


def test_jobs_are_stored_run_once_and_abandoned_ones_fail(db, tmp_path):
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json")
    now = dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)
    runner = {"host": "h", "pid": 1, "token": "t"}
    queued = background.start_job(
        db,
        round_name="r1",
        kind="mentor",
        settings={"config": PairingConfig(mode="mentor", time_limit=2.0).as_dict()},
        limit=2.0,
        started_by="hr",
        runner=runner,
        now=now,
    )
    with pytest.raises(RoundError, match="already being worked out"):
        background.start_job(
            db, round_name="r1", kind="mentor", settings={}, limit=1, started_by="hr", runner=runner, now=now
        )
    done = background.run_job(db, queued.id, today=dt.date(2026, 11, 21), clock=lambda: now, runner=runner)
    assert done is not None and done.status == DONE and done.best["units"] == 4
    assert done.best["runner"] == runner and done.snapshot("proposal").objective == done.best["objective"]
    assert background.run_job(db, queued.id, today=dt.date(2026, 11, 21), clock=lambda: now) is None

    round_changes.forbid_pair(db, "r1", "marit", "roos", now=now)
    round_changes.exclude_person(db, "r1", "sara", today=dt.date(2026, 11, 21), now=now)
    stored = rounds.load_round(db, "r1")
    assert stored.config.forbidden == (("marit", "roos"),) and stored.config.select.exclude == ("sara",)
    assert [e.action for e in stored.events][-2:] == ["settings", "settings"]

    left = background.start_job(
        db, round_name="r2", kind="mentor", settings={}, limit=1, started_by="hr", runner=runner, now=now
    )
    with db.transaction() as session:
        job_store.mark_running(session, left.id, now=now, runner=runner)
        job_store.mark_running(session, left.id, now=now, runner=runner)  # claimed once only
    late = now + dt.timedelta(seconds=1 + background.STALE_AFTER + 1)
    reaped = background.recover(db, now=late, enqueue=lambda kind, key: None)
    assert reaped.retried == [left.id] and background.job(db, left.id).status == "queued"
    with db.transaction() as session:
        job_store.mark_running(session, left.id, now=late, runner=runner)
    even_later = late + dt.timedelta(seconds=1 + background.STALE_AFTER + 1)
    assert background.recover(db, now=even_later, enqueue=lambda kind, key: None).failed == [left.id]
    assert background.job(db, left.id).status == "failed"

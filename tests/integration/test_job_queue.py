"""The job queue with real processes: a web server and ``meeloop worker`` processes on a queue in a
SQLite file (no server), in Redis (a real ``redis-server``) or in PostgreSQL.

* a solve survives killing the web process that started it;
* killing a worker mid-job leaves nothing half-written, and the job runs again on the next worker;
* two workers never run the same job, even when the queue delivers it twice.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.main import demo_data_dir
from matcher.domain.model import Organisation
from matcher.engines.groups import GroupConfig
from matcher.engines.pairing import PairingConfig
from matcher.plans.solve_jobs import DONE, RUNNING
from matcher.services import background, organisation, rounds
from tests.job_workers import ROOT, start_worker, stop_worker, wait_until
from tests.orgs import mentoring_org
from tests.web.rounds.support import form_defaults, import_organisation
from tests.webtools import PASSWORD, add_account, make_app

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _web(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``meeloop serve --no-worker``: a web process that only puts jobs on the queue."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEELOOP_")}
    env |= {"LANG": "C.UTF-8", "MEELOOP_SECURE_COOKIES": "0"}
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "--db", db_url, "serve", "--no-worker", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )

    def answers() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(answers, timeout=60, what="the web server's answer")
    return process


def _post(client: httpx.Client, path: str, data: dict[str, object]) -> httpx.Response:
    page = client.get(path).text
    token = _TOKEN.search(page)
    assert token, path
    return client.post(path, data={**form_defaults(page), **data, "csrf_token": token.group(1)})


def _database(url: str, org: Organisation | Path, tmp_path: Path) -> None:
    import_organisation(url, org, tmp_path)
    app = make_app(url, JOBS_INLINE=True, SMTP=None)
    add_account(app, "hr@wadloo.example", "hr")
    app.extensions["meeloop"]["db"].dispose()


def test_a_solve_survives_killing_the_web_process_that_started_it(sqlite_url, tmp_path):
    _database(sqlite_url, demo_data_dir() / "organisation.json", tmp_path)
    port = _free_port()
    web = _web(sqlite_url, port, tmp_path / "web.log")
    worker = start_worker(sqlite_url)
    db = organisation.Database(sqlite_url)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            login = _post(client, "/login", {"login": "hr@wadloo.example", "password": PASSWORD})
            assert login.status_code == 302
            started = _post(
                client, "/hr/rounds/new/mentor", {"name": "survivor", "who": "all", "time_limit": "6"}
            )
            assert started.status_code == 302, started.text[:500]
            number = int(re.search(r"/jobs/(\d+)", started.headers["location"]).group(1))
        web.send_signal(signal.SIGKILL)
        web.wait(timeout=30)

        wait_until(lambda: not background.job(db, number).active, timeout=180, what="the solve's end")
        job = background.job(db, number)
        assert job.status == DONE, job.message
        assert job.best["runner"]["pid"] == worker.pid
        assert len(rounds.load_round(db, "survivor").pairs) == job.best["units"] > 0

        # a new web process shows what the worker finished
        web = _web(sqlite_url, port, tmp_path / "web.log")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            _post(client, "/login", {"login": "hr@wadloo.example", "password": PASSWORD})
            page = client.get(f"/hr/rounds/jobs/{number}", params={"follow": 1})
            assert page.status_code == 302 and page.headers["location"].endswith("/hr/rounds/survivor")
    finally:
        stop_worker(worker)
        if web.poll() is None:
            web.kill()
        web.wait(timeout=30)
        db.dispose()


@pytest.fixture(params=["sqlite-file", "redis"])
def queued_on(request, sqlite_url) -> Iterator[tuple[str, dict[str, str]]]:
    """A database, and the environment that puts its queue in a file beside it or in Redis."""
    if request.param == "redis":
        yield sqlite_url, {"MEELOOP_REDIS_URL": request.getfixturevalue("fresh_redis_url")}
    else:
        yield sqlite_url, {}


def _app(url: str, env: dict[str, str]):
    settings = {"JOBS_INLINE": False, "SMTP": None}
    if "MEELOOP_REDIS_URL" in env:
        settings["REDIS_URL"] = env["MEELOOP_REDIS_URL"]
    return make_app(url, **settings)


def test_a_worker_killed_mid_job_leaves_nothing_half_written_and_the_next_worker_runs_it(queued_on, tmp_path):
    url, env = queued_on
    _database(url, demo_data_dir() / "organisation.json", tmp_path)
    app = _app(url, env)
    db = app.extensions["meeloop"]["db"]
    first = start_worker(url, env=env)
    second = None
    try:
        # A group round searches until its time limit; a pairing round is proven in well under a
        # second, too soon to be caught running.
        job = app.extensions["meeloop"]["jobs"].start(
            round_name="killed",
            kind="think-tank",
            settings={"config": GroupConfig(kind="think-tank", time_limit=30.0).as_dict()},
            limit=30.0,
            started_by="hr",
        )
        wait_until(lambda: background.job(db, job.id).status == RUNNING, timeout=60, what="the claim")
        stop_worker(first, kill=True)
        assert background.job(db, job.id).status == RUNNING
        with pytest.raises(rounds.RoundError):
            rounds.load_round(db, "killed")  # nothing of the killed try was written

        # the next worker finds the job of a worker that is gone and runs it again
        second = start_worker(url, env=env)
        wait_until(lambda: not background.job(db, job.id).active, timeout=180, what="the second try's end")
        done = background.job(db, job.id)
        assert done.status == DONE and done.attempts == 2, done.message
        assert done.best["runner"]["pid"] == second.pid
        assert len(rounds.load_round(db, "killed").pairs) == done.best["units"]
        assert [e.action for e in rounds.load_round(db, "killed").events].count("proposed") == 1
    finally:
        stop_worker(first, kill=True)
        if second is not None:
            stop_worker(second)
        db.dispose()


@pytest.mark.parametrize("backend", ["redis", "postgresql"])
def test_two_workers_never_run_the_same_job_even_when_it_is_delivered_twice(backend, request, tmp_path):
    url = request.getfixturevalue("postgres_url")
    env = {"MEELOOP_REDIS_URL": request.getfixturevalue("fresh_redis_url")} if backend == "redis" else {}
    _database(url, mentoring_org(), tmp_path)
    app = _app(url, env)
    meeloop = app.extensions["meeloop"]
    db = meeloop["db"]
    workers = [start_worker(url, env=env), start_worker(url, env=env)]
    try:
        names = [f"round {n}" for n in range(6)]
        jobs = [
            meeloop["jobs"].start(
                round_name=name,
                kind="mentor",
                settings={"config": PairingConfig(mode="mentor", time_limit=1.0).as_dict()},
                limit=1.0,
                started_by="hr",
            )
            for name in names
        ]
        for job in jobs:  # the queue delivers every job a second time
            meeloop["queue"].enqueue("solve", str(job.id))

        def all_done() -> bool:
            return all(not background.job(db, job.id).active for job in jobs)

        wait_until(all_done, timeout=240, what="the end of all jobs")
        pids = {w.pid for w in workers}
        for job, name in zip(jobs, names, strict=True):
            done = background.job(db, job.id)
            assert done.status == DONE and done.attempts == 1, (name, done.message)
            assert done.best["runner"]["pid"] in pids
            assert [e.action for e in rounds.load_round(db, name).events].count("proposed") == 1
        assert meeloop["queue"].pending() == 0
    finally:
        for process in workers:
            stop_worker(process)
        meeloop["queue"].close()
        db.dispose()

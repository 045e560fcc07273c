"""``meeloop bench-jobs``: pages while solves run on the job queue, in a scaled-out deployment.

The goal (issue "Work that outlives a request"): two web processes and two job workers against
PostgreSQL and Redis, 16 clients browsing while HR starts 10 solves of the 2,000-person organisation;
the p95 page latency during the solves under 1.5 times that without them, no errors, no job lost or
run twice; and how many solves are done per minute.

The seeded synthetic organisation goes into a fresh PostgreSQL database (a throwaway server of its
own, or a new database on ``--postgres-url``), with an employee account per client, its people's
opt-ins recorded as their own (as the demo does, so that the mentor round has its mentors and
mentees) and an HR account (:mod:`bench.mixed.preparation`). Then, each as its own process
(:mod:`~bench.jobs.processes`):

- Debian's ``redis-server`` on a free loopback port, keeping nothing on disk;
- ``meeloop serve --workers 2 --no-worker``: two web processes that put solves on the queue;
- two ``meeloop worker --no-scheduler``, one job at a time each, at the lower priority a worker
  takes by default, so that the web processes come first;

all with ``MEELOOP_REDIS_URL``: the queue, the sessions and the login limit are in Redis.

The clients log in through the real form and browse (:mod:`~bench.jobs.browsing`: searches,
colleagues' pages, their own profile). After a short warm-up that is not measured:

- phase A: ``--seconds`` of browsing with no solves;
- phase B: the same browsing while HR logs in and starts ``--solves`` mentor rounds of everyone
  through the form (``POST /hr/rounds/new/mentor``, each its own name, ``--time-limit`` seconds),
  one after the other; it lasts until every solve has ended (bounded).

Any answer but 200 (HR's start: the redirect) or a failed request is an error. Afterwards each
solve is looked up in the database (:mod:`~bench.jobs.solves`): done or failed; lost when it has no
job or its job never ended; duplicated when its round has a second job, its job was claimed by a
worker more than once, or its round was proposed more than once. Solves done per minute count from
the first job's start to the last one's end. CPU is counted per process and its children from
``/proc``: the web processes, the workers, Redis, the clients (this process), and the whole machine.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bench.jobs.browsing import Browsing
from bench.jobs.processes import Deployment, start
from bench.jobs.reporting import GOAL_RATIO, goals, ratio, report, sound
from bench.jobs.solves import HR_LOGIN, Started, accounted, all_ended, start_solves
from bench.mixed.clients import _latency
from bench.mixed.preparation import Setup, database_url, prepare
from bench.web.preparation import SECRET_KEY
from bench.web.server import SERVER_THREADS
from matcher.services import accounts, demo, organisation, profiles

__all__ = ["GOAL_RATIO", "command", "report", "run_benchmark"]

WEB_PROCESSES = 2
JOB_WORKERS = 2
#: Seconds of browsing before phase A, not measured: each web process builds its talent map.
WARM_UP = 10.0
#: Seconds phase B waits for the solves beyond what they need side by side: each builds its problem.
SLACK, PER_SOLVE = 300.0, 90.0


def _own_opt_ins(url: str, source: Path, now: dt.datetime) -> None:
    """The organisation's opt-ins recorded as each person's own choice (an import switches none on)."""
    org = organisation.read_file(source).organisation
    choices = {person.id: wanted for person in org.people if (wanted := demo.opt_ins(person))}
    database = organisation.Database(url)
    try:
        if choices:
            profiles.record_own_choices(database, choices, now=now)
    finally:
        database.dispose()


def _hr_account(url: str, password: str, now: dt.datetime) -> None:
    database = organisation.Database(url)
    try:
        accounts.add_account(database, HR_LOGIN, role="hr", password=password, person_id=None, now=now)
    finally:
        database.dispose()


def _prepared(
    url: str, folder: Path, people: int, clients: int, seed: int, show: Callable[[str], None]
) -> Setup:
    # The web processes and workers serve today: the organisation is made for today too.
    setup = prepare(url, folder, people, clients, seed, show, today=dt.date.today())
    now = dt.datetime.now(dt.UTC)
    begin = time.perf_counter()
    _own_opt_ins(url, folder / "organisation.json", now)
    _hr_account(url, setup.password, now)
    setup.seconds["opt_ins"] = time.perf_counter() - begin
    return setup


def _measure(
    deployment: Deployment, setup: Setup, url: str, options: dict[str, Any], show: Callable[[str], None]
) -> dict[str, Any]:
    """Phases A and B, and what HR did."""
    clients, seconds, solves, time_limit = (
        options[k] for k in ("clients", "seconds", "solves", "time_limit")
    )
    browsing = Browsing(setup, deployment.web.port, clients, options["seed"])
    try:
        show(f"warming up for {min(WARM_UP, seconds):g} s")
        phase = browsing.begin(deployment)
        time.sleep(min(WARM_UP, seconds))
        phase.end()
        show(f"phase A: {clients} clients browsing for {seconds:g} s")
        phase = browsing.begin(deployment)
        time.sleep(seconds)
        without = phase.end()
        show(f"phase B: {clients} clients browsing while HR starts {solves} solves of {time_limit:g} s")
        started = Started()
        bound = SLACK + math.ceil(solves / JOB_WORKERS) * (time_limit + PER_SOLVE)
        phase = browsing.begin(deployment)
        hr = threading.Thread(
            target=start_solves,
            args=(deployment.web.port, setup.password, solves, time_limit, started),
            name="hr",
        )
        hr.start()
        ended = all_ended(url, started, time.perf_counter() + bound)
        during = phase.end()
        hr.join()
    finally:
        browsing.close()
    return {
        "login_errors": browsing.login_errors,
        "without": without,
        "during": during,
        "all_ended_in_time": ended,
        "bound_seconds": bound,
        "hr": {"start_ms": _latency(started.latencies), "errors": started.errors},
        "started": started,
    }


def run_benchmark(
    people: int,
    clients: int,
    solves: int,
    seconds: float,
    time_limit: float,
    postgres_url: str | None,
    seed: int,
    show: Callable[[str], None],
) -> dict[str, Any]:
    options = {"people": people, "clients": clients, "solves": solves, "seconds": seconds,
               "time_limit": time_limit, "seed": seed}  # fmt: skip
    results: dict[str, Any] = {
        **options, "python": sys.version.split()[0], "cpus": os.cpu_count(), "web_processes": WEB_PROCESSES,
        "web_threads": SERVER_THREADS, "job_workers": JOB_WORKERS,
        "most_per_minute": round(JOB_WORKERS * 60 / time_limit, 1),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="meeloop-bench-jobs-") as scratch:
        folder = Path(scratch)
        with database_url("postgres", folder, postgres_url) as url:
            setup = _prepared(url, folder, people, clients, seed, show)
            show(f"starting Redis, {WEB_PROCESSES} web processes and {JOB_WORKERS} job workers")
            begin = time.perf_counter()
            deployment = start(
                url, folder, web_processes=WEB_PROCESSES, job_workers=JOB_WORKERS, secret_key=SECRET_KEY
            )
            setup.seconds["processes_up"] = time.perf_counter() - begin
            try:
                measured = _measure(deployment, setup, url, options, show)
            finally:
                deployment.stop()
            show("looking up every solve's job in the database")
            results |= measured
            results["jobs"] = accounted(url, results.pop("started"))
        results["setup_seconds"] = {k: round(v, 1) for k, v in setup.seconds.items()}
    results["p95_ratio"] = ratio(results)
    results["goals"] = goals(results)
    return results


@click.command("bench-jobs")
@click.option("--people", default=2000, show_default=True, type=click.IntRange(20, 200_000))
@click.option("--clients", default=16, show_default=True, type=click.IntRange(1, 64))
@click.option("--solves", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--seconds", default=60.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds of browsing without solves (phase A); phase B lasts until they end.")  # fmt: skip
@click.option("--time-limit", default=20.0, show_default=True, type=click.FloatRange(min=1),
              help="Each solve's time limit in seconds.")  # fmt: skip
@click.option("--postgres-url", help="A PostgreSQL server (no database name) to make the database on; "
              "default: a throwaway server of its own.")  # fmt: skip
@click.option("--seed", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def command(
    ctx: click.Context, people: int, clients: int, solves: int, seconds: float, time_limit: float,
    postgres_url: str | None, seed: int, as_json: bool,
) -> None:  # fmt: skip
    """Pages while solves run on the job queue: two web processes, two workers, PostgreSQL and Redis.

    Exits 0 when the run had no errors and every solve was done once, none lost (whether the latency
    goal is met or not), 1 otherwise.
    """
    if clients > people // 2:
        raise click.UsageError("--clients can be at most half of --people: each client logs in as a person")
    show = (lambda message: click.echo(f"… {message}", err=True)) if not as_json else (lambda _m: None)
    results = run_benchmark(people, clients, solves, seconds, time_limit, postgres_url, seed, show)
    click.echo(json.dumps(results, ensure_ascii=False, indent=2, default=str) if as_json else report(results))
    if not sound(results):
        ctx.exit(1)

"""The command that works off the job queue: ``meeloop worker``."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

import click

from cli import common
from matcher.domain.phrases import phrase
from matcher.services import organisation

#: Jobs one worker process runs at a time (``MEELOOP_JOB_THREADS``, else 1): a solve keeps a core
#: busy, so a machine runs one worker process per core it gives to background work.
DEFAULT_THREADS = 1
#: The scheduled work a worker also runs when it starts: jobs of workers that stopped.
RECOVERY = ("reap", "reap-work")


def _threads() -> int:
    configured = os.environ.get("MEELOOP_JOB_THREADS", "").strip()
    return max(1, int(configured)) if configured.isdigit() else DEFAULT_THREADS


@click.command()
@click.option(
    "--threads",
    default=_threads,
    show_default="MEELOOP_JOB_THREADS, else 1",
    type=click.IntRange(1, 64),
    help="Jobs this process runs at a time. Start more processes (here or on other machines) to run "
    "more solves side by side.",
)
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Run only jobs from the queue, not the scheduled work (reminders, check-ins, retrying mail); "
    "for all workers but one when several run.",
)
@click.option(
    "--run",
    "run_now",
    metavar="NAME",
    help="Run one piece of scheduled work now and stop (see --list).",
)
@click.option("--list", "list_schedules", is_flag=True, help="List the scheduled work and when it runs.")
@click.option(
    "--nice",
    default=10,
    show_default=True,
    type=click.IntRange(0, 19),
    help="Run at this lower priority, so that pages stay quick while a solve runs.",
)
@click.option("--served-at", hidden=True, default="", help="Where the web server answers (for links).")
@click.option(
    "--beside", hidden=True, type=int, default=None, help="The server's process: stop when it is gone."
)
@click.pass_context
def worker(ctx: click.Context, **options: Any) -> None:
    """Work off the job queue: solves, publishing, sending, imports, and the scheduled work."""
    try:
        _work(ctx, **options)
    except KeyboardInterrupt:  # Ctrl+C, or the server stopping, while the worker still starts
        return


def _work(
    ctx: click.Context,
    *,
    threads: int,
    no_scheduler: bool,
    run_now: str | None,
    list_schedules: bool,
    nice: int,
    served_at: str,
    beside: int | None,
) -> None:
    from matcher.services import queue
    from web import create_app

    try:
        chosen = queue.schedules()
    except ValueError as exc:
        raise click.UsageError(common.said(exc.args[0])) from None
    if list_schedules:
        for schedule in chosen:
            click.echo(f"{schedule.name:16} {schedule.cron:18} {common.said(schedule.summary)}")
        return
    database = common.open_db(ctx)
    settings = {"DATABASE_URL": database.url}
    if served_at:
        settings["SERVED_AT"] = served_at
    app = create_app(settings)
    jobs: queue.Queue = app.extensions["meeloop"]["queue"]
    if run_now is not None:
        if run_now not in {schedule.name for schedule in chosen}:
            raise click.UsageError(common.said(phrase("no scheduled work is called {name}", name=run_now)))
        result = jobs.run_scheduled(run_now)
        summary = getattr(result, "summary", None)
        common.echo(summary() if callable(summary) else phrase("{name} has run", name=run_now))
        return
    # Jobs that a worker which stopped left behind (this one, before a restart): run again or reported.
    for recovery in RECOVERY:
        jobs.run_scheduled(recovery)
    if nice:
        os.nice(nice)
    # Beside a server (the demo), only what needs attention; on its own, what it does.
    level = logging.WARNING if beside is not None else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)  # the app may have set up logging already
    if beside is not None:
        _stop_with(beside)
    common.echo(phrase("the worker takes jobs from the queue ({where})", where=jobs.settings.where), err=True)
    jobs.work(workers=threads, scheduler=not no_scheduler)


def _stop_with(server: int) -> None:
    """Stop when the server that started this worker is gone, even if it was killed outright."""

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="meeloop-server-watch", daemon=True).start()


def start_beside(
    database: organisation.Database, *, served_at: str, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """A worker process beside a web server on this machine (``meeloop serve`` and ``meeloop
    demo`` start one, so that the demo needs no server of any kind); it stops with the server."""
    child_env = {**os.environ, **env}
    command = [sys.executable, "-m", "cli", "--db", database.url, "worker", "--served-at", served_at]
    command += ["--beside", str(os.getpid())]
    return subprocess.Popen(command, env=child_env, start_new_session=False)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a worker started beside the server: it finishes the job it runs, up to 30 seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

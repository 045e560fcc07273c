"""``meeloop bench-load``: reads and writes together, with concurrent logged-in clients.

The goal (issue "Nothing lost, nobody in", writes at scale): with the 20,000-person organisation and
16 clients for 60 s, 60% reads and 40% writes, p95 latency under 300 ms, no errors and no lost write,
on SQLite and on PostgreSQL.

A seeded synthetic organisation is imported into a fresh database (an SQLite file in a temporary
folder, or a new database on a PostgreSQL server: ``--postgres-url``, else a throwaway server of its
own). Each client is an employee account linked to a person, with a weekly meeting with a colleague
over the past year to reflect on. The real app runs under waitress with 8 threads in its own process
(:mod:`bench.web.server`); each client is a thread with its own keep-alive connection and cookies
(:class:`bench.web.load.Browser`) that logs in through the real form and then, in each cycle of ten
requests, shuffled:

- reads (6): 3 searches ``/ask?skill=...``, 2 person pages ``/people/<id>``, 1 own profile
  ``/me/profile``;
- writes (4): 2 profile saves (``POST /me/profile``: skills, a wish, opt-ins, hours, languages),
  1 shadow request (``POST /me/shadowing`` on a skill), 1 reflection (``POST
  /me/reflections/<event>/<day>``, a new session each time).

A read must answer 200 and a write 302 (the redirect after a save); anything else, or a failed
request, is an error. Latency is measured at the client. Afterwards every write is checked in the
database: each client's person has the skills, wish and opt-ins of their last saved profile, one
shadow request per request answered 302, and each reflection's story as last sent. A write answered
302 but not found so is lost.

:mod:`~bench.mixed.preparation` makes the database, the accounts and the meetings;
:mod:`~bench.mixed.clients` runs the clients and measures; :mod:`~bench.mixed.checking` looks the
writes up; :mod:`~bench.mixed.reporting` holds the goals and the table.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bench.mixed.checking import lost_writes
from bench.mixed.clients import KINDS, Written, measure
from bench.mixed.preparation import Client, Setup, database_url, prepare
from bench.mixed.reporting import GOAL_MS, goals, report
from bench.web.server import SERVER_THREADS, Server

__all__ = ["KINDS", "Client", "Setup", "Written", "command", "lost_writes", "report", "run_benchmark"]


def run_benchmark(
    people: int,
    clients: int,
    seconds: float,
    db: str,
    postgres_url: str | None,
    seed: int,
    show: Callable[[str], None],
    workers: int = 1,
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "people": people, "clients": clients, "seconds": seconds, "database": db, "seed": seed,
        "python": sys.version.split()[0], "cpus": os.cpu_count(), "server_workers": workers,
        "server_threads": SERVER_THREADS, "goal_ms": GOAL_MS,
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="meeloop-bench-load-") as scratch:
        folder = Path(scratch)
        with database_url(db, folder, postgres_url) as url:
            setup = prepare(url, folder, people, clients, seed, show)
            server = Server(url, folder, workers)
            try:
                start = time.perf_counter()
                server.wait_until_up()
                setup.seconds["server_up"] = time.perf_counter() - start
                show(f"measuring {clients} clients for {seconds:g} s")
                results["load_average_before"] = round(os.getloadavg()[0], 2)
                measured = measure(setup, server, clients, seconds, seed)
                results["load_average_after"] = round(os.getloadavg()[0], 2)
                if server.process.poll() is not None:
                    # Refused connections say only that nobody listens; the server's log says why.
                    measured["login_errors"].append(
                        f"the server stopped during the run:\n{server.log_tail()}"
                    )
            finally:
                server.stop()
            show("checking every write in the database")
            results["writes_checked"] = lost_writes(url, setup, measured.pop("written"))
            results |= measured
        results["setup_seconds"] = {k: round(v, 1) for k, v in setup.seconds.items()}
    results["goals"] = goals(results)
    return results


@click.command("bench-load")
@click.option("--people", default=20_000, show_default=True, type=click.IntRange(10, 200_000))
@click.option("--clients", default=16, show_default=True, type=click.IntRange(1, 64))
@click.option("--seconds", default=60.0, show_default=True, type=click.FloatRange(min=0.5))
@click.option("--db", "db", type=click.Choice(["sqlite", "postgres"]), default="sqlite", show_default=True)
@click.option("--postgres-url", help="A PostgreSQL server (no database name) to make the database on; "
              "default: a throwaway server of its own.")  # fmt: skip
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes, as `meeloop serve --workers N` runs them (1: waitress, one process).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def command(
    ctx: click.Context, people: int, clients: int, seconds: float, db: str, postgres_url: str | None,
    seed: int, workers: int, as_json: bool,
) -> None:  # fmt: skip
    """Reads and writes together: profile saves, shadow requests and reflections with concurrent clients.

    Exits 0 when the run had no errors and lost no write (whether the latency goal is met or not), 1
    otherwise.
    """
    if clients > people // 2:
        raise click.UsageError("--clients can be at most half of --people: each client logs in as a person")
    show = (lambda message: click.echo(f"… {message}", err=True)) if not as_json else (lambda _m: None)
    results = run_benchmark(people, clients, seconds, db, postgres_url, seed, show, workers)
    click.echo(json.dumps(results, ensure_ascii=False, indent=2, default=str) if as_json else report(results))
    if results["all"]["errors"] or results["writes_checked"]["lost"]:
        ctx.exit(1)

"""``meeloop bench-web``: page latency of the web UI with concurrent, logged-in clients.

The goal (talent map issue): with the 20,000-person organisation and 8 concurrent
clients on loopback, p95 page latency under 200 ms for the search and profile
pages, and zero errors over a bounded run.

A seeded synthetic organisation is imported into a fresh SQLite database in a
temporary folder, with one account per client (the first one HR, the others
employees, each linked to a person). The real app (:func:`web.create_app`)
runs under waitress with 8 threads, as ``meeloop serve`` does, in its own
process, so that the clients do not share the server's interpreter lock. Each
client is a thread with its own keep-alive connection and cookies; it logs in
through the real ``/login`` form (its CSRF token included), warms up, and then
asks a seeded mix of pages:

- search: ``/ask?skill=...``, half of them the skill's name, half a misspelt
  variant that the talent map's typo tolerance takes back to that skill;
- person pages: ``/people/<id>`` of anyone in the organisation;
- the logged-in person's own profile, ``/me/profile``, when the app has that
  page (``me.profile`` in its URL map); the output says which pages were measured;
- the floor: ``/api/health``, the same server's cheapest answer (a tiny JSON,
  no talent-map work beyond the cache check), asked in the same mix so it runs
  under the same load. Every page's p95 is given as a ratio to the floor's and to
  the goal.

In each cycle of ten requests a client asks 4 searches, 3 person pages, 2 own
profiles and 1 floor, shuffled (without the profile: cycles of eight).

Any answer other than 200 (a redirect to the login page too) or a failed
request is an error. Latency is measured at the client, from sending the
request to reading the last byte of the answer, for answers that succeeded.
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

from bench.web.load import FLOOR, GOAL_MS, measure
from bench.web.preparation import Setup, misspell, prepare, profile_path, search_queries
from bench.web.reporting import goals, report
from bench.web.server import SERVER_THREADS, Server, serve_child

__all__ = [
    "FLOOR",
    "GOAL_MS",
    "Setup",
    "command",
    "misspell",
    "prepare",
    "profile_path",
    "report",
    "run_benchmark",
    "search_queries",
    "serve_child",
]


def run_benchmark(
    people: int,
    clients: int,
    seconds: float | None,
    requests: int | None,
    seed: int,
    show: Callable[[str], None],
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "people": people,
        "clients": clients,
        "seed": seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "server_threads": SERVER_THREADS,
        "goal_ms": GOAL_MS,
        "bounded_by": f"{seconds:g} s" if seconds is not None else f"{requests} requests",
    }
    with tempfile.TemporaryDirectory(prefix="meeloop-bench-web-") as scratch:
        folder = Path(scratch)
        setup = prepare(folder, people, clients, seed, show)
        profile = profile_path(setup.url)
        kinds: dict[str, str | None] = {
            "search": "/ask?skill=…",
            "person": "/people/<id>",
            **({"profile": profile} if profile else {}),
            FLOOR: "/api/health",
        }
        results |= {
            "skills": setup.skills,
            "holdings": setup.holdings,
            "accounts": [{"login": a.login, "role": a.role, "person_id": a.person_id} for a in setup.logins],
            "search_queries": len(setup.queries),
            "misspelt_queries": sum(1 for _, misspelt in setup.queries if misspelt),
            "measured": [kind for kind in kinds if kind != FLOOR],
            "not_measured": [] if profile else ["profile (the app has no me.profile page yet)"],
        }
        server = Server(setup.url, folder)
        try:
            start = time.perf_counter()
            show(f"starting the server on 127.0.0.1:{server.port} with {SERVER_THREADS} threads")
            server.wait_until_up()
            setup.seconds["server_up"] = time.perf_counter() - start
            show(f"measuring with {clients} clients for {results['bounded_by']}")
            results["load_average_before"] = round(os.getloadavg()[0], 2)
            results |= measure(setup, server, kinds, clients, seconds, requests, seed)
            results["load_average_after"] = round(os.getloadavg()[0], 2)
        finally:
            server.stop()
        results["setup_seconds"] = {k: round(v, 2) for k, v in setup.seconds.items()}
    results["goals"] = goals(results)
    return results


@click.command("bench-web")
@click.option("--people", default=20_000, show_default=True, type=click.IntRange(10, 200_000))
@click.option("--clients", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--seconds", type=click.FloatRange(min=0.1), help="Measure for this long.  [default: 30]")
@click.option("--requests", type=click.IntRange(1, 10_000_000), help="Measure this many requests instead.")
@click.option("--seed", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def command(
    ctx: click.Context,
    people: int,
    clients: int,
    seconds: float | None,
    requests: int | None,
    seed: int,
    as_json: bool,
) -> None:
    """Page latency of the web UI: search, person and own profile pages with concurrent logged-in clients.

    Exits 0 when the run had no errors (whether the latency goal is met or not), 1 when it had errors.
    """
    if seconds is not None and requests is not None:
        raise click.UsageError("give --seconds or --requests, not both")
    if seconds is None and requests is None:
        seconds = 30.0
    if clients > people:
        raise click.UsageError("--clients cannot be more than --people: each client logs in as a person")
    show = (lambda message: click.echo(f"… {message}", err=True)) if not as_json else (lambda _m: None)
    results = run_benchmark(people, clients, seconds, requests, seed, show)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        click.echo(report(results))
    if results["all"]["errors"]:
        ctx.exit(1)

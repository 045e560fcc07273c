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
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from bench.measuring import percentile
from bench.synthetic import DEFAULT_TODAY, generate_organisation
from bench.web.load import _TOKEN, Browser, Failed
from bench.web.postgres import new_database, throwaway_server
from bench.web.server import SERVER_THREADS, Server
from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.services import organisation, reflections, scheduling
from matcher.services.accounts import hash_password
from matcher.storage import accounts
from matcher.storage import schedule as schedule_store

GOAL_MS = 300.0
#: Kind -> (label, how many in a cycle of ten, a write or not).
KINDS: dict[str, tuple[str, int, bool]] = {
    "search": ("search (who to ask)", 3, False),
    "person": ("person page", 2, False),
    "profile": ("own profile", 1, False),
    "save": ("profile save", 2, True),
    "shadow": ("shadow request", 1, True),
    "reflect": ("reflection", 1, True),
}
WEEKS = 52


@dataclass(frozen=True)
class Client:
    login: str
    person_id: str
    event_id: int
    days: tuple[dt.date, ...]


@dataclass
class Setup:
    url: str
    password: str
    clients: list[Client]
    person_ids: list[str]
    skills: list[tuple[str, str]]  # (id, name) of held skills
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Written:
    """What one client's writes should have left in the database."""

    profile: dict[str, Any] | None = None
    shadow_requests: int = 0
    stories: dict[dt.date, str] = field(default_factory=dict)
    #: Writes sent after those whose answer never came: they may have landed, or not.
    unanswered_profiles: list[dict[str, Any]] = field(default_factory=list)
    unanswered_stories: dict[dt.date, list[str]] = field(default_factory=dict)

    def answered(self, kind: str, expected: Any) -> None:
        if kind == "save":
            self.profile, self.unanswered_profiles = expected, []
        elif kind == "shadow":
            self.shadow_requests += 1
        elif kind == "reflect":
            self.stories[expected["day"]] = expected["story"]
            self.unanswered_stories.pop(expected["day"], None)

    def unanswered(self, kind: str, expected: Any) -> None:
        if kind == "save":
            self.unanswered_profiles.append(expected)
        elif kind == "reflect":
            self.unanswered_stories.setdefault(expected["day"], []).append(expected["story"])


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    problems: list[str] = field(default_factory=list)

    def failed(self, problem: str) -> None:
        self.errors += 1
        if len(self.problems) < 5:
            self.problems.append(problem)


# -- the database ----------------------------------------------------------------------------------


@contextmanager
def database_url(kind: str, folder: Path, postgres_url: str | None) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'meeloop.sqlite3'}"
        return
    if postgres_url:
        with new_database(postgres_url, f"meeloop_bench_load_{os.getpid()}") as url:
            yield url
        return
    with throwaway_server() as server, new_database(server, "meeloop_bench_load") as url:
        yield url


def _meetings(client: str, colleague: str, today: dt.date) -> ScheduledEvent:
    """A weekly meeting of the client with a colleague over the past year, to reflect on."""
    first = dt.datetime.combine(today - dt.timedelta(weeks=WEEKS), dt.time(10), dt.UTC)
    times = tuple(
        (first + dt.timedelta(weeks=w), first + dt.timedelta(weeks=w, hours=1)) for w in range(WEEKS)
    )
    return ScheduledEvent(
        "meeting", f"bench {client}", "Mentor", times[0][0], times[0][1], "UTC", (client, colleague),
        occurrences=times,
    )  # fmt: skip


def prepare(
    url: str, folder: Path, people: int, clients: int, seed: int, show: Callable[[str], None]
) -> Setup:
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    org = generate_organisation(people, seed=seed, today=DEFAULT_TODAY)
    seconds["generate"] = time.perf_counter() - start
    show(f"generated {len(org.people)} people, {len(org.skills)} skills, {len(org.holdings)} holdings")
    start = time.perf_counter()
    orgjson.write_json(org, folder / "organisation.json")
    database = organisation.Database(url)
    now = dt.datetime.now(dt.UTC)
    try:
        organisation.import_file(database, folder / "organisation.json", now=now)
        seconds["import"] = time.perf_counter() - start
        show("imported")
        rng = random.Random(f"{seed}:accounts")
        staying = sorted(p.id for p in org.people if p.leaving_date is None)
        chosen = rng.sample(staying, clients)
        password = secrets.token_urlsafe(16)
        found = []
        with database.transaction() as session:
            for i, person_id in enumerate(chosen):
                login = f"bench-{i + 1}@example.org"
                accounts.add_account(
                    session, login, role="employee", password_hash=hash_password(password),
                    person_id=person_id, now=now,
                )  # fmt: skip
                colleague = staying[(staying.index(person_id) + 1) % len(staying)]
                event = _meetings(person_id, colleague, DEFAULT_TODAY)
                (event_id,) = schedule_store.add_events(session, [event], now=now)
                days = tuple(begin.date() for begin, _ in event.occurrences)
                found.append(Client(login, person_id, event_id, days))
    finally:
        database.dispose()
    held = sorted({h.skill_id for h in org.holdings})
    names = {s.id: s.name for s in org.skills}
    return Setup(
        url, password, found, sorted(p.id for p in org.people), [(s, names[s]) for s in held], seconds
    )


# -- the clients -----------------------------------------------------------------------------------


def _token(page: bytes) -> str:
    found = _TOKEN.search(page.decode("utf-8", errors="replace"))
    if not found:
        raise Failed("no CSRF token on /me/profile")
    return found.group(1)


def _profile_form(
    rng: random.Random, setup: Setup, serial: int
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A profile as the form sends it, and what it should store."""
    skills = rng.sample(setup.skills, 3)
    levels = {skill_id: 1 + (serial + i) % 4 for i, (skill_id, _) in enumerate(skills)}
    wish = rng.choice([s for s in setup.skills if s[0] not in levels])[0]
    capacity = 1 + serial % 3
    fields: list[tuple[str, str]] = []
    for i, (skill_id, level) in enumerate(levels.items()):
        fields += [(f"skills-{i}-skill_id", skill_id), (f"skills-{i}-level", str(level))]
    fields += [("wishes-0-skill_id", wish), ("wishes-0-priority", "2")]
    fields += [("ask_me", "y"), ("host", "y"), ("host_capacity", str(capacity))]
    fields += [("hours_mon", "09:00-17:00"), ("hours_wed", "09:00-12:30"), ("languages", "nl, en")]
    fields += [("timezone", "Europe/Amsterdam")]
    expected = {"levels": levels, "wishes": {wish: 2}, "host_capacity": capacity}
    return expected, fields


class Mix:
    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self.cycle = [kind for kind, (_, count, _) in KINDS.items() for _ in range(count)]
        self.queue: list[str] = []

    def next(self) -> str:
        if not self.queue:
            self.queue = self.rng.sample(self.cycle, len(self.cycle))
        return self.queue.pop()


@dataclass
class Run:
    clients: int
    seconds: float
    barrier: threading.Barrier = field(init=False)
    started: float = 0.0
    #: CPU seconds of the server and of the clients' process when the measured run started.
    cpu: tuple[float | None, float] = (None, 0.0)
    server: Server | None = None
    ended: list[float] = field(default_factory=list)
    tallies: list[dict[str, Tally]] = field(default_factory=list)
    written: dict[str, Written] = field(default_factory=dict)
    login_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.barrier = threading.Barrier(self.clients, action=self._start)

    def _start(self) -> None:
        self.cpu = (self.server.cpu_seconds() if self.server else None, time.process_time())
        self.started = time.perf_counter()


def client(index: int, run: Run, setup: Setup, port: int, seed: int) -> None:
    me = setup.clients[index]
    browser = Browser(port)
    tallies = {kind: Tally() for kind in KINDS}
    written = Written()
    rng = random.Random(f"{seed}:client:{index}")
    try:
        try:
            browser.log_in(me.login, setup.password)
            status, page = browser.request("GET", "/me/profile")
            if status != 200:
                raise Failed(f"GET /me/profile: {status}")
            token = _token(page)
        except Exception as exc:
            with run.lock:
                run.login_errors.append(f"client {index + 1}: {type(exc).__name__}: {exc}")
            run.barrier.wait()
            return
        run.barrier.wait()
        deadline = run.started + run.seconds
        mix = Mix(f"{seed}:mix:{index}")
        serial = 0
        while time.perf_counter() < deadline:
            kind = mix.next()
            serial += 1
            method, path, form, expected = _request(kind, rng, setup, me, serial)
            body = urllib.parse.urlencode([("csrf_token", token), *form]) if method == "POST" else None
            start = time.perf_counter()
            try:
                status, _ = browser.request(method, path, body)
            except Exception as exc:
                tallies[kind].failed(f"{method} {path}: {type(exc).__name__}: {exc}")
                written.unanswered(kind, expected)
                continue
            elapsed = time.perf_counter() - start
            if status != (302 if method == "POST" else 200):
                tallies[kind].failed(f"{method} {path}: {status}")
                continue
            tallies[kind].latencies.append(elapsed)
            written.answered(kind, expected)
        browser.close()
    finally:
        with run.lock:
            run.ended.append(time.perf_counter())
            run.tallies.append(tallies)
            run.written[me.person_id] = written


def _request(
    kind: str, rng: random.Random, setup: Setup, me: Client, serial: int
) -> tuple[str, str, list[tuple[str, str]], Any]:
    if kind == "search":
        return "GET", "/ask?" + urllib.parse.urlencode({"skill": rng.choice(setup.skills)[1]}), [], None
    if kind == "person":
        return "GET", f"/people/{urllib.parse.quote(rng.choice(setup.person_ids))}", [], None
    if kind == "profile":
        return "GET", "/me/profile", [], None
    if kind == "save":
        expected, form = _profile_form(rng, setup, serial)
        return "POST", "/me/profile", form, expected
    if kind == "shadow":
        first = DEFAULT_TODAY + dt.timedelta(days=7 + serial % 20)
        form = [
            ("skill", rng.choice(setup.skills)[1]), ("host", ""), ("length", "hour"),
            ("first_day", first.isoformat()), ("last_day", (first + dt.timedelta(days=28)).isoformat()),
        ]  # fmt: skip
        return "POST", "/me/shadowing", form, None
    day = me.days[serial % len(me.days)]
    story = f"Sessie {serial}: {rng.choice(('geleerd', 'gedeeld', 'gevraagd'))}"
    form = [("levels", "potential"), ("levels", "applied"), ("story", story)]
    return "POST", f"/me/reflections/{me.event_id}/{day.isoformat()}", form, {"day": day, "story": story}


# -- checking the writes ---------------------------------------------------------------------------


def lost_writes(url: str, setup: Setup, written: dict[str, Written]) -> dict[str, Any]:
    """Each write the clients saw succeed, looked up in the database."""
    database = organisation.Database(url)
    checked, lost, problems = 0, 0, []
    try:
        org = organisation.load_organisation(database)
        requests = scheduling.shadow_requests(database)
        for me in setup.clients:
            mine = written.get(me.person_id, Written())
            if mine.profile is not None:
                checked += 1
                person = org.person(me.person_id)
                levels = {h.skill_id: int(h.level) for h in org.holdings if h.person_id == me.person_id}
                wishes = {w.skill_id: w.priority for w in org.wishes if w.person_id == me.person_id}
                stored = {
                    "levels": levels,
                    "wishes": wishes,
                    "host_capacity": person.host_capacity if person else None,
                }
                if stored != mine.profile and stored not in mine.unanswered_profiles:
                    lost += 1
                    problems.append(f"{me.person_id}: profile {stored} != {mine.profile}")
            # A request whose answer never came may still have landed: more found than sent is no loss.
            found = sum(1 for r in requests if r.guest_id == me.person_id)
            checked += mine.shadow_requests
            if found < mine.shadow_requests:
                lost += mine.shadow_requests - found
                problems.append(f"{me.person_id}: {found} shadow requests, {mine.shadow_requests} sent")
            stories = {r.session_day: r.story for r in reflections.reflections_of(database, me.person_id)}
            for day, story in mine.stories.items():
                checked += 1
                if stories.get(day) != story and stories.get(day) not in mine.unanswered_stories.get(day, []):
                    lost += 1
                    problems.append(f"{me.person_id}: reflection on {day}: {stories.get(day)!r} != {story!r}")
    finally:
        database.dispose()
    return {"checked": checked, "lost": lost, "problems": problems[:10]}


# -- running and reporting -------------------------------------------------------------------------


def _latency(samples: list[float]) -> dict[str, float | None]:
    if not samples:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(samples, 0.50) * 1000, 1),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 1),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def measure(setup: Setup, server: Server, clients: int, seconds: float, seed: int) -> dict[str, Any]:
    run = Run(clients, seconds)
    run.server = server
    threads = [
        threading.Thread(target=client, args=(i, run, setup, server.port, seed)) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = max(run.ended) - run.started if run.started else 0.0
    server_cpu, clients_cpu = server.cpu_seconds(), time.process_time() - run.cpu[1]
    if server_cpu is not None and run.cpu[0] is not None:
        server_cpu -= run.cpu[0]
    pages: dict[str, Any] = {}
    every: list[float] = []
    for kind, (label, _, write) in KINDS.items():
        merged = Tally()
        for tallies in run.tallies:
            merged.latencies += tallies[kind].latencies
            merged.errors += tallies[kind].errors
            merged.problems += tallies[kind].problems[: 5 - len(merged.problems)]
        every += merged.latencies
        pages[kind] = {
            "label": label, "write": write, "requests": len(merged.latencies) + merged.errors,
            "errors": merged.errors, **_latency(merged.latencies), "problems": merged.problems,
        }  # fmt: skip
    total = sum(p["requests"] for p in pages.values())
    errors = sum(p["errors"] for p in pages.values()) + len(run.login_errors)
    writes = sum(p["requests"] for p in pages.values() if p["write"])
    return {
        "pages": pages,
        "all": {"requests": total, "errors": errors, **_latency(every)},
        "write_share": round(writes / total, 2) if total else None,
        "login_errors": run.login_errors,
        "measured_seconds": round(wall, 1),
        "requests_per_second": round(total / wall, 1) if wall > 0 else None,
        # A server that uses about one core is bound by its interpreter lock, not by waiting.
        "server_cpu_cores": round(server_cpu / wall, 2) if server_cpu is not None and wall > 0 else None,
        "clients_cpu_cores": round(clients_cpu / wall, 2) if wall > 0 else None,
        "written": run.written,
    }


def run_benchmark(
    people: int,
    clients: int,
    seconds: float,
    db: str,
    postgres_url: str | None,
    seed: int,
    show: Callable[[str], None],
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "people": people, "clients": clients, "seconds": seconds, "database": db, "seed": seed,
        "python": sys.version.split()[0], "cpus": os.cpu_count(), "server_threads": SERVER_THREADS,
        "goal_ms": GOAL_MS,
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="meeloop-bench-load-") as scratch:
        folder = Path(scratch)
        with database_url(db, folder, postgres_url) as url:
            setup = prepare(url, folder, people, clients, seed, show)
            server = Server(url, folder)
            try:
                start = time.perf_counter()
                server.wait_until_up()
                setup.seconds["server_up"] = time.perf_counter() - start
                show(f"measuring {clients} clients for {seconds:g} s")
                results["load_average_before"] = round(os.getloadavg()[0], 2)
                measured = measure(setup, server, clients, seconds, seed)
                results["load_average_after"] = round(os.getloadavg()[0], 2)
            finally:
                server.stop()
            show("checking every write in the database")
            results["writes_checked"] = lost_writes(url, setup, measured.pop("written"))
            results |= measured
        results["setup_seconds"] = {k: round(v, 1) for k, v in setup.seconds.items()}
    every = results["all"]
    results["goals"] = [
        {"goal": f"p95 under {GOAL_MS:g} ms", "value": every["p95_ms"],
         "met": every["p95_ms"] is not None and every["p95_ms"] < GOAL_MS},
        {"goal": "no errors", "value": every["errors"],
         "met": every["errors"] == 0 and every["requests"] > 0},
        {"goal": "no lost writes", "value": results["writes_checked"]["lost"],
         "met": results["writes_checked"]["lost"] == 0},
    ]  # fmt: skip
    return results


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def report(results: dict[str, Any]) -> str:
    setup = results["setup_seconds"]
    lines = [
        f"{results['people']} people on {results['database']}; {results['clients']} clients for "
        f"{results['seconds']:g} s (seed {results['seed']}, Python {results['python']}, "
        f"{results['cpus']} CPUs, "
        f"waitress {results['server_threads']} threads); writes {results['write_share']} of the requests",
        f"setup: generate {setup['generate']} s, import {setup['import']} s, "
        f"server up {setup.get('server_up', '–')} s",
        "",
        "| request | kind | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page in results["pages"].values():
        lines.append(
            f"| {page['label']} | {'write' if page['write'] else 'read'} | {page['requests']} "
            f"| {page['errors']} | {_cell(page['p50_ms'])} | {_cell(page['p95_ms'])} "
            f"| {_cell(page['p99_ms'])} | {_cell(page['max_ms'])} |"
        )
    every = results["all"]
    lines.append(
        f"| all | | {every['requests']} | {every['errors']} | {_cell(every['p50_ms'])} "
        f"| {_cell(every['p95_ms'])} | {_cell(every['p99_ms'])} | {_cell(every['max_ms'])} |"
    )
    checked = results["writes_checked"]
    lines += [
        "",
        f"throughput: {_cell(results['requests_per_second'])} requests/s over "
        f"{results['measured_seconds']} s; CPU: server {_cell(results['server_cpu_cores'])} cores, clients "
        f"{_cell(results['clients_cpu_cores'])} cores; load average (1 min) "
        f"{results['load_average_before']} before, {results['load_average_after']} after",
        f"writes checked in the database afterwards: {checked['checked']}, lost: {checked['lost']}",
    ]
    lines += [f"login failed: {p}" for p in results["login_errors"]]
    for page in results["pages"].values():
        lines += [f"error ({page['label']}): {p}" for p in page["problems"]]
    lines += [f"lost: {p}" for p in checked["problems"]]
    lines += [
        f"goal {'met' if g['met'] else 'missed'}: {g['goal']}: {_cell(g['value'])}" for g in results["goals"]
    ]
    return "\n".join(lines)


@click.command("bench-load")
@click.option("--people", default=20_000, show_default=True, type=click.IntRange(10, 200_000))
@click.option("--clients", default=16, show_default=True, type=click.IntRange(1, 64))
@click.option("--seconds", default=60.0, show_default=True, type=click.FloatRange(min=0.5))
@click.option("--db", "db", type=click.Choice(["sqlite", "postgres"]), default="sqlite", show_default=True)
@click.option("--postgres-url", help="A PostgreSQL server (no database name) to make the database on; "
              "default: a throwaway server of its own.")  # fmt: skip
@click.option("--seed", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def command(
    ctx: click.Context, people: int, clients: int, seconds: float, db: str, postgres_url: str | None,
    seed: int, as_json: bool,
) -> None:  # fmt: skip
    """Reads and writes together: profile saves, shadow requests and reflections with concurrent clients.

    Exits 0 when the run had no errors and lost no write (whether the latency goal is met or not), 1
    otherwise.
    """
    if clients > people // 2:
        raise click.UsageError("--clients can be at most half of --people: each client logs in as a person")
    show = (lambda message: click.echo(f"… {message}", err=True)) if not as_json else (lambda _m: None)
    results = run_benchmark(people, clients, seconds, db, postgres_url, seed, show)
    click.echo(json.dumps(results, ensure_ascii=False, indent=2, default=str) if as_json else report(results))
    if results["all"]["errors"] or results["writes_checked"]["lost"]:
        ctx.exit(1)

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

import datetime as dt
import gc
import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from bench.synthetic import DEFAULT_TODAY, generate_organisation
from bench.talentmap import percentile
from matcher.domain.talentmap import TalentMap
from matcher.io import orgjson
from matcher.services import organisation
from matcher.services.accounts import hash_password
from matcher.storage import accounts

GOAL_MS = 200.0
FLOOR = "health"
#: Page kinds in the order of the report: what each is called and how often it comes up in the mix.
KINDS: dict[str, tuple[str, int]] = {
    "search": ("search (who to ask)", 4),
    "person": ("person page", 3),
    "profile": ("own profile", 2),
    FLOOR: ("floor: /api/health", 1),
}
#: Kinds the goal is about (the floor is the baseline, not a goal).
GOAL_KINDS = ("search", "person", "profile")
SERVER_THREADS = 8
WARM_UP_CYCLES = 2
SECRET_KEY = "meeloop bench-web: a throwaway key for a throwaway database"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- the organisation, its database and accounts ----------------------------------------------------


@dataclass(frozen=True)
class Login:
    login: str
    role: str
    person_id: str


@dataclass
class Setup:
    """What the clients need, as plain data: the organisation itself is not kept."""

    url: str
    people: int
    skills: int
    holdings: int
    password: str
    logins: list[Login]
    person_ids: list[str]
    #: (query, misspelt) for the search page.
    queries: list[tuple[str, bool]]
    seconds: dict[str, float] = field(default_factory=dict)


def misspell(name: str, rng: random.Random) -> str:
    """A typo as people make them: two letters swapped, one left out, one doubled or one replaced."""
    spots = [i for i, c in enumerate(name) if c.isalpha() and i > 0]
    if len(spots) < 4:
        return name
    i = rng.choice(spots[:-1])
    kind = rng.randrange(4)
    if kind == 0 and name[i + 1].isalpha() and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    near = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o", "n": "m", "m": "n", "s": "z", "c": "k"}
    letter = name[i].lower()
    return name[:i] + near.get(letter, "e" if letter != "e" else "a") + name[i + 1 :]


def search_queries(talent: TalentMap, seed: int) -> list[tuple[str, bool]]:
    """Each held skill by its name, and by a misspelt name that the talent map takes back to it."""
    rng = random.Random(f"{seed}:typos")
    held = sorted((s for s in talent.organisation.skills if talent.levels_in(s.id)), key=lambda s: s.id)
    queries: list[tuple[str, bool]] = []
    for skill in held:
        queries.append((skill.name, False))
        for _ in range(8):
            variant = misspell(skill.name, rng)
            if variant == skill.name:
                continue
            try:
                found, matched_by = talent.resolve_skill(variant)
            except LookupError:
                continue
            if found.id == skill.id and matched_by == "spelling":
                queries.append((variant, True))
                break
    return queries


def prepare(folder: Path, people: int, clients: int, seed: int, show: Callable[[str], None]) -> Setup:
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    org = generate_organisation(people, seed=seed, today=DEFAULT_TODAY)
    seconds["generate"] = time.perf_counter() - start
    show(f"generated {len(org.people)} people, {len(org.skills)} skills, {len(org.holdings)} holdings")

    start = time.perf_counter()
    source = folder / "organisation.json"
    orgjson.write_json(org, source)
    url = f"sqlite:///{folder / 'meeloop.sqlite3'}"
    database = organisation.Database(url)
    try:
        organisation.import_file(database, source, now=dt.datetime.now(dt.UTC))
        seconds["import"] = time.perf_counter() - start
        show("imported")

        start = time.perf_counter()
        rng = random.Random(f"{seed}:accounts")
        staying = sorted(p.id for p in org.people if p.leaving_date is None)
        chosen = rng.sample(staying if len(staying) >= clients else sorted(p.id for p in org.people), clients)
        password = secrets.token_urlsafe(16)
        logins = []
        now = dt.datetime.now(dt.UTC)
        with database.transaction() as session:
            for i, person_id in enumerate(chosen):
                login = Login(
                    f"bench-{i + 1}@example.org", "hr" if i == 0 and clients > 1 else "employee", person_id
                )
                accounts.add_account(
                    session,
                    login.login,
                    role=login.role,
                    password_hash=hash_password(password),
                    person_id=person_id,
                    now=now,
                )
                logins.append(login)
        seconds["accounts"] = time.perf_counter() - start
    finally:
        database.dispose()

    start = time.perf_counter()
    queries = search_queries(TalentMap(org, today=DEFAULT_TODAY), seed)
    seconds["typos"] = time.perf_counter() - start
    return Setup(
        url=url,
        people=len(org.people),
        skills=len(org.skills),
        holdings=len(org.holdings),
        password=password,
        logins=logins,
        person_ids=sorted(p.id for p in org.people),
        queries=queries,
        seconds=seconds,
    )


def profile_path(url: str) -> str | None:
    """The own-profile page's path when the app has one (the ``me`` blueprint is being built)."""
    from web import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "SESSION_COOKIE_SECURE": False})
    try:
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "me.profile" and "GET" in (rule.methods or ()) and not rule.arguments:
                return rule.rule
        return None
    finally:
        app.extensions["meeloop"]["db"].dispose()


# -- the server --------------------------------------------------------------------------------------


def serve_child() -> None:
    """The server process: ``python -c "from bench.web import serve_child; serve_child()" JSON``."""
    from waitress import serve

    from web import create_app

    settings = json.loads(sys.argv[1])
    app = create_app(
        {
            "DATABASE_URL": settings["url"],
            "SECRET_KEY": SECRET_KEY,
            "SESSION_COOKIE_SECURE": False,
            "TODAY": dt.date.fromisoformat(settings["today"]),
        }
    )
    serve(app, host="127.0.0.1", port=settings["port"], threads=SERVER_THREADS, ident="meeloop")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app under waitress in a child process, with its output in a log file."""

    def __init__(self, url: str, folder: Path) -> None:
        self.port = free_port()
        self.log_path = folder / "server.log"
        settings = json.dumps({"url": url, "port": self.port, "today": DEFAULT_TODAY.isoformat()})
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from bench.web import serve_child; serve_child()", settings],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def wait_until_up(self, seconds: float = 600) -> None:
        """Until /api/health answers; the first answer loads the organisation and builds the map."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise click.ClickException(f"the server stopped while starting:\n{self.log_tail()}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=seconds)
            try:
                connection.request("GET", "/api/health")
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        raise click.ClickException(f"the server did not come up:\n{self.log_tail()}")

    def cpu_seconds(self) -> float | None:
        """User and system time of the server process so far (Linux)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / _TICKS

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- the clients -------------------------------------------------------------------------------------


class Failed(Exception):
    """A request that did not get its 200."""


class Browser:
    """One client: a keep-alive connection and its cookies, like one browser tab."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()  # a fresh connection for the next request
            raise
        for header in response.msg.get_all("Set-Cookie") or ():
            name, _, value = header.split(";", 1)[0].partition("=")
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value.strip()
            else:
                self.cookies.pop(name.strip(), None)
        if response.will_close:
            self.close()
        return response.status, data

    def log_in(self, login: str, password: str) -> None:
        status, page = self.request("GET", "/login")
        found = _TOKEN.search(page.decode("utf-8", errors="replace"))
        if status != 200 or not found:
            raise Failed(f"GET /login: {status}, {'a' if found else 'no'} CSRF token")
        form = urllib.parse.urlencode({"csrf_token": found.group(1), "login": login, "password": password})
        status, _ = self.request("POST", "/login", form)
        if status != 302:
            raise Failed(f"POST /login: {status}, expected a redirect")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Tally:
    """One kind of page, for one client or all of them."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def failed(self, problem: str) -> None:
        self.errors += 1
        if len(self.problems) < 5:
            self.problems.append(problem)


class Mix:
    """A client's seeded pages: every kind in proportion, shuffled cycle by cycle, so that even a
    short run asks each kind."""

    def __init__(self, setup: Setup, kinds: dict[str, str | None], seed: str) -> None:
        self.rng = random.Random(seed)
        self.setup = setup
        self.kinds = kinds
        self.cycle = [kind for kind in kinds for _ in range(KINDS[kind][1])]
        self.queue: list[str] = []

    def next(self) -> tuple[str, str]:
        if not self.queue:
            self.queue = self.rng.sample(self.cycle, len(self.cycle))
        kind = self.queue.pop()
        if kind == "search":
            query, _ = self.rng.choice(self.setup.queries)
            return kind, "/ask?" + urllib.parse.urlencode({"skill": query})
        if kind == "person":
            return kind, f"/people/{urllib.parse.quote(self.rng.choice(self.setup.person_ids))}"
        if kind == "profile":
            return kind, self.kinds["profile"] or ""
        return kind, "/api/health"


@dataclass
class Run:
    """What the clients share: when to start and stop, and the tallies they hand in."""

    clients: int
    seconds: float | None
    requests: int | None
    barrier: threading.Barrier = field(init=False)
    started: float = 0.0
    #: Called as the measured run starts (in one client's thread).
    on_start: Callable[[], None] | None = None
    ended: list[float] = field(default_factory=list)
    tallies: list[dict[str, Tally]] = field(default_factory=list)
    login_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.barrier = threading.Barrier(self.clients, action=self._start)

    def _start(self) -> None:
        if self.on_start is not None:
            self.on_start()
        self.started = time.perf_counter()

    def budget(self, client: int) -> int | None:
        if self.requests is None:
            return None
        return self.requests // self.clients + (1 if client < self.requests % self.clients else 0)


def client(index: int, run: Run, setup: Setup, port: int, kinds: dict[str, str | None], seed: int) -> None:
    login = setup.logins[index]
    browser = Browser(port)
    tallies = {kind: Tally() for kind in kinds}
    try:
        try:
            browser.log_in(login.login, setup.password)
            mix = Mix(setup, kinds, f"{seed}:client:{index}")
            for _ in range(WARM_UP_CYCLES * len(mix.cycle)):  # not counted
                browser.request("GET", mix.next()[1])
        except Exception as exc:  # any failure before the start: reported, and the others still start
            with run.lock:
                run.login_errors.append(f"client {index + 1} ({login.login}): {type(exc).__name__}: {exc}")
            browser.close()
            run.barrier.wait()  # the others still start together
            return
        run.barrier.wait()
        deadline = run.started + run.seconds if run.seconds is not None else None
        budget = run.budget(index)
        done = 0
        while (budget is None or done < budget) and (deadline is None or time.perf_counter() < deadline):
            kind, path = mix.next()
            start = time.perf_counter()
            try:
                status, _ = browser.request("GET", path)
            except (OSError, http.client.HTTPException) as exc:
                tallies[kind].failed(f"GET {path}: {type(exc).__name__}: {exc}")
            else:
                elapsed = time.perf_counter() - start
                if status == 200:
                    tallies[kind].latencies.append(elapsed)
                else:
                    tallies[kind].failed(f"GET {path}: {status}")
            done += 1
        browser.close()
    finally:
        with run.lock:
            run.ended.append(time.perf_counter())
            run.tallies.append(tallies)


def _latency(samples: list[float]) -> dict[str, float | None]:
    if not samples:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(samples, 0.50) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
    }


def _ratio(value: float | None, to: float | None) -> float | None:
    return round(value / to, 2) if value is not None and to else None


def measure(
    setup: Setup,
    server: Server,
    kinds: dict[str, str | None],
    clients: int,
    seconds: float | None,
    requests: int | None,
    seed: int,
) -> dict[str, Any]:
    run = Run(clients, seconds, requests)
    cpu: dict[str, float | None] = {}

    def snapshot() -> None:
        cpu["clients"], cpu["server"] = time.process_time(), server.cpu_seconds()

    run.on_start = snapshot
    threads = [
        threading.Thread(
            target=client, args=(i, run, setup, server.port, kinds, seed), name=f"client-{i + 1}"
        )
        for i in range(clients)
    ]
    # What is left of the setup stays out of the clients' garbage collections, which stall them all.
    gc.collect()
    gc.freeze()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        gc.unfreeze()
    wall = max(run.ended) - run.started if run.started else 0.0
    cpu_client = time.process_time() - cpu["clients"] if cpu.get("clients") is not None else None
    server_after, server_before = server.cpu_seconds(), cpu.get("server")

    pages: dict[str, Any] = {}
    merged = {kind: Tally() for kind in kinds}
    for tallies in run.tallies:
        for kind, tally in tallies.items():
            merged[kind].latencies += tally.latencies
            merged[kind].errors += tally.errors
            merged[kind].problems += tally.problems[: 5 - len(merged[kind].problems)]
    floor = _latency(merged[FLOOR].latencies)["p95_ms"]
    for kind, tally in merged.items():
        figures = _latency(tally.latencies)
        pages[kind] = {
            "label": KINDS[kind][0],
            "path": kinds[kind],
            "requests": tally.requests,
            "errors": tally.errors,
            **figures,
            "p95_to_floor": _ratio(figures["p95_ms"], floor),
            "p95_to_goal": _ratio(figures["p95_ms"], GOAL_MS),
            "problems": tally.problems,
        }
    total = sum(p["requests"] for p in pages.values())
    errors = sum(p["errors"] for p in pages.values()) + len(run.login_errors)
    all_latencies = [s for tally in merged.values() for s in tally.latencies]
    server_cpu = (
        server_after - server_before if server_after is not None and server_before is not None else None
    )
    return {
        "pages": pages,
        "all": {"requests": total, "errors": errors, **_latency(all_latencies)},
        "login_errors": run.login_errors,
        "measured_seconds": round(wall, 2),
        "requests_per_second": round(total / wall, 1) if wall > 0 else None,
        "server_cpu_cores": round(server_cpu / wall, 2) if server_cpu is not None and wall > 0 else None,
        "clients_cpu_cores": round(cpu_client / wall, 2) if cpu_client is not None and wall > 0 else None,
    }


# -- the benchmark -----------------------------------------------------------------------------------


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for kind in GOAL_KINDS:
        page = results["pages"].get(kind)
        if page is None:
            continue
        p95 = page["p95_ms"]
        found.append(
            {
                "goal": f"{page['label']} p95 under {GOAL_MS:g} ms",
                "value": p95,
                "met": p95 is not None and p95 < GOAL_MS,
            }
        )
    every = results["all"]
    found.append(
        {
            "goal": f"zero errors over {every['requests']} requests",
            "value": every["errors"],
            "met": every["errors"] == 0 and every["requests"] > 0,
        }
    )
    return found


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


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def report(results: dict[str, Any]) -> str:
    setup = results["setup_seconds"]
    measured = ", ".join(results["pages"][k]["label"] for k in results["measured"])
    lines = [
        f"{results['people']} people, {results['skills']} skills, {results['holdings']} holdings; "
        f"{results['clients']} clients, {results['bounded_by']} (seed {results['seed']}, "
        f"Python {results['python']}, {results['cpus']} CPUs, waitress {results['server_threads']} threads)",
        f"pages measured: {measured}; floor: /api/health in the same mix",
    ]
    lines += [f"not measured: {what}" for what in results["not_measured"]]
    lines += [
        f"setup: generate {setup['generate']} s, import {setup['import']} s, "
        f"accounts {setup['accounts']} s, misspellings {setup['typos']} s, "
        f"server up (load + build talent map) {setup.get('server_up', '–')} s",
        f"search: {results['search_queries']} queries, {results['misspelt_queries']} of them misspelt",
        "",
        "| page | path | requests | errors | p50 ms | p95 ms | p99 ms | max ms | p95 ÷ floor | p95 ÷ goal |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in results["pages"].values():
        lines.append(
            f"| {page['label']} | `{page['path']}` | {page['requests']} | {page['errors']} "
            f"| {_cell(page['p50_ms'])} | {_cell(page['p95_ms'])} | {_cell(page['p99_ms'])} "
            f"| {_cell(page['max_ms'])} | {_cell(page['p95_to_floor'])} | {_cell(page['p95_to_goal'])} |"
        )
    every = results["all"]
    lines.append(
        f"| all | | {every['requests']} | {every['errors']} | {_cell(every['p50_ms'])} "
        f"| {_cell(every['p95_ms'])} | {_cell(every['p99_ms'])} | {_cell(every['max_ms'])} | | |"
    )
    lines += [
        "",
        f"throughput: {_cell(results['requests_per_second'])} requests/s "
        f"over {results['measured_seconds']} s; CPU: server {_cell(results['server_cpu_cores'])} cores, "
        f"clients {_cell(results['clients_cpu_cores'])} cores; machine load average (1 min) "
        f"{results['load_average_before']} before, {results['load_average_after']} after",
    ]
    lines += [f"login failed: {problem}" for problem in results["login_errors"]]
    for page in results["pages"].values():
        lines += [f"error ({page['label']}): {problem}" for problem in page["problems"]]
    for goal in results["goals"]:
        lines.append(f"goal {'met' if goal['met'] else 'missed'}: {goal['goal']}: {_cell(goal['value'])}")
    return "\n".join(lines)


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

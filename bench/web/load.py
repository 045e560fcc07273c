"""The load: logged-in clients asking a seeded mix of pages, and the latency each page kind gets."""

from __future__ import annotations

import gc
import http.client
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.measuring import percentile
from bench.web.preparation import Setup
from bench.web.server import Server

GOAL_MS = 200.0
FLOOR = "health"
#: Page kinds in the order of the report: what each is called and how often it comes up in the mix.
KINDS: dict[str, tuple[str, int]] = {
    "search": ("search (who to ask)", 4),
    "person": ("person page", 3),
    "profile": ("own profile", 2),
    FLOOR: ("floor: /api/health", 1),
}
WARM_UP_CYCLES = 2
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


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

"""The clients: a seeded mix of reads and writes each, and what each write should leave behind."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from bench.measuring import percentile
from bench.mixed.preparation import Client, Setup
from bench.synthetic import DEFAULT_TODAY
from bench.web.load import _TOKEN, Browser, Failed
from bench.web.server import Server

#: Kind -> (label, how many in a cycle of ten, a write or not).
KINDS: dict[str, tuple[str, int, bool]] = {
    "search": ("search (who to ask)", 3, False),
    "person": ("person page", 2, False),
    "profile": ("own profile", 1, False),
    "save": ("profile save", 2, True),
    "shadow": ("shadow request", 1, True),
    "reflect": ("reflection", 1, True),
}


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

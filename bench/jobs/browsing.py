"""The browsing clients: logged in once, then browsing in phases, each measured on its own.

Each client is an employee with a keep-alive connection and cookies (:class:`bench.web.load.Browser`)
who reads what bench-load's clients read, in the same proportions, and writes nothing: in each cycle
of six requests, shuffled, 3 searches, 2 colleagues' pages and its own profile.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bench.jobs.processes import Deployment
from bench.mixed.clients import KINDS, Tally, _latency, _request
from bench.mixed.preparation import Client, Setup
from bench.web.load import Browser, Failed

#: The pages a client reads, and how many of each in a cycle.
READS = {kind: count for kind, (_, count, write) in KINDS.items() if not write}


@dataclass
class Reader:
    """One client between phases: its connection, its seeded choices, and what it asked so far."""

    me: Client
    browser: Browser
    rng: random.Random
    serial: int = 0
    cycle: list[str] = field(default_factory=list)

    def next_kind(self) -> str:
        if not self.cycle:
            self.cycle = self.rng.sample([k for k, n in READS.items() for _ in range(n)], sum(READS.values()))
        return self.cycle.pop()


class Browsing:
    """The clients, logged in through the real form; :meth:`begin` starts a phase of browsing."""

    def __init__(self, setup: Setup, port: int, clients: int, seed: int) -> None:
        self.setup = setup
        self.readers: list[Reader] = []
        self.login_errors: list[str] = []
        for index, me in enumerate(setup.clients[:clients]):
            browser = Browser(port)
            try:
                browser.log_in(me.login, setup.password)
            except (Failed, OSError) as exc:
                self.login_errors.append(f"client {index + 1}: {type(exc).__name__}: {exc}")
                continue
            self.readers.append(Reader(me, browser, random.Random(f"{seed}:client:{index}")))

    def begin(self, deployment: Deployment) -> Phase:
        phase = Phase(self, deployment)
        phase.start()
        return phase

    def close(self) -> None:
        for reader in self.readers:
            reader.browser.close()


class Phase:
    """Every client browsing until :meth:`end`; the latency of each answer, and the CPU each part of
    the deployment used meanwhile."""

    def __init__(self, browsing: Browsing, deployment: Deployment) -> None:
        self.browsing = browsing
        self.deployment = deployment
        self.stopping = threading.Event()
        self.began = threading.Event()
        self.tallies = [{kind: Tally() for kind in READS} for _ in browsing.readers]
        self.barrier = threading.Barrier(len(browsing.readers) + 1)
        self.threads = [
            threading.Thread(target=self._browse, args=(reader, tallies), name=f"client {n + 1}")
            for n, (reader, tallies) in enumerate(zip(browsing.readers, self.tallies, strict=True))
        ]
        self.started = 0.0
        self.cpu: dict[str, float | None] = {}
        self.clients_cpu = 0.0
        self.load_before = 0.0

    def start(self) -> None:
        for thread in self.threads:
            thread.start()
        self.load_before = os.getloadavg()[0]
        self.cpu, self.clients_cpu = self.deployment.cpu(), time.process_time()
        self.started = time.perf_counter()
        self.barrier.wait()

    def _browse(self, reader: Reader, tallies: dict[str, Tally]) -> None:
        self.barrier.wait()
        while not self.stopping.is_set():
            kind = reader.next_kind()
            reader.serial += 1
            method, path, _, _ = _request(kind, reader.rng, self.browsing.setup, reader.me, reader.serial)
            begin = time.perf_counter()
            try:
                status, _ = reader.browser.request(method, path)
            except Exception as exc:
                tallies[kind].failed(f"{method} {path}: {type(exc).__name__}: {exc}")
                continue
            if status != 200:
                tallies[kind].failed(f"{method} {path}: {status}")
                continue
            tallies[kind].latencies.append(time.perf_counter() - begin)

    def end(self) -> dict[str, Any]:
        """Stop browsing (each client finishes the request it is waiting for) and give the figures."""
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        wall = time.perf_counter() - self.started
        after, clients_cpu = self.deployment.cpu(), time.process_time() - self.clients_cpu
        pages: dict[str, Any] = {}
        every: list[float] = []
        problems: list[str] = []
        for kind in READS:
            merged = Tally()
            for tallies in self.tallies:
                merged.latencies += tallies[kind].latencies
                merged.errors += tallies[kind].errors
                problems += tallies[kind].problems
            every += merged.latencies
            requests = len(merged.latencies) + merged.errors
            pages[kind] = {"label": KINDS[kind][0], "requests": requests, "errors": merged.errors,
                           **_latency(merged.latencies)}  # fmt: skip
        total = sum(page["requests"] for page in pages.values())
        cores = {
            part: round((after[part] - before) / wall, 2)
            if before is not None and after[part] is not None
            else None
            for part, before in self.cpu.items()
        }
        return {
            "seconds": round(wall, 1),
            "requests": total,
            "errors": sum(page["errors"] for page in pages.values()),
            **_latency(every),
            "requests_per_second": round(total / wall, 1) if wall > 0 else None,
            "pages": pages,
            "problems": problems[:10],
            "cpu_cores": {**cores, "clients": round(clients_cpu / wall, 2) if wall > 0 else None},
            "load_average": [round(self.load_before, 2), round(os.getloadavg()[0], 2)],
        }

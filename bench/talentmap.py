"""``meeloop bench``: the talent map's figures on a seeded synthetic organisation.

Measures the time to generate the organisation, import time and peak memory
(each import in its own process, so the peak is the import's own), time to load
and build the talent map, who-to-ask latency in process and over HTTP with
concurrent clients. Each figure stands
beside a baseline measured in the same run, with the ratio:

- import: the same rows written with the plain ORM unit of work (``session.add_all``);
- who to ask in process: one SQL query per question (holders of the skill by
  level, no reasons, no fit with the asker) on the same database;
- who to ask over HTTP: ``/api/health`` on the same server, i.e. the cost of
  the HTTP round trip and Flask alone. ``/api/ask`` needs a login: each client logs in first, as an
  HR account made for the run (HR may ask as anyone).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from bench.measuring import percentile
from bench.synthetic import generate_organisation
from bench.web.load import Browser, Failed
from matcher import storage
from matcher.domain.model import Organisation
from matcher.domain.talentmap import TalentMap
from matcher.io import orgjson
from matcher.io.limits import MAX_CELLS, MAX_ROWS
from matcher.io.matrix import write_matrix
from matcher.services import organisation
from matcher.services.accounts import hash_password
from matcher.storage import accounts


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _latencies(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": _ms(percentile(samples, 0.50)),
        "p95_ms": _ms(percentile(samples, 0.95)),
        "p99_ms": _ms(percentile(samples, 0.99)),
        "mean_ms": _ms(statistics.fmean(samples)),
        "n": len(samples),
    }


def _meeloop(*args: str) -> list[str]:
    return [sys.executable, "-c", "from cli.main import main; main()", *args]


def _timed_child(command: list[str]) -> tuple[float, float, float]:
    """Run a command; return its wall time and CPU time in seconds and its peak memory in MiB.

    CPU time is what other work on a shared machine does not stretch."""
    # Errors go to a file, not a pipe: a long message cannot fill a pipe nobody reads until the end.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors) as process:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        if process.returncode != 0:
            errors.seek(0)
            raise click.ClickException(f"{' '.join(command[3:])} failed: {errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def bench_import(org: Organisation, folder: Path) -> dict[str, Any]:
    json_file, csv_file = folder / "org.json", folder / "matrix.csv"
    orgjson.write_json(org, json_file)
    sources = [("json", json_file)]
    # A matrix beyond the reader's limits would only measure its refusal: at 100,000 people it has
    # twice the rows and eight times the cells one file may hold.
    if len(org.people) <= MAX_ROWS and len(org.people) * len(org.skills) <= MAX_CELLS:
        write_matrix(org, csv_file)
        sources.append(("csv", csv_file))
    figures: dict[str, Any] = {}
    for label, source in sources:
        url = f"sqlite:///{folder / f'import-{label}.sqlite3'}"
        seconds, cpu, peak = _timed_child(_meeloop("--db", url, "import", str(source)))
        figures[label] = {
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "peak_mib": round(peak, 1),
        }
    reimport, _, _ = _timed_child(
        _meeloop("--db", f"sqlite:///{folder / 'import-json.sqlite3'}", "import", str(json_file))
    )
    figures["json_again_unchanged"] = {"seconds": round(reimport, 2)}
    baseline = _orm_baseline(org, f"sqlite:///{folder / 'baseline.sqlite3'}")
    figures["baseline_orm_add_all"] = {"seconds": round(baseline, 2)}
    figures["ratio_baseline_to_json"] = round(baseline / figures["json"]["seconds"], 2)
    return figures


def _orm_baseline(org: Organisation, url: str) -> float:
    """The same rows through the ORM's unit of work, one object per row."""
    database = organisation.Database(url)
    start = time.perf_counter()
    with database.transaction() as session:
        session.add_all(storage.SkillRow(**storage.skill_values(s)) for s in org.skills)
        session.add_all(storage.PersonRow(**storage.person_values(p)) for p in org.people)
        session.flush()
        session.add_all(
            storage.HoldingRow(person_id=h.person_id, skill_id=h.skill_id, level=int(h.level))
            for h in org.holdings
        )
        session.add_all(
            storage.WishRow(person_id=w.person_id, skill_id=w.skill_id, priority=w.priority)
            for w in org.wishes
        )
    elapsed = time.perf_counter() - start
    database.dispose()
    return elapsed


def _questions(org: Organisation, count: int, seed: int) -> list[tuple[str, str | None]]:
    """Skill names as people type them, half of them asked as a given person."""
    rng = random.Random(seed)
    held = sorted({h.skill_id for h in org.holdings})
    names = {s.id: s.name for s in org.skills}
    people = [p.id for p in org.people]
    return [
        (names[rng.choice(held)], rng.choice(people) if rng.random() < 0.5 else None) for _ in range(count)
    ]


def _time_each(
    questions: list[tuple[str, str | None]], ask: Callable[[str, str | None], object]
) -> list[float]:
    samples = []
    for skill, asker in questions:
        start = time.perf_counter()
        ask(skill, asker)
        samples.append(time.perf_counter() - start)
    return samples


def bench_map(org: Organisation, url: str, questions: list[tuple[str, str | None]]) -> dict[str, Any]:
    database = organisation.Database(url)
    start = time.perf_counter()
    loaded = organisation.load_organisation(database)
    load_seconds = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    talent = TalentMap(loaded, today=dt.date.today())
    build_seconds, build_cpu = time.perf_counter() - start, time.process_time() - cpu

    ours = _latencies(_time_each(questions, lambda s, a: talent.ask(s, asker_id=a, limit=10)))
    names = {s.name: s.id for s in org.skills}
    holders = (
        select(storage.PersonRow.id, storage.PersonRow.name, storage.HoldingRow.level)
        .join(storage.HoldingRow, storage.HoldingRow.person_id == storage.PersonRow.id)
        .order_by(storage.HoldingRow.level.desc(), storage.PersonRow.name)
        .limit(10)
    )
    with database.sessions() as session:
        baseline = _latencies(
            _time_each(
                questions,
                lambda s, a: session.execute(
                    holders.where(storage.HoldingRow.skill_id == names[s], storage.PersonRow.id != (a or ""))
                ).all(),
            )
        )
    database.dispose()
    return {
        "load_from_database_seconds": round(load_seconds, 2),
        "build_map_seconds": round(build_seconds, 2),
        "build_map_cpu_seconds": round(build_cpu, 3),
        "ask_in_process": ours,
        "baseline_sql_query": baseline,
        "ratio_p95_baseline_to_ask": round(baseline["p95_ms"] / ours["p95_ms"], 2),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise click.ClickException("the server stopped while starting")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=120):
                return
        except OSError:
            time.sleep(0.2)
    raise click.ClickException("the server did not come up")


def _hr_account(url: str) -> tuple[str, str]:
    """An HR account on the benchmark's database, for the clients to log in with."""
    login, password = "bench@example.org", secrets.token_urlsafe(16)
    database = organisation.Database(url)
    try:
        with database.transaction() as session:
            accounts.add_account(
                session,
                login,
                role="hr",
                password_hash=hash_password(password),
                person_id=None,
                now=dt.datetime.now(dt.UTC),
            )
    finally:
        database.dispose()
    return login, password


def _load(port: int, paths: list[str], clients: int, login: tuple[str, str]) -> list[float]:
    """``clients`` logged-in threads share the list of paths; each request is timed."""
    samples: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    queue = iter(paths)

    def client() -> None:
        browser = Browser(port)
        try:
            browser.log_in(*login)
            while True:
                with lock:
                    path = next(queue, None)
                if path is None:
                    return
                start = time.perf_counter()
                status, _ = browser.request("GET", path)
                elapsed = time.perf_counter() - start
                if status != 200:
                    raise Failed(f"GET {path}: {status}")
                with lock:
                    samples.append(elapsed)
        except (Failed, OSError) as exc:
            with lock:
                failures.append(str(exc))
        finally:
            browser.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise click.ClickException(f"the HTTP stage failed: {failures[0]}")
    return samples


def bench_http(url: str, questions: list[tuple[str, str | None]], clients: int) -> dict[str, Any]:
    login = _hr_account(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        _meeloop("--db", url, "serve", "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(base, server)
        paths = []
        for skill, asker in questions:
            query = urllib.parse.urlencode({"skill": skill, **({"as": asker} if asker else {})})
            paths.append(f"/api/ask?{query}")
        _load(port, paths[:50], clients, login)  # warm up connections and caches
        started = time.perf_counter()
        ours = _latencies(_load(port, paths, clients, login))
        wall = time.perf_counter() - started
        baseline = _latencies(_load(port, ["/api/health"] * len(paths), clients, login))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "clients": clients,
        "ask_over_http": ours,
        "requests_per_second": round(len(paths) / wall, 1),
        "baseline_health_endpoint": baseline,
        "ratio_p95_ask_to_health": round(ours["p95_ms"] / baseline["p95_ms"], 2),
    }


def run_benchmark(people: int, skills: int | None, seed: int, questions: int, clients: int) -> dict[str, Any]:
    results: dict[str, Any] = {"people": people, "seed": seed, "python": sys.version.split()[0]}
    results["load_before"] = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="meeloop-bench-") as scratch:
        folder = Path(scratch)
        start = time.perf_counter()
        org = generate_organisation(people, skills, seed=seed)
        results["generate_seconds"] = round(time.perf_counter() - start, 2)
        results |= {"skills": len(org.skills), "holdings": len(org.holdings), "wishes": len(org.wishes)}
        click.echo(
            f"… generated {people} people, {len(org.skills)} skills, {len(org.holdings)} holdings", err=True
        )
        results["import"] = bench_import(org, folder)
        click.echo("… imported", err=True)
        asked = _questions(org, questions, seed)
        url = f"sqlite:///{folder / 'import-json.sqlite3'}"
        results["talent_map"] = bench_map(org, url, asked)
        click.echo("… asked in process", err=True)
        results["http"] = bench_http(url, asked, clients)
    results["load_after"] = os.getloadavg()[0]
    results["peak_mib_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def report(results: dict[str, Any]) -> str:
    imp, tm, http = results["import"], results["talent_map"], results["http"]
    ask, sql = tm["ask_in_process"], tm["baseline_sql_query"]
    web, health = http["ask_over_http"], http["baseline_health_endpoint"]
    rows = [
        ("generate organisation (s)", results["generate_seconds"], "", ""),
        (
            "import JSON (s)",
            imp["json"]["seconds"],
            f"ORM add_all {imp['baseline_orm_add_all']['seconds']}",
            imp["ratio_baseline_to_json"],
        ),
        ("import JSON, CPU (s)", imp["json"]["cpu_seconds"], "", ""),
        ("import JSON peak memory (MiB)", imp["json"]["peak_mib"], "", ""),
        ("import CSV matrix (s)", imp["csv"]["seconds"] if "csv" in imp else "beyond the limits", "", ""),
        ("import CSV peak memory (MiB)", imp["csv"]["peak_mib"] if "csv" in imp else "", "", ""),
        ("re-import, nothing changed (s)", imp["json_again_unchanged"]["seconds"], "", ""),
        ("load organisation from database (s)", tm["load_from_database_seconds"], "", ""),
        ("build talent map (s)", tm["build_map_seconds"], "", ""),
        ("build talent map, CPU (s)", tm["build_map_cpu_seconds"], "", ""),
        ("who to ask in process p50 (ms)", ask["p50_ms"], f"SQL query {sql['p50_ms']}", ""),
        (
            "who to ask in process p95 (ms)",
            ask["p95_ms"],
            f"SQL query {sql['p95_ms']}",
            tm["ratio_p95_baseline_to_ask"],
        ),
        (
            f"who to ask over HTTP, {http['clients']} clients, p50 (ms)",
            web["p50_ms"],
            f"/api/health {health['p50_ms']}",
            "",
        ),
        (
            f"who to ask over HTTP, {http['clients']} clients, p95 (ms)",
            web["p95_ms"],
            f"/api/health {health['p95_ms']}",
            http["ratio_p95_ask_to_health"],
        ),
        ("HTTP throughput (requests/s)", http["requests_per_second"], "", ""),
    ]
    lines = [
        f"{results['people']} people, {results['skills']} skills, {results['holdings']} holdings, "
        f"{results['wishes']} wishes (seed {results['seed']}, Python {results['python']}, "
        f"{os.cpu_count()} cores, load average {results['load_before']:.1f} before and "
        f"{results['load_after']:.1f} after)",
        "",
        "| measure | meeloop | baseline | ratio |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


@click.command()
@click.option("--people", default=20_000, show_default=True, type=click.IntRange(10, 200_000))
@click.option("--skills", default=None, type=click.IntRange(5, 5_000), help="Default: scales with --people.")
@click.option("--seed", default=1, show_default=True)
@click.option("--questions", default=2_000, show_default=True, type=click.IntRange(10, 100_000))
@click.option("--clients", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--out", type=click.Path(path_type=Path), help="Also write the figures as JSON.")
def bench(people: int, skills: int | None, seed: int, questions: int, clients: int, out: Path | None) -> None:
    """Measure import, the talent map and who-to-ask latency on a synthetic organisation."""
    results = run_benchmark(people, skills, seed, questions, clients)
    click.echo(report(results))
    if out:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

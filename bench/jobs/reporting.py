"""The goals a run is held to, and its figures as a Markdown table."""

from __future__ import annotations

import statistics
from typing import Any

#: The p95 page latency while the solves run may be at most this many times that without them.
GOAL_RATIO = 1.5
PHASES = {"without": "A: browsing, no solves", "during": "B: browsing while the solves run"}


def ratio(results: dict[str, Any]) -> float | None:
    """The p95 during the solves over the p95 without them (lower is better)."""
    during, without = results["during"]["p95_ms"], results["without"]["p95_ms"]
    return round(during / without, 2) if during is not None and without else None


def errors(results: dict[str, Any]) -> int:
    """Every request that failed: the clients' logins, their pages in both phases, HR's starts."""
    return (
        len(results["login_errors"])
        + results["without"]["errors"]
        + results["during"]["errors"]
        + len(results["hr"]["errors"])
    )


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    jobs, found = results["jobs"], results["p95_ratio"]
    return [
        {"goal": f"p95 during the solves under {GOAL_RATIO:g}x without (during / without, lower is better)",
         "value": found, "met": found is not None and found < GOAL_RATIO},
        {"goal": "no errors", "value": errors(results),
         "met": errors(results) == 0 and all(results[key]["requests"] > 0 for key in PHASES)},
        {"goal": "every solve done", "value": f"{jobs['done']} of {results['solves']}",
         "met": jobs["done"] == results["solves"]},
        {"goal": "no lost jobs", "value": jobs["lost"], "met": jobs["lost"] == 0},
        {"goal": "no duplicated jobs", "value": jobs["duplicated"], "met": jobs["duplicated"] == 0},
    ]  # fmt: skip


def sound(results: dict[str, Any]) -> bool:
    """Whether the run kept its promises: every goal but the latency one, which is measured only."""
    return all(goal["met"] for goal in results["goals"][1:])


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def report(results: dict[str, Any]) -> str:
    setup, jobs = results["setup_seconds"], results["jobs"]
    lines = [
        f"{results['people']} people on PostgreSQL; {results['web_processes']} web processes (gunicorn, "
        f"{results['web_threads']} threads each) and {results['job_workers']} job workers (one job at a time "
        f"each, at meeloop worker's lower priority); the queue, the sessions and the login limit in Redis; "
        f"{results['clients']} clients browsing; {results['solves']} solves of the whole organisation's "
        f"mentor round, {results['time_limit']:g} s each (seed {results['seed']}, "
        f"Python {results['python']}, {results['cpus']} CPUs)",
        f"setup: generate {setup['generate']} s, import {setup['import']} s, opt-ins {setup['opt_ins']} s, "
        f"processes up {setup['processes_up']} s",
        "",
        "| phase | seconds | requests | req/s | errors | p50 ms | p95 ms | p99 ms | max ms | cores: server "
        "| workers | Redis | clients | machine | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, label in PHASES.items():
        phase, cores = results[key], results[key]["cpu_cores"]
        lines.append(
            f"| {label} | {phase['seconds']} | {phase['requests']} | {_cell(phase['requests_per_second'])} "
            f"| {phase['errors']} | {_cell(phase['p50_ms'])} | {_cell(phase['p95_ms'])} "
            f"| {_cell(phase['p99_ms'])} | {_cell(phase['max_ms'])} | {_cell(cores['server'])} "
            f"| {_cell(cores['workers'])} | {_cell(cores['redis'])} | {_cell(cores['clients'])} "
            f"| {_cell(cores['machine'])} | {', '.join(map(str, phase['load_average']))} |"
        )
    pages = ", ".join(
        f"{page['label']} {_cell(page['p95_ms'])} / {_cell(results['during']['pages'][kind]['p95_ms'])}"
        for kind, page in results["without"]["pages"].items()
    )
    listed = jobs["jobs"]
    waited = [j["waited_s"] for j in listed if j["waited_s"] is not None]
    ran = [j["ran_s"] for j in listed if j["ran_s"] is not None]
    hr = results["hr"]["start_ms"]
    lines += [
        "",
        f"p95 during the solves / without: {_cell(results['p95_ratio'])} (lower is better)",
        f"p95 per page in ms, without / during: {pages}",
        f"solves: {jobs['started']} started, {jobs['done']} done, {jobs['failed']} failed, "
        f"{jobs['lost']} lost (never ended), {jobs['duplicated']} duplicated (run or proposed twice)",
        f"first start to last end: {_cell(jobs['first_start_to_last_end_s'])} s, "
        f"{_cell(jobs['done_per_minute'])} solves done per minute (at most {results['most_per_minute']} with "
        f"{results['job_workers']} workers and {results['time_limit']:g} s per solve)",
        f"per solve: waited in the queue {_cell(_median(waited))} s (median; longest "
        f"{_cell(max(waited, default=None))} s), ran {_cell(_median(ran))} s (median; longest "
        f"{_cell(max(ran, default=None))} s); HR's start request {_cell(hr['p50_ms'])} ms (median; "
        f"slowest {_cell(hr['max_ms'])} ms)",
    ]
    lines += [f"login failed: {p}" for p in results["login_errors"]]
    lines += [f"error ({PHASES[key]}): {p}" for key in PHASES for p in results[key]["problems"]]
    lines += [f"HR's start failed: {p}" for p in results["hr"]["errors"]]
    lines += [
        f"{j['round']}: {j['status'] or 'no job'} (jobs {j['jobs']}, attempts {j['attempts']}, proposed "
        f"{j['proposed']}) {j['message']}".rstrip()
        for j in listed
        if j["status"] != "done" or j["jobs"] > 1 or j["attempts"] > 1 or j["proposed"] > 1
    ]
    lines += [
        f"goal {'met' if g['met'] else 'missed'}: {g['goal']}: {_cell(g['value'])}" for g in results["goals"]
    ]
    return "\n".join(lines)

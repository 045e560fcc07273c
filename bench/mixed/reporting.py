"""The goals a run is held to, and its figures as a Markdown table."""

from __future__ import annotations

from typing import Any

GOAL_MS = 300.0


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    every = results["all"]
    return [
        {"goal": f"p95 under {GOAL_MS:g} ms", "value": every["p95_ms"],
         "met": every["p95_ms"] is not None and every["p95_ms"] < GOAL_MS},
        {"goal": "no errors", "value": every["errors"],
         "met": every["errors"] == 0 and every["requests"] > 0},
        {"goal": "no lost writes", "value": results["writes_checked"]["lost"],
         "met": results["writes_checked"]["lost"] == 0},
    ]  # fmt: skip


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def _server(results: dict[str, Any]) -> str:
    workers, threads = results.get("server_workers", 1), results["server_threads"]
    if workers == 1:
        return f"waitress, one process with {threads} threads"
    return f"gunicorn, {workers} processes with {threads} threads each"


def report(results: dict[str, Any]) -> str:
    setup = results["setup_seconds"]
    lines = [
        f"{results['people']} people on {results['database']}; {results['clients']} clients for "
        f"{results['seconds']:g} s (seed {results['seed']}, Python {results['python']}, "
        f"{results['cpus']} CPUs, "
        f"{_server(results)}); writes {results['write_share']} of the requests",
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

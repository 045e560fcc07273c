"""The goals a run is held to, and its figures as a Markdown table."""

from __future__ import annotations

from typing import Any

from bench.web.load import GOAL_MS

#: Kinds the goal is about (the floor is the baseline, not a goal).
GOAL_KINDS = ("search", "person", "profile")


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

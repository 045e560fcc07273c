"""``meeloop bench-jobs`` browses while HR's solves run on the queue, and accounts for every solve.

Correctness only, on 200 people, 4 clients, 2 solves and short phases, with real processes (Redis, two
web processes, two job workers) on PostgreSQL; the timings are the benchmark's business, not the
tests'.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click
import pytest
from click.testing import CliRunner

from bench.jobs import command, report
from bench.jobs.browsing import READS
from bench.jobs.processes import RedisServer
from bench.jobs.solves import form_fields, summary

PEOPLE, CLIENTS, SOLVES = 200, 4, 2


@pytest.fixture(scope="module")
def figures(postgres_server: str) -> dict[str, Any]:
    options = {"--people": PEOPLE, "--clients": CLIENTS, "--solves": SOLVES, "--seconds": 3,
               "--time-limit": 2, "--postgres-url": postgres_server}  # fmt: skip
    arguments = [str(part) for pair in options.items() for part in pair]
    result = CliRunner().invoke(command, [*arguments, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.postgres
def test_every_client_browses_in_both_phases_without_an_error(figures):
    assert figures["login_errors"] == [] and figures["hr"]["errors"] == []
    for phase in (figures["without"], figures["during"]):
        assert phase["errors"] == 0 and phase["problems"] == []
        assert set(phase["pages"]) == set(READS)
        assert all(page["requests"] > 0 for page in phase["pages"].values())
        assert sum(page["requests"] for page in phase["pages"].values()) == phase["requests"]


@pytest.mark.postgres
def test_every_solve_hr_started_is_done_once_and_none_is_lost(figures):
    jobs = figures["jobs"]
    assert figures["all_ended_in_time"], jobs
    counts = (jobs["started"], jobs["done"], jobs["failed"], jobs["lost"], jobs["duplicated"])
    assert counts == (SOLVES, SOLVES, 0, 0, 0), jobs
    assert len({job["round"] for job in jobs["jobs"]}) == SOLVES
    for job in jobs["jobs"]:
        assert (job["status"], job["jobs"], job["attempts"], job["proposed"]) == ("done", 1, 1, 1), job
        assert job["pairs"] > 0
    # From the first start to the last end: the figures round the span to a tenth of a second and the
    # rate to a hundredth, so the rate lies between what the ends of the span's rounding give.
    span = jobs["first_start_to_last_end_s"]
    fastest, slowest = SOLVES / max(span - 0.05, 0.01) * 60, SOLVES / (span + 0.05) * 60
    assert slowest - 0.005 <= jobs["done_per_minute"] <= fastest + 0.005, jobs


@pytest.mark.postgres
def test_the_ratio_is_the_p95_during_the_solves_over_the_p95_without(figures):
    assert figures["p95_ratio"] == round(figures["during"]["p95_ms"] / figures["without"]["p95_ms"], 2)
    assert [goal["met"] for goal in figures["goals"][1:]] == [True] * 4
    for part in ("server", "workers", "redis", "clients", "machine"):
        assert figures["during"]["cpu_cores"][part] is not None


@pytest.mark.postgres
def test_the_report_names_the_phases_the_ratio_and_its_direction(figures):
    text = report(figures)
    assert "A: browsing, no solves" in text and "B: browsing while the solves run" in text
    assert f"p95 during the solves / without: {figures['p95_ratio']} (lower is better)" in text
    assert f"{SOLVES} done, 0 failed, 0 lost" in text


def _job(round_name: str, status: str | None, *, jobs: int = 1, attempts: int = 1, proposed: int = 1) -> dict:
    created = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    return {
        "round": round_name, "status": status, "jobs": jobs, "attempts": attempts, "proposed": proposed,
        "created": created if status else None,
        "finished": created + dt.timedelta(seconds=30) if status == "done" else None,
    }  # fmt: skip


def test_a_job_that_never_ended_is_lost_and_one_run_twice_is_duplicated():
    found = summary([
        _job("a", "done"), _job("b", "running"), _job("c", None), _job("d", "done", attempts=2),
        _job("e", "done", proposed=2), _job("f", "done", jobs=2), _job("g", "failed"),
    ])  # fmt: skip
    assert (found["done"], found["failed"], found["lost"], found["duplicated"]) == (4, 1, 2, 3)
    assert found["done_per_minute"] == 8.0  # four done within 30 s


def test_hr_sends_the_settings_form_as_a_browser_would():
    page = b"""
    <form method="post" action="/logout"><input type="hidden" name="csrf_token" value="x"></form>
    <form method="post" novalidate>
      <input type="hidden" name="csrf_token" value="t">
      <input name="name" type="text" value="">
      <input name="who" type="radio" value="all" checked><input name="who" type="radio" value="chosen">
      <input name="rules__capacity" type="checkbox" value="y" checked>
      <input name="rules__not_in_reporting_line" type="checkbox" value="y">
      <select name="teams" multiple>
        <option value="t1">T1</option><option value="t2" selected>T2</option>
      </select>
      <select name="mode"><option value="first">F</option><option value="second">S</option></select>
      <textarea name="people">
anna</textarea>
      <input type="submit" value="Propose">
    </form>"""
    assert form_fields(page) == [
        ("csrf_token", "t"), ("name", ""), ("who", "all"), ("rules__capacity", "y"), ("teams", "t2"),
        ("mode", "first"), ("people", "anna"),
    ]  # fmt: skip


def test_without_redis_server_the_benchmark_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(click.ClickException, match="redis-server"):
        RedisServer(tmp_path)

"""``meeloop bench-web`` measures what it says: real logins, every page kind, counts that add up.

Correctness only, on 60 people and 2 clients; the timings are the benchmark's business, not the tests'.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest
from click.testing import CliRunner

from bench import web as bench_web
from bench.synthetic import generate_organisation
from bench.web import FLOOR, command, misspell, report, search_queries
from matcher.domain.talentmap import TalentMap

PEOPLE, CLIENTS, REQUESTS, SEED = 60, 2, 50, 1


def app_has_own_profile(sqlite_url) -> bool:
    """The ``me`` blueprint is being built: the benchmark measures /me/profile once it exists."""
    return bench_web.profile_path(sqlite_url) is not None


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    options = {"--people": PEOPLE, "--clients": CLIENTS, "--requests": REQUESTS, "--seed": SEED}
    arguments = [str(part) for pair in options.items() for part in pair]
    result = CliRunner().invoke(command, [*arguments, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ordered(figures: dict[str, Any]) -> bool:
    return figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"] <= figures["max_ms"]


def test_every_client_logs_in_and_no_request_fails(figures):
    assert figures["login_errors"] == []
    assert figures["all"]["errors"] == 0
    assert all(page["errors"] == 0 and page["problems"] == [] for page in figures["pages"].values())
    roles = [account["role"] for account in figures["accounts"]]
    assert sorted(roles) == ["employee", "hr"]
    assert len({account["person_id"] for account in figures["accounts"]}) == CLIENTS


def test_the_requests_asked_for_are_the_requests_counted(figures):
    pages = figures["pages"]
    assert sum(page["requests"] for page in pages.values()) == REQUESTS
    assert figures["all"]["requests"] == REQUESTS
    assert figures["requests_per_second"] > 0
    assert figures["bounded_by"] == f"{REQUESTS} requests"


def test_search_person_pages_and_the_floor_are_measured(figures, sqlite_url):
    expected = ["search", "person", *(["profile"] if app_has_own_profile(sqlite_url) else [])]
    assert figures["measured"] == expected
    assert list(figures["pages"]) == [*expected, FLOOR]
    assert bool(figures["not_measured"]) == ("profile" not in expected)
    for page in figures["pages"].values():
        assert page["requests"] > 0
    assert figures["pages"]["search"]["path"].startswith("/ask?skill=")
    assert figures["pages"][FLOOR]["path"] == "/api/health"
    assert figures["misspelt_queries"] > 0


def test_percentiles_are_ordered_and_ratios_follow_from_them(figures):
    floor = figures["pages"][FLOOR]["p95_ms"]
    for page in figures["pages"].values():
        assert ordered(page)
        assert page["p95_to_floor"] == pytest.approx(page["p95_ms"] / floor, abs=0.01)
        assert page["p95_to_goal"] == pytest.approx(page["p95_ms"] / 200, abs=0.01)
    assert ordered(figures["all"])
    assert figures["pages"][FLOOR]["p95_to_floor"] == 1.0


def test_goals_name_each_page_and_zero_errors(figures):
    goals = {goal["goal"]: goal for goal in figures["goals"]}
    assert goals[f"zero errors over {REQUESTS} requests"]["met"] is True
    for kind in figures["measured"]:
        label = figures["pages"][kind]["label"]
        goal = goals[f"{label} p95 under 200 ms"]
        assert goal["value"] == figures["pages"][kind]["p95_ms"]
        assert goal["met"] == (goal["value"] < 200)
    text = report(figures)
    assert "| page | path | requests | errors | p50 ms | p95 ms | p99 ms | max ms |" in text
    assert text.count("goal met") + text.count("goal missed") == len(figures["goals"])


def test_a_run_bounded_by_time_prints_the_table():
    result = CliRunner().invoke(command, ["--people", "40", "--clients", "1", "--seconds", "0.5"])
    assert result.exit_code == 0, result.output
    assert "| search (who to ask) | `/ask?skill=…` |" in result.stdout
    assert "goal met: zero errors over" in result.stdout


def test_errors_are_counted_and_make_the_exit_status_non_zero(monkeypatch):
    real = bench_web.prepare

    def nobody_to_see(*args: Any, **kwargs: Any) -> bench_web.Setup:
        setup = real(*args, **kwargs)
        setup.person_ids = ["nobody-at-all"]  # /people/nobody-at-all is a 404
        return setup

    monkeypatch.setattr(bench_web, "prepare", nobody_to_see)
    result = CliRunner().invoke(command, ["--people", "40", "--clients", "2", "--requests", "30", "--json"])
    assert result.exit_code == 1
    figures = json.loads(result.stdout)
    person = figures["pages"]["person"]
    assert person["requests"] > 0
    assert person["errors"] == person["requests"]
    assert person["p95_ms"] is None
    assert person["problems"][0] == "GET /people/nobody-at-all: 404"
    assert figures["all"]["errors"] == person["requests"]
    assert figures["pages"]["search"]["errors"] == 0
    assert {g["goal"]: g["met"] for g in figures["goals"]}["zero errors over 30 requests"] is False


def test_misspelt_searches_reach_their_skill_by_spelling():
    today = dt.date(2026, 1, 1)
    talent = TalentMap(generate_organisation(PEOPLE, seed=SEED, today=today), today=today)
    queries = search_queries(talent, SEED)
    names = {skill.name for skill in talent.organisation.skills}
    misspelt = [query for query, is_misspelt in queries if is_misspelt]
    assert misspelt
    for query in misspelt:
        assert query not in names
        assert talent.resolve_skill(query)[1] == "spelling"
    assert misspell("Omgevingswet", random.Random(3)) != "Omgevingswet"

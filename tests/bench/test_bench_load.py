"""``meeloop bench-load`` runs reads and writes together and finds every write in the database afterwards.

Correctness only, on 80 people, 3 clients and a few seconds; the timings are the benchmark's business,
not the tests'.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from bench.mixed import KINDS, Client, Setup, Written, command, lost_writes, report

PEOPLE, CLIENTS, SECONDS = 80, 3, 4


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def figures(request: pytest.FixtureRequest) -> dict[str, Any]:
    options = {"--people": PEOPLE, "--clients": CLIENTS, "--seconds": SECONDS, "--db": request.param}
    if request.param == "postgres":
        options["--postgres-url"] = request.getfixturevalue("postgres_server")
    arguments = [str(part) for pair in options.items() for part in pair]
    result = CliRunner().invoke(command, [*arguments, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_client_logs_in_and_no_request_fails(figures):
    assert figures["login_errors"] == []
    assert figures["all"]["errors"] == 0
    assert all(page["errors"] == 0 and page["problems"] == [] for page in figures["pages"].values())


def test_every_kind_of_read_and_write_is_asked(figures):
    pages = figures["pages"]
    assert set(pages) == set(KINDS)
    assert all(page["requests"] > 0 for page in pages.values())
    assert sum(p["requests"] for p in pages.values()) == figures["all"]["requests"]
    writes = sum(p["requests"] for p in pages.values() if p["write"])
    assert 0.3 <= writes / figures["all"]["requests"] <= 0.5


def test_every_write_that_succeeded_is_found_in_the_database(figures):
    checked = figures["writes_checked"]
    saved = figures["pages"]["shadow"]["requests"] + CLIENTS
    assert checked["checked"] >= saved
    assert checked["lost"] == 0 and checked["problems"] == []
    assert all(goal["met"] for goal in figures["goals"] if goal["goal"] != "p95 under 300 ms")


def test_the_report_names_each_request_and_the_lost_writes(figures):
    text = report(figures)
    assert all(label in text for label, _, _ in KINDS.values())
    assert f"lost: {figures['writes_checked']['lost']}" in text


def test_a_write_the_database_does_not_hold_counts_as_lost(db):
    setup = Setup(db.url, "", [Client("x@example.org", "nobody", 1, ())], [], [])
    written = {"nobody": Written(profile={"levels": {"py": 3}}, shadow_requests=2)}
    found = lost_writes(db.url, setup, written)
    assert found["lost"] == 3 and len(found["problems"]) == 2

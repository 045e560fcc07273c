"""Invites from the command line: a real meeloop process, a real SQLite file, a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from cli.main import demo_data_dir
from tests.clitools import run
from tests.mailtools import smtp_server
from tests.optins import opt_in_at


def ok(*args: str, db: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = run(*args, db=db, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def published(sqlite_url, tmp_path) -> str:
    """The demo organisation with a published mentor round that has its meeting series."""
    ok("import", str(demo_data_dir() / "organisation.json"), db=sqlite_url, cwd=tmp_path)
    opt_in_at(sqlite_url, demo_data_dir() / "organisation.json")
    ok(
        "pair",
        "--mode",
        "mentor",
        "--round",
        "r1",
        "--time-limit",
        "5",
        "--save",
        db=sqlite_url,
        cwd=tmp_path,
    )
    ok("publish", "r1", db=sqlite_url, cwd=tmp_path)
    dates = ("--from", "2027-03-01", "--to", "2027-04-30", "--every", "2")
    ok("meet", "r1", *dates, "--save", db=sqlite_url, cwd=tmp_path)
    return sqlite_url


@pytest.fixture
def smtp():
    with smtp_server() as (bag, port):
        env = {
            "MEELOOP_SMTP_HOST": "127.0.0.1",
            "MEELOOP_SMTP_PORT": str(port),
            "MEELOOP_SMTP_SECURITY": "none",
            "MEELOOP_SMTP_FROM": "mentoring@wadloo.example",
        }
        yield bag, env


def test_send_queues_without_a_server_and_delivers_once_there_is_one(published, tmp_path, smtp):
    bag, env = smtp
    dry = json.loads(ok("send", "r1", "--dry-run", "--json", db=published, cwd=tmp_path))
    assert dry["dry_run"] and dry["queued"] and {m["method"] for m in dry["queued"]} == {"REQUEST"}
    assert json.loads(ok("send", "r1", "--dry-run", "--json", db=published, cwd=tmp_path)) == dry
    assert "not configured" in ok("send", "r1", db=published, cwd=tmp_path)
    waiting = json.loads(ok("outbox", "--json", db=published, cwd=tmp_path))
    assert len(waiting) == len(dry["queued"]) and {m["status"] for m in waiting} == {"queued"}
    sent = json.loads(ok("send", "r1", "--json", db=published, cwd=tmp_path, env=env))
    assert sent["queued"] == [] and sent["sent"] == len(waiting) and sent["waiting"] == 0
    assert len(bag.received) == len(waiting)
    assert {m["status"] for m in json.loads(ok("outbox", "--json", db=published, cwd=tmp_path))} == {"sent"}

    # A swap after publishing: planning again and sending sends updates and cancellations only.
    pairs = json.loads(ok("round", "r1", "--json", db=published, cwd=tmp_path))["pairs"]
    a, b = pairs[0]["members"][1], pairs[1]["members"][1]
    ok("swap", "r1", a, b, db=published, cwd=tmp_path)
    ok(
        "meet",
        "r1",
        "--from",
        "2027-03-01",
        "--to",
        "2027-04-30",
        "--every",
        "2",
        "--save",
        db=published,
        cwd=tmp_path,
    )
    again = json.loads(ok("send", "r1", "--json", db=published, cwd=tmp_path, env=env))
    methods = sorted((m["method"], m["person"]) for m in again["queued"])
    assert ("CANCEL", a) in methods and ("CANCEL", b) in methods
    assert {m["sequence"] for m in again["queued"]} == {1} and len(methods) == 6


def test_ics_writes_round_person_and_event_files(published, tmp_path):
    out = tmp_path / "files"
    assert "round.ics" in ok("ics", "r1", "--out", str(out), db=published, cwd=tmp_path)
    round_file = icalendar.Calendar.from_ical((out / "round.ics").read_bytes())
    events = round_file.walk("VEVENT")
    assert events and str(round_file["METHOD"]) == "PUBLISH"
    person = sorted(p.stem for p in out.glob("*.ics") if p.stem != "round")[0]
    mine = run("ics", "--person", person, db=published, cwd=tmp_path)
    assert mine.returncode == 0
    assert icalendar.Calendar.from_ical(mine.stdout).walk("VEVENT")
    one = icalendar.Calendar.from_ical(ok("ics", "--event", "1", db=published, cwd=tmp_path))
    assert str(one.walk("VEVENT")[0]["UID"]).startswith("meeloop-event-1@")


def test_feed_token_prints_the_addresses_once_and_revokes(published, tmp_path):
    shown = ok("feed-token", "E00002", db=published, cwd=tmp_path)
    assert "webcal://" in shown and "/feed/" in shown
    assert "revoked" in ok("feed-token", "E00002", "--revoke", db=published, cwd=tmp_path)
    assert "had no feed address" in ok("feed-token", "E00002", "--revoke", db=published, cwd=tmp_path)


def test_bad_input_gets_a_clear_answer_and_no_trace(published, tmp_path):
    cases = [
        (("ics",), 2, "give one of"),
        (("send", "nope"), 1, "nothing is planned for 'nope'"),
        (("move", "9999", "2027-03-02T10:00"), 1, "no planned event 9999"),
        (("swap", "r1", "ghost", "E00002"), 1, "nobody with id 'ghost'"),
        (("feed-token", "ghost"), 1, "nobody with id 'ghost'"),
    ]
    for args, status, message in cases:
        result = run(*args, db=published, cwd=tmp_path)
        assert result.returncode == status and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    bad = run(
        "send", "r1", db=published, cwd=tmp_path, env={"MEELOOP_SMTP_HOST": "x", "MEELOOP_SMTP_PORT": "abc"}
    )
    assert bad.returncode != 0 and "MEELOOP_SMTP_PORT" in bad.stderr and "Traceback" not in bad.stderr
    waiting = json.loads(ok("outbox", "--json", db=published, cwd=tmp_path))
    assert waiting == []


def test_send_retry_failed_sends_again_what_a_mailbox_refused_once_it_is_fixed(published, tmp_path, smtp):
    bag, env = smtp
    ok("send", "r1", db=published, cwd=tmp_path)
    refused = json.loads(ok("outbox", "--json", db=published, cwd=tmp_path))[0]["email"]
    bag.refuse = {refused}
    first = run("send", "r1", "--json", db=published, cwd=tmp_path, env=env)
    assert first.returncode == 1
    failed = len(json.loads(first.stdout)["failed"])
    assert failed and json.loads(first.stdout)["waiting"] == 0
    assert len(bag.received) == len(json.loads(ok("outbox", "--json", db=published, cwd=tmp_path))) - failed
    bag.refuse = set()
    again = json.loads(ok("send", "r1", "--retry-failed", "--json", db=published, cwd=tmp_path, env=env))
    assert again["retried"] == failed and again["sent"] == failed and not again["failed"]
    said = ok("send", "--retry-failed", db=published, cwd=tmp_path, env=env)
    assert "0 failed messages queued again" in said
    statuses = {m["status"] for m in json.loads(ok("outbox", "--json", db=published, cwd=tmp_path))}
    assert statuses == {"sent"}

"""Groups and time from the command line: a real meeloop process on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from cli.main import demo_data_dir
from matcher.domain.notice import earliest_start, first_day_after_notice
from tests.clitools import run
from tests.optins import opt_in_at

CALENDARS = demo_data_dir().parent / "calendars"


@pytest.fixture
def demo(sqlite_url, tmp_path) -> str:
    result = run("import", str(demo_data_dir() / "organisation.json"), db=sqlite_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    opt_in_at(sqlite_url, demo_data_dir() / "organisation.json")
    return sqlite_url


def run_json(db: str, cwd, *args: str):
    result = run(*args, "--json", db=db, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_groups_json_lists_person_ids_with_score_and_reasons_and_saves(demo, tmp_path):
    proposal = run_json(
        demo,
        tmp_path,
        "groups",
        "--kind",
        "intervision",
        "--round",
        "iv",
        "--size",
        "4-6",
        "--time-limit",
        "2",
    )
    assert proposal["kind"] == "intervision" and proposal["violations"] == []
    assert {"status", "objective", "bound", "gap"} <= proposal.keys()
    placed = [m for g in proposal["groups"] for m in g["members"]]
    assert len(placed) == len(set(placed)) and all(4 <= len(g["members"]) <= 6 for g in proposal["groups"])
    assert all(g["reasons"] and isinstance(g["score"], float | int) for g in proposal["groups"])
    assert run_json(demo, tmp_path, "rounds") == []
    saved = run(
        "groups",
        "--kind",
        "intervision",
        "--round",
        "iv",
        "--time-limit",
        "1",
        "--save",
        db=demo,
        cwd=tmp_path,
    )
    assert saved.returncode == 0, saved.stderr
    [listed] = run_json(demo, tmp_path, "rounds")
    assert (listed["round"], listed["mode"], listed["status"]) == ("iv", "intervision", "proposed")
    stored = run_json(demo, tmp_path, "round", "iv")
    assert stored["groups"] and "pairs" not in stored


def test_a_bad_size_or_config_is_a_clear_error(demo, tmp_path):
    bad = run("groups", "--kind", "think-tank", "--round", "x", "--size", "7-5", db=demo, cwd=tmp_path)
    assert bad.returncode == 2 and "MIN at most MAX" in bad.stderr and "Traceback" not in bad.stderr
    (tmp_path / "tt.json").write_text(json.dumps({"kind": "think-tank", "criteria": [{"attribute": "age"}]}))
    bad = run("groups", "--round", "x", "--config", "tt.json", db=demo, cwd=tmp_path)
    assert bad.returncode == 2 and "tt.json" in bad.stderr and "criteria[0].attribute" in bad.stderr


def test_calendar_import_reports_a_bad_file_by_name_and_line(demo, tmp_path):
    good = run("calendar", "import", "E00001", str(CALENDARS / "google-export.ics"), db=demo, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    (tmp_path / "cut.ics").write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261201T100000Z\n")
    bad = run("calendar", "import", "E00001", "cut.ics", db=demo, cwd=tmp_path)
    assert bad.returncode == 2 and "cut.ics" in bad.stderr and "Traceback" not in bad.stderr


def test_shadow_requests_are_stored_and_listed(demo, tmp_path):
    made = run_json(
        demo, tmp_path, "shadow", "request", "E00002", "--skill", "python", "--length", "hour",
        "--from", "2026-12-01", "--to", "2026-12-18",
    )  # fmt: skip
    assert (made["guest"], made["skill"], made["minutes"], made["status"]) == ("E00002", "python", 60, "open")
    bad = run(
        "shadow", "request", "E00002", "--from", "2026-12-01", "--to", "2026-11-01", db=demo, cwd=tmp_path
    )
    assert bad.returncode == 2 and "field 'to'" in bad.stderr and "field 'skill'" in bad.stderr
    assert [r["id"] for r in run_json(demo, tmp_path, "shadow", "requests")] == [made["id"]]


def test_meet_gives_utc_times_in_working_hours_for_a_published_round(demo, tmp_path):
    saved = run(
        "pair", "--mode", "buddy", "--round", "buddies", "--time-limit", "2", "--save", db=demo, cwd=tmp_path
    )
    assert saved.returncode == 0, saved.stderr
    early = run("meet", "buddies", db=demo, cwd=tmp_path)
    assert early.returncode == 1 and "not published" in early.stderr
    assert run("publish", "buddies", db=demo, cwd=tmp_path).returncode == 0
    plan = run_json(demo, tmp_path, "meet", "buddies", "--from", "2027-03-22", "--every", "2", "--save")
    assert plan["meetings"]
    for meeting in plan["meetings"]:
        start = dt.datetime.fromisoformat(meeting["start"])
        assert start.utcoffset() == dt.timedelta(0)
        local = start.astimezone(ZoneInfo(meeting["timezone"]))
        assert 7 <= local.hour < 19 and local.weekday() < 5
        # The series keeps its wall-clock time across the change to summer time on 28 March.
        hours = {
            dt.datetime.fromisoformat(o["start"]).astimezone(ZoneInfo(meeting["timezone"])).time()
            for o in meeting["occurrences"]
        }
        assert len(hours) == 1 and len(meeting["occurrences"]) > 1


def test_meet_shadow_and_lunch_plans_start_after_the_notice_period_by_default(demo, tmp_path):
    """Without --from, the first day is the first working day after the notice period (three working
    days here, from MEELOOP_NOTICE_DAYS), and nothing starts before it."""
    env = {"MEELOOP_NOTICE_DAYS": "3"}
    assert (
        run(
            "pair",
            "--mode",
            "buddy",
            "--round",
            "buddies",
            "--time-limit",
            "2",
            "--save",
            db=demo,
            cwd=tmp_path,
        ).returncode
        == 0
    )
    assert run("publish", "buddies", db=demo, cwd=tmp_path).returncode == 0
    now = dt.datetime.now(dt.UTC)
    earliest = earliest_start(now, 3, frozenset(), "Europe/Amsterdam")
    first = first_day_after_notice(now, 3, frozenset(), "Europe/Amsterdam")
    planned = run("meet", "buddies", "--json", db=demo, cwd=tmp_path, env=env)
    assert planned.returncode == 0, planned.stderr
    starts = [dt.datetime.fromisoformat(m["start"]) for m in json.loads(planned.stdout)["meetings"]]
    assert starts and min(starts) >= earliest
    # The first meetings are searched from that first day on: the earliest falls in its week.
    assert min(starts).astimezone(ZoneInfo("Europe/Amsterdam")).date() < first + dt.timedelta(days=7)
    last = (first + dt.timedelta(days=20)).isoformat()
    lunch_plan = run("lunch", "plan", "--to", last, "--json", db=demo, cwd=tmp_path, env=env)
    assert lunch_plan.returncode == 0, lunch_plan.stderr
    sessions = [dt.datetime.fromisoformat(s["start"]) for s in json.loads(lunch_plan.stdout)["sessions"]]
    assert all(start >= earliest for start in sessions)
    shadow_plan = run("shadow", "plan", "--to", last, "--json", db=demo, cwd=tmp_path, env=env)
    assert shadow_plan.returncode == 0, shadow_plan.stderr
    slots = [dt.datetime.fromisoformat(s["start"]) for s in json.loads(shadow_plan.stdout)["slots"]]
    assert all(start >= earliest for start in slots)
    bad = run("meet", "buddies", db=demo, cwd=tmp_path, env={"MEELOOP_NOTICE_DAYS": "many"})
    assert bad.returncode != 0 and "MEELOOP_NOTICE_DAYS" in bad.stderr and "'many'" in bad.stderr

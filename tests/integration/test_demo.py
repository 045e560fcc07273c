"""The demo built for a given day: dates moved to that day, holidays, calendars with busy time ahead,
a published past round whose pairs met and meet again, and reflections on the sessions held."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest

from matcher.domain.availability import read_busy
from matcher.domain.surveys import Suppressed
from matcher.io import orgjson
from matcher.services import (
    demo,
    demo_today,
    organisation,
    personal,
    reflections,
    rounds,
    scheduling,
    surveys,
)
from tests.clitools import MEELOOP
from tests.webtools import add_account, log_in, make_app

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "organisation.json"
#: A Wednesday well after the day the organisation file was written for.
NOW = dt.datetime(2027, 6, 9, 10, 30, tzinfo=dt.UTC)
EMPLOYEE = next(person_id for person_id, role in demo.ACCOUNTS if role == "employee")
HR = next(person_id for person_id, role in demo.ACCOUNTS if role == "hr")


@pytest.fixture(scope="module")
def built(tmp_path_factory, sqlite_copy) -> dict[str, Any]:
    """The demo as `meeloop demo` builds it on NOW, on an SQLite file, with its sample calendars."""
    folder = tmp_path_factory.mktemp("demo")
    url = sqlite_copy(folder)
    building = organisation.Database(url)
    demo.load_demo(building, DEMO, now=NOW, calendars=folder / "calendars")
    building.dispose()  # the file holds all of it now: tests copy it
    db = organisation.Database(url)
    yield {"db": db, "calendars": folder / "calendars", "file": folder / "meeloop.sqlite3"}
    db.dispose()


def snapshot(db: organisation.Database) -> dict[str, Any]:
    """What a newcomer sees of the demo: events, reflections, holidays, calendars and rounds."""
    events = [
        (e.title, e.start, e.end, e.members, e.rrule, tuple(e.occurrences)) for e in scheduling.scheduled(db)
    ]
    people = [p.id for p in organisation.load_organisation(db).people]
    return {
        "events": sorted(events, key=repr),
        "reflections": {p: reflections.reflections_of(db, p) for p in people},
        "holidays": scheduling.holidays(db),
        "calendars": {p: personal.current_calendar(db, p) for p, _role in demo.ACCOUNTS},
        "rounds": [(r.name, r.status) for r in rounds.list_rounds(db)],
        "requests": [
            (r.guest_id, r.skill_id, r.minutes, r.first_day, r.last_day)
            for r in scheduling.shadow_requests(db)
        ],
    }


def test_the_demo_moves_its_dates_to_the_day_it_starts(built):
    in_file = {p.id: p for p in orgjson.read_json(DEMO).organisation.people}
    stored = organisation.load_organisation(built["db"]).people
    weeks = demo_today.weeks_moved(NOW.date())
    assert weeks > 0
    for person in stored:
        before = in_file[person.id]
        if before.start_date:
            assert person.start_date == before.start_date + dt.timedelta(weeks=weeks)
            assert person.start_date.weekday() == before.start_date.weekday()
    leaving = [p.leaving_date for p in stored if p.leaving_date]
    assert leaving and all(day > NOW.date() for day in leaving)
    assert any(day <= NOW.date() for p in in_file.values() if (day := p.leaving_date))


def test_the_demo_has_the_dutch_public_holidays_of_this_year_and_the_next(built):
    holidays = scheduling.holidays(built["db"])
    assert holidays[dt.date(2027, 4, 27)] == "Koningsdag"
    assert holidays[dt.date(2028, 12, 25)] == "Eerste kerstdag"
    assert holidays[dt.date(2028, 5, 25)] == "Hemelvaartsdag"
    assert {day.year for day in holidays} == {2027, 2028}


def test_the_demo_employee_has_meetings_coming_up_after_the_day_and_sessions_held_before_it(built):
    mine = personal.my_events(built["db"], EMPLOYEE, now=NOW)
    coming = [start for event in mine for start, _end in event.upcoming]
    assert coming and all(start > NOW for start in coming)
    assert min(coming) < NOW + dt.timedelta(weeks=3)
    held = reflections.past_sessions(built["db"], EMPLOYEE, today=NOW.date())
    assert len(held) >= 3 and all(s.start < NOW for s in held)


def test_the_past_round_is_published_and_every_pair_in_it_meets(built):
    (reverse,) = [r for r in rounds.list_rounds(built["db"]) if r.name.endswith(" reverse")]
    assert reverse.status == "published"
    stored = rounds.load_round(built["db"], reverse.name)
    meetings = scheduling.scheduled(built["db"], kind="meeting", source=reverse.name)
    assert len(meetings) == len(stored.pairs) >= 20
    for event in meetings:
        starts = [time.start for time in event.times()]
        assert starts[0] < NOW < starts[-1], event.title


def test_the_sample_calendars_hold_busy_time_in_the_coming_weeks(built):
    files = sorted(built["calendars"].glob("*.ics"))
    people = {p.id: p for p in organisation.load_organisation(built["db"]).people}
    assert {f"agenda-{person_id}.ics" for person_id, _role in demo.ACCOUNTS} <= {f.name for f in files}
    for path in files:
        person = people[path.stem.removeprefix("agenda-")]
        busy = read_busy(
            path.read_bytes(),
            source=path.name,
            timezone=person.timezone,
            window=(NOW, NOW + dt.timedelta(weeks=4)),
        )
        assert len(busy) >= 4, path.name
        assert personal.current_calendar(built["db"], person.id).busy_count > 0


def test_an_upload_of_a_sample_calendar_reports_busy_times(built, tmp_path):
    db = organisation.Database(f"sqlite:///{shutil.copy(built['file'], tmp_path / 'copy.sqlite3')}")
    try:
        found = scheduling.import_calendar(db, HR, built["calendars"] / f"agenda-{EMPLOYEE}.ics", now=NOW)
    finally:
        db.dispose()
    assert found >= 10


def test_the_reflection_report_of_the_demo_counts_reflections_on_the_round(built):
    tallies = reflections.reflection_tallies(built["db"], by="round_kind")
    assert tallies["reverse"].reflections >= 20
    counts = reflections.reflection_counts(built["db"])
    assert counts["immediate"] > counts["reframing"] > 0


def test_the_demo_employee_reflected_on_every_session_but_the_latest(built):
    held = reflections.past_sessions(built["db"], EMPLOYEE, today=NOW.date())
    latest, *earlier = held
    assert latest.reflection is None
    assert earlier and all(s.reflection is not None for s in earlier)


def test_the_demo_is_the_same_for_the_same_day(built, db, tmp_path):
    demo.load_demo(db, DEMO, now=NOW, calendars=tmp_path)
    assert snapshot(db) == snapshot(built["db"])
    for path in built["calendars"].glob("*.ics"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_on_the_day_it_starts_the_demo_pages_show_plans_reflections_and_a_report(built, tmp_path):
    path = shutil.copy(built["file"], tmp_path / "pages.sqlite3")
    app = make_app(f"sqlite:///{path}", TODAY=NOW.date())
    try:
        add_account(app, "joost@wadloo.nl", "employee", EMPLOYEE)
        add_account(app, "hr@wadloo.nl", "hr", HR)
        employee, hr = app.test_client(), app.test_client()
        log_in(employee, "joost@wadloo.nl")
        log_in(hr, "hr@wadloo.nl")
        (event,) = personal.my_events(app.extensions["meeloop"]["db"], EMPLOYEE, now=NOW)
        plans = employee.get("/me/plans").get_data(as_text=True)
        assert f"/me/plans/{event.event.id}.ics" in plans
        sessions = employee.get("/me/reflections").get_data(as_text=True)
        assert sessions.count(f"/me/reflections/{event.event.id}/") >= 3
        report = hr.get("/hr/reports/reflections")
        assert report.status_code == 200 and "<svg" in report.get_data(as_text=True)
    finally:
        app.extensions["meeloop"]["db"].dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_demo_server_links_to_its_own_port_with_the_demo_organiser_and_meeting_link(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEELOOP_", "LC_", "LANG"))}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [MEELOOP, "--lang", "en", "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        assert server.stdout is not None
        said = []
        for line in server.stdout:
            said.append(line)
            if "meeloop is running on" in line:
                break
        login, password = next(line.split()[1:3] for line in said if line.startswith("  employee "))
        address = f"http://127.0.0.1:{port}"
        assert f"{address}/" in said[-1]
        with httpx.Client(base_url=address, timeout=30) as client:
            for _ in range(100):
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
            client.post("/login", data={"login": login, "password": password, "csrf_token": token})
            response = client.get("/me/plans.ics")
        assert response.status_code == 200
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        assert events
        for event in events:
            assert str(event["URL"]) == f"{address}/me/plans"
            assert str(event["ORGANIZER"]) == f"mailto:{demo.SETTINGS['MEELOOP_ORGANIZER']}"
        sites = {p.site for p in orgjson.read_json(DEMO).organisation.people}
        assert {str(e["LOCATION"]) for e in events} <= sites | {demo.SETTINGS["MEELOOP_ONLINE_LINK"]}
    finally:
        server.terminate()
        server.communicate(timeout=30)
        log.close()


def test_some_of_the_team_wait_for_hr_to_plan_their_shadowing_in_the_coming_weeks(built):
    requests = scheduling.shadow_requests(built["db"], status="open")
    assert len(requests) == demo_today.SHADOW_ASKERS
    assert all(NOW.date() < r.first_day < r.last_day for r in requests)
    team = {p.id for p in demo_today.calendar_people(organisation.load_organisation(built["db"]))}
    assert {r.guest_id for r in requests} <= team


def test_the_learning_climate_report_has_a_trend_per_team_and_the_demo_employee_may_still_answer(built):
    db = built["db"]
    results = surveys.climate_results(db)
    quarters = {quarter for cells in results.values() for quarter in cells}
    assert len(quarters) == demo_today.CLIMATE_QUARTERS
    shown = [
        cell for cells in results.values() for cell in cells.values() if not isinstance(cell, Suppressed)
    ]
    assert shown, "some teams have enough answers to show"
    employee = next(person_id for person_id, role in demo_today.ACCOUNTS if role == "employee")
    assert surveys.climate_form(db, employee, today=NOW.date()).answer is None

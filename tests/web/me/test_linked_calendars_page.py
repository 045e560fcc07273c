"""The linked-calendar pages: the employee links, reads and unlinks their own calendar, HR does it for
a person and sees everyone's; a read runs on the app's inline queue against a real HTTP server.
Flask's test client on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest

from matcher.io.linked_calendars import SecretBox
from matcher.services import calendars
from tests.caldav_server import Served
from tests.web.me.support import BRAM, CHEN, HR, page_text
from tests.webtools import csrf_token, log_in, make_app

#: Every Monday morning from November on, so that whatever today is, the weeks ahead hold busy time.
WEEKLY = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//meeloop tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\n"
    "DTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/Amsterdam:20261102T090000\r\n"
    "DTEND;TZID=Europe/Amsterdam:20261102T100000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n"
    "SUMMARY:Teamoverleg Wmo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def app(prepared, tmp_path, monkeypatch):
    monkeypatch.setenv("MEELOOP_CALENDAR_PRIVATE", "1")
    monkeypatch.setenv("MEELOOP_CALENDAR_KEY", SecretBox.new_key())
    path = tmp_path / "meeloop.sqlite3"
    shutil.copyfile(prepared, path)
    app = make_app(f"sqlite:///{path}", JOBS_INLINE=True)
    yield app
    app.extensions["meeloop"]["db"].dispose()


def client_of(app, login: str):
    client = app.test_client()
    log_in(client, login)
    return client


def send(client, page: str, action: str, data: dict[str, str]):
    return client.post(action, data={**data, "csrf_token": csrf_token(client, page)})


def test_an_employee_links_their_published_calendar_and_sees_it_read(app, ics_server):
    bram = client_of(app, BRAM)
    url = ics_server.serve("/bram/secret-token/calendar.ics", WEEKLY)
    response = send(bram, "/me/calendar-link", "/me/calendar-link", {"kind": "ics-url", "url": url})
    assert response.status_code == 302
    page = page_text(bram.get("/me/calendar-link"))
    assert "secret-token" not in page and ics_server.url in page.replace("…", "")  # only the host is shown
    linked = calendars.linked_calendar(app.extensions["meeloop"]["db"], "bram")
    assert linked is not None and linked.last_read is not None and linked.busy_count >= 8
    assert "Teamoverleg" not in page


def test_a_failed_read_is_shown_with_why_and_the_busy_time_stays(app, ics_server):
    bram = client_of(app, BRAM)
    url = ics_server.serve("/bram.ics", WEEKLY)
    send(bram, "/me/calendar-link", "/me/calendar-link", {"kind": "ics-url", "url": url})
    ics_server.serve("/bram.ics", Served(status=500))
    response = send(bram, "/me/calendar-link", "/me/calendar-link/read", {})
    assert response.status_code == 302
    page = page_text(bram.get("/me/calendar-link"))
    assert "The last read failed" in page and "error 500" in page
    assert "keeps using the busy times of the last good read" in page


def test_the_page_speaks_dutch_to_a_dutch_reader(app, ics_server):
    bram = client_of(app, BRAM)
    send(
        bram, "/me/calendar-link", "/me/calendar-link", {"kind": "ics-url", "url": "http://127.0.0.1:9/x.ics"}
    )
    page = page_text(bram.get("/me/calendar-link", headers={"Accept-Language": "nl"}))
    assert "Gekoppelde agenda" in page or "gekoppelde agenda" in page
    assert "is niet bereikbaar" in page


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"kind": "ics-url", "url": "agenda"}, "url", "give an address that starts with https://"),
        ({"kind": "caldav", "url": "https://dav.example.org/cal/", "password": "x"}, "username", "user name"),
    ],
)
def test_a_link_that_cannot_work_is_refused_at_its_field(app, data, field, says):
    bram = client_of(app, BRAM)
    response = send(bram, "/me/calendar-link", "/me/calendar-link", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', html)
    assert f'id="{field}-error"' in html and says in page_text(response)
    assert calendars.linked_calendar(app.extensions["meeloop"]["db"], "bram") is None


def test_unlinking_forgets_the_calendar(app, ics_server):
    bram = client_of(app, BRAM)
    send(
        bram,
        "/me/calendar-link",
        "/me/calendar-link",
        {"kind": "ics-url", "url": ics_server.serve("/b.ics", WEEKLY)},
    )
    response = send(bram, "/me/calendar-link", "/me/calendar-link/unlink", {})
    assert response.status_code == 302
    assert calendars.linked_calendar(app.extensions["meeloop"]["db"], "bram") is None
    assert "No calendar is linked." in page_text(bram.get("/me/calendar-link"))


def test_hr_links_a_calendar_for_a_person_and_sees_every_link(app, ics_server):
    hr = client_of(app, HR)
    url = ics_server.serve("/chen.ics", WEEKLY)
    response = send(
        hr, "/hr/people/chen/calendar-link", "/hr/people/chen/calendar-link", {"kind": "ics-url", "url": url}
    )
    assert response.status_code == 302
    linked = calendars.linked_calendar(app.extensions["meeloop"]["db"], "chen")
    assert linked is not None and linked.linked_by == HR and linked.busy_count > 0
    overview = page_text(hr.get("/hr/calendar-links"))
    assert "/hr/people/chen/calendar-link" in overview


def test_an_employee_cannot_reach_hr_s_pages_for_someone_else(app):
    chen = client_of(app, CHEN)
    assert chen.get("/hr/people/bram/calendar-link").status_code == 403
    assert chen.get("/hr/calendar-links").status_code == 403


def test_my_data_export_lists_my_link_without_its_password_or_full_address(app, ics_server):
    db = app.extensions["meeloop"]["db"]
    calendars.link_calendar(
        db,
        "bram",
        kind=calendars.CALDAV,
        url="https://dav.example.org/calendars/bram/private-token/",
        username="bram",
        password="hunter2-app-password",
        by=BRAM,
        now=dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC),
    )
    bram = client_of(app, BRAM)
    response = bram.get("/me/data.json")
    linked = json.loads(response.data)["linked_calendar"]
    assert linked["kind"] == "caldav" and linked["address"] == "https://dav.example.org/…"
    assert linked["user_name"] == "bram" and linked["busy"] == []
    text = response.get_data(as_text=True)
    assert "hunter2" not in text and "private-token" not in text

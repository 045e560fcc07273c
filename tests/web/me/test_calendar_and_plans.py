"""The employee's own pages (/me): calendar upload, plans and invites, and feeds. Flask's test
client on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import icalendar
import pytest

from matcher.io.ics import participants
from matcher.services import personal, scheduling
from tests.web.me.support import CALENDARS, bram_meeting, dirk_slot, page_text, submit
from tests.webtools import csrf_token

# -- calendar upload ---------------------------------------------------------------------------------


def _upload(client, name: str, data: bytes):
    token = csrf_token(client, "/me/profile")
    return client.post(
        "/me/profile/calendar",
        data={"csrf_token": token, "calendar": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_uploaded_calendar_is_stored_as_busy_time(bram, app_db):
    response = _upload(bram, "outlook-team-wmo.ics", (CALENDARS / "outlook-team-wmo.ics").read_bytes())
    assert response.status_code == 302
    stored = personal.current_calendar(app_db, "bram")
    assert stored is not None and stored.filename == "outlook-team-wmo.ics" and stored.busy_count > 0
    assert "outlook-team-wmo.ics" in page_text(bram.get("/me/profile"))


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (
            "agenda.ics",
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:2026-11-30 9 uur\r\n"
            b"DTEND:20261130T100000Z\r\nSUMMARY:Overleg\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "agenda.ics, line 5, event 'Overleg' (UID 1), field 'DTSTART': cannot be read",
        ),
        ("agenda.ics", b"hello", "agenda.ics, line 1: is not an iCalendar file"),
        ("agenda.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "is never closed; is the file cut off?"),
        ("agenda.txt", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "'agenda.txt' is not a calendar file"),
    ],
)
def test_a_bad_calendar_file_is_refused_with_where_it_is_wrong(bram, app_db, name, data, says):
    response = _upload(bram, name, data)
    assert response.status_code == 400
    assert says in page_text(response)
    assert personal.current_calendar(app_db, "bram") is None


def test_a_calendar_with_a_very_long_file_name_is_stored_under_a_shortened_name(bram, app_db):
    data = (CALENDARS / "outlook-team-wmo.ics").read_bytes()
    assert _upload(bram, "agenda-" + "é" * 150 + "x" * 300 + ".ics", data).status_code == 302
    stored = personal.current_calendar(app_db, "bram")
    assert stored is not None and stored.filename.startswith("agenda-e") and stored.filename.endswith(".ics")
    assert len(stored.filename) <= 120


def test_an_upload_without_a_file_is_refused(bram):
    token = csrf_token(bram, "/me/profile")
    response = bram.post(
        "/me/profile/calendar", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Choose a calendar file" in page_text(response)


# -- plans and invites ---------------------------------------------------------------------------------


def test_my_plans_show_published_rounds_and_my_meetings_with_why_and_whom(bram, app_db):
    text = page_text(bram.get("/me/plans"))
    assert "intervisie najaar" in text and "Intervision" in text
    assert "denktank concept" not in text  # proposed, not published
    assert "mailto:chen@wadloo.example" in text and "王芳" in text
    assert "Why this group" in text and "Why this was proposed" in text
    assert "are all free then" in text  # the meeting's reasons
    assert "Shadowing 王芳" not in text  # Dirk's slot is not Bram's
    upcoming = bram_meeting(app_db).occurrences[2][0].astimezone(ZoneInfo("Europe/Amsterdam"))
    assert upcoming.date() == dt.date(2026, 11, 30) and upcoming.utcoffset() == dt.timedelta(hours=1)
    assert f"Mon 30 Nov 2026, {upcoming:%H:%M}" in text  # the next session, in Bram's own time zone


def test_my_calendar_file_holds_only_my_events(bram, app_db):
    response = bram.get("/me/plans.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.data)
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    mine = {
        f"meeloop-event-{e.id}@localhost" for e in scheduling.scheduled(app_db) if "bram" in participants(e)
    }
    assert uids == mine and len(mine) == 1
    assert f"meeloop-event-{dirk_slot(app_db).id}@localhost" not in uids


def test_one_event_downloads_for_its_people_only(bram, chen, app_db):
    meeting, slot = bram_meeting(app_db), dirk_slot(app_db)
    response = bram.get(f"/me/plans/{meeting.id}.ics")
    assert response.status_code == 200
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["UID"]) == f"meeloop-event-{meeting.id}@localhost" and "RRULE" in event
    assert bram.get(f"/me/plans/{slot.id}.ics").status_code == 404  # Dirk's and 王芳's
    assert chen.get(f"/me/plans/{slot.id}.ics").status_code == 200
    assert bram.get("/me/plans/99999.ics").status_code == 404


def test_a_feed_address_is_shown_once_and_ends_when_revoked(app, bram):
    response = submit(bram, "/me/plans", {}, action="/me/feed")
    text = page_text(response)
    assert response.status_code == 200 and "shown only this once" in text
    https = re.search(r'value="(http://localhost:5000/feed/([^"]+)\.ics)"', text)
    assert https and f"webcal://localhost:5000/feed/{https.group(2)}.ics" in text
    token = https.group(2)
    feed = app.test_client().get(f"/feed/{token}.ics")
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    assert token not in page_text(bram.get("/me/plans"))  # only right after it was made
    response = submit(bram, "/me/plans", {}, action="/me/feed")
    newer = re.search(r"/feed/([^\"]+)\.ics", page_text(response)).group(1)
    assert app.test_client().get(f"/feed/{token}.ics").status_code == 404
    response = submit(bram, "/me/plans", {}, action="/me/feed/revoke")
    assert response.status_code == 302
    assert app.test_client().get(f"/feed/{newer}.ics").status_code == 404
    assert "no longer works" in page_text(bram.get("/me/plans"))

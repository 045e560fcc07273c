"""Putting a person's meeloop events into their linked CalDAV calendar: created, updated with a higher
SEQUENCE, cancelled; put into a real Radicale server and read back with an independent client (the
``caldav`` library's own search, parsed by ``icalendar``). Stored on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import caldav
import icalendar
import pytest

from matcher.domain.phrases import phrase
from matcher.domain.problems import InvalidInput
from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.io.linked_calendars import Limits, PeerError, SecretBox, put_events
from matcher.services import calendars, queue
from matcher.storage import Database
from matcher.storage import schedule as schedule_store
from tests.caldav_server import PASSWORD, USER, Served, new_calendar
from tests.optins import import_with_opt_ins
from tests.orgs import small_org

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
KEY = SecretBox.new_key()
SETTINGS = calendars.CalendarSettings(key=KEY, limits=Limits(timeout=5.0, private_ok=True))
INVITES = InviteSettings(domain="wadloo.example")


@pytest.fixture
def org_db(db: Database, tmp_path: Path) -> Database:
    orgjson.write_json(small_org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
    return db


def context(db: Database) -> queue.Context:
    return queue.Context(db=db, invites=INVITES, smtp=None, clock=lambda: NOW, today=NOW.date)


def meeting(start_hour: int = 10) -> ScheduledEvent:
    start = dt.datetime(2026, 12, 3, start_hour, tzinfo=dt.UTC)
    return ScheduledEvent(
        kind="meeting",
        source="koffie",
        title=phrase("coffee with {name}", name="Bram"),
        start=start,
        end=start + dt.timedelta(hours=1),
        timezone="Europe/Amsterdam",
        members=("anna", "bram"),
        roles={"anna": "member", "bram": "member"},
        key="anna+bram",
    )


def read_back(calendar_url: str) -> list[icalendar.Event]:
    """Every event in the calendar, as another client finds it."""
    with caldav.DAVClient(url=calendar_url, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        found = client.calendar(url=calendar_url).events()
        return [
            component
            for item in found
            for component in icalendar.Calendar.from_ical(item.data).walk("VEVENT")
        ]


def link(db: Database, calendar_url: str) -> int:
    return calendars.link_calendar(
        db, "anna", kind="caldav", url=calendar_url, username=USER, password=PASSWORD, by="anna",
        now=NOW, push=True, settings=SETTINGS,
    ).id  # fmt: skip


def test_events_are_created_updated_with_a_higher_sequence_and_cancelled_in_the_calendar(org_db, caldav_url):
    calendar = new_calendar(caldav_url)
    link_id = link(org_db, calendar)
    with org_db.transaction() as session:
        (event_id,) = schedule_store.add_events(session, [meeting()], now=NOW)
    pushed = calendars.push(context(org_db), link_id, now=NOW, settings=SETTINGS)
    assert pushed.put == 1
    (created,) = read_back(calendar)
    assert str(created["UID"]) == f"meeloop-event-{event_id}@wadloo.example"
    assert int(created.get("SEQUENCE", 0)) == 0 and str(created["STATUS"]) == "CONFIRMED"
    assert created.start == dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC)

    assert calendars.push(context(org_db), link_id, now=NOW, settings=SETTINGS).put == 0  # nothing changed

    with org_db.transaction() as session:
        schedule_store.reconcile_events(session, "koffie", "meeting", [meeting(start_hour=13)], now=NOW)
    assert calendars.push(context(org_db), link_id, now=NOW, settings=SETTINGS).put == 1
    (updated,) = read_back(calendar)
    assert str(updated["UID"]) == str(created["UID"]) and int(updated["SEQUENCE"]) == 1
    assert updated.start == dt.datetime(2026, 12, 3, 13, tzinfo=dt.UTC)

    with org_db.transaction() as session:
        schedule_store.cancel_events(session, source="koffie", kind="meeting", now=NOW)
    assert calendars.push(context(org_db), link_id, now=NOW, settings=SETTINGS).put == 1
    (cancelled,) = read_back(calendar)
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2


def test_events_put_into_the_calendar_are_not_read_back_as_busy_time(org_db, caldav_url):
    calendar = new_calendar(caldav_url)
    link_id = link(org_db, calendar)
    with org_db.transaction() as session:
        schedule_store.add_events(session, [meeting()], now=NOW)
    calendars.push(context(org_db), link_id, now=NOW, settings=SETTINGS)
    assert calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS) == calendars.Refreshed(
        "read", busy=0
    )


def test_a_push_that_fails_says_why_and_puts_the_events_in_next_time(org_db, caldav_url):
    calendar = new_calendar(caldav_url)
    link_id = link(org_db, calendar)
    with org_db.transaction() as session:
        schedule_store.add_events(session, [meeting()], now=NOW)
    wrong_key = dataclasses.replace(SETTINGS, key=SecretBox.new_key())
    failed = calendars.push(context(org_db), link_id, now=NOW, settings=wrong_key)
    assert failed.put == 0 and "link the calendar again" in failed.error
    assert read_back(calendar) == []
    assert calendars.linked_calendar(org_db, "anna").failing
    assert calendars.push(context(org_db), link_id, now=NOW, settings=SETTINGS).put == 1
    assert len(read_back(calendar)) == 1


def test_only_a_caldav_link_can_take_in_events(org_db):
    with pytest.raises(InvalidInput) as refused:
        calendars.link_calendar(
            org_db, "anna", kind="ics-url", url="https://calendar.example.org/a.ics", by="anna", now=NOW,
            push=True, settings=SETTINGS,
        )  # fmt: skip
    assert refused.value.problems[0].where.field == "push"


def test_events_are_not_put_where_a_caldav_server_redirects_to(ics_server, other_server):
    target = other_server.serve("/internal/", Served(status=201))
    name = hashlib.sha256(b"meeloop-event-1").hexdigest()[:32]  # where the event is put
    calendar = ics_server.serve(f"/cal/{name}.ics", Served(status=307, location=target)).removesuffix(
        f"{name}.ics"
    )
    with pytest.raises(PeerError) as refused:
        put_events(
            calendar, USER, PASSWORD, [("meeloop-event-1", b"BEGIN:VCALENDAR\r\n")], limits=SETTINGS.limits
        )
    assert "link the address it redirects to" in refused.value.message
    assert other_server.requests == []


def test_a_calendar_that_answers_a_put_with_garbage_does_not_stop_the_next_links_read(
    org_db, ics_server, caplog
):
    with org_db.transaction() as session:
        (event_id,) = schedule_store.add_events(session, [meeting()], now=NOW)
    name = hashlib.sha256(f"meeloop-event-{event_id}@wadloo.example".encode()).hexdigest()[:32]
    garbage = ics_server.serve(f"/anna/cal/{name}.ics", Served(b"<not xml", content_type="text/xml"))
    link(org_db, garbage.removesuffix(f"{name}.ics"))
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//meeloop tests//EN\r\nEND:VCALENDAR\r\n"
    good = calendars.link_calendar(
        org_db, "bram", kind="ics-url", url=ics_server.serve("/bram.ics", calendar), by="bram", now=NOW,
        settings=SETTINGS,
    ).id  # fmt: skip
    assert calendars.refresh_all(context(org_db), NOW, SETTINGS) == {"failed": 1, "read": 1}
    assert calendars.linked_calendar(org_db, "bram").last_read == NOW
    anna = calendars.linked_calendar(org_db, "anna")
    assert anna.last_error == "the calendar could not be read" and good != anna.id
    assert "/anna/cal/" not in caplog.text

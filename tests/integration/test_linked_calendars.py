"""Linked calendars read from real peers: a published address served over HTTP with ETags, and a
Radicale CalDAV server; stored on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

import pytest
import sqlalchemy

from matcher.domain.intervals import Interval
from matcher.domain.problems import InvalidInput
from matcher.io import orgjson
from matcher.io.linked_calendars import Limits, PeerError, SecretBox, fetch_ics
from matcher.services import calendars, queue, scheduling
from matcher.storage import Database
from matcher.storage import calendars as calendar_store
from tests.caldav_server import PASSWORD, USER, Served, new_calendar, put_event
from tests.optins import import_with_opt_ins
from tests.orgs import small_org

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
KEY = SecretBox.new_key()
SETTINGS = calendars.CalendarSettings(key=KEY, limits=Limits(timeout=2.0, private_ok=True))

MEETING = """BEGIN:VEVENT\r
UID:overleg@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Amsterdam:20261202T100000\r
DTEND;TZID=Europe/Amsterdam:20261202T113000\r
RRULE:FREQ=WEEKLY;COUNT=2\r
SUMMARY:Vertrouwelijk overleg\r
LOCATION:Kamer 4.12\r
END:VEVENT\r
"""
REMINDER = """BEGIN:VEVENT\r
UID:reminder@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261203T090000Z\r
DTEND:20261203T100000Z\r
TRANSP:TRANSPARENT\r
SUMMARY:Just a reminder\r
END:VEVENT\r
"""
CALLED_OFF = """BEGIN:VEVENT\r
UID:off@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261204T090000Z\r
DTEND:20261204T100000Z\r
STATUS:CANCELLED\r
SUMMARY:Called off\r
END:VEVENT\r
"""
EVENTS = {"overleg": MEETING, "reminder": REMINDER, "off": CALLED_OFF}


def wrap(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//meeloop tests//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    )


CALENDAR = wrap(*EVENTS.values())


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC)


#: The two Wednesday meetings (10:00 to 11:30 in Amsterdam, winter time); nothing else is busy.
BUSY = [Interval(utc(2, 9), utc(2, 10, 30)), Interval(utc(9, 9), utc(9, 10, 30))]


@pytest.fixture
def org_db(db: Database, tmp_path: Path) -> Database:
    orgjson.write_json(small_org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
    return db


def link_ics(db: Database, url: str) -> int:
    linked = calendars.link_calendar(
        db, "anna", kind=calendars.ICS_URL, url=url, by="anna", now=NOW, settings=SETTINGS
    )
    return linked.id


def stored(db: Database) -> list[dict]:
    """Every linked-calendar row as the database holds it, as plain values."""
    with db.engine.connect() as connection:
        return [
            dict(row._mapping)
            for table in ("linked_calendar", "linked_busy")
            for row in connection.execute(sqlalchemy.text(f"SELECT * FROM {table} ORDER BY id"))
        ]


# -- a published address ---------------------------------------------------------------------------


def test_a_published_calendar_gives_its_busy_time_and_nothing_else_of_its_events(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    result = calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    assert result == calendars.Refreshed("read", busy=2)
    assert calendars.linked_busy(org_db, link_id) == BUSY
    everything = repr(stored(org_db))
    for detail in ("Vertrouwelijk", "Kamer", "overleg@example.org", "reminder", "Called off"):
        assert detail not in everything
    week = (utc(1, 0), utc(12, 0))
    assert scheduling.agenda(org_db, week).busy["anna"] == BUSY
    linked = calendars.linked_calendar(org_db, "anna")
    assert linked is not None and linked.last_read == NOW and linked.busy_count == 2 and not linked.failing


def test_an_unchanged_published_calendar_is_asked_with_its_etag_and_keeps_its_busy_time(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    later = NOW + dt.timedelta(hours=1)
    assert calendars.refresh(org_db, link_id, now=later, settings=SETTINGS).outcome == "unchanged"
    etag = ics_server.paths["/anna.ics"].etag
    assert ics_server.requests == [("/anna.ics", ""), ("/anna.ics", etag)]
    assert calendars.linked_busy(org_db, link_id) == BUSY
    assert calendars.linked_calendar(org_db, "anna").last_read == later


def test_a_published_calendar_read_long_ago_is_read_whole_again_to_reach_the_weeks_ahead(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    assert (
        calendars.refresh(org_db, link_id, now=NOW + dt.timedelta(days=3), settings=SETTINGS).outcome
        == "read"
    )
    assert ics_server.requests[-1] == ("/anna.ics", "")


def test_a_changed_published_calendar_replaces_the_busy_time_it_gave_before(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    ics_server.serve("/anna.ics", CALENDAR.replace("COUNT=2", "COUNT=1"))
    assert calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS).busy == 1
    assert calendars.linked_busy(org_db, link_id) == BUSY[:1]


BROKEN = {
    "not a calendar": (Served(b"<html>Sign in</html>", content_type="text/html"), "not a calendar meeloop"),
    "gone": (Served(status=404), "no calendar at this address"),
    "server error": (Served(status=500), "error 500"),
    "login asked": (Served(status=401), "asks for a login"),
    "too slow": (Served(CALENDAR.encode(), delay=3.0), "did not answer within 2 seconds"),
    "endless redirects": (Served(status=302, location="/anna.ics"), "sends on more than 5 times"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_feed_says_why_and_keeps_the_busy_time_of_the_last_good_read(org_db, ics_server, case):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    before = stored(org_db)
    served, words = BROKEN[case]
    ics_server.serve("/anna.ics", served)
    later = NOW + dt.timedelta(days=3)  # past the ETag's freshness: the whole calendar is asked for
    result = calendars.refresh(org_db, link_id, now=later, settings=SETTINGS)
    assert result.outcome == "failed" and words in result.error
    assert calendars.linked_busy(org_db, link_id) == BUSY
    linked = calendars.linked_calendar(org_db, "anna")
    assert linked.last_read == NOW and linked.last_failed == later and words in linked.last_error
    unchanged = ("last_failed", "last_error")
    assert [{k: v for k, v in r.items() if k not in unchanged} for r in stored(org_db)] == [
        {k: v for k, v in r.items() if k not in unchanged} for r in before
    ]


def test_an_unreachable_address_says_so_and_a_good_read_after_clears_the_failure(org_db, ics_server):
    link_id = link_ics(org_db, "http://127.0.0.1:9/anna.ics")
    result = calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    assert result.outcome == "failed" and "cannot be reached" in result.error
    assert calendars.linked_busy(org_db, link_id) == []
    relinked = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    assert calendars.refresh(org_db, relinked, now=NOW, settings=SETTINGS).outcome == "read"
    assert not calendars.linked_calendar(org_db, "anna").failing


def test_a_read_that_ends_after_the_calendar_was_linked_anew_stores_nothing(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/old.ics", CALENDAR))
    with org_db.transaction() as session:
        read = calendar_store.access(session, link_id)
    new_id = link_ics(org_db, ics_server.serve("/new.ics", CALENDAR))
    with org_db.transaction() as session:
        assert calendar_store.store_read(session, read, BUSY, etag='"x"', until=NOW, now=NOW) is False
        assert calendar_store.store_failure(session, read, "broken", now=NOW) is False
    linked = calendars.linked_calendar(org_db, "anna")
    assert linked.last_read is None and not linked.failing and calendars.linked_busy(org_db, new_id) == []


def test_an_address_on_an_internal_network_is_not_read_unless_the_setting_allows_it(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    strict = dataclasses.replace(SETTINGS, limits=Limits(timeout=2.0))
    result = calendars.refresh(org_db, link_id, now=NOW, settings=strict)
    assert result.outcome == "failed" and "internal network" in result.error
    assert ics_server.requests == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"url": "calendar.example.org/anna.ics"}, "url", "starts with https://"),
        ({"url": "ftp://calendar.example.org/anna.ics"}, "url", "starts with https://"),
        ({"kind": "exchange"}, "kind", "published address or a CalDAV"),
        ({"kind": "caldav", "username": ""}, "username", "user name"),
        ({"kind": "caldav", "password": ""}, "password", "password"),
    ],
)
def test_a_link_that_cannot_work_names_its_field_and_stores_nothing(org_db, changes, field, words):
    given = {
        "kind": "ics-url",
        "url": "https://calendar.example.org/anna.ics",
        "username": "anna",
        "password": "x",
    }
    given.update(changes)
    with pytest.raises(InvalidInput) as refused:
        calendars.link_calendar(org_db, "anna", **given, by="anna", now=NOW, settings=SETTINGS)
    (problem,) = refused.value.problems
    assert problem.where.field == field and words in problem.message
    assert stored(org_db) == []


def test_unlinking_forgets_the_link_and_its_busy_time(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    assert calendars.unlink_calendar(org_db, "anna") is True
    assert stored(org_db) == []
    assert "anna" not in scheduling.agenda(org_db, (utc(1, 0), utc(12, 0))).busy
    assert calendars.unlink_calendar(org_db, "anna") is False


# -- a CalDAV calendar ------------------------------------------------------------------------------


def link_caldav(db: Database, url: str, password: str = PASSWORD) -> int:
    linked = calendars.link_calendar(
        db,
        "anna",
        kind=calendars.CALDAV,
        url=url,
        username=USER,
        password=password,
        by="hr",
        now=NOW,
        settings=SETTINGS,
    )
    return linked.id


def test_a_caldav_calendar_gives_its_busy_time_and_its_password_is_kept_encrypted(org_db, caldav_url):
    calendar = new_calendar(caldav_url)
    for uid, event in EVENTS.items():
        put_event(calendar, uid, wrap(event))
    link_id = link_caldav(org_db, calendar)
    assert calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS) == calendars.Refreshed(
        "read", busy=2
    )
    assert calendars.linked_busy(org_db, link_id) == BUSY
    (row,) = [r for r in stored(org_db) if "secret" in r]
    assert PASSWORD not in repr(row) and SecretBox(KEY).open(row["secret"]) == PASSWORD
    assert calendars.linked_calendar(org_db, "anna").has_password


def test_a_caldav_server_that_refuses_the_password_says_so_and_keeps_the_busy_time(org_db, caldav_url):
    calendar = new_calendar(caldav_url)
    put_event(calendar, "overleg", wrap(MEETING))
    calendars.refresh(org_db, link_caldav(org_db, calendar), now=NOW, settings=SETTINGS)
    wrong = link_caldav(org_db, calendar, password="not it")
    result = calendars.refresh(org_db, wrong, now=NOW, settings=SETTINGS)
    assert result.outcome == "failed" and "did not accept the user name or password" in result.error


def test_a_missing_caldav_calendar_or_server_says_so_and_keeps_the_busy_time(org_db, caldav_url):
    calendar = new_calendar(caldav_url)
    put_event(calendar, "overleg", wrap(MEETING))
    link_id = link_caldav(org_db, calendar)
    calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    with org_db.engine.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE linked_calendar SET url = :u"), {"u": calendar + "gone/"})
    result = calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    assert result.outcome == "failed" and "no calendar at this address" in result.error
    with org_db.engine.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE linked_calendar SET url = 'http://127.0.0.1:9/cal/'"))
    result = calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    assert result.outcome == "failed" and "cannot be reached" in result.error
    assert calendars.linked_busy(org_db, link_id) == BUSY


def test_no_caldav_password_is_kept_without_a_key(org_db, caldav_url):
    without = dataclasses.replace(SETTINGS, key="")
    with pytest.raises(InvalidInput) as refused:
        calendars.link_calendar(
            org_db, "anna", kind="caldav", url=caldav_url, username=USER, password=PASSWORD, by="anna",
            now=NOW, settings=without,
        )  # fmt: skip
    assert "MEELOOP_CALENDAR_KEY" in refused.value.problems[0].message
    assert stored(org_db) == []


def test_a_password_sealed_with_another_key_asks_to_link_again(org_db, caldav_url):
    link_id = link_caldav(org_db, new_calendar(caldav_url))
    other = dataclasses.replace(SETTINGS, key=SecretBox.new_key())
    result = calendars.refresh(org_db, link_id, now=NOW, settings=other)
    assert result.outcome == "failed" and "link the calendar again" in result.error


# -- the queue ----------------------------------------------------------------------------------------


def test_the_scheduled_work_and_a_read_now_job_read_the_linked_calendars(org_db, ics_server, monkeypatch):
    monkeypatch.setenv("MEELOOP_CALENDAR_PRIVATE", "1")
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", CALENDAR))
    context = queue.Context(db=org_db, invites=None, smtp=None, clock=lambda: NOW, today=NOW.date)  # type: ignore[arg-type]
    jobs = queue.Queue(queue.QueueSettings(immediate=True), context)
    jobs.enqueue(calendars.REFRESH, str(link_id))
    assert calendars.linked_busy(org_db, link_id) == BUSY
    assert jobs.run_scheduled("calendars", NOW) == {"unchanged": 1}
    assert "calendars" in {s.name for s in queue.schedules({})}


# -- what a peer cannot make meeloop do --------------------------------------------------------------


def test_a_caldav_server_that_redirects_is_not_followed_to_the_address_it_names(
    org_db, ics_server, other_server
):
    target = other_server.serve("/internal/", CALENDAR)
    link_id = link_caldav(org_db, ics_server.serve("/cal/", Served(status=307, location=target)))
    result = calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS)
    assert result.outcome == "failed" and "link the address it redirects to" in result.error
    assert ics_server.requests and other_server.requests == []


@pytest.mark.parametrize(
    "address",
    ["http://[2002:7f00:1::]/cal/", "http://[2002:a00:1::]/cal/", "http://[64:ff9b::a9fe:a9fe]/cal/"],
)
def test_an_ipv6_address_that_carries_an_internal_ipv4_address_is_refused(address):
    strict = Limits(timeout=2.0)
    with pytest.raises(PeerError) as refused:
        fetch_ics(address, limits=strict)
    assert "internal network" in refused.value.message


def test_a_caldav_server_whose_answer_is_not_caldav_does_not_stop_the_next_links_read(
    org_db, ics_server, caplog
):
    garbage = ics_server.serve("/anna/cal/", Served(b"<html>Sign in</html>", content_type="text/html"))
    broken = link_caldav(org_db, garbage)
    good = calendars.link_calendar(
        org_db, "bram", kind=calendars.ICS_URL, url=ics_server.serve("/bram.ics", CALENDAR), by="bram",
        now=NOW, settings=SETTINGS,
    ).id  # fmt: skip
    context = queue.Context(db=org_db, invites=None, smtp=None, clock=lambda: NOW, today=NOW.date)  # type: ignore[arg-type]
    assert calendars.refresh_all(context, NOW, SETTINGS) == {"failed": 1, "read": 1}
    assert calendars.linked_busy(org_db, good) == BUSY
    linked = calendars.linked_calendar(org_db, "anna")
    assert linked.id == broken and linked.last_error == "the calendar could not be read"
    assert "could not be read" in caplog.text and "/anna/cal/" not in caplog.text


TOO_LARGE = {
    "says its length": Served(b"x" * 2001, content_type="text/xml"),
    "without a length": Served(b"x" * 2001, content_type="text/xml", pieces=4, unsized=True),
}


@pytest.mark.parametrize("case", list(TOO_LARGE))
def test_a_caldav_answer_over_the_size_limit_fails_with_the_size(org_db, ics_server, case):
    link_id = link_caldav(org_db, ics_server.serve("/cal/", TOO_LARGE[case]))
    small = dataclasses.replace(SETTINGS, limits=Limits(timeout=2.0, max_bytes=2000, private_ok=True))
    result = calendars.refresh(org_db, link_id, now=NOW, settings=small)
    assert result.outcome == "failed" and "larger than" in result.error


def test_a_published_answer_that_says_it_is_over_the_size_limit_is_not_read(org_db, ics_server):
    # Sent slower than a step may take: only a refusal before reading says why.
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", Served(b"x" * 2001, pieces=2, pause=3.0)))
    small = dataclasses.replace(SETTINGS, limits=Limits(timeout=2.0, max_bytes=2000, private_ok=True))
    result = calendars.refresh(org_db, link_id, now=NOW, settings=small)
    assert result.outcome == "failed" and "larger than" in result.error


def test_a_published_calendar_sent_slowly_stops_at_the_time_for_the_whole_read(org_db, ics_server):
    link_id = link_ics(org_db, ics_server.serve("/anna.ics", Served(CALENDAR.encode(), pieces=8, pause=0.3)))
    hurried = dataclasses.replace(SETTINGS, limits=Limits(timeout=2.0, total=1.0, private_ok=True))
    result = calendars.refresh(org_db, link_id, now=NOW, settings=hurried)
    assert result.outcome == "failed" and "did not answer within 1 seconds" in result.error


def test_reading_a_published_calendar_logs_no_part_of_its_secret_address(org_db, ics_server, caplog):
    caplog.set_level(logging.DEBUG)
    link_id = link_ics(org_db, ics_server.serve("/s3cr3t-token/anna.ics", CALENDAR))
    assert calendars.refresh(org_db, link_id, now=NOW, settings=SETTINGS).outcome == "read"
    assert "s3cr3t-token" not in caplog.text

"""Invites end to end: calendar files checked by libical and vobject, e-mail through a real SMTP
server, re-planning after publishing, the outbox when the server fails, and feed tokens."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy
from alembic import command

from matcher import storage
from matcher.domain.problems import InvalidInput
from matcher.domain.schedule import ScheduledEvent
from matcher.engines import lunch, meetings
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson, outbox
from matcher.io.ics import InviteSettings, participants
from matcher.io.mail import SmtpSettings
from matcher.plans.rounds import RoundError
from matcher.services import accounts, meeting_times, publishing, rounds, scheduling
from tests.mailtools import smtp_server
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org
from tests.parsers import libical, vobject_calendar

NOW = dt.datetime(2027, 2, 20, 9, 0, tzinfo=dt.UTC)
#: Four weeks that hold the European change (2027-03-28) and, before it, the American one (03-14).
FIRST, LAST = dt.date(2027, 3, 1), dt.date(2027, 4, 30)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example",
    organizer_name="Mentoring Wadloo",
    domain="wadloo.example",
    base_url="https://meeloop.wadloo.example",
    reminder_minutes=15,
    language="en",
)


def org():
    """The mentoring organisation with a mentee in London and one in New York."""
    base = mentoring_org()
    zones = {"tom": "Europe/London", "umar": "America/New_York"}
    people = tuple(
        dataclasses.replace(p, timezone=zones.get(p.id, p.timezone), presenter=p.id in ("niels", "olga"))
        for p in base.people
    )
    return dataclasses.replace(base, people=people)


@pytest.fixture
def planned(db, tmp_path):
    """A published mentor round with a meeting series every two weeks, and lunch & learn sessions."""
    orgjson.write_json(org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
    rounds.propose_round(
        db,
        round_name="mentor",
        config=PairingConfig(mode="mentor", time_limit=2),
        today=NOW.date(),
        now=NOW,
        save=True,
    )
    rounds.publish_round(db, "mentor", today=NOW.date(), now=NOW)
    plan_meetings(db)
    scheduling.plan_lunch(db, lunch.LunchConfig(first_day=FIRST, last_day=LAST), now=NOW, save=True)
    return db


def plan_meetings(db, now=NOW):
    config = meetings.MeetingConfig(first_day=FIRST, last_day=LAST, every_weeks=2)
    plan = meeting_times.plan_round_meetings(db, "mentor", config, now=now, save=True)
    assert plan.meetings and not plan.unplaced
    return plan


def events_by_uid(db) -> dict[str, ScheduledEvent]:
    return {f"meeloop-event-{e.id}@wadloo.example": e for e in scheduling.scheduled(db)}


# -- files ---------------------------------------------------------------------------------------------


def test_every_file_passes_libical_and_vobject_and_all_agree_on_the_times(planned, tmp_path):
    files = publishing.source_files(planned, SETTINGS, "mentor", tmp_path / "mentor", now=NOW)
    lunches = scheduling.scheduled(planned, kind="lunch")
    assert lunches
    for e in lunches:
        path = tmp_path / f"lunch-{e.id}.ics"
        path.write_bytes(publishing.event_calendar(planned, SETTINGS, e.id, now=NOW))
        files.append(path)
    stored = events_by_uid(planned)
    checked = libical(files)
    series = 0
    for path in files:
        by_libical = checked[str(path)]
        by_vobject = vobject_calendar(path.read_text(encoding="utf-8"))
        assert by_libical["errors"] == [] and by_vobject["errors"] == [], path
        assert by_libical["method"] == by_vobject["method"] == "PUBLISH"
        assert len(by_libical["events"]) == len(by_vobject["events"]) > 0
        for a, b in zip(by_libical["events"], by_vobject["events"], strict=True):
            event = stored[a["uid"]]
            expected = [[t.start.isoformat(), t.end.isoformat()] for t in event.times()]
            assert a["occurrences"] == b["occurrences"] == expected, (path, a["uid"])
            assert a["attendees"] == [] and a["organizer"] == "mailto:mentoring@wadloo.example"
            series += len(expected) > 1
    assert series
    # The series cross both daylight-saving changes and keep their wall-clock time.
    meeting = next(e for e in stored.values() if e.rrule)
    utc_hours = {t.start.astimezone(dt.UTC).hour for t in meeting.times()}
    assert len(utc_hours) == 2, "UTC hours differ across the change"


def test_a_series_is_written_with_its_time_zone_and_a_single_event_in_utc(planned):
    cal = icalendar.Calendar.from_ical(publishing.person_calendar(planned, SETTINGS, "pim", now=NOW))
    series = [e for e in cal.walk("VEVENT") if e.get("RRULE")]
    assert series
    assert series[0]["DTSTART"].params["TZID"] == series[0]["DTSTART"].dt.tzinfo.key
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {series[0]["DTSTART"].params["TZID"]}
    for tz in cal.walk("VTIMEZONE"):
        for rdate in tz.walk():
            assert "," not in rdate.to_ical().decode().split("RDATE", 1)[-1].split("\n")[0]
    lunch_file = icalendar.Calendar.from_ical(publishing.person_calendar(planned, SETTINGS, "niels", now=NOW))
    single = [e for e in lunch_file.walk("VEVENT") if not e.get("RRULE")]
    assert single and all(
        e["DTSTART"].to_ical().endswith(b"Z") and "TZID" not in e["DTSTART"].params for e in single
    )
    for item in cal.walk("VEVENT"):
        assert item["DTSTAMP"].dt == NOW and item["SEQUENCE"] == 0
        assert "Why:" in item["DESCRIPTION"] and "To prepare:" in item["DESCRIPTION"]
        assert (
            f"{SETTINGS.base_url}/me/plans" in item["DESCRIPTION"]
            and item["URL"] == f"{SETTINGS.base_url}/me/plans"
        )
        assert item.walk("VALARM")[0]["TRIGGER"].dt == -dt.timedelta(minutes=15)


def test_nobody_s_file_lists_people_who_are_not_in_their_events(planned, tmp_path):
    files = publishing.source_files(planned, SETTINGS, "mentor", tmp_path, now=NOW)
    people = {p.id: p for p in org().people}
    events = scheduling.scheduled(planned, source="mentor")
    assert {f.name for f in files} == {f"{m}.ics" for e in events for m in e.members} | {"round.ics"}
    for path in files:
        if path.name == "round.ics":
            continue
        person_id = path.stem
        text = icalendar.Calendar.from_ical(path.read_bytes())
        own = [e for e in events if person_id in e.members]
        assert len(text.walk("VEVENT")) == len(own)
        allowed = {m for e in own for m in e.members}
        written = path.read_bytes().decode("utf-8").replace("\r\n ", "")
        for other in set(people) - allowed:
            assert people[other].name not in written, (person_id, other)


# -- e-mail --------------------------------------------------------------------------------------------


@pytest.fixture
def mail_server():
    with smtp_server() as (bag, port):
        yield (
            bag,
            SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example"),
        )


def calendars(received) -> list[tuple[str, str, icalendar.Event, str]]:
    """(method, recipient, VEVENT, method parameter of the text/calendar part) per message."""
    found = []
    for message in received:
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        cal = icalendar.Calendar.from_ical(part.get_content())
        (event,) = cal.walk("VEVENT")
        found.append(
            (str(cal["METHOD"]), message["To"].addresses[0].addr_spec, event, part.get_param("method"))
        )
    return found


def test_publish_change_and_publish_again_sends_only_what_changed(planned, mail_server, tmp_path):
    bag, smtp = mail_server
    publishing.queue_invites(planned, SETTINGS, source="mentor", now=NOW)
    first = publishing.deliver(planned, smtp, SETTINGS, now=NOW)
    events = scheduling.scheduled(planned, source="mentor")
    assert first.sent == sum(len(e.members) for e in events) and not first.failed and first.waiting == 0
    sent = calendars(bag.received)
    assert {(m, to, int(e["SEQUENCE"])) for m, to, e, _ in sent} == {
        ("REQUEST", f"{p}@wadloo.example", 0) for e in events for p in e.members
    }
    assert all(m == param for m, _, _, param in sent)
    for _, to, item, _ in sent:
        attendees = [str(a) for a in item.get("ATTENDEE")]
        event = events_by_uid(planned)[str(item["UID"])]
        assert sorted(attendees) == sorted(f"mailto:{m}@wadloo.example" for m in event.members)
        assert to in {a.removeprefix("mailto:") for a in attendees}
    libical_files = []
    for i, message in enumerate(bag.received):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        path = tmp_path / f"mail-{i}.ics"
        path.write_bytes(part.get_content().encode("utf-8"))
        libical_files.append(path)

    # Nothing changed: nothing to send.
    assert publishing.queue_invites(planned, SETTINGS, source="mentor", now=NOW) == []

    # HR swaps two mentees and removes a pair; planning again keeps the rest.
    round_ = rounds.load_round(planned, "mentor")
    (a, pair_a), (b, pair_b), (c, pair_c) = round_.units()[:3]
    later = NOW + dt.timedelta(days=1)
    rounds.swap_people(planned, "mentor", pair_a.members[1], pair_b.members[1], today=later.date(), now=later)
    rounds.remove_unit(planned, "mentor", pair_c.members[0], today=later.date(), now=later)
    before = {e.key: e for e in events}
    plan_meetings(planned, now=later)
    bag.received.clear()
    publishing.queue_invites(planned, SETTINGS, source="mentor", now=later)
    second = publishing.deliver(planned, smtp, SETTINGS, now=later)
    assert not second.failed and second.waiting == 0
    sent = calendars(bag.received)
    got = Counter((m, to.split("@")[0], str(e["UID"]), int(e["SEQUENCE"])) for m, to, e, _ in sent)
    uid = {key: f"meeloop-event-{e.id}@wadloo.example" for key, e in before.items()}
    key_a, key_b, key_c = (f"unit {p}" for p in (a, b, c))
    swapped_out_a, swapped_out_b = pair_a.members[1], pair_b.members[1]
    expected = Counter(
        [
            ("REQUEST", pair_a.members[0], uid[key_a], 1),
            ("REQUEST", swapped_out_b, uid[key_a], 1),
            ("CANCEL", swapped_out_a, uid[key_a], 1),
            ("REQUEST", pair_b.members[0], uid[key_b], 1),
            ("REQUEST", swapped_out_a, uid[key_b], 1),
            ("CANCEL", swapped_out_b, uid[key_b], 1),
            *(("CANCEL", m, uid[key_c], 1) for m in pair_c.members),
        ]
    )
    assert got == expected
    for method, to, item, _ in sent:
        if method == "CANCEL":
            assert str(item["STATUS"]) == "CANCELLED"
            assert str(item["ATTENDEE"]) == f"mailto:{to}"
    for i, message in enumerate(bag.received):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        path = tmp_path / f"update-{i}.ics"
        path.write_bytes(part.get_content().encode("utf-8"))
        libical_files.append(path)
    for path, found in libical(libical_files).items():
        assert found["errors"] == [], path
    # Unchanged meetings kept their sequence; the history of a changed one holds its old members.
    after = {e.key: e for e in scheduling.scheduled(planned, source="mentor")}
    assert key_c not in after
    for key, event in after.items():
        if key not in (key_a, key_b):
            assert event.sequence == 0 and event.start == before[key].start


def test_each_invite_speaks_its_reader_s_language_the_account_s_else_the_organisation_s(planned, mail_server):
    bag, smtp = mail_server
    events = scheduling.scheduled(planned, source="mentor")
    english, dutch = events[0].members[0], events[0].members[1]
    account = accounts.add_account(
        planned, f"{english}@wadloo.example", role="employee", password="x" * 12, person_id=english, now=NOW
    )
    accounts.set_locale(planned, account.id, "en")
    organisation_in_dutch = dataclasses.replace(SETTINGS, language="nl")
    publishing.queue_invites(planned, organisation_in_dutch, source="mentor", now=NOW)
    assert publishing.deliver(planned, smtp, organisation_in_dutch, now=NOW).sent > 0
    mails = {m["To"].addresses[0].addr_spec.split("@")[0]: m for m in bag.received}
    for person, (invitation, dear, why, prepare, plans) in {
        english: ("Invitation: ", "Dear ", "Why:", "To prepare: ", "Your plans in meeloop: "),
        dutch: ("Uitnodiging: ", "Beste ", "Waarom:", "Ter voorbereiding: ", "Je plannen in meeloop: "),
    }.items():
        mail = mails[person]
        text = mail.get_body(("plain",)).get_content()
        assert mail["Subject"].startswith(invitation) and text.startswith(dear), person
        part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
        (item,) = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
        for said in (text, str(item["DESCRIPTION"])):
            assert why in said and prepare in said and plans in said, person
    # The Dutch one tells the time the Dutch way: a weekday in lower case and a Dutch month.
    dutch_text = mails[dutch].get_body(("plain",)).get_content()
    assert any(day in dutch_text for day in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"))


def test_a_person_s_calendar_file_and_feed_speak_their_account_s_language(planned):
    events = scheduling.scheduled(planned, source="mentor")
    english, dutch = events[0].members[0], events[0].members[1]
    account = accounts.add_account(
        planned, f"{english}@wadloo.example", role="employee", password="x" * 12, person_id=english, now=NOW
    )
    accounts.set_locale(planned, account.id, "en")
    organisation_in_dutch = dataclasses.replace(SETTINGS, language="nl")
    for person, why in ((english, "Why:"), (dutch, "Waarom:")):
        for data in (
            publishing.person_calendar(planned, organisation_in_dutch, person, now=NOW),
            publishing.event_calendar(
                planned, organisation_in_dutch, events[0].id, now=NOW, person_id=person
            ),
        ):
            described = [str(e["DESCRIPTION"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
            assert described and all(why in text for text in described), person


def test_a_mail_server_failing_half_way_leaves_the_rest_queued_and_sends_nothing_twice(planned, mail_server):
    bag, smtp = mail_server
    queued = publishing.queue_invites(planned, SETTINGS, source=None, now=NOW)
    bag.fail_from = 3
    first = publishing.deliver(planned, smtp, SETTINGS, now=NOW)
    assert first.sent == 3 and first.failed and first.waiting == len(queued) - 3
    statuses = Counter(m.status for m in publishing.outbox_messages(planned))
    assert statuses == {"sent": 3, "queued": len(queued) - 3}
    # The server is back: the rest goes out, each message once.
    bag.fail_from = None
    second = publishing.deliver(planned, smtp, SETTINGS, now=NOW)
    assert second.sent == len(queued) - 3 and second.waiting == 0
    ids = Counter(m["Message-ID"] for m in bag.received)
    assert len(ids) == len(queued) and set(ids.values()) == {1}
    # Nothing is queued twice either.
    assert publishing.queue_invites(planned, SETTINGS, source=None, now=NOW) == []


def test_a_mail_server_that_cannot_be_reached_keeps_everything_queued(planned):
    queued = publishing.queue_invites(planned, SETTINGS, source="mentor", now=NOW)
    nowhere = SmtpSettings(
        host="127.0.0.1", port=1, security="none", sender="mentoring@wadloo.example", timeout=2
    )
    delivery = publishing.deliver(planned, nowhere, SETTINGS, now=NOW)
    assert delivery.sent == 0 and delivery.waiting == len(queued)
    assert "127.0.0.1:1" in delivery.failed[0][1]


def test_what_is_due_follows_the_last_message_each_person_had():
    start = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
    event = ScheduledEvent(
        "meeting",
        "r",
        "t",
        start,
        start + dt.timedelta(hours=1),
        "Europe/Amsterdam",
        ("a", "b"),
        id=7,
        sequence=2,
    )
    last = {
        (7, "a"): (2, "REQUEST"),
        (7, "b"): (1, "REQUEST"),
        (7, "c"): (1, "REQUEST"),
        (7, "d"): (1, "CANCEL"),
    }
    found = {(d.person_id, d.method) for d in outbox.due([event], last)}
    assert found == {("b", "REQUEST"), ("c", "CANCEL")}
    gone = dataclasses.replace(event, status="cancelled", sequence=3)
    assert {(d.person_id, d.method) for d in outbox.due([gone], last)} == {
        ("a", "CANCEL"),
        ("b", "CANCEL"),
        ("c", "CANCEL"),
    }
    assert outbox.due([gone], {}) == []


# -- moving, feeds, settings -------------------------------------------------------------------------------


def test_moving_an_event_needs_everyone_free_and_raises_its_sequence(planned):
    event = scheduling.scheduled(planned, source="mentor")[0]
    zone = event.timezone
    local = event.start.astimezone(ZoneInfo(zone))
    with pytest.raises(RoundError, match="not free"):
        meeting_times.move_event(planned, event.id, local.replace(hour=3, tzinfo=None), now=NOW)
    moved = meeting_times.move_event(planned, event.id, local.replace(hour=14, tzinfo=None), now=NOW)
    assert moved.sequence == 1 and moved.start != event.start and len(moved.times()) == len(event.times())
    assert moved.end - moved.start == event.end - event.start


@pytest.fixture
def client(planned):
    from web import create_app

    app = create_app({"DATABASE_URL": planned.url, "TESTING": True, "INVITES": SETTINGS})
    yield app.test_client()
    app.extensions["meeloop"]["db"].dispose()


def test_feeds_answer_only_to_a_live_token_and_show_only_the_owner_s_events(planned, client):
    address = publishing.new_feed_token(planned, SETTINGS, "pim", now=NOW)
    assert address.webcal.startswith("webcal://") and address.https.startswith("https://")
    path = address.https.removeprefix(SETTINGS.base_url)
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(answer.data)
    assert str(cal["METHOD"]) == "PUBLISH"
    mine = {
        f"meeloop-event-{e.id}@wadloo.example"
        for e in scheduling.scheduled(planned)
        if "pim" in participants(e)
    }
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == mine
    assert all(e.get("ATTENDEE") is None for e in cal.walk("VEVENT"))
    with planned.transaction() as session:
        (stored,) = session.scalars(sqlalchemy.select(storage.FeedTokenRow.token_hash)).all()
    assert stored == hashlib.sha256(address.token.encode()).hexdigest() and address.token not in stored
    assert client.get("/feed/" + "x" * 43 + ".ics").status_code == 404
    assert client.get(path.replace(address.token, address.token[::-1])).status_code == 404
    newer = publishing.new_feed_token(planned, SETTINGS, "pim", now=NOW)
    assert client.get(path).status_code == 404
    publishing.revoke_feed_token(planned, "pim", now=NOW)
    assert client.get(newer.https.removeprefix(SETTINGS.base_url)).status_code == 404


def test_the_feed_keeps_what_was_cancelled_for_a_person_without_naming_the_others(planned):
    round_ = rounds.load_round(planned, "mentor")
    _, pair = round_.units()[0]
    mentee = pair.members[1]
    rounds.remove_unit(planned, "mentor", mentee, today=NOW.date(), now=NOW)
    plan_meetings(planned)
    cal = icalendar.Calendar.from_ical(publishing.feed(planned, SETTINGS, _token(planned, mentee), now=NOW))
    cancelled = [e for e in cal.walk("VEVENT") if str(e["STATUS"]) == "CANCELLED"]
    assert len(cancelled) == 1 and int(cancelled[0]["SEQUENCE"]) == 1
    mentor = next(p for p in org().people if p.id == pair.members[0])
    assert mentor.name not in cancelled[0]["DESCRIPTION"]


def _token(db, person_id):
    return publishing.new_feed_token(db, SETTINGS, person_id, now=NOW).token


def test_invite_settings_name_the_variable_that_is_wrong():
    assert InviteSettings.from_env({"MEELOOP_SMTP_FROM": "hr@gemeente.example"}).domain == "gemeente.example"
    with pytest.raises(InvalidInput) as caught:
        InviteSettings.from_env(
            {"MEELOOP_ORGANIZER": "not mail", "MEELOOP_BASE_URL": "ftp://x", "MEELOOP_REMINDER_MINUTES": "-5"}
        )
    report = caught.value.report()
    for variable in ("MEELOOP_ORGANIZER", "MEELOOP_BASE_URL", "MEELOOP_REMINDER_MINUTES"):
        assert variable in report


def test_the_invites_migration_goes_down_and_up_again(planned):
    publishing.queue_invites(planned, SETTINGS, source="mentor", now=NOW)
    config = storage.alembic_config(planned.url)
    with planned.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    storage.migrate(planned.engine)
    assert storage.schema_is_current(planned.engine)
    assert publishing.outbox_messages(planned) == []
    assert all(e.key == "" for e in scheduling.scheduled(planned))


def test_unknown_rounds_people_and_events_get_a_clear_answer(planned, tmp_path):
    with pytest.raises(RoundError, match="nothing is planned"):
        publishing.source_files(planned, SETTINGS, "nope", tmp_path, now=NOW)
    with pytest.raises(RoundError, match="nobody"):
        publishing.new_feed_token(planned, SETTINGS, "ghost", now=NOW)
    with pytest.raises(RoundError, match="no scheduled event"):
        publishing.event_calendar(planned, SETTINGS, 999, now=NOW)
    with pytest.raises(RoundError, match="nobody with id"):
        rounds.swap_people(planned, "mentor", "ghost", "pim", today=NOW.date(), now=NOW)


def test_files_are_the_same_for_the_same_now(planned):
    one = publishing.person_calendar(planned, SETTINGS, "pim", now=NOW)
    two = publishing.person_calendar(planned, SETTINGS, "pim", now=NOW)
    assert one == two  # DTSTAMP is the now passed in
    assert publishing.person_calendar(planned, SETTINGS, "pim", now=NOW + dt.timedelta(seconds=1)) != one

"""Invites for people whose data is odd: a name with a line break (an Excel Alt+Enter cell), a
mailbox the server refuses for good. One such person never stops the others' e-mail, and their
own calendar file and feed stay valid. The importer now refuses such names (see the bad-input
corpus); an older import stored them, so these tests write them into the database directly."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import icalendar
import pytest
import sqlalchemy

from matcher import storage
from matcher.domain.problems import InvalidInput
from matcher.engines import meetings
from matcher.engines.pairing import PairingConfig
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.services import meeting_times, publishing, rounds, scheduling
from tests.mailtools import smtp_server
from tests.optins import import_with_opt_ins
from tests.orgs import mentoring_org
from tests.parsers import libical

NOW = dt.datetime(2027, 2, 20, 9, 0, tzinfo=dt.UTC)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example",
    organizer_name="Mentoring Wadloo",
    domain="wadloo.example",
    base_url="https://meeloop.wadloo.example",
    language="en",
)
#: What an Alt+Enter in an Excel cell, and a stray control character, leave in a name.
ODD_NAMES = {"marit": "Marit\nBos", "pim": "Pim\r\nde\x07 Wit"}


@pytest.fixture
def planned(db, tmp_path):
    orgjson.write_json(mentoring_org(), tmp_path / "org.json")
    import_with_opt_ins(db, tmp_path / "org.json", now=NOW)
    with db.transaction() as session:
        for person_id, name in ODD_NAMES.items():
            session.execute(
                sqlalchemy.update(storage.PersonRow)
                .where(storage.PersonRow.id == person_id)
                .values(name=name)
            )
    config = PairingConfig(mode="mentor", time_limit=2)
    rounds.propose_round(db, round_name="mentor", config=config, today=NOW.date(), now=NOW, save=True)
    rounds.publish_round(db, "mentor", today=NOW.date(), now=NOW)
    plan = meetings.MeetingConfig(first_day=dt.date(2027, 3, 1), last_day=dt.date(2027, 4, 30), every_weeks=2)
    meeting_times.plan_round_meetings(db, "mentor", plan, now=NOW, save=True)
    members = {m for e in scheduling.scheduled(db, source="mentor") for m in e.members}
    assert set(ODD_NAMES) <= members
    return db


@pytest.fixture
def mail_server():
    with smtp_server() as (bag, port):
        yield (
            bag,
            SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example"),
        )


def test_a_line_break_in_a_name_stops_no_invite_and_stays_out_of_the_headers(planned, mail_server, tmp_path):
    bag, smtp = mail_server
    queued = publishing.queue_invites(planned, SETTINGS, source=None, now=NOW)
    delivery = publishing.deliver(planned, smtp, SETTINGS, now=NOW)
    assert delivery.sent == len(queued) and not delivery.failed and delivery.waiting == 0
    to = {m["To"].addresses[0].addr_spec: m["To"].addresses[0].display_name for m in bag.received}
    assert to["marit@wadloo.example"] == "Marit Bos"
    assert to["pim@wadloo.example"] == "Pim de Wit"
    files = []
    for i, message in enumerate(bag.received):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        files.append(tmp_path / f"mail-{i}.ics")
        files[-1].write_bytes(part.get_content().encode("utf-8"))
        (event,) = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
        names = {a.params["CN"] for a in event.get("ATTENDEE")}
        assert not any(c in name for name in names for c in "\r\n\x07"), names
    for path, found in libical(files).items():
        assert found["errors"] == [], path


def test_the_calendar_file_and_feed_of_someone_with_a_line_break_in_their_name_are_valid(planned, tmp_path):
    from web import create_app

    app = create_app({"DATABASE_URL": planned.url, "TESTING": True, "INVITES": SETTINGS})
    client = app.test_client()
    try:
        for person_id in ODD_NAMES:
            token = publishing.new_feed_token(planned, SETTINGS, person_id, now=NOW).token
            answer = client.get(f"/feed/{token}.ics")
            assert answer.status_code == 200, person_id
            direct = publishing.person_calendar(planned, SETTINGS, person_id, now=NOW)
            for i, data in enumerate((answer.data, direct)):
                cal = icalendar.Calendar.from_ical(data)
                assert cal.walk("VEVENT"), person_id
                path = tmp_path / f"{person_id}-{i}.ics"
                path.write_bytes(data)
                assert libical([path])[str(path)]["errors"] == [], person_id
    finally:
        app.extensions["meeloop"]["db"].dispose()


def test_a_mailbox_refused_for_good_fails_alone_and_is_sent_again_after_a_fix(planned, mail_server):
    bag, smtp = mail_server
    queued = publishing.queue_invites(planned, SETTINGS, source=None, now=NOW)
    bag.refuse = {"marit@wadloo.example"}
    first = publishing.deliver(planned, smtp, SETTINGS, now=NOW)
    marit = sum(d.person_id == "marit" for d in queued)
    assert marit and first.sent == len(queued) - marit and len(first.failed) == marit
    assert first.waiting == 0
    statuses = Counter((m.person_id == "marit", m.status) for m in publishing.outbox_messages(planned))
    assert statuses == {(True, "failed"): marit, (False, "sent"): len(queued) - marit}

    # The mailbox is fixed: the failed messages go out again, and only they.
    bag.refuse = set()
    assert publishing.retry_failed(planned, SETTINGS, now=NOW) == marit
    second = publishing.deliver(planned, smtp, SETTINGS, now=NOW)
    assert second.sent == marit and not second.failed
    ids = Counter(m["Message-ID"] for m in bag.received)
    assert len(ids) == len(queued) and set(ids.values()) == {1}
    assert publishing.retry_failed(planned, SETTINGS, now=NOW) == 0


def test_a_stored_address_that_is_not_one_fails_alone_and_is_written_anew_on_retry(planned, mail_server):
    bag, smtp = mail_server
    queued = publishing.queue_invites(planned, SETTINGS, source=None, now=NOW)
    injected = "pim@wadloo.example\r\nBcc: everyone@wadloo.example"
    with planned.transaction() as session:
        session.execute(
            sqlalchemy.update(storage.OutboxRow)
            .where(storage.OutboxRow.person_id == "pim")
            .values(email=injected)
        )
    pim = sum(d.person_id == "pim" for d in queued)
    first = publishing.deliver(planned, smtp, SETTINGS, now=NOW)
    assert pim and first.sent == len(queued) - pim and len(first.failed) == pim and first.waiting == 0
    assert all("everyone@" not in str(m) for m in bag.received)
    assert publishing.retry_failed(planned, SETTINGS, now=NOW) == pim
    assert publishing.deliver(planned, smtp, SETTINGS, now=NOW).sent == pim
    assert {m["To"].addresses[0].addr_spec for m in bag.received[-pim:]} == {"pim@wadloo.example"}


def test_someone_whose_stored_name_has_a_line_break_can_still_save_their_profile(planned):
    from matcher.services import profiles

    saved = profiles.update_person(
        planned, "marit", {"languages": "nl, en"}, now=NOW, by="marit", allowed=profiles.SELF_EDITABLE
    )
    assert not saved.nothing
    # changing the name itself is checked as usual: HR writes it on one line
    with pytest.raises(InvalidInput) as refused:
        profiles.update_person(planned, "marit", {"name": "Marit\nBos-Kok"}, now=NOW, by="hr")
    assert "line break" in refused.value.report()
    assert not profiles.update_person(planned, "marit", {"name": "Marit Bos"}, now=NOW, by="hr").nothing

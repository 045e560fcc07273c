"""Replies to invites read back from a real IMAP server (dovecot) in the shapes Outlook, Google and
Apple send, applied to a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import imaplib
from pathlib import Path

import pytest
import sqlalchemy

from matcher.domain.replies import ACCEPTED, COUNTER, DECLINED, MALFORMED, STALE, TENTATIVE, UNMATCHED
from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.io import replies as imip
from matcher.io.ics import InviteSettings
from matcher.io.replies import ImapSettings
from matcher.services import organisation, personal, queue, replies
from matcher.storage import Database
from matcher.storage import schedule as schedule_storage
from tests import itip_replies as shapes
from tests.imap_server import ImapServer
from tests.orgs import small_org

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC)
SETTINGS = InviteSettings(organizer=shapes.ORGANIZER, domain="wadloo.example", language="en")


def uid(event_id: int) -> str:
    return f"meeloop-event-{event_id}@wadloo.example"


@pytest.fixture
def org_db(db: Database, tmp_path: Path) -> Database:
    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=NOW - dt.timedelta(days=60))
    return db


def add_meeting(db: Database, **more: object) -> int:
    event = ScheduledEvent(
        kind="meeting",
        source="mentor",
        title="Mentoring",
        start=START,
        end=START + dt.timedelta(hours=1),
        timezone="Europe/Amsterdam",
        members=("anna", "bram"),
        roles={"anna": "mentor", "bram": "mentee"},
        key="unit-1",
        **more,  # type: ignore[arg-type]
    )
    with db.transaction() as session:
        return schedule_storage.add_events(session, [event], now=NOW - dt.timedelta(days=7))[0]


def read(db: Database, server: ImapServer, now: dt.datetime = NOW) -> dict[str, int]:
    tally = replies.read_mailbox(db, SETTINGS, ImapSettings.parse(server.url), now=now)
    assert not tally.error, tally.error
    return tally.outcomes


def answers(db: Database, event_id: int) -> dict[str, object]:
    (found,) = [r for r in replies.replies_for(db, ["mentor"]) if r.event.id == event_id]
    return {p: (a.answer if a else None) for p, a in found.answers.items()}


def test_outlook_google_and_apple_replies_are_matched_to_the_event_and_person(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.outlook(uid(event_id), "Anna@Wadloo.Example", "Anna de Vries", ACCEPTED, START,
                                  comment="Tot dan!"))  # fmt: skip
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram Çelik", DECLINED, START))

    assert read(org_db, mailbox) == {"applied": 2}

    assert answers(org_db, event_id) == {"anna": ACCEPTED, "bram": DECLINED}
    (found,) = replies.replies_for(org_db, ["mentor"])
    anna = found.answers["anna"]
    assert anna is not None and anna.comment == "Tot dan!" and anna.received == NOW
    assert mailbox.unseen() == 0

    mailbox.append(shapes.apple(uid(event_id), "bram@wadloo.example", "Bram Çelik", TENTATIVE, START))
    assert read(org_db, mailbox, NOW + dt.timedelta(hours=1)) == {"applied": 1}
    assert answers(org_db, event_id) == {"anna": ACCEPTED, "bram": TENTATIVE}


def test_a_plain_rfc_6047_reply_is_read(org_db: Database, mailbox: ImapServer) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.imip(uid(event_id), "anna@wadloo.example", TENTATIVE, START))
    assert read(org_db, mailbox) == {"applied": 1}
    assert answers(org_db, event_id) == {"anna": TENTATIVE, "bram": None}


def test_an_outlook_counter_proposal_is_kept_for_hr_and_never_moves_the_meeting(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    later = START + dt.timedelta(days=1, hours=3)
    mailbox.append(shapes.outlook(uid(event_id), "anna@wadloo.example", "Anna de Vries", "TENTATIVE", START,
                                  proposed=later))  # fmt: skip

    assert read(org_db, mailbox) == {"applied": 1}

    (found,) = replies.replies_for(org_db, ["mentor"])
    anna = found.answers["anna"]
    assert anna is not None and anna.answer == COUNTER
    assert (anna.proposed_start, anna.proposed_end) == (later, later + dt.timedelta(hours=1))
    assert (found.event.start, found.event.sequence) == (START, 0)


def test_replies_that_match_nothing_or_cannot_be_read_are_logged_and_change_nothing(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.google(uid(event_id + 99), "anna@wadloo.example", "Anna", ACCEPTED, START))
    mailbox.append(
        shapes.google("someone-else-123@google.com", "anna@wadloo.example", "Anna", ACCEPTED, START)
    )
    mailbox.append(shapes.apple(uid(event_id), "chen@wadloo.example", "Chen", ACCEPTED, START))
    mailbox.append(shapes.broken_calendar(uid(event_id), "anna@wadloo.example"))
    mailbox.append(shapes.plain_mail("bram@wadloo.example", "Afwezig", "Ik ben tot maandag afwezig."))

    assert read(org_db, mailbox) == {UNMATCHED: 3, MALFORMED: 2}

    assert answers(org_db, event_id) == {"anna": None, "bram": None}
    logged = replies.unapplied(org_db)
    reasons = sorted(str(m.reason) for m in logged)
    unreadable = [r for r in reasons if r.startswith("the calendar in the message cannot be read: ")]
    assert len(unreadable) == 1
    assert sorted(set(reasons) - set(unreadable)) == sorted(
        [
            f"no event of meeloop has the UID {uid(event_id + 99)}",
            "no event of meeloop has the UID someone-else-123@google.com",
            f"chen@wadloo.example was not invited to event {event_id}",
            "the message holds no calendar reply",
        ]
    )
    assert {m.sender for m in logged} >= {"chen@wadloo.example", "bram@wadloo.example"}
    assert mailbox.unseen() == 0


def test_a_reply_to_an_older_sequence_is_noted_as_stale_and_not_applied(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    with org_db.engine.begin() as connection:  # invites went out again twice since
        connection.execute(sqlalchemy.text("UPDATE scheduled_event SET sequence = 2"))
    mailbox.append(shapes.outlook(uid(event_id), "anna@wadloo.example", "Anna", DECLINED, START, sequence=1))
    mailbox.append(shapes.outlook(uid(event_id), "bram@wadloo.example", "Bram", ACCEPTED, START, sequence=2))

    assert read(org_db, mailbox) == {STALE: 1, "applied": 1}

    assert answers(org_db, event_id) == {"anna": None, "bram": ACCEPTED}
    (stale,) = replies.unapplied(org_db)
    assert stale.outcome == STALE and "sequence 1, now 2" in stale.reason


def test_a_reply_for_one_occurrence_of_a_series_is_kept_for_that_occurrence(
    org_db: Database, mailbox: ImapServer
) -> None:
    week = dt.timedelta(weeks=1)
    times = tuple((START + i * week, START + i * week + dt.timedelta(hours=1)) for i in range(3))
    event_id = add_meeting(org_db, rrule="FREQ=WEEKLY;INTERVAL=1;UNTIL=20261224T100000Z", occurrences=times)
    mailbox.append(shapes.apple(uid(event_id), "anna@wadloo.example", "Anna", DECLINED, START + week,
                                occurrence=START + week))  # fmt: skip
    mailbox.append(shapes.apple(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START,
                                occurrence=START + dt.timedelta(days=2)))  # fmt: skip

    assert read(org_db, mailbox) == {"applied": 1, UNMATCHED: 1}

    (found,) = replies.replies_for(org_db, ["mentor"])
    assert found.answers == {"anna": None, "bram": None}
    (single,) = found.occurrences["anna"]
    assert (single.answer, single.occurrence) == (DECLINED, START + week)


def test_reading_twice_reads_nothing_twice_even_when_marking_read_was_lost(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START))
    assert read(org_db, mailbox) == {"applied": 1}
    assert read(org_db, mailbox, NOW + dt.timedelta(minutes=10)) == {}

    # The message comes back unread (someone opened the mailbox and marked it unread).
    client = mailbox.connect()
    client.select("INBOX")
    client.uid("STORE", "1:*", "-FLAGS.SILENT", r"(\Seen)")
    client.logout()
    assert mailbox.unseen() == 1
    assert read(org_db, mailbox, NOW + dt.timedelta(minutes=20)) == {}
    assert mailbox.unseen() == 0
    with org_db.engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("SELECT count(*) FROM reply_mail")).scalar() == 1
    (found,) = replies.replies_for(org_db, ["mentor"])
    assert found.answers["bram"] is not None and found.answers["bram"].received == NOW


def test_a_refused_login_is_noted_with_why_and_changes_nothing(org_db: Database, mailbox: ImapServer) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START))
    wrong = dataclasses.replace(ImapSettings.parse(mailbox.url), password="wrong")

    tally = replies.read_mailbox(org_db, SETTINGS, wrong, now=NOW)

    assert tally.error == "the mail server refused the account organiser"
    assert answers(org_db, event_id) == {"anna": None, "bram": None}
    assert mailbox.unseen() == 1
    assert [m.reason for m in replies.unapplied(org_db)] == [tally.error]
    assert replies.last_read(org_db) is None


def test_the_scheduled_job_reads_the_mailbox_of_the_setting(
    org_db: Database, mailbox: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.outlook(uid(event_id), "anna@wadloo.example", "Anna", ACCEPTED, START))
    monkeypatch.setenv("MEELOOP_IMAP_URL", mailbox.url)
    context = queue.Context(org_db, SETTINGS, None, lambda: NOW, lambda: NOW.date())
    work = queue.Queue(queue.QueueSettings(immediate=True), context)

    assert work.run_scheduled("replies", NOW) == {"applied": 1}
    assert [s.cron for s in queue.schedules({}) if s.name == "replies"] == ["*/10 * * * *"]
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START))
    work.enqueue(replies.READ, "")
    assert answers(org_db, event_id) == {"anna": ACCEPTED, "bram": DECLINED}
    assert replies.last_read(org_db) == NOW


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("imap://u:p@imap.example.org/INBOX", "the password would go unencrypted to imap.example.org"),
        ("https://u:p@imap.example.org/", "must start with imaps://"),
        ("imaps://imap.example.org/", "needs the account, its password and the server"),
    ],
)
def test_a_mailbox_setting_that_is_wrong_says_why(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        ImapSettings.parse(url)


def test_a_mailbox_setting_reads_tls_starttls_and_the_folder() -> None:
    tls = ImapSettings.parse("imaps://rsvp%40wadloo.example:geheim@imap.wadloo.example/Antwoorden")
    assert (tls.scheme, tls.port, tls.user, tls.password, tls.folder) == (
        "imaps", 993, "rsvp@wadloo.example", "geheim", "Antwoorden"
    )  # fmt: skip
    starttls = ImapSettings.parse("imap+starttls://rsvp:geheim@imap.wadloo.example")
    assert (starttls.scheme, starttls.port, starttls.folder) == ("imap+starttls", 143, "INBOX")


@pytest.mark.parametrize("kind", ["imaps", "starttls"])
def test_the_mailbox_is_read_over_tls_with_the_certificate_checked(
    org_db: Database, mailbox: ImapServer, kind: str
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START))
    url = mailbox.tls_url if kind == "imaps" else mailbox.starttls_url
    untrusted = ImapSettings.parse(url)

    refused = replies.read_mailbox(org_db, SETTINGS, untrusted, now=NOW)

    assert "CERTIFICATE_VERIFY_FAILED" in refused.error
    assert mailbox.unseen() == 1
    trusted = ImapSettings.from_env({"MEELOOP_IMAP_URL": url, "MEELOOP_IMAP_CA_FILE": mailbox.certificate})
    assert trusted is not None
    assert replies.read_mailbox(org_db, SETTINGS, trusted, now=NOW).outcomes == {"applied": 1}
    assert answers(org_db, event_id) == {"anna": None, "bram": DECLINED}


def test_a_ca_file_that_is_not_there_is_named() -> None:
    with pytest.raises(ValueError, match=r"MEELOOP_IMAP_CA_FILE: there is no file /nowhere/ca\.pem"):
        ImapSettings.from_env(
            {"MEELOOP_IMAP_URL": "imaps://u:p@imap.example.org/", "MEELOOP_IMAP_CA_FILE": "/nowhere/ca.pem"}
        )


def test_a_persons_data_export_holds_their_replies_and_not_their_colleagues(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.outlook(uid(event_id), "anna@wadloo.example", "Anna de Vries", ACCEPTED, START,
                                  comment="Tot dan!"))  # fmt: skip
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram Çelik", DECLINED, START))
    read(org_db, mailbox)

    anna = personal.person_data(org_db, "anna", now=NOW)
    assert anna is not None
    assert [(r["event"], r["answer"], r["comment"]) for r in anna["invite_replies"]] == [
        ("Mentoring", ACCEPTED, "Tot dan!")
    ]
    bram = personal.person_data(org_db, "bram", now=NOW)
    assert bram is not None and [r["answer"] for r in bram["invite_replies"]] == [DECLINED]


def test_mails_that_break_the_reading_are_noted_and_the_next_reply_is_still_applied(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    bad_sender = shapes.google(uid(event_id), "anna@wadloo.example", "Anna", ACCEPTED, START)
    mailbox.append(shapes.with_header(bad_sender, "From", "a@["))
    mailbox.append(
        shapes.imip(uid(event_id), "anna@wadloo.example", DECLINED, START, more="RECURRENCE-ID:PT1H\r\n")
    )
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START))

    assert read(org_db, mailbox) == {UNMATCHED: 1, MALFORMED: 1, "applied": 1}

    assert answers(org_db, event_id) == {"anna": None, "bram": DECLINED}
    assert sorted(m.reason for m in replies.unapplied(org_db)) == [
        "sent without a readable sender, not by the attendee anna@wadloo.example",
        "the reply's RECURRENCE-ID is not a date and time",
    ]
    assert mailbox.unseen() == 0


def test_a_mail_that_fails_in_a_way_not_foreseen_is_noted_marked_read_and_reading_goes_on(
    org_db: Database, mailbox: ImapServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.google(uid(event_id), "anna@wadloo.example", "Anna", ACCEPTED, START))
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START))
    reading = imip.read_replies

    def breaks_on_anna(raw: bytes) -> list[imip.Reply]:
        if b"anna@" in raw:
            raise RuntimeError("a bug")
        return reading(raw)

    monkeypatch.setattr(imip, "read_replies", breaks_on_anna)

    assert read(org_db, mailbox) == {MALFORMED: 1, "applied": 1}

    assert answers(org_db, event_id) == {"anna": None, "bram": DECLINED}
    (noted,) = replies.unapplied(org_db)
    assert (noted.outcome, noted.reason, noted.sender) == (
        MALFORMED, "the message could not be read", "anna@wadloo.example"
    )  # fmt: skip
    assert "a bug" in caplog.text
    assert mailbox.unseen() == 0
    assert read(org_db, mailbox, NOW + dt.timedelta(minutes=10)) == {}


def test_a_reply_sent_from_another_address_than_the_attendees_is_not_applied(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    forged = shapes.google(uid(event_id), "anna@wadloo.example", "Anna", DECLINED, START)
    mailbox.append(shapes.with_header(forged, "From", "Anna <anna@wadloo.example.evil.example>"))

    assert read(org_db, mailbox) == {UNMATCHED: 1}

    assert answers(org_db, event_id) == {"anna": None, "bram": None}
    (noted,) = replies.unapplied(org_db)
    assert (
        noted.reason == "sent from anna@wadloo.example.evil.example, not by the attendee anna@wadloo.example"
    )
    assert mailbox.unseen() == 0


def test_with_dmarc_required_only_replies_the_own_server_found_dmarc_aligned_are_applied(
    org_db: Database, mailbox: ImapServer
) -> None:
    event_id = add_meeting(org_db)
    passed = "mx.wadloo.example; spf=pass smtp.mailfrom=wadloo.example; dmarc=pass header.from=wadloo.example"
    bram = shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START)
    mailbox.append(shapes.with_header(bram, "Authentication-Results", passed))
    mailbox.append(shapes.outlook(uid(event_id), "anna@wadloo.example", "Anna", ACCEPTED, START))
    # A header the sender wrote below the one the organiser's server put on top does not count.
    written = shapes.with_header(
        shapes.apple(uid(event_id), "anna@wadloo.example", "Anna", TENTATIVE, START),
        "Authentication-Results",
        passed,
    )
    mailbox.append(
        b"Authentication-Results: mx.wadloo.example; dmarc=fail header.from=wadloo.example\r\n" + written
    )
    settings = ImapSettings.from_env({"MEELOOP_IMAP_URL": mailbox.url, "MEELOOP_IMAP_REQUIRE_DMARC": "1"})
    assert settings is not None and settings.require_dmarc

    tally = replies.read_mailbox(org_db, SETTINGS, settings, now=NOW)

    assert tally.outcomes == {"applied": 1, UNMATCHED: 2}
    assert answers(org_db, event_id) == {"anna": None, "bram": DECLINED}
    assert {m.reason for m in replies.unapplied(org_db)} == {
        "the message did not pass the DMARC check of the organiser's mail server"
    }
    off = ImapSettings.from_env({"MEELOOP_IMAP_URL": mailbox.url})
    assert off is not None and not off.require_dmarc


def test_a_message_over_the_size_cap_is_not_downloaded_but_noted_and_marked_read(
    org_db: Database, mailbox: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = add_meeting(org_db)
    mailbox.append(shapes.oversized("anna@wadloo.example", imip.MAX_BYTES + 1000))
    mailbox.append(shapes.google(uid(event_id), "bram@wadloo.example", "Bram", DECLINED, START))
    fetched: list[str] = []
    command = imaplib.IMAP4.uid

    def noting(client: imaplib.IMAP4, name: str, *args: str) -> tuple[str, list[object]]:
        if name == "FETCH":
            fetched.append(args[1])
        return command(client, name, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", noting)

    assert read(org_db, mailbox) == {MALFORMED: 1, "applied": 1}

    assert fetched == ["(RFC822.SIZE)", "(RFC822.SIZE)", "(BODY.PEEK[])"]
    assert answers(org_db, event_id) == {"anna": None, "bram": DECLINED}
    (noted,) = replies.unapplied(org_db)
    assert noted.reason == "the message is larger than 2 MB"
    assert mailbox.unseen() == 0

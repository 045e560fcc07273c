"""Scheduled notices end to end: reminders, "did you meet?" check-ins and value checks, sent through a
real SMTP server (aiosmtpd) from a real SQLite file and PostgreSQL server, with reruns, two workers
at once, refused addresses and a mail server that cannot be reached."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import subprocess
import sys
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from matcher.domain.problems import InvalidInput
from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.services import notices, organisation, queue, scheduling
from matcher.storage import Database
from matcher.storage import accounts as account_storage
from matcher.storage import notices as notice_storage
from matcher.storage import schedule as schedule_storage
from tests.mailtools import Mailbag, free_port, smtp_server
from tests.orgs import small_org

#: Thursday 3 December 2026, 08:00 UTC (09:00 in Amsterdam).
NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example",
    domain="wadloo.example",
    base_url="https://meeloop.wadloo.example",
    language="en",
)
NOTICES = notices.NoticeSettings()
LINK = re.compile(r"https://meeloop\.wadloo\.example/check-in/([A-Za-z0-9_-]+)/(held|moved|not-held)")


def at(day: dt.date, hour: int, minutes: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minutes), dt.UTC)


def event(title: str, members: dict[str, str], start: dt.datetime, **more) -> ScheduledEvent:
    """An event of an hour (or a series, with ``occurrences``) in Amsterdam's time."""
    return ScheduledEvent(
        kind=more.pop("kind", "meeting"),
        source=more.pop("source", "mentor"),
        title=title,
        start=start,
        end=start + dt.timedelta(hours=1),
        timezone="Europe/Amsterdam",
        members=tuple(members),
        roles=members,
        key=title,
        **more,
    )


def add(db: Database, *events: ScheduledEvent) -> list[int]:
    with db.transaction() as session:
        return schedule_storage.add_events(session, list(events), now=NOW - dt.timedelta(days=30))


@pytest.fixture
def org_db(db, tmp_path):
    """Gemeente Wadloo in miniature: Dirk leaves on 31 December 2026; Chen works in Brussels' time."""
    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=NOW - dt.timedelta(days=60))
    return db


@pytest.fixture
def mail():
    with smtp_server() as (bag, port):
        yield (
            bag,
            SmtpSettings(host="127.0.0.1", sender="mentoring@wadloo.example", port=port, security="none"),
        )


def context(db: Database, smtp: SmtpSettings | None) -> queue.Context:
    return queue.Context(db=db, invites=SETTINGS, smtp=smtp, clock=lambda: NOW, today=lambda: NOW.date())


def to(bag) -> list[str]:
    return sorted(str(m["To"].addresses[0].addr_spec) for m in bag.received)


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def letter_to(bag, address: str) -> EmailMessage:
    (found,) = [m for m in bag.received if m["To"].addresses[0].addr_spec == address]
    return found


# -- reminders -----------------------------------------------------------------------------------------


def test_a_reminder_goes_once_to_each_participant_with_what_when_where_and_whom(org_db, mail):
    bag, smtp = mail
    (meeting,) = add(
        org_db, event("Mentor meeting", {"anna": "mentor", "chen": "mentee"}, NOW + dt.timedelta(hours=3))
    )
    ran = notices.send_reminders(context(org_db, smtp), NOW, NOTICES)
    assert (ran.sent, ran.failed) == (2, ())
    assert to(bag) == ["anna@wadloo.example", "chen@wadloo.example"]
    anna = letter_to(bag, "anna@wadloo.example")
    assert anna["Subject"] == "Reminder: Mentor meeting"
    assert anna["Message-ID"].startswith("<meeloop-notice-") and anna["Message-ID"].endswith(
        "@wadloo.example>"
    )
    text = text_of(anna)
    assert "Dear Anna de Vries," in text
    assert "When: Thursday 3 December 2026, 12:00–13:00 (Europe/Amsterdam)" in text
    assert "With: 王芳" in text and "Anna de Vries" not in text.split("With:")[1].split("\n")[0]
    # Anna works at the Stadhuis, Chen at the Gemeentewerf: they meet online.
    assert "Where: online" in text
    assert "To prepare: Think of one thing you learnt the hard way" in text
    assert f"https://meeloop.wadloo.example/me/plans#event-{meeting}" in text
    # Chen reads the time in her own time zone.
    assert "12:00–13:00 (Europe/Brussels)" in text_of(letter_to(bag, "chen@wadloo.example"))
    # A rerun, or the next quarter of an hour, sends nothing again.
    again = notices.send_reminders(context(org_db, smtp), NOW + dt.timedelta(minutes=15), NOTICES)
    assert again == notices.Sent() and len(bag.received) == 2
    with org_db.transaction() as session:
        kept = notice_storage.notices(session, kind=notices.REMINDER)
    assert [(n.about, n.person_id, n.status, n.attempts) for n in kept] == [
        (f"{meeting}/2026-12-03", "anna", "sent", 1),
        (f"{meeting}/2026-12-03", "chen", "sent", 1),
    ]


def test_no_reminder_for_a_session_begun_too_far_ahead_cancelled_or_after_someone_left(org_db, mail):
    bag, smtp = mail
    add(
        org_db,
        event("Begun", {"anna": "mentor", "bram": "mentee"}, NOW - dt.timedelta(minutes=10)),
        event("Next week", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(days=7)),
        event("Called off", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=2), source="old"),
        # Dirk leaves on 31 December: no reminder for a session in January, while Chen gets hers.
        event("In January", {"chen": "mentor", "dirk": "mentee"}, at(dt.date(2027, 1, 4), 9)),
    )
    with org_db.transaction() as session:
        schedule_storage.cancel_events(session, source="old", kind="meeting", now=NOW)
    a_month = dataclasses.replace(NOTICES, reminder_hours=24 * 40)
    due = notices.due_reminders(org_db, NOW, a_month)
    assert sorted((d.event.title, d.person_id) for d in due if d.event) == [
        ("In January", "chen"),
        ("Next week", "anna"),
        ("Next week", "bram"),
    ]
    assert notices.send_reminders(context(org_db, smtp), NOW, NOTICES) == notices.Sent()
    assert bag.received == []


def test_each_session_of_a_series_and_a_lunch_audience_get_their_reminder(org_db, mail):
    bag, smtp = mail
    first = NOW - dt.timedelta(days=7) + dt.timedelta(hours=2)
    series = event(
        "Buddy",
        {"bram": "member", "eva": "member"},
        first,
        rrule="FREQ=WEEKLY;COUNT=2",
        occurrences=tuple((s, s + dt.timedelta(hours=1)) for s in (first, first + dt.timedelta(days=7))),
    )
    lunch = event(
        "Lunch & learn: SQL",
        {"chen": "presenter"},
        NOW + dt.timedelta(hours=4),
        kind="lunch",
        source="lunch",
        details={"audience": ["anna"]},
    )
    (series_id, lunch_id) = add(org_db, series, lunch)
    notices.send_reminders(context(org_db, smtp), NOW, NOTICES)
    assert to(bag) == [
        "anna@wadloo.example",
        "bram@wadloo.example",
        "chen@wadloo.example",
        "eva@wadloo.example",
    ]
    anna = text_of(letter_to(bag, "anna@wadloo.example"))
    assert "your lunch & learn session “Lunch & learn: SQL” is coming up" in anna and "With: 王芳" in anna
    assert "Where: Stadhuis" not in anna
    with org_db.transaction() as session:
        abouts = {n.about for n in notice_storage.notices(session)}
    assert abouts == {f"{series_id}/2026-12-03", f"{lunch_id}/2026-12-03"}


def speaks_dutch(db: Database, person_id: str) -> None:
    """The person has an account on which they chose Dutch."""
    with db.transaction() as session:
        account = account_storage.add_account(
            session,
            f"{person_id}@wadloo.example",
            role="employee",
            password_hash="x",
            person_id=person_id,
            now=NOW,
        )
        account_storage.set_locale(session, account.id, "nl")


def test_a_reminder_speaks_the_reader_s_own_language(org_db, mail):
    bag, smtp = mail
    speaks_dutch(org_db, "bram")
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)))
    notices.send_reminders(context(org_db, smtp), NOW, NOTICES)
    bram = text_of(letter_to(bag, "bram@wadloo.example"))
    assert bram.startswith("Beste Bram Çelik,")
    assert "Wanneer: donderdag 3 december 2026, 12:00–13:00 (Europe/Amsterdam)" in bram
    assert "Ter voorbereiding: " in bram
    anna = text_of(letter_to(bag, "anna@wadloo.example"))
    assert anna.startswith("Dear Anna de Vries,") and "When: Thursday 3 December 2026" in anna


# -- check-ins -----------------------------------------------------------------------------------------


def test_a_check_in_goes_an_hour_after_the_session_and_its_links_answer_it(org_db, mail):
    bag, smtp = mail
    start = NOW - dt.timedelta(hours=2)
    (meeting,) = add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, start))
    # It ended at 07:00; at 07:45 it is too early to ask.
    early = notices.send_check_ins(context(org_db, smtp), start + dt.timedelta(minutes=105), NOTICES)
    assert early == notices.Sent() and bag.received == []
    ran = notices.send_check_ins(context(org_db, smtp), NOW, NOTICES)
    assert ran.sent == 2 and to(bag) == ["anna@wadloo.example", "bram@wadloo.example"]
    bram = letter_to(bag, "bram@wadloo.example")
    assert bram["Subject"] == "Did it take place? Mentor meeting"
    text = text_of(bram)
    assert (
        "Your meeting “Mentor meeting” was planned for Thursday 3 December 2026. Did it take place?" in text
    )
    assert "never who answered what" in text
    links = LINK.findall(text)
    assert [answer for _token, answer in links] == ["held", "moved", "not-held"]
    assert links[0][0] == links[1][0] == links[2][0]
    token = links[0][0]
    # The links of Anna's letter are her own.
    assert LINK.findall(text_of(letter_to(bag, "anna@wadloo.example")))[0][0] != token
    view = notices.check_in(org_db, SETTINGS, token)
    assert view is not None and (view.event_id, view.day, view.answer, view.language) == (
        meeting,
        dt.date(2026, 12, 3),
        None,
        "en",
    )
    yes = notices.answer_check_in(org_db, SETTINGS, token, "held", now=NOW)
    assert yes is not None and yes.answer == "held"
    # The other link changes the answer; it never adds one.
    no = notices.answer_check_in(org_db, SETTINGS, token, "not-held", now=NOW + dt.timedelta(minutes=1))
    assert no is not None and no.answer == "not-held"
    with org_db.transaction() as session:
        stored = [(c.person_id, c.answer) for c in notice_storage.check_ins(session)]
    assert sorted(stored) == [("anna", None), ("bram", "not-held")]
    forged = token[:-1] + ("x" if token[-1] != "x" else "y")  # one character off, never the same
    assert notices.answer_check_in(org_db, SETTINGS, forged, "held", now=NOW) is None
    assert notices.check_in(org_db, SETTINGS, "../../etc") is None
    # Asked once: a later run asks nothing.
    assert (
        notices.send_check_ins(context(org_db, smtp), NOW + dt.timedelta(hours=1), NOTICES) == notices.Sent()
    )


def test_no_check_in_for_a_cancelled_event_an_old_session_or_someone_who_left(org_db, mail):
    bag, _smtp = mail
    add(
        org_db,
        event("Called off", {"anna": "mentor", "bram": "mentee"}, NOW - dt.timedelta(hours=3), source="old"),
        event("Last week", {"anna": "mentor", "bram": "mentee"}, NOW - dt.timedelta(days=7)),
        event("Yesterday", {"chen": "host", "dirk": "guest"}, NOW - dt.timedelta(days=1), kind="shadowing"),
    )
    with org_db.transaction() as session:
        schedule_storage.cancel_events(session, source="old", kind="meeting", now=NOW)
    due = notices.due_check_ins(org_db, NOW, NOTICES)
    assert sorted((d.event.title, d.person_id) for d in due if d.event) == [
        ("Yesterday", "chen"),
        ("Yesterday", "dirk"),
    ]
    # In January Dirk has left: Chen is asked, Dirk is not.
    january = at(dt.date(2027, 1, 5), 9)
    add(
        org_db,
        event(
            "January", {"chen": "host", "dirk": "guest"}, january - dt.timedelta(hours=3), kind="shadowing"
        ),
    )
    assert [d.person_id for d in notices.due_check_ins(org_db, january, NOTICES)] == ["chen"]
    assert bag.received == []


def test_a_check_in_that_did_not_go_out_is_not_counted_until_a_retry_delivers_it(org_db, mail):
    bag, smtp = mail
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW - dt.timedelta(hours=3)))
    bag.refuse = {"bram@wadloo.example"}
    assert notices.send_check_ins(context(org_db, smtp), NOW, NOTICES).sent == 1
    assert notices.check_in_counts(org_db, by="kind")["meeting"] == notices.CheckInCount(no_answer=1)
    bag.refuse = set()
    assert notices.send_check_ins(context(org_db, smtp), NOW + dt.timedelta(minutes=15), NOTICES).sent == 1
    assert notices.check_in_counts(org_db, by="kind")["meeting"] == notices.CheckInCount(no_answer=2)
    (token, _answer), *_others = LINK.findall(text_of(letter_to(bag, "bram@wadloo.example")))
    assert notices.answer_check_in(org_db, SETTINGS, token, "held", now=NOW) is not None


def test_hr_counts_answers_per_kind_and_round_and_never_who(org_db, mail):
    bag, smtp = mail
    start = NOW - dt.timedelta(hours=3)
    add(
        org_db,
        event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, start),
        event("Shadowing", {"chen": "host", "eva": "guest"}, start, kind="shadowing", source="request 1"),
    )
    notices.send_check_ins(context(org_db, smtp), NOW, NOTICES)
    tokens = {m["To"].addresses[0].addr_spec: LINK.findall(text_of(m))[0][0] for m in bag.received}
    notices.answer_check_in(org_db, SETTINGS, tokens["anna@wadloo.example"], "held", now=NOW)
    notices.answer_check_in(org_db, SETTINGS, tokens["bram@wadloo.example"], "moved", now=NOW)
    notices.answer_check_in(org_db, SETTINGS, tokens["chen@wadloo.example"], "not-held", now=NOW)
    by_kind = notices.check_in_counts(org_db, by="kind")
    assert by_kind == {
        "meeting": notices.CheckInCount(held=1, moved=1, not_held=0, no_answer=0),
        "shadowing": notices.CheckInCount(held=0, moved=0, not_held=1, no_answer=1),
    }
    assert notices.check_in_counts(org_db, by="source")["mentor"].asked == 2
    with pytest.raises(ValueError, match="not a grouping"):
        notices.check_in_counts(org_db, by="person")


# -- the quarterly value check -----------------------------------------------------------------------------


def test_the_value_check_goes_to_those_who_took_part_last_quarter(org_db, mail):
    bag, smtp = mail
    add(
        org_db,
        event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, at(dt.date(2026, 11, 26), 9)),
        event("Second", {"anna": "mentor", "eva": "mentee"}, at(dt.date(2026, 12, 10), 9)),
        # Chen and Dirk met in the summer only; Dirk also in December, but he has left by January.
        event("Summer", {"chen": "host", "dirk": "guest"}, at(dt.date(2026, 8, 3), 9), kind="shadowing"),
        event("December", {"chen": "host", "dirk": "guest"}, at(dt.date(2026, 12, 14), 9), kind="shadowing"),
        # Bram's other session was called off, as he said.
        event("Called off", {"bram": "member", "eva": "member"}, at(dt.date(2026, 12, 1), 9)),
    )
    check_in_day = at(dt.date(2026, 12, 1), 12)
    notices.send_check_ins(context(org_db, smtp), check_in_day, NOTICES)
    token = LINK.findall(text_of(letter_to(bag, "bram@wadloo.example")))[0][0]
    notices.answer_check_in(org_db, SETTINGS, token, "no", now=check_in_day)
    bag.received.clear()

    speaks_dutch(org_db, "eva")
    new_year = at(dt.date(2027, 1, 1), 7)
    due = notices.due_value_checks(org_db, new_year, NOTICES)
    assert [(d.person_id, d.about, d.sessions) for d in due] == [
        ("anna", "2026-Q4", 2),
        ("bram", "2026-Q4", 1),
        ("chen", "2026-Q4", 1),
        ("eva", "2026-Q4", 2),
    ]
    ran = notices.send_value_checks(context(org_db, smtp), new_year, NOTICES)
    assert ran.sent == 4
    anna = letter_to(bag, "anna@wadloo.example")
    assert anna["Subject"] == "What did learning with colleagues bring you last quarter?"
    text = text_of(anna)
    assert (
        "From 1 October to 31 December 2026 you took part in 2 sessions of learning with colleagues." in text
    )
    assert re.search(r"https://meeloop\.wadloo\.example/value-check/[A-Za-z0-9_-]{20,}\s", text)
    assert "https://meeloop.wadloo.example/me/learning-climate" in text
    assert "- Applied value (I did something differently in my work)" in text
    eva = text_of(letter_to(bag, "eva@wadloo.example"))
    assert (
        eva.startswith("Beste Eva Jansen,")
        and "Toegepaste waarde (ik heb iets anders gedaan in mijn werk)" in eva
    )
    assert "1 oktober" in eva and "31 december 2026" in eva
    # Once a quarter: a rerun, or a run later in January, sends nothing; after the first fortnight
    # nothing is due at all.
    assert notices.send_value_checks(context(org_db, smtp), new_year, NOTICES) == notices.Sent()
    assert notices.due_value_checks(org_db, at(dt.date(2027, 1, 15), 7), NOTICES) == []
    assert len(bag.received) == 4


def test_a_value_check_that_failed_is_tried_again_by_the_check_in_run(org_db, mail):
    bag, smtp = mail
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, at(dt.date(2026, 11, 26), 9)))
    bag.refuse = {"bram@wadloo.example"}
    new_year = at(dt.date(2027, 1, 1), 7)
    ran = notices.send_value_checks(context(org_db, smtp), new_year, NOTICES)
    assert ran.sent == 1 and [who for who, _why in ran.failed] == ["bram"]
    bag.refuse = set()
    later = notices.send_check_ins(context(org_db, smtp), new_year + dt.timedelta(minutes=15), NOTICES)
    assert later.sent == 1 and to(bag) == ["anna@wadloo.example", "bram@wadloo.example"]


# -- sending exactly once ------------------------------------------------------------------------------------


def test_a_refused_address_is_recorded_and_tried_again_on_the_next_run(org_db, mail):
    bag, smtp = mail
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)))
    bag.refuse = {"bram@wadloo.example"}
    ran = notices.send_reminders(context(org_db, smtp), NOW, NOTICES)
    assert ran.sent == 1 and len(ran.failed) == 1 and "550" in ran.failed[0][1]
    with org_db.transaction() as session:
        bram = next(n for n in notice_storage.notices(session) if n.person_id == "bram")
    assert (bram.status, bram.attempts) == ("failed", 1) and "No such mailbox" in bram.last_error
    bag.refuse = set()
    again = notices.send_reminders(context(org_db, smtp), NOW + dt.timedelta(minutes=15), NOTICES)
    assert again.sent == 1
    assert to(bag) == ["anna@wadloo.example", "bram@wadloo.example"]
    with org_db.transaction() as session:
        bram = next(n for n in notice_storage.notices(session) if n.person_id == "bram")
    assert (bram.status, bram.attempts, bram.last_error) == ("sent", 2, "")


def test_an_address_refused_again_and_again_is_given_up_after_the_last_attempt(org_db, mail):
    bag, smtp = mail
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)))
    bag.refuse = {"bram@wadloo.example"}
    twice = dataclasses.replace(NOTICES, most_attempts=2)
    for minutes in (0, 15, 30, 45):
        notices.send_reminders(context(org_db, smtp), NOW + dt.timedelta(minutes=minutes), twice)
    with org_db.transaction() as session:
        bram = next(n for n in notice_storage.notices(session) if n.person_id == "bram")
    assert (bram.status, bram.attempts) == ("failed", 2)
    assert notices.due_reminders(org_db, NOW + dt.timedelta(hours=1), twice) == []


def test_an_unreachable_mail_server_says_try_again_and_nothing_is_lost(org_db, mail):
    bag, smtp = mail
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)))
    nowhere = dataclasses.replace(smtp, port=free_port(), timeout=5)
    with pytest.raises(queue.TryAgain, match="cannot connect"):
        notices.send_reminders(context(org_db, nowhere), NOW, NOTICES)
    with org_db.transaction() as session:
        assert notice_storage.notices(session) == []
    ran = notices.send_reminders(context(org_db, smtp), NOW + dt.timedelta(minutes=15), NOTICES)
    assert ran.sent == 2 and len(bag.received) == 2


def test_a_server_that_stops_taking_mail_leaves_the_rest_for_the_next_run(org_db, mail):
    bag, smtp = mail
    add(
        org_db,
        event("One", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)),
        event("Two", {"chen": "host", "eva": "guest"}, NOW + dt.timedelta(hours=4), kind="shadowing"),
    )
    bag.fail_from = 1  # 421 for the second letter, and the server closes the connection
    with pytest.raises(queue.TryAgain, match="went away after 1 sent; 1 wait"):
        notices.send_reminders(context(org_db, smtp), NOW, NOTICES)
    with org_db.transaction() as session:
        kept = [(n.person_id, n.status) for n in notice_storage.notices(session)]
    assert kept == [("anna", "sent"), ("bram", "failed"), ("chen", "failed")]
    bag.fail_from = None
    again = notices.send_reminders(context(org_db, smtp), NOW + dt.timedelta(minutes=15), NOTICES)
    assert again.sent == 3
    assert to(bag) == [f"{p}@wadloo.example" for p in ("anna", "bram", "chen", "eva")]


def test_a_notice_whose_sender_died_while_sending_is_sent_by_a_later_run(org_db, mail):
    bag, smtp = mail
    (meeting,) = add(
        org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3))
    )
    with org_db.transaction() as session:  # a worker claims Bram's reminder and dies before marking it
        claimed = notice_storage.claim(
            session,
            notices.REMINDER,
            f"{meeting}/2026-12-03",
            "bram",
            event_id=meeting,
            session_day=dt.date(2026, 12, 3),
            now=NOW,
            most_attempts=NOTICES.most_attempts,
            stale_before=NOW - NOTICES.sending_for,
        )
    assert claimed is not None
    soon = notices.send_reminders(context(org_db, smtp), NOW + dt.timedelta(minutes=15), NOTICES)
    assert soon.sent == 1 and to(bag) == ["anna@wadloo.example"]
    later = notices.send_reminders(context(org_db, smtp), NOW + dt.timedelta(minutes=45), NOTICES)
    assert later.sent == 1 and to(bag) == ["anna@wadloo.example", "bram@wadloo.example"]
    assert letter_to(bag, "bram@wadloo.example")["Message-ID"] == f"<meeloop-notice-{claimed}@wadloo.example>"


class SlowServer(Mailbag):
    """Holds each letter until ``release`` is set, and says when one arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        return await super().handle_DATA(server, session, envelope)


def test_no_transaction_waits_for_the_mail_server(org_db):
    """While the server takes its time over a letter, the database takes other writers (on SQLite a
    transaction left open across the send would hold every writer up)."""
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)))
    slow, port = SlowServer(), free_port()
    controller = Controller(slow, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = SmtpSettings(host="127.0.0.1", sender="mentoring@wadloo.example", port=port, security="none")
    sending = threading.Thread(target=notices.send_reminders, args=(context(org_db, smtp), NOW, NOTICES))
    try:
        sending.start()
        assert slow.arrived.wait(20), "the first letter never reached the server"
        writer = threading.Thread(
            target=scheduling.set_holiday, args=(org_db, dt.date(2026, 12, 25), "Kerst")
        )
        writer.start()
        writer.join(timeout=10)
        assert not writer.is_alive(), "a write waited for the mail server"
    finally:
        slow.release.set()
        sending.join(timeout=30)
        controller.stop()
    assert len(slow.received) == 2 and scheduling.holidays(org_db) == {dt.date(2026, 12, 25): "Kerst"}


def test_without_a_mail_server_nothing_is_recorded_and_the_notices_wait(org_db):
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)))
    ran = notices.send_reminders(context(org_db, None), NOW, NOTICES)
    assert ran == notices.Sent(waiting=2)
    assert len(notices.due_reminders(org_db, NOW, NOTICES)) == 2


def test_two_workers_running_the_same_schedule_send_each_notice_once(org_db, db_url, mail):
    bag, smtp = mail
    people = ["anna", "bram", "chen", "eva"]
    add(
        org_db,
        *(
            event(f"Meeting {i}", {a: "member", b: "member"}, NOW + dt.timedelta(hours=1, minutes=i))
            for i, (a, b) in enumerate((x, y) for x in people for y in people if x < y)
        ),
    )
    expected = len(notices.due_reminders(org_db, NOW, NOTICES))
    assert expected == 12
    workers = [Database(db_url) for _ in range(2)]
    start = threading.Barrier(2)
    results: list[notices.Sent] = []

    def run(db: Database) -> None:
        start.wait()
        results.append(notices.send_reminders(context(db, smtp), NOW, NOTICES))

    threads = [threading.Thread(target=run, args=(db,)) for db in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for db in workers:
        db.dispose()
    assert len(results) == 2 and sum(r.sent for r in results) == expected
    assert len(bag.received) == expected
    ids = [m["Message-ID"] for m in bag.received]
    assert len(set(ids)) == expected


# -- settings ------------------------------------------------------------------------------------------------


def test_the_reminder_hours_come_from_the_environment_and_bad_ones_are_named():
    assert notices.NoticeSettings.from_env({}).reminder_hours == 24
    assert notices.NoticeSettings.from_env({"MEELOOP_REMINDER_HOURS": " 2 "}).reminder_hours == 2
    for bad in ("0", "169", "soon", "-3"):
        with pytest.raises(InvalidInput) as raised:
            notices.NoticeSettings.from_env({"MEELOOP_REMINDER_HOURS": bad})
        [problem] = raised.value.problems
        assert problem.where.field == "MEELOOP_REMINDER_HOURS" and bad.strip() in problem.message


def test_a_worker_finds_the_three_on_its_schedule_with_their_default_times():
    # A fresh interpreter, as a worker starts: the queue loads the notices itself.
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from matcher.services import queue\n"
            "for s in queue.schedules({'MEELOOP_SCHEDULE_VALUE_CHECK': 'off'}): print(s.name, s.cron)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert "reminders */15 * * * *" in listed and "check-ins */15 * * * *" in listed
    assert not [line for line in listed if line.startswith("value-check")]
    found = {s.name: s for s in queue.schedules({})}
    assert found["value-check"].cron == "0 7 1 1,4,7,10 *"
    assert found["reminders"].work is notices.send_reminders


def test_the_queue_runs_the_reminders_by_their_schedule_name(org_db, mail):
    bag, smtp = mail
    add(org_db, event("Mentor meeting", {"anna": "mentor", "bram": "mentee"}, NOW + dt.timedelta(hours=3)))
    worker = queue.Queue(queue.QueueSettings(immediate=True), context(org_db, smtp))
    ran = worker.run_scheduled("reminders", NOW)
    assert isinstance(ran, notices.Sent) and ran.sent == 2 and len(bag.received) == 2
    assert worker.run_scheduled("reminders", NOW) == notices.Sent()


def test_quarters_and_their_days():
    q = notices.Quarter.of(dt.date(2027, 2, 14))
    assert (q.key, q.first_day, q.last_day) == ("2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert q.previous().key == "2026-Q4" and q.previous().last_day == dt.date(2026, 12, 31)
    assert notices.Quarter(2026, 4).next() == notices.Quarter(2027, 1)

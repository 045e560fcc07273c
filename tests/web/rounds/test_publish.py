"""HR's rounds in the web UI: publishing with meetings and invites, changes after publishing, and the
invites e-mailed to a real local SMTP server. Flask's test client against a real SQLite file;
calendars read back with icalendar."""

from __future__ import annotations

import re
from urllib.parse import quote

import icalendar

from matcher.io.mail import SmtpSettings
from matcher.services import publishing, scheduling
from tests.mailtools import smtp_server
from tests.orgs import mentoring_org
from tests.web.rounds.support import (
    MENTORING,
    act,
    close_app,
    db_of,
    import_organisation,
    propose,
    publish,
    review_url,
    start_app,
    stored_round,
)
from tests.webtools import log_in, post_form


def test_publishing_plans_meetings_queues_invites_and_offers_the_round_file(app, hr):
    propose(hr)
    response = publish(hr)
    assert response.status_code == 302
    stored = stored_round(app)
    assert stored.status == "published"
    events = scheduling.scheduled(db_of(app), kind="meeting", source=MENTORING)
    assert len(events) == 4 and all(e.rrule and "INTERVAL=2" in e.rrule for e in events)
    waiting = publishing.outbox_messages(db_of(app), source=MENTORING)
    assert len(waiting) == 8 and {(m.method, m.status) for m in waiting} == {("REQUEST", "queued")}
    done = hr.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 meetings planned" in done
    assert "Invitations in the outbox: 8 new, 0 updated, 0 cancelled" in done
    assert "E-mail is not set up: the invitations wait in the outbox" in done
    html = hr.get(review_url()).get_data(as_text=True)
    assert "8 waiting in the outbox" in html
    assert 'href="/hr/mail"' in html and "meeloop send" not in html
    assert html.count("<td>invitation</td>") == 8 and "<td>waiting</td>" in html
    assert "It keeps every rule on today" in html  # its own pairs in the history are no repeats

    ics = hr.get(f"{review_url()}/round.ics")
    assert ics.status_code == 200 and ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(ics.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 4
    assert {str(v["UID"]) for v in vevents} == {f"meeloop-event-{e.id}@localhost" for e in events}

    twice = publish(hr)
    assert twice.status_code == 400 and "already published" in twice.get_data(as_text=True)
    assert hr.get(f"{review_url()}/settings").status_code == 302


def test_publishing_with_bad_meeting_dates_is_refused_at_the_field(app, hr):
    propose(hr)
    response = publish(hr, first_day="2027-02-01", last_day="2027-01-01")
    assert response.status_code == 400
    assert "The round ends before its first meetings" in response.get_data(as_text=True)
    assert stored_round(app).status == "proposed"


def test_changes_after_publishing_plan_again_and_queue_updates_and_cancellations(app, hr):
    propose(hr)
    publish(hr)
    swapped = act(hr, "swap", {"swap-first": "tom", "swap-second": "roos"})
    assert swapped.status_code == 302
    html = hr.get(review_url()).get_data(as_text=True)
    assert "Invitations in the outbox: 0 new, 4 updated, 2 cancelled" in html
    messages = publishing.outbox_messages(db_of(app), source=MENTORING)
    later = [(m.method, m.person_id, m.sequence) for m in messages if m.sequence == 1]
    assert sorted(later) == [
        ("CANCEL", "roos", 1),
        ("CANCEL", "tom", 1),
        ("REQUEST", "marit", 1),
        ("REQUEST", "olga", 1),
        ("REQUEST", "roos", 1),
        ("REQUEST", "tom", 1),
    ]
    # A meeting whose people stay keeps its time and sends nothing; the other two were planned again.
    events = {e.key: e for e in scheduling.scheduled(db_of(app), kind="meeting", source=MENTORING)}
    assert sorted(e.sequence for e in events.values()) == [0, 0, 1, 1]

    removed = act(hr, "exclude", {"exclude-person": "pim"})
    assert removed.status_code == 302
    html = hr.get(review_url()).get_data(as_text=True)
    assert "Invitations in the outbox: 0 new, 0 updated, 2 cancelled" in html
    cancels = [m for m in publishing.outbox_messages(db_of(app), source=MENTORING) if m.method == "CANCEL"]
    assert {m.person_id for m in cancels} >= {"niels", "pim"}
    assert len(scheduling.scheduled(db_of(app), kind="meeting", source=MENTORING)) == 3
    assert not any("pim" in u.members for u in stored_round(app).pairs)


def test_publishing_delivers_the_invites_when_e_mail_is_set_up(sqlite_url, tmp_path):
    import_organisation(sqlite_url, mentoring_org(), tmp_path)
    with smtp_server() as (bag, port):
        smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example")
        app = start_app(sqlite_url, SMTP=smtp)
        try:
            client = app.test_client()
            log_in(client, "hr@wadloo.example")
            propose(client)
            assert "invites are e-mailed at once" in client.get(review_url()).get_data(as_text=True)
            published = publish(client)
            html = client.get(published.headers["Location"]).get_data(as_text=True)
            assert (
                "4 meetings planned" in html and "E-mail: 8 sent, 0 failed, 0 waiting in the outbox" in html
            )
            assert len(bag.received) == 8
            assert {m.status for m in publishing.outbox_messages(db_of(app), source=MENTORING)} == {"sent"}
            assert bag.received[0].get_content_type() == "multipart/mixed"
        finally:
            close_app(app)


def test_hr_sees_each_persons_e_mail_and_sends_the_failed_ones_again_from_the_page(sqlite_url, tmp_path):
    import_organisation(sqlite_url, mentoring_org(), tmp_path)
    with smtp_server() as (bag, port):
        smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example")
        bag.refuse.add("roos@wadloo.example")
        app = start_app(sqlite_url, SMTP=smtp)
        try:
            client = app.test_client()
            log_in(client, "hr@wadloo.example")
            propose(client)
            published = publish(client)
            html = client.get(published.headers["Location"]).get_data(as_text=True)
            assert "E-mail: 7 sent, 1 failed, 0 waiting in the outbox" in html
            failed = client.get(review_url(), query_string={"mail": "failed"}).get_data(as_text=True)
            rows = re.findall(r'<tr class="failed">.*?</tr>', failed, re.S)
            assert len(rows) == 1 and "roos@wadloo.example" in rows[0]
            assert "550 5.1.1 No such mailbox here" in rows[0]  # the server's own answer
            assert "Send the failed e-mails again" in failed

            bag.refuse.clear()  # the mailbox exists now
            again = post_form(client, f"{review_url()}/resend", {}, form_page=review_url())
            assert again.status_code == 302 and "/hr/work/" in again.headers["Location"]
            html = client.get(again.headers["Location"]).get_data(as_text=True)
            assert "1 failed e-mail is written again." in html
            assert "E-mail: 1 sent, 0 failed, 0 waiting in the outbox" in html
            assert f'href="/hr/rounds/{quote(MENTORING)}"' in html
            html = client.get(review_url()).get_data(as_text=True)
            assert len(bag.received) == 8 and "roos@wadloo.example" in bag.received[-1]["To"]
            assert {m.status for m in publishing.outbox_messages(db_of(app), source=MENTORING)} == {"sent"}
            assert "Send the failed e-mails again" not in html
        finally:
            close_app(app)


def test_the_e_mail_page_says_how_mail_is_set_up_and_sends_a_test_e_mail(sqlite_url, tmp_path):
    import_organisation(sqlite_url, mentoring_org(), tmp_path)
    app = start_app(sqlite_url, SMTP=None)
    try:
        client = app.test_client()
        log_in(client, "hr@wadloo.example")
        page = client.get("/hr/mail").get_data(as_text=True)
        assert "E-mail is not set up" in page and "Send the test e-mail" not in page
        with smtp_server() as (bag, port):
            app.config["SMTP"] = SmtpSettings(
                host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example"
            )
            page = client.get("/hr/mail").get_data(as_text=True)
            assert (
                f"127.0.0.1:{port}" in page and "mentoring@wadloo.example" in page and "not encrypted" in page
            )
            bad = post_form(client, "/hr/mail", {"address": "not an address"}, form_page="/hr/mail")
            assert bad.status_code == 400 and "Give an e-mail address" in bad.get_data(as_text=True)
            assert not bag.received
            sent = post_form(client, "/hr/mail", {"address": "hr@wadloo.example"}, form_page="/hr/mail")
            assert sent.status_code == 302
            assert "A test e-mail went to hr@wadloo.example" in client.get("/hr/mail").get_data(as_text=True)
            assert len(bag.received) == 1 and bag.received[0]["Subject"] == "Test e-mail from meeloop"
            bag.refuse.add("nobody@wadloo.example")
            refused = post_form(
                client, "/hr/mail", {"address": "nobody@wadloo.example"}, form_page="/hr/mail"
            )
            answer = client.get(refused.headers["Location"]).get_data(as_text=True)
            assert "The test e-mail did not go out" in answer and "550 5.1.1 No such mailbox here" in answer
    finally:
        close_app(app)

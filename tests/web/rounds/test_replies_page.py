"""HR's page of replies to the invites of a published round: read from a real IMAP server (dovecot)
with "read replies now" on the app's inline queue, shown per meeting in English and Dutch, and a
declined meeting moved from there. Flask's test client on a real SQLite file."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from matcher.domain.replies import ACCEPTED, DECLINED
from matcher.services import organisation, replies, scheduling
from tests import itip_replies as shapes
from tests.imap_server import ImapServer
from tests.web.rounds.support import MENTORING, db_of, propose, publish, review_url
from tests.webtools import csrf_token

PAGE = f"/hr/replies/round/{quote(MENTORING)}"


@pytest.fixture
def published(app, hr, mailbox: ImapServer, monkeypatch: pytest.MonkeyPatch):
    """The mentoring round published with its meetings, and two replies waiting in the mailbox:
    the mentor accepts (with a comment) the first meeting; its mentee declines."""
    monkeypatch.setenv("MEELOOP_IMAP_URL", mailbox.url)
    propose(hr)
    publish(hr)
    event = scheduling.scheduled(db_of(app), kind="meeting", source=MENTORING)[0]
    people = {p.id: p for p in organisation.load_organisation(db_of(app)).people}
    mentor, mentee = (m for m in event.members)
    uid = f"meeloop-event-{event.id}@localhost"
    first = people[mentor]
    mailbox.append(
        shapes.outlook(uid, first.email.upper(), first.name, ACCEPTED, event.start, comment="Prima, tot dan")
    )
    second = people[mentee]
    mailbox.append(shapes.google(uid, second.email, second.name, DECLINED, event.start))
    mailbox.append(
        shapes.google("meeloop-event-9999@localhost", second.email, second.name, DECLINED, event.start)
    )
    return event, first, second


def read_now(hr) -> None:
    response = hr.post("/hr/replies/read-now", data={"round": MENTORING, "csrf_token": csrf_token(hr, PAGE)})
    assert response.status_code == 302


def row_of(html: str, name: str) -> str:
    found = re.search(rf"<th scope=\"row\">{re.escape(name)}</th>(.*?)</tr>", html, flags=re.S)
    assert found, name
    return " ".join(found.group(1).split())


def test_hr_reads_the_replies_and_sees_who_accepted_and_who_declined(app, hr, published) -> None:
    event, mentor, mentee = published
    assert f'href="{PAGE}"' in hr.get(review_url()).get_data(as_text=True)

    read_now(hr)
    html = hr.get(PAGE).get_data(as_text=True)

    assert "accepted" in row_of(html, mentor.name) and "Prima, tot dan" in row_of(html, mentor.name)
    assert "declined" in row_of(html, mentee.name)
    assert html.count("no answer yet") >= 6  # the other meetings' people
    assert "no event of meeloop has the UID meeloop-event-9999@localhost" in html
    assert f'action="/hr/replies/move/{event.id}"' in html  # the declined meeting may be moved
    assert html.count('action="/hr/replies/move/') == 1


def test_the_replies_page_speaks_dutch(app, hr, published) -> None:
    _event, mentor, mentee = published
    read_now(hr)
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    html = hr.get(PAGE).get_data(as_text=True)
    assert "Antwoorden op de uitnodigingen" in html
    assert "geaccepteerd" in row_of(html, mentor.name)
    assert "afgewezen" in row_of(html, mentee.name)
    assert "geen meeloop-afspraak met UID meeloop-event-9999@localhost" in html


def test_moving_a_declined_meeting_to_a_time_that_does_not_fit_says_why_and_changes_nothing(
    app, hr, published
) -> None:
    event, _mentor, _mentee = published
    read_now(hr)
    bad = hr.post(
        f"/hr/replies/move/{event.id}",
        data={"round": MENTORING, "start": "next tuesday", "csrf_token": csrf_token(hr, PAGE)},
    )
    assert bad.status_code == 400
    assert "Give the new start as a date and time" in bad.get_data(as_text=True)
    past = hr.post(
        f"/hr/replies/move/{event.id}",
        data={"round": MENTORING, "start": "2020-01-06T10:00", "csrf_token": csrf_token(hr, PAGE)},
    )
    assert past.status_code == 400 and "was not moved" in past.get_data(as_text=True)
    (same,) = [e for e in scheduling.scheduled(db_of(app), source=MENTORING) if e.id == event.id]
    assert (same.start, same.sequence) == (event.start, event.sequence)


def test_nobody_but_hr_sees_the_replies(app, published) -> None:
    from tests.webtools import log_in

    employee = app.test_client()
    log_in(employee, "pim@wadloo.example")
    assert employee.get(PAGE).status_code == 403
    answers = replies.replies_for(db_of(app), [MENTORING])
    assert answers  # the page has something to hide

"""The page of a piece of background work (publishing, sending, an import): Flask's test client
against a real SQLite file, with the app's own queue in a file beside it and the job's handler run
as a worker runs it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from matcher.domain.phrases import phrase
from matcher.engines.pairing import PairingConfig
from matcher.io.mail import SmtpSettings
from matcher.plans.work_jobs import DONE, IMPORT, QUEUED
from matcher.services import rounds, work
from tests.mailtools import free_port, smtp_server
from tests.orgs import mentoring_org
from tests.web.rounds.support import (
    MEETINGS,
    MENTORING,
    act,
    close_app,
    db_of,
    import_organisation,
    publish,
    review_url,
    start_app,
)
from tests.webtools import add_account, log_in, post_form

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def proposed_app(url: str, tmp_path, **settings) -> Flask:
    import_organisation(url, mentoring_org(), tmp_path)
    app = start_app(url, **settings)
    add_account(app, "pim@wadloo.example", "employee", "pim")
    rounds.propose_round(
        db_of(app),
        round_name=MENTORING,
        config=PairingConfig(mode="mentor", time_limit=2),
        today=NOW.date(),
        now=NOW,
        save=True,
    )
    return app


@pytest.fixture
def queued_app(sqlite_url, tmp_path) -> Iterator[Flask]:
    """The app with its queue in a file and no worker: a job waits until the test runs it."""
    app = proposed_app(sqlite_url, tmp_path, JOBS_INLINE=False)
    yield app
    close_app(app)


def job_id(response) -> int:
    found = re.fullmatch(r".*/hr/work/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def main_of(html: str) -> str:
    return html.split('<main id="content"', 1)[1].split("</main>", 1)[0]


def test_a_publish_waits_on_its_page_until_a_worker_does_it_then_the_page_says_what_it_did(queued_app):
    from web.worker import queue_of

    hr = queued_app.test_client()
    log_in(hr, "hr@wadloo.example")
    started = publish(hr)
    assert started.status_code == 302
    number = job_id(started)
    page = hr.get(f"/hr/work/{number}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Refresh"] == "2"
    assert "<script" not in main_of(html) and "This page looks again every 2 seconds." in html
    still = hr.get(f"/hr/work/{number}?still=1")  # switched off: it looks again only when asked
    assert "Refresh" not in still.headers and f'href="/hr/work/{number}?still=1"' in still.get_data(
        as_text=True
    )
    assert "Publishing 2027-Q1 mentoring" in html and "Waiting for its turn" in html
    assert rounds.load_round(db_of(queued_app), MENTORING).status == "proposed"

    again = publish(hr)  # the same work while it waits: its page, no second job
    assert again.status_code == 302 and job_id(again) == number
    review = hr.get(review_url()).get_data(as_text=True)
    assert "Under way: Publishing 2027-Q1 mentoring." in review and f'href="/hr/work/{number}"' in review

    work.run_publish(queue_of(queued_app).context, str(number))
    page = hr.get(f"/hr/work/{number}")
    html = main_of(page.get_data(as_text=True))
    assert "Refresh" not in page.headers and "looks again" not in html
    assert "Round &#39;2027-Q1 mentoring&#39; is published" in html and "4 meetings planned." in html
    assert "Invitations in the outbox: 8 new, 0 updated, 0 cancelled." in html
    assert "E-mail is not set up: the invitations wait in the outbox until it is." in html
    assert 'href="/hr/rounds/2027-Q1%20mentoring"' in html
    assert "Under way" not in hr.get(review_url()).get_data(as_text=True)


def test_a_running_job_shows_its_step_and_how_far_it_is(queued_app):
    hr = queued_app.test_client()
    log_in(hr, "hr@wadloo.example")
    db = db_of(queued_app)
    started = work.start_send(db, MENTORING, [MENTORING], started_by="hr@wadloo.example", now=NOW)
    claimed = work.claim(db, started.id, {"host": "h", "pid": 1, "token": "t"}, now=NOW)
    work.progress(
        db, claimed, step=phrase("sending the e-mail of {source}", source=MENTORING), done=3, total=8
    )
    page = hr.get(f"/hr/work/{started.id}")
    html = main_of(page.get_data(as_text=True))
    assert page.headers["Refresh"] == "2" and "Working on it" in html
    assert "sending the e-mail of 2027-Q1 mentoring" in html
    assert '<progress max="8" value="3"' in html and "3 of 8 done" in html


def test_a_send_the_mail_server_does_not_take_waits_for_the_queue_to_try_again(sqlite_url, tmp_path):
    nowhere = SmtpSettings(host="127.0.0.1", port=free_port(), security="none", sender="m@wadloo.example")
    app = proposed_app(sqlite_url, tmp_path, SMTP=nowhere)
    try:
        hr = app.test_client()
        log_in(hr, "hr@wadloo.example")
        published = publish(hr)
        html = main_of(hr.get(published.headers["Location"]).get_data(as_text=True))
        assert "4 meetings planned." in html and "Sending the e-mail" in html
        assert "the mail server did not take every e-mail; it is tried again later" in html
        sending = [j for j in work.jobs_of(db_of(app), MENTORING) if j.kind == "send"]
        assert len(sending) == 1 and sending[0].status == QUEUED and sending[0].attempts == 1

        resent = post_form(hr, f"{review_url()}/send", {}, form_page=review_url())
        assert job_id(resent) == sending[0].id  # that send is still to come: its page
    finally:
        close_app(app)


def test_a_failed_import_says_why_and_only_hr_sees_the_page(queued_app, tmp_path):
    from web.worker import queue_of

    (tmp_path / "bad.json").write_text('{"people": [{"id": "x"}]}', encoding="utf-8")
    db = db_of(queued_app)
    started = work.start_import(
        db, "bad.json", work.pack(tmp_path / "bad.json"), replace=True, takes=[], started_by="hr", now=NOW
    )
    work.run_import(queue_of(queued_app).context, str(started.id))
    hr = queued_app.test_client()
    log_in(hr, "hr@wadloo.example")
    html = main_of(hr.get(f"/hr/work/{started.id}").get_data(as_text=True))
    assert "Importing bad.json" in html and "This could not be done" in html
    assert 'role="alert"' in html and "nothing was changed" in html and "<li>" in html
    assert 'href="/hr/import"' in html
    assert hr.get("/hr/work/999").status_code == 404
    # The reasons are kept as messages, said in the reader's language.
    hr.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    dutch = main_of(hr.get(f"/hr/work/{started.id}").get_data(as_text=True))
    assert "er is niets gewijzigd" in dutch and "nothing was changed" not in dutch

    pim = queued_app.test_client()
    log_in(pim, "pim@wadloo.example")
    assert pim.get(f"/hr/work/{started.id}").status_code == 403
    assert work.job(db, started.id).kind == IMPORT


def test_a_published_round_s_meetings_planned_again_are_a_job_too(sqlite_url, tmp_path):
    app = proposed_app(sqlite_url, tmp_path)
    try:
        hr = app.test_client()
        log_in(hr, "hr@wadloo.example")
        publish(hr)
        again = post_form(
            hr,
            f"{review_url()}/meetings",
            MEETINGS,
            form_page=review_url(),
        )
        html = main_of(hr.get(again.headers["Location"]).get_data(as_text=True))
        assert "Planning the meetings of 2027-Q1 mentoring" in html and "4 meetings planned." in html
        assert "Invitations in the outbox: 0 new, 0 updated, 0 cancelled." in html
        assert work.job(db_of(app), job_id(again)).status == DONE
    finally:
        close_app(app)


def test_the_e_mail_a_change_after_publishing_calls_for_goes_out_as_a_send_job(sqlite_url, tmp_path):
    with smtp_server() as (bag, port):
        smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="mentoring@wadloo.example")
        app = proposed_app(sqlite_url, tmp_path, SMTP=smtp)
        try:
            hr = app.test_client()
            log_in(hr, "hr@wadloo.example")
            publish(hr)
            assert len(bag.received) == 8
            swapped = act(hr, "swap", {"swap-first": "tom", "swap-second": "roos"})
            assert swapped.status_code == 302 and swapped.headers["Location"].endswith("#units")
            html = hr.get(review_url()).get_data(as_text=True)
            assert "Invitations in the outbox: 0 new, 4 updated, 2 cancelled." in html
            assert "E-mail: 6 sent, 0 failed, 0 waiting in the outbox." in html
            assert "E-mail is not set up" not in html and len(bag.received) == 14
            sends = [j for j in work.jobs_of(db_of(app), MENTORING) if j.kind == "send"]
            assert len(sends) == 2 and all(j.status == DONE for j in sends)
        finally:
            close_app(app)

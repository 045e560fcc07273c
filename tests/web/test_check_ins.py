"""The "did you meet?" pages: the links of a real check-in e-mail (sent through aiosmtpd) answered
without logging in, on a real SQLite file and PostgreSQL server, HR's counts, and axe-core on the pages
in Chromium."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask import Flask

from matcher.domain.schedule import ScheduledEvent
from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.services import accounts, notices, organisation, queue, scheduling
from matcher.storage import schedule as schedule_storage
from tests.conftest import ARTEFACTS
from tests.e2e.test_accessibility import AXE, RUN_AXE, SKIPS, TAGS
from tests.mailtools import smtp_server
from tests.orgs import small_org
from tests.webtools import add_account, csrf_token, live_server, log_in, make_app

#: The session: Thursday 19 November 2026, 10:00-11:00 UTC, before the app's day (21 November).
START = dt.datetime(2026, 11, 19, 10, 0, tzinfo=dt.UTC)
ASKED = START + dt.timedelta(hours=3)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example", domain="wadloo.example", base_url="http://localhost", language="en"
)
LINK = re.compile(r"http://localhost(/check-in/[A-Za-z0-9_-]+)/(held|moved|not-held)")


def _app(url: str, folder) -> Flask:
    app = make_app(url, INVITES=SETTINGS)
    orgjson.write_json(small_org(), folder / "org.json")
    organisation.import_file(
        app.extensions["meeloop"]["db"], folder / "org.json", now=START - dt.timedelta(days=30)
    )
    add_account(app, "bram@wadloo.example", "employee", "bram")
    add_account(app, "hr@wadloo.example", "hr")
    return app


@pytest.fixture
def app(db_url, tmp_path):
    app = _app(db_url, tmp_path)
    yield app
    app.extensions["meeloop"]["db"].dispose()


def _asked(app: Flask) -> dict[str, str]:
    """Each participant's check-in address (without the answer), from the e-mail they were sent."""
    db = app.extensions["meeloop"]["db"]
    meeting = ScheduledEvent(
        kind="meeting",
        source="mentor",
        title="Mentor meeting",
        start=START,
        end=START + dt.timedelta(hours=1),
        timezone="Europe/Amsterdam",
        members=("anna", "bram"),
        roles={"anna": "mentor", "bram": "mentee"},
        key="one",
    )
    with db.transaction() as session:
        schedule_storage.add_events(session, [meeting], now=START - dt.timedelta(days=7))
    with smtp_server() as (bag, port):
        smtp = SmtpSettings(host="127.0.0.1", sender="mentoring@wadloo.example", port=port, security="none")
        ctx = queue.Context(db=db, invites=SETTINGS, smtp=smtp, clock=lambda: ASKED, today=ASKED.date)
        assert notices.send_check_ins(ctx, ASKED, notices.NoticeSettings()).sent == 2
    found = {}
    for message in bag.received:
        text = message.get_body(("plain",)).get_content()
        (held, _), (moved, _), (not_held, _) = LINK.findall(text)
        assert held == moved == not_held
        found[message["To"].addresses[0].addr_spec.split("@")[0]] = held
    return found


@pytest.fixture
def links(app) -> dict[str, str]:
    return _asked(app)


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def event_id(app) -> int:
    (found,) = scheduling.scheduled(app.extensions["meeloop"]["db"], kind="meeting")
    assert found.id is not None
    return found.id


def answer(client, address: str, given: str):
    token = csrf_token(client, f"{address}/{given}")
    return client.post(f"{address}/{given}", data={"csrf_token": token})


def counts(app) -> notices.CheckInCount:
    return notices.check_in_counts(app.extensions["meeloop"]["db"], by="kind")["meeting"]


def test_a_yes_link_asks_for_one_click_then_thanks_and_leads_to_the_reflection(app, links):
    visitor = app.test_client()
    opened = visitor.get(f"{links['bram']}/yes")
    assert opened.status_code == 200
    text = page(opened)
    assert "Mentor meeting" in text and "Thursday 19 November 2026" in text
    # An old e-mail's yes link still works: it asks to confirm "held".
    assert f'action="{links["bram"]}/held"' in text and "Yes, it took place" in text
    assert (
        opened.headers["Cache-Control"] == "private, no-store" and opened.headers["X-Robots-Tag"] == "noindex"
    )
    # Opening the link (as a mail program checking it would) answers nothing.
    assert counts(app) == notices.CheckInCount(held=0, not_held=0, no_answer=2)
    given = answer(visitor, links["bram"], "yes")
    assert given.status_code == 302 and given.headers["Location"] == links["bram"]
    assert counts(app) == notices.CheckInCount(held=1, not_held=0, no_answer=1)
    thanks = page(visitor.get(links["bram"]))
    reflection = f"/me/reflections/{event_id(app)}/2026-11-19"
    assert "Thank you" in thanks and f'href="{reflection}"' in thanks
    assert 'data-answer="held"' in thanks
    # The reflection form itself is Bram's own page: after logging in he reaches it.
    assert visitor.get(reflection).headers["Location"].startswith("/login")
    log_in(visitor, "bram@wadloo.example")
    assert visitor.get(reflection).status_code == 200


def test_a_no_asks_nothing_more_and_the_other_link_changes_the_answer(app, links):
    visitor = app.test_client()
    answer(visitor, links["anna"], "no")
    said = page(visitor.get(links["anna"]))
    assert 'data-answer="not-held"' in said and "never who answered what" in said
    assert "/me/reflections/" not in said
    assert counts(app) == notices.CheckInCount(held=0, not_held=1, no_answer=1)
    # A second click changes the answer; there is never a second one.
    answer(visitor, links["anna"], "yes")
    answer(visitor, links["anna"], "yes")
    assert counts(app) == notices.CheckInCount(held=1, not_held=0, no_answer=1)
    # The answer page, opened again, shows the answer and offers to change it.
    again = page(visitor.get(links["anna"]))
    assert 'data-answer="held"' in again and f'action="{links["anna"]}/not-held"' in again


def test_a_yes_on_a_session_cancelled_since_offers_no_reflection(app, links):
    with app.extensions["meeloop"]["db"].transaction() as session:
        schedule_storage.cancel_events(session, source="mentor", kind="meeting", now=ASKED)
    visitor = app.test_client()
    answer(visitor, links["bram"], "yes")
    thanks = page(visitor.get(links["bram"]))
    assert 'data-answer="held"' in thanks and "/me/reflections/" not in thanks
    assert counts(app) == notices.CheckInCount(held=1, not_held=0, no_answer=1)


def test_a_wrong_token_or_answer_is_not_found_and_changes_nothing(app, links):
    visitor = app.test_client()
    token = csrf_token(visitor, f"{links['bram']}/yes")
    wrong = links["bram"][:-2] + ("xy" if not links["bram"].endswith("xy") else "zz")
    for method, path in [
        ("GET", f"{wrong}/yes"),
        ("GET", wrong),
        ("POST", f"{wrong}/yes"),
        ("GET", f"{links['bram']}/maybe"),
        ("POST", f"{links['bram']}/maybe"),
        ("GET", "/check-in/" + "a" * 200),
    ]:
        response = visitor.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 404, (method, path)
    # Without the form's token a POST is refused before anything is looked up.
    assert app.test_client().post(f"{links['bram']}/yes").status_code == 400
    assert counts(app) == notices.CheckInCount(held=0, not_held=0, no_answer=2)


def test_the_pages_speak_the_language_of_the_person_asked(app, links):
    db = app.extensions["meeloop"]["db"]
    bram = next(a for a in accounts.accounts(db) if a.person_id == "bram")
    accounts.set_locale(db, bram.id, "nl")
    visitor = app.test_client()
    dutch = page(visitor.get(f"{links['bram']}/yes", headers={"Accept-Language": "en"}))
    assert '<html lang="nl">' in dutch and "Naar de inhoud" in dutch and "donderdag 19 november 2026" in dutch
    # Anna has no account: the organisation's language (English here); a visitor's own choice stays.
    english = page(visitor.get(f"{links['anna']}/yes"))
    assert '<html lang="nl">' in english, "the choice made on the first page stays for the visit"
    assert '<html lang="en">' in page(app.test_client().get(f"{links['anna']}/yes"))


def test_hr_sees_how_many_met_per_kind_and_round_and_not_who(app, links):
    visitor = app.test_client()
    answer(visitor, links["bram"], "yes")
    hr = app.test_client()
    log_in(hr, "hr@wadloo.example")
    report = page(hr.get("/hr/reports/reflections"))
    section = report.split('id="check-ins"', 1)[1].split("</section>", 1)[0]
    cells = dict(re.findall(r'data-count="([a-z-]+)">(\d+)<', section))
    assert cells == {"held": "1", "moved": "0", "not-held": "0", "no-answer": "1"}
    assert "Bram" not in section and "Anna" not in section
    employee = app.test_client()
    log_in(employee, "bram@wadloo.example")
    assert employee.get("/hr/reports/reflections").status_code == 403


@pytest.mark.browser
def test_the_answer_pages_pass_axe_in_both_languages(sqlite_url, tmp_path, browser):
    app = _app(sqlite_url, tmp_path)
    db = app.extensions["meeloop"]["db"]
    links = _asked(app)
    bram = next(a for a in accounts.accounts(db) if a.person_id == "bram")
    accounts.set_locale(db, bram.id, "nl")
    engine = AXE.read_text(encoding="utf-8")
    problems: list[str] = []

    def check(tab, where: str) -> None:
        tab.evaluate(engine)
        found = tab.evaluate(RUN_AXE, TAGS)
        problems.extend(
            f"{where}: {v['id']} at {' '.join(map(str, node['target']))}: {v['help']}"
            for v in found["violations"]
            for node in v["nodes"]
        )
        if not tab.evaluate(SKIPS):
            problems.append(f"{where}: no skip link to the content")

    try:
        with live_server(app) as base:
            # Anna reads English (the organisation's language here), Bram Dutch (his account's).
            for person, language in (("anna", "en"), ("bram", "nl")):
                tab = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                tab.goto(f"{base}{links[person]}/yes")
                assert tab.locator("html").get_attribute("lang") == language
                check(tab, f"{person}: the question")
                with tab.expect_navigation():
                    tab.locator("main form button[type=submit]").click()
                assert tab.locator(".check-in").get_attribute("data-answer") == "held"
                check(tab, f"{person}: thanks and the reflection")
                (ARTEFACTS / language).mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(ARTEFACTS / language / "check-in-yes.png"), full_page=True)
                tab.set_viewport_size({"width": 390, "height": 844})
                tab.screenshot(path=str(ARTEFACTS / language / "check-in-yes-phone.png"), full_page=True)
                assert tab.evaluate("document.documentElement.scrollWidth") <= 390
                tab.set_viewport_size({"width": 1280, "height": 720})
                with tab.expect_navigation():
                    tab.locator("main form button[type=submit]").click()
                assert tab.locator(".check-in").get_attribute("data-answer") == "not-held"
                check(tab, f"{person}: noted that it did not take place")
                tab.context.close()
        assert problems == []
        assert notices.check_in_counts(db, by="kind")["meeting"] == notices.CheckInCount(not_held=2)
    finally:
        db.dispose()

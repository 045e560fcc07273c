"""The whole flow in a real browser (Debian's Chromium through Playwright), in English and in Dutch.

HR, whose account was made on the command line, imports the demo organisation, proposes a mentor
round (solved in the background while the page follows its progress), locks a pair, publishes it
with its meetings and makes an account for the mentee. The mentee logs in, sees the pair with its
reasons on "My plans" and downloads an .ics file that libical and vobject both accept.
Screenshots of the pages go to test-artifacts/<language>/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from tests.clitools import run
from tests.conftest import ARTEFACTS
from tests.job_workers import worker_running
from tests.optins import opt_in_at
from tests.parsers import libical, vobject_calendar
from tests.webtools import live_server, make_app

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "organisation.json"
HR_LOGIN, HR_PASSWORD = "hr@wadloo.nl", "a long hr password"
#: What each language must show on the pages the flow passes.
WORDS = {
    "en": {"locale": "en-GB", "rounds": "Rounds", "plans": "My plans", "log_in": "Log in"},
    "nl": {"locale": "nl-NL", "rounds": "Rondes", "plans": "Mijn plannen", "log_in": "Inloggen"},
}


@pytest.fixture
def server(sqlite_url, tmp_path) -> Iterator[str]:
    made = run(
        "user",
        "add",
        HR_LOGIN,
        "--role",
        "hr",
        "--password-stdin",
        db=sqlite_url,
        cwd=tmp_path,
        stdin=HR_PASSWORD,
    )
    assert made.returncode == 0, made.stderr
    app = make_app(sqlite_url, TESTING=False)
    # Solves, publishing and sending run in a worker process, as beside `meeloop serve`.
    with live_server(app) as base, worker_running(sqlite_url, env={"MEELOOP_BASE_URL": base}):
        yield base
    app.extensions["meeloop"]["db"].dispose()


def _shot(page, language: str, name: str) -> None:
    folder = ARTEFACTS / language
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _wait_for_the_solve(page, language: str) -> None:
    """The job page refreshes itself while the solve runs; give it up to two minutes."""
    done = "a.button[href$='/hr/rounds/2027-Q1%20mentoring'], table.units"
    for _second in range(120):
        if page.locator(done).count():
            return
        page.wait_for_timeout(1000)
    _shot(page, language, "job-timed-out")
    pytest.fail(f"the solve did not finish; the job page says: {page.locator('main').inner_text()}")


def _log_in(page, server: str, login: str, password: str, words: dict[str, str]) -> None:
    page.goto(f"{server}/login")
    assert words["log_in"] in page.locator("h1").inner_text()
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{server}/")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_hr_plans_and_publishes_a_mentor_round_and_the_mentee_downloads_it(
    server, browser, language, tmp_path, sqlite_url
):
    words = WORDS[language]
    hr_context = browser.new_context(locale=words["locale"], viewport={"width": 1200, "height": 900})
    hr = hr_context.new_page()
    _log_in(hr, server, HR_LOGIN, HR_PASSWORD, words)
    _shot(hr, language, "start")

    # Import the demo organisation.
    hr.goto(f"{server}/hr/import")
    hr.set_input_files("#file", str(DEMO))
    hr.click("form[enctype] button[type=submit]")
    assert "240" in hr.locator("main").inner_text()
    _shot(hr, language, "import")
    # An import makes nobody a mentor: the demo's mentors opt in on their own profiles.
    opt_in_at(sqlite_url, DEMO)

    # Propose a mentor round; the job page follows the background solve to the review.
    hr.goto(f"{server}/hr/rounds/")
    assert words["rounds"] in hr.locator("h1").inner_text()
    _shot(hr, language, "rounds")
    hr.goto(f"{server}/hr/rounds/new/mentor")
    hr.fill("#name", "2027-Q1 mentoring")
    hr.fill("#time_limit", "5")
    with hr.expect_navigation():
        hr.click("form button.button[type=submit]")
    # a solve that ends within moments shows the proposal at once, a longer one its progress
    assert "/hr/rounds/jobs/" in hr.url or "/hr/rounds/2027-Q1%20mentoring" in hr.url
    _shot(hr, language, "job")
    review = re.compile(re.escape(server) + r"/hr/rounds/2027-Q1%20mentoring(#\w+)?$")
    _wait_for_the_solve(hr, language)
    if not review.match(hr.url):
        hr.click("a.button[href$='/hr/rounds/2027-Q1%20mentoring']")
        hr.wait_for_url(review)

    # Lock the first pair and remember who is in it.
    first = hr.locator("table.units tbody tr").first
    members = first.locator("td:nth-child(2) a")
    mentee_id = members.nth(1).get_attribute("href").rsplit("/", 1)[-1]
    mentor_name, mentee_name = members.nth(0).inner_text(), members.nth(1).inner_text()
    with hr.expect_navigation():
        first.locator("form button").click()
    locked = hr.locator("table.units tbody tr.locked")
    assert locked.count() == 1 and mentee_name in locked.inner_text()
    _shot(hr, language, "review")

    # Publish with meetings every two weeks.
    with hr.expect_navigation():
        hr.click("form[action$='/publish'] button[type=submit]")
    # The work's page, until it is done; then back to the round.
    with hr.expect_navigation():
        hr.locator("p.actions a.button:not(.secondary)").click()
    assert hr.locator(".status-published").count() >= 1
    assert hr.locator("a[href$='round.ics']").count() == 1
    _shot(hr, language, "published")

    # An account for the mentee; the one-time password is shown once.
    hr.goto(f"{server}/hr/accounts?person={mentee_id}")
    hr.locator("form[method=post][action$='/hr/accounts'] button[type=submit]").click()
    password = hr.locator("p.password code").inner_text().strip()
    assert len(password) >= 10
    for name, path in (
        ("people", "/hr/people"),
        ("report-coverage", "/hr/reports/coverage"),
        ("report-map", "/hr/reports/map"),
        ("report-risks", "/hr/reports/risks"),
    ):
        hr.goto(f"{server}{path}")
        assert hr.locator("h1").count() == 1, path
        _shot(hr, language, name)
    hr_context.close()

    # The mentee sees the pair with its reasons and downloads the invite.
    context = browser.new_context(
        locale=words["locale"], viewport={"width": 390, "height": 844}, is_mobile=True, accept_downloads=True
    )
    mentee = context.new_page()
    login = run_login_of(server, mentee_id)
    _log_in(mentee, server, login, password, words)
    mentee.goto(f"{server}/me/plans")
    assert words["plans"] in mentee.locator("h1").inner_text()
    body = mentee.locator("main").inner_text()
    assert mentor_name in body
    assert mentee.locator("ul.reasons li").count() >= 1
    assert mentee.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(mentee, language, "my-plans-phone")
    with mentee.expect_download() as download:
        mentee.click("a[href$='/me/plans.ics']")
    path = tmp_path / f"plans-{language}.ics"
    download.value.save_as(str(path))
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events and all(
        mentor_name in str(e.get("DESCRIPTION")) or mentor_name in str(e.get("SUMMARY")) for e in events
    )
    assert libical([path])[str(path)]["errors"] == []
    assert vobject_calendar(path.read_text(encoding="utf-8"))["errors"] == []
    for name, page_path in (
        ("my-profile", "/me/profile"),
        ("shadowing", "/me/shadowing"),
        ("my-data", "/me/data"),
    ):
        mentee.goto(f"{server}{page_path}")
        assert mentee.evaluate("document.documentElement.scrollWidth") <= 390, page_path
        _shot(mentee, language, name)
    context.close()


def run_login_of(server: str, person_id: str) -> str:
    """The mentee's login: their e-mail address in the demo organisation."""
    import json

    people = json.loads(DEMO.read_text(encoding="utf-8"))["people"]
    return next(p["email"] for p in people if p["id"] == person_id)

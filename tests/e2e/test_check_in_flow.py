"""The learning loop in Chromium, in Dutch and in English: a participant opens the link in their
"did you meet?" e-mail (sent through a real SMTP server), confirms that the session took place, goes
on to the reflection, logs in and saves it; opens the value check from its e-mail and saves it; and
answers the learning climate questions. axe-core finds nothing on each page, and no page scrolls
sideways at 1280 px, at 320 px or on a phone."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from matcher.io import orgjson
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.services import accounts, notices, organisation, queue, surveys
from matcher.storage import schedule as schedule_storage
from matcher.storage import surveys as survey_storage
from tests.conftest import ARTEFACTS
from tests.e2e.test_accessibility import AXE, WIDE, Findings, Visit
from tests.mailtools import smtp_server
from tests.services.test_surveys import BALIE, BELASTINGEN, meeting, survey_org
from tests.webtools import PASSWORD, add_account, live_server, make_app

#: The session: Thursday 17 December 2026, 10:00-11:00 in Amsterdam; the app lives in January 2027.
START = dt.datetime(2026, 12, 17, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2027, 1, 11)
SETTINGS = InviteSettings(
    organizer="mentoring@wadloo.example",
    domain="wadloo.example",
    base_url="http://mail.example",
    language="en",
)
PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"http://mail\.example(/(?:check-in|value-check)/[A-Za-z0-9_/-]+)")


def mailed(app, language: str) -> dict[str, str]:
    """Bas's check-in and value-check e-mails, sent as the queue sends them: the links in them."""
    db = app.extensions["meeloop"]["db"]
    with db.transaction() as session:
        schedule_storage.add_events(
            session, [meeting("Intervisie", BALIE + BELASTINGEN, START)], now=START - dt.timedelta(days=30)
        )
    bas = next(a for a in accounts.accounts(db) if a.person_id == "bas")
    accounts.set_locale(db, bas.id, language)
    found: dict[str, str] = {}
    with smtp_server() as (bag, port):
        smtp = SmtpSettings(host="127.0.0.1", sender="mentoring@wadloo.example", port=port, security="none")
        for when, send in (
            (START + dt.timedelta(hours=3), notices.send_check_ins),
            (dt.datetime(2027, 1, 4, 7, tzinfo=dt.UTC), notices.send_value_checks),
        ):
            ctx = queue.Context(db=db, invites=SETTINGS, smtp=smtp, clock=lambda w=when: w, today=when.date)
            assert send(ctx, when, notices.NoticeSettings()).sent == len(BALIE + BELASTINGEN)
        for message in bag.received:
            if message["To"].addresses[0].addr_spec != "bas@wadloo.example":
                continue
            for path in LINK.findall(message.get_body(("plain",)).get_content()):
                found.setdefault(path.split("/")[1] + ("-held" if path.endswith("/held") else ""), path)
    assert set(found) >= {"check-in-held", "value-check"}, found
    return found


def photograph(tab, language: str, name: str) -> None:
    (ARTEFACTS / language).mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTEFACTS / language / f"{name}.png"), full_page=True)
    tab.set_viewport_size(PHONE)
    tab.screenshot(path=str(ARTEFACTS / language / f"{name}-phone.png"), full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    tab.set_viewport_size(WIDE)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_check_in_reflection_value_check_and_learning_climate_in_the_browser(
    sqlite_url, tmp_path, browser, language
):
    if not AXE.exists():
        pytest.fail("this test needs axe-core in node_modules: run 'npm ci' (bash .ci/run does)")
    engine = AXE.read_text(encoding="utf-8")
    app = make_app(sqlite_url, TODAY=TODAY, INVITES=SETTINGS, TESTING=False)
    db = app.extensions["meeloop"]["db"]
    orgjson.write_json(survey_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json", now=START - dt.timedelta(days=60))
    add_account(app, "bas@wadloo.example", "employee", "bas")
    links = mailed(app, language)
    findings = Findings([], Counter())

    def check(tab, name: str, errors: bool = False) -> None:
        findings.check(tab, "employee", language, Visit(name, errors=errors), engine)

    try:
        with live_server(app) as base:
            # The browser's own language is the other one: the e-mail's language wins.
            other = "en" if language == "nl" else "nl"
            context = browser.new_context(viewport=WIDE, locale=other)
            tab = context.new_page()

            # 1. The check-in: open the link, confirm, and go on to the reflection.
            tab.goto(base + links["check-in-held"])
            assert tab.locator("html").get_attribute("lang") == language
            check(tab, "check-in question")
            photograph(tab, language, "check-in-confirm")
            with tab.expect_navigation():
                tab.click("main form button[type=submit]")
            assert tab.locator(".check-in").get_attribute("data-answer") == "held"
            check(tab, "check-in thanks")
            photograph(tab, language, "check-in-held")
            with tab.expect_navigation():
                tab.click("section.card a.button")
            assert "/login" in tab.url
            tab.fill("#login", "bas@wadloo.example")
            tab.fill("#password", PASSWORD)
            with tab.expect_navigation():
                tab.click("form.card button[type=submit]")
            assert re.search(r"/me/reflections/\d+/2026-12-17$", tab.url), tab.url
            check(tab, "reflection form")
            tab.check("#levels-2")
            tab.fill("textarea", "Ik weet nu wie ik over de Wmo kan bellen.")
            with tab.expect_navigation():
                tab.click("main form button[type=submit]")
            assert tab.url.endswith("/me/reflections") and tab.locator("p.flash").count() == 1
            photograph(tab, language, "reflection-saved")
            assert notices.check_in_counts(db, by="kind")["meeting"].held == 1

            # 2. The value check from its e-mail: first sent empty (an error), then with levels.
            tab.goto(base + links["value-check"])
            check(tab, "value check")
            with tab.expect_navigation():
                tab.click("main form button[type=submit]")
            assert tab.locator(".error-summary").count() == 1
            check(tab, "value check with an error", errors=True)
            photograph(tab, language, "value-check-error")
            tab.check("#levels-2")
            tab.check("#levels-3")
            with tab.expect_navigation():
                tab.click("main form button[type=submit]")
            assert tab.locator(".value-check").get_attribute("data-answered") == "yes"
            photograph(tab, language, "value-check-saved")
            assert surveys.value_check_levels(db, "2026-Q4") == {"bas": ("potential", "applied")}

            # 3. The learning climate, linked from the value check.
            with tab.expect_navigation():
                tab.click("#climate-link ~ p a")
            assert tab.url.endswith("/me/learning-climate")
            check(tab, "learning climate")
            for item in surveys.CLIMATE_ITEMS[:-1]:
                tab.check(f"#{item}-4")
            with tab.expect_navigation():
                tab.click("main form button[type=submit]")
            assert tab.locator(".error-summary").count() == 1
            check(tab, "learning climate with an error", errors=True)
            tab.check("#reward-2")
            with tab.expect_navigation():
                tab.click("main form button[type=submit]")
            assert tab.locator(".learning-climate").get_attribute("data-answered") == "yes"
            photograph(tab, language, "learning-climate-saved")
            with db.transaction() as session:
                (kept,) = survey_storage.climate_answers(session)
            assert kept.scores["reward"] == 2 and kept.scores["changes"] == 4
            context.close()
    finally:
        db.dispose()
    assert not findings.problems, "\n".join(findings.problems)

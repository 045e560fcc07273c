"""The knowledge transfer flow in Chromium, in English and in Dutch: HR opens the risk report, opens a
leaver, sees the proposed successors, ticks several for one skill and none for another with the
keyboard, plans the sessions and publishes; the plan page shows the progress. HR also opens a skill
only two colleagues hold, with a deadline. axe-core finds nothing on the pages, at 1280 px and on a
phone nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from matcher.services import transfer
from tests.conftest import ARTEFACTS
from tests.e2e.test_accessibility import AXE, WIDE, Findings, Visit
from tests.web.test_transfer import make
from tests.webtools import PASSWORD, live_server

PHONE = {"width": 390, "height": 844}
WORDS = {
    "en": {
        "plan": "Knowledge transfer: Lea",
        "skill": "Knowledge transfer: GIS",
        "progress": "Progress",
        "chosen": "chosen by HR",
        "givers": "Passed on by Dina and Bram",
        "deadline": "Sessions before",
        "confirmed": "Confirmed by the colleague passing it on",
        "again": "Plan again",
        "waits": "A new plan waits to be published",
    },
    "nl": {
        "plan": "Kennis borgen: Lea",
        "skill": "Kennis borgen: GIS",
        "progress": "Voortgang",
        "chosen": "gekozen door HR",
        "givers": "Dina en Bram dragen de kennis over",
        "deadline": "Sessies vóór",
        "confirmed": "Bevestigd door wie het overdraagt",
        "again": "Opnieuw plannen",
        "waits": "Een nieuw plan wacht op publicatie",
    },
}


def _photograph(tab, language: str, name: str) -> None:
    (ARTEFACTS / language).mkdir(parents=True, exist_ok=True)
    tab.set_viewport_size(WIDE)
    tab.screenshot(path=str(ARTEFACTS / language / f"{name}.png"), full_page=True)
    tab.set_viewport_size(PHONE)
    tab.screenshot(path=str(ARTEFACTS / language / f"{name}-phone.png"), full_page=True)
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    tab.set_viewport_size(WIDE)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_hr_plans_and_publishes_a_transfer_from_the_risk_report(sqlite_url, tmp_path, browser, language):
    if not AXE.exists():
        pytest.fail("this test needs axe-core in node_modules: run 'npm ci' (bash .ci/run does)")
    engine = AXE.read_text(encoding="utf-8")
    app = make(sqlite_url, tmp_path, SMTP=None)
    words = WORDS[language]
    findings = Findings([], Counter())
    try:
        with live_server(app) as base:
            context = browser.new_context(viewport=WIDE, locale=language)
            tab = context.new_page()
            tab.goto(f"{base}/login")
            tab.fill("#login", "hr@wadloo.example")
            tab.fill("#password", PASSWORD)
            with tab.expect_navigation():
                tab.click("form.card button[type=submit]")
            tab.goto(f"{base}/hr/reports/risks")
            findings.check(tab, "hr", language, Visit("risk report", tab.url), engine)
            with tab.expect_navigation():
                tab.click("td.transfer a[href$='/hr/transfer/leaver/lea']")
            assert tab.locator("h1").inner_text() == words["plan"]
            # The proposal: Bram for the archive act (closest level), Chen for Woo requests.
            assert tab.locator("#successor-archief-bram").is_checked()
            assert not tab.locator("#successor-archief-chen").is_checked()
            assert tab.locator("#successor-woo-chen").is_checked()
            findings.check(tab, "hr", language, Visit("transfer proposal", tab.url), engine)
            _photograph(tab, language, "transfer-proposal")
            # Several successors for the archive act, nobody for Woo requests, by keyboard.
            tab.focus("#successor-archief-chen")
            tab.keyboard.press("Space")
            tab.focus("#successor-woo-chen")
            tab.keyboard.press("Space")
            assert tab.locator("#successor-archief-bram").is_checked()
            assert tab.locator("#successor-archief-chen").is_checked()
            assert not tab.locator("#successor-woo-chen").is_checked()
            tab.fill("#sessions", "2")
            with tab.expect_navigation():
                tab.click("section[aria-labelledby=session-settings] button[type=submit]")
            tab.wait_for_url(re.compile(r"/transfer/\d+$"))
            assert words["chosen"] in tab.locator("#successors").locator("..").inner_text()
            findings.check(tab, "hr", language, Visit("transfer plan", tab.url), engine)
            _photograph(tab, language, "transfer-plan")
            with tab.expect_navigation():
                tab.click("#publish ~ form button[type=submit]")
            assert tab.locator(".status-published").count() == 1
            assert tab.locator("#publish").count() == 0
            assert tab.locator("#progress").inner_text() == words["progress"]
            rows = tab.locator("table.transfer-progress tbody tr")
            assert rows.count() == 2
            assert tab.locator("tr[data-successor=bram]").count() == 1
            assert tab.locator("tr[data-successor=chen]").count() == 1
            assert rows.first.locator("td.number").inner_text() in ("0 of 2", "0 van 2")
            findings.check(tab, "hr", language, Visit("transfer published", tab.url), engine)
            _photograph(tab, language, "transfer-published")
            context.close()
        db = app.extensions["meeloop"]["db"]
        (stored,) = transfer.plans_of(db, "lea")
        assert stored.status == "published" and {s.successor_id for s in stored.plan.sessions} == {
            "bram",
            "chen",
        }
        assert [[c.person_id for c in item.chosen] for item in stored.proposal.items] == [
            ["bram", "chen"],
            [],
        ]
        now = dt.datetime.combine(app.config["TODAY"], dt.time(12), dt.UTC)
        assert all(
            now <= s.start and s.end.date() < stored.proposal.leaving_date for s in stored.plan.sessions
        )
    finally:
        app.extensions["meeloop"]["db"].dispose()
    assert not findings.problems, "\n".join(findings.problems)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_hr_plans_the_transfer_of_a_skill_only_two_hold_to_two_successors(
    sqlite_url, tmp_path, browser, language
):
    if not AXE.exists():
        pytest.fail("this test needs axe-core in node_modules: run 'npm ci' (bash .ci/run does)")
    engine = AXE.read_text(encoding="utf-8")
    app = make(sqlite_url, tmp_path, SMTP=None)
    words = WORDS[language]
    findings = Findings([], Counter())
    deadline = app.config["TODAY"] + dt.timedelta(days=45)
    try:
        with live_server(app) as base:
            context = browser.new_context(viewport=WIDE, locale=language)
            tab = context.new_page()
            tab.goto(f"{base}/login")
            tab.fill("#login", "hr@wadloo.example")
            tab.fill("#password", PASSWORD)
            with tab.expect_navigation():
                tab.click("form.card button[type=submit]")
            tab.goto(f"{base}/hr/reports/risks")
            with tab.expect_navigation():
                tab.click("tr[data-skill=gis] td.transfer a")
            assert tab.locator("h1").inner_text() == words["skill"]
            assert tab.locator("label[for=deadline]").inner_text() == words["deadline"]
            assert tab.locator("#successor-gis-chen").is_checked()
            findings.check(tab, "hr", language, Visit("skill transfer proposal", tab.url), engine)
            _photograph(tab, language, "transfer-skill-proposal")
            tab.check("#successor-gis-fay")
            tab.fill("#deadline", deadline.isoformat())
            tab.fill("#sessions", "2")
            with tab.expect_navigation():
                tab.click("section[aria-labelledby=session-settings] button[type=submit]")
            tab.wait_for_url(re.compile(r"/transfer/\d+$"))
            assert tab.locator("h1").inner_text() == words["skill"]
            assert words["givers"] in tab.locator(".lead").inner_text()
            assert tab.locator("table.transfer-progress tbody tr").count() == 2
            findings.check(tab, "hr", language, Visit("skill transfer plan", tab.url), engine)
            _photograph(tab, language, "transfer-skill-plan")
            assert words["confirmed"] in tab.locator("table.transfer-progress thead").inner_text()
            live = tab.url
            with tab.expect_navigation():
                tab.click("#publish ~ form button[type=submit]")
            # Planning again starts from the plan's own deadline; the new draft waits beside the live plan.
            with tab.expect_navigation():
                tab.click(f"a:text-is('{words['again']}')")
            assert tab.locator("#deadline").input_value() == deadline.isoformat()
            with tab.expect_navigation():
                tab.click("section[aria-labelledby=session-settings] button[type=submit]")
            tab.goto(f"{base}/hr/reports/risks")
            cell = tab.locator("tr[data-skill=gis] td.transfer")
            assert cell.locator(f"a[href='{live.removeprefix(base)}']").count() == 1
            assert cell.locator("a.draft").inner_text() == words["waits"]
            findings.check(tab, "hr", language, Visit("risk report with a draft", tab.url), engine)
            context.close()
        db = app.extensions["meeloop"]["db"]
        stored, _draft = transfer.plans_of(db)[::-1]
        assert stored.proposal.skill_id == "gis" and stored.proposal.deadline == deadline
        assert stored.proposal.successors() == ["chen", "fay"]
        assert {s.leaver_id for s in stored.plan.sessions} == {"dina", "bram"}
    finally:
        app.extensions["meeloop"]["db"].dispose()
    assert not findings.problems, "\n".join(findings.problems)

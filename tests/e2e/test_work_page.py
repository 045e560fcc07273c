"""The page of a piece of background work in Chromium: HR publishes a round, the page waits for a
worker and looks again by itself (no script), then says what publishing did; axe-core finds nothing
on it while it waits or once it is done, in English and in Dutch."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from matcher.engines.pairing import PairingConfig
from matcher.services import rounds, work
from tests.conftest import ARTEFACTS
from tests.e2e.test_accessibility import AXE, WIDE, Findings, Visit
from tests.orgs import mentoring_org
from tests.web.rounds.support import MENTORING, close_app, db_of, import_organisation, start_app
from tests.webtools import PASSWORD, live_server

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_work_page_follows_a_publish_by_itself_and_passes_axe(sqlite_url, tmp_path, browser, language):
    if not AXE.exists():
        pytest.fail("this test needs axe-core in node_modules: run 'npm ci' (bash .ci/run does)")
    from web.worker import queue_of

    engine = AXE.read_text(encoding="utf-8")
    import_organisation(sqlite_url, mentoring_org(), tmp_path)
    app = start_app(sqlite_url, JOBS_INLINE=False, TESTING=False)
    rounds.propose_round(
        db_of(app),
        round_name=MENTORING,
        config=PairingConfig(mode="mentor", time_limit=2),
        today=NOW.date(),
        now=NOW,
        save=True,
    )
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
            tab.goto(f"{base}/hr/rounds/{MENTORING}")
            tab.click("a[href='#publish']")
            with tab.expect_navigation():
                tab.click("#publish button[type=submit]")
            tab.wait_for_url(re.compile(r"/hr/work/\d+$"))
            assert tab.locator("section.job.status-queued").count() == 1
            findings.check(tab, "hr", language, Visit("work waiting", tab.url), engine)
            (ARTEFACTS / language).mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(ARTEFACTS / language / "work-waiting.png"), full_page=True)

            number = tab.url.rsplit("/", 1)[-1]
            work.run_publish(queue_of(app).context, number)
            # The page looks again by itself and then stops looking.
            tab.locator("section.job.status-done").wait_for(timeout=30_000)
            assert tab.locator("p.actions a.button:not(.secondary)").count() == 1
            assert tab.locator("p.flash").count() >= 3
            findings.check(tab, "hr", language, Visit("work done", tab.url), engine)
            tab.screenshot(path=str(ARTEFACTS / language / "work-done.png"), full_page=True)
            tab.set_viewport_size(PHONE)
            tab.screenshot(path=str(ARTEFACTS / language / "work-done-phone.png"), full_page=True)
            assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            context.close()
    finally:
        close_app(app)
    assert not findings.problems, "\n".join(findings.problems)

"""The search page in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from matcher.io import orgjson
from matcher.services import organisation
from tests.conftest import ARTEFACTS
from tests.optins import import_with_opt_ins
from tests.orgs import small_org
from tests.webtools import PASSWORD, add_account, live_server, make_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_copy) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    url = sqlite_copy(folder)
    orgjson.write_json(small_org(), folder / "org.json")
    db = organisation.Database(url)
    import_with_opt_ins(db, folder / "org.json")
    db.dispose()
    app = make_app(url, TESTING=False)
    add_account(app, "bram@wadloo.example", "employee", "bram")
    with live_server(app) as base:
        yield base
    app.extensions["meeloop"]["db"].dispose()


def log_in(page, server: str, login: str = "bram@wadloo.example") -> None:
    page.goto(f"{server}/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{server}/")


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    log_in(page, server)
    yield page
    context.close()


def test_an_employee_finds_who_to_ask_by_typing_a_skill(server, page):
    page.goto(server)
    page.fill("#skill", "Wmo")
    page.click("form.search button")
    page.wait_for_selector("ol.answers")
    answers = page.locator("li.answer")
    assert answers.count() == 1
    assert "Anna de Vries" in answers.first.inner_text()
    assert "expert in Wmo-wetgeving (level 4)" in answers.first.inner_text()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "ask.png"), full_page=True)
    page.click("li.answer a.name")
    assert page.locator("h1").inner_text() == "Anna de Vries"


def test_a_typo_still_finds_the_skill_and_the_page_fits_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, server)
    page.goto(f"{server}/ask?skill=pyhton")
    assert "Python" in page.locator("h2").first.inner_text()
    assert "王芳" in page.locator("ol.answers").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "ask-phone.png"), full_page=True)
    context.close()

"""The search page in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from matcher import orgjson, services
from tests.orgs import small_org
from tests.webtools import PASSWORD, add_account, make_app

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("the browser tests need Debian's 'chromium' package (bash .ci/run installs it)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'meeloop.sqlite3'}"
    orgjson.write_json(small_org(), folder / "org.json")
    db = services.Database(url)
    services.import_file(db, folder / "org.json")
    db.dispose()
    app = make_app(url, TESTING=False)
    add_account(app, "bram@wadloo.example", "employee", "bram")
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    http.server_close()
    thread.join(timeout=5)
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS, headless=True)
        yield launched
        launched.close()


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

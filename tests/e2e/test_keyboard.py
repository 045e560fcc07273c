"""The main flows with the keyboard alone, in Chromium: Tab and Shift+Tab to move, Enter to follow a
link or send a form, Space to tick a box, the arrow keys to choose in a list.

An employee logs in, skips to the content, finds who to ask, adds a skill to her profile, asks to
shadow a colleague, opens her plans and writes a reflection on a past meeting. HR proposes a round,
reviews it (unfolds the changes) and publishes it. Every element the focus lands on on the way shows
it: an outline or a shadow that is not "none".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.web.me.support import BRAM, HR, prepare_organisation
from tests.web.rounds.support import close_app
from tests.webtools import PASSWORD, add_account, live_server, make_app

pytestmark = pytest.mark.browser

#: The element that has the focus, and whether it shows it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
          text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
          cls: String(el.className || ''), shown: outline || style.boxShadow !== 'none',
          onScreen: box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth,
          inMain: el.closest('main') !== null};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_copy) -> Iterator[str]:
    """Gemeente Wadloo with a published intervision round whose first meetings are past."""
    folder = tmp_path_factory.mktemp("keyboard")
    app = make_app(sqlite_copy(folder), JOBS_INLINE=True, SMTP=None, TESTING=False)
    prepare_organisation(app.extensions["meeloop"]["db"], folder)
    add_account(app, BRAM, "employee", "bram")
    add_account(app, HR, "hr", None)
    with live_server(app) as base:
        yield base
    close_app(app)


@dataclass
class Keyboard:
    """Only keys: each Tab stop is recorded, with whether it showed the focus."""

    page: Any
    stops: list[dict[str, Any]] = field(default_factory=list)

    def focused(self) -> dict[str, Any] | None:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, wanted: Callable[[dict[str, Any]], bool], what: str, *, back: bool = False) -> dict:
        for _ in range(250):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            now = self.focused()
            if now is None:
                continue
            self.stops.append({**now, "url": self.page.url})
            if wanted(now):
                return now
        raise AssertionError(f"Tab never reached {what} on {self.page.url}")

    def to_id(self, element_id: str) -> dict:
        return self.tab_to(lambda f: f["id"] == element_id, f"#{element_id}")

    def to_text(self, text: str, tag: str | None = None, *, back: bool = False) -> dict:
        return self.tab_to(
            lambda f: f["text"] == text and (tag is None or f["tag"] == tag),
            f"{tag or ''} {text!r}",
            back=back,
        )

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def enter(self) -> None:
        """Enter on a link or a button that leads to another page."""
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def hidden(self) -> list[str]:
        return [
            f"{s['url']}: {s['tag']}#{s['id']}.{s['cls']} {s['text']!r}" for s in self.stops if not s["shown"]
        ]


def _keyboard(browser, server: str, login: str) -> Iterator[Keyboard]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en")
    page = context.new_page()
    page.goto(f"{server}/login")
    keys = Keyboard(page)
    keys.to_id("login")
    keys.type(login)
    keys.to_id("password")
    keys.type(PASSWORD)
    keys.enter()
    assert page.url == f"{server}/"
    yield keys
    context.close()


@pytest.fixture
def employee(browser, server) -> Iterator[Keyboard]:
    yield from _keyboard(browser, server, BRAM)


@pytest.fixture
def hr(browser, server) -> Iterator[Keyboard]:
    yield from _keyboard(browser, server, HR)


def test_the_first_tab_shows_a_skip_link_that_moves_the_focus_to_the_content(employee):
    page = employee.page
    page.keyboard.press("Tab")
    first = employee.focused()
    assert first is not None and "skip-link" in first["cls"], first
    assert first["shown"] and first["onScreen"], first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    after = employee.focused()
    assert after is not None and after["inMain"], after


def test_an_employee_finds_who_to_ask_edits_her_profile_and_asks_to_shadow(employee):
    page = employee.page
    employee.to_id("skill")
    employee.type("Wmo")
    employee.to_text("Search", "button")
    employee.enter()
    assert "Anna de Vries" in page.locator("ol.answers").inner_text()

    employee.to_text("My profile", "a")
    employee.enter()
    employee.to_id("new_skill")
    employee.type("Python")
    employee.to_id("new_level")
    page.keyboard.press("ArrowDown")  # from working (2) to proficient (3)
    host = employee.to_id("host")
    if page.evaluate("document.activeElement.checked"):
        page.keyboard.press("Space")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked"), host
    employee.to_text("Save my profile", "button")
    employee.enter()
    skills = page.locator("#skills table").inner_text()
    assert (
        "Python" in skills
        and page.locator("#skills select[aria-label='Level in Python']").input_value() == "3"
    )
    assert page.locator("#host").is_checked()

    employee.to_text("Shadowing", "a")
    employee.enter()
    employee.to_id("skill")
    employee.type("SQL")
    employee.to_id("length")
    page.keyboard.press("ArrowUp")
    employee.to_text("Ask", "button")
    employee.enter()
    asked = page.locator("section", has=page.locator("h2", has_text="My requests")).inner_text()
    assert "SQL" in asked
    assert not employee.hidden(), "focus not shown:\n" + "\n".join(employee.hidden())


def test_an_employee_opens_her_plans_and_writes_a_reflection(employee):
    page = employee.page
    employee.to_text("My plans", "a")
    employee.enter()
    assert "intervisie najaar" in page.locator("main").inner_text()
    employee.to_text("Reflection", "a", back=True)  # the menu is behind: back with Shift+Tab
    employee.enter()
    employee.to_text("Reflect", "a")
    employee.enter()
    employee.to_id("levels-1")
    page.keyboard.press("Space")
    employee.to_id("story")
    employee.type("Ik hoorde hoe een collega een lastig gesprek voerde en probeer dat nu zelf.")
    employee.to_text("Save", "button")
    employee.enter()
    assert "What my sessions brought" in page.locator("main").inner_text()
    assert page.locator("table.value-counts").count() == 1
    assert not employee.hidden(), "focus not shown:\n" + "\n".join(employee.hidden())


def test_hr_proposes_reviews_and_publishes_a_round_with_the_keyboard(hr):
    page = hr.page
    hr.to_text("Rounds", "a")
    hr.enter()
    hr.tab_to(
        lambda f: f["tag"] == "a" and "/new/mentor" in page.evaluate("document.activeElement.href"), "mentor"
    )
    hr.enter()
    hr.to_id("name")
    hr.type("mentoring by keyboard")
    hr.tab_to(lambda f: f["tag"] == "button" and f["text"] == "Propose the round", "the submit button")
    hr.enter()
    if "/jobs/" in page.url:  # a search that runs in the background is followed on its own page
        hr.to_text("Review the proposal", "a")
        hr.enter()
    assert page.locator("h1").inner_text().startswith("mentoring by keyboard")
    hr.tab_to(lambda f: f["tag"] == "summary" and f["text"].startswith("Change it"), "the changes")
    page.keyboard.press("Enter")
    assert page.locator("details:has(> summary h2)").first.evaluate("d => d.open")
    hr.to_text("Publish and plan the meetings", "button")
    hr.enter()
    assert "/hr/work/" in page.url  # the work's page says what publishing did
    hr.to_text("Back to mentoring by keyboard", "a")
    hr.enter()
    assert page.locator(".status-published").count() >= 1
    assert not hr.hidden(), "focus not shown:\n" + "\n".join(hr.hidden())

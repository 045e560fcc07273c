"""Every page of every role, in Dutch and in English, passes axe-core's WCAG 2.1 A and AA rules in
Chromium, and scrolls sideways neither on a 1280 px screen nor at 320 px (WCAG 1.4.10, reflow).

The site is the one tests/web/test_crawl.py reads: the demo with a round of every kind proposed and
published, one more round left for review with its pairs, shadow requests, an import with errors.
The crawler of tests/web finds the pages: each role follows every link it is shown, so a new page is
checked as soon as a menu or a page links to it. Each role sees every route it reaches; a route
whose pages differ by kind (a round, its review, its settings) is seen once per kind. Then the pages
that only an action shows: forms sent with errors, the why-not answer for a person and a pair,
search answers, error pages, and the pages of someone logged out.

axe-core comes from node_modules (``npm ci`` installs it from package.json). The page's content
security policy stays as strict as in production: the engine is evaluated through the browser's
debugging protocol, which no page script can do.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.web import test_crawl
from tests.web.crawling import Crawler
from tests.webtools import PASSWORD, live_server, make_app

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: The rules of WCAG 2.0 and 2.1, levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ("nl", "en")
ROLES = test_crawl.ROLES
HR = test_crawl.HR
REVIEWED = test_crawl.REVIEWED
#: A laptop screen, and the narrowest screen reflow asks for (WCAG 1.4.10: 320 CSS px).
WIDE, NARROW = {"width": 1280, "height": 800}, {"width": 320, "height": 640}
#: Pages of each route a role opens; the crawler finds up to :data:`FOUND_PER_ROUTE` of each.
PER_ROUTE = 1
FOUND_PER_ROUTE = 14
#: Routes whose pages differ by the kind of round or plan: each of their pages is seen.
EVERY_PAGE = frozenset(
    {"hr_rounds.review", "hr_rounds.new_round", "hr_rounds.compare_view", "hr_rounds.settings"}
)

#: The pieces of the page that stick out to the right (as in tests/web/test_crawl.py).
WIDEST = test_crawl.WIDEST
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
#: What a screen reader hears of a form sent with errors: the summary that has the focus, and for
#: each field marked invalid, the error its aria-describedby names.
ANNOUNCED = """() => {
  const summary = document.querySelector('.error-summary');
  const fields = [...document.querySelectorAll('[aria-invalid=true]')].map(field => {
    const said = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
      .map(id => document.getElementById(id)).filter(Boolean)
      .filter(el => el.classList.contains('error')).map(el => el.textContent.trim());
    return {id: field.id, error: said.join(' ')};
  });
  return {summary: summary !== null && summary.getAttribute('role') === 'alert',
          focused: summary !== null && document.activeElement === summary,
          links: summary ? summary.querySelectorAll('a[href^="#"]').length : 0, fields: fields};
}"""
#: The first thing the keyboard reaches is a link to the page's content.
SKIPS = """() => {
  const first = document.querySelector('a[href], button, input, select, textarea, [tabindex]');
  return first !== null && first.matches('a.skip-link[href="#content"]')
    && document.getElementById('content') !== null;
}"""
RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})"""

site = test_crawl.site  # the demo with every kind of round and plan, as the crawl reads it


@dataclass(frozen=True)
class Visit:
    """A page to check: an address, or an action that leaves the tab on the page to check."""

    name: str
    path: str | None = None
    action: Callable[[Any, str], None] | None = None
    #: A form sent with errors: its summary must have the focus and each invalid field its error.
    errors: bool = False
    #: The view that answers a crawled address.
    route: str | None = None

    def open(self, tab: Any, base: str) -> None:
        if self.action is not None:
            self.action(tab, base)
        else:
            tab.goto(base + (self.path or "/"))


def _submit(tab: Any, form: str = "main form[method=post]") -> None:
    with tab.expect_navigation():
        tab.locator(form).locator("button[type=submit], button:not([type])").first.click()


def _profile_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/me/profile")
    tab.locator("form.profile input[name=hours_mon]").fill("nonsense")
    tab.locator("form.profile input[name=mentor_capacity]").fill("-3")
    _submit(tab, "form.profile")


def _password_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/account/password")
    tab.fill("input[name=new]", "short")
    _submit(tab)


def _shadowing_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/me/shadowing")
    tab.fill("input[name=skill]", "")
    tab.fill("input[name=first_day]", "")
    _submit(tab, "main form.card[method=post]")


def _new_round_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/hr/rounds/new/mentor")
    tab.fill("input[name=name]", "")
    _submit(tab)


def _person_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/hr/people/E00125/edit")
    tab.fill("input[name=email]", "not an address")
    tab.fill("input[name=years_experience]", "many")
    _submit(tab, "form.edit-person")


def _skill_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/hr/skills/new")
    _submit(tab, "form.skill-form")


def _account_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/hr/accounts")
    tab.fill("input[name=person]", "nobody at all")
    _submit(tab)


def _import_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/hr/import")
    tab.locator("input[type=file]").first.set_input_files(
        files=[{"name": "matrix.csv", "mimeType": "text/csv", "buffer": io.BytesIO(test_crawl.MATRIX).read()}]
    )
    _submit(tab, "main form[enctype='multipart/form-data']")


def _swap_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/hr/rounds/{REVIEWED}")
    tab.locator("details#change > summary").click()
    tab.fill("input[name=swap-first]", "nobody at all")
    tab.fill("input[name=swap-second]", "nobody either")
    _submit(tab, "form[action$='/swap']")


def _login_with_errors(tab: Any, base: str) -> None:
    tab.goto(f"{base}/login")
    tab.fill("#login", "nobody@wadloo.example")
    tab.fill("#password", "wrong password")
    _submit(tab, "form.card")


REVIEW = f"/hr/rounds/{REVIEWED}"
#: Pages that only an action, a typed address or a search shows, per role.
ACTIONS: dict[str, tuple[Visit, ...]] = {
    "employee": (
        Visit("a search that finds", "/ask?skill=Wmo"),
        Visit("a search for part of a name", "/ask?skill=toezicht"),
        Visit("a search that finds nothing", "/ask?skill=qwxyzzy"),
        Visit("the profile with errors", errors=True, action=_profile_with_errors),
        Visit("a new password with errors", errors=True, action=_password_with_errors),
        Visit("a shadow request with errors", errors=True, action=_shadowing_with_errors),
        Visit("a page that does not exist", "/people/nobody"),
        Visit("a page for HR only", "/hr/people"),
    ),
    "manager": (Visit("a page that does not exist", "/skills/nothing-like-it"),),
    "hr": (
        Visit("the why-not answer for a person", f"{REVIEW}/why?person=E00001"),
        Visit("the why-not answer for a pair", f"{REVIEW}/why?person=E00001&partner=E00002"),
        Visit("the why-not page for nobody", f"{REVIEW}/why?person=nobody"),
        Visit("a new round with errors", errors=True, action=_new_round_with_errors),
        Visit("a swap in a round with errors", errors=True, action=_swap_with_errors),
        Visit("a person's edit with errors", errors=True, action=_person_with_errors),
        Visit("a new skill with errors", errors=True, action=_skill_with_errors),
        Visit("an account with errors", errors=True, action=_account_with_errors),
        Visit("an import with errors", action=_import_with_errors),
        Visit("a round that does not exist", "/hr/rounds/nothing"),
    ),
    "nobody": (
        Visit("the login page", "/login"),
        Visit("a login with errors", errors=True, action=_login_with_errors),
        Visit("a page that does not exist", "/nothing-here"),
        Visit("a page behind the login", "/me/profile"),
    ),
}


def _chosen(crawler: Crawler, seen: set[str]) -> list[Visit]:
    """The pages of a role to open: one of every route it reaches, and each kind of round.

    A route another role has opened already is opened once more, for this role's menu."""
    visits: list[Visit] = []
    opened: Counter[str] = Counter()
    for page in crawler.pages():
        if page.status != 200:
            continue
        enough = FOUND_PER_ROUTE if page.route in EVERY_PAGE else PER_ROUTE
        if opened[page.route] >= (enough if page.route not in seen else 1):
            continue
        opened[page.route] += 1
        visits.append(Visit(page.url, page.url, route=page.route))
    seen.update(opened)
    return visits


def _log_in(tab: Any, base: str, login: str) -> None:
    tab.goto(f"{base}/login")
    tab.fill("#login", login)
    tab.fill("#password", PASSWORD)
    with tab.expect_navigation():
        tab.click("form.card button[type=submit]")


@dataclass
class Findings:
    problems: list[str]
    passed: Counter[tuple[str, str]]

    def check(self, tab: Any, role: str, language: str, visit: Visit, engine: str) -> None:
        """axe-core on the page as it is now, its skip link, then its width on a laptop and at 320 px."""
        where = f"{role} {language} {visit.name}"
        tab.evaluate(engine)
        found = tab.evaluate(RUN_AXE, TAGS)
        problems = [
            f"{where}: {v['id']} ({v['impact']}) at {' '.join(map(str, node['target']))}: {v['help']}"
            f"\n    {node.get('failureSummary', '').splitlines()[-1].strip()}\n    {v['helpUrl']}"
            for v in found["violations"]
            for node in v["nodes"]
        ]
        if not tab.evaluate(SKIPS):
            problems.append(
                f"{where}: no skip link to the content (a.skip-link to #content, first on the page)"
            )
        for screen, viewport in (("1280 px", WIDE), ("320 px", NARROW)):
            tab.set_viewport_size(viewport)
            if _fits(tab):
                continue
            fit = tab.evaluate(WIDEST)
            if fit["scroll"] > fit["width"]:
                problems.append(
                    f"{where}: scrolls sideways at {screen}: {fit['scroll']} px wide, {fit['widest']}"
                )
        tab.set_viewport_size(WIDE)
        if visit.errors:
            problems.extend(f"{where}: {problem}" for problem in _unannounced(tab.evaluate(ANNOUNCED)))
        self.problems.extend(problems)
        if not problems:
            self.passed[(role, language)] += 1


def _fits(tab: Any) -> bool:
    """Whether the page, once it has answered the new size (a drawing redraws a moment later),
    is no wider than the screen."""
    if tab.evaluate(FITS):
        return True
    try:
        tab.wait_for_function(FITS, timeout=3000)
    except PlaywrightTimeout:
        return False
    return True


def _unannounced(heard: dict[str, Any]) -> list[str]:
    """What a screen reader would miss of a form sent with errors."""
    problems = []
    if not heard["summary"] or not heard["focused"]:
        problems.append("the error summary is missing, not an alert, or does not have the focus")
    if not heard["fields"] or heard["links"] < len(heard["fields"]):
        problems.append(f"{len(heard['fields'])} fields marked invalid, {heard['links']} links to them")
    problems.extend(
        f"field {f['id']} is marked invalid, but its error is not tied to it"
        for f in heard["fields"]
        if not f["error"]
    )
    return problems


def _visits(app: Any, base: str) -> Iterator[tuple[str, str | None, list[Visit]]]:
    """For each role (and nobody): its login and the pages it opens."""
    seen: set[str] = set()
    for login, role, _ in ROLES:
        crawler = Crawler(app, base, login, "nl", per_route=FOUND_PER_ROUTE)
        try:
            crawled = _chosen(crawler, seen)
        finally:
            crawler.close()
        yield role, login, [*crawled, *ACTIONS[role]]
    yield "nobody", None, list(ACTIONS["nobody"])


def test_every_page_of_every_role_in_both_languages_passes_axe_and_reflows(site, browser):
    if not AXE.exists():
        pytest.fail("the accessibility test needs axe-core in node_modules: run 'npm ci' (bash .ci/run does)")
    engine = AXE.read_text(encoding="utf-8")
    app = make_app(site["url"], JOBS_INLINE=True, SMTP=None, TESTING=False)
    findings = Findings([], Counter())
    opened: Counter[tuple[str, str]] = Counter()
    routes: set[str] = set()
    started = time.monotonic()
    try:
        with live_server(app) as base:
            for role, login, visits in _visits(app, base):
                routes.update(visit.route for visit in visits if visit.route)
                for language in LANGUAGES:
                    context = browser.new_context(viewport=WIDE, locale=language)
                    tab = context.new_page()
                    if login is not None:
                        _log_in(tab, base, login)
                    for visit in visits:
                        visit.open(tab, base)
                        findings.check(tab, role, language, visit, engine)
                        opened[(role, language)] += 1
                    context.close()
    finally:
        app.extensions["meeloop"]["db"].dispose()
    took = time.monotonic() - started
    print(
        f"\naxe-core {', '.join(TAGS)}: {sum(opened.values())} pages of {len(routes)} routes in {took:.0f} s"
    )
    for (role, language), count in sorted(opened.items()):
        print(
            f"  {role:9} {language}: {findings.passed[(role, language)]} of {count} pages without a violation"
        )
    assert opened[("hr", "nl")] > 60 and opened[("employee", "en")] > 15
    assert not findings.problems, f"{len(findings.problems)} violations:\n" + "\n".join(findings.problems)

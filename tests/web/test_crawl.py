"""Every page of the demo speaks through the catalog: a crawler reads them all as an employee, a
manager and HR.

On the demo municipality, HR proposes and publishes a round of every kind, makes a shadowing and a
lunch & learn plan, proposes one more round and leaves it for review, imports a file with errors;
an employee uploads a calendar. Then each role follows every link it is shown (each route up to
:data:`PER_ROUTE` times, so every round, plan and job page is seen), over real HTTP:

* in the pseudo-language (tests/pseudo.py), every visible text run, and every attribute that is
  read out, is either bracketed (it came through the catalog), data (names of people, skills,
  teams, rounds; ids, numbers, dates and times as CLDR writes them), or nothing;
* in Dutch, with the shipped catalog, every page is marked Dutch, nothing is marked English, and no
  word appears that only the English of the catalog uses;
* in Chromium, on a 1280 px screen and on a phone, no page scrolls sideways (a wide table may
  scroll in its own box).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from matcher.io import catalogs
from matcher.plans.kinds import KINDS
from matcher.services import organisation, scheduling
from tests import pseudo
from tests.optins import import_with_opt_ins
from tests.web.crawling import Crawler, Page, read
from tests.web.rounds.support import close_app, form_defaults, start_app
from tests.webtools import PASSWORD, add_account, csrf_token, live_server, log_in, make_app, post_form

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
CALENDARS = DEMO.parent / "calendars"
PER_ROUTE = 14
#: Who crawls: the demo's employee, her team leader and the HR adviser.
ROLES = (
    ("joost@wadloo.example", "employee", "E00125"),
    ("henriette@wadloo.example", "manager", "E00123"),
    ("chloe@wadloo.example", "hr", "E00138"),
)
HR = "chloe@wadloo.example"
REVIEWED = "mentor rotation for review"
#: The language switch names each language in itself, marked as such.
LANGUAGE_NAMES = ("English", "Nederlands")


def _round_name(kind: str) -> str:
    return f"demo {kind}"


def _propose(client, kind: str, name: str) -> None:
    page = f"/hr/rounds/new/{kind}"
    data = {**form_defaults(client.get(page).get_data(as_text=True)), "name": name, "time_limit": "2"}
    response = post_form(client, page, data, form_page=page)
    assert response.status_code == 302, (kind, response.get_data(as_text=True)[:2000])


def _publish(client, name: str) -> None:
    page = f"/hr/rounds/{name}"
    fields = form_defaults(client.get(page).get_data(as_text=True))
    response = post_form(client, f"{page}/publish", fields, form_page=page)
    assert response.status_code == 302, (name, response.get_data(as_text=True)[:2000])


def _ask_for_shadowing(db: organisation.Database) -> None:
    now = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    for guest, skill in (
        ("E00125", "klimaatadaptatie"),
        ("E00001", "python"),
        ("E00123", "energietransitie"),
    ):
        scheduling.add_shadow_request(
            db,
            guest_id=guest,
            skill=skill,
            host_id=None,
            length="hour",
            first_day=dt.date(2026, 11, 30),
            last_day=dt.date(2026, 12, 18),
            now=now,
        )


MATRIX = b"id,name,email,manager,python\nE90001,Nieuw Iemand,niet-een-adres,E99999,7\n"


def _bad_import(client) -> str:
    data = {"file": (io.BytesIO(MATRIX), "matrix.csv"), "csrf_token": csrf_token(client, "/hr/import")}
    response = client.post("/hr/import", data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    return response.get_data(as_text=True)


def _upload_calendar(client, name: str, content: bytes) -> str:
    data = {"calendar": (io.BytesIO(content), name), "csrf_token": csrf_token(client, "/me/profile")}
    response = client.post(
        "/me/profile/calendar", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_copy) -> Iterator[dict]:
    """The demo with every kind of round and plan, an import with errors and calendar uploads done."""
    folder = tmp_path_factory.mktemp("crawl")
    url = sqlite_copy(folder)
    db = organisation.Database(url)
    import_with_opt_ins(db, DEMO / "organisation.json")
    _ask_for_shadowing(db)
    db.dispose()
    app = start_app(url)
    for login, role, person in ROLES:
        add_account(app, login, role, person)
    hr = app.test_client()
    log_in(hr, HR)
    for kind in KINDS:
        _propose(hr, kind, _round_name(kind))
        _publish(hr, _round_name(kind))
    _propose(hr, "mentor", REVIEWED)
    close_app(app)
    _form_answers(url, "en")  # the import with errors and the calendar uploads are in their histories
    yield {"url": url}


def _data(url: str) -> set[str]:
    """Everything the organisation and its people entered: shown as it is, in any language."""
    org = json.loads((DEMO / "organisation.json").read_text(encoding="utf-8"))
    words = {org["name"], "meeloop", "English", "Nederlands", "nl", "en", REVIEWED, "nobody", "nothing"}
    words.update(_round_name(kind) for kind in KINDS)
    words.update(login for login, _, _ in ROLES)
    words.update(
        ("matrix.csv", "outlook-team-wmo.ics", "agenda.ics", "hr@wadloo.example", "organisation.json")
    )
    words.update(MATRIX.decode().split("\n", 1)[0].split(","))  # the file's columns, as it names them
    dutch = Locale.parse("nl")
    for person in org["people"]:
        words.update(
            str(person.get(key) or "")
            for key in ("id", "name", "email", "department", "function", "site", "team", "timezone")
        )
        codes = person.get("languages") or ()
        words.update(codes)
        words.update(dutch.languages.get(code, code) for code in codes)
    for skill in org["skills"]:
        words.update(str(value) for value in skill.values() if isinstance(value, str))
        words.update(skill.get("aliases") or ())
    words.update(entry["round"] for entry in org.get("history") or ())
    return {w for w in words if w}


def _without_shortened(text: str, data: set[str]) -> str:
    """``text`` without the labels a chart cut short ("Communicatiestrateg…"): pieces of names."""

    def cut(found: re.Match[str]) -> str:
        piece = found.group(0).removesuffix("…").strip()
        return " " if any(piece in word for word in data) else found.group(0)

    return re.sub(r"[^\n⟦⟧…]{1,60}…", cut, text)


def _crawl(site: dict, language: str) -> Iterator[tuple[str, Page]]:
    app = make_app(site["url"], JOBS_INLINE=True, SMTP=None, TESTING=False)
    try:
        with live_server(app) as base:
            for login, role, _ in ROLES:
                crawler = Crawler(app, base, login, language, per_route=PER_ROUTE)
                try:
                    for page in crawler.pages():
                        yield role, page
                finally:
                    crawler.close()
    finally:
        app.extensions["meeloop"]["db"].dispose()


def _form_answers(url: str, language: str) -> dict[str, str]:
    """What HR is told after an import with errors or on a page that does not exist, and an employee
    after calendar uploads."""
    app = make_app(url, JOBS_INLINE=True, SMTP=None)
    try:
        hr, joost = app.test_client(), app.test_client()
        for client, login in ((hr, HR), (joost, ROLES[0][0])):
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
            log_in(client, login)
        return {
            "a page that does not exist": hr.get("/people/nobody").get_data(as_text=True),
            "a round that does not exist": hr.get("/hr/rounds/nothing").get_data(as_text=True),
            "import with errors": _bad_import(hr),
            "calendar upload with errors": _upload_calendar(joost, "agenda.ics", b"BEGIN:VCALENDAR\r\nX"),
            "calendar upload": _upload_calendar(
                joost, "outlook-team-wmo.ics", (CALENDARS / "outlook-team-wmo.ics").read_bytes()
            ),
        }
    finally:
        close_app(app)


def _answers(site: dict) -> Iterator[tuple[str, Page]]:
    for what, html in _form_answers(site["url"], "nl").items():
        yield "answer", Page(what, what, 200, read(html))


@pytest.fixture
def pseudo_catalogs(tmp_path, monkeypatch) -> Path:
    folder = pseudo.write_catalogs(tmp_path / "catalogs")
    monkeypatch.setenv("MEELOOP_CATALOGS", str(folder))
    return folder


def test_every_page_in_the_pseudo_language_says_only_the_catalog_and_data(site, pseudo_catalogs):
    data = _data(site["url"])
    escaped = pseudo.Untranslated(data)
    found: dict[str, list[str]] = {}
    routes: set[str] = set()
    visited = 0
    for role, page in _crawl(site, "nl"):
        visited += 1
        routes.add(page.route)
        assert page.status == 200, (role, page.url, page.status)
        for rest in escaped.lines(_without_shortened(page.visible.text, data)):
            found.setdefault(rest, []).append(f"{role} {page.url}")
    print(f"pseudo-language: {visited} pages, {len(routes)} routes")
    assert visited > 100 and {"hr_rounds.review", "me.plans", "team.index", "hr_reports.risks"} <= routes
    report = [f"{rest!r} on {', '.join(sorted(set(where))[:3])}" for rest, where in sorted(found.items())]
    assert not report, f"{len(report)} texts did not come through the catalog:\n" + "\n".join(report)


def _english_only_words() -> set[str]:
    """Words the English of the catalog uses and its Dutch never does."""
    with (catalogs.DIRECTORY / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="nl")
    english: set[str] = set()
    dutch: set[str] = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in ids:
            english.update(re.findall(r"(?<![{%(\w])[a-z]{3,}(?![}\w])", text or ""))
        for text in strings:
            dutch.update(re.findall(r"[a-zà-ÿ]{3,}", (text or "").lower()))
    return english - dutch


def test_every_page_in_dutch_is_dutch(site):
    english = _english_only_words()
    data = pseudo.Untranslated(_data(site["url"]))
    found: dict[str, list[str]] = {}
    for role, page in [*_crawl(site, "nl"), *_answers(site)]:
        if page.visible.language is not None:
            assert page.visible.language == "nl", (role, page.url)
        for line in [*page.visible.english, *page.visible.text.splitlines()]:
            rest = data(line)
            words = {w for w in re.findall(r"[a-z]{3,}", rest.lower()) if w in english}
            if words or (line in page.visible.english and line not in LANGUAGE_NAMES):
                found.setdefault(f"{line!r} ({', '.join(sorted(words))})", []).append(f"{role} {page.url}")
    report = [f"{text} on {', '.join(sorted(set(where))[:3])}" for text, where in sorted(found.items())]
    assert not report, f"{len(report)} English texts on Dutch pages:\n" + "\n".join(report)


def test_what_the_forms_answer_in_the_pseudo_language_comes_through_the_catalog(site, pseudo_catalogs):
    """The answer to an import with errors and to calendar uploads, in the pseudo-language."""
    escaped = pseudo.Untranslated(_data(site["url"]))
    for what, html in _form_answers(site["url"], "nl").items():
        assert pseudo.OPEN in html, what
        assert not escaped.lines(read(html).text), (what, escaped.lines(read(html).text))


#: The screens every page must fit without scrolling sideways: a laptop and a phone.
SCREENS = {"1280 px screen": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
#: Pages of each route the browser opens for each role (every route a role reaches is seen).
FIT_PER_ROUTE = 1
#: Finds what sticks out of the page: the widest element that ends beyond the viewport and is not
#: inside a box that scrolls on its own (a wide table in .table-wrap may scroll there).
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  let found = null;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1) continue;
    let scroller = el.parentElement, inside = false;
    while (scroller && scroller !== document.body) {
      const style = getComputedStyle(scroller);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { inside = true; break; }
      scroller = scroller.parentElement;
    }
    if (inside) continue;
    if (!found || box.right > found.right) {
      found = {tag: el.tagName.toLowerCase(), cls: String(el.className || ''),
               right: Math.round(box.right)};
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, widest: found};
}"""


@pytest.mark.browser
def test_every_page_fits_a_laptop_screen_and_a_phone_without_scrolling_sideways(site, browser):
    app = make_app(site["url"], JOBS_INLINE=True, SMTP=None, TESTING=False)
    too_wide: list[str] = []
    seen = 0
    try:
        with live_server(app) as base:
            for login, _, _ in ROLES:
                crawler = Crawler(app, base, login, "nl", per_route=FIT_PER_ROUTE)
                try:
                    paths = [page.url for page in crawler.pages() if page.status == 200]
                finally:
                    crawler.close()
                for screen, viewport in SCREENS.items():
                    context = browser.new_context(viewport=viewport, locale="nl-NL")
                    tab = context.new_page()
                    tab.goto(f"{base}/login")
                    tab.fill("#login", login)
                    tab.fill("#password", PASSWORD)
                    tab.click("form.card button[type=submit]")
                    tab.wait_for_url(f"{base}/")
                    for path in paths:
                        tab.goto(base + path)
                        fit = tab.evaluate(WIDEST)
                        seen += 1
                        if fit["scroll"] > fit["width"]:
                            too_wide.append(
                                f"{login} {screen} {path}: {fit['scroll']} px wide, {fit['widest']}"
                            )
                    context.close()
    finally:
        app.extensions["meeloop"]["db"].dispose()
    assert seen > 60
    assert not too_wide, "\n".join(too_wide)

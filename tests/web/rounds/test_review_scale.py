"""The review page of a round of 2,000 people: a summary and the actions first, the pairs and the
people left out a page at a time, searchable and filterable, and short enough to read: in
Chromium, under three screens tall on a laptop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bench.synthetic import generate_organisation
from tests.conftest import ARTEFACTS
from tests.web.rounds.support import close_app, import_organisation, propose, start_app, stored_round
from tests.webtools import PASSWORD, live_server, log_in, post_form
from web.round_views import LEFT_OUT_PER_PAGE, PER_PAGE

NAME = "mentoring 2000"
URL = f"/hr/rounds/{quote(NAME)}"
SCREEN = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def big(tmp_path_factory, sqlite_copy) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("review-2000")
    url = sqlite_copy(folder)
    import_organisation(url, generate_organisation(2000, seed=3), folder)
    app = start_app(url)
    hr = app.test_client()
    log_in(hr, "hr@wadloo.example")
    assert propose(hr, "mentor", NAME, time_limit="20").status_code == 302
    stored = stored_round(app, NAME)
    yield {"app": app, "hr": hr, "stored": stored}
    close_app(app)


def unit_cells(page: str) -> list[str]:
    """The "who" cell of each pair the page lists."""
    table = page[page.index('<table class="data units">') : page.index("</table>", page.index('id="units"'))]
    return re.findall(r'<td class="who">(.*?)</td>', table, re.S)


def _page(big: dict, query: str = "") -> str:
    response = big["hr"].get(URL + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_summary_and_actions_come_first_and_one_page_of_pairs_follows(big):
    stored = big["stored"]
    assert len(stored.pairs) > 300 and len(stored.unmatched) > 50
    page = _page(big)
    summary, units, left = page.index('id="figures"'), page.index('id="units"'), page.index('id="left-out"')
    assert summary < page.index('href="#publish"') < page.index('id="change"') < units < left
    assert f"{len(stored.pairs)} pairs, {len(stored.unmatched)} left out" in page
    assert len(unit_cells(page)) == PER_PAGE
    assert f"Page 1 of {-(-len(stored.pairs) // PER_PAGE)}" in page
    # each reason a click away: the first shown, the rest folded in
    assert page[units:left].count('<details class="why">') == PER_PAGE
    # one list of people for every person field, no drop-downs of thousands
    assert page.count("<datalist") == 1 and '<select id="swap-first"' not in page
    assert len(page.encode()) < 400_000


def test_the_reasons_people_are_left_out_are_counted_and_each_kind_filters_the_list(big):
    stored = big["stored"]
    page = _page(big)
    kinds = re.findall(r'href="[^"]*reason=(\w+)#left-out">(\d+) as ([^<]+)</a>', page)
    assert kinds and sum(int(n) for _, n, _ in kinds) <= len(stored.unmatched)
    key, count, _ = kinds[0]
    narrowed = _page(big, f"?reason={key}")
    rows = re.findall(r'<tr><td><a href="/people/', narrowed[narrowed.index('id="left-out"') :])
    assert len(rows) == min(int(count), LEFT_OUT_PER_PAGE)
    assert "Show every reason" in narrowed


def test_a_search_a_department_and_the_weakest_first_narrow_and_order_the_pairs(big):
    stored = big["stored"]
    first = stored.pairs[0].members[0]
    page = _page(big, f"?q={first}")
    assert first in page and 'value="' + first + '"' in page
    cells = unit_cells(page)
    assert 1 <= len(cells) <= 3 and all(first in cell for cell in cells)

    departments = re.findall(r'<option value="([^"]+)">', page[page.index('id="f-department"') :])
    assert departments
    narrowed = _page(big, f"?department={quote(departments[0])}")
    assert "match the filters" in narrowed and len(unit_cells(narrowed)) <= PER_PAGE

    weakest = _page(big, "?order=score")
    scores = [float(s.replace(",", "")) for s in re.findall(r'<td class="score">([\d.,]+)</td>', weakest)]
    assert scores == sorted(scores) and scores[0] == min(p.score for p in stored.pairs)
    assert _page(big, "?page=2&order=score") != weakest


def test_a_refused_swap_is_said_above_the_pairs_in_words(big):
    hr, stored = big["hr"], big["stored"]
    a = stored.pairs[0].members[0]
    refused = post_form(
        hr, f"{URL}/swap", {"swap-first": a, "swap-second": "nobody-like-this"}, form_page=URL
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert html.index("pick someone from the list") < html.index('id="units"')
    assert '<details class="card" id="change" open>' in html


@pytest.mark.browser
def test_the_review_page_is_under_three_screens_tall_and_fits_the_screen(big, browser):
    app = big["app"]
    with live_server(app) as base:
        context = browser.new_context(viewport=SCREEN)
        tab = context.new_page()
        tab.goto(f"{base}/login")
        tab.fill("#login", "hr@wadloo.example")
        tab.fill("#password", PASSWORD)
        tab.click("form.card button[type=submit]")
        tab.wait_for_url(f"{base}/")
        tab.goto(base + URL)
        height = tab.evaluate("document.documentElement.scrollHeight")
        ARTEFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTEFACTS / "review-2000.png"), full_page=True)
        width = tab.evaluate("document.documentElement.scrollWidth")
        context.close()
    assert height < 3 * SCREEN["height"], height
    assert width <= SCREEN["width"]

"""HR's list of people, its filters and pages, and editing one person. Flask's test client against a
real SQLite file."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from matcher.storage.admin import recent_imports
from tests.web.hr_people.support import DEMO, HR, page_text, people_in, seed
from tests.webtools import add_account, log_in, make_app

# -- people ---------------------------------------------------------------------------------------------


def _names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/hr/people/([^"]+)">', html)


def test_people_can_be_filtered(hr):
    assert _names(page_text(hr.get("/hr/people"))) == ["anna", "bram", "dirk", "eva", "chen"]
    assert _names(page_text(hr.get("/hr/people?q=ahmed"))) == []
    assert _names(page_text(hr.get("/hr/people?q=Ахмед"))) == ["dirk"]
    assert _names(page_text(hr.get("/hr/people?q=EVA@wadloo"))) == ["eva"]
    assert _names(page_text(hr.get("/hr/people?department=Informatievoorziening"))) == ["dirk", "chen"]
    assert _names(page_text(hr.get("/hr/people?site=Stadhuis&function=stagiair"))) == ["eva"]
    assert _names(page_text(hr.get("/hr/people?kind=newcomer"))) == ["bram"]
    assert _names(page_text(hr.get("/hr/people?kind=intern"))) == ["eva"]
    assert _names(page_text(hr.get("/hr/people?leaving=1"))) == ["dirk"]
    assert _names(page_text(hr.get("/hr/people?skill=sql"))) == ["dirk", "chen"]
    assert _names(page_text(hr.get("/hr/people?skill=sql&level=4"))) == ["chen"]
    # A skill by name or alias works too; the option list holds every skill.
    assert _names(page_text(hr.get("/hr/people?skill=Wmo"))) == ["anna", "bram"]


def test_a_bad_filter_is_a_400_naming_it(hr):
    assert hr.get("/hr/people?kind=boss").status_code == 400
    unknown = hr.get("/hr/people?skill=zzzzzzzzzzzz")
    assert unknown.status_code == 400 and "No skill matches" in page_text(unknown)
    assert hr.get("/hr/people?page=abc").status_code == 400


@pytest.fixture
def demo_hr(sqlite_url, tmp_path):
    seed(sqlite_url, tmp_path, DEMO)
    app = make_app(sqlite_url)
    add_account(app, HR, "hr")
    client = app.test_client()
    log_in(client, HR)
    yield client
    app.extensions["meeloop"]["db"].dispose()


def test_the_demo_is_shown_fifty_people_a_page(demo_hr):
    first = page_text(demo_hr.get("/hr/people"))
    assert "240 people" in first and "Page 1 of 5" in first
    assert len(_names(first)) == 50
    last = page_text(demo_hr.get("/hr/people?page=5"))
    assert len(_names(last)) == 40 and 'rel="next"' not in last
    seen = set()
    for page in range(1, 6):
        seen |= set(_names(page_text(demo_hr.get(f"/hr/people?page={page}"))))
    assert len(seen) == 240
    # Beyond the last page: the last page. Filters stay in the page links.
    assert _names(page_text(demo_hr.get("/hr/people?page=99"))) == _names(last)
    social = page_text(demo_hr.get("/hr/people?department=Sociaal+Domein"))
    assert "53 people" in social and "Page 1 of 2" in social
    following = re.search(r'<a href="([^"]+)" rel="next">', social).group(1).replace("&amp;", "&")
    assert "department=Sociaal+Domein" in following and "page=2" in following
    assert len(_names(page_text(demo_hr.get(following)))) == 3


# -- one person and editing ------------------------------------------------------------------------------


def test_the_hr_page_of_a_person_shows_the_private_fields_and_the_account(hr):
    html = page_text(hr.get("/hr/people/dirk"))
    assert "Dirk Zoë Ахмед" in html
    assert "Dec 31, 2026" in html  # leaving date
    assert "25.0 years" in html  # years in the field
    assert "Archiefwet" in html and "4 · expert" in html
    assert "No account" in html and "/hr/accounts?person=dirk" in html
    bram = page_text(hr.get("/hr/people/bram"))
    assert "bram@wadloo.example" in bram and "SQL" in bram and "needed now" in bram
    assert "Manage this account" in bram


class _FormReader(HTMLParser):
    """What a browser would send for the form on a page that posts to ``action``, as it stands."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.values: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = a.get("action") == self.action
        if not self._inside:
            return
        if tag == "input" and "name" in a and a.get("type") not in ("submit", "file"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.values[a["name"]] = a.get("value", "y" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            self.values.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def _form_values(client, path: str) -> dict[str, str]:
    reader = _FormReader(path)
    reader.feed(page_text(client.get(path)))
    return reader.values


def _edit(client, person_id: str, **changes) -> object:
    """Send the edit form as it stands, with some fields changed (None: a checkbox unticked)."""
    path = f"/hr/people/{person_id}/edit"
    data = _form_values(client, path)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return client.post(path, data=data)


def test_the_edit_form_shows_what_is_stored(hr):
    values = _form_values(hr, "/hr/people/bram/edit")
    assert values["name"] == "Bram Çelik" and values["manager"] == "Anna de Vries (anna)"
    assert values["start_date"] == "2024-09-01" and values["newcomer"] == "y" and "intern" not in values
    assert values["skills-0-skill_id"] == "wmo" and values["skills-0-level"] == "2"
    assert values["wishes-0-skill_id"] == "sql" and values["wishes-0-priority"] == "3"


def test_an_hr_edit_is_saved_and_shows_on_the_public_person_page(app, hr):
    response = _edit(
        hr,
        "bram",
        name="Bram Çelik-Visser",
        department="Publiekszaken",
        site="Stadswinkel",
        manager="chen",
        newcomer=None,
        leaving_date="2027-03-31",
        new_skill="python",
        new_level="3",
    )
    assert response.status_code == 302, page_text(response)[:3000]
    assert response.headers["Location"] == "/hr/people/bram"
    public = page_text(hr.get("/people/bram"))
    assert "Bram Çelik-Visser" in public and "Publiekszaken" in public and "Stadswinkel" in public
    assert "Python" in public and "2027" not in public  # colleagues never see a leaving date
    bram = people_in(app)["bram"]
    assert bram.manager_id == "chen" and bram.newcomer is False and str(bram.leaving_date) == "2027-03-31"
    assert "Mar 31, 2027" in page_text(hr.get("/hr/people/bram"))
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert recent_imports(session)[0].sources == (f"profile of bram, changed by {HR}",)


def test_an_edit_that_changes_nothing_says_so(app, hr):
    response = _edit(hr, "chen")
    assert response.status_code == 302
    assert "Nothing changed." in page_text(hr.get("/hr/people/chen"))


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("email", "not-an-address", "is not an e-mail address"),
        ("email", "anna@wadloo.example", "also used by"),
        ("leaving_date", "2020-01-01", "is before starting"),
        ("start_date", "31-02-2024", "31-02-2024"),
        ("manager", "nobody", "Nobody on the talent map has that name or id"),
        ("name", " ", "may not be empty"),
        ("years_experience", "lots", "lots"),
        ("hours_mon", "sometimes", "sometimes"),
        ("timezone", "Mars/Olympus", "Mars/Olympus"),
    ],
)
def test_an_invalid_edit_is_refused_at_the_field_and_stores_nothing(app, hr, field, value, says):
    before = people_in(app)
    response = _edit(hr, "bram", **{field: value, "department": "Elders"})
    html = page_text(response)
    assert response.status_code == 400
    block = re.search(rf'<div class="field [^"]*has-error">\s*<label for="{field}">.*?</div>', html, re.S)
    assert block and says in block.group(0), html[:5000]
    assert "Nothing was saved" in html
    assert people_in(app) == before


def test_the_manager_is_chosen_by_name_from_the_list_or_by_id(app, hr):
    page = page_text(hr.get("/hr/people/bram/edit"))
    assert 'list="people-list"' in page and '<option value="王芳 (chen)">' in page
    assert _edit(hr, "bram", manager="王芳 (chen)").status_code == 302
    assert people_in(app)["bram"].manager_id == "chen"
    assert _edit(hr, "bram", manager="dirk zoë ахмед").status_code == 302  # a name only one person has
    assert people_in(app)["bram"].manager_id == "dirk"
    assert _edit(hr, "bram", manager="").status_code == 302
    assert people_in(app)["bram"].manager_id is None


def test_a_manager_loop_is_refused_at_the_manager_field(app, hr):
    before = people_in(app)
    response = _edit(hr, "anna", manager="dirk")
    html = page_text(response)
    assert response.status_code == 400
    block = re.search(r'<div class="field [^"]*has-error">\s*<label for="manager">.*?</div>', html, re.S)
    assert block and "the managers form a loop" in block.group(0)
    assert people_in(app) == before

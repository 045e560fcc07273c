"""HR's pages on people, imports, exports, the skills taxonomy and accounts: Flask's test client
against a real SQLite file (and PostgreSQL for the import's one transaction)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from matcher import storage
from matcher.domain.model import RelatedSkill, Skill
from matcher.domain.problems import InvalidInput
from matcher.io import orgjson
from matcher.services import organisation, taxonomy
from matcher.storage import accounts as account_store
from matcher.storage.admin import recent_imports
from tests.orgs import small_org
from tests.webtools import PASSWORD, add_account, csrf_token, log_in, make_app, post_form

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "organisation.json"
HR, MANAGER, EMPLOYEE = "hr@wadloo.example", "anna@wadloo.example", "bram@wadloo.example"

#: Every route of the part, with the page whose form a POST comes from.
GETS = [
    "/hr/people",
    "/hr/people/bram",
    "/hr/people/bram/edit",
    "/hr/import",
    "/hr/export?format=json",
    "/hr/skills",
    "/hr/skills/new",
    "/hr/skills/wmo/edit",
    "/hr/accounts",
]
POSTS = [
    "/hr/people/bram/edit",
    "/hr/import",
    "/hr/skills/new",
    "/hr/skills/wmo/edit",
    "/hr/accounts",
    "/hr/accounts/1/role",
    "/hr/accounts/1/active",
    "/hr/accounts/1/password",
]


def _seed(url: str, tmp_path: Path, source: Path | None = None) -> None:
    if source is None:
        source = tmp_path / "org.json"
        orgjson.write_json(small_org(), source)
    db = organisation.Database(url)
    organisation.import_file(db, source)
    db.dispose()


def _app(url: str):
    app = make_app(url)
    add_account(app, HR, "hr")
    add_account(app, MANAGER, "manager", "anna")
    add_account(app, EMPLOYEE, "employee", "bram")
    return app


@pytest.fixture
def app(sqlite_url, tmp_path):
    _seed(sqlite_url, tmp_path)
    app = _app(sqlite_url)
    yield app
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def hr(app):
    client = app.test_client()
    log_in(client, HR)
    return client


def _people(app) -> dict[str, object]:
    return {p.id: p for p in organisation.load_organisation(app.extensions["meeloop"]["db"]).people}


def _text(response) -> str:
    return response.get_data(as_text=True)


# -- access --------------------------------------------------------------------------------------


def test_every_page_and_form_sends_anonymous_visitors_to_the_login(app):
    client = app.test_client()
    for path in GETS:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
    token = csrf_token(client, "/login")
    for path in POSTS:
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path


@pytest.mark.parametrize("login", [EMPLOYEE, MANAGER])
def test_employees_and_managers_may_not_use_the_hr_pages(app, login):
    client = app.test_client()
    log_in(client, login)
    token = csrf_token(client, "/account/password")
    for path in GETS:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert client.post(path, data={"csrf_token": token, "role": "hr", "active": "1"}).status_code == 403
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert account_store.account_by_login(session, login).role != "hr"


def test_the_menu_shows_hr_people_and_import_to_hr_only(app, hr):
    html = _text(hr.get("/"))
    assert 'href="/hr/people"' in html and 'href="/hr/import"' in html
    employee = app.test_client()
    log_in(employee, EMPLOYEE)
    assert 'href="/hr/people"' not in _text(employee.get("/"))


def test_a_form_without_its_csrf_token_is_refused(app, hr):
    before = _people(app)
    with app.extensions["meeloop"]["db"].transaction() as session:
        accounts_before = account_store.accounts(session)
    for path in POSTS:
        response = hr.post(path, data={"name": "Someone Else", "role": "employee", "active": "0"})
        assert response.status_code == 400, path
        assert "CSRF" in _text(response)
    assert _people(app) == before
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert account_store.accounts(session) == accounts_before


def test_an_unknown_person_or_skill_is_a_404(hr):
    assert hr.get("/hr/people/nobody").status_code == 404
    assert hr.get("/hr/people/nobody/edit").status_code == 404
    assert hr.get("/hr/skills/nothing/edit").status_code == 404


# -- import ----------------------------------------------------------------------------------------


def _upload(client, files: dict[str, tuple[bytes, str]], **options):
    data = {name: (io.BytesIO(content), filename) for name, (content, filename) in files.items()}
    data.update({k: "y" for k, v in options.items() if v})
    data["csrf_token"] = csrf_token(client, "/hr/import")
    return client.post("/hr/import", data=data, content_type="multipart/form-data")


def _org_json(*people: dict) -> bytes:
    return json.dumps({"format": "meeloop-organisation", "version": 1, "people": list(people)}).encode()


def test_importing_json_adds_people_and_records_the_import(app, hr):
    frank = {"id": "frank", "name": "Frank Ödegaard", "email": "frank@wadloo.example", "manager": "anna"}
    response = _upload(hr, {"file": (_org_json(frank), "nieuw.json")})
    html = _text(response)
    assert response.status_code == 200
    assert "1 people added" in html and "6 people and 5 skills stored" in html
    assert "frank" in html
    people = _people(app)
    assert len(people) == 6 and people["frank"].name == "Frank Ödegaard"
    # The history on the page names the file.
    assert re.search(r"<td>nieuw\.json</td>", _text(hr.get("/hr/import")))


def test_a_preview_shows_the_changes_and_stores_nothing(app, hr):
    frank = {"id": "frank", "name": "Frank", "email": "frank@wadloo.example"}
    response = _upload(hr, {"file": (_org_json(frank), "nieuw.json")}, dry_run=True)
    html = _text(response)
    assert response.status_code == 200
    assert "Preview: nothing was stored" in html and "1 people added" in html
    assert len(_people(app)) == 5
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert all("nieuw.json" not in run.sources for run in recent_imports(session))


def test_a_bad_matrix_is_reported_row_by_row_and_changes_nothing(app, hr):
    before = _people(app)
    matrix = (
        b"id,name,email,manager,wmo\n"
        b"anna,Anna de Vries,anna@wadloo.example,,4\n"
        b"gert,Gert,gert@wadloo.example,E09999,2\n"
        b"hans,Hans,hans@wadloo.example,,7\n"
    )
    response = _upload(hr, {"file": (matrix, "matrix.csv")})
    html = _text(response)
    assert response.status_code == 400
    assert "2 problems found, nothing was changed" in html
    row = re.search(r"<tr><td>matrix\.csv</td><td>3</td><td>manager</td><td>([^<]+)</td></tr>", html)
    assert row and "E09999" in row.group(1) and "not a known person" in row.group(1)
    assert re.search(r"<td>matrix\.csv</td><td>4</td><td>wmo</td><td>level 7 is outside", html)
    assert _people(app) == before


def test_bad_json_is_reported_with_its_path_and_changes_nothing(app, hr):
    before = _people(app)
    bad = _org_json(
        {"id": "anna", "name": "Anna", "email": "anna@wadloo.example", "start_date": "31-02-2024"}
    )
    response = _upload(hr, {"file": (bad, "org.json")})
    html = _text(response)
    assert response.status_code == 400
    assert re.search(r"<td>org\.json</td><td>people\[0\]</td><td>start_date</td>", html)
    assert _people(app) == before
    broken = _upload(hr, {"file": (b"{not json", "org.json")})
    assert broken.status_code == 400 and "org.json" in _text(broken)
    assert _people(app) == before


def test_an_upload_of_another_type_or_none_at_all_is_refused_at_the_field(app, hr):
    wrong = _upload(hr, {"file": (b"hello", "notes.txt")})
    assert wrong.status_code == 400 and "Use a .json, .csv or .xlsx file." in _text(wrong)
    missing = post_form(hr, "/hr/import", {})
    assert missing.status_code == 400 and "Choose a file to import." in _text(missing)


def test_a_matrix_imports_with_its_skills_file_and_replace_archives_the_rest(app, hr):
    matrix = b"id,name,email,wmo,learn:sql\nanna,Anna de Vries,anna@wadloo.example,3,2\n"
    skills = b"id,name,category,parent,aliases,related\nwmo,Wmo-wetgeving,Wet,,Wmo,\nsql,SQL,Data,,,\n"
    response = _upload(
        hr, {"file": (matrix, "matrix.csv"), "skills_file": (skills, "skills.csv")}, replace=True
    )
    assert response.status_code == 200, _text(response)[:2000]
    assert "4 removed" in _text(response)
    assert set(_people(app)) == {"anna"}


@pytest.mark.postgres
def test_a_bad_import_leaves_postgresql_as_it_was(postgres_url, tmp_path):
    _seed(postgres_url, tmp_path)
    app = _app(postgres_url)
    try:
        client = app.test_client()
        log_in(client, HR)
        good = {"id": "frank", "name": "Frank", "email": "frank@wadloo.example"}
        clash = {"id": "gert", "name": "Gert", "email": "anna@wadloo.example"}
        response = _upload(client, {"file": (_org_json(good, clash), "org.json")})
        assert response.status_code == 400 and "anna@wadloo.example" in _text(response)
        assert set(_people(app)) == {"anna", "bram", "chen", "dirk", "eva"}
        assert _upload(client, {"file": (_org_json(good), "org.json")}).status_code == 200
        assert "frank" in _people(app)
    finally:
        app.extensions["meeloop"]["db"].dispose()


# -- export ------------------------------------------------------------------------------------------


def test_the_json_export_is_the_organisation(hr):
    response = hr.get("/hr/export?format=json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=organisation-")
    doc = json.loads(response.data)
    assert doc["name"] == "Gemeente Wadloo" and {p["id"] for p in doc["people"]} == {
        "anna",
        "bram",
        "chen",
        "dirk",
        "eva",
    }


def test_the_csv_export_is_a_zip_with_the_matrix_and_its_skills_file(hr):
    response = hr.get("/hr/export?format=csv")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["skills-matrix.csv", "skills-matrix.skills.csv"]
        people = list(csv.DictReader(io.StringIO(archive.read("skills-matrix.csv").decode("utf-8-sig"))))
        skills = list(
            csv.DictReader(io.StringIO(archive.read("skills-matrix.skills.csv").decode("utf-8-sig")))
        )
    assert {row["id"] for row in people} == {"anna", "bram", "chen", "dirk", "eva"}
    assert next(row for row in people if row["id"] == "chen")["name"] == "王芳"
    assert {row["id"] for row in skills} >= {"wmo", "sql"}


def test_the_excel_export_opens_with_people_and_skills_sheets(hr):
    response = hr.get("/hr/export?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    try:
        rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
        assert rows[0][:3] == ("id", "name", "email") and len(rows) == 6
        assert "skills" in book.sheetnames
    finally:
        book.close()


@pytest.mark.parametrize("chosen", ["json", "xlsx"])
def test_an_export_imported_again_changes_nothing(app, hr, chosen):
    exported = hr.get(f"/hr/export?format={chosen}")
    response = _upload(hr, {"file": (exported.data, f"export.{chosen}")})
    assert response.status_code == 200, _text(response)[:3000]
    assert "Nothing changed" in _text(response) and "5 people and 5 skills stored" in _text(response)


def test_an_unknown_export_format_is_a_400_naming_the_choices(hr):
    response = hr.get("/hr/export?format=pdf")
    assert response.status_code == 400 and "json, csv or xlsx" in _text(response)


# -- people ---------------------------------------------------------------------------------------------


def _names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/hr/people/([^"]+)">', html)


def test_people_can_be_filtered(hr):
    assert _names(_text(hr.get("/hr/people"))) == ["anna", "bram", "dirk", "eva", "chen"]
    assert _names(_text(hr.get("/hr/people?q=ahmed"))) == []
    assert _names(_text(hr.get("/hr/people?q=Ахмед"))) == ["dirk"]
    assert _names(_text(hr.get("/hr/people?q=EVA@wadloo"))) == ["eva"]
    assert _names(_text(hr.get("/hr/people?department=Informatievoorziening"))) == ["dirk", "chen"]
    assert _names(_text(hr.get("/hr/people?site=Stadhuis&function=stagiair"))) == ["eva"]
    assert _names(_text(hr.get("/hr/people?kind=newcomer"))) == ["bram"]
    assert _names(_text(hr.get("/hr/people?kind=intern"))) == ["eva"]
    assert _names(_text(hr.get("/hr/people?leaving=1"))) == ["dirk"]
    assert _names(_text(hr.get("/hr/people?skill=sql"))) == ["dirk", "chen"]
    assert _names(_text(hr.get("/hr/people?skill=sql&level=4"))) == ["chen"]
    # A skill by name or alias works too; the option list holds every skill.
    assert _names(_text(hr.get("/hr/people?skill=Wmo"))) == ["anna", "bram"]


def test_a_bad_filter_is_a_400_naming_it(hr):
    assert hr.get("/hr/people?kind=boss").status_code == 400
    unknown = hr.get("/hr/people?skill=zzzzzzzzzzzz")
    assert unknown.status_code == 400 and "No skill matches" in _text(unknown)
    assert hr.get("/hr/people?page=abc").status_code == 400


@pytest.fixture
def demo_hr(sqlite_url, tmp_path):
    _seed(sqlite_url, tmp_path, DEMO)
    app = make_app(sqlite_url)
    add_account(app, HR, "hr")
    client = app.test_client()
    log_in(client, HR)
    yield client
    app.extensions["meeloop"]["db"].dispose()


def test_the_demo_is_shown_fifty_people_a_page(demo_hr):
    first = _text(demo_hr.get("/hr/people"))
    assert "240 people" in first and "Page 1 of 5" in first
    assert len(_names(first)) == 50
    last = _text(demo_hr.get("/hr/people?page=5"))
    assert len(_names(last)) == 40 and 'rel="next"' not in last
    seen = set()
    for page in range(1, 6):
        seen |= set(_names(_text(demo_hr.get(f"/hr/people?page={page}"))))
    assert len(seen) == 240
    # Beyond the last page: the last page. Filters stay in the page links.
    assert _names(_text(demo_hr.get("/hr/people?page=99"))) == _names(last)
    social = _text(demo_hr.get("/hr/people?department=Sociaal+Domein"))
    assert "53 people" in social and "Page 1 of 2" in social
    following = re.search(r'<a href="([^"]+)" rel="next">', social).group(1).replace("&amp;", "&")
    assert "department=Sociaal+Domein" in following and "page=2" in following
    assert len(_names(_text(demo_hr.get(following)))) == 3


# -- one person and editing ------------------------------------------------------------------------------


def test_the_hr_page_of_a_person_shows_the_private_fields_and_the_account(hr):
    html = _text(hr.get("/hr/people/dirk"))
    assert "Dirk Zoë Ахмед" in html
    assert "Dec 31, 2026" in html  # leaving date
    assert "25.0 years" in html  # years in the field
    assert "Archiefwet" in html and "4 · expert" in html
    assert "No account" in html and "/hr/accounts?person=dirk" in html
    bram = _text(hr.get("/hr/people/bram"))
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
    reader.feed(_text(client.get(path)))
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
    assert values["name"] == "Bram Çelik" and values["manager"] == "anna"
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
    assert response.status_code == 302, _text(response)[:3000]
    assert response.headers["Location"] == "/hr/people/bram"
    public = _text(hr.get("/people/bram"))
    assert "Bram Çelik-Visser" in public and "Publiekszaken" in public and "Stadswinkel" in public
    assert "Python" in public and "2027" not in public  # colleagues never see a leaving date
    bram = _people(app)["bram"]
    assert bram.manager_id == "chen" and bram.newcomer is False and str(bram.leaving_date) == "2027-03-31"
    assert "Mar 31, 2027" in _text(hr.get("/hr/people/bram"))
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert recent_imports(session)[0].sources == (f"profile of bram, changed by {HR}",)


def test_an_edit_that_changes_nothing_says_so(app, hr):
    response = _edit(hr, "chen")
    assert response.status_code == 302
    assert "Nothing changed." in _text(hr.get("/hr/people/chen"))


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("email", "not-an-address", "is not an e-mail address"),
        ("email", "anna@wadloo.example", "also used by"),
        ("leaving_date", "2020-01-01", "is before starting"),
        ("start_date", "31-02-2024", "31-02-2024"),
        ("manager", "nobody", "is not a known person"),
        ("name", " ", "may not be empty"),
        ("years_experience", "lots", "lots"),
        ("hours_mon", "sometimes", "sometimes"),
        ("timezone", "Mars/Olympus", "Mars/Olympus"),
    ],
)
def test_an_invalid_edit_is_refused_at_the_field_and_stores_nothing(app, hr, field, value, says):
    before = _people(app)
    response = _edit(hr, "bram", **{field: value, "department": "Elders"})
    html = _text(response)
    assert response.status_code == 400
    block = re.search(rf'<div class="field [^"]*has-error">\s*<label for="{field}">.*?</div>', html, re.S)
    assert block and says in block.group(0), html[:5000]
    assert "Nothing was saved" in html
    assert _people(app) == before


def test_a_manager_loop_is_refused_at_the_manager_field(app, hr):
    before = _people(app)
    response = _edit(hr, "anna", manager="dirk")
    html = _text(response)
    assert response.status_code == 400
    block = re.search(r'<div class="field [^"]*has-error">\s*<label for="manager">.*?</div>', html, re.S)
    assert block and "the managers form a loop" in block.group(0)
    assert _people(app) == before


# -- skills ------------------------------------------------------------------------------------------------


def _skill(app, skill_id):
    return next(
        (
            s
            for s in organisation.load_organisation(app.extensions["meeloop"]["db"]).skills
            if s.id == skill_id
        ),
        None,
    )


def test_a_skill_is_added_and_edited_with_parent_aliases_and_related_skills(app, hr):
    response = post_form(
        hr,
        "/hr/skills/new",
        {"id": "jeugdwet", "name": "Jeugdwet", "category": "Wet- en regelgeving", "parent": "sociaal-recht",
         "aliases": "Jeugd; jeugdrecht", "related": "wmo:0.6\nsql"},
    )  # fmt: skip
    assert response.status_code == 302, _text(response)[:3000]
    added = _skill(app, "jeugdwet")
    assert added.parent_id == "sociaal-recht" and added.aliases == ("Jeugd", "jeugdrecht")
    assert "Jeugdwet" in _text(hr.get("/hr/skills"))
    # Relations are kept once, on either side; the form shows both.
    form = _text(hr.get("/hr/skills/jeugdwet/edit"))
    assert "wmo:0.6" in form and "sql:0.5" in form
    response = post_form(
        hr,
        "/hr/skills/jeugdwet/edit",
        {"name": "Jeugdwet 2015", "category": "Recht", "parent": "", "aliases": "", "related": "wmo:0.9"},
    )
    assert response.status_code == 302
    changed = _skill(app, "jeugdwet")
    assert (changed.name, changed.category, changed.parent_id, changed.aliases) == (
        "Jeugdwet 2015",
        "Recht",
        None,
        (),
    )
    assert "Jeugdwet 2015" in _text(hr.get("/skills/wmo"))  # the cached map was rebuilt
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert recent_imports(session)[0].sources == ("skills page: changed jeugdwet",)


def test_a_parent_that_would_make_a_loop_is_refused(app, hr):
    before = organisation.load_organisation(app.extensions["meeloop"]["db"]).skills
    response = post_form(
        hr,
        "/hr/skills/sociaal-recht/edit",
        {"name": "Wet- en regelgeving sociaal domein", "category": "Wet- en regelgeving", "parent": "wmo"},
    )
    html = _text(response)
    assert response.status_code == 400
    assert "would form a loop: sociaal-recht -&gt; wmo -&gt; sociaal-recht" in html
    assert organisation.load_organisation(app.extensions["meeloop"]["db"]).skills == before


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"id": "sql", "name": "Structured Query Language"}, "already a skill with the id"),
        ({"id": "sql2", "name": "archiefwet"}, "is already the name of the skill &#39;archief&#39;"),
        ({"id": "sql2", "name": "python"}, "is already the id of the skill"),
        ({"id": "sql2", "name": "SQL 2", "aliases": "Wmo"}, "the alias &#39;Wmo&#39; is already"),
        ({"id": "a:b", "name": "A B"}, "cannot be a skill id"),
        ({"id": "manager", "name": "Manager"}, "name of a person column"),
        ({"id": "sql2", "name": "SQL 2", "related": "sql:2"}, "outside 0 to 1"),
        ({"id": "sql2", "name": "SQL 2", "related": "nothing:0.4"}, "not a known skill"),
        ({"id": "sql2", "name": ""}, "the name is empty"),
    ],
)
def test_a_skill_that_clashes_or_is_malformed_is_refused(app, hr, data, says):
    before = organisation.load_organisation(app.extensions["meeloop"]["db"]).skills
    response = post_form(hr, "/hr/skills/new", data)
    assert response.status_code == 400
    assert says in _text(response)
    assert organisation.load_organisation(app.extensions["meeloop"]["db"]).skills == before


# -- accounts ----------------------------------------------------------------------------------------


def _shown_password(html: str) -> str:
    found = re.search(r'<p class="password"><code>([^<]+)</code></p>', html)
    assert found, html[:3000]
    return found.group(1)


def _account(app, login):
    with app.extensions["meeloop"]["db"].transaction() as session:
        return account_store.account_by_login(session, login)


def _can_log_in(app, login, password) -> bool:
    client = app.test_client()
    token = csrf_token(client, "/login")
    return (
        client.post("/login", data={"login": login, "password": password, "csrf_token": token}).status_code
        == 302
    )


def test_an_account_is_made_for_a_person_with_a_password_shown_once(app, hr):
    assert 'value="chen"' in _text(hr.get("/hr/accounts?person=chen"))  # from the person's page
    response = post_form(hr, "/hr/accounts", {"person": "chen", "login": "", "role": "manager"})
    html = _text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _shown_password(html)
    account = _account(app, "chen@wadloo.example")
    assert account.role == "manager" and account.person_id == "chen"
    assert password not in account.password_hash
    assert _can_log_in(app, "chen@wadloo.example", password)
    listing = _text(hr.get("/hr/accounts"))
    assert "chen@wadloo.example" in listing and password not in listing


def test_an_account_for_an_unknown_person_or_a_taken_login_is_refused_at_the_field(app, hr):
    unknown = post_form(hr, "/hr/accounts", {"person": "nobody", "role": "employee"})
    assert unknown.status_code == 400 and "There is nobody with the id" in _text(unknown)
    taken = post_form(hr, "/hr/accounts", {"person": "dirk", "login": EMPLOYEE, "role": "employee"})
    assert taken.status_code == 400 and "there is already an account" in _text(taken)
    twice = post_form(
        hr, "/hr/accounts", {"person": "bram", "login": "other@wadloo.example", "role": "employee"}
    )
    assert twice.status_code == 400 and "already has an account" in _text(twice)
    assert _account(app, "dirk@wadloo.example") is None and _account(app, "other@wadloo.example") is None


def test_a_role_is_changed_and_an_account_switched_off_and_on(app, hr):
    bram = _account(app, EMPLOYEE)
    employee = app.test_client()
    log_in(employee, EMPLOYEE)
    assert employee.get("/hr/people").status_code == 403
    response = post_form(hr, f"/hr/accounts/{bram.id}/role", {"role": "hr"}, form_page="/hr/accounts")
    assert response.status_code == 302
    assert _account(app, EMPLOYEE).role == "hr"
    assert employee.get("/hr/people").status_code == 200
    off = post_form(hr, f"/hr/accounts/{bram.id}/active", {"active": "0"}, form_page="/hr/accounts")
    assert off.status_code == 302
    assert employee.get("/hr/people").status_code == 302  # the open session ended
    assert not _can_log_in(app, EMPLOYEE, PASSWORD)
    on = post_form(hr, f"/hr/accounts/{bram.id}/active", {"active": "1"}, form_page="/hr/accounts")
    assert on.status_code == 302 and _can_log_in(app, EMPLOYEE, PASSWORD)


def test_a_reset_password_replaces_the_old_one(app, hr):
    bram = _account(app, EMPLOYEE)
    response = post_form(hr, f"/hr/accounts/{bram.id}/password", {}, form_page="/hr/accounts")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _shown_password(_text(response))
    assert _can_log_in(app, EMPLOYEE, password)
    assert not _can_log_in(app, EMPLOYEE, PASSWORD)


def test_the_last_hr_account_cannot_be_demoted_or_switched_off(app, hr):
    me = _account(app, HR)
    demote = post_form(hr, f"/hr/accounts/{me.id}/role", {"role": "employee"}, form_page="/hr/accounts")
    assert demote.status_code == 400 and "last HR account" in _text(demote)
    off = post_form(hr, f"/hr/accounts/{me.id}/active", {"active": "0"}, form_page="/hr/accounts")
    assert off.status_code == 400 and "last HR account" in _text(off)
    assert _account(app, HR).role == "hr" and _account(app, HR).active


def test_an_hr_account_that_is_switched_off_does_not_count_as_another_hr(app, hr):
    spare = add_account(app, "spare@wadloo.example", "hr")
    assert (
        post_form(
            hr, f"/hr/accounts/{spare.id}/active", {"active": "0"}, form_page="/hr/accounts"
        ).status_code
        == 302
    )
    me = _account(app, HR)
    demote = post_form(hr, f"/hr/accounts/{me.id}/role", {"role": "employee"}, form_page="/hr/accounts")
    assert demote.status_code == 400 and "last HR account" in _text(demote)
    assert _account(app, HR).role == "hr"


def test_an_unknown_account_is_a_404(hr):
    assert post_form(hr, "/hr/accounts/999/password", {}, form_page="/hr/accounts").status_code == 404


# -- the taxonomy service on both databases ---------------------------------------------------------


def test_a_skill_edit_is_written_like_an_import_and_a_loop_is_refused(db, tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json")
    with db.transaction() as session:
        version = storage.data_version(session)
    moment = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
    changed = Skill("sql", "SQL en databases", "Digitaal & data", related=(RelatedSkill("python", 0.8),))
    taxonomy.update_skill(db, changed, now=moment)
    org = organisation.load_organisation(db)
    # The relation is kept once, on the skill with the smaller id.
    assert org.skill("python").related == (RelatedSkill("sql", 0.8),) and org.skill("sql").related == ()
    assert org.skill("sql").name == "SQL en databases"
    with db.transaction() as session:
        assert storage.data_version(session) == version + 1
        run = recent_imports(session)[0]
    assert run.sources == ("skills page: changed sql",) and run.at == moment and "1 updated" in run.summary
    loop = Skill("sociaal-recht", "Wet- en regelgeving sociaal domein", parent_id="wmo")
    with pytest.raises(InvalidInput) as refused:
        taxonomy.update_skill(db, loop, now=moment)
    assert [p.where.field for p in refused.value.problems] == ["parent"]
    assert organisation.load_organisation(db).skill("sociaal-recht").parent_id is None

"""The web UI and its JSON API: Flask's test client, and a real server over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from matcher.io import orgjson
from matcher.services import organisation
from tests.orgs import small_org
from tests.webtools import PASSWORD, add_account, log_in, make_app
from tests.webtools import live_server as serving


@pytest.fixture
def app(sqlite_url, tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    db = organisation.Database(sqlite_url)
    organisation.import_file(db, tmp_path / "org.json")
    db.dispose()
    app = make_app(sqlite_url)
    add_account(app, "hr@wadloo.example", "hr")
    add_account(app, "bram@wadloo.example", "employee", "bram")
    yield app
    app.extensions["meeloop"]["db"].dispose()


@pytest.fixture
def client(app):
    """HR, who may also look from someone else's point of view."""
    client = app.test_client()
    log_in(client, "hr@wadloo.example")
    return client


def test_nothing_is_shown_before_logging_in(app):
    anonymous = app.test_client()
    for url in ("/", "/ask?skill=sql", "/people/anna", "/skills", "/skills/sql"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert anonymous.get("/api/ask?skill=sql").status_code == 401
    assert anonymous.get("/api/people/anna").status_code == 401
    assert anonymous.get("/api/health").status_code == 200


def test_an_employee_asks_as_themselves_whatever_the_url_says(app):
    employee = app.test_client()
    log_in(employee, "bram@wadloo.example")
    own = employee.get("/api/ask", query_string={"skill": "sql"}).get_json()
    as_other = employee.get("/api/ask", query_string={"skill": "sql", "as": "ghost"})
    assert as_other.status_code == 200 and as_other.get_json() == own
    assert 'name="as"' not in employee.get("/").get_data(as_text=True)


def test_the_start_page_offers_the_search_and_explains_the_levels(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="skill"' in html and "Gemeente Wadloo" in html
    assert "proficient" in html and "can explain it to others" in html


def test_searching_shows_people_with_their_reasons(client):
    page = client.get("/ask", query_string={"skill": "Wmo"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.index("Anna de Vries") < html.index("Bram Çelik")
    assert "expert in Wmo-wetgeving (level 4)" in html
    assert "mailto:anna@wadloo.example" in html


def test_a_person_who_opted_out_is_not_listed(client):
    html = client.get("/ask", query_string={"skill": "python"}).get_data(as_text=True)
    assert "Eva Jansen" not in html
    person = client.get("/people/eva").get_data(as_text=True)
    assert "chosen not to be listed" in person and "Python" not in person


def test_an_unknown_skill_page_suggests_near_names(client):
    page = client.get("/ask", query_string={"skill": "Wmo-wetgevin zorg"})
    assert page.status_code in (200, 404)
    unknown = client.get("/ask", query_string={"skill": "Wmo wetgeeving en meer"})
    if unknown.status_code == 404:
        assert "Did you mean" in unknown.get_data(as_text=True)


def test_output_is_escaped(client):
    page = client.get("/ask", query_string={"skill": "<script>alert(1)</script>"})
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_person_and_skill_pages_link_each_other(client):
    person = client.get("/people/chen").get_data(as_text=True)
    assert "王芳" in person and "/skills/sql" in person
    skill = client.get("/skills/wmo").get_data(as_text=True)
    assert (
        "Wmo-wetgeving" in skill and "/people/anna" in skill and "Wet- en regelgeving sociaal domein" in skill
    )
    assert client.get("/skills").status_code == 200


def test_leaving_dates_are_not_shown_to_colleagues(client):
    for url in ("/people/dirk", "/api/people/dirk", "/ask?skill=archief", "/api/ask?skill=archief"):
        body = client.get(url).get_data(as_text=True)
        assert "2026-12-31" not in body and "leav" not in body.lower()


def test_the_pages_bring_their_own_stylesheet(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/static/style.css"' in html and "//cdn" not in html
    response = client.get("/static/style.css")
    assert response.status_code == 200 and "li.answer" in response.get_data(as_text=True)
    response.close()


def test_missing_pages_get_a_friendly_page(client):
    page = client.get("/people/nobody")
    assert page.status_code == 404
    assert "nobody with the id" in page.get_data(as_text=True)


def test_the_api_answers_with_the_same_data(client):
    answer = client.get("/api/ask", query_string={"skill": "sql", "as": "bram"}).get_json()
    assert answer["skill_id"] == "sql"
    assert answer["answers"][0]["person_id"] == "chen"
    assert all(
        {"person_id", "name", "level", "score", "reasons", "related_skill"} <= a.keys()
        for a in answer["answers"]
    )
    assert client.get("/api/skills/sql").get_json()["holders"][0]["id"] == "chen"
    assert client.get("/api/people/anna").get_json()["skills"][0]["id"] == "wmo"


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/ask", 400, "'skill' is required"),
        ("/api/ask?skill=sql&limit=abc", 400, "'limit' must be a whole number"),
        ("/api/ask?skill=sql&limit=0", 400, "'limit' must be between 1 and 100"),
        ("/api/ask?skill=sql&as=ghost", 400, "no person with id 'ghost'"),
        ("/api/ask?skill=zzzzqqq", 404, "no skill matches"),
        ("/api/people/ghost", 404, "no person with id"),
        ("/api/nothing", 404, "not found"),
    ],
)
def test_the_api_rejects_bad_requests_with_a_reason(client, url, status, says):
    response = client.get(url)
    assert response.status_code == status
    assert says.lower() in json.dumps(response.get_json()).lower()


def test_the_map_is_rebuilt_after_an_import(app, client, sqlite_url, tmp_path):
    assert client.get("/api/health").get_json()["people"] == 5
    doc = orgjson.to_document(small_org())
    doc["people"].append(
        {"id": "fleur", "name": "Fleur Bakker", "email": "fleur@wadloo.example", "skills": {"sql": 4}}
    )
    (tmp_path / "more.json").write_text(json.dumps(doc), encoding="utf-8")
    db = organisation.Database(sqlite_url)
    organisation.import_file(db, tmp_path / "more.json")
    db.dispose()
    assert client.get("/api/health").get_json()["people"] == 6
    assert "fleur" in [a["person_id"] for a in client.get("/api/ask?skill=sql").get_json()["answers"]]


@pytest.fixture
def live_server(app) -> Iterator[str]:
    with serving(app) as base:
        yield base


def _logged_in_opener(base: str) -> urllib.request.OpenerDirector:
    """A real HTTP client with its own cookie jar, logged in through the form."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/login") as response:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"login": "bram@wadloo.example", "password": PASSWORD, "csrf_token": token})
    with opener.open(f"{base}/login", data=form.encode()) as response:
        assert response.url.rstrip("/") == base
    return opener


def test_a_real_http_client_gets_pages_and_json(live_server):
    urlopen = _logged_in_opener(live_server).open
    with urlopen(f"{live_server}/ask?skill=Wmo") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert "Anna de Vries" in response.read().decode("utf-8")
    with urlopen(f"{live_server}/api/ask?skill=sql") as response:
        assert response.headers["Content-Type"] == "application/json"
        assert json.load(response)["answers"][0]["person_id"] == "chen"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urlopen(f"{live_server}/api/people/ghost")
    assert caught.value.code == 404
    caught.value.close()


@pytest.mark.parametrize(
    ("query", "field"), [("", "skill"), ("skill=sql&limit=x", "limit"), ("skill=sql&as=ghost", "as")]
)
def test_a_bad_parameter_is_named_in_the_answer(client, query, field):
    response = client.get(f"/api/ask?{query}")
    assert response.status_code == 400
    assert response.get_json()["field"] == field

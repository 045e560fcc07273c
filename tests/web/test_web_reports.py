"""HR's reports and the manager's team page, through Flask's test client on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from matcher.domain.schedule import ScheduledEvent
from matcher.engines.pairing import LeftOut, PairingConfig, Proposal, ProposedPair
from matcher.io import orgjson
from matcher.services import organisation
from matcher.storage import ReflectionRow
from matcher.storage import rounds as round_storage
from matcher.storage.schedule import add_events
from tests.orgs import small_org
from tests.webtools import add_account, log_in, make_app

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"
REPORTS = (
    "/hr/reports/",
    "/hr/reports/risks",
    "/hr/reports/coverage",
    "/hr/reports/rounds",
    "/hr/reports/reflections",
    "/hr/reports/map",
)
STORY = "Eva showed me a secret trick"


def store_round(db: organisation.Database) -> None:
    """A proposed mentor round: Anna with Eva, Chen with Bram; Dirk left out."""
    proposal = Proposal(
        round="2026-Q4 mentor",
        mode="mentor",
        status="optimal",
        objective=2.0,
        bound=2.0,
        gap=0.0,
        pairs=(ProposedPair(("anna", "eva"), 1.0, ()), ProposedPair(("chen", "bram"), 1.0, ())),
        unmatched=(LeftOut("dirk", "mentee", "nobody taking part as mentor holds what they want (Python)"),),
        conflicts=(),
        violations=(),
        solver="by hand",
        seconds=0.0,
    )
    with db.transaction() as session:
        round_storage.write_proposal(
            session, proposal, PairingConfig(), now=NOW, action="proposed", detail=""
        )


def store_reflections(db: organisation.Database) -> None:
    """Anna and Eva on a mentor meeting in October (Anna tells a story), Bram on a shadowing slot in July."""
    meeting = ScheduledEvent(
        "meeting", "2026-Q4 mentor", "Mentor", NOW, NOW, "Europe/Amsterdam", ("anna", "eva")
    )
    shadow = ScheduledEvent(
        "shadowing", "request:1", "Shadow", NOW, NOW, "Europe/Amsterdam", ("bram", "chen")
    )
    with db.transaction() as session:
        meeting_id, shadow_id = add_events(session, [meeting, shadow], now=NOW)
        for pid, event_id, day, levels, story in (
            ("anna", meeting_id, dt.date(2026, 10, 5), ["immediate", "potential"], STORY),
            ("eva", meeting_id, dt.date(2026, 10, 5), ["potential", "applied"], ""),
            ("bram", shadow_id, dt.date(2026, 7, 10), ["reframing"], "It changed my view"),
        ):
            session.add(
                ReflectionRow(
                    person_id=pid,
                    event_id=event_id,
                    session_day=day,
                    levels=levels,
                    story=story,
                    created=NOW,
                    updated=NOW,
                )
            )


@pytest.fixture(scope="module")
def template(tmp_path_factory, sqlite_copy) -> Path:
    """The small organisation with a round, reflections and accounts, built once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("reports")
    url = sqlite_copy(folder, "template.sqlite3")
    orgjson.write_json(small_org(), folder / "org.json")
    db = organisation.Database(url)
    organisation.import_file(db, folder / "org.json", now=NOW)
    store_round(db)
    store_reflections(db)
    db.dispose()
    app = make_app(url)
    add_account(app, "hr@wadloo.example", "hr")
    add_account(app, "anna@wadloo.example", "manager", "anna")
    add_account(app, "chen@wadloo.example", "manager", "chen")
    add_account(app, "bram@wadloo.example", "employee", "bram")
    add_account(app, "nobody@wadloo.example", "manager")
    app.extensions["meeloop"]["db"].dispose()
    return folder / "template.sqlite3"


@pytest.fixture
def app(sqlite_url, template):
    shutil.copyfile(template, sqlite_url.removeprefix("sqlite:///"))
    app = make_app(sqlite_url)
    yield app
    app.extensions["meeloop"]["db"].dispose()


def client_for(app, login: str):
    client = app.test_client()
    log_in(client, login)
    return client


@pytest.fixture
def hr(app):
    return client_for(app, "hr@wadloo.example")


def html_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def svgs(html: str) -> list[ET.Element]:
    """Every picture on the page, read by an XML parser: it must be well-formed."""
    found = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    return [ET.fromstring(svg) for svg in found]


def row(html: str, attribute: str, value: str) -> str:
    found = re.search(rf'<tr[^>]*{attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, flags=re.DOTALL)
    assert found, f"no row with {attribute}={value}"
    return found.group(1)


def cells(row_html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.DOTALL)
    ]


# -- access ----------------------------------------------------------------------------------------------


def test_nothing_is_shown_before_logging_in(app):
    anonymous = app.test_client()
    for url in (*REPORTS, "/team/", "/team/?manager=anna"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_an_employee_gets_403_on_reports_and_the_team_page(app):
    employee = client_for(app, "bram@wadloo.example")
    for url in (*REPORTS, "/team/", "/team/?manager=anna"):
        assert employee.get(url).status_code == 403, url


def test_a_manager_sees_their_team_but_not_the_hr_reports(app):
    chen = client_for(app, "chen@wadloo.example")
    html = html_of(chen.get("/team/"))
    assert "My team" in html and "Dirk Zoë Ахмед" in html and "/people/dirk" in html
    assert 'data-person="anna"' not in html and 'data-person="bram"' not in html
    again = html_of(chen.get("/team/?manager=chen"))
    assert re.findall(r'data-person="([^"]+)"', again) == re.findall(r'data-person="([^"]+)"', html)
    for url in REPORTS:
        assert chen.get(url).status_code == 403, url
    assert "My team" in html_of(chen.get("/"))


def test_a_manager_asking_for_another_team_gets_404(app):
    chen = client_for(app, "chen@wadloo.example")
    assert chen.get("/team/?manager=anna").status_code == 404
    assert chen.get("/team/?manager=ghost").status_code == 404
    # Anna's team holds Chen, but Chen may not look at his own manager's team either way.
    anna = client_for(app, "anna@wadloo.example")
    assert anna.get("/team/?manager=chen").status_code == 404
    assert client_for(app, "nobody@wadloo.example").get("/team/").status_code == 404


def test_hr_sees_every_report_and_any_team(hr):
    for url in REPORTS:
        html_of(hr.get(url))
    picker = html_of(hr.get("/team/"))
    assert 'name="manager"' in picker and 'value="anna"' in picker and 'value="chen"' in picker
    assert 'value="bram"' not in picker  # nobody reports to Bram
    html = html_of(hr.get("/team/?manager=anna"))
    assert "Team of Anna de Vries" in html
    assert all(f'data-person="{pid}"' in html for pid in ("bram", "chen", "dirk", "eva"))
    assert hr.get("/team/?manager=ghost").status_code == 404


# -- the team page ---------------------------------------------------------------------------------------


def test_the_team_page_shows_skills_in_words_wishes_bridges_and_risks(app):
    anna = client_for(app, "anna@wadloo.example")
    html = html_of(anna.get("/team/"))
    bram = row(html, "data-person", "bram")
    assert "Wmo-wetgeving" in bram and "working" in bram and "SQL" in bram and "priority 3" in bram
    dirk = row(html, "data-person", "dirk")
    assert "indirect report" in dirk and "expert" in dirk
    # Chen knows Anna (Sociaal Domein) through the manager line; the others stay within their department.
    bridges = re.search(r'<ul class="bridges">(.*?)<h2>', html, re.DOTALL).group(1)
    assert 'data-person="chen"' in bridges and "Informatievoorziening with Sociaal Domein" in bridges
    assert "the only link between Informatievoorziening and Sociaal Domein, through 1 manager line" in bridges
    assert 'data-person="bram"' not in bridges
    # Dirk, the only one holding Archiefwet, leaves on 31 December 2026.
    archief = row(html, "data-skill", "archief")
    assert "Dirk Zoë Ахмед" in archief and "leaves Dec 31, 2026" in archief


def test_the_team_page_of_a_small_team_keeps_to_that_team(app):
    chen = client_for(app, "chen@wadloo.example")
    html = html_of(chen.get("/team/"))
    risks = re.findall(r'<tr class="risk [a-z]+" data-skill="([^"]+)"', html)
    # Chen's team is Dirk, with Chen himself: Archiefwet first (nobody remains), then Python and SQL.
    assert risks == ["archief", "python", "sql"]
    assert "Wmo-wetgeving" not in html


# -- knowledge at risk -----------------------------------------------------------------------------------


def test_knowledge_at_risk_in_the_whole_organisation(hr):
    html = html_of(hr.get("/hr/reports/risks"))
    assert re.findall(r'data-skill="([^"]+)"', html) == ["archief", "python", "sql", "wmo"]
    archief = cells(row(html, "data-skill", "archief"))
    assert "leaves Dec 31, 2026" in archief[2] and archief[3:6] == ["0", "0", "1"]
    sql = row(html, "data-skill", "sql")
    assert "Bram Çelik" in sql and "priority 3" in sql and "holds a related skill" in sql


def test_knowledge_at_risk_filtered_by_department(hr):
    html = html_of(
        hr.get("/hr/reports/risks", query_string={"department": "Informatievoorziening", "min_holders": 2})
    )
    assert re.findall(r'data-skill="([^"]+)"', html) == ["archief", "python", "sql"]
    assert "Within Informatievoorziening" in html
    # Bram wants SQL, but he is in Sociaal Domein.
    assert cells(row(html, "data-skill", "sql"))[3:6] == ["1", "0", "1"]
    assert re.findall(r'data-skill="([^"]+)"', html_of(hr.get("/hr/reports/risks?min_holders=1"))) == [
        "archief"
    ]


def test_wrong_filters_are_named_on_the_page_with_400(hr):
    response = hr.get("/hr/reports/risks", query_string={"department": "Nowhere", "min_holders": "many"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is no department &#39;Nowhere&#39;." in html
    assert "Fewer than: give a whole number from 1 to 20." in html
    assert hr.get("/hr/reports/coverage?level=9").status_code == 400
    assert hr.get("/hr/reports/map?limit=0").status_code == 400
    assert hr.get("/hr/reports/map?skill=nothing").status_code == 400
    assert hr.get("/hr/reports/rounds?kind=dance").status_code == 400


# -- coverage -------------------------------------------------------------------------------------------


def test_the_heatmap_counts_people_per_department_as_picture_and_table(hr):
    html = html_of(hr.get("/hr/reports/coverage", query_string={"rows": "skill"}))
    (svg,) = svgs(html)
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert "SQL in Informatievoorziening: 1 of 2 people at level 3 or higher" in titles
    assert "Wmo-wetgeving in Sociaal Domein: 1 of 3 people at level 3 or higher" in titles
    sql = row(html, "data-row", "sql")
    assert re.search(r'data-department="Informatievoorziening">1<', sql)
    assert re.search(r'data-department="Sociaal Domein">0<', sql)
    lower = html_of(hr.get("/hr/reports/coverage", query_string={"rows": "skill", "level": 2}))
    assert re.search(r'data-department="Informatievoorziening">2<', row(lower, "data-row", "sql"))
    # The legend names the scale: zero and one.
    legend = [t.text for t in svg.iter(f"{SVG}text")]
    assert "People at level 3 or higher" in legend


def test_the_heatmap_by_category_links_to_the_category_and_escapes_its_name(hr):
    html = html_of(hr.get("/hr/reports/coverage"))
    (svg,) = svgs(html)
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Digitaal & data" in labels  # escaped in the markup, read back by the parser
    assert re.search(
        r'data-department="Informatievoorziening">1<', row(html, "data-row", "Digitaal &amp; data")
    )
    narrowed = html_of(hr.get("/hr/reports/coverage", query_string={"category": "Digitaal & data"}))
    assert re.findall(r'<tr data-row="([^"]+)"', narrowed) == ["python", "sql"]


# -- rounds ---------------------------------------------------------------------------------------------


def test_the_rounds_report_counts_participation_and_mix(hr):
    html = html_of(hr.get("/hr/reports/rounds"))
    (chart,) = svgs(html)
    assert "2026-Q4 mentor: took part 4" in [t.text for t in chart.iter(f"{SVG}title")]
    stored = row(html, "data-round", "2026-Q4 mentor")
    assert "4 of 5" in stored and "(80%)" in stored
    assert "nobody taking part fits what they want: 1" in stored
    # Chen (Informatievoorziening, Gemeentewerf) with Bram (Sociaal Domein, Stadhuis): one pair of two.
    assert re.search(r'class="cross-department">1 <span class="meta">\(50%\)', stored)
    assert re.search(r'class="cross-site">1 <span class="meta">\(50%\)', stored)
    assert re.search(r'class="repeats">0 ', stored)
    history = row(html, "data-round", "2025-Q4 mentor")
    assert "from the history" in history and re.search(r'class="repeats">0 ', history)
    tenure = re.search(r'<table class="data tenure">(.*?)</table>', html, re.DOTALL).group(1)
    # Anna 28 years, Eva under 1, Chen 11, Bram 2.
    assert cells(row(tenure, "data-round", "2026-Q4 mentor")) == ["1", "1", "1", "1", "0"]
    departments = re.search(r'<table class="data departments">(.*?)</table>', html, re.DOTALL).group(1)
    assert cells(row(departments, "data-department", "Informatievoorziening")) == ["2", "1 (50%)", "1"]
    assert cells(row(departments, "data-department", "Sociaal Domein")) == ["3", "3 (100%)", "0"]


def test_the_rounds_report_filters_by_kind_and_round(hr):
    html = html_of(hr.get("/hr/reports/rounds", query_string={"round": "2025-Q4 mentor"}))
    departments = re.search(r'<table class="data departments">(.*?)</table>', html, re.DOTALL).group(1)
    assert cells(row(departments, "data-department", "Informatievoorziening")) == ["2", "0 (0%)", "0"]
    assert cells(row(departments, "data-department", "Sociaal Domein")) == ["3", "2 (67%)", "0"]
    assert (
        html_of(hr.get("/hr/reports/rounds?kind=mentor")).count('<tr data-round="') == 2 + 2
    )  # rounds, tenure
    assert hr.get("/hr/reports/rounds?round=nothing").status_code == 400


# -- reflections ----------------------------------------------------------------------------------------


def test_reflections_are_counts_without_names_or_stories(hr):
    html = html_of(hr.get("/hr/reports/reflections"))
    assert "3 reflections" in html and "2 with a story" in html
    assert STORY not in html and "It changed my view" not in html
    assert "Anna de Vries" not in html and "Eva Jansen" not in html and "Bram" not in html
    overall = re.search(r'<dl class="levels">(.*?)</dl>', html, re.DOTALL).group(1)
    found = dict(re.findall(r'data-level="([a-z]+)">(\d+)<', overall))
    assert found == {"immediate": "1", "potential": "2", "applied": "1", "realised": "0", "reframing": "1"}
    mentor = cells(row(html, "data-kind", "mentor"))
    assert mentor == ["2", "1", "2", "1", "0", "0"]
    assert cells(row(html, "data-kind", "shadowing")) == ["1", "0", "0", "0", "0", "1"]
    assert cells(row(html, "data-round", "2026-Q4 mentor")) == ["2", "1", "2", "1", "0", "0"]
    assert cells(row(html, "data-quarter", "2026-Q4")) == ["2", "1", "1", "2", "1", "0", "0"]
    assert cells(row(html, "data-quarter", "2026-Q3")) == ["1", "1", "0", "0", "0", "0", "1"]
    (chart,) = svgs(html)
    assert chart.get("role") == "img"


# -- the talent map picture ------------------------------------------------------------------------------


def person_links(svg: ET.Element) -> list[str]:
    return [a.get("href") for a in svg.iter(f"{SVG}a") if a.get("class") == "person"]


def test_the_picture_draws_people_and_skills_as_links(hr):
    html = html_of(hr.get("/hr/reports/map"))
    (svg,) = svgs(html)
    assert sorted(person_links(svg)) == ["/people/anna", "/people/chen", "/people/dirk"]
    skills = [a.get("href") for a in svg.iter(f"{SVG}a") if a.get("class") == "skill"]
    assert sorted(skills) == ["/skills/archief", "/skills/python", "/skills/sql", "/skills/wmo"]
    assert len(list(svg.iter(f"{SVG}path"))) == 4  # one line for each holding
    assert "All 3 people who fit are drawn." in html


def test_the_picture_respects_the_department_filter(hr):
    html = html_of(hr.get("/hr/reports/map", query_string={"department": "Informatievoorziening"}))
    (svg,) = svgs(html)
    assert sorted(person_links(svg)) == ["/people/chen", "/people/dirk"]
    assert "/people/anna" not in html


def test_the_picture_says_when_it_is_cut(hr):
    html = html_of(hr.get("/hr/reports/map", query_string={"limit": 2}))
    (svg,) = svgs(html)
    assert sorted(person_links(svg)) == ["/people/anna", "/people/chen"]
    assert "it shows 2 of the 3 people who fit" in html


def test_the_picture_of_the_demo_keeps_to_its_cap(sqlite_url):
    db = organisation.Database(sqlite_url)
    organisation.import_file(
        db, Path(__file__).resolve().parents[2] / "data" / "demo" / "organisation.json", now=NOW
    )
    db.dispose()
    app = make_app(sqlite_url)
    try:
        add_account(app, "hr", "hr")
        client = client_for(app, "hr")
        html = html_of(client.get("/hr/reports/map", query_string={"limit": 25}))
        (svg,) = svgs(html)
        assert len(person_links(svg)) == 25 and "it shows 25 of the" in html
        department = html_of(client.get("/hr/reports/map", query_string={"department": "Publiekszaken"}))
        people = re.findall(r'<tr data-person="[^"]+"><td>.*?</td><td>([^<]*)</td>', department)
        assert people and set(people) == {"Publiekszaken"}
        for url in ("/hr/reports/coverage?rows=skill", "/hr/reports/rounds", "/hr/reports/risks"):
            svgs(html_of(client.get(url)))
    finally:
        app.extensions["meeloop"]["db"].dispose()


def test_the_reports_page_links_every_report(hr):
    html = html_of(hr.get("/hr/reports/"))
    for url in (*REPORTS[1:], "/team/"):
        assert f'href="{url}"' in html
    assert 'href="/hr/reports/"' in html_of(hr.get("/"))

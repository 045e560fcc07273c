"""The talent-map explorer's page and JSON, through Flask's test client on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from cli.assets import install_assets
from matcher.io import orgjson
from matcher.services import organisation
from tests.orgs import small_org
from tests.webtools import add_account, log_in, make_app

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def template(tmp_path_factory, sqlite_copy) -> Path:
    assert install_assets(), "the graph library could not be installed (npm ci)"
    folder = tmp_path_factory.mktemp("explorer")
    url = sqlite_copy(folder, "template.sqlite3")
    orgjson.write_json(small_org(), folder / "org.json")
    db = organisation.Database(url)
    organisation.import_file(db, folder / "org.json", now=NOW)
    db.dispose()
    app = make_app(url)
    add_account(app, "hr@wadloo.example", "hr")
    add_account(app, "anna@wadloo.example", "manager", "anna")
    add_account(app, "bram@wadloo.example", "employee", "bram")
    add_account(app, "chen@wadloo.example", "manager", "chen")
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


def view(client, query: str = "") -> dict:
    response = client.get(f"/explorer/view.json{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def ids(data: dict) -> list[str]:
    return [n["data"]["id"] for n in data["elements"]["nodes"]]


def test_the_menu_links_the_explorer_for_every_role(app):
    for login in ("hr@wadloo.example", "anna@wadloo.example", "bram@wadloo.example"):
        assert 'href="/explorer/"' in client_for(app, login).get("/").get_data(as_text=True), login


def test_the_first_address_of_the_explorer_leads_to_the_same_view(app):
    hr = client_for(app, "hr@wadloo.example")
    response = hr.get("/hr/explorer/?open=d:Sociaal+Domein")
    assert response.status_code == 308
    assert response.headers["Location"] == "/explorer/?open=d:Sociaal+Domein"
    assert hr.get("/hr/explorer/view.json").headers["Location"] == "/explorer/view.json"
    # Like every /hr address, it is HR's: the others reach the explorer at /explorer/.
    assert client_for(app, "bram@wadloo.example").get("/hr/explorer/").status_code == 403


def test_the_overview_holds_departments_and_categories_only(app):
    data = view(client_for(app, "hr@wadloo.example"))
    kinds = {n["data"]["kind"] for n in data["elements"]["nodes"]}
    assert kinds == {"department", "category"}
    assert "d:Sociaal Domein" in ids(data)
    assert all(not i.startswith("p:") for i in ids(data))
    assert "Sociaal Domein" in data["table"] and "Open Sociaal Domein" in data["table"]


def test_opening_a_department_then_a_team_shows_its_people(app):
    hr = client_for(app, "hr@wadloo.example")
    department = view(hr, "?open=d:Sociaal+Domein")
    assert "t:Sociaal Domein|" in ids(department)
    assert not any(i.startswith("p:") for i in ids(department))
    team = view(hr, "?open=t:Sociaal+Domein|")
    assert team["open"] == ["d:Sociaal Domein", "t:Sociaal Domein|"]
    people = [n["data"] for n in team["elements"]["nodes"] if n["data"]["kind"] == "person"]
    assert {p["id"] for p in people} == {"p:anna", "p:bram", "p:eva"}
    assert all(p["parent"] == "t:Sociaal Domein|" for p in people)


def test_a_person_who_opted_out_is_marked_and_shows_no_more_than_hr_pages_show(app):
    data = view(client_for(app, "hr@wadloo.example"), "?focus=p:eva")
    eva = next(n for n in data["elements"]["nodes"] if n["data"]["id"] == "p:eva")
    assert eva["data"]["unlisted"] is True and "unlisted" in eva["classes"]
    assert set(eva["data"]) == {
        "id", "label", "name", "kind", "parent", "size", "holdings", "wishes",
        "risk", "bridges", "open", "unlisted",
    }  # fmt: skip
    assert "@" not in json.dumps(data["elements"])  # no e-mail addresses
    assert "not listed" in data["table"]


def test_a_search_opens_the_clusters_around_the_first_match_and_focuses_it(app):
    data = view(client_for(app, "hr@wadloo.example"), "?find=celik")
    assert data["focus"]["id"] == "p:bram"
    assert "t:Sociaal Domein|" in data["open"]
    assert "Bram Çelik" in data["panel"]
    assert "focus=p%3Abram" in data["url"]


def test_choosing_a_skill_says_who_holds_it_and_who_wants_it(app):
    data = view(client_for(app, "hr@wadloo.example"), "?focus=s:wmo&level=1")
    assert data["focus"]["id"] == "s:wmo"
    assert data["focus"]["holds"], data["focus"]
    assert all(key in ids(data) for key in data["focus"]["holds"])
    assert "hold it at level 1 or higher" in data["panel"] or "holds it at level 1 or higher" in data["panel"]


def test_a_wrong_filter_is_said_and_answers_400(app):
    response = client_for(app, "hr@wadloo.example").get("/explorer/view.json?department=Nowhere")
    assert response.status_code == 400
    assert "There is no department 'Nowhere'." in response.get_json()["problems"]


def test_the_page_reads_without_javascript(app):
    html = client_for(app, "hr@wadloo.example").get("/explorer/?open=d:Sociaal+Domein").get_data(as_text=True)
    assert "<svg" in html  # the picture drawn on the server
    close = re.search(r'<a href="([^"]*)" data-explorer="close">Close Sociaal Domein</a>', html)
    assert close and "open=" not in close.group(1)
    team = re.search(r'<a href="([^"]*)" data-explorer="open">Open no team</a>', html)
    assert (
        team and "open=d%3ASociaal+Domein" in team.group(1) and "open=t%3ASociaal+Domein%7C" in team.group(1)
    )
    assert "<script>" not in html and "onclick" not in html


def test_the_picture_asks_to_be_narrowed_only_when_it_is_not(app):
    hr = client_for(app, "hr@wadloo.example")
    everyone = hr.get("/hr/reports/map?limit=1").get_data(as_text=True)
    assert "Narrow it with a department or a skill." in everyone
    narrowed = hr.get("/hr/reports/map?limit=1&department=Informatievoorziening").get_data(as_text=True)
    assert "Narrow it" not in narrowed
    assert "It shows 1 of the 2 people who fit" in narrowed and "To draw more people" in narrowed
    assert 'href="/explorer/"' in narrowed


def test_without_the_graph_library_the_page_shows_the_drawn_picture_and_no_script(app, tmp_path):
    hr = client_for(app, "hr@wadloo.example")
    with_library = hr.get("/explorer/").get_data(as_text=True)
    assert 'src="/static/vendor/cytoscape.min.js"' in with_library and 'id="explorer-graph"' in with_library
    app.static_folder = str(tmp_path)  # a static folder where `meeloop assets` has put nothing
    html = hr.get("/explorer/").get_data(as_text=True)
    assert "<script" not in html and 'id="explorer-graph"' not in html
    assert "The interactive map is not installed on this server" in html and "<svg" in html
    assert "Open Sociaal Domein" in html  # the table still opens the clusters


def test_a_chosen_skill_names_its_hub_person_and_a_chosen_bridge_figure_says_why(app):
    hr = client_for(app, "hr@wadloo.example")
    panel = view(hr, "?focus=s:python&level=1")["panel"]
    assert re.search(r'Hub person: <a href="[^"]*focus=p%3Achen[^"]*" data-explorer="focus">王芳</a>', panel)
    assert "Hub person" not in view(hr, "?focus=s:archief&level=1")["panel"]
    chosen = view(hr, "?focus=p:anna")["panel"]
    assert "bridge figure" in chosen and "connects Sociaal Domein with Informatievoorziening" in chosen
    assert "bridge figure" not in view(hr, "?focus=p:bram")["panel"]


# -- each role sees what it may see elsewhere --------------------------------------------------------

#: Views that together show everyone, every skill, every wish and every mark the reader may see.
EVERYTHING = (
    "",
    "?open=t:Sociaal+Domein|&open=t:Informatievoorziening|&open=c:Wet-+en+regelgeving"
    "&open=c:Digitaal+%26+data&open=c:Informatiehuishouding&level=1&risks=1&bridges=1",
    "?focus=s:wmo&level=1&risks=1&bridges=1",
    "?focus=s:python&level=1",
    "?focus=s:sql&level=1",
    "?focus=s:archief&level=1",
    "?focus=p:anna&bridges=1",
    "?focus=p:dirk&bridges=1",
    "?find=eva",
    "?find=jansen&risks=1&bridges=1",
)


def everything_seen(client) -> str:
    """The text of every page and JSON answer in :data:`EVERYTHING`, as the browser receives it."""
    texts = []
    for query in EVERYTHING:
        for path in ("/explorer/", "/explorer/view.json"):
            response = client.get(path + query)
            assert response.status_code == 200, (path + query, response.get_data(as_text=True)[:300])
            texts.append(response.get_data(as_text=True))
    return "\n".join(texts)


def marked(client) -> dict[str, tuple[int, int]]:
    """The drawn nodes that carry a mark: id to (skills at risk, bridge figures)."""
    data = view(client, EVERYTHING[1])
    return {
        n["data"]["id"]: (n["data"]["risk"], n["data"]["bridges"])
        for n in data["elements"]["nodes"]
        if n["data"]["risk"] or n["data"]["bridges"]
    }


def wishes_drawn(client) -> dict[str, int]:
    return {n["data"]["id"]: n["data"]["wishes"] for n in view(client, EVERYTHING[1])["elements"]["nodes"]}


def test_hr_sees_everyone_every_wish_and_every_mark(app):
    hr = client_for(app, "hr@wadloo.example")
    seen = everything_seen(hr)
    # Eva switched off "ask me about"; her wish (Wmo, useful) and Anna's (Python, nice to have).
    assert "Eva Jansen" in seen and "p:eva" in seen
    assert "useful" in seen and "nice to have" in seen and "needed now" in seen
    assert "bridge figure" in seen and "at risk" in seen
    marks = marked(hr)
    assert marks.get("s:wmo", (0, 0))[0] == 1 and marks.get("p:anna", (0, 0))[1] == 1
    assert wishes_drawn(hr)["s:wmo"] == 1 and wishes_drawn(hr)["s:python"] == 1


def test_an_employee_sees_only_colleagues_open_to_questions_and_only_their_own_wishes(app):
    bram = client_for(app, "bram@wadloo.example")
    seen = everything_seen(bram)
    assert "Eva Jansen" not in seen and "p:eva" not in seen and "eva@" not in seen
    # Others' wishes: neither named nor counted; Bram's own (SQL, needed now) is there.
    assert "useful" not in seen and "nice to have" not in seen and "needed now" in seen
    wishes = wishes_drawn(bram)
    assert wishes["s:wmo"] == 0 and wishes["s:python"] == 0 and wishes["s:sql"] == 1
    # No knowledge at risk, no bridge figures, even when asked for.
    assert "bridge figure" not in seen and "at risk" not in seen and 'name="risks"' not in seen
    assert marked(bram) == {}
    assert all(
        "risk" not in n["classes"] and "bridge" not in n["classes"]
        for n in view(bram, EVERYTHING[1])["elements"]["nodes"]
    )
    # The clusters count only who Bram may see: Sociaal Domein without Eva; no HR links.
    overview = view(bram)
    assert (
        next(
            n["data"]["size"] for n in overview["elements"]["nodes"] if n["data"]["id"] == "d:Sociaal Domein"
        )
        == 2
    )
    assert "/hr/" not in seen and "<svg" not in seen
    # Asked for by id, Eva is not there either: no focus, no clusters opened towards her.
    asked = view(bram, "?focus=p:eva&level=1")
    assert asked["focus"] is None and asked["open"] == [] and "Eva" not in json.dumps(asked)
    # A colleague's name leads to their page, as everywhere else.
    assert 'href="/people/chen"' in view(bram, "?focus=p:chen")["panel"]


def test_a_manager_sees_wishes_and_marks_only_within_their_line(app):
    # Chen manages Dirk; Eva (not listed) and Bram (his wish: SQL, needed now) are outside the line.
    chen = client_for(app, "chen@wadloo.example")
    seen = everything_seen(chen)
    assert "Eva Jansen" not in seen and "p:eva" not in seen
    assert "Dirk Zoë Ахмед" in seen
    assert "needed now" not in seen and "useful" not in seen and "nice to have" not in seen
    assert wishes_drawn(chen)["s:sql"] == 0
    # Knowledge at risk in Chen's line (Dirk, the only holder of Archiefwet, leaves), not Wmo's.
    marks = marked(chen)
    assert marks.get("s:archief", (0, 0))[0] == 1 and "s:wmo" not in marks
    # Anna is a bridge figure for HR, outside Chen's line: not marked, not said.
    assert all(
        node in ("p:dirk", "d:Informatievoorziening", "t:Informatievoorziening|") or not b
        for node, (_r, b) in marks.items()
    )
    assert "bridge figure" not in view(chen, "?focus=p:anna&bridges=1")["panel"]


def test_a_manager_whose_line_holds_someone_not_listed_sees_them_and_their_wish(app):
    anna = client_for(app, "anna@wadloo.example")
    seen = everything_seen(anna)
    assert "Eva Jansen" in seen and "not listed" in seen and "useful" in seen
    assert wishes_drawn(anna)["s:wmo"] == 1
    # Anna herself is not in her own line: her bridge is HR's to see, as on the team page.
    assert "bridge figure" not in view(anna, "?focus=p:anna&bridges=1")["panel"]


def test_without_the_graph_library_an_employee_reads_the_table(app, tmp_path):
    bram = client_for(app, "bram@wadloo.example")
    app.static_folder = str(tmp_path)  # a static folder where `meeloop assets` has put nothing
    html = bram.get("/explorer/?open=d:Sociaal+Domein").get_data(as_text=True)
    assert "<script" not in html and "<svg" not in html and 'id="explorer-fallback"' not in html
    assert "The interactive map is not installed on this server; the table below says what it shows." in html
    assert "Open no team" in html and "Of the learning wishes you see only your own." in html


def test_the_explorer_reads_in_dutch_for_every_role(app):
    for login in ("hr@wadloo.example", "chen@wadloo.example", "bram@wadloo.example"):
        client = client_for(app, login)
        response = client.get("/explorer/?focus=s:sql&level=1", headers={"Accept-Language": "nl"})
        assert response.status_code == 200, login
        assert 'lang="nl"' in response.get_data(as_text=True) and "Talentenkaart" in response.get_data(
            as_text=True
        )

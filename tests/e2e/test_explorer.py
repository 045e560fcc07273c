"""The talent-map explorer on a 2,000-person organisation in Chromium: the overview, a department
opened from the keyboard, a person found by name, a skill's holders and wishers highlighted. The graph
stays small (clusters, not people), no two labels overlap, and screenshots of each step are kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.synthetic import generate_organisation
from cli.assets import install_assets
from tests.conftest import ARTEFACTS
from tests.web.rounds.support import close_app, import_organisation, start_app
from tests.webtools import PASSWORD, add_account, live_server

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 900}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """() => axe.run(document, {resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
#: Labels of nodes that are not open clusters, with their boxes, in the graph's own coordinates.
BOXES = """() => {
  const cy = document.getElementById('explorer-graph')._cyreg.cy;
  return cy.nodes().filter(n => !n.isParent()).map(n => {
    const b = n.boundingBox({includeLabels: true, includeOverlays: false});
    return {id: n.id(), label: n.data('label'), x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2};
  });
}"""
EXTENT = """() => {
  const cy = document.getElementById('explorer-graph')._cyreg.cy;
  const b = cy.elements().renderedBoundingBox();
  return {w: b.w, h: b.h, width: cy.width(), height: cy.height()};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_copy) -> Iterator[dict]:
    assert install_assets(), "the graph library could not be installed (npm ci)"
    folder = tmp_path_factory.mktemp("explorer-2000")
    url = sqlite_copy(folder)
    org = generate_organisation(2000, seed=3)
    import_organisation(url, org, folder)
    app = start_app(url)
    # An employee who is open to questions, wants to learn something and leads nobody.
    wishers = {w.person_id for w in org.wishes}
    managers = {p.manager_id for p in org.people}
    employee = next(
        p
        for p in org.people
        if p.ask_me and p.id in wishers and p.id not in managers and p.leaving_date is None
    )
    add_account(app, "employee@wadloo.example", "employee", employee.id)
    # A team lead: a manager whose reports lead nobody.
    manager = next(
        p
        for p in org.people
        if p.id in managers
        and p.ask_me
        and not any(q.manager_id == p.id and q.id in managers for q in org.people)
    )
    line = [q for q in org.people if q.manager_id == manager.id]
    add_account(app, "manager@wadloo.example", "manager", manager.id)
    try:
        with live_server(app) as base:
            yield {"base": base, "org": org, "employee": employee, "line": line}
    finally:
        close_app(app)


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]:
                found.append((a["label"], b["label"]))
    return found


def shown(page, after: int) -> int:
    """Wait until the graph has drawn the view after the ``after``-th one; its number."""
    page.locator(f"#explorer-graph[data-shown='{after + 1}']").wait_for(state="attached", timeout=120_000)
    return after + 1


def check_accessible(page, name: str) -> None:
    """axe-core's WCAG 2.1 A and AA rules pass, and the page does not scroll sideways."""
    page.evaluate(AXE.read_text())
    found = page.evaluate(RUN_AXE)
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found["violations"]] == [], name
    assert page.evaluate(FITS), name


def check_readable(page, name: str) -> None:
    check_accessible(page, name)
    page.locator(".explorer-main").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / f"explorer-{name}.png"))
    boxes = page.evaluate(BOXES)
    assert overlapping(boxes) == [], name
    extent = page.evaluate(EXTENT)
    # Every name is drawn: no label is so small on screen that cytoscape leaves it out (7 px).
    smallest = page.evaluate(
        "() => { const cy = document.getElementById('explorer-graph')._cyreg.cy;"
        " return Math.min(...cy.nodes().map(n => parseFloat(n.style('font-size')) * cy.zoom())); }"
    )
    assert smallest >= 7, (name, smallest)
    # The drawing uses the box: it fills its width or its height.
    assert max(extent["w"] / extent["width"], extent["h"] / extent["height"]) > 0.8, extent


def test_hr_explores_the_talent_map_of_2000_people(site, browser):
    ARTEFACTS.mkdir(exist_ok=True)
    base, org = site["base"], site["org"]
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login", "hr@wadloo.example")
    page.fill("#password", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.click("nav a[href='/explorer/']")
    count = shown(page, 0)
    assert page.is_hidden("#explorer-fallback")
    nodes = page.evaluate("() => document.getElementById('explorer-graph')._cyreg.cy.nodes().length")
    departments = len({p.department for p in org.people})
    categories = len({s.category for s in org.skills})
    assert nodes == departments + categories
    check_readable(page, "overview")

    # Open the largest department from the keyboard: its teams, not its 174 people.
    link = page.locator("#explorer-table a[data-explorer=open]", has_text="Open Publiekszaken Noord")
    link.focus()
    page.keyboard.press("Enter")
    count = shown(page, count)
    # The keyboard stays on that row: its link now closes the department.
    assert page.evaluate("() => document.activeElement.textContent") == "Close Publiekszaken Noord"
    teams = page.evaluate("() => document.getElementById('explorer-graph')._cyreg.cy.nodes('.team').length")
    assert 5 <= teams <= 40
    check_readable(page, "department")

    # Open a skill category with the mouse, on the graph itself.
    spot = page.evaluate(
        "() => { const cy = document.getElementById('explorer-graph')._cyreg.cy;"
        " return cy.getElementById('c:Wet- en regelgeving').renderedPosition(); }"
    )
    frame = page.locator("#explorer-graph").bounding_box()
    page.mouse.click(frame["x"] + spot["x"], frame["y"] + spot["y"])
    count = shown(page, count)
    skills = page.evaluate(
        "() => document.getElementById('explorer-graph')._cyreg.cy.$('node.skill').map(n => n.data('parent'))"
    )
    category = [s for s in org.skills if s.category == "Wet- en regelgeving"]
    assert skills == ["c:Wet- en regelgeving"] * len(category)
    check_readable(page, "category")

    # Find a person by name: their department and team open, the panel names them.
    names = [p.name for p in org.people]
    person = next(p for p in org.people if p.department == "Sociaal Domein" and names.count(p.name) == 1)
    page.focus("#explorer-find")
    page.keyboard.type(person.name)
    page.keyboard.press("Enter")
    count = shown(page, count)
    assert page.evaluate("() => document.activeElement.id") == "explorer-panel-title"
    assert "Found for" in page.locator("#explorer-panel h2").first.inner_text()
    assert page.locator("#explorer-panel h2").nth(1).inner_text() == person.name
    assert page.get_attribute(f"#explorer-table tr[data-node='p:{person.id}']", "class").endswith("focused")
    focused = page.evaluate("() => document.getElementById('explorer-graph')._cyreg.cy.$('.focused').id()")
    assert focused == f"p:{person.id}"
    check_readable(page, "person")

    # Highlight one of their skills: who holds it and who wants it, drawn as ties from the skill.
    page.locator("#explorer-panel a[data-explorer=focus][href*='focus=s']").first.click()
    count = shown(page, count)
    lit = page.evaluate(
        "() => { const cy = document.getElementById('explorer-graph')._cyreg.cy; return {focus:"
        " cy.$('.focused').id(), holds: cy.$('node.holds').length, ties: cy.$('edge.tie').length}; }"
    )
    assert lit["focus"].startswith("s:") and lit["holds"] > 0 and lit["ties"] >= lit["holds"]
    assert "hold it at level" in page.inner_text("#explorer-panel") or "holds it at level" in page.inner_text(
        "#explorer-panel"
    )
    check_readable(page, "skill")

    # Knowledge at risk and bridge figures marked on the overview of one site.
    page.goto(f"{base}/explorer/?risks=1&bridges=1&site=Stadhuis")
    shown(page, 0)
    assert (
        page.evaluate("() => document.getElementById('explorer-graph')._cyreg.cy.$('node.risk').length") > 0
    )
    check_readable(page, "marks")
    context.close()


def test_an_employee_explores_the_colleagues_open_to_questions(site, browser):
    base, org, employee = site["base"], site["org"], site["employee"]
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login", "employee@wadloo.example")
    page.fill("#password", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.click("nav a[href='/explorer/']")
    count = shown(page, 0)
    # Neither marks nor the picture HR prints; the clusters count only colleagues open to questions.
    assert page.locator("input[name=risks]").count() == 0 and page.locator("#explorer-fallback").count() == 0
    listed = sum(1 for p in org.people if p.ask_me)
    drawn = page.evaluate(
        "() => document.getElementById('explorer-graph')._cyreg.cy.$('node.department')"
        ".map(n => n.data('size')).reduce((a, b) => a + b, 0)"
    )
    assert len(org.people) / 2 < drawn <= listed < len(org.people)

    # Their own node, found by name, shows their own wishes.
    page.focus("#explorer-find")
    page.keyboard.type(employee.name)
    page.keyboard.press("Enter")
    count = shown(page, count)
    assert page.locator("#explorer-panel h2").nth(1).inner_text() == employee.name
    assert "Wants to learn 0 skills" not in page.inner_text("#explorer-panel")
    check_readable(page, "employee")

    # Someone who switched off "ask me about" is not on the map at all.
    names = [p.name for p in org.people]
    hidden = next(p for p in org.people if not p.ask_me and names.count(p.name) == 1)
    page.fill("#explorer-find", hidden.name)
    page.keyboard.press("Enter")
    shown(page, count)
    assert "No person or skill matches" in page.inner_text("#explorer-panel")
    check_accessible(page, "employee, nothing found")
    context.close()


def test_a_manager_marks_risks_and_bridges_on_the_map(site, browser):
    base = site["base"]
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login", "manager@wadloo.example")
    page.fill("#password", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/explorer/?risks=1&bridges=1")
    shown(page, 0)
    assert page.is_checked("input[name=risks]") and page.locator("#explorer-fallback").count() == 0
    assert "within your team" in page.inner_text(".explorer")
    # Bridge figures are marked within the team only; the clusters count the colleagues open to
    # questions and the team.
    bridges = page.evaluate(
        "() => document.getElementById('explorer-graph')._cyreg.cy.$('node.department')"
        ".map(n => n.data('bridges')).reduce((a, b) => a + b, 0)"
    )
    assert bridges <= len(site["line"])
    people = page.evaluate(
        "() => document.getElementById('explorer-graph')._cyreg.cy.$('node.department')"
        ".map(n => n.data('size')).reduce((a, b) => a + b, 0)"
    )
    assert people < len(site["org"].people)
    check_readable(page, "manager")
    context.close()

"""The talent map picture drawn on the server is readable: every person and skill named on a row of its
own, no two labels on top of each other, the box used, and the hint to narrow it only when it is not."""

from __future__ import annotations

import datetime as dt
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from matcher.domain.reports import map_picture
from matcher.domain.talentmap import TalentMap
from matcher.io import orgjson
from web import create_app, plots

SVG = "{http://www.w3.org/2000/svg}"
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "organisation.json"


@pytest.fixture(scope="module")
def demo_map() -> TalentMap:
    return TalentMap(orgjson.read_json(DEMO).organisation, today=dt.date(2026, 11, 21))


@pytest.fixture(scope="module")
def app(tmp_path_factory, sqlite_copy):
    url = sqlite_copy(tmp_path_factory.mktemp("picture"))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "TESTING": True})
    yield app
    app.extensions["meeloop"]["db"].dispose()


def drawn(app, talent: TalentMap, **options) -> tuple[ET.Element, object]:
    picture = map_picture(talent, **options)
    with app.test_request_context("/"):
        svg = plots.network(
            picture,
            title="the talent map",
            person_href=lambda pid: f"/people/{pid}",
            skill_href=lambda sid: f"/skills/{sid}",
            colours=plots.group_colours(picture.groups),
        )
    return ET.fromstring(str(svg)), picture


def labels(svg: ET.Element) -> list[tuple[float, float, str, str]]:
    """(x, y, anchor, text) of every text in the picture."""
    return [
        (float(t.get("x")), float(t.get("y")), t.get("text-anchor") or "start", t.text or "")
        for t in svg.iter(f"{SVG}text")
    ]


@pytest.mark.parametrize("people", [25, 60, 200])
def test_every_person_and_skill_is_named_and_no_two_names_meet(app, demo_map, people):
    svg, picture = drawn(app, demo_map, people=people, skills=40)
    named = [a for a in svg.iter(f"{SVG}a") if a.find(f"{SVG}text") is not None]
    assert len(named) == len(picture.nodes) == picture.people_shown + picture.skills_shown
    assert picture.people_shown == min(people, picture.people_found)
    # Two columns: departments and people on the left, skills on the right; each name on its own row.
    rows: dict[str, list[float]] = {}
    for x, y, anchor, _text in labels(svg):
        rows.setdefault("left" if anchor == "end" or x < 40 else "right", []).append(y)
    assert set(rows) == {"left", "right"}
    for column, ys in rows.items():
        ys.sort()
        gaps = [b - a for a, b in itertools.pairwise(ys)]
        assert not gaps or min(gaps) >= 14, (column, min(gaps))


def test_the_picture_uses_its_box(app, demo_map):
    svg, _picture = drawn(app, demo_map, people=60, skills=40)
    width, height = (float(v) for v in svg.get("viewBox").split()[2:])
    ys = [y for _x, y, _anchor, _text in labels(svg)]
    xs = [x for x, _y, _anchor, _text in labels(svg)]
    assert min(ys) < 0.05 * height and max(ys) > 0.95 * height
    assert min(xs) < 0.05 * width and max(xs) > 0.6 * width
    skills = [
        float(r.get("y"))
        for a in svg.iter(f"{SVG}a")
        if a.get("class") == "skill"
        for r in a.iter(f"{SVG}rect")
    ]
    assert max(skills) - min(skills) > 0.9 * height - 40  # the skills spread over the people's height

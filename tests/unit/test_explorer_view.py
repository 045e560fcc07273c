"""The talent map in clusters for the explorer: small at 2,000 people, opened on demand, and no wider
than the scope it is asked for."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from dataclasses import asdict

import pytest

from bench.synthetic import DEFAULT_TODAY, generate_organisation
from matcher.domain.reports.explorer import Scope, closed, explorer_view, find, focus, listed, path_to, sight
from matcher.domain.talentmap import TalentMap
from tests.orgs import small_org


@pytest.fixture(scope="module")
def large() -> TalentMap:
    return TalentMap(generate_organisation(2000, seed=3), today=DEFAULT_TODAY)


@pytest.fixture(scope="module")
def small() -> TalentMap:
    return TalentMap(small_org(), today=dt.date(2026, 11, 21))


def test_the_overview_of_2000_people_is_departments_and_categories(large):
    view = explorer_view(large)
    org = large.organisation
    assert Counter(n.kind for n in view.nodes) == {
        "department": len({p.department for p in org.people}),
        "category": len({s.category for s in org.skills}),
    }
    assert len(view.nodes) < 40 and len(view.edges) <= 4 * len(view.nodes)
    assert sum(n.size for n in view.nodes if n.kind == "department") == view.people == 2000
    assert sum(n.size for n in view.nodes if n.kind == "category") == view.skills == len(org.skills)
    # Every holding at level 3 or higher is counted once on each side.
    strong = sum(1 for h in org.holdings if h.level >= 3)
    assert sum(n.holdings for n in view.nodes if n.kind == "department") == strong
    assert sum(n.holdings for n in view.nodes if n.kind == "category") == strong
    assert len(json.dumps([asdict(n) for n in view.nodes])) < 10_000


def test_opening_the_largest_department_adds_its_teams_not_its_people(large):
    department = Counter(p.department for p in large.organisation.people).most_common(1)[0][0]
    view = explorer_view(large, open_ids=[f"d:{department}"])
    teams = [n for n in view.nodes if n.kind == "team"]
    assert teams and all(n.parent == f"d:{department}" for n in teams)
    assert not any(n.kind == "person" for n in view.nodes)
    assert sum(n.size for n in teams) == next(n.size for n in view.nodes if n.id == f"d:{department}")
    assert len(view.nodes) < 80


def test_opening_a_team_opens_its_department_and_shows_its_people(large):
    person = large.organisation.people[100]
    team = f"t:{person.department}|{person.team}"
    view = explorer_view(large, open_ids=[team, "c:Wet- en regelgeving"])
    assert view.open == tuple(sorted([f"d:{person.department}", team, "c:Wet- en regelgeving"]))
    people = [n for n in view.nodes if n.kind == "person"]
    assert f"p:{person.id}" in {n.id for n in people} and all(n.parent == team for n in people)
    skills = [n for n in view.nodes if n.kind == "skill"]
    assert skills and all(n.parent == "c:Wet- en regelgeving" for n in skills)
    # An edge joins two drawn nodes, one of each side.
    drawn = {n.id: n.kind for n in view.nodes}
    for edge in view.edges:
        assert drawn[edge.source] in ("department", "team", "person")
        assert drawn[edge.target] in ("category", "skill")


def test_clusters_that_do_not_exist_stay_closed_and_closing_a_department_closes_its_teams(large):
    view = explorer_view(large, open_ids=["d:Nowhere", "c:Nothing", "x:odd"])
    assert view.open == ()
    assert closed(["d:A", "t:A|one", "t:B|two", "c:C"], "d:A") == ["t:B|two", "c:C"]


def test_the_strongest_ties_are_kept_and_the_rest_counted(large):
    everything = explorer_view(large, edges_per_node=1000)
    few = explorer_view(large, edges_per_node=1)
    assert few.edges_found == everything.edges_found == len(everything.edges)
    assert len(few.edges) < len(everything.edges)
    for node in few.nodes:
        ties = [e for e in everything.edges if node.id in (e.source, e.target)]
        if ties:
            strongest = max(e.weight for e in ties)
            assert any(e.weight == strongest and node.id in (e.source, e.target) for e in few.edges)


def test_a_scope_keeps_to_its_department_and_site(large):
    site = "Stadhuis"
    view = explorer_view(large, scope=Scope(site=site))
    assert view.people == sum(1 for p in large.organisation.people if p.site == site)
    department = next(n.label for n in view.nodes if n.kind == "department")
    narrowed = explorer_view(large, scope=Scope(department=department))
    assert f"d:{department}" in narrowed.open
    assert {n.id for n in narrowed.nodes if n.kind == "department"} == {f"d:{department}"}


def test_someone_outside_the_scope_is_neither_found_nor_focused(small):
    # Bram works in Sociaal Domein, Chen in Informatievoorziening.
    scope = Scope(department="Informatievoorziening")
    assert focus(small, "p:bram", scope=scope) is None
    assert [f.id for f in find(small, "bram", scope=scope)] == []
    assert [f.id for f in find(small, "bram")] == ["p:bram"]
    assert focus(small, "p:chen", scope=scope) is not None
    # A skill's holders are those in scope.
    held = focus(small, "s:python", scope=Scope(min_level=1))
    in_scope = focus(small, "s:python", scope=Scope(department="Sociaal Domein", min_level=1))
    assert held is not None and in_scope is not None
    assert {t.person.department for t in in_scope.holds} <= {"Sociaal Domein"}
    assert len(in_scope.holds) <= len(held.holds)


def test_a_person_who_opted_out_is_marked(small):
    view = explorer_view(small, open_ids=["t:Sociaal Domein|"])
    eva = next(n for n in view.nodes if n.id == "p:eva")
    assert eva.unlisted and not next(n for n in view.nodes if n.id == "p:bram").unlisted


def test_focus_says_where_holders_and_wishers_are_drawn(small):
    closed_view = focus(small, "s:python", scope=Scope(min_level=1))
    assert closed_view is not None
    assert closed_view.holds_at == {"d:Informatievoorziening": 3, "d:Sociaal Domein": 1}
    opened = focus(small, "s:python", open_ids=["t:Informatievoorziening|"], scope=Scope(min_level=1))
    assert opened is not None
    assert opened.holds_at == {"p:chen": 3, "d:Sociaal Domein": 1}
    person = focus(small, "p:chen", scope=Scope(min_level=1))
    assert person is not None and all(key.startswith("c:") for key in person.holds_at)
    assert path_to(small, "p:chen") == ("d:Informatievoorziening", "t:Informatievoorziening|")
    assert path_to(small, "s:nothing") == ()


def test_find_puts_names_that_start_with_the_query_first_and_ignores_accents(small):
    assert [f.id for f in find(small, "celik")] == ["p:bram"]
    found = find(small, "wmo")
    assert found and found[0].kind == "skill" and found[0].opens == (f"c:{small.skill('wmo').category}",)
    assert find(small, "   ") == []


# -- what a reader who is not HR may see -------------------------------------------------------------


def test_a_colleague_sees_who_is_open_to_questions_and_has_not_left(small):
    # Eva switched off "ask me about"; Dirk leaves on 31 December 2026.
    assert listed(small) == {"anna", "bram", "chen", "dirk"}
    later = TalentMap(small.organisation, today=dt.date(2027, 1, 15))
    assert listed(later) == {"anna", "bram", "chen"}
    # Someone who switched it off still sees themselves.
    assert sight(small, reader="eva").people == {"anna", "bram", "chen", "dirk", "eva"}


def test_an_employee_sees_no_unlisted_person_and_no_wishes_but_their_own(small):
    scope = sight(small, reader="bram")
    view = explorer_view(small, open_ids=["t:Sociaal Domein|", "c:Wet- en regelgeving", "c:Digitaal & data"])
    seen = explorer_view(
        small, open_ids=["t:Sociaal Domein|", "c:Wet- en regelgeving", "c:Digitaal & data"], scope=scope
    )
    assert "p:eva" in {n.id for n in view.nodes} and "p:eva" not in {n.id for n in seen.nodes}
    wishes = {n.id: n.wishes for n in seen.nodes}
    # Bram's own wish (SQL) is counted; Eva's (Wmo) and Anna's (Python) are not, on any node.
    assert wishes["s:sql"] == 1 and wishes["s:wmo"] == 0 and wishes["s:python"] == 0
    assert wishes["p:bram"] == 1 and wishes["p:anna"] == 0
    assert {n.id: n.wishes for n in view.nodes}["s:wmo"] == 1
    # Clusters count only the people in sight: Sociaal Domein without Eva, her holding not counted.
    assert next(n.size for n in seen.nodes if n.id == "d:Sociaal Domein") == 2
    assert seen.people == 4 and view.people == 5
    # Eva is neither found, focused nor opened to; a skill's wishers are Bram alone.
    assert find(small, "eva", scope=scope) == [] and focus(small, "p:eva", scope=scope) is None
    assert path_to(small, "p:eva", scope) == () and path_to(small, "p:eva") != ()
    python = focus(small, "s:python", scope=dataclasses.replace(scope, min_level=1))
    assert python is not None and [t.person.id for t in python.holds] == ["chen"] and python.wants == ()
    sql = focus(small, "s:sql", scope=scope)
    assert sql is not None and [t.person.id for t in sql.wants] == ["bram"]
    anna = focus(small, "p:anna", scope=scope)
    assert anna is not None and anna.holds and anna.wants == ()


def test_a_manager_also_sees_their_line_with_its_wishes(small):
    # Chen manages Dirk; Eva (not listed) and Bram's wish are outside Chen's line.
    scope = sight(small, reader="chen", line={"dirk"})
    assert scope.wishers == {"chen", "dirk"}
    assert find(small, "eva", scope=scope) == []
    sql = focus(small, "s:sql", scope=scope)
    assert sql is not None and sql.wants == ()
    # Anna manages everyone else: Eva, who is not listed, is in her line, and so is her wish.
    line = sight(small, reader="anna", line={"bram", "chen", "dirk", "eva"})
    wmo = focus(small, "s:wmo", scope=line)
    assert wmo is not None and [t.person.id for t in wmo.wants] == ["eva"]
    assert [f.id for f in find(small, "eva", scope=line)] == ["p:eva"]

"""The talent map itself, and finding the skill a question is about, on small hand-made organisations."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.model import HistoryEntry, Level, Wish
from matcher.domain.talentmap import TalentMap, UnknownSkill
from tests.unit.talentmap_support import TODAY, holds, organisation, person, talent_map

# -- finding the skill ---------------------------------------------------------------------------


@pytest.fixture
def plain_map() -> TalentMap:
    return talent_map([person("ann")], holds(("ann", "py", 3)))


@pytest.mark.parametrize(
    ("query", "skill_id", "matched_by"),
    [
        ("py", "py", "id"),
        ("Python", "py", "name"),
        ("  PYTHON ", "py", "name"),
        ("reintegratie", "reint", "name"),
        ("wmo", "social-support", "alias"),
        ("Python3", "py", "alias"),
        ("pyhton", "py", "spelling"),
        ("Djangoo", "dj", "spelling"),
    ],
)
def test_a_skill_is_found_by_id_name_alias_or_near_spelling(plain_map, query, skill_id, matched_by):
    skill, how = plain_map.resolve_skill(query)
    assert (skill.id, how) == (skill_id, matched_by)


def test_an_unknown_skill_says_what_was_asked_and_suggests_close_names(plain_map):
    with pytest.raises(UnknownSkill) as caught:
        plain_map.ask("python scripting")
    assert caught.value.query == "python scripting"
    assert caught.value.suggestions[0] == "Python"
    assert str(caught.value).startswith("no skill matches 'python scripting'; did you mean: Python")


def test_an_unknown_skill_without_anything_close_offers_no_suggestions(plain_map):
    with pytest.raises(UnknownSkill) as caught:
        plain_map.resolve_skill("qqqq")
    assert caught.value.suggestions == ()
    assert str(caught.value) == "no skill matches 'qqqq'"


def test_suggestions_list_names_that_start_with_the_text_first(plain_map):
    suggested = [s.name for s in plain_map.suggest_skills("p")]
    assert suggested[:2] == ["Programming", "Python"]
    assert [s.name for s in plain_map.suggest_skills("ondersteuning")] == [
        "Wet maatschappelijke ondersteuning"
    ]
    assert len(plain_map.suggest_skills("", limit=3)) == 3


# -- the map itself ------------------------------------------------------------------------------


def test_the_same_organisation_gives_the_same_answers_whatever_the_input_order():
    people = [
        person(n, department=d, site=s)
        for n, d, s in [("ann", "IT", "A"), ("bo", "HR", "B"), ("cas", "IT", "B")]
    ]
    holdings = holds(("ann", "py", 3), ("bo", "py", 3), ("cas", "py", 3), ("ann", "dj", 2))
    history = [HistoryEntry("r1", "mentor", ("ann", "bo"), dt.date(2024, 1, 1))]
    one = TalentMap(organisation(people, holdings, history=history), today=TODAY)
    other = TalentMap(organisation(people[::-1], holdings[::-1], history=history), today=TODAY)
    assert one.ask("py", asker_id="cas").as_dict() == other.ask("py", asker_id="cas").as_dict()
    assert [r.as_dict() for r in one.risks()] == [r.as_dict() for r in other.risks()]
    assert [b.as_dict() for b in one.bridges()] == [b.as_dict() for b in other.bridges()]


def test_the_graph_holds_people_skills_and_how_they_link():
    people = [person("ann"), person("bo", manager_id="ann")]
    history = [HistoryEntry("r1", "mentor", ("ann", "bo"), dt.date(2024, 1, 1))]
    tmap = talent_map(
        people, holds(("ann", "py", 4), ("bo", "excel", 0)), wishes=[Wish("bo", "py", 3)], history=history
    )
    kinds = sorted(data["kind"] for _, _, data in tmap.graph.edges(data=True))
    assert kinds == ["holds", "manages", "paired", "parent", "related", "wants"]
    assert tmap.graph.nodes["person", "ann"]["name"] == "Ann"
    holds_edge = tmap.graph.get_edge_data(("person", "ann"), ("skill", "py"))[0]
    assert holds_edge == {"kind": "holds", "level": 4}


def test_look_ups_return_what_a_person_holds_and_wants():
    tmap = talent_map(
        [person("ann")], holds(("ann", "py", 2), ("ann", "excel", 4), ("ann", "dj", 0)),
        wishes=[Wish("ann", "dj", 1), Wish("ann", "reint", 3)],
    )  # fmt: skip
    assert [(s.id, level) for s, level in tmap.holdings_of("ann")] == [
        ("excel", Level.EXPERT),
        ("py", Level.WORKING),
    ]
    assert [(s.id, priority) for s, priority in tmap.wishes_of("ann")] == [("reint", 3), ("dj", 1)]
    assert tmap.person("ann").name == "Ann" and tmap.person("nobody") is None
    assert tmap.skill("py").name == "Python" and tmap.skill("nothing") is None
    assert tmap.holdings_of("nobody") == [] and tmap.holders_of("reint") == []


def test_holdings_and_wishes_of_unknown_people_or_skills_are_left_out():
    holdings = holds(("ann", "py", 3), ("ghost", "py", 4), ("ann", "cobol", 4))
    tmap = talent_map([person("ann")], holdings, wishes=[Wish("ghost", "py", 2), Wish("ann", "cobol", 1)])
    assert [p.id for p, _ in tmap.holders_of("py")] == ["ann"]
    assert [s.id for s, _ in tmap.holdings_of("ann")] == ["py"]
    assert tmap.wishes_of("ann") == []


def test_an_empty_question_matches_no_skill(plain_map):
    with pytest.raises(UnknownSkill):
        plain_map.ask("   ")

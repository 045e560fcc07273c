"""The talent map: bridge figures between departments and the hub person of a skill."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from matcher.domain.model import HistoryEntry, Organisation, Person, Wish
from matcher.domain.talentmap import TalentMap
from matcher.domain.talentmap.ties import Ties, group_weight
from matcher.io import orgjson
from tests.orgs import small_org
from tests.unit.talentmap_support import TODAY, holds, organisation, person, talent_map

DEPARTMENTS = ("Finance", "ICT", "Zorg", "Burgerzaken")
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "organisation.json"


def pairing(a: str, b: str, name: str = "2024-1", kind: str = "exchange") -> HistoryEntry:
    return HistoryEntry(name, kind, (a, b), dt.date(2024, 1, 1), dt.date(2024, 2, 1))


def two_departments() -> list[Person]:
    finance = [person(f"f{i}", department="Finance", manager_id="f0" if i else None) for i in range(4)]
    care = [person(f"c{i}", department="Zorg", manager_id="c0" if i else None) for i in range(4)]
    return [*finance, *care]


def four_teams() -> list[Person]:
    """Four departments of one team of 12 each, every member reporting to the team's manager."""
    return [
        person(f"{d[0].lower()}{i:02d}", department=d, team=d, manager_id=f"{d[0].lower()}00" if i else None)
        for d in DEPARTMENTS
        for i in range(12)
    ]


REAL_LINKS = (
    # f03 and i04 worked together three times: the strongest link, the only one of Finance and ICT.
    pairing("f03", "i04", "2023-1"),
    pairing("f03", "i04", "2023-2", "mentor"),
    pairing("f03", "i04", "2024-1", "buddy"),
    # z05 is paired with two people in Burgerzaken; b06 and b07 are each one of those two.
    pairing("z05", "b06", "2024-2"),
    pairing("z05", "b07", "2024-3"),
    # One pairing between ICT and Zorg.
    pairing("i08", "z09", "2024-4"),
)


def think_tank_round(people: list[Person], size: int = 6) -> tuple[HistoryEntry, ...]:
    """Everyone in groups of ``size`` with the departments mixed, as an organisation-wide round makes them."""
    ordered = sorted(people, key=lambda p: (int(p.id[1:]), p.department))
    groups = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    return tuple(
        HistoryEntry("2024-think", "think-tank", tuple(p.id for p in group), dt.date(2024, 2, 1))
        for group in groups
    )


def test_the_person_who_connects_two_departments_is_the_bridge_figure():
    bridges = talent_map(two_departments(), history=[pairing("f2", "c3")]).bridges()
    assert [b.person_id for b in bridges] == ["c3", "f2"]
    assert bridges[0].departments == ("Finance",)
    assert bridges[0].reasons == (
        "connects Zorg with Finance",
        "the only link between Zorg and Finance, through 1 pairing",
    )


def test_a_person_with_contacts_only_in_their_own_department_is_no_bridge():
    assert talent_map(two_departments()).bridges() == []


def test_skills_in_common_do_not_make_a_bridge():
    holdings = holds(("f1", "py", 3), ("c1", "py", 3))
    assert talent_map(two_departments(), holdings).bridges() == []


def test_one_link_of_several_says_its_part_of_the_ties_between_the_departments():
    history = [pairing("f2", "c3"), pairing("f2", "c3", "2024-2"), pairing("f1", "c1", "2024-3")]
    f2 = talent_map(two_departments(), history=history).bridge("f2")
    assert f2 is not None
    assert f2.reasons[1] == "links Finance and Zorg through 2 pairings: 67% of the ties between them"
    assert f2.score == 2 * 2 / 3


def test_a_group_round_alone_makes_nobody_a_bridge_figure():
    people = four_teams()
    assert talent_map(people, history=think_tank_round(people)).bridges() == []


def test_one_organisation_wide_think_tank_round_leaves_the_bridge_figures_as_they_were():
    people = four_teams()
    before = talent_map(people, history=REAL_LINKS)
    after = talent_map(people, history=[*REAL_LINKS, *think_tank_round(people)])
    ranked = [b.person_id for b in before.bridges(limit=100)]
    assert ranked[:3] == ["f03", "i04", "z05"]
    assert [b.person_id for b in after.bridges(limit=100)] == ranked
    finance = [p.id for p in people if p.department == "Finance"]
    # The measure this replaced marked all twelve of the team as bridge figures after the round.
    assert [b.person_id for b in after.bridges_among(finance)] == ["f03"]
    assert (
        after.bridge("f03")
        .reasons[1]
        .startswith("links Finance and ICT through 3 pairings and 1 shared group")
    )


def test_on_the_demo_one_think_tank_of_everyone_leaves_the_ten_first_bridge_figures():
    org = orgjson.read_json(DEMO).organisation
    people = sorted(org.people, key=lambda p: (p.department, p.id))
    tables = [[p.id for p in people[i :: len(people) // 6]] for i in range(len(people) // 6)]
    think_tank = tuple(HistoryEntry("everyone", "think-tank", tuple(t), TODAY) for t in tables)
    before = TalentMap(org, today=TODAY)
    after = TalentMap(dataclasses.replace(org, history=(*org.history, *think_tank)), today=TODAY)
    assert {b.person_id for b in after.bridges(limit=10)} == {b.person_id for b in before.bridges(limit=10)}
    teams: dict[str, list[str]] = {}
    for member in org.people:
        teams.setdefault(member.team, []).append(member.id)
    large = [ids for ids in teams.values() if len(ids) >= 8]
    # The measure this replaced marked every member of every team after such a round.
    assert large and all(len(after.bridges_among(ids)) <= len(ids) / 3 for ids in large)


def test_a_group_counts_as_one_pairing_in_all_and_a_team_as_one_pairing_for_each_member():
    assert group_weight(6) * 15 == 1.0
    people = {p.id: p for p in four_teams()}
    ties = Ties(people, think_tank_round(list(people.values())))
    assert ties.tie("f01", "f02").strength == 1 / 11
    # Eleven team mates, a manager line and five others at a table of six.
    assert sum(tie.strength for tie in ties.neighbours("f05").values()) == pytest.approx(1 + 1 + 5 / 15)


def test_a_team_across_departments_links_them_through_its_team_mates():
    people = [person("ann", department="ICT", team="Data"), person("bo", department="Finance", team="Data")]
    [first, second] = talent_map(people).bridges()
    assert (first.person_id, second.person_id) == ("ann", "bo")
    assert first.reasons[1] == "the only link between ICT and Finance, through 1 team mate"


def test_a_bridge_to_many_departments_names_the_first_three_and_counts_the_rest():
    hub = person("hub", department="HR")
    others = [person(f"p{i}", department=f"Dept {i}", manager_id="hub") for i in range(5)]
    bridge = talent_map([hub, *others]).bridges()[0]
    assert bridge.person_id == "hub" and len(bridge.departments) == 5 and bridge.score == 5
    assert bridge.reasons[1:] == (
        "the only link between HR and Dept 0, through 1 manager line",
        "the only link between HR and Dept 1, through 1 manager line",
        "the only link between HR and Dept 2, through 1 manager line",
        "and links 2 more departments",
    )


def test_a_large_organisation_is_scored_exactly_and_the_same_each_time():
    people = [
        person(f"p{i:04d}", department=f"d{i // 500}", manager_id=f"p{i - 1:04d}" if i else None)
        for i in range(2100)
    ]
    first = talent_map(people).bridges(limit=10)
    again = talent_map(people).bridges(limit=10)
    assert [b.as_dict() for b in first] == [b.as_dict() for b in again]
    assert {b.person_id for b in first} == {
        "p0499", "p0500", "p0999", "p1000", "p1499", "p1500", "p1999", "p2000",
    }  # fmt: skip


def test_bridges_among_a_team_are_the_organisations_in_its_order():
    org = small_org()
    talent = TalentMap(org, today=TODAY)
    everyone = [p.id for p in org.people]
    full = talent.bridges(limit=len(everyone))
    assert full and talent.bridges_among(reversed(everyone)) == full
    assert talent.bridges_among([]) == []


def test_a_moved_person_is_scored_in_their_new_department():
    history = [pairing("f2", "c3")]
    tmap = talent_map(two_departments(), history=history)
    assert tmap.bridge("f2") is not None
    moved = dataclasses.replace(tmap.person("f2"), department="Zorg", manager_id="c0")
    after = tmap.with_people(Organisation(people=(moved,)), {"f2"})
    assert after.bridge("f2") is None and after.bridge("c3") is None
    assert tmap.bridge("f2") is not None


def test_a_bridge_serialises_with_its_links():
    bridge = talent_map(two_departments(), history=[pairing("f2", "c3")]).bridge("f2")
    data = json.loads(json.dumps(bridge.as_dict()))
    assert data["links"] == [
        {"department": "Zorg", "strength": 1.0, "share": 1.0, "manager_lines": 0, "pairings": 1,
         "groups": 0, "team_mates": 0},
    ]  # fmt: skip


# -- the hub person of a skill ---------------------------------------------------------------------


def skill_team() -> list[Person]:
    return [
        person("ann", team="Data", department="ICT"),
        person("bo", team="Data", department="ICT"),
        person("cas", team="Data", department="ICT"),
        person("dirk", team="Geo", department="ICT"),
        person("eva", team="Geo", department="ICT"),
    ]


def test_the_hub_person_is_the_holder_who_works_with_most_holders_and_learners():
    holdings = holds(("ann", "py", 2), ("bo", "py", 1), ("dirk", "py", 4), ("eva", "py", 3))
    wishes = [Wish("cas", "py", 2)]
    hub = talent_map(skill_team(), holdings, wishes=wishes).hub("py")
    assert (hub.person_id, hub.holders, hub.learners) == ("ann", 1, 1)
    assert hub.reasons == ("works with 1 other holder of Python and 1 colleague who wants to learn Python",)


def test_an_earlier_pairing_makes_the_expert_the_hub_person():
    holdings = holds(("ann", "py", 2), ("bo", "py", 1), ("dirk", "py", 4), ("eva", "py", 3))
    history = [pairing("dirk", "cas"), pairing("dirk", "bo", "2024-2")]
    hub = talent_map(skill_team(), holdings, wishes=[Wish("cas", "py", 2)], history=history).hub("py")
    assert (hub.person_id, hub.holders, hub.learners) == ("dirk", 2, 1)


def test_a_holder_closed_to_questions_or_only_aware_is_not_the_hub_person():
    people = [dataclasses.replace(p, ask_me=p.id != "ann") for p in skill_team()]
    holdings = holds(("ann", "py", 4), ("bo", "py", 1), ("cas", "py", 1))
    assert talent_map(people, holdings).hub("py") is None
    assert talent_map(skill_team(), holdings).hub("py").person_id == "ann"


def test_a_skill_whose_holders_work_with_nobody_who_holds_or_wants_it_has_no_hub_person():
    holdings = holds(("ann", "py", 3), ("dirk", "py", 3))
    assert talent_map(skill_team(), holdings).hub("py") is None
    assert talent_map(skill_team(), holdings).hub("no-such-skill") is None


def test_the_hub_person_on_a_changed_map_follows_the_change():
    holdings = holds(("ann", "py", 2), ("bo", "py", 1))
    tmap = TalentMap(organisation(skill_team(), holdings), today=TODAY)
    assert tmap.hub("py").person_id == "ann"
    moved = dataclasses.replace(tmap.person("bo"), team="Geo")
    after = tmap.with_people(organisation([moved], holds(("bo", "py", 1))), {"bo"})
    assert after.hub("py") is None and tmap.hub("py").person_id == "ann"

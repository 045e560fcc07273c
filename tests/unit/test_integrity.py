"""Checks on the whole organisation, and how an import merges into what is stored."""

from __future__ import annotations

import dataclasses

from matcher.domain.integrity import check_duplicates, check_history, check_organisation, normalise_relations
from matcher.domain.merge import merge
from matcher.domain.model import Holding, Level, Organisation, RelatedSkill, Skill, Wish
from matcher.domain.parsed import Parsed
from matcher.domain.problems import Location, Locator, Problems
from tests.orgs import person, small_org


def problems_of(org: Organisation, locator: Locator | None = None) -> list[str]:
    found = Problems()
    check_organisation(org, locator or Locator(), found)
    return [str(p) for p in found]


def test_a_sound_organisation_has_no_problems():
    assert problems_of(small_org()) == []


def test_unknown_references_point_at_the_row_they_come_from():
    org = small_org()
    bad = dataclasses.replace(
        org,
        holdings=(*org.holdings, Holding("anna", "cobol", Level.EXPERT)),
        wishes=(*org.wishes, Wish("bram", "kotlin", 2)),
    )
    locator = Locator()
    locator.record(("holding", "anna", "cobol"), Location("matrix.csv", 2, "cobol"))
    found = problems_of(bad, locator)
    assert "matrix.csv, row 2, field 'cobol': unknown skill 'cobol'" in found
    assert "stored data, wish 'bram/kotlin': unknown skill 'kotlin'" in found


def test_a_skill_taxonomy_loop_and_unknown_parents_are_reported():
    skills = (
        Skill("a", "A", parent_id="b"),
        Skill("b", "B", parent_id="a"),
        Skill("c", "C", parent_id="nope"),
        Skill("d", "D", parent_id="d"),
    )
    found = problems_of(Organisation(skills=skills))
    assert any("parent skills form a loop: a -> b -> a" in p for p in found)
    assert any("'nope' is not a known skill" in p for p in found)
    assert any("cannot be its own parent" in p for p in found)


def test_a_relation_given_twice_with_different_strengths_is_reported():
    skills = (
        Skill("a", "A", related=(RelatedSkill("b", 0.5),)),
        Skill("b", "B", related=(RelatedSkill("a", 0.9),)),
    )
    assert any("given twice" in p for p in problems_of(Organisation(skills=skills)))


def test_relations_are_kept_once_on_the_skill_with_the_smaller_id():
    skills = (Skill("z", "Z", related=(RelatedSkill("a", 0.4),)), Skill("a", "A"))
    normal = {s.id: s.related for s in normalise_relations(skills)}
    assert normal == {"z": (), "a": (RelatedSkill("z", 0.4),)}


def test_two_skills_with_one_name_are_reported():
    skills = (Skill("sql", "SQL"), Skill("sql2", "sql"))
    assert len([p for p in problems_of(Organisation(skills=skills)) if "shared by" in p]) == 2


def test_history_with_unknown_or_repeated_members_is_reported():
    org = small_org()
    entry = dataclasses.replace(org.history[0], members=("anna", "anna", "ghost"))
    locator = Locator()
    locator.record(("history", entry), Location("h.json", "history[0]"))
    found = Problems()
    check_history((entry,), {p.id for p in org.people}, locator, found)
    assert [str(p) for p in found] == [
        "h.json, history[0], field 'members': unknown person: ghost",
        "h.json, history[0], field 'members': a person is listed twice",
    ]


def test_leaving_before_starting_is_reported():
    org = small_org()
    dirk = dataclasses.replace(
        org.person("dirk"), leaving_date=org.person("dirk").start_date.replace(year=1999)
    )
    found = problems_of(dataclasses.replace(org, people=(*org.people[:3], dirk, org.people[4])))
    assert any("before starting" in p for p in found)


def test_duplicate_ids_within_one_file_are_found():
    org = Organisation(people=(person("a"), person("a", email="other@x.example")))
    found = Problems()
    check_duplicates(org, Locator(), found)
    assert [p.message for p in found] == ["the person id 'a' occurs 2 times"]


def test_a_matrix_with_some_skill_columns_leaves_the_other_levels_alone():
    stored = small_org()
    update = Organisation(
        people=(stored.person("chen"),), holdings=(Holding("chen", "sql", Level.PROFICIENT),)
    )
    parsed = Parsed(update, covered_holdings=frozenset({"sql"}), covered_wishes=frozenset(), has_skills=False)
    merged, changes = merge(stored, parsed)
    held = {h.skill_id: h.level for h in merged.holdings if h.person_id == "chen"}
    assert held == {"sql": Level.PROFICIENT, "python": Level.PROFICIENT}
    assert changes.holdings_changed == 1 and changes.people_updated == ()


def test_a_skills_file_that_lists_both_ends_of_a_relation_decides_it():
    stored = small_org()
    skills = tuple(dataclasses.replace(s, related=()) for s in stored.skills if s.id in ("sql", "python"))
    merged, _ = merge(stored, Parsed(Organisation(skills=skills), has_people=False))
    assert all(s.related == () for s in merged.skills if s.id in ("sql", "python"))
    only_one = tuple(s for s in skills if s.id == "sql")
    kept, _ = merge(stored, Parsed(Organisation(skills=only_one), has_people=False))
    assert next(s for s in kept.skills if s.id == "python").related == (RelatedSkill("sql", 0.6),)

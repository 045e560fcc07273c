"""The ownership rules of the merge, on plain data: who owns which field and whose each level is."""

from __future__ import annotations

import dataclasses
import doctest

from matcher.domain import ownership
from matcher.domain.merge import merge
from matcher.domain.model import Holding, Level, Organisation, Skill
from matcher.domain.ownership import Provenance, Takes
from matcher.domain.parsed import Parsed
from tests.orgs import person


def test_the_examples_in_the_ownership_module_hold():
    assert doctest.testmod(ownership).failed == 0


def stored() -> Organisation:
    anna = person("anna", department="Sociaal Domein", host_capacity=1, presenter=True)
    return Organisation(
        people=(anna,), skills=(Skill("sql", "SQL"),), holdings=(Holding("anna", "sql", Level.EXPERT),)
    )


def hr_file(**fields: object) -> Parsed:
    anna = person("anna", department="Financiën", **fields)
    org = Organisation(people=(anna,), holdings=(Holding("anna", "sql", Level.AWARE),))
    return Parsed(org, has_skills=False)


OWN = Provenance(holdings=frozenset({("anna", "sql")}))


def test_a_file_changes_hrs_fields_and_lists_the_persons_as_conflicts():
    result = merge(stored(), hr_file(), own=OWN)
    anna = result.organisation.person("anna")
    assert (anna.department, anna.host_capacity, anna.presenter) == ("Financiën", 1, True)
    assert result.organisation.holdings == (Holding("anna", "sql", Level.EXPERT),)
    (review,) = result.reviews
    assert [c.key for c in review.changes] == ["department"]
    assert [(c.key, c.theirs, c.in_file, c.takeable) for c in review.conflicts] == [
        ("host_capacity", 1, 0, True),
        ("presenter", True, False, True),
        ("skills.sql", 4, 1, True),
    ]
    assert result.provenance == OWN


def test_a_taken_level_becomes_hrs_and_other_fields_stay():
    result = merge(stored(), hr_file(), own=OWN, takes=Takes.of(["anna:skills.sql"]))
    assert result.organisation.holdings == (Holding("anna", "sql", Level.AWARE),)
    assert result.provenance == Provenance()
    assert result.organisation.person("anna").host_capacity == 1
    assert result.changes.taken == (("anna", "skills.sql"),)


def test_an_opt_in_is_never_switched_on_or_raised_whatever_is_taken():
    before = dataclasses.replace(stored(), people=(person("anna", host_capacity=1),))
    result = merge(
        before, hr_file(host_capacity=3, presenter=True), takes=Takes.of(["host_capacity", "presenter"])
    )
    anna = result.organisation.person("anna")
    assert (anna.host_capacity, anna.presenter) == (1, False)
    assert not any(c.takeable or c.taken for c in result.reviews[0].conflicts if c.key != "skills.sql")


def test_the_person_editing_themselves_sets_their_own_fields_and_their_levels_become_theirs():
    result = merge(stored(), hr_file(), by=ownership.BY_SELF)
    assert result.organisation.person("anna").host_capacity == 0
    assert result.provenance.holdings == {("anna", "sql")}
    assert result.reviews[0].conflicts == ()

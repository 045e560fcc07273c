"""No repeat until you have met everyone, in group rounds."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.model import HistoryEntry
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups import Criterion, GroupConfig, build_problem, exact, propose, validate
from tests.orgs import person
from tests.unit.test_groups import TODAY, org_of, run, twelve


def config(**changes) -> GroupConfig:
    settings = {"size_min": 4, "size_max": 4, "cooldown_rounds": 1, "time_limit": 5, **changes}
    return GroupConfig(criteria=(Criterion("function", "similar", 1.0),), **settings)


def test_earlier_groupmates_meet_again_only_when_the_option_is_off():
    # Three functions of four: groups alike in function have one best plan, each function together.
    people = [person(f"p{i:02d}", function=f"f{i % 3}", department=f"d{i % 2}") for i in range(12)]
    # The three met in a round long ago, and no cooldown keeps them apart.
    met = [HistoryEntry("r0", "think-tank", ("p00", "p03", "p06"), dt.date(2020, 1, 1))]
    org = org_of(people, history=met)
    # Without the option the three who met years ago are together again, with the fourth of f0.
    _, again = run(org, config(cooldown_rounds=0))
    assert ("p00", "p03", "p06", "p09") in [tuple(sorted(g.members)) for g in again.groups]
    problem, fresh = run(org, config(cooldown_rounds=0, fresh_groupmates=True))
    assert not validate(problem, [g.members for g in fresh.groups])
    assert not [g for g in fresh.groups if len({"p00", "p03", "p06"} & set(g.members)) >= 2]
    said = "nobody here meets an earlier groupmate while they still have someone new to meet"
    assert all(said in g.reasons for g in fresh.groups)


def test_someone_who_has_met_everyone_may_meet_a_groupmate_again():
    everyone = [HistoryEntry("r0", "think-tank", tuple(f"p{i:02d}" for i in range(12)), dt.date(2020, 1, 1))]
    # Outside the cooldown: only the option could count them as repeats, and it does not.
    problem, proposal = run(
        org_of(twelve(), history=everyone), config(fresh_groupmates=True, cooldown_rounds=0)
    )
    assert problem.recent == frozenset()
    assert len(proposal.groups) == 3 and not proposal.unmatched


def test_the_option_is_read_as_true_or_false():
    assert GroupConfig.from_mapping({"fresh_groupmates": True}).fresh_groupmates is True
    with pytest.raises(InvalidInput) as caught:
        GroupConfig.from_mapping({"fresh_groupmates": "yes"})
    (problem,) = caught.value.problems
    assert (problem.where.field, str(problem.message)) == (
        "fresh_groupmates",
        "expected true or false, got 'yes'",
    )


def fourteen():
    extra = [person(f"p{i:02d}", function=f"f{i % 4}", department=f"d{i % 3}", team="t9") for i in (12, 13)]
    return org_of([*twelve(), *extra])


def test_who_was_left_out_last_time_is_placed_first_when_the_sizes_do_not_divide():
    org = fourteen()
    _, before = run(org, config())
    out = {u.person_id for u in before.unmatched}
    assert len(out) == 2  # three groups of four, two left over
    tmap = TalentMap(org, today=TODAY)
    problem = build_problem(tmap, config(), today=TODAY, left_out=dict.fromkeys(out, 1))
    after = propose(problem, round_name="next")
    placed = {m for g in after.groups for m in g.members}
    assert out <= placed and len(after.unmatched) == 2
    name = problem.name(sorted(out)[0])
    assert any(f"{name} was left out in the last round of this kind" in g.reasons for g in after.groups)
    # Switched off, the same two are left out again.
    off = build_problem(tmap, config(left_out_first=False), today=TODAY, left_out=dict.fromkeys(out, 1))
    assert off.waiting == {}
    assert {u.person_id for u in propose(off).unmatched} == out


def test_the_exact_model_places_the_longest_waiting_first():
    org = fourteen()
    tmap = TalentMap(org, today=TODAY)
    waiting = {"p00": 3, "p01": 2, "p05": 1}
    problem = build_problem(tmap, config(), today=TODAY, left_out=waiting)
    found = exact.whole_round(problem, [], seconds=10)
    assert found.groups is not None and len(found.left_out) == 2
    assert not set(waiting) & set(found.left_out)

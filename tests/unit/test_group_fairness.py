"""No repeat until you have met everyone, in group rounds."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.model import HistoryEntry
from matcher.domain.problems import InvalidInput
from matcher.engines.groups import Criterion, GroupConfig, validate
from tests.unit.test_groups import org_of, run, twelve

#: p00, p04 and p08 share a function and were together long before the cooldown.
OLD_ROUNDS = [
    HistoryEntry(f"r{i}", "think-tank", members, dt.date(2020, 1, 1) + dt.timedelta(days=91 * i))
    for i, members in enumerate([("p00", "p04", "p08"), ("p01", "p02"), ("p03", "p05"), ("p06", "p07")])
]


def config(**changes) -> GroupConfig:
    settings = {"size_min": 4, "size_max": 4, "cooldown_rounds": 1, "time_limit": 5, **changes}
    return GroupConfig(criteria=(Criterion("function", "similar", 1.0),), **settings)


def test_earlier_groupmates_meet_again_only_when_the_option_is_off():
    org = org_of(twelve(), history=OLD_ROUNDS)
    # Groups alike in function: without the option the three who met years ago are together again.
    _, again = run(org, config())
    assert any({"p00", "p04", "p08"} <= set(g.members) for g in again.groups)
    problem, fresh = run(org, config(fresh_groupmates=True))
    assert not validate(problem, [g.members for g in fresh.groups])
    assert not [g for g in fresh.groups if len({"p00", "p04", "p08"} & set(g.members)) >= 2]
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

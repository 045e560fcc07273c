"""A group round remembers who the published rounds of its kind left out: where the sizes do not
divide, they are placed first in the next round, and their group says why."""

from __future__ import annotations

import dataclasses

from matcher.engines.groups import GroupConfig
from matcher.services import organisation, rounds
from tests.integration.test_scheduling import NOW, load
from tests.orgs import person, small_org


def test_who_a_published_group_round_left_out_is_placed_first_in_the_next(db, tmp_path):
    people = [
        person(f"p{i:02d}", department=("A", "B", "C")[i % 3], function=("x", "y")[i % 2]) for i in range(14)
    ]
    org = dataclasses.replace(small_org(), people=tuple(people), holdings=(), wishes=(), history=())
    load(db, org, tmp_path)
    config = GroupConfig.for_kind("think-tank", size_min=4, size_max=4, cooldown_rounds=0, time_limit=1.0)
    today = NOW.date()
    first = rounds.propose_group_round(
        db, round_name="denktank 1", config=config, today=today, now=NOW, save=True
    )
    out = {u.person_id for u in first.unmatched}
    assert len(out) == 2
    # Proposed only: nothing is remembered yet, and the same two are left out again.
    again = rounds.propose_group_round(
        db, round_name="denktank 2", config=config, today=today, now=NOW, save=False
    )
    assert {u.person_id for u in again.unmatched} == out
    rounds.publish_round(db, "denktank 1", today=today, now=NOW)
    after = rounds.propose_group_round(
        db, round_name="denktank 2", config=config, today=today, now=NOW, save=False
    )
    assert not out & {u.person_id for u in after.unmatched}
    name = organisation.load_organisation(db).person(sorted(out)[0]).name
    assert any(f"{name} was left out in the last round of this kind" in g.reasons for g in after.groups)

"""The talent map: knowledge at risk."""

from __future__ import annotations

import datetime as dt
import json

from matcher.domain.model import Wish
from tests.unit.talentmap_support import TODAY, holds, person, talent_map

# -- knowledge at risk ---------------------------------------------------------------------------


def test_a_skill_with_a_single_proficient_holder_is_at_risk():
    tmap = talent_map(
        [person("ann"), person("bo"), person("cas")],
        holds(("ann", "excel", 4), ("bo", "excel", 2), ("cas", "py", 3), ("ann", "py", 3)),
    )
    [risk] = tmap.risks()
    assert (risk.skill_id, risk.holders, risk.remaining, risk.leaving) == ("excel", ("ann",), 1, ())
    assert risk.reasons[0] == "only Ann holds Excel at level 3 or higher"
    assert [s.person_id for s in risk.successors] == ["bo"]


def test_a_holder_leaving_within_the_horizon_puts_a_skill_at_risk():
    leaving = TODAY + dt.timedelta(days=60)
    people = [person("ann", leaving_date=leaving), person("bo")]
    [risk] = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 3))).risks()
    assert risk.leaving == (("ann", leaving),) and risk.remaining == 1
    assert "Ann leaves on 2024-04-30, in 60 days" in risk.reasons
    assert "after that only 1 person at level 3 or higher would remain" in risk.reasons


def test_a_holder_leaving_after_the_horizon_does_not():
    people = [person("ann", leaving_date=TODAY + dt.timedelta(days=200)), person("bo")]
    tmap = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 3)))
    assert tmap.risks(horizon_days=180) == []
    assert [r.skill_id for r in tmap.risks(horizon_days=365)] == ["py"]


def test_successors_exclude_leavers_and_rank_closest_levels_and_wishes_first():
    people = [
        person("ann", leaving_date=TODAY + dt.timedelta(days=30)),
        person("bo", leaving_date=TODAY + dt.timedelta(days=400)),
        person("cas"), person("dee"), person("eve"), person("fay"), person("gus"),
    ]  # fmt: skip
    holdings = holds(
        ("ann", "py", 4),
        ("bo", "py", 2),
        ("cas", "py", 1),
        ("dee", "py", 2),
        ("eve", "py", 2),
        ("fay", "dj", 3),
    )
    wishes = [Wish("eve", "py", 3), Wish("gus", "py", 1), Wish("bo", "py", 3)]
    risk = next(
        r for r in talent_map(people, holdings, wishes=wishes).risks(successors=10) if r.skill_id == "py"
    )
    assert risk.remaining == 0 and risk.demand == 3
    assert [s.person_id for s in risk.successors] == ["eve", "dee", "cas", "gus", "fay"]
    assert risk.successors[0].reason == "holds Python at level 2 and wants to learn more (priority 3)"
    assert risk.successors[3].reason == "wants to learn Python (priority 1)"
    assert risk.successors[4].reason == "holds the related skill Django (level 3)"
    assert all(
        len(r.successors) <= 2 for r in talent_map(people, holdings, wishes=wishes).risks(successors=2)
    )


def test_a_wished_skill_nobody_holds_is_at_risk_and_the_most_severe_come_first():
    people = [person("ann"), person("bo"), person("cas")]
    holdings = holds(("ann", "py", 4), ("bo", "py", 4), ("ann", "excel", 3))
    wishes = [Wish("cas", "reint", 2), Wish("bo", "dj", 1), Wish("cas", "dj", 2)]
    risks = talent_map(people, holdings, wishes=wishes).risks()
    assert [(r.skill_id, r.remaining, r.demand) for r in risks] == [
        ("dj", 0, 2),
        ("reint", 0, 1),
        ("excel", 1, 0),
    ]
    assert risks[0].reasons == ("nobody holds Django at level 3 or higher", "2 people want to learn it")


def test_skills_nobody_holds_or_wants_are_not_reported():
    tmap = talent_map([person("ann")], ())
    assert tmap.risks() == []


def test_a_risk_serialises_to_json():
    people = [person("ann", leaving_date=TODAY + dt.timedelta(days=5)), person("bo")]
    [risk] = talent_map(people, holds(("ann", "py", 4), ("bo", "py", 1))).risks()
    data = json.loads(json.dumps(risk.as_dict()))
    assert data["leaving"] == [{"person_id": "ann", "date": "2024-03-06"}]
    assert data["successors"][0]["person_id"] == "bo"


def test_a_holder_who_has_already_left_counts_as_gone():
    people = [person("ann", leaving_date=TODAY - dt.timedelta(days=3)), person("bo"), person("cas")]
    holdings = holds(("ann", "py", 4), ("bo", "py", 3), ("cas", "py", 3))
    [risk] = talent_map(people, holdings).risks(min_holders=3)
    assert risk.remaining == 2
    assert "Ann left on 2024-02-27" in risk.reasons

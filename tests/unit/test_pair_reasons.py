"""A pair's reasons claim only what is true of its two people's teams."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.domain.model import Holding, Level, Organisation, Skill, Wish
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, build_problem, propose
from tests.orgs import person

TODAY = dt.date(2026, 11, 2)
TOGETHER = "brings two teams together"


def reasons_of(mentor_team: str | None, mentee_team: str | None, mode: str = "mentor") -> list[str]:
    people = [
        person(
            "mentor", team=mentor_team, years_experience=20, start_date=dt.date(2005, 1, 1), mentor_capacity=1
        ),
        person("mentee", team=mentee_team, years_experience=1, start_date=dt.date(2026, 1, 1), newcomer=True),
    ]
    org = Organisation(
        "Test",
        tuple(people),
        (Skill("sql", "SQL"),),
        (Holding("mentor", "sql", Level(4)),),
        (Wish("mentee", "sql", 3),),
        (),
    )
    problem = build_problem(TalentMap(org, today=TODAY), PairingConfig(mode=mode), today=TODAY)
    (pair,) = propose(problem).pairs
    return list(pair.reasons)


def test_two_people_in_different_teams_are_said_to_bring_two_teams_together():
    assert TOGETHER in reasons_of("t1", "t2")


@pytest.mark.parametrize(
    ("mentor_team", "mentee_team", "outsider", "insider"),
    [
        (None, "t2", "Mentor", "Mentee"),
        ("t1", None, "Mentee", "Mentor"),
    ],
)
def test_with_one_team_between_them_the_other_is_said_to_come_from_outside_it(
    mentor_team, mentee_team, outsider, insider
):
    reasons = reasons_of(mentor_team, mentee_team)
    assert TOGETHER not in reasons
    assert f"{outsider} is outside {insider}'s own team" in reasons


def test_two_people_without_a_team_are_not_said_to_bring_teams_together():
    reasons = reasons_of(None, None)
    assert not any("team" in r for r in reasons)


def test_a_buddy_for_a_newcomer_without_a_team_is_not_said_to_be_outside_it():
    reasons = reasons_of("t1", None, mode="buddy")
    assert "Mentor is outside Mentee's own team" not in reasons
    assert len(reasons) == len(set(reasons))

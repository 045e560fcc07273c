"""Lunch & learn across time zones and clock changes, its input and output, and validate naming each
rule a plan breaks.

Expected times are worked out by hand or with zoneinfo directly, never with the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from matcher.domain.availability import Agenda
from matcher.domain.model import Holding, Level, Wish
from matcher.engines.lunch import LunchSession, build_problem, validate
from tests.orgs import person
from tests.unit.lunch_support import (
    AMSTERDAM,
    NEW_YORK,
    WEEK19,
    colleagues,
    config,
    local,
    lunch_on,
    plan_for,
    presenter,
    talent,
)

# --- time zones and daylight saving ----------------------------------------------------------------


def test_lunch_is_at_noon_in_the_presenters_own_time_zone() -> None:
    tmap = talent(
        [presenter("nick", timezone=NEW_YORK), person("w1"), person("w2"), person("w3", timezone=NEW_YORK)],
        [Holding("nick", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2", "w3")],
    )
    _, plan = plan_for(tmap)
    (session,) = plan.sessions
    # 12:00 in New York in May is 16:00 UTC, 18:00 in Amsterdam: after work there.
    assert session.start == local(NEW_YORK, 2026, 5, 4, 12) == dt.datetime(2026, 5, 4, 16, tzinfo=dt.UTC)
    assert session.timezone == NEW_YORK
    assert session.audience == ("w3",)
    assert session.reasons[-1] == "1 of 3 interested colleagues is free then"


def test_lunch_stays_at_noon_across_the_spring_clock_change() -> None:
    tmap = talent(
        [presenter("anna"), presenter("chen"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("chen", "sql", Level.EXPERT)],
        [Wish(w, "wmo", 3) for w in ("w1", "w2")] + [Wish(w, "sql", 1) for w in ("w1", "w2")],
    )
    _, plan = plan_for(tmap, first_day=dt.date(2026, 3, 23), last_day=dt.date(2026, 4, 5))
    # Noon is 11:00 UTC on 03-23 (winter time) and 10:00 UTC on 03-30 (summer time).
    assert [s.start for s in plan.sessions] == [
        dt.datetime(2026, 3, 23, 11, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 30, 10, tzinfo=dt.UTC),
    ]


# --- input and output ------------------------------------------------------------------------------


def test_as_dict_gives_iso_times_in_utc_and_the_time_zone() -> None:
    tmap = talent(
        [presenter("anna"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2")] + [Wish(w, "sql", 2) for w in ("w1", "w2")],
    )
    _, plan = plan_for(tmap)
    data = json.loads(json.dumps(plan.as_dict()))
    session = data["sessions"][0]
    assert (session["start"], session["end"]) == ("2026-05-04T10:00:00+00:00", "2026-05-04T11:00:00+00:00")
    assert (session["timezone"], session["local_start"]) == (AMSTERDAM, "2026-05-04T12:00:00+02:00")
    assert session["audience"] == ["w1", "w2"]
    assert data["unplaced"] == [{"skill_id": "sql", "reason": "nobody holds SQL at level 3 or more"}]


@pytest.mark.parametrize(
    "changes",
    [
        {"last_day": WEEK19 - dt.timedelta(days=1)},
        {"minutes": 90},
        {"per_week": 0},
        {"grid_minutes": 0},
        {"max_topics": -1},
    ],
)
def test_a_config_that_cannot_work_is_refused(changes: dict) -> None:
    with pytest.raises(ValueError):
        config(**changes)


def test_the_same_input_gives_the_same_plan() -> None:
    tmap = talent(
        [presenter("anna"), presenter("bram"), presenter("chen"), *colleagues("w1", "w2", "w3")],
        [Holding(p, s, 4) for p in ("anna", "bram", "chen") for s in ("wmo", "sql", "archief")],
        [Wish(w, s, 2) for w in ("w1", "w2", "w3") for s in ("wmo", "sql", "archief")],
    )
    assert plan_for(tmap, per_week=2)[1] == plan_for(tmap, per_week=2)[1]


# --- validate ---------------------------------------------------------------------------------------


def test_validate_reports_each_rule_a_hand_made_plan_breaks() -> None:
    tmap = talent(
        [presenter("anna"), presenter("chen"), person("bram"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", 4), Holding("chen", "sql", 4), Holding("bram", "wmo", 4),
         Holding("anna", "sql", 4)],
        [Wish(w, s, 2) for w in ("w1", "w2") for s in ("wmo", "sql")],
    )  # fmt: skip
    agenda = Agenda({"chen": [lunch_on(dt.date(2026, 5, 12))]})
    problem = build_problem(tmap, agenda, config())

    def session(
        skill: str, who: str, day: int, hour: int = 12, audience: tuple[str, ...] = ()
    ) -> LunchSession:
        start = local(AMSTERDAM, 2026, 5, day, hour)
        return LunchSession(skill, who, start, start + dt.timedelta(hours=1), AMSTERDAM, audience, 2, ())

    def rules(*sessions: LunchSession) -> list[str]:
        return sorted({v.rule for v in validate(problem, sessions)})

    assert rules(session("wmo", "anna", 4, audience=("w1", "w2"))) == []
    assert rules(session("wmo", "bram", 4)) == ["eligible presenter"]
    assert rules(session("wmo", "ghost", 4)) == ["eligible presenter"]
    assert rules(session("wmo", "anna", 4), session("sql", "chen", 5)) == ["per week"]
    assert rules(session("sql", "chen", 12)) == ["presenter free"]
    assert rules(session("wmo", "anna", 4, hour=13)) == ["lunch window"]
    assert rules(session("wmo", "anna", 20)) == ["horizon"]
    assert rules(session("wmo", "anna", 11), session("sql", "chen", 11)) == ["double booked", "per week"]
    assert rules(session("wmo", "anna", 4), session("sql", "anna", 11)) == ["presenter limit"]
    assert rules(session("wmo", "anna", 4), session("wmo", "anna", 11)) == [
        "one session per topic",
        "presenter limit",
    ]
    assert rules(session("wmo", "anna", 4, audience=("chen",))) == ["audience"]
    assert rules(session("python", "anna", 4)) == ["topic"]


def test_a_hand_edited_session_moved_onto_a_weekend_is_reported() -> None:
    tmap = talent(
        [presenter("anna"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2")],
    )
    problem, plan = plan_for(tmap)
    saturday = local(AMSTERDAM, 2026, 5, 9, 12)
    moved = dataclasses.replace(
        plan.sessions[0], start=saturday, end=saturday + dt.timedelta(hours=1), audience=()
    )
    assert [v.rule for v in validate(problem, [moved])] == ["presenter free"]

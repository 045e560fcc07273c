"""Lunch & learn: topics by demand, presenters, and where and when the sessions are placed.

Expected times are worked out by hand or with zoneinfo directly, never with the code under test.
"""

from __future__ import annotations

import datetime as dt
import doctest

from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import HistoryEntry, Holding, Level, TimeRange, Wish
from matcher.engines import lunch
from matcher.engines.lunch import build_problem, capacity, propose
from matcher.io.fields import parse_working_hours
from tests.orgs import person
from tests.unit.lunch_support import (
    AMSTERDAM,
    WEEK19,
    colleagues,
    config,
    local,
    lunch_on,
    plan_for,
    presenter,
    talent,
    where,
)

# --- topics and presenters -------------------------------------------------------------------------


def test_the_most_wanted_topic_comes_first_and_says_why() -> None:
    tmap = talent(
        [presenter("anna"), presenter("chen"), *colleagues("bram", "dirk", "eva", "fenna")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("chen", "sql", Level.PROFICIENT)],
        [Wish("bram", "wmo", 3), Wish("dirk", "wmo", 3), Wish("eva", "wmo", 2),
         Wish("bram", "sql", 2), Wish("eva", "sql", 2), Wish("fenna", "archief", 3)],
    )  # fmt: skip
    problem, plan = plan_for(tmap)
    assert [(t.skill_id, t.demand, t.weight) for t in problem.topics] == [("wmo", 3, 8), ("sql", 2, 4)]
    assert where(plan) == [
        ("wmo", "anna", local(AMSTERDAM, 2026, 5, 4, 12)),
        ("sql", "chen", local(AMSTERDAM, 2026, 5, 11, 12)),
    ]
    first = plan.sessions[0]
    assert first.reasons == (
        "3 colleagues want to learn Wmo (priority sum 8)",
        "Anna holds it at level 4 (expert) and offered to present",
        "3 of 3 interested colleagues are free then",
    )
    assert first.audience == ("bram", "dirk", "eva") and first.demand == 3
    assert first.end - first.start == dt.timedelta(hours=1)
    assert plan.unplaced == ()
    assert (plan.status, plan.objective, plan.bound, plan.gap) == ("optimal", 2, 2, 0.0)


def test_colleagues_who_already_hold_the_skill_well_are_no_demand_for_it() -> None:
    tmap = talent(
        [presenter("anna"), *colleagues("bram", "dirk", "gijs")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("gijs", "wmo", Level.PROFICIENT),
         Holding("dirk", "wmo", Level.WORKING)],
        [Wish("bram", "wmo", 3), Wish("dirk", "wmo", 1), Wish("gijs", "wmo", 3)],
    )  # fmt: skip
    problem, plan = plan_for(tmap)
    (topic,) = problem.topics
    assert topic.wishers == (("bram", 3), ("dirk", 1))
    assert plan.sessions[0].audience == ("bram", "dirk")


def test_a_topic_wanted_by_too_few_is_not_considered() -> None:
    tmap = talent([presenter("anna"), person("bram")], [Holding("anna", "wmo", 4)], [Wish("bram", "wmo", 3)])
    problem, plan = plan_for(tmap)
    assert problem.topics == () and plan.sessions == () and plan.unplaced == ()
    _, plan = plan_for(tmap, min_demand=1)
    assert plan.sessions[0].reasons[0] == "1 colleague wants to learn Wmo (priority sum 3)"


def test_topics_nobody_can_present_are_reported_with_the_reason() -> None:
    busy = [HistoryEntry(f"round {n}", "mentor", ("chen", f"x{n}"), dt.date(2026, 1, 1)) for n in range(3)]
    tmap = talent(
        [person("dirk"), presenter("chen"), presenter("eva"), *colleagues("a1", "a2", "a3")],
        [Holding("dirk", "archief", Level.EXPERT), Holding("chen", "sql", Level.EXPERT),
         Holding("eva", "python", Level.WORKING)],
        [Wish(w, "archief", 3) for w in ("a1", "a2", "a3")]
        + [Wish(w, "sql", 2) for w in ("a1", "a2", "a3")]
        + [Wish(w, "python", 1) for w in ("a1", "a2", "a3")],
        busy,
    )  # fmt: skip
    _, plan = plan_for(tmap)
    assert plan.sessions == ()
    assert plan.unplaced == (
        ("archief", "no colleague at level 3 or more offered to present"),
        ("sql", "Chen offered to present but already takes part in more than 2 pairings or groups"),
        ("python", "nobody holds Python at level 3 or more"),
    )


def test_the_presenter_with_the_higher_level_then_the_lower_load_is_chosen() -> None:
    tmap = talent(
        [presenter("anna"), presenter("bram"), presenter("chen"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("bram", "wmo", Level.PROFICIENT),
         Holding("chen", "wmo", Level.EXPERT)],
        [Wish("w1", "wmo", 2), Wish("w2", "wmo", 2)],
    )  # fmt: skip
    problem = build_problem(tmap, Agenda(), config(), loads={"anna": 2, "bram": 0, "chen": 1})
    assert problem.topics[0].presenters == ("chen", "anna", "bram")
    session = propose(problem).sessions[0]
    assert session.presenter_id == "chen"
    assert "Chen takes part in 1 pairing or group now" in session.reasons
    overloaded = build_problem(tmap, Agenda(), config(), loads={"anna": 2, "chen": 3})
    assert overloaded.topics[0].presenters == ("anna", "bram")


def test_a_presenter_presents_at_most_the_configured_number_of_times() -> None:
    tmap = talent(
        [presenter("anna"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("anna", "sql", Level.EXPERT)],
        [Wish("w1", "wmo", 3), Wish("w2", "wmo", 3), Wish("w1", "sql", 1), Wish("w2", "sql", 1)],
    )
    _, plan = plan_for(tmap)
    assert [s.skill_id for s in plan.sessions] == ["wmo"]
    assert plan.unplaced == (("sql", "Anna already presents 1 session, the most allowed"),)
    assert (plan.status, plan.objective, plan.bound) == ("optimal", 1, 1)  # Anna's limit is the bound
    _, plan = plan_for(tmap, max_sessions_per_presenter=2)
    assert [s.skill_id for s in plan.sessions] == ["wmo", "sql"]


def test_a_site_plan_uses_only_presenters_and_colleagues_at_that_site() -> None:
    tmap = talent(
        [presenter("anna", site="Stadhuis"), presenter("chen", site="Werf"),
         *colleagues("w1", "w2", site="Stadhuis"), *colleagues("w3", "w4", site="Werf")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("chen", "sql", Level.EXPERT),
         Holding("chen", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2", "w3")] + [Wish(w, "sql", 3) for w in ("w3", "w4")],
    )  # fmt: skip
    problem, plan = plan_for(tmap, site="Stadhuis")
    assert [(t.skill_id, t.presenters, t.wishers) for t in problem.topics] == [
        ("wmo", ("anna",), (("w1", 2), ("w2", 2)))
    ]
    assert where(plan) == [("wmo", "anna", local(AMSTERDAM, 2026, 5, 4, 12))]


# --- placement -------------------------------------------------------------------------------------


def test_a_more_wanted_topic_does_not_take_the_only_week_another_presenter_can_do() -> None:
    tmap = talent(
        [presenter("anna"), presenter("chen"), *colleagues("w1", "w2", "w3")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("chen", "sql", Level.EXPERT)],
        [Wish(w, "wmo", 3) for w in ("w1", "w2", "w3")] + [Wish(w, "sql", 1) for w in ("w1", "w2")],
    )
    week20 = [WEEK19 + dt.timedelta(days=d) for d in range(7, 14)]
    agenda = Agenda(
        {
            # Chen can only do week 19; W3 misses every lunch in week 20, so Wmo would rather have week 19.
            "chen": [Interval(local(AMSTERDAM, 2026, 5, 11, 0), local(AMSTERDAM, 2026, 5, 18, 0))],
            "w3": [lunch_on(day) for day in week20],
        }
    )
    _, plan = plan_for(tmap, agenda)
    assert where(plan) == [
        ("sql", "chen", local(AMSTERDAM, 2026, 5, 4, 12)),
        ("wmo", "anna", local(AMSTERDAM, 2026, 5, 11, 12)),
    ]
    assert plan.sessions[1].reasons[-1] == "2 of 3 interested colleagues are free then"


def test_the_lunch_start_where_most_interested_colleagues_are_free_wins() -> None:
    tmap = talent(
        [presenter("anna"), *colleagues("w1", "w2", "w3")],
        [Holding("anna", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2", "w3")],
    )
    at = lambda hour, minute=0: local(AMSTERDAM, 2026, 5, 4, hour, minute)  # noqa: E731
    agenda = Agenda({"w1": [Interval(at(11), at(12, 15))], "w2": [Interval(at(11), at(11, 45))]})
    lunch = TimeRange(11 * 60 + 30, 13 * 60 + 30)
    _, plan = plan_for(tmap, agenda, last_day=WEEK19, lunch=lunch, grid_minutes=30)
    # 11:30 has W3 only, 12:00 has W2 and W3, 12:30 has all three.
    assert where(plan) == [("wmo", "anna", at(12, 30))]
    assert plan.sessions[0].reasons[-1] == "3 of 3 interested colleagues are free then"


def test_the_day_where_most_interested_colleagues_are_free_wins() -> None:
    tmap = talent(
        [presenter("anna"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2")],
    )
    agenda = Agenda({"w1": [lunch_on(WEEK19), lunch_on(WEEK19 + dt.timedelta(days=1))]})
    _, plan = plan_for(tmap, agenda, last_day=dt.date(2026, 5, 10))
    assert where(plan) == [("wmo", "anna", local(AMSTERDAM, 2026, 5, 6, 12))]


def test_the_presenters_busy_time_holidays_and_days_off_are_avoided() -> None:
    tmap = talent(
        [presenter("anna"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2")],
    )
    busy = Interval(local(AMSTERDAM, 2026, 5, 5, 12, 30), local(AMSTERDAM, 2026, 5, 5, 12, 45))
    agenda = Agenda({"anna": [busy]}, holidays=frozenset({WEEK19}))
    _, plan = plan_for(tmap, agenda)
    assert where(plan) == [("wmo", "anna", local(AMSTERDAM, 2026, 5, 6, 12))]
    # A horizon of only a weekend holds no working lunch at all.
    _, plan = plan_for(tmap, first_day=dt.date(2026, 5, 9), last_day=dt.date(2026, 5, 10))
    assert plan.unplaced == (("wmo", "Anna (presenter) has no free lunch slot in week 19 of 2026"),)


def test_a_lunch_break_between_working_hours_counts_as_free_time() -> None:
    split = parse_working_hours(
        {day: ["08:30-12:00", "12:30-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    )
    tmap = talent(
        [presenter("anna", working_hours=split), *colleagues("w1", "w2", working_hours=split)],
        [Holding("anna", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2")],
    )
    _, plan = plan_for(tmap)
    assert where(plan) == [("wmo", "anna", local(AMSTERDAM, 2026, 5, 4, 12))]
    assert plan.sessions[0].audience == ("w1", "w2")


def test_a_topic_whose_presenters_only_free_week_is_taken_says_so() -> None:
    tmap = talent(
        [presenter("anna"), presenter("chen"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", Level.EXPERT), Holding("chen", "sql", Level.EXPERT)],
        [Wish(w, "wmo", 3) for w in ("w1", "w2")] + [Wish(w, "sql", 1) for w in ("w1", "w2")],
    )
    week20 = Interval(local(AMSTERDAM, 2026, 5, 11, 0), local(AMSTERDAM, 2026, 5, 18, 0))
    _, plan = plan_for(tmap, Agenda({"anna": [week20], "chen": [week20]}))
    assert where(plan) == [("wmo", "anna", local(AMSTERDAM, 2026, 5, 4, 12))]
    assert plan.unplaced == (
        (
            "sql",
            "every lunch slot in which Chen can present (week 19 of 2026) is taken by more-wanted topics",
        ),
    )


def test_a_presenter_without_a_free_lunch_slot_is_named() -> None:
    tmap = talent(
        [presenter("bram"), presenter("chen"), *colleagues("w1", "w2")],
        [Holding("bram", "wmo", Level.EXPERT), Holding("chen", "wmo", Level.EXPERT)],
        [Wish(w, "wmo", 2) for w in ("w1", "w2")],
    )
    days = [WEEK19 + dt.timedelta(days=d) for d in range(14)]
    agenda = Agenda({"bram": [lunch_on(d) for d in days], "chen": [lunch_on(d) for d in days]})
    _, plan = plan_for(tmap, agenda)
    assert plan.unplaced == (
        ("wmo", "Bram and Chen (presenters) have no free lunch slot in weeks 19–20 of 2026"),
    )


def test_at_most_per_week_sessions_and_the_rest_say_the_horizon_is_full() -> None:
    tmap = talent(
        [presenter("anna"), presenter("bram"), presenter("chen"), *colleagues("w1", "w2")],
        [Holding("anna", "wmo", 4), Holding("bram", "sql", 4), Holding("chen", "archief", 4)],
        [Wish(w, "wmo", 3) for w in ("w1", "w2")]
        + [Wish(w, "sql", 2) for w in ("w1", "w2")]
        + [Wish(w, "archief", 1) for w in ("w1", "w2")],
    )
    _, plan = plan_for(tmap, last_day=dt.date(2026, 5, 10), per_week=2)
    assert where(plan) == [
        ("wmo", "anna", local(AMSTERDAM, 2026, 5, 4, 12)),
        ("sql", "bram", local(AMSTERDAM, 2026, 5, 5, 12)),
    ]
    assert plan.unplaced == (
        (
            "archief",
            "the horizon holds only 2 sessions (2 a week over 1 week), all taken by more-wanted topics",
        ),
    )
    assert (plan.objective, plan.bound, plan.as_dict()["bound"]) == (2, 2, 2)
    _, plan = plan_for(tmap, max_topics=1)
    assert [s.skill_id for s in plan.sessions] == ["wmo"]
    assert plan.unplaced[0] == ("sql", "the plan holds at most 1 topic, all taken by more-wanted topics")


def test_capacity_counts_per_week_sessions_in_each_iso_week_one_a_day() -> None:
    # Sunday 05-03 is in week 18, 05-04 to 05-10 is week 19, Monday 05-11 in week 20.
    assert capacity(config(first_day=dt.date(2026, 5, 3), last_day=dt.date(2026, 5, 11), per_week=3)) == 5


def test_the_examples_in_the_module_run() -> None:
    assert doctest.testmod(lunch).failed == 0

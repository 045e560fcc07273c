"""Lunch & learn: topics by demand, presenters, lunch slots, limits, time zones and properties.

Expected times are worked out by hand or with zoneinfo directly, never with the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Person, Skill, TimeRange, Wish
from matcher.domain.talentmap import TalentMap
from matcher.engines import lunch
from matcher.engines.lunch import LunchConfig, LunchSession, build_problem, capacity, propose, validate
from matcher.io.fields import parse_working_hours
from tests.orgs import person

AMSTERDAM, NEW_YORK = "Europe/Amsterdam", "America/New_York"
TODAY = dt.date(2026, 5, 1)
# ISO weeks 19 and 20 of 2026, Monday to Sunday.
WEEK19, WEEK20_END = dt.date(2026, 5, 4), dt.date(2026, 5, 17)
SKILLS = (Skill("wmo", "Wmo"), Skill("sql", "SQL"), Skill("archief", "Archiefwet"), Skill("python", "Python"))


def local(zone: str, *parts: int) -> dt.datetime:
    """A wall-clock time somewhere, in UTC, by zoneinfo alone."""
    return dt.datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def lunch_on(day: dt.date, zone: str = AMSTERDAM) -> Interval:
    return Interval(
        local(zone, day.year, day.month, day.day, 12), local(zone, day.year, day.month, day.day, 13)
    )


def talent(people, holdings=(), wishes=(), history=()) -> TalentMap:
    org = Organisation(
        "Gemeente Wadloo", tuple(people), SKILLS, tuple(holdings), tuple(wishes), tuple(history)
    )
    return TalentMap(org, today=TODAY)


def presenter(pid: str, **kwargs: object) -> Person:
    return person(pid, presenter=True, **kwargs)


def colleagues(*ids: str, **kwargs: object) -> list[Person]:
    return [person(pid, **kwargs) for pid in ids]


def config(**changes: object) -> LunchConfig:
    return LunchConfig(**{"first_day": WEEK19, "last_day": WEEK20_END, **changes})  # type: ignore[arg-type]


def plan_for(tmap: TalentMap, agenda: Agenda | None = None, **changes: object):
    problem = build_problem(tmap, agenda or Agenda(), config(**changes))
    plan = propose(problem)
    assert validate(problem, plan.sessions) == []
    return problem, plan


def where(plan) -> list[tuple[str, str, dt.datetime]]:
    return [(s.skill_id, s.presenter_id, s.start) for s in plan.sessions]


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
    _, plan = plan_for(tmap, max_topics=1)
    assert [s.skill_id for s in plan.sessions] == ["wmo"]
    assert plan.unplaced[0] == ("sql", "the plan holds at most 1 topic, all taken by more-wanted topics")


def test_capacity_counts_per_week_sessions_in_each_iso_week_one_a_day() -> None:
    # Sunday 05-03 is in week 18, 05-04 to 05-10 is week 19, Monday 05-11 in week 20.
    assert capacity(config(first_day=dt.date(2026, 5, 3), last_day=dt.date(2026, 5, 11), per_week=3)) == 5


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


# --- properties -------------------------------------------------------------------------------------


@st.composite
def organisations(draw: st.DrawFn) -> tuple:
    ids = [f"p{n}" for n in range(draw(st.integers(3, 9)))]
    people = [
        person(
            pid,
            presenter=draw(st.sampled_from((True, True, False))),
            timezone=draw(st.sampled_from((AMSTERDAM, AMSTERDAM, NEW_YORK, "Europe/London"))),
            site=draw(st.sampled_from(("Stadhuis", "Werf"))),
        )
        for pid in ids
    ]
    skills = [s.id for s in SKILLS]
    holdings = [
        Holding(pid, skill, draw(st.integers(2, 4)))
        for pid in ids
        for skill in skills
        if draw(st.integers(0, 2)) == 0
    ]
    wishes = [
        Wish(pid, skill, draw(st.integers(1, 3))) for pid in ids for skill in skills if draw(st.booleans())
    ]
    first_day = dt.date(2026, 3, 2) + dt.timedelta(days=draw(st.integers(0, 240)))
    last_day = first_day + dt.timedelta(days=draw(st.integers(0, 27)))
    origin = dt.datetime.combine(first_day, dt.time(), dt.UTC)
    busy = {
        pid: [
            Interval(origin + dt.timedelta(hours=h), origin + dt.timedelta(hours=h + n))
            for h, n in draw(st.lists(st.tuples(st.integers(0, 28 * 24), st.integers(1, 50)), max_size=10))
        ]
        for pid in ids
    }
    holidays = frozenset(
        first_day + dt.timedelta(days=d) for d in draw(st.lists(st.integers(0, 27), max_size=3))
    )
    lunch_config = LunchConfig(
        first_day=first_day,
        last_day=last_day,
        per_week=draw(st.integers(1, 3)),
        lunch=draw(st.sampled_from((TimeRange(12 * 60, 13 * 60), TimeRange(11 * 60 + 30, 13 * 60 + 30)))),
        minutes=draw(st.sampled_from((45, 60))),
        max_sessions_per_presenter=draw(st.integers(1, 2)),
        max_topics=draw(st.sampled_from((None, 1, 3))),
        min_demand=draw(st.integers(1, 2)),
        site=draw(st.sampled_from((None, "Stadhuis"))),
        busy_load=draw(st.integers(0, 2)),
    )
    loads = {pid: draw(st.integers(0, 3)) for pid in ids if draw(st.booleans())}
    return talent(people, holdings, wishes), Agenda(busy, holidays), lunch_config, loads


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_every_plan_passes_validate_and_never_touches_a_presenters_busy_time(case: tuple) -> None:
    tmap, agenda, lunch_config, loads = case
    problem = build_problem(tmap, agenda, lunch_config, loads=loads)
    plan = propose(problem)
    assert validate(problem, plan.sessions) == []
    for session in plan.sessions:
        for block in agenda.busy[session.presenter_id]:
            assert not (block.start < session.end and session.start < block.end)
    assert len(plan.sessions) <= capacity(lunch_config)
    assert len({s.start.date() for s in plan.sessions}) == len(plan.sessions)
    placed = {s.skill_id for s in plan.sessions}
    assert placed | {skill for skill, _ in plan.unplaced} == {t.skill_id for t in problem.topics}
    assert not placed & {skill for skill, _ in plan.unplaced}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_random_organisations_give_the_same_plan_twice(case: tuple) -> None:
    tmap, agenda, lunch_config, loads = case
    problem = build_problem(tmap, agenda, lunch_config, loads=loads)
    assert propose(problem) == propose(problem)


def lunch_days(problem, pid: str) -> set[dt.date]:
    """The horizon's days on which the person is free for some lunch start, straight from the agenda."""
    lunch_config, who = problem.config, problem.person(pid)
    zone, length = ZoneInfo(who.timezone), dt.timedelta(minutes=lunch_config.minutes)
    found = set()
    for offset in range((lunch_config.last_day - lunch_config.first_day).days + 1):
        day = lunch_config.first_day + dt.timedelta(days=offset)
        for minute in range(lunch_config.lunch.start, lunch_config.lunch.end - lunch_config.minutes + 1, 15):
            start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), zone).astimezone(dt.UTC)
            if problem.agenda.free(who, (start, start + length)) == [Interval(start, start + length)]:
                found.add(day)
    return found


def can_place(problem, topics: list) -> bool:
    """Whether these topics fit together, by plain backtracking over (presenter, day)."""
    lunch_config = problem.config
    free = {pid: lunch_days(problem, pid) for t in topics for pid in t.presenters}

    def place(rest: list, days: set, weeks: dict, talks: dict) -> bool:
        if not rest:
            return True
        for pid in rest[0].presenters:
            if talks.get(pid, 0) >= lunch_config.max_sessions_per_presenter:
                continue
            for day in sorted(free[pid] - days):
                week = day.isocalendar()[:2]
                if weeks.get(week, 0) < lunch_config.per_week and place(
                    rest[1:],
                    days | {day},
                    {**weeks, week: weeks.get(week, 0) + 1},
                    {**talks, pid: talks.get(pid, 0) + 1},
                ):
                    return True
        return False

    return place(topics, set(), {}, {})


@st.composite
def crowded(draw: st.DrawFn) -> tuple:
    """Few weeks, several topics and presenters who are away on whole days: topics compete for weeks."""
    ids = [f"p{n}" for n in range(6)]
    people = [presenter(pid) for pid in ids[:3]] + colleagues(*ids[3:])
    holdings = [Holding(pid, skill.id, 4) for pid in ids[:3] for skill in SKILLS if draw(st.booleans())]
    wishes = [Wish(pid, skill.id, draw(st.integers(1, 3))) for pid in ids[3:] for skill in SKILLS]
    away = {
        pid: [
            Interval(*(local(AMSTERDAM, 2026, 5, 4 + d, 0), local(AMSTERDAM, 2026, 5, 5 + d, 0)))
            for d in draw(st.sets(st.integers(0, 13), max_size=12))
        ]
        for pid in ids[:3]
    }
    lunch_config = config(
        per_week=draw(st.integers(1, 2)), max_sessions_per_presenter=draw(st.integers(1, 2))
    )
    return talent(people, holdings, wishes), Agenda(away), lunch_config


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_a_topic_left_out_for_more_wanted_ones_could_not_have_joined_them(case: tuple) -> None:
    tmap, agenda, lunch_config = case
    problem = build_problem(tmap, agenda, lunch_config)
    plan = propose(problem)
    assert validate(problem, plan.sessions) == []
    placed = {s.skill_id for s in plan.sessions}
    for n, topic in enumerate(problem.topics):
        before = [t for t in problem.topics[:n] if t.skill_id in placed]
        if topic.skill_id in placed:
            assert can_place(problem, [*before, topic])
        elif topic.presenters:
            assert not can_place(problem, [*before, topic])


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


def test_the_examples_in_the_module_run() -> None:
    assert doctest.testmod(lunch).failed == 0
